#!/bin/sh
# bench-pipeline.sh: the whole pipeline (bin/coldstart run, fresh corpus) on every
# miniF2F problem that has a DeepSeek-Prover-V2 proof in tests/fixtures/dsp2 (so the
# endpoint double's oracle can answer), against the endpoint double at latency L and
# the REPL double.
#
# The least time any scheduler needs is the busier endpoint's: its requests x L /
# CS_JOBS (each endpoint holds up to CS_JOBS requests). The row gives wall / that
# least time (1.0 is ideal), each endpoint's busy fraction (some request in flight)
# and the fraction of the run both were busy at once.
# Then the prover's batched early stop: the same run with CS_SAMPLES=S asked all at
# once and in batches of CS_SAMPLE_BATCH, samples and completion tokens asked, and
# whether the two corpora are the same.
# Environment: PIPE_BENCH_CONFIGS (CS_JOBS:CS_LEAN_JOBS pairs, default "16:4 64:8"),
# PIPE_BENCH_LATENCY (0.3), PIPE_BENCH_WORKERS (1), PIPE_BENCH_SAMPLES (16),
# PIPE_BENCH_BATCH (4). Table rows on stdout, details on stderr.
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

# run NAME J LJ [VAR=VALUE...]: one run into $dir/NAME.db against a fresh double;
# leaves $dir/NAME.log (the double's requests), $dir/NAME.t (start and end).
run() {
	name=$1 J=$2 LJ=$3
	shift 3
	rm -f "$dir/port" "$dir/$name.log" "$dir/$name".db*
	python3 -S tests/doubles/llm_double.py --port-file "$dir/port" --log "$dir/$name.log" --latency "$L" \
		--oracle tests/fixtures/dsp2 --max-seconds 900 >/dev/null 2>"$dir/double.err" &
	pid=$!
	i=0
	while [ ! -s "$dir/port" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	url=http://127.0.0.1:$(cat "$dir/port")/v1
	mkdir -p "$dir/lean"
	t0=$(date +%s.%N)
	env CS_DB="$dir/$name.db" CS_LEAN_DIR="$dir/lean" CS_LEAN_SANDBOX=none CS_LEAN_JOBS="$LJ" \
	CS_LEAN_REPL="python3 -S $top/tests/doubles/repl_double.py --check-delay 0.01" \
	CS_PROVER_URL="$url" CS_DECOMPOSER_URL="$url" CS_PROVER_MODEL=prover-double CS_DECOMPOSER_MODEL=decomposer-double \
	CS_SAMPLES=2 CS_JOBS="$J" CS_WORKERS="$W" CS_QUIET=1 "$@" \
		bin/coldstart run "$dir/problems.jsonl" 2>"$dir/run.err" || { rc=1; cat "$dir/run.err" >&2; }
	t1=$(date +%s.%N)
	echo "$t0 $t1" > "$dir/$name.t"
	kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; pid=
}

for cfg in ${PIPE_BENCH_CONFIGS:-16:4 64:8}; do
	J=${cfg%:*} LJ=${cfg#*:}
	run "j$J" "$J" "$LJ"
	corpus=$(sqlite3 "$dir/j$J.db" 'SELECT count(*) FROM corpus')
	python3 - "$dir/j$J.log" "$dir/j$J.t" "$L" "$J" "$LJ" "$W" "$np" "$corpus" <<'PY' || rc=1
import json, sys
log, tfile, L, J, LJ, W, np, corpus = sys.argv[1:]
L, J = float(L), int(J)
t0, t1 = map(float, open(tfile).read().split())
wall = t1 - t0
posts = [json.loads(l) for l in open(log)]
posts = [p for p in posts if p.get("method") == "POST"]
def intervals(model):
    return sorted((p["time"], p["time"] + L) for p in posts if p["model"] == model)
def union(iv):
    out = []
    for a, b in iv:
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return out
def length(u):
    return sum(b - a for a, b in u)
def meet(u, v):
    i = j = 0
    tot = 0.0
    while i < len(u) and j < len(v):
        a, b = max(u[i][0], v[j][0]), min(u[i][1], v[j][1])
        if a < b:
            tot += b - a
        if u[i][1] < v[j][1]:
            i += 1
        else:
            j += 1
    return tot
pro, dec = intervals("prover-double"), intervals("decomposer-double")
least = max(len(pro), len(dec)) * L / J
up, ud = union(pro), union(dec)
ratio = wall / least if least else 0
print("pipeline J=%d LJ=%s W=%s L=%.2f problems=%s corpus=%s prover=%d decomposer=%d wall=%.1f least=%.1f ratio=%.2f "
      "prover_busy=%.2f decomposer_busy=%.2f both=%.2f" % (J, LJ, W, L, np, corpus, len(pro), len(dec), wall, least, ratio,
      length(up) / wall, length(ud) / wall, meet(up, ud) / wall), file=sys.stderr)
target = 1.25 if J <= 16 else 1.6
print("| whole pipeline CS_JOBS=%d CS_LEAN_JOBS=%s CS_WORKERS=%s, %s fixture problems, latency %.1f s: %d prover and %d decomposer requests in %.1f s (%s corpus rows); busy: prover %.2f, decomposer %.2f, both at once %.2f of the run | %.1f s | least time %.1f s (busier endpoint's requests x L / CS_JOBS) | %.2f (target <= %.2f) |"
      % (J, LJ, W, np, L, len(pro), len(dec), wall, corpus, length(up) / wall, length(ud) / wall, meet(up, ud) / wall,
         wall, least, ratio, target))
PY
done

S=${PIPE_BENCH_SAMPLES:-16} B=${PIPE_BENCH_BATCH:-4}
run all 16 4 CS_SAMPLES="$S" CS_SAMPLE_BATCH="$S"
run batch 16 4 CS_SAMPLES="$S" CS_SAMPLE_BATCH="$B"
q="SELECT count(*), coalesce(sum(completion_tokens), 0) FROM attempts WHERE role = 'prover'"
all=$(sqlite3 -separator ' ' "$dir/all.db" "$q")
batch=$(sqlite3 -separator ' ' "$dir/batch.db" "$q")
same=$(for d in all batch; do sqlite3 "$dir/$d.db" 'SELECT name, formal_proof FROM corpus ORDER BY name' | sha256sum; done | uniq | wc -l)
[ "$same" = 1 ] && same="the same corpus" || { same="DIFFERENT corpora"; rc=1; }
set -- $all $batch
echo "early stop: CS_SAMPLES=$S all at once: $1 samples, $2 completion tokens; batches of $B: $3 samples, $4 tokens; $same" >&2
awk -v S="$S" -v B="$B" -v s1="$1" -v t1="$2" -v s2="$3" -v t2="$4" -v same="$same" 'BEGIN {
	printf "| prover samples with CS_SAMPLES=%d, batched early stop (CS_SAMPLE_BATCH=%d) vs all at once: %d vs %d samples, %d vs %d completion tokens (%s) | %d tokens | %d tokens | %.2f of the tokens (%.0f%% saved) |\n",
		S, B, s2, s1, t2, t1, same, t2, t1, t1 ? t2 / t1 : 0, t1 ? 100 * (1 - t2 / t1) : 0 }'
exit $rc
