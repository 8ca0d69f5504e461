package derive

import "gonas/models"

// refGenotypes are the published genotypes, transcribed from
// models/testdata/genotypes.txt (docs/papers.md §2) as Go literals,
// independently of the models parser and zoo (TestZooMatchesReference
// compares them).
var refGenotypes = map[string]*models.Genotype{
	"DARTS_V1": {
		Normal:       []models.Pair{{Op: "sep_conv_3x3", Input: 1}, {Op: "sep_conv_3x3", Input: 0}, {Op: "skip_connect", Input: 0}, {Op: "sep_conv_3x3", Input: 1}, {Op: "skip_connect", Input: 0}, {Op: "sep_conv_3x3", Input: 1}, {Op: "sep_conv_3x3", Input: 0}, {Op: "skip_connect", Input: 2}},
		NormalConcat: []int{2, 3, 4, 5},
		Reduce:       []models.Pair{{Op: "max_pool_3x3", Input: 0}, {Op: "max_pool_3x3", Input: 1}, {Op: "skip_connect", Input: 2}, {Op: "max_pool_3x3", Input: 0}, {Op: "max_pool_3x3", Input: 0}, {Op: "skip_connect", Input: 2}, {Op: "skip_connect", Input: 2}, {Op: "avg_pool_3x3", Input: 0}},
		ReduceConcat: []int{2, 3, 4, 5},
	},
	"DARTS_V2": {
		Normal:       []models.Pair{{Op: "sep_conv_3x3", Input: 0}, {Op: "sep_conv_3x3", Input: 1}, {Op: "sep_conv_3x3", Input: 0}, {Op: "sep_conv_3x3", Input: 1}, {Op: "sep_conv_3x3", Input: 1}, {Op: "skip_connect", Input: 0}, {Op: "skip_connect", Input: 0}, {Op: "dil_conv_3x3", Input: 2}},
		NormalConcat: []int{2, 3, 4, 5},
		Reduce:       []models.Pair{{Op: "max_pool_3x3", Input: 0}, {Op: "max_pool_3x3", Input: 1}, {Op: "skip_connect", Input: 2}, {Op: "max_pool_3x3", Input: 1}, {Op: "max_pool_3x3", Input: 0}, {Op: "skip_connect", Input: 2}, {Op: "skip_connect", Input: 2}, {Op: "max_pool_3x3", Input: 1}},
		ReduceConcat: []int{2, 3, 4, 5},
	},
	"PC_DARTS_cifar": {
		Normal:       []models.Pair{{Op: "sep_conv_3x3", Input: 1}, {Op: "skip_connect", Input: 0}, {Op: "sep_conv_3x3", Input: 0}, {Op: "dil_conv_3x3", Input: 1}, {Op: "sep_conv_5x5", Input: 0}, {Op: "sep_conv_3x3", Input: 1}, {Op: "avg_pool_3x3", Input: 0}, {Op: "dil_conv_3x3", Input: 1}},
		NormalConcat: []int{2, 3, 4, 5},
		Reduce:       []models.Pair{{Op: "sep_conv_5x5", Input: 1}, {Op: "max_pool_3x3", Input: 0}, {Op: "sep_conv_5x5", Input: 1}, {Op: "sep_conv_5x5", Input: 2}, {Op: "sep_conv_3x3", Input: 0}, {Op: "sep_conv_3x3", Input: 3}, {Op: "sep_conv_3x3", Input: 1}, {Op: "sep_conv_3x3", Input: 2}},
		ReduceConcat: []int{2, 3, 4, 5},
	},
	"PC_DARTS_image": {
		Normal:       []models.Pair{{Op: "skip_connect", Input: 1}, {Op: "sep_conv_3x3", Input: 0}, {Op: "sep_conv_3x3", Input: 0}, {Op: "skip_connect", Input: 1}, {Op: "sep_conv_3x3", Input: 1}, {Op: "sep_conv_3x3", Input: 3}, {Op: "sep_conv_3x3", Input: 1}, {Op: "dil_conv_5x5", Input: 4}},
		NormalConcat: []int{2, 3, 4, 5},
		Reduce:       []models.Pair{{Op: "sep_conv_3x3", Input: 0}, {Op: "skip_connect", Input: 1}, {Op: "dil_conv_5x5", Input: 2}, {Op: "max_pool_3x3", Input: 1}, {Op: "sep_conv_3x3", Input: 2}, {Op: "sep_conv_3x3", Input: 1}, {Op: "sep_conv_5x5", Input: 0}, {Op: "sep_conv_3x3", Input: 3}},
		ReduceConcat: []int{2, 3, 4, 5},
	},
	"GDAS_V1": {
		Normal:       []models.Pair{{Op: "skip_connect", Input: 0}, {Op: "skip_connect", Input: 1}, {Op: "skip_connect", Input: 0}, {Op: "sep_conv_5x5", Input: 2}, {Op: "sep_conv_3x3", Input: 3}, {Op: "skip_connect", Input: 0}, {Op: "sep_conv_5x5", Input: 4}, {Op: "sep_conv_3x3", Input: 3}},
		NormalConcat: []int{2, 3, 4, 5},
		Reduce:       []models.Pair{{Op: "sep_conv_5x5", Input: 0}, {Op: "sep_conv_3x3", Input: 1}, {Op: "sep_conv_5x5", Input: 2}, {Op: "sep_conv_5x5", Input: 1}, {Op: "dil_conv_5x5", Input: 2}, {Op: "sep_conv_3x3", Input: 1}, {Op: "sep_conv_5x5", Input: 0}, {Op: "sep_conv_5x5", Input: 1}},
		ReduceConcat: []int{2, 3, 4, 5},
	},
	"NASNet": {
		Normal:       []models.Pair{{Op: "sep_conv_5x5", Input: 1}, {Op: "sep_conv_3x3", Input: 0}, {Op: "sep_conv_5x5", Input: 0}, {Op: "sep_conv_3x3", Input: 0}, {Op: "avg_pool_3x3", Input: 1}, {Op: "skip_connect", Input: 0}, {Op: "avg_pool_3x3", Input: 0}, {Op: "avg_pool_3x3", Input: 0}, {Op: "sep_conv_3x3", Input: 1}, {Op: "skip_connect", Input: 1}},
		NormalConcat: []int{2, 3, 4, 5, 6},
		Reduce:       []models.Pair{{Op: "sep_conv_5x5", Input: 1}, {Op: "sep_conv_7x7", Input: 0}, {Op: "max_pool_3x3", Input: 1}, {Op: "sep_conv_7x7", Input: 0}, {Op: "avg_pool_3x3", Input: 1}, {Op: "sep_conv_5x5", Input: 0}, {Op: "skip_connect", Input: 3}, {Op: "avg_pool_3x3", Input: 2}, {Op: "sep_conv_3x3", Input: 2}, {Op: "max_pool_3x3", Input: 1}},
		ReduceConcat: []int{4, 5, 6},
	},
	"AmoebaNet": {
		Normal:       []models.Pair{{Op: "avg_pool_3x3", Input: 0}, {Op: "max_pool_3x3", Input: 1}, {Op: "sep_conv_3x3", Input: 0}, {Op: "sep_conv_5x5", Input: 2}, {Op: "sep_conv_3x3", Input: 0}, {Op: "avg_pool_3x3", Input: 3}, {Op: "sep_conv_3x3", Input: 1}, {Op: "skip_connect", Input: 1}, {Op: "skip_connect", Input: 0}, {Op: "avg_pool_3x3", Input: 1}},
		NormalConcat: []int{4, 5, 6},
		Reduce:       []models.Pair{{Op: "avg_pool_3x3", Input: 0}, {Op: "sep_conv_3x3", Input: 1}, {Op: "max_pool_3x3", Input: 0}, {Op: "sep_conv_7x7", Input: 2}, {Op: "sep_conv_7x7", Input: 0}, {Op: "avg_pool_3x3", Input: 1}, {Op: "max_pool_3x3", Input: 0}, {Op: "max_pool_3x3", Input: 1}, {Op: "conv_7x1_1x7", Input: 0}, {Op: "sep_conv_3x3", Input: 5}},
		ReduceConcat: []int{3, 4, 6},
	},
	"SHARPSEPCONV_DARTS": {
		Normal:       []models.Pair{{Op: "sep_conv_3x3", Input: 0}, {Op: "sep_conv_3x3", Input: 1}, {Op: "sep_conv_3x3", Input: 0}, {Op: "sep_conv_3x3", Input: 2}, {Op: "skip_connect", Input: 0}, {Op: "sep_conv_3x3", Input: 1}, {Op: "skip_connect", Input: 0}, {Op: "sep_conv_3x3", Input: 1}},
		NormalConcat: []int{2, 3, 4, 5},
		Reduce:       []models.Pair{{Op: "max_pool_3x3", Input: 0}, {Op: "skip_connect", Input: 1}, {Op: "skip_connect", Input: 2}, {Op: "avg_pool_3x3", Input: 0}, {Op: "skip_connect", Input: 2}, {Op: "avg_pool_3x3", Input: 0}, {Op: "skip_connect", Input: 2}, {Op: "skip_connect", Input: 3}},
		ReduceConcat: []int{2, 3, 4, 5},
	},
	"SHARP_DARTS": {
		Normal:       []models.Pair{{Op: "choke_conv_3x3", Input: 0}, {Op: "choke_conv_3x3", Input: 1}, {Op: "skip_connect", Input: 0}, {Op: "choke_conv_3x3", Input: 1}, {Op: "skip_connect", Input: 0}, {Op: "skip_connect", Input: 1}, {Op: "skip_connect", Input: 0}, {Op: "skip_connect", Input: 1}},
		NormalConcat: []int{2, 3, 4, 5},
		Reduce:       []models.Pair{{Op: "max_pool_3x3", Input: 0}, {Op: "skip_connect", Input: 1}, {Op: "max_pool_3x3", Input: 0}, {Op: "skip_connect", Input: 2}, {Op: "max_pool_3x3", Input: 0}, {Op: "skip_connect", Input: 2}, {Op: "skip_connect", Input: 2}, {Op: "flood_conv_3x3", Input: 0}},
		ReduceConcat: []int{2, 3, 4, 5},
	},
	"SHARPER_MAX_W": {
		Normal:       []models.Pair{{Op: "sep_conv_3x3", Input: 0}, {Op: "dil_conv_5x5", Input: 1}, {Op: "max_pool_3x3", Input: 0}, {Op: "sep_conv_7x7", Input: 2}, {Op: "avg_pool_3x3", Input: 3}, {Op: "flood_conv_3x3", Input: 0}, {Op: "flood_conv_3x3", Input: 1}, {Op: "skip_connect", Input: 2}},
		NormalConcat: []int{2, 3, 4, 5},
		Reduce:       []models.Pair{{Op: "flood_conv_5x5", Input: 0}, {Op: "dil_flood_conv_3x3", Input: 1}, {Op: "sep_conv_3x3", Input: 0}, {Op: "skip_connect", Input: 2}, {Op: "sep_conv_3x3", Input: 0}, {Op: "skip_connect", Input: 2}, {Op: "dil_conv_5x5", Input: 4}, {Op: "sep_conv_3x3", Input: 0}},
		ReduceConcat: []int{2, 3, 4, 5},
	},
	"SHARPSEPCONV_DARTS_MAX_W": {
		Normal:       []models.Pair{{Op: "dil_conv_3x3", Input: 0}, {Op: "dil_conv_5x5", Input: 1}, {Op: "sep_conv_3x3", Input: 2}, {Op: "dil_conv_5x5", Input: 1}, {Op: "avg_pool_3x3", Input: 2}, {Op: "sep_conv_3x3", Input: 0}, {Op: "avg_pool_3x3", Input: 4}, {Op: "max_pool_3x3", Input: 3}},
		NormalConcat: []int{2, 3, 4, 5},
		Reduce:       []models.Pair{{Op: "max_pool_3x3", Input: 0}, {Op: "skip_connect", Input: 1}, {Op: "sep_conv_5x5", Input: 0}, {Op: "skip_connect", Input: 2}, {Op: "sep_conv_5x5", Input: 0}, {Op: "dil_conv_5x5", Input: 3}, {Op: "sep_conv_5x5", Input: 4}, {Op: "skip_connect", Input: 3}},
		ReduceConcat: []int{2, 3, 4, 5},
	},
	"SHARP_DARTS_MAX_W": {
		Normal:       []models.Pair{{Op: "sep_conv_3x3", Input: 0}, {Op: "choke_conv_3x3", Input: 1}, {Op: "skip_connect", Input: 0}, {Op: "dil_conv_3x3", Input: 2}, {Op: "dil_flood_conv_3x3", Input: 3}, {Op: "flood_conv_3x3", Input: 0}, {Op: "dil_flood_conv_3x3", Input: 0}, {Op: "flood_conv_3x3", Input: 3}},
		NormalConcat: []int{2, 3, 4, 5},
		Reduce:       []models.Pair{{Op: "max_pool_3x3", Input: 0}, {Op: "skip_connect", Input: 1}, {Op: "dil_choke_conv_3x3", Input: 0}, {Op: "dil_flood_conv_3x3", Input: 2}, {Op: "dil_conv_3x3", Input: 0}, {Op: "skip_connect", Input: 3}, {Op: "flood_conv_3x3", Input: 0}, {Op: "skip_connect", Input: 3}},
		ReduceConcat: []int{2, 3, 4, 5},
	},
	"GDAS_F1": {
		Normal:       []models.Pair{{Op: "skip_connect", Input: 0}, {Op: "skip_connect", Input: 1}, {Op: "skip_connect", Input: 0}, {Op: "sep_conv_3x3", Input: 2}, {Op: "skip_connect", Input: 0}, {Op: "sep_conv_3x3", Input: 2}, {Op: "skip_connect", Input: 0}, {Op: "sep_conv_3x3", Input: 2}},
		NormalConcat: []int{2, 3, 4, 5},
		ReduceConcat: []int{2, 3, 4, 5},
	},
}
