package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestBadFlags: one rule for every command's counts (explicit 0 and
// negatives are usage errors, exit 2, unless the help says what 0 means),
// and the other flag mistakes a user makes, each refused before any work
// with a message naming the flag.
func TestBadFlags(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"train", "-g", "DARTS_V2", "--channels", "0", "--out", "x"}, "--channels must be positive, got 0"},
		{[]string{"train", "-g", "DARTS_V2", "--layers", "0", "--out", "x"}, "--layers must be positive, got 0"},
		{[]string{"train", "-g", "DARTS_V2", "--threads=-2", "--out", "x"}, "--threads must not be negative, got -2"},
		{[]string{"train", "-g", "DARTS_V2", "--epochs", "0", "--out", "x"}, "--epochs must be positive"},
		{[]string{"train", "-g", "DARTS_V2", "--batch=-1", "--out", "x"}, "--batch must not be negative"},
		{[]string{"search", "--channels", "0", "--out", "x"}, "--channels must be positive"},
		{[]string{"search", "--nodes=-1", "--out", "x"}, "--nodes must not be negative"},
		{[]string{"search", "--threads", "0", "--out", "x"}, "--threads must be positive"},
		{[]string{"predict", "-c", "x.ckpt", "-i", "x.npy", "-o", "y.npy", "--batch=-3"}, "--batch must not be negative, got -3"},
		{[]string{"predict", "-c", "x.ckpt", "-i", "x.npy", "-o", "y.npy", "--batch", "0"}, "--batch must be positive"},
		{[]string{"eval", "-c", "x.ckpt", "--batch", "0"}, "--batch must be positive"},
		{[]string{"eval", "-c", "x.ckpt", "--test-subset=-5"}, "--test-subset must not be negative"},
		{[]string{"export", "-g", "DARTS_V2", "-o", "m.onnx", "--verify-batch", "0"}, "--verify-batch must be positive"},
		{[]string{"export", "-g", "DARTS_V2", "-o", "m.onnx", "--opset", "0"}, "--opset must be positive"},
		{[]string{"derive", "-g", "DARTS_V2", "-o", "-", "--classes", "0"}, "--classes must be positive"},
		{[]string{"count", "-g", "DARTS_V2", "--mid-channels=-4"}, "--mid-channels must not be negative"},
		{[]string{"run", "--epochs", "0"}, "--epochs must be positive"},
		{[]string{"run", "--log-every=-1"}, "--log-every must not be negative"},
		{[]string{"bench", "--threads", "0"}, "--threads must be positive"},
		{[]string{"bench", "search", "--steps", "0"}, "--steps must be positive"},
		{[]string{"train", "-g", "DARTS_V2", "--nosuch"}, "unknown flag: --nosuch"},
		{[]string{"search", "--layers", "many", "--out", "x"}, `invalid argument "many" for "--layers"`},
	} {
		var out, errb bytes.Buffer
		code := mainErr(c.args, &out, &errb)
		if code != 2 || !strings.Contains(errb.String(), c.want) {
			t.Errorf("gonas %s: exit %d, stderr %q; want exit 2 and %q", strings.Join(c.args, " "), code, errb.String(), c.want)
		}
	}
}

// TestZeroMeans: a documented 0 is accepted (these stop at a missing file,
// past the flag check).
func TestZeroMeans(t *testing.T) {
	for _, args := range [][]string{
		{"train", "-g", "DARTS_V2", "--subset", "0", "--warmup", "0", "--ckpt-every", "0", "--max-steps", "0", "--resume", "nowhere"},
		{"search", "--log-every", "0", "--ckpt-every", "0", "--subset", "0", "--resume", "nowhere"},
		{"eval", "-c", "nowhere.ckpt", "--test-subset", "0"},
	} {
		var out, errb bytes.Buffer
		mainErr(args, &out, &errb)
		if strings.Contains(errb.String(), "must be positive") {
			t.Errorf("gonas %s: %s", strings.Join(args, " "), errb.String())
		}
	}
}
