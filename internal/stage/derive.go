package stage

import (
	"gonas/derive"
	"gonas/internal/spec"
	"gonas/models"
)

// OpSetOf is the op set a genotype file names, DARTS's when it names none,
// after checking the genotype against the space the file declares.
func OpSetOf(gf *models.GenoFile) (*models.OpSet, error) {
	name := gf.OpSet
	if name == "" {
		name = "darts"
	}
	set, err := models.LookupOpSet(name)
	if err != nil {
		return nil, err
	}
	if err := gf.CheckSpace(set); err != nil {
		return nil, err
	}
	return set, nil
}

// Derive builds the network of genotype file gf in op set set with the
// sizes of dc, recording in its Meta the gonas version, the command that
// made it and the genotype's name.
func Derive(gf *models.GenoFile, set *models.OpSet, dc derive.Config, version, command string) (*spec.Net, error) {
	net, err := derive.Build(&gf.Genotype, set, dc)
	if err != nil {
		return nil, err
	}
	if net.Meta.Extra == nil {
		net.Meta.Extra = map[string]string{}
	}
	net.Meta.Extra["gonas_version"] = version
	net.Meta.Extra["command"] = command
	if gf.Name != "" {
		net.Meta.Extra["genotype_name"] = gf.Name
	}
	return net, nil
}

// DeriveFile is Derive in the op set the genotype file names.
func DeriveFile(gf *models.GenoFile, dc derive.Config, version, command string) (*spec.Net, *models.OpSet, error) {
	set, err := OpSetOf(gf)
	if err != nil {
		return nil, nil, err
	}
	net, err := Derive(gf, set, dc, version, command)
	return net, set, err
}
