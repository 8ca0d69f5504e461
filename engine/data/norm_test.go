package data

import "testing"

func TestNormMatchesLoaders(t *testing.T) {
	for _, tc := range []struct {
		name string
		c    int
	}{{"mnist", 1}, {"cifar10", 3}, {"cifar100", 3}} {
		m, s, ok := Norm(tc.name)
		if !ok || len(m) != tc.c || len(s) != tc.c {
			t.Fatalf("%s: %v %v %v", tc.name, m, s, ok)
		}
	}
	if m, _, _ := Norm("cifar10"); m[0] != 0.49139968 {
		t.Errorf("cifar10 mean %v, want the DARTS constant 0.49139968", m[0])
	}
	if _, _, ok := Norm("folder:/x"); ok {
		t.Error("folders have no fixed normalisation")
	}
}
