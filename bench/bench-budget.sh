#!/bin/sh
# bench-budget.sh: the budget estimate (CS_BUDGET). The whole pipeline on the demo's
# problems against the endpoint double (oracle answers; it reports usage with
# DeepSeek's prompt_cache_hit_tokens) and the REPL double, priced at
# CS_DECOMPOSER_PRICE="0.27 1.10 0.07" and CS_PROVER_PRICE="0.5 2 0.1" (per million
# tokens; illustrative). Row 1: a budget that does not bind: the sum of the worst
# cases admitted (prompt bytes + a chat template, max_tokens, at the prices) versus
# what was spent, for the default max_tokens (8192) and for max_tokens near the
# answers' length (2048). Row 2: a budget of half of what an unbounded run spends:
# what the stopped run spent (never more than the budget) and its exit code (5).
# Table rows on stdout, details on stderr.
cd "$(dirname "$0")/.." || exit 4
top=$(pwd)
dir=$(mktemp -d "${TMPDIR:-/tmp}/cs-bench-budget.XXXXXX")
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT
python3 -S tests/doubles/llm_double.py --port-file "$dir/port" --oracle tests/fixtures/dsp2 \
	--max-seconds 900 >/dev/null 2>"$dir/double.err" &
pid=$!
i=0
while [ ! -s "$dir/port" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
url=http://127.0.0.1:$(cat "$dir/port")/v1
mkdir -p "$dir/lean"
# run DB [VAR=VALUE...]: one run into $dir/DB; prints its exit code
run() {
	db=$1
	shift
	env CS_DB="$dir/$db" CS_LEAN_DIR="$dir/lean" CS_LEAN_SANDBOX=none CS_LEAN_JOBS=2 \
	CS_LEAN_REPL="python3 -S $top/tests/doubles/repl_double.py" \
	CS_PROVER_URL="$url" CS_DECOMPOSER_URL="$url" CS_PROVER_MODEL=prover-double CS_DECOMPOSER_MODEL=decomposer-double \
	CS_SAMPLES=2 CS_QUIET=1 CS_DECOMPOSER_PRICE="0.27 1.10 0.07" CS_PROVER_PRICE="0.5 2 0.1" "$@" \
		bin/coldstart run data/demo.jsonl 2>>"$dir/run.err"
	echo $?
}
# counts DB FIELD: a field of the last run's counts
counts() { sqlite3 "$dir/$1" "SELECT json_extract(counts, '\$.$2') FROM runs ORDER BY id DESC LIMIT 1"; }
rc=0
for mt in 8192 2048; do
	c=$(run "free$mt.db" CS_BUDGET=1000 CS_PROVER_MAX_TOKENS=$mt CS_DECOMPOSER_MAX_TOKENS=$mt)
	[ "$c" = 0 ] || { cat "$dir/run.err" >&2; rc=1; }
	w=$(counts "free$mt.db" worst_case) s=$(counts "free$mt.db" spent)
	rows=$(sqlite3 "$dir/free$mt.db" 'SELECT count(*) FROM corpus')
	echo "budget max_tokens=$mt worst_case=$w spent=$s rows=$rows exit=$c" >&2
	awk -v w="$w" -v s="$s" -v mt="$mt" -v rows="$rows" 'BEGIN {
		printf "| budget estimate, max_tokens %s: worst cases admitted vs spent (%s corpus rows) | spent %.6f | worst case %.6f | worst case is %.1f x spent (>= 1 required) |\n", mt, rows, s, w, w / s }'
done
half=$(awk -v s="$(counts free2048.db spent)" 'BEGIN { printf "%.6f", s / 2 }')
c=$(run half.db CS_BUDGET="$half" CS_PROVER_MAX_TOKENS=2048 CS_DECOMPOSER_MAX_TOKENS=2048)
s=$(counts half.db spent)
rows=$(sqlite3 "$dir/half.db" 'SELECT count(*) FROM corpus')
echo "budget CS_BUDGET=$half spent=$s rows=$rows exit=$c" >&2
[ "$c" = 5 ] || rc=1
awk -v b="$half" -v s="$s" -v c="$c" -v rows="$rows" 'BEGIN {
	printf "| CS_BUDGET = half an unbounded run'"'"'s spending (max_tokens 2048): the run stops, exit %s, %s rows | spent %.6f | budget %.6f | %.2f of the budget (<= 1 required) |\n", c, rows, s, b, s / b }'
exit $rc
