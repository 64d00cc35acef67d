#!/bin/sh
# bench-lean-pool.sh: the Lean pool against the REPL double (import 2 s, check
# 0.02 s): checks/s of P warm processes against the ideal P/0.02, and the speedup
# over a fresh REPL per check. Raw lines on stderr, table rows on stdout.
b=build/bench/lean_pool_bench
[ -x "$b" ] || { echo "bench-lean-pool: $b not built (make bench)" >&2; exit 1; }
for p in 2 4; do
	out=$("$b" -P $p -n $((100 * p)) -c 0.02 -i 2 tests/doubles/repl_double.py) || exit 1
	echo "$out" >&2
	echo "$out" | awk '
		/^lean_pool/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
			printf "| lean pool P=%s, check 0.02 s, %s checks under one header | %s checks/s | ideal %s checks/s | %s (target >= 0.9) |\n", v["P"], v["n"], v["checks/s"], v["ideal"], v["ratio"] }
		/^lean_fresh/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
			printf "| fresh REPL per check P=%s (import %s s each, as DeepSeek-Prover-V1.5) | %s checks/s | pool %s checks/s | pool is %sx faster |\n", v["P"], v["i"], v["checks/s"], p, v["speedup"] }' p="$(echo "$out" | sed -n 's/^lean_pool.*checks\/s=\([0-9.]*\).*/\1/p')"
done
