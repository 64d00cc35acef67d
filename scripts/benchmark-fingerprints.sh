#!/bin/sh
# benchmark-fingerprints.sh DSP15 PUTNAM HARMONIC [BIN]: (re)make
# data/benchmarks/fingerprints.tsv from checkouts of the benchmarks' repositories
# (data/benchmarks/PROVENANCE.md names them and the commits used):
#   DSP15     deepseek-ai/DeepSeek-Prover-V1.5 (datasets/minif2f.jsonl, datasets/proofnet.jsonl)
#   PUTNAM    trishullab/PutnamBench (lean4/src/*.lean)
#   HARMONIC  harmonic-ai/datasets (minif2f/validation.json, minif2f/test.json)
# BIN: the directory of cs-fingerprint (default bin). Run it again whenever the
# fingerprint's rules change (LEAN_FINGERPRINT_VERSION), then rebuild: the file is
# compiled into the programs.
set -e
[ $# -ge 3 ] || { echo "usage: $0 DSP15 PUTNAM HARMONIC [BIN]" >&2; exit 2; }
dsp=$1 putnam=$2 harmonic=$3 bin=${4:-bin}
cd "$(dirname "$0")/.."
out=data/benchmarks/fingerprints.tsv
{
	printf '# benchmark\tsplit\tentry\tfingerprint (%s); see PROVENANCE.md\n' \
		"$(sed -n 's/^#define LEAN_FINGERPRINT_VERSION "\(.*\)"/\1/p' lean_text/lean_fingerprint.h)"
	# miniF2F as DeepSeek-Prover-V1.5 ships it: valid and test splits in one file
	"$bin/cs-fingerprint" -b minif2f "$dsp/datasets/minif2f.jsonl"
	"$bin/cs-fingerprint" -b proofnet "$dsp/datasets/proofnet.jsonl"
	# Harmonic's revised miniF2F (its validation and test are drawn from miniF2F-test)
	"$bin/cs-fingerprint" -b minif2f-harmonic -S valid -k formal "$harmonic/minif2f/validation.json"
	"$bin/cs-fingerprint" -b minif2f-harmonic -S test -k formal "$harmonic/minif2f/test.json"
	"$bin/cs-fingerprint" -b putnambench -S all "$putnam/lean4/src"
} > "$out.tmp"
mv "$out.tmp" "$out"
cut -f1,2 "$out" | grep -v '^#' | sort | uniq -c >&2
