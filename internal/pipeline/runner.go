package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"time"

	"gonas/internal/atomicfile"
	"gonas/internal/host"
	"gonas/internal/units"
)

// ErrInterrupted is returned (wrapped) when the context ends a run: the
// stage in progress has checkpointed and `gonas run --resume` continues it.
var ErrInterrupted = errors.New("interrupted")

// LogFile is the run's log in its folder.
const LogFile = "run.log"

// Options are how a run executes; they may change on resume.
type Options struct {
	Threads  int       // engine threads; 0: all cores (a resumed run: the run's count)
	Log      io.Writer // progress; nil: run.log only
	LogEvery int       // a training progress line every N steps (0: 50)
	Command  string    // the command line, recorded in run.json and the checkpoints
	Version  string    // the gonas version, recorded
	// MaxMemory is the memory limit of the search and the trainings (see
	// search.Options.MaxMemory): 0 means this machine's memory.
	MaxMemory int64
}

// Runner runs the stages of one run folder.
type Runner struct {
	dir     string
	st      *State
	opt     Options
	threads int
	log     io.Writer
	logFile *os.File
	stage   *Stage // the stage running
}

// Start prepares a new run of cfg in dir. It refuses a folder that holds a
// run (finished or not) or other files.
func Start(cfg Config, dir string, opt Options) (*Runner, error) {
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	if !builtIn(cfg.Dataset) && cfg.DataDir == "" {
		return nil, fmt.Errorf("dataset %s needs its files: give their folder as the data directory (--data-dir); MNIST and Fashion-MNIST (Debian's dataset-fashion-mnist) are found without it", cfg.Dataset)
	}
	if err := checkFresh(dir); err != nil {
		return nil, err
	}
	if err := atomicfile.CheckDir(dir); err != nil {
		return nil, err
	}
	threads := opt.Threads
	if threads <= 0 {
		threads = runtime.NumCPU()
	}
	now := time.Now().UTC().Format(time.RFC3339)
	st := &State{
		Format: StateFormat, Version: StateVersion, Gonas: opt.Version, Command: opt.Command,
		Created: now, Updated: now, Threads: threads, Config: cfg,
		Host: Host{CPUs: runtime.NumCPU(), OS: runtime.GOOS, Arch: runtime.GOARCH, GoVersion: runtime.Version()},
	}
	st.Stages = plannedStages(&cfg, dir, threads)
	r := &Runner{dir: dir, st: st, opt: opt, threads: threads}
	if err := r.openLog(); err != nil {
		return nil, err
	}
	if err := r.save(); err != nil {
		r.Close()
		return nil, err
	}
	return r, nil
}

// checkFresh refuses a folder that holds a run or anything else.
func checkFresh(dir string) error {
	if st, err := ReadState(filepath.Join(dir, StateFile)); err == nil {
		if st.Done {
			return fmt.Errorf("%s holds a finished run (report %s): choose another folder with --out, or remove it",
				dir, filepath.Join(dir, ReportFile))
		}
		return fmt.Errorf("%s holds an unfinished run: continue it with `gonas run --resume %s`, or choose another folder with --out", dir, dir)
	} else if _, serr := os.Stat(filepath.Join(dir, StateFile)); serr == nil {
		return fmt.Errorf("%s holds a run.json that cannot be read (%v): choose another folder with --out", dir, err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		return fmt.Errorf("run folder: %w", err)
	}
	if len(entries) > 0 {
		return fmt.Errorf("%s is not empty and holds no run: choose another folder with --out", dir)
	}
	return nil
}

// Open reopens the run in dir to continue it. A different thread count
// than the run's is allowed but breaks bit-identity with an uninterrupted
// run (the stages say so).
func Open(dir string, opt Options) (*Runner, error) {
	st, err := ReadState(filepath.Join(dir, StateFile))
	if err != nil {
		return nil, err
	}
	threads := opt.Threads
	if threads <= 0 {
		threads = st.Threads
	}
	r := &Runner{dir: dir, st: st, opt: opt, threads: threads}
	if err := r.openLog(); err != nil {
		return nil, err
	}
	return r, nil
}

// plannedStages lists the stages of cfg with their folders and commands.
func plannedStages(cfg *Config, dir string, threads int) []Stage {
	var ss []Stage
	for i := range cfg.Seeds {
		seed := cfg.Seed + uint64(i)
		name, sub := StageSearch, "search"
		if cfg.Seeds > 1 {
			name = fmt.Sprintf("search-seed%d", seed)
			sub = name
		}
		ss = append(ss, Stage{Name: name, Kind: StageSearch, Seed: seed, Dir: sub,
			Command: Shell(cfg.SearchArgs(seed, filepath.Join(dir, sub), threads))})
	}
	if cfg.Seeds > 1 {
		ss = append(ss, Stage{Name: StageSelect, Kind: StageSelect, Dir: "select",
			Command: fmt.Sprintf("(no single command: each genotype retrained %d epoch(s) on the first half of %s training images, ranked on the second half)",
				cfg.Plan.Select.Epochs, imagesText(cfg.Plan.Select.Subset))})
	}
	geno := filepath.Join(dir, GenotypeFile)
	ts, _ := cfg.TrainConfig()
	derive := []string{"gonas", "derive", "-g", geno, "-d", cfg.Dataset, "--layers", strconv.Itoa(ts.Net.Layers),
		"--channels", strconv.Itoa(ts.Net.Channels)}
	if ts.Net.Auxiliary {
		derive = append(derive, "--auxiliary")
	}
	derive = append(derive, "-o", filepath.Join(dir, NetFile))
	ckpt := filepath.Join(dir, "train", "checkpoint.ckpt")
	ss = append(ss,
		Stage{Name: StageDerive, Kind: StageDerive,
			Command: Shell(derive) + "\n" + Shell([]string{"gonas", "plot", "-g", geno, "-o", dir})},
		Stage{Name: StageTrain, Kind: StageTrain, Dir: "train", Command: Shell(cfg.TrainArgs(geno, filepath.Join(dir, "train"), threads))},
		Stage{Name: StageExport, Kind: StageExport, Command: Shell(cfg.ExportArgs(ckpt, filepath.Join(dir, ONNXFile)))},
		Stage{Name: StageVerify, Kind: StageVerify, Command: Shell(cfg.EvalArgs(ckpt, threads)) +
			"   # the Go engine's accuracy; the ONNX Runtime accuracy has no single command"},
		Stage{Name: StageReport, Kind: StageReport},
	)
	for i := range ss {
		ss[i].Status = StatusPending
	}
	return ss
}

func imagesText(n int) string {
	if n <= 0 {
		return "all"
	}
	return strconv.Itoa(n)
}

// openLog tees the log into run.log.
func (r *Runner) openLog() error {
	f, err := os.OpenFile(filepath.Join(r.dir, LogFile), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("run log: %w", err)
	}
	r.logFile = f
	r.log = f
	if r.opt.Log != nil {
		r.log = io.MultiWriter(r.opt.Log, f)
	}
	return nil
}

// Close closes the run's log.
func (r *Runner) Close() error {
	if r.logFile == nil {
		return nil
	}
	err := r.logFile.Close()
	r.logFile = nil
	return err
}

// Dir is the run folder.
func (r *Runner) Dir() string { return r.dir }

// State is the run's record.
func (r *Runner) State() *State { return r.st }

// Threads is the thread count the stages run with.
func (r *Runner) Threads() int { return r.threads }

// save writes run.json.
func (r *Runner) save() error {
	r.st.Updated = time.Now().UTC().Format(time.RFC3339)
	return WriteState(filepath.Join(r.dir, StateFile), r.st)
}

func (r *Runner) logf(format string, args ...any) {
	fmt.Fprintf(r.log, format+"\n", args...)
}

// path is a file of the run folder.
func (r *Runner) path(elem ...string) string {
	return filepath.Join(append([]string{r.dir}, elem...)...)
}

// Run runs every stage not yet done, in order, recording each in run.json
// as it starts and ends. A cancelled ctx stops the stage in progress with
// a checkpoint and returns ErrInterrupted.
func (r *Runner) Run(ctx context.Context) (*State, error) {
	st := r.st
	if st.Threads != r.threads {
		r.logf("note: the run started with %d threads and continues with %d: the results will not be bit-identical to an uninterrupted run", st.Threads, r.threads)
	}
	started := time.Now()
	for i := range st.Stages {
		s := &st.Stages[i]
		if s.Status == StatusDone {
			r.logf("== [%d/%d] %s: done before (%s)", i+1, len(st.Stages), s.Name, s.Summary)
			continue
		}
		how := "starting"
		if s.Attempts > 0 {
			last := s.Status
			if last == StatusRunning {
				last = "killed" // its process died without updating run.json
			}
			how = fmt.Sprintf("resuming (attempt %d; the last one was %s)", s.Attempts+1, last)
		}
		r.logf("== [%d/%d] %s: %s", i+1, len(st.Stages), s.Name, how)
		s.Status, s.Error = StatusRunning, ""
		s.Attempts++
		s.Started = time.Now().UTC().Format(time.RFC3339)
		s.Load[0] = host.LoadAverage()
		if err := r.save(); err != nil {
			return st, err
		}
		t0 := time.Now()
		r.stage = s
		err := r.runStage(ctx, s)
		r.stage = nil
		s.Seconds += time.Since(t0).Seconds()
		s.Load[1] = host.LoadAverage()
		s.Finished = time.Now().UTC().Format(time.RFC3339)
		switch {
		case errors.Is(err, ErrInterrupted) || (err != nil && ctx.Err() != nil):
			s.Status = StatusInterrupted
			if serr := r.save(); serr != nil {
				return st, serr
			}
			r.logf("interrupted in stage %s; continue with: gonas run --resume %s", s.Name, r.dir)
			return st, fmt.Errorf("stage %s: %w", s.Name, ErrInterrupted)
		case err != nil:
			s.Status, s.Error = StatusFailed, err.Error()
			if serr := r.save(); serr != nil {
				return st, serr
			}
			return st, fmt.Errorf("stage %s: %w", s.Name, err)
		}
		s.Status = StatusDone
		if s.Kind == StageReport {
			st.Done = true
		}
		if err := r.save(); err != nil {
			return st, err
		}
		r.logf("== %s done in %s: %s", s.Name, units.Seconds(s.Seconds), s.Summary)
	}
	st.Done = true
	if err := r.save(); err != nil {
		return st, err
	}
	r.logf("run finished in %s (this process)", units.Seconds(time.Since(started).Seconds()))
	return st, nil
}

// runStage dispatches a stage.
func (r *Runner) runStage(ctx context.Context, s *Stage) error {
	switch s.Kind {
	case StageSearch:
		return r.runSearch(ctx, s)
	case StageSelect:
		return r.runSelect(ctx, s)
	case StageDerive:
		return r.runDerive(s)
	case StageTrain:
		return r.runTrain(ctx, s)
	case StageExport:
		return r.runExport(s)
	case StageVerify:
		return r.runVerify(ctx, s)
	case StageReport:
		return r.runReport(s)
	}
	return fmt.Errorf("unknown stage kind %q", s.Kind)
}
