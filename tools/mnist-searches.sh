#!/bin/bash
# Every search method on MNIST: a short search (5 cells, C=8, the first 4000
# training images split 50/50, 3 epochs; darts2 on 2000 images), then the
# derived genotype retrained on full MNIST (5 cells, C=16, the MNIST default
# schedule: 3 epochs, batch 96, lr 0.05 cosine per step; darts2 5 epochs).
# One thread per process so that two or three run side by side on 2 cores.
# Usage: tools/mnist-searches.sh [OUT] [METHOD...]   (default OUT: runs/mnist-searches)
# SEARCH_EPOCHS=10 lengthens the searches (the learning rate and temperature
# schedules stretch with it).
set -euo pipefail
out=${1:-runs/mnist-searches}
shift || true
methods=("$@")
[ ${#methods[@]} -gt 0 ] || methods=(darts darts2 pcdarts sharpdarts gdas rome)
go build -o "$out/gonas" ./cmd/gonas
common=(--dataset mnist --layers 5 --channels 8 --epochs "${SEARCH_EPOCHS:-3}" --batch 64 --arch-lr 3e-3 --seed 2 --threads 1)
for m in "${methods[@]}"; do
	subset=4000 extra=() epochs=3
	case $m in
	darts2) subset=2000 epochs=5 ;;
	rome | rome-v1) extra=(--k 2) ;;
	esac
	"$out/gonas" search --method "$m" "${common[@]}" "${extra[@]}" --subset $subset --out "$out/$m/search"
	"$out/gonas" train -g "$out/$m/search/genotype.geno" --dataset mnist --layers 5 --channels 16 \
		--epochs $epochs --threads 1 --out "$out/$m/train"
done
