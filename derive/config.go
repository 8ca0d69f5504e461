package derive

import (
	"fmt"
	"sort"
	"strings"

	"gonas/internal/spec"
)

// The macro networks.
const (
	NetworkCIFAR    = "cifar"    // NetworkCIFAR: 3x3 stem to 3C, cells, global pool, linear
	NetworkImageNet = "imagenet" // NetworkImageNet: three stride-2 stem convs, cells, 7x7 pool, linear
)

// Config is the macro configuration of a derived network. Zero fields take
// the dataset preset's value.
type Config struct {
	Dataset     string     // preset: mnist, cifar10, cifar100, imagenet ("" = cifar10)
	Network     string     // NetworkCIFAR or NetworkImageNet
	Input       spec.Shape // per-image input shape
	Classes     int
	Channels    int  // C, the channels of the first cells
	Layers      int  // number of cells
	Auxiliary   bool // add the auxiliary head after cell 2*Layers/3
	MidChannels int  // sharpDARTS choke width (0: the op set's default, 32)
}

// Preset is a dataset's default configuration.
type Preset struct {
	Name   string
	Config Config
	Note   string
}

// presets: the paper evaluation networks for CIFAR (C=36, 20 cells) and
// ImageNet (C=48, 14 cells, docs/papers.md §1.4). MNIST is not in the papers:
// it uses the CIFAR network at the size of the DARTS search network
// (C=16, 8 cells) so that it trains on a CPU. Its 28x28 input leaves a 7x7
// map after the second reduction, too small for the CIFAR auxiliary head
// (which needs 8x8 to 10x10), so --auxiliary is refused there with the
// sizes; pad the input to 32x32 (--input 1x32x32) to use it.
var presets = map[string]Preset{
	"mnist": {Name: "mnist", Config: Config{Network: NetworkCIFAR, Input: spec.Shape{C: 1, H: 28, W: 28}, Classes: 10, Channels: 16, Layers: 8},
		Note: "CIFAR network at search size (C=16, 8 cells); no auxiliary head at 28x28"},
	"fashion-mnist": {Name: "fashion-mnist", Config: Config{Network: NetworkCIFAR, Input: spec.Shape{C: 1, H: 28, W: 28}, Classes: 10, Channels: 16, Layers: 8},
		Note: "as mnist: CIFAR network at search size (C=16, 8 cells); no auxiliary head at 28x28"},
	"cifar10": {Name: "cifar10", Config: Config{Network: NetworkCIFAR, Input: spec.Shape{C: 3, H: 32, W: 32}, Classes: 10, Channels: 36, Layers: 20},
		Note: "DARTS evaluation network (C=36, 20 cells)"},
	"cifar100": {Name: "cifar100", Config: Config{Network: NetworkCIFAR, Input: spec.Shape{C: 3, H: 32, W: 32}, Classes: 100, Channels: 36, Layers: 20},
		Note: "DARTS evaluation network (C=36, 20 cells), 100 classes"},
	"imagenet": {Name: "imagenet", Config: Config{Network: NetworkImageNet, Input: spec.Shape{C: 3, H: 224, W: 224}, Classes: 1000, Channels: 48, Layers: 14},
		Note: "DARTS mobile ImageNet network (C=48, 14 cells, 224x224)"},
}

// Presets lists the dataset presets by name.
func Presets() []Preset {
	out := make([]Preset, 0, len(presets))
	for _, p := range presets {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// PresetNames lists the preset names, sorted.
func PresetNames() []string {
	var names []string
	for _, p := range Presets() {
		names = append(names, p.Name)
	}
	return names
}

// Resolve fills the zero fields of c from its dataset preset and checks the
// result.
func (c Config) Resolve() (Config, error) {
	name := strings.ToLower(c.Dataset)
	if name == "" {
		name = "cifar10"
	}
	p, ok := presets[name]
	if !ok {
		return c, fmt.Errorf("unknown dataset %q (known: %s)", c.Dataset, strings.Join(PresetNames(), ", "))
	}
	d := p.Config
	c.Dataset = name
	if c.Network == "" {
		c.Network = d.Network
	}
	if c.Input == (spec.Shape{}) {
		c.Input = d.Input
	}
	if c.Classes == 0 {
		c.Classes = d.Classes
	}
	if c.Channels == 0 {
		c.Channels = d.Channels
	}
	if c.Layers == 0 {
		c.Layers = d.Layers
	}
	c.Network = strings.ToLower(c.Network)
	switch {
	case c.Network != NetworkCIFAR && c.Network != NetworkImageNet:
		return c, fmt.Errorf("unknown network %q (want %s or %s)", c.Network, NetworkCIFAR, NetworkImageNet)
	case c.Input.C <= 0 || c.Input.H <= 0 || c.Input.W <= 0:
		return c, fmt.Errorf("input shape %v: every dimension must be positive", c.Input)
	case c.Classes <= 0:
		return c, fmt.Errorf("classes must be positive, got %d", c.Classes)
	case c.Channels <= 0:
		return c, fmt.Errorf("channels must be positive, got %d", c.Channels)
	case c.Layers <= 0:
		return c, fmt.Errorf("layers must be positive, got %d", c.Layers)
	case c.MidChannels < 0:
		return c, fmt.Errorf("mid channels must not be negative, got %d", c.MidChannels)
	}
	return c, nil
}

// ParseShape reads "CxHxW" (e.g. 3x32x32), or "HxW" meaning 3 channels.
func ParseShape(s string) (spec.Shape, error) {
	parts := strings.Split(strings.ToLower(strings.TrimSpace(s)), "x")
	var v []int
	for _, p := range parts {
		var n int
		if _, err := fmt.Sscanf(p, "%d", &n); err != nil || fmt.Sprint(n) != p || n <= 0 {
			return spec.Shape{}, fmt.Errorf("input shape %q: want CxHxW with positive integers, e.g. 3x32x32", s)
		}
		v = append(v, n)
	}
	switch len(v) {
	case 3:
		return spec.Shape{C: v[0], H: v[1], W: v[2]}, nil
	case 2:
		return spec.Shape{C: 3, H: v[0], W: v[1]}, nil
	}
	return spec.Shape{}, fmt.Errorf("input shape %q: want CxHxW, e.g. 3x32x32", s)
}
