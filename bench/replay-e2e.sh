#!/bin/sh
# replay-e2e.sh: issue 11's end-to-end replay. Every miniF2F problem with a
# DeepSeek-Prover-V2 proof in tests/fixtures/dsp2 goes through bin/coldstart run
# against the endpoint double in oracle mode (decomposer: the proof's have
# skeleton; prover: the original blocks, failing the theorem and every block the
# skeleton cuts) and the REPL double; each corpus proof is compared with the
# original theorem (indentation, trailing blanks and blank lines aside).
# Environment: CS_EXTRACT (default syntax), REPLAY_LAYOUT=lean (the REPL double lays
# goals out as Lean.Meta.ppGoal does: long hypotheses broken, names grouped and
# shadowed; default: one line per hypothesis), REPLAY_DIR (kept when set),
# REPLAY_COLDSTART (the driver to run, default bin/coldstart).
# Prints "replay-e2e extract=.. problems=.. with_haves=.. corpus=.. equal=.." and one
# line per problem that has a have block but no equal proof, with its why.
cd "$(dirname "$0")/.." || exit 4
top=$(pwd)
dir=${REPLAY_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/cs-replay.XXXXXX")}
mkdir -p "$dir/lean"
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; [ -n "$REPLAY_DIR" ] || rm -rf "$dir"; }
trap cleanup EXIT
python3 -c 'import json, os, sys
for line in open("data/minif2f.jsonl"):
    if os.path.exists("tests/fixtures/dsp2/%s.lean" % json.loads(line)["name"]):
        sys.stdout.write(line)' > "$dir/problems.jsonl" || exit 4
rm -f "$dir/port" "$dir"/c.db*
python3 -S tests/doubles/llm_double.py --port-file "$dir/port" --oracle tests/fixtures/dsp2 \
	--max-seconds 1800 >/dev/null 2>"$dir/double.err" &
pid=$!
i=0
while [ ! -s "$dir/port" ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i + 1)); done
url=http://127.0.0.1:$(cat "$dir/port")/v1
CS_EXTRACT=${CS_EXTRACT:-syntax} CS_DB=$dir/c.db CS_LEAN_DIR=$dir/lean CS_LEAN_SANDBOX=none CS_LEAN_JOBS=2 \
CS_LEAN_REPL="python3 -S $top/tests/doubles/repl_double.py${REPLAY_LAYOUT:+ --$REPLAY_LAYOUT-layout}" \
CS_PROVER_URL=$url CS_DECOMPOSER_URL=$url CS_PROVER_MODEL=prover-double CS_DECOMPOSER_MODEL=decomposer-double \
CS_SAMPLES=1 CS_E2E_SAMPLES=1 CS_SKETCHES=1 CS_MAX_DEPTH=6 CS_QUIET=1 \
	${REPLAY_COLDSTART:-bin/coldstart} run "$dir/problems.jsonl" 2>"$dir/run.err"
python3 - "$dir/c.db" "${CS_EXTRACT:-syntax}" <<'PY'
import re, sqlite3, sys, glob, os
db = sqlite3.connect(sys.argv[1])
def lines(text):
    t = text[text.index("\ntheorem ") + 1:] if "\ntheorem " in text else text
    return [l.strip() for l in t.split("\n") if l.strip()]
def haves(text):
    return re.search(r"^\s+have\b[^\n]*:=\s*by", text, re.M) is not None
rows = dict(db.execute("SELECT name, formal_proof FROM corpus"))
why = dict(db.execute("SELECT name, coalesce(why, status) FROM problems WHERE depth = 0"))
n = withh = eq = 0
miss = []
for path in sorted(glob.glob("tests/fixtures/dsp2/*.lean")):
    name = os.path.basename(path)[:-5]
    if name not in why:
        continue
    n += 1
    orig = open(path).read()
    if not haves(orig):
        continue
    withh += 1
    if name in rows and lines(rows[name]) == lines(orig):
        eq += 1
    else:
        miss.append((name, "proof differs" if name in rows else why.get(name)))
print("replay-e2e extract=%s problems=%d with_haves=%d corpus=%d equal=%d (%.1f%%)"
      % (sys.argv[2], n, withh, len(rows), eq, 100.0 * eq / max(withh, 1)))
for name, w in miss:
    print("  miss %s: %s" % (name, w))
way = db.execute("SELECT * FROM v_subgoals").fetchall() if db.execute(
    "SELECT 1 FROM sqlite_master WHERE name = 'v_subgoals'").fetchone() else []
for r in way:
    print("  way %s: stated %s, proved %s, spliced %s, by lemma %s" % r)
PY
