#!/bin/sh
# bench-reuse.sh: nothing proved twice (issue 20). The whole pipeline (bin/coldstart
# run, fresh corpus, CS_SKETCHES=2) on the miniF2F problems that have a
# DeepSeek-Prover-V2 proof in tests/fixtures/dsp2 (the endpoint double's oracle
# answers them) and on each of them restated with its hypotheses renamed (h₀ → k₀:
# another problem, stated alike), as datasets that gather problems from several
# sources hold them; once with CS_REUSE=1 (a subgoal lemma stated like a proved one
# gets its proof, checked in Lean) and once with CS_REUSE=0. The row gives prover
# requests and completion tokens per corpus row, and their ratio.
# Environment: REUSE_BENCH_LATENCY (endpoint latency, default 0.05 s),
# REUSE_BENCH_JOBS (CS_JOBS, 16), REUSE_BENCH_RESTATED (1; 0: the fixture problems
# alone). Table rows on stdout, details on stderr.
cd "$(dirname "$0")/.." || exit 4
top=$(pwd)
L=${REUSE_BENCH_LATENCY:-0.05}
J=${REUSE_BENCH_JOBS:-16}
dir=$(mktemp -d "${TMPDIR:-/tmp}/cs-bench-reuse.XXXXXX")
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT
python3 -c 'import json, os, re, sys
rows = [json.loads(l) for l in open("data/minif2f.jsonl")]
rows = [r for r in rows if os.path.exists("tests/fixtures/dsp2/%s.lean" % r["name"])]
for r in rows:
    sys.stdout.write(json.dumps(r, ensure_ascii=False) + "\n")
for r in rows if sys.argv[1] != "0" else []:
    s = re.sub(r"\bh(?=[\u2080-\u2089])", "k", r["formal_statement"])
    if s != r["formal_statement"]:
        r = dict(r, formal_statement=s, split="restated")
        sys.stdout.write(json.dumps(r, ensure_ascii=False) + "\n")' "${REUSE_BENCH_RESTATED:-1}" > "$dir/problems.jsonl" || exit 4
np=$(wc -l < "$dir/problems.jsonl")
rc=0

# run NAME [VAR=VALUE...]: one run into $dir/NAME.db against a fresh double.
run() {
	name=$1
	shift
	rm -f "$dir/port"
	python3 -S tests/doubles/llm_double.py --port-file "$dir/port" --latency "$L" \
		--oracle tests/fixtures/dsp2 --max-seconds 1800 >/dev/null 2>"$dir/double.err" &
	pid=$!
	i=0
	while [ ! -s "$dir/port" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	url=http://127.0.0.1:$(cat "$dir/port")/v1
	mkdir -p "$dir/lean"
	env CS_DB="$dir/$name.db" CS_LEAN_DIR="$dir/lean" CS_LEAN_SANDBOX=none CS_LEAN_JOBS=4 \
	CS_LEAN_REPL="python3 -S $top/tests/doubles/repl_double.py --check-delay 0.01" \
	CS_PROVER_URL="$url" CS_DECOMPOSER_URL="$url" CS_PROVER_MODEL=prover-double CS_DECOMPOSER_MODEL=decomposer-double \
	CS_SAMPLES=2 CS_SKETCHES=2 CS_JOBS="$J" CS_QUIET=1 CS_BENCHMARKS=none "$@" \
		bin/coldstart run "$dir/problems.jsonl" 2>"$dir/run.err" || { rc=1; cat "$dir/run.err" >&2; }
	kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; pid=
}

run reuse CS_REUSE=1
run noreuse CS_REUSE=0
q="SELECT (SELECT count(*) FROM corpus), (SELECT count(*) FROM attempts WHERE role = 'prover'),
	(SELECT coalesce(sum(completion_tokens), 0) FROM attempts WHERE role = 'prover'),
	(SELECT count(*) FROM proofs WHERE reused_from IS NOT NULL),
	(SELECT count(*) FROM verifications WHERE kind = 'reuse')"
set -- $(sqlite3 -separator ' ' "$dir/reuse.db" "$q") $(sqlite3 -separator ' ' "$dir/noreuse.db" "$q")
echo "reuse: problems=$np CS_REUSE=1: rows=$1 prover_requests=$2 completion_tokens=$3 reused=$4 reuse_checks=$5;" \
	"CS_REUSE=0: rows=$6 prover_requests=$7 completion_tokens=$8" >&2
[ "$1" = "$6" ] || { echo "reuse: the two runs made different numbers of rows ($1, $6)" >&2; rc=1; }
awk -v restated="${REUSE_BENCH_RESTATED:-1}" -v np="$np" -v r1="$1" -v p1="$2" -v t1="$3" -v u1="$4" -v c1="$5" -v r0="$6" -v p0="$7" -v t0="$8" 'BEGIN {
	a = r1 ? p1 / r1 : 0; b = r0 ? p0 / r0 : 0; ta = r1 ? t1 / r1 : 0; tb = r0 ? t0 / r0 : 0
	printf "| nothing proved twice, CS_SKETCHES=2, %d problems (%s): prover requests per corpus row with CS_REUSE=1 vs 0: %.2f vs %.2f (%d vs %d requests, %d vs %d rows; %d lemmas reused after %d Lean checks); completion tokens per row %.0f vs %.0f | %.2f requests/row | %.2f requests/row | %.2f of the requests, %.2f of the tokens |\n",
		np, restated != "0" ? "fixture miniF2F ones and each restated with renamed hypotheses" : "fixture miniF2F ones alone", a, b, p1, p0, r1, r0, u1, c1, ta, tb, a, b, b ? a / b : 0, tb ? ta / tb : 0 }'
exit $rc
