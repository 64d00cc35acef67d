#!/bin/sh
# bench-reverify.sh: coldstart reverify (cs-reverify) against the REPL double (import
# 2 s, check 0.02 s) over a corpus of 100 x P rows: rows re-checked per second, once
# the P REPLs have started and imported the header (as bench-lean-pool.sh measures
# the pool: warm), against the pool's ideal P/c. Target >= 0.9. The corpus database,
# the verdicts stored one by one and the JSONL out are in what is measured. Raw
# lines on stderr, table rows on stdout.
b=bin/cs-reverify pb=build/bench/lean_pool_bench
[ -x "$b" ] && [ -x "$pb" ] || { echo "bench-reverify: $b or $pb not built (make bench)" >&2; exit 1; }
dir=$(mktemp -d "${TMPDIR:-/tmp}/cs-bench-reverify.XXXXXX") || exit 4
trap 'rm -rf "$dir"' EXIT
c=0.02 i=2
for p in 2 4; do
	n=$((100 * p))
	db=$dir/c$p.db
	CS_DB=$db bin/cs-store < /dev/null || exit 1
	# n corpus rows, each its problem's proof as cs-recombine stores it (header, then
	# the theorem), under the one header of the pool bench
	python3 -S - "$n" <<-'EOT' | sqlite3 -batch "$db" || exit 1
	import sys
	n = int(sys.argv[1])
	h = "import Mathlib\nopen Real\n\n"
	q = lambda s: "'" + s.replace("'", "''") + "'"
	print("BEGIN;")
	for k in range(1, n + 1):
	    st = "theorem t%d (x : \u211d) : x = x := by" % k
	    print("INSERT INTO problems (id, name, source, header, formal_statement, stmt_key, status, how)"
	          " VALUES (%d, 't%d', 'bench', %s, %s, 'k%d', 'proved', 'decomposition');" % (k, k, q(h), q(st), k))
	    print("INSERT INTO corpus (problem_id, name, formal_proof, cot, prompt, completion, checker, real_lean, depth)"
	          " VALUES (%d, 't%d', %s, '', '', '', 'repl', 0, 1);" % (k, k, q(h + st + "\n  rfl")))
	print("COMMIT;")
	EOT
	# the times the verdicts arrive: the first P (each REPL's start, import and first
	# check) are the warm-up the pool bench leaves out too; then rate = (n - P) / (last - P-th)
	CS_DB=$db CS_QUIET=1 CS_LEAN_SANDBOX=none CS_LEAN_AXIOMS=0 CS_LEAN_JOBS=$p CS_LEAN_MAX_USES=1000000 \
		CS_LEAN_REPL="exec python3 tests/doubles/repl_double.py --check-delay $c --import-delay $i" \
		$b --all 2> "$dir/err" | python3 -S -c '
import sys, time
t = []
for line in sys.stdin:
    if "\"verdict\":\"pass\"" in line:
        t.append(time.time())
print(len(t), t[int(sys.argv[1]) - 1] if t else 0, t[-1] if t else 0)' $p > "$dir/times" || { cat "$dir/err" >&2; exit 1; }
	read got first last < "$dir/times"
	# the pool alone, warm, just after: what this machine gives now
	pool=$("$pb" -P $p -n $n -c $c -i $i tests/doubles/repl_double.py | sed -n 's/^lean_pool.*checks\/s=\([0-9.]*\).*/\1/p')
	[ "$got" -eq "$n" ] || { echo "bench-reverify: $got of $n rows passed" >&2; cat "$dir/err" >&2; exit 1; }
	awk -v n=$n -v p=$p -v c=$c -v i=$i -v t0=$first -v t1=$last -v pool=$pool 'BEGIN {
		t = t1 - t0; rate = (n - p) / t; ideal = p / c
		printf "reverify P=%d n=%d c=%s i=%s seconds=%.2f rows/s=%.1f ideal=%.1f ratio=%.3f pool_now=%.1f of_pool=%.3f\n", p, n, c, i, t, rate, ideal, rate / ideal, pool, rate / pool > "/dev/stderr"
		printf "| coldstart reverify P=%d, check %s s, %d corpus rows (after the REPLs\x27 start) | %.1f rows/s | pool ideal P/c %.1f checks/s (the pool alone, warm, now: %.1f) | %.2f (target >= 0.9); %.2f of the pool measured now |\n", p, c, n, rate, ideal, pool, rate / ideal, rate / pool }'
done
