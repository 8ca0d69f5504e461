package stage

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"gonas/derive"
	"gonas/models"
	"gonas/train"
)

// Retrain starts the retraining of genotype file gf in opt.Out (the
// network derived with dc, trained with cfg), or resumes it from the
// checkpoint a previous process left there; resumed says which.
func Retrain(gf *models.GenoFile, dc derive.Config, cfg train.Config, opt train.Options, version, command string) (t *train.Trainer, resumed bool, err error) {
	path := filepath.Join(opt.Out, train.CheckpointFile)
	switch _, err := os.Stat(path); {
	case err == nil:
		t, err := train.Resume(path, opt)
		return t, true, err
	case !errors.Is(err, fs.ErrNotExist):
		return nil, false, err
	}
	net, _, err := DeriveFile(gf, dc, version, command)
	if err != nil {
		return nil, false, err
	}
	t, err = train.New(net, cfg, opt)
	return t, false, err
}
