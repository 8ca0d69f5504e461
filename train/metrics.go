package train

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"

	"gonas/internal/atomicfile"
)

// EpochMetrics is one line of metrics.jsonl: the record of a finished
// epoch. Accuracies are percentages; the training loss is the objective
// minimised (with label smoothing and the weighted auxiliary loss, as the
// DARTS code logs it), the test loss plain cross-entropy.
type EpochMetrics struct {
	Epoch        int     `json:"epoch"`     // 1-based
	Step         int64   `json:"step"`      // optimizer steps taken by its end
	LR           float64 `json:"lr"`        // learning rate of the epoch's last step (of every step unless lr_per_step)
	DropPath     float64 `json:"drop_path"` // drop-path probability used throughout the epoch
	TrainLoss    float64 `json:"train_loss"`
	TrainAcc     float64 `json:"train_acc"`
	TestLoss     float64 `json:"test_loss"`
	TestAcc      float64 `json:"test_acc"`
	Seconds      float64 `json:"seconds"`        // wall time of the epoch: training and evaluation
	ImagesPerSec float64 `json:"images_per_sec"` // training images per second
}

// MetricsFile, CheckpointFile, BestFile and the curve files are the names
// Run writes in the output directory.
const (
	MetricsFile    = "metrics.jsonl"
	CheckpointFile = "checkpoint.ckpt"
	BestFile       = "best.ckpt"
	CurvesSVG      = "curves.svg"
	CurvesPNG      = "curves.png"
)

// writeMetrics rewrites path with one JSON object per epoch, atomically, so
// that the file always matches a checkpoint's history.
func writeMetrics(path string, hist []EpochMetrics) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, m := range hist {
		if err := enc.Encode(m); err != nil {
			return fmt.Errorf("write metrics %s: %w", path, err)
		}
	}
	if err := atomicfile.Write(path, buf.Bytes()); err != nil {
		return fmt.Errorf("write metrics %s: %w", path, err)
	}
	return nil
}

// ReadMetrics reads a metrics.jsonl file.
func ReadMetrics(path string) ([]EpochMetrics, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read metrics: %w", err)
	}
	var out []EpochMetrics
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	for dec.More() {
		var m EpochMetrics
		if err := dec.Decode(&m); err != nil {
			return nil, fmt.Errorf("read metrics %s: line %d: %w", path, len(out)+1, err)
		}
		out = append(out, m)
	}
	return out, nil
}
