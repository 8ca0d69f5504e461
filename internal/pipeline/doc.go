// Package pipeline chains the stages of gonas into one run: search a cell
// on a dataset (one search, or several seeds and a selection by a short
// retraining on the validation split, docs/papers.md §4 "Selection"), derive
// the network, retrain it, export it to ONNX and measure the exported
// model's test accuracy in ONNX Runtime next to the Go engine's, then
// write a self-contained report.html. `gonas run` is its command.
//
// # What a run computes
//
// A Config names the method, the dataset, the seed(s) and a Plan: the
// sizes and lengths of every stage. Budgets (Budgets, LookupBudget) are
// named plans: "quick" (the default: a few minutes of search and one or
// two epochs of retraining on MNIST, sized for a 2-core machine),
// "paper" (the method's paper search and the dataset's paper retraining)
// and "tiny" (seconds; for tests). Each stage is the package API the
// matching CLI command uses, configured the way that command configures
// it, so the run records for each stage the `gonas search`, `gonas train`
// and `gonas export` command line that recomputes it bit for bit (same
// thread count).
//
// # The run folder
//
//	run.json              the run: config, stage states and results (atomic rewrite after every stage change)
//	run.log               everything printed, across resumes
//	search/               genotype.geno, search.ckpt, alphas.jsonl, alphas_*.png/svg, cell plots
//	                      (search-seed<S>/ per seed when several seeds run)
//	select/seed<S>/       the selection's short retrainings (several seeds only)
//	genotype.geno         the genotype retrained; normal/reduce .svg/.dot its cells; net.json its network
//	train/                checkpoint.ckpt, best.ckpt, metrics.jsonl, curves.svg/png, and the curve within
//	                      epochs: steps.jsonl, steps.png
//	model.onnx            the final checkpoint exported
//	report.html           one self-contained page: cells, curves, sizes, accuracies, timings, commands
//
// # Resuming
//
// run.json lists the stages in order with their status. Open continues a
// run at the first stage not done; a stage that was interrupted resumes
// from its own checkpoint (search.Resume, train.Resume), bit-identically
// to an uninterrupted run with the same thread count, so an interrupted
// and resumed run ends with the genotype and weights of an uninterrupted
// one.
package pipeline
