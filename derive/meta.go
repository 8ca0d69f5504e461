package derive

import "gonas/models"

// genotypeText is the genotype as the reference code prints it (one line,
// read back by models.Parse), recorded in spec.Meta.
func genotypeText(g *models.Genotype) string { return g.String() }
