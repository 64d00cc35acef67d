#!/bin/sh
# bench-pipeline.sh: the whole pipeline (bin/coldstart run, fresh corpus) on every
# miniF2F problem that has a DeepSeek-Prover-V2 proof in tests/fixtures/dsp2 (so the
# endpoint double's oracle can answer), against the endpoint double at latency L and
# the REPL double. Endpoint efficiency = requests x L / (max in flight x wall): 1.0
# would mean the double had max-in-flight requests running all the time.
# Environment: PIPE_BENCH_CONFIGS (CS_JOBS:CS_LEAN_JOBS pairs, default
# "16:2 64:2 64:4"), PIPE_BENCH_LATENCY (0.3), PIPE_BENCH_WORKERS (1). Table rows
# on stdout, details on stderr.
cd "$(dirname "$0")/.." || exit 4
top=$(pwd)
L=${PIPE_BENCH_LATENCY:-0.3}
W=${PIPE_BENCH_WORKERS:-1}
dir=$(mktemp -d "${TMPDIR:-/tmp}/cs-bench-pipe.XXXXXX")
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT
python3 -c 'import json, os, sys
for line in open("data/minif2f.jsonl"):
    if os.path.exists("tests/fixtures/dsp2/%s.lean" % json.loads(line)["name"]):
        sys.stdout.write(line)' > "$dir/problems.jsonl" || exit 4
np=$(wc -l < "$dir/problems.jsonl")
rc=0
for cfg in ${PIPE_BENCH_CONFIGS:-16:2 64:2 64:4}; do
	J=${cfg%:*} LJ=${cfg#*:}
	rm -f "$dir/port" "$dir/dlog" "$dir"/c.db*
	python3 -S tests/doubles/llm_double.py --port-file "$dir/port" --log "$dir/dlog" --latency "$L" \
		--oracle tests/fixtures/dsp2 --max-seconds 900 >/dev/null 2>"$dir/double.err" &
	pid=$!
	i=0
	while [ ! -s "$dir/port" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	url=http://127.0.0.1:$(cat "$dir/port")/v1
	mkdir -p "$dir/lean"
	t0=$(date +%s.%N)
	CS_DB=$dir/c.db CS_LEAN_DIR=$dir/lean CS_LEAN_SANDBOX=none CS_LEAN_JOBS=$LJ \
	CS_LEAN_REPL="python3 -S $top/tests/doubles/repl_double.py --check-delay 0.01" \
	CS_PROVER_URL=$url CS_DECOMPOSER_URL=$url CS_PROVER_MODEL=prover-double CS_DECOMPOSER_MODEL=decomposer-double \
	CS_SAMPLES=2 CS_JOBS=$J CS_WORKERS=$W CS_QUIET=1 \
		bin/coldstart run "$dir/problems.jsonl" 2>"$dir/run.err" || { rc=1; cat "$dir/run.err" >&2; }
	t1=$(date +%s.%N)
	stats=$(curl -s "${url%/v1}/stats")
	kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; pid=
	corpus=$(sqlite3 "$dir/c.db" 'SELECT count(*) FROM corpus')
	python3 - "$dir/dlog" "$t0" "$t1" "$L" "$J" "$np" "$corpus" "$W" "$stats" "$LJ" <<'PY' || rc=1
import json, sys
log, t0, t1, L, J, np, corpus, W, stats, LJ = sys.argv[1:]
t0, t1, L, J = float(t0), float(t1), float(L), int(J)
st = json.loads(stats)
posts = [json.loads(l) for l in open(log)]
posts = [p for p in posts if p.get("method") == "POST"]
n, wall, mx = len(posts), t1 - t0, st["max_concurrent"]
eff = n * L / (mx * wall) if mx and wall else 0
# busy: seconds during which at least one request was in flight; and the time
# with fewer than J/2 in flight (the tails of the passes)
ev = sorted([(p["time"], 1) for p in posts] + [(p["time"] + L, -1) for p in posts])
cur, last, busy, low = 0, None, 0.0, 0.0
for t, d in ev:
    if last is not None and cur > 0:
        busy += t - last
        if cur < J / 2:
            low += t - last
    cur += d; last = t
print("pipeline J=%d LJ=%s W=%s L=%.2f problems=%s corpus=%s requests=%d wall=%.1f max_inflight=%d efficiency=%.3f "
      "endpoint_busy=%.1f below_half_J=%.1f ideal_wall=%.1f" % (J, LJ, W, L, np, corpus, n, wall, mx, eff, busy, low, n * L / J),
      file=sys.stderr)
print("| whole pipeline CS_JOBS=%d CS_LEAN_JOBS=%s CS_WORKERS=%s, %s fixture problems, latency %.1f s: %d requests in %.1f s, max %d in flight (%s corpus rows) | efficiency %.2f | 1.0 (ideal wall %.1f s = requests x L / J) | %.2f (target >= 0.8; in flight %s CS_JOBS) |"
      % (J, LJ, W, np, L, n, wall, mx, corpus, eff, n * L / J, eff, "reached" if mx >= J else "did NOT reach"))
PY
done
exit $rc
