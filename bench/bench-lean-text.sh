#!/bin/sh
# bench-lean-text.sh: the Lean-text round trip (cut haves to sorry, analyze,
# recombine, compare) over the 221 real DeepSeek-Prover-V2 proofs of
# tests/fixtures/dsp2: total time against the 100 ms target and the exact rate.
cd "$(dirname "$0")/.." || exit 4
b=build/bench/lean_text_bench
[ -x "$b" ] || { echo "bench-lean-text: $b not built (make bench)" >&2; exit 1; }
out=$("$b" tests/fixtures/dsp2 5)
rc=$?
echo "$out" >&2
echo "$out" | awk '/^lean_text/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
	printf "| Lean-text round trip over %s DeepSeek-Prover-V2 proofs (%s with top-level haves, %s haves): cut to sorry + analyze + recombine + compare, all proofs, best of 5 | %s ms (%s ms per proof) | 100 ms | %.3f |\n", v["files"], v["with_haves"], v["haves"], v["ms"], v["ms_per_proof"], v["ms"] / 100
	printf "| Lean-text round trip: recombined text identical to the original | %s of %s byte for byte (%.1f%%), %s more equal but for spaces on blank lines | %s | %.3f |\n", v["exact"], v["with_haves"], 100 * v["exact"] / v["with_haves"], v["blanks"], v["with_haves"], v["exact"] / v["with_haves"] }'
exit $rc
