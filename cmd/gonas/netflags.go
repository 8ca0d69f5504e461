package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"

	"gonas/derive"
	"gonas/internal/buildinfo"
	"gonas/internal/spec"
	"gonas/internal/stage"
	"gonas/models"
)

// genoFlags pick a genotype and the op set it is built with. Commands that
// take a genotype (count, derive, plot, train, export, ...) share them.
type genoFlags struct {
	genotype string
	opSet    string
}

func (f *genoFlags) register(fs *pflag.FlagSet) {
	fs.StringVarP(&f.genotype, "genotype", "g", "", "genotype: a zoo name (see 'gonas zoo'), a genotype file, or genotype text (the Python repr)")
	var sets []string
	for _, s := range models.OpSets() {
		sets = append(sets, s.Name)
	}
	fs.StringVar(&f.opSet, "op-set", "", "op set to build the genotype with: "+strings.Join(sets, ", ")+" (default: the zoo's or the file's, else darts)")
}

// resolve returns the genotype (with its name and op set when known) and
// the op set to build it with.
func (f *genoFlags) resolve() (*models.GenoFile, *models.OpSet, error) {
	if strings.TrimSpace(f.genotype) == "" {
		return nil, nil, usagef("--genotype is required (a zoo name such as DARTS_V2, a genotype file, or genotype text)")
	}
	gf, err := models.GenotypeFromArg(f.genotype)
	if err != nil {
		return nil, nil, err
	}
	name := f.opSet
	if name == "" {
		name = gf.OpSet
	}
	if f.opSet != "" && gf.OpSet != "" && !strings.EqualFold(f.opSet, gf.OpSet) && isFileArg(f.genotype) {
		return nil, nil, usagef("--op-set %s: the genotype file %s declares op set %s (edit the file to build it in another)", f.opSet, f.genotype, gf.OpSet)
	}
	if name == "" {
		name = "darts"
	}
	set, err := models.LookupOpSet(name)
	if err != nil {
		return nil, nil, usagef("--op-set: %v", err)
	}
	if err := gf.CheckSpace(set); err != nil {
		if isFileArg(f.genotype) {
			return nil, nil, fmt.Errorf("%s: %w", f.genotype, err)
		}
		return nil, nil, err
	}
	return gf, set, nil
}

// netFlags add the macro configuration: dataset preset and overrides.
type netFlags struct {
	genoFlags
	dataset     string
	network     string
	input       string
	layers      int
	channels    int
	classes     int
	midChannels int
	auxiliary   bool
}

func (f *netFlags) register(fs *pflag.FlagSet) {
	f.genoFlags.register(fs)
	fs.StringVarP(&f.dataset, "dataset", "d", "cifar10", "dataset preset: "+strings.Join(derive.PresetNames(), ", "))
	fs.StringVar(&f.network, "network", "", "macro network: cifar or imagenet (default: the dataset's)")
	fs.StringVar(&f.input, "input", "", "input shape CxHxW, e.g. 3x32x32 (default: the dataset's)")
	fs.IntVar(&f.layers, "layers", 0, "number of cells (default: 20 CIFAR, 14 ImageNet, 8 MNIST)")
	fs.IntVar(&f.channels, "channels", 0, "initial channels C (default: 36 CIFAR, 48 ImageNet, 16 MNIST)")
	fs.IntVar(&f.classes, "classes", 0, "number of classes (default: the dataset's)")
	fs.IntVar(&f.midChannels, "mid-channels", 0, "bottleneck width of the sharpDARTS choke ops (default 32)")
	fs.BoolVar(&f.auxiliary, "auxiliary", false, "add the auxiliary head after cell 2*layers/3 (reported apart)")
}

// config is the derive configuration the flags describe.
func (f *netFlags) config() (derive.Config, error) {
	cfg := derive.Config{
		Dataset: f.dataset, Network: f.network, Layers: f.layers, Channels: f.channels,
		Classes: f.classes, MidChannels: f.midChannels, Auxiliary: f.auxiliary,
	}
	if f.input != "" {
		in, err := derive.ParseShape(f.input)
		if err != nil {
			return cfg, usagef("--input: %v", err)
		}
		cfg.Input = in
	}
	for _, v := range []struct {
		flag string
		n    int
	}{{"layers", f.layers}, {"channels", f.channels}, {"classes", f.classes}, {"mid-channels", f.midChannels}} {
		if v.n < 0 {
			return cfg, usagef("--%s must not be negative, got %d", v.flag, v.n)
		}
	}
	r, err := cfg.Resolve()
	if err != nil {
		return cfg, usagef("%v", err)
	}
	return r, nil
}

// builtNet is a derived network and what it was made from.
type builtNet struct {
	geno *models.GenoFile
	set  *models.OpSet
	cfg  derive.Config
	net  *spec.Net
}

// build resolves the flags and derives the network, recording in its Meta
// the gonas version, the command line and the genotype's name.
func (f *netFlags) build() (*builtNet, error) {
	gf, set, err := f.resolve()
	if err != nil {
		return nil, err
	}
	cfg, err := f.config()
	if err != nil {
		return nil, err
	}
	net, err := stage.Derive(gf, set, cfg, buildinfo.Version(), commandLine())
	if err != nil {
		return nil, err
	}
	return &builtNet{geno: gf, set: set, cfg: cfg, net: net}, nil
}

// describe is a one-line summary of what was built.
func (n *builtNet) describe() string {
	name := n.geno.Name
	if name == "" {
		name = "genotype"
	}
	aux := ""
	if n.cfg.Auxiliary {
		aux = ", auxiliary head"
	}
	return fmt.Sprintf("%s (op set %s) in the %s network for %s: input %v, %d classes, C=%d, %d cells%s",
		name, n.set.Name, n.cfg.Network, n.cfg.Dataset, n.cfg.Input, n.cfg.Classes, n.cfg.Channels, n.cfg.Layers, aux)
}

// commandLine is the command as typed, program name without its path.
func commandLine() string {
	if len(os.Args) == 0 {
		return "gonas"
	}
	args := append([]string{filepath.Base(os.Args[0])}, os.Args[1:]...)
	for i, a := range args {
		if strings.ContainsAny(a, " \t\n'\"()[]") {
			args[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
	}
	return strings.Join(args, " ")
}

// isFileArg tells whether a --genotype argument names a file (FILE or
// FILE:NAME) rather than a zoo entry or genotype text.
func isFileArg(arg string) bool {
	if st, err := os.Stat(arg); err == nil && !st.IsDir() {
		return true
	}
	if i := strings.LastIndexByte(arg, ':'); i > 0 {
		st, err := os.Stat(arg[:i])
		return err == nil && !st.IsDir()
	}
	return false
}
