// Package search finds architectures by differentiable search: DARTS
// (first and second order), PC-DARTS and sharpDARTS, and the single-path
// GDAS and ROME (v2 and v1), on a supernet built from the op set tables,
// trained by the engine in engine/nn.
//
// # Single-path methods: GDAS and ROME
//
// GDAS (gdas.go) samples one op per edge per forward pass with the hard
// Gumbel-softmax (one sample shared by all cells of a type), the gradient
// reaching alpha through the straight-through estimator; the temperature
// decays 10 -> 0.1 (TauSchedule); the genotype comes from AutoDL's top-2
// (op, input) pairs per node, or the DARTS rule; NetConfig.FixedReduce puts
// the fixed GDAS-FRC reduction cell in the supernet, and NetConfig.LastAct
// AutoDL's BN+ReLU before global pooling (on for gdas). ROME (rome.go) also
// samples the topology: two inputs per node from beta, by Gumbel-Top2 over
// the node's edges (v2) or Gumbel-Max over its pairs of edges (v1), so a
// sub-network runs 8 edges per cell; each step averages the architecture
// gradient over K sub-networks and sums the weight gradient over K others
// (Alg. 1), one sub-network's activations at a time. The sampling math is
// in gumbel*.go and rome_sample.go, the derivations in gdas_derive.go and
// rome_derive.go.
//
// # The supernet
//
// BuildSupernet emits the search network of the reference code
// (model_search.py, docs/papers.md §1.3-§1.4) as an ordinary spec.Net through the
// op table: the stem (its BN affine), every cell with all candidate ops of
// all 14 edges built in search mode (BN affine=False, a BN after every
// pool), global pooling and the classifier. Two kinds of spec.Mix node carry
// the search:
//
//   - one per edge (MixInfo.Of = spec.MixOps) over the edge's candidate ops,
//     in primitive order, tagged with the cell type and the edge's row of
//     alpha;
//   - one per intermediate node (MixInfo.Of = spec.MixEdges) over its
//     incoming edges, in row order.
//
// With PC-DARTS's partial channels (NetConfig.Partial = K) an edge slices
// the first C/K channels of its input for the ops, passes the rest around
// them (MaxPool2d(2,2) on reduction edges), concatenates and shuffles the
// channels with K groups.
//
// # Running it: the mixer hook
//
// model.Model.ForwardMixed runs a supernet with a model.Mixer deciding the
// Mix nodes. Before running anything it asks the mixer which inputs of each
// Mix node are active (from the output backwards), so a branch no Mix needs
// is never computed and holds no memory; then it runs the needed nodes in
// order, releasing every value after its last use, and hands each Mix node
// the values of its active inputs. This pull-then-run split (rather than a
// recursive pull) keeps the engine's use-count memory management exact.
//
//   - DARTS and its relatives evaluate every op but `none` (whose zero
//     output adds nothing, to the value or to any gradient) and form
//     sum_o w_o op_o(x) with w = softmax(alpha) of the edge's row;
//     sharpDARTS's Max-W uses (1 - max w + w_o); PC-DARTS weights the edges
//     of a node by the per-node softmax of the betas.
//   - A single-path method (GDAS) answers Active with the sampled op of each
//     edge and multiplies its output by the straight-through weight; ROME
//     also answers the node's Mix with its two sampled edges, so the other
//     edges' ops, slices and shuffles never run.
//
// # Strategies and the loop
//
// A Strategy owns the architecture parameters (an nn.Params store, so
// checkpoints and the Adam optimizer treat them by name), makes the mixer
// of each forward pass (Mixer, where single-path methods draw their samples
// from the context's random source), forms an iteration's architecture and
// weight gradients (ArchStep, WeightStep: one Step.Pass each by default,
// DARTS's unrolled second-order step in UnrolledArchStep, several passes
// for methods that average over sampled sub-networks), says which step
// comes first and when the architecture starts to move (PC-DARTS's
// warm-up), and derives the genotype. Methods register themselves with a
// preset of the paper's hyper-parameters (Register, LookupMethod).
//
// The Searcher is the loop the methods share (docs/papers.md §4, §8): the
// training set split 50/50 without shuffling (weights, architecture), a
// shuffled loader on each half, each iteration an architecture step on a
// batch of the second half (Adam, betas (0.5, 0.999), weight decay) and a
// weight step on a batch of the first (SGD with momentum and weight decay,
// gradient norm clipped to 5 on the weights only), the learning rate from
// a cosine schedule stepped at the start of each epoch (or sharpDARTS's
// cosine power annealing). Every architecture step takes the first batch
// of a fresh shuffle of the second half (State.ValPos counts the draws): a
// fresh random batch each time, as the reference's next(iter(valid_queue)).
//
// It writes into its output directory genotype.geno (the DARTS rule on
// the current weights, readable by every other command), alphas.jsonl (the
// softmaxed weights and the metrics of every epoch, epoch 0 being the
// initial architecture), search.ckpt (everything needed to resume:
// weights, BN statistics, architecture, both optimizers' state, data
// positions, the engine's random state, the history), plots of the
// weights over the epochs (alphas_normal/reduce .svg/.png) and of the
// current cells (normal/reduce .svg/.dot). Resume continues bit-identically
// to an uninterrupted run with the same thread count.
//
// # Sizes
//
// The DARTS op set's FactorizedReduce does not pad, as in the reference, so
// every map it reduces must have an even size: with MNIST's 28x28 the two
// reductions give 28 -> 14 -> 7 and FactorizedReduce only ever sees 28 and
// 14 (preprocess0 after a reduction reduces the previous cell's output,
// skip_connect on the reduction edges the cell's input). A layout that
// reduces an odd map (e.g. 30x30 inputs: 30 -> 15 -> 8) is refused with the
// cell and the sizes, suggesting an even input or an op set that pads
// (gdas, sharpdarts).
package search
