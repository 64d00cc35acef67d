#!/bin/sh
# bench-lean-faults.sh: what a flaky Lean checker costs (issue 23). The whole pipeline
# (bin/coldstart run, fresh corpus) on data/demo.jsonl against the endpoint double and
# the REPL double, first undisturbed, then with the REPL dying at random on 1 in 7
# commands (--crash-rate, counted over all its processes), run again until the run
# exits 0 (at most 3 runs). The row gives the flaky wall time (all its runs) as a
# ratio to the undisturbed one, the runs it took, the restarts, and whether the two
# corpora are the same (name and proof of every row).
# Environment: FAULT_BENCH_RATE (0.142857), FAULT_BENCH_SEED (1), FAULT_BENCH_JOBS
# (CS_LEAN_JOBS, 2). Table rows on stdout, details on stderr.
cd "$(dirname "$0")/.." || exit 4
top=$(pwd)
rate=${FAULT_BENCH_RATE:-0.142857}
seed=${FAULT_BENCH_SEED:-1}
dir=$(mktemp -d "${TMPDIR:-/tmp}/cs-bench-faults.XXXXXX")
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT
python3 -S tests/doubles/llm_double.py --port-file "$dir/port" --oracle tests/fixtures/dsp2 \
	--max-seconds 1800 >/dev/null 2>"$dir/double.err" &
pid=$!
i=0
while [ ! -s "$dir/port" ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i + 1)); done
url=http://127.0.0.1:$(cat "$dir/port")/v1
mkdir -p "$dir/lean"
# run DB [REPL-OPTIONS]: one coldstart run; prints its exit code.
run() {
	db=$1
	shift
	env CS_DB="$dir/$db" CS_LEAN_DIR="$dir/lean" CS_LEAN_SANDBOX=none CS_LEAN_JOBS="${FAULT_BENCH_JOBS:-2}" \
	CS_LEAN_TIMEOUT=60 CS_LEAN_REPL="python3 $top/tests/doubles/repl_double.py $*" \
	CS_PROVER_URL="$url" CS_DECOMPOSER_URL="$url" CS_PROVER_MODEL=prover-double CS_DECOMPOSER_MODEL=decomposer-double \
	CS_SAMPLES=2 CS_QUIET=1 bin/coldstart run data/demo.jsonl 2>>"$dir/run.err"
	echo $?
}
t0=$(date +%s.%N)
rc=$(run calm.db)
t1=$(date +%s.%N)
[ "$rc" = 0 ] || { echo "bench-lean-faults: the undisturbed run exited $rc" >&2; tail -3 "$dir/run.err" >&2; exit 1; }
runs=0
while :; do
	runs=$((runs + 1))
	rc=$(run flaky.db --crash-rate "$rate" --seed "$seed" --count-file "$dir/count")
	[ "$rc" = 1 ] && [ $runs -lt 3 ] || break
done
t2=$(date +%s.%N)
corpus() { sqlite3 "$dir/$1" "SELECT name, formal_proof FROM corpus ORDER BY name"; }
same=no
[ "$(corpus calm.db)" = "$(corpus flaky.db)" ] && same=yes
restarts=$(sqlite3 "$dir/flaky.db" "SELECT sum(restarts_crash) || ' crash, ' || sum(code_faults) || ' code faults, ' ||
	sum(canary_failures) || ' canary failures' FROM v_run_lean")
echo "calm $(echo "$t1 - $t0" | bc) s; flaky $(echo "$t2 - $t1" | bc) s in $runs runs (last exit $rc); $restarts; same corpus: $same" >&2
awk -v c="$(echo "$t1 - $t0" | bc)" -v f="$(echo "$t2 - $t1" | bc)" -v r="$runs" -v rc="$rc" -v s="$same" -v rs="$restarts" -v rate="$rate" 'BEGIN {
	printf "| Lean dying on %.0f%% of commands (demo, %d run%s, exit %s; %s; same corpus: %s) | %.1f s | undisturbed %.1f s | %.1fx the undisturbed time |\n",
		rate * 100, r, r == 1 ? "" : "s", rc, rs, s, f, c, f / c }'
[ "$same" = yes ] && [ "$rc" = 0 ]
