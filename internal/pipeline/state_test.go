package pipeline

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestStateRoundTrip(t *testing.T) {
	dir, st := fixtureRun(t, false)
	path := filepath.Join(dir, StateFile)
	if err := WriteState(path, st); err != nil {
		t.Fatal(err)
	}
	got, err := ReadState(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, st) {
		t.Errorf("read back\n%+v\nwant\n%+v", got, st)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*tmp*")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
	if s := got.Stage(StageTrain); s == nil || s.Dir != "train" || got.Stage("nope") != nil {
		t.Errorf("Stage lookup: %+v", s)
	}
	if got.Seconds() != st.Seconds() || got.Seconds() <= 0 {
		t.Errorf("Seconds %v", got.Seconds())
	}
}

func TestReadStateErrors(t *testing.T) {
	_, st := fixtureRun(t, false)
	dir := t.TempDir()
	good := filepath.Join(dir, "good.json")
	if err := WriteState(good, st); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(good)
	for _, tc := range []struct {
		name, text, want string
	}{
		{"not json", "hello", "run state"},
		{"foreign", `{"format": "other", "version": 1}`, `not a gonas run (format "other"`},
		{"future", strings.Replace(string(b), `"version": 1`, `"version": 9`, 1), "version 9; this gonas reads up to 1"},
		{"status", strings.Replace(string(b), `"status": "done"`, `"status": "sleeping"`, 1), `has status "sleeping"`},
		{"config", strings.Replace(string(b), `"method": "rome"`, `"method": "nas"`, 1), `unknown search method "nas"`},
		{"no stages", `{"format": "gonas-run", "version": 1, "stages": []}`, "no stages"},
	} {
		p := filepath.Join(dir, tc.name+".json")
		if err := os.WriteFile(p, []byte(tc.text), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := ReadState(p)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), p) && tc.name != "missing" {
			t.Errorf("%s: %v, want an error naming the file with %q", tc.name, err, tc.want)
		}
	}
	if _, err := ReadState(filepath.Join(dir, "missing.json")); err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("missing file: %v", err)
	}
}

// Start refuses a folder holding a run (finished or not) or other files;
// Open refuses one without a run.
func TestStartRefuses(t *testing.T) {
	cfg, err := NewConfig("rome", "mnist", "tiny", 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	finished, st := fixtureRun(t, false)
	if err := WriteState(filepath.Join(finished, StateFile), st); err != nil {
		t.Fatal(err)
	}
	unfinished := filepath.Join(root, "unfinished")
	r, err := Start(cfg, unfinished, Options{})
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
	other := filepath.Join(root, "other")
	os.MkdirAll(other, 0o755)
	os.WriteFile(filepath.Join(other, "x"), nil, 0o644)
	broken := filepath.Join(root, "broken")
	os.MkdirAll(broken, 0o755)
	os.WriteFile(filepath.Join(broken, StateFile), []byte("{"), 0o644)
	for _, tc := range []struct{ dir, want string }{
		{finished, "holds a finished run"},
		{unfinished, "holds an unfinished run: continue it with `gonas run --resume " + unfinished},
		{other, "is not empty and holds no run"},
		{broken, "holds a run.json that cannot be read"},
	} {
		if _, err := Start(cfg, tc.dir, Options{}); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Start in %s: %v, want %q", tc.dir, err, tc.want)
		}
	}
	if _, err := Open(filepath.Join(root, "nothing"), Options{}); err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("Open of a folder without a run: %v", err)
	}
	// The fresh run's state lists the stages, all pending, with commands.
	got, err := ReadState(filepath.Join(unfinished, StateFile))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range got.Stages {
		names = append(names, s.Name)
		if s.Status != StatusPending {
			t.Errorf("stage %s is %s", s.Name, s.Status)
		}
	}
	if strings.Join(names, " ") != "search derive train export verify report" {
		t.Errorf("stages %v", names)
	}
	if c := got.Stage(StageSearch).Command; !strings.HasPrefix(c, "gonas search --method rome") || !strings.HasSuffix(c, "--out "+filepath.Join(unfinished, "search")) {
		t.Errorf("search command %q", c)
	}
}

func TestPlannedStagesSeeds(t *testing.T) {
	cfg, _ := NewConfig("gdas", "mnist", "quick", 5, 3)
	var names []string
	for _, s := range plannedStages(&cfg, "d", 2) {
		names = append(names, s.Name+":"+s.Dir)
	}
	want := "search-seed5:search-seed5 search-seed6:search-seed6 search-seed7:search-seed7 select:select derive: train:train export: verify: report:"
	if strings.Join(names, " ") != want {
		t.Errorf("stages\n got %s\nwant %s", strings.Join(names, " "), want)
	}
}
