package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"
)

// engineNames are the lines of `gonas bench` in order, with the default
// --threads 2.
var engineNames = []string{
	"peak-1t", "peak-2t", "gemm-256x6144x2304-1t", "conv3x3-n32c64-16x16-fwdbwd",
	"dwconv3x3-n32c64-32x32-fwdbwd", "step-darts_v2-c16l8-b64", "infer-darts_v2-c16l8-b64",
}

// TestBenchEngineJSON runs the suite in --quick mode and checks the shape
// of its JSON lines: the names in order, positive finite figures, the
// peaks as their own denominators, and the step's extra fields.
func TestBenchEngineJSON(t *testing.T) {
	var out, errb bytes.Buffer
	if code := mainErr([]string{"bench", "--quick", "--json"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var got []map[string]any
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		got = append(got, m)
	}
	if len(got) != len(engineNames) {
		t.Fatalf("%d lines, want %d:\n%s", len(got), len(engineNames), out.String())
	}
	peak := map[float64]float64{} // threads -> peak GFLOP/s
	for i, m := range got {
		name, _ := m["name"].(string)
		if name != engineNames[i] {
			t.Fatalf("line %d is %q, want %q", i, name, engineNames[i])
		}
		threads := positive(t, m, name, "threads")
		gf := positive(t, m, name, "gflops")
		frac := positive(t, m, name, "peak_fraction")
		positive(t, m, name, "seconds")
		if strings.HasPrefix(name, "peak-") {
			if frac != 1 {
				t.Errorf("%s: peak_fraction %v, want 1", name, frac)
			}
			peak[threads] = gf
			continue
		}
		if p := peak[threads]; math.Abs(frac-gf/p) > 1e-9*frac {
			t.Errorf("%s: peak_fraction %v, but gflops/peak-%vt = %v", name, frac, threads, gf/p)
		}
		_, hasImg := m["images_per_sec"]
		_, hasBytes := m["peak_bytes"]
		if step := strings.HasPrefix(name, "step-") || strings.HasPrefix(name, "infer-"); step {
			positive(t, m, name, "images_per_sec")
			positive(t, m, name, "peak_bytes")
		} else if hasImg || hasBytes {
			t.Errorf("%s: has step fields: %v", name, m)
		}
	}
}

func positive(t *testing.T, m map[string]any, name, key string) float64 {
	t.Helper()
	v, ok := m[key].(float64)
	if !ok || !(v > 0) || math.IsInf(v, 0) {
		t.Errorf("%s: %s = %v, want a positive number", name, key, m[key])
	}
	return v
}

// TestBenchEngineTable checks the table form lists the same names, and
// that the suite's flags are refused before a benchmark name.
func TestBenchEngineTable(t *testing.T) {
	var out, errb bytes.Buffer
	if code := mainErr([]string{"bench", "--quick", "--threads", "1"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	// A title, the column header, then one line per item; with one
	// thread there is no second peak line.
	want := []string{"peak-1t", "gemm-256x6144x2304-1t", "conv3x3-n32c64-16x16-fwdbwd",
		"dwconv3x3-n32c64-32x32-fwdbwd", "step-darts_v2-c16l8-b64", "infer-darts_v2-c16l8-b64"}
	if len(lines) != 2+len(want) || !strings.HasPrefix(lines[1], "name ") {
		t.Fatalf("table:\n%s", out.String())
	}
	for i, w := range want {
		if f := strings.Fields(lines[2+i]); f[0] != w || f[1] != "1" {
			t.Errorf("line %q, want %s on 1 thread", lines[2+i], w)
		}
	}
	for _, args := range [][]string{{"bench", "--json", "search"}, {"bench", "--threads", "0"}, {"bench", "extra-arg"}} {
		out.Reset()
		errb.Reset()
		if code := mainErr(args, &out, &errb); code != 2 {
			t.Errorf("%v: exit %d, want 2 (stderr %q)", args, code, errb.String())
		}
	}
}

// TestBenchInfer: the JSON object of `gonas bench infer`, with ONNX
// Runtime where it is installed, and its argument errors.
func TestBenchInfer(t *testing.T) {
	var out, errb bytes.Buffer
	args := []string{"bench", "infer", "-g", "DARTS_V2", "-d", "mnist", "--layers", "2", "--channels", "4", "--batch", "2",
		"--threads", "1", "--reps", "2", "--rounds", "1", "--json"}
	if code := mainErr(args, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var r map[string]any
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatalf("%v: %s", err, out.String())
	}
	positive(t, r, "infer", "images_per_sec")
	positive(t, r, "infer", "peak_bytes")
	if r["runs"].(float64) != 2 || r["batch"].(float64) != 2 {
		t.Errorf("runs/batch: %v", r)
	}
	if _, skipped := r["ort_skipped"]; !skipped {
		positive(t, r, "infer", "ort_images_per_sec")
		if ratio := positive(t, r, "infer", "ratio"); math.Abs(ratio-r["images_per_sec"].(float64)/r["ort_images_per_sec"].(float64)) > 1e-9*ratio {
			t.Errorf("ratio %v is not gonas over ONNX Runtime", ratio)
		}
	}
	for _, bad := range [][]string{{"bench", "infer"}, {"bench", "infer", "--model", "x.onnx", "-g", "DARTS_V2"}, {"bench", "infer", "-g", "DARTS_V2", "--batch", "0"}} {
		errb.Reset()
		if code := mainErr(bad, &out, &errb); code != 2 {
			t.Errorf("%v: exit %d (%s), want 2", bad, code, errb.String())
		}
	}
}
