package stage

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"gonas/derive"
	"gonas/engine/data"
	"gonas/export"
	"gonas/internal/spec"
	"gonas/models"
	"gonas/train"
)

func TestAgreement(t *testing.T) {
	a := []float32{0.1, 0.9, 0.0, 2, 2, 1, -1, -3, -2} // classes 1, 0 (a tie: the first), 0
	b := []float32{0, 1, 0, 0, 3, 0, 1, 0, 0}          // classes 1, 1, 0
	if got := Agreement(a, b, 3); got != 2 {
		t.Errorf("Agreement = %d, want 2", got)
	}
}

func TestNormalise(t *testing.T) {
	ds := &data.Dataset{C: 2, H: 1, W: 2, Images: []uint8{0, 255, 51, 102}, Labels: []int{0},
		Mean: []float32{0.5, 0.2}, Std: []float32{0.5, 0.1}}
	want := []float32{-1, 1, 0, 2}
	got := Normalise(ds)
	for i := range want {
		if d := got[i] - want[i]; d > 1e-6 || d < -1e-6 {
			t.Fatalf("Normalise = %v, want %v", got, want)
		}
	}
}

func TestCheckpointMeta(t *testing.T) {
	h := &train.Header{GenotypeName: "DARTS_V2", Config: train.Config{Dataset: "mnist"},
		State: train.State{Step: 42, History: make([]train.EpochMetrics, 3)}}
	got := CheckpointMeta("/runs/x/train/checkpoint.ckpt", h)
	want := map[string]string{"source": "checkpoint checkpoint.ckpt", "epochs_done": "3", "step": "42",
		"genotype_name": "DARTS_V2", export.MetaDataset: "mnist"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("CheckpointMeta = %v, want %v", got, want)
	}
}

func TestInputNorm(t *testing.T) {
	in := spec.Shape{C: 1, H: 28, W: 28}
	mean, std, err := InputNorm(train.Config{Dataset: "MNIST"}, in, 10)
	if err != nil || len(mean) != 1 || mean[0] != 0.1307 || std[0] != 0.3081 {
		t.Errorf("mnist: %v %v %v, want the fixed constants 0.1307, 0.3081", mean, std, err)
	}
	if _, _, err := InputNorm(train.Config{}, in, 10); err == nil {
		t.Error("no dataset: no error")
	}
	// An image folder: what its loader computes.
	dir := filepath.Join("..", "..", "engine", "data", "testdata", "folder")
	cfg := train.Config{Dataset: "folder:" + dir}
	shape := spec.Shape{C: 3, H: 8, W: 8}
	mean, std, err = InputNorm(cfg, shape, 2)
	if err != nil {
		t.Fatal(err)
	}
	test, err := train.LoadSplit(&cfg, "test", shape, 2)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(mean, test.Mean) || !reflect.DeepEqual(std, test.Std) || len(mean) != 3 {
		t.Errorf("folder: mean %v std %v, the loader has %v %v", mean, std, test.Mean, test.Std)
	}
	meta := map[string]string{}
	AddNorm(meta, []float32{0.5, 0.25}, []float32{1, 2})
	if meta[export.MetaMean] != "0.5,0.25" || meta[export.MetaStd] != "1,2" {
		t.Errorf("AddNorm: %v", meta)
	}
}

func TestDeriveFile(t *testing.T) {
	e, ok := models.LookupZoo("DARTS_V2")
	if !ok {
		t.Fatal("no DARTS_V2")
	}
	gf := &models.GenoFile{Name: "DARTS_V2", Genotype: *e.Genotype}
	net, set, err := DeriveFile(gf, derive.Config{Dataset: "mnist", Layers: 2, Channels: 4}, "v1.2", "gonas derive x")
	if err != nil {
		t.Fatal(err)
	}
	if set.Name != "darts" {
		t.Errorf("op set %s, want darts (the default of a file that names none)", set.Name)
	}
	x := net.Meta.Extra
	if x["gonas_version"] != "v1.2" || x["command"] != "gonas derive x" || x["genotype_name"] != "DARTS_V2" {
		t.Errorf("meta %v", x)
	}
	gf.OpSet = "nosuch"
	if _, _, err := DeriveFile(gf, derive.Config{Dataset: "mnist"}, "", ""); err == nil || !strings.Contains(err.Error(), "nosuch") {
		t.Errorf("unknown op set: %v", err)
	}
}
