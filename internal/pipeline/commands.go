package pipeline

import (
	"strconv"
	"strings"
)

// The command lines that recompute each stage with the single-stage
// commands. Each lists the flags of the settings the plan changes, so that
// the command builds the configuration the run used (SearchConfig,
// TrainConfig), and the thread count, which results depend on.

// SearchArgs is the `gonas search` command of the search with seed, into
// out.
func (c *Config) SearchArgs(seed uint64, out string, threads int) []string {
	p := c.Plan.Search
	a := []string{"gonas", "search", "--method", c.Method, "--dataset", c.Dataset}
	a = appendStr(a, "--data-dir", c.DataDir)
	a = appendInt(a, "--subset", int64(p.Subset))
	a = appendInt(a, "--layers", int64(p.Layers))
	a = appendInt(a, "--channels", int64(p.Channels))
	a = appendInt(a, "--epochs", int64(p.Epochs))
	a = appendInt(a, "--batch", int64(p.Batch))
	if c.hasK() {
		a = appendInt(a, "--k", int64(p.K))
	}
	a = appendFloat(a, "--arch-lr", p.ArchLR)
	a = append(a, "--seed", strconv.FormatUint(seed, 10), "--threads", strconv.Itoa(threads))
	a = appendInt(a, "--ckpt-every", int64(p.CkptEvery))
	return append(a, "--out", out)
}

// TrainArgs is the `gonas train` command of the final retraining of the
// genotype file geno, into out.
func (c *Config) TrainArgs(geno, out string, threads int) []string {
	p := c.Plan.Train
	a := []string{"gonas", "train", "--genotype", geno, "--dataset", c.Dataset}
	a = appendStr(a, "--data-dir", c.DataDir)
	a = appendStr(a, "--preset", p.Preset)
	a = appendInt(a, "--layers", int64(p.Layers))
	a = appendInt(a, "--channels", int64(p.Channels))
	a = appendInt(a, "--epochs", int64(p.Epochs))
	a = appendInt(a, "--batch", int64(p.Batch))
	a = appendFloat(a, "--lr", p.LR)
	a = appendInt(a, "--subset", int64(p.Subset))
	a = appendInt(a, "--test-subset", int64(p.TestSubset))
	a = append(a, "--seed", strconv.FormatUint(c.Seed, 10), "--threads", strconv.Itoa(threads))
	a = appendInt(a, "--ckpt-every", p.CkptEvery)
	return append(a, "--out", out)
}

// ExportArgs is the `gonas export` command of the checkpoint ckpt to the
// ONNX file out, verified in ONNX Runtime.
func (c *Config) ExportArgs(ckpt, out string) []string {
	return []string{"gonas", "export", "--checkpoint", ckpt, "-o", out, "--opset", strconv.Itoa(c.Plan.Export.Opset)}
}

// EvalArgs is the `gonas eval` command that measures the checkpoint's test
// accuracy with the Go engine.
func (c *Config) EvalArgs(ckpt string, threads int) []string {
	a := []string{"gonas", "eval", "--checkpoint", ckpt}
	a = appendInt(a, "--test-subset", int64(c.Plan.Train.TestSubset))
	return append(a, "--threads", strconv.Itoa(threads))
}

// RunArgs is the `gonas run` command of the run, into out.
func (c *Config) RunArgs(out string, threads int) []string {
	a := []string{"gonas", "run", "--method", c.Method, "--dataset", c.Dataset}
	a = appendStr(a, "--data-dir", c.DataDir)
	a = append(a, "--budget", c.Budget, "--seed", strconv.FormatUint(c.Seed, 10))
	if c.Seeds > 1 {
		a = append(a, "--seeds", strconv.Itoa(c.Seeds))
	}
	return append(a, "--threads", strconv.Itoa(threads), "--out", out)
}

func appendStr(a []string, flag, v string) []string {
	if v == "" {
		return a
	}
	return append(a, flag, v)
}

func appendInt(a []string, flag string, v int64) []string {
	if v == 0 {
		return a
	}
	return append(a, flag, strconv.FormatInt(v, 10))
}

func appendFloat(a []string, flag string, v float64) []string {
	if v == 0 {
		return a
	}
	return append(a, flag, strconv.FormatFloat(v, 'g', -1, 64))
}

// Shell joins args into a command line for a POSIX shell, quoting the
// arguments that need it.
func Shell(args []string) string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = shellQuote(a)
	}
	return strings.Join(out, " ")
}

func shellQuote(s string) string {
	if s == "" {
		return "''"
	}
	safe := true
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./=:,+@%", r)) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
