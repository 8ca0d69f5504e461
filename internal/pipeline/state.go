package pipeline

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"

	"gonas/derive"
	"gonas/internal/atomicfile"
)

// StateFile is the run's record in its folder.
const StateFile = "run.json"

// StateFormat marks a run.json; StateVersion is its layout.
const (
	StateFormat  = "gonas-run"
	StateVersion = 1
)

// Stage statuses.
const (
	StatusPending     = "pending"
	StatusRunning     = "running" // started; a run.json left so by a killed process resumes it
	StatusInterrupted = "interrupted"
	StatusFailed      = "failed"
	StatusDone        = "done"
)

// The stage kinds.
const (
	StageSearch = "search"
	StageSelect = "select"
	StageDerive = "derive"
	StageTrain  = "train"
	StageExport = "export"
	StageVerify = "verify"
	StageReport = "report"
)

// State is run.json: the configuration, each stage's status, timing and
// equivalent command, and the results so far.
type State struct {
	Format  string `json:"format"`
	Version int    `json:"version"`
	Gonas   string `json:"gonas_version,omitempty"`
	Command string `json:"command,omitempty"` // the gonas run command that started the run
	Created string `json:"created"`
	Updated string `json:"updated"`
	Threads int    `json:"threads"`
	Host    Host   `json:"host"`
	Config  Config `json:"config"`

	Stages    []Stage        `json:"stages"`
	Searches  []SearchResult `json:"searches,omitempty"`
	Selection []Candidate    `json:"selection,omitempty"`
	Net       *NetResult     `json:"net,omitempty"`
	Train     *TrainResult   `json:"train,omitempty"`
	Export    *ExportResult  `json:"export,omitempty"`
	Verify    *VerifyResult  `json:"verify,omitempty"`
	Done      bool           `json:"done"`
}

// Host describes the machine a run started on.
type Host struct {
	CPUs      int    `json:"cpus"`
	OS        string `json:"os"`
	Arch      string `json:"arch"`
	GoVersion string `json:"go_version"`
}

// Stage is one step of the run.
type Stage struct {
	Name     string  `json:"name"` // search, search-seed3, select, derive, train, export, verify, report
	Kind     string  `json:"kind"`
	Seed     uint64  `json:"seed,omitempty"` // searches
	Dir      string  `json:"dir,omitempty"`  // its output folder, relative to the run folder
	Status   string  `json:"status"`
	Attempts int     `json:"attempts,omitempty"`
	Seconds  float64 `json:"seconds"` // wall time of the attempts that ended (a killed attempt's time is lost)
	Started  string  `json:"started,omitempty"`
	Finished string  `json:"finished,omitempty"`
	// Load is the 1-minute load average when the stage last started and
	// when it ended (Linux; the timings depend on it).
	Load    [2]float64 `json:"load"`
	Command string     `json:"command,omitempty"` // the single-stage command that recomputes it
	Summary string     `json:"summary,omitempty"` // one line of results
	Error   string     `json:"error,omitempty"`
}

// SearchResult is one finished search.
type SearchResult struct {
	Seed      uint64  `json:"seed"`
	Dir       string  `json:"dir"`
	Genotype  string  `json:"genotype"`
	OpSet     string  `json:"op_set"`
	Epochs    int     `json:"epochs"`
	Steps     int64   `json:"steps"`
	TrainAcc  float64 `json:"train_acc"` // the last epoch's, on the weights' half
	ValAcc    float64 `json:"val_acc"`   // the final evaluation on the architecture's half
	Seconds   float64 `json:"seconds"`
	PeakBytes int64   `json:"peak_bytes,omitempty"`
}

// Candidate is a searched genotype's short retraining in the selection.
type Candidate struct {
	Seed     uint64  `json:"seed"`
	Dir      string  `json:"dir"`
	Genotype string  `json:"genotype"`
	ValAcc   float64 `json:"val_acc"`
	ValLoss  float64 `json:"val_loss"`
	Chosen   bool    `json:"chosen"`
}

// NetResult is the derived network.
type NetResult struct {
	GenotypeFile string        `json:"genotype_file"`
	Name         string        `json:"name"`
	Genotype     string        `json:"genotype"`
	OpSet        string        `json:"op_set"`
	Seed         uint64        `json:"seed"` // the search it came from
	Layers       int           `json:"layers"`
	Channels     int           `json:"channels"`
	Input        string        `json:"input"`
	Classes      int           `json:"classes"`
	Counts       derive.Counts `json:"counts"`
}

// TrainResult is the final retraining.
type TrainResult struct {
	Dir           string  `json:"dir"`
	Checkpoint    string  `json:"checkpoint"`
	Epochs        int     `json:"epochs"`
	Steps         int64   `json:"steps"`
	TrainImages   int     `json:"train_images"`
	TestImages    int     `json:"test_images"`
	TestAcc       float64 `json:"test_acc"` // the last epoch's
	TestLoss      float64 `json:"test_loss"`
	BestAcc       float64 `json:"best_acc"`
	BestEpoch     int     `json:"best_epoch"`
	ImagesPerSec  float64 `json:"images_per_sec"` // mean over the epochs
	WeightsSHA256 string  `json:"weights_sha256"` // the final checkpoint's, as `gonas inspect` reports it (every tensor)
	ModelSHA256   string  `json:"model_sha256"`   // the same over the model's tensors alone
}

// ExportResult is the ONNX file.
type ExportResult struct {
	File         string `json:"file"`
	Bytes        int64  `json:"bytes"`
	Opset        int    `json:"opset"`
	Nodes        int    `json:"nodes"`
	Initializers int    `json:"initializers"`
	InputMean    string `json:"input_mean,omitempty"`
	InputStd     string `json:"input_std,omitempty"`
}

// VerifyResult compares the exported model in ONNX Runtime with the Go
// engine on the test split.
type VerifyResult struct {
	Images     int     `json:"images"`
	GoCorrect  int     `json:"go_correct"`
	GoAcc      float64 `json:"go_acc"`
	GoSeconds  float64 `json:"go_seconds"`
	ORTCorrect int     `json:"ort_correct,omitempty"`
	ORTAcc     float64 `json:"ort_acc,omitempty"`
	ORTSeconds float64 `json:"ort_seconds,omitempty"`
	Agree      int     `json:"agree,omitempty"`        // images both classify the same
	MaxAbsDiff float64 `json:"max_abs_diff,omitempty"` // largest logit difference
	ORTSkipped string  `json:"ort_skipped,omitempty"`  // why ONNX Runtime did not run
}

// ORTRan tells whether ONNX Runtime measured the accuracy.
func (v *VerifyResult) ORTRan() bool { return v != nil && v.ORTSkipped == "" }

// WriteState writes st to path atomically.
func WriteState(path string, st *State) error {
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return atomicfile.Write(path, append(b, '\n'))
}

// ReadState reads a run.json.
func ReadState(path string) (*State, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read run state: %w", err)
	}
	var st State
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&st); err != nil {
		return nil, fmt.Errorf("read run state %s: %w", path, err)
	}
	switch {
	case st.Format != StateFormat:
		return nil, fmt.Errorf("read run state %s: not a gonas run (format %q, want %q)", path, st.Format, StateFormat)
	case st.Version < 1 || st.Version > StateVersion:
		return nil, fmt.Errorf("read run state %s: version %d; this gonas reads up to %d", path, st.Version, StateVersion)
	case len(st.Stages) == 0:
		return nil, fmt.Errorf("read run state %s: no stages", path)
	}
	for _, s := range st.Stages {
		switch s.Status {
		case StatusPending, StatusRunning, StatusInterrupted, StatusFailed, StatusDone:
		default:
			return nil, fmt.Errorf("read run state %s: stage %s has status %q", path, s.Name, s.Status)
		}
	}
	if err := st.Config.Check(); err != nil {
		return nil, fmt.Errorf("read run state %s: %w", path, err)
	}
	return &st, nil
}

// Stage returns the first stage of a kind, or nil.
func (st *State) Stage(kind string) *Stage {
	for i := range st.Stages {
		if st.Stages[i].Kind == kind {
			return &st.Stages[i]
		}
	}
	return nil
}

// Seconds is the wall time of every stage.
func (st *State) Seconds() float64 {
	var s float64
	for _, g := range st.Stages {
		s += g.Seconds
	}
	return s
}
