#!/bin/sh
# Nothing proved twice, through the whole pipeline (coldstart run against the
# endpoint double in oracle mode and the REPL double, CS_SKETCHES=2): the demo's
# problems and each of them restated with its hypotheses renamed (h₀ → k₀, another
# problem stated alike). The decomposer's lemmas of a restated problem are proved by
# reusing the original's proofs, each checked in Lean (the REPL double), so fewer
# prover requests are sent than with CS_REUSE=0, for the same corpus rows; the
# restated rows' proofs use their own hypothesis names.
. "$(dirname "$0")/lib.sh"
TAG=cs-t0878-$$
. "$TEST_DIR/pipeline.sh"
export CS_SKETCHES=2
start_double --oracle "$FIXTURES/dsp2"

python3 -c 'import json, re, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
for r in rows:
    sys.stdout.write(json.dumps(r, ensure_ascii=False) + "\n")
for r in rows:
    s = re.sub(r"\bh(?=[\u2080-\u2089])", "k", r["formal_statement"])
    if s != r["formal_statement"]:
        sys.stdout.write(json.dumps(dict(r, formal_statement=s, split="restated"), ensure_ascii=False) + "\n")' \
	"$DEMO" > problems.jsonl
q_prover="SELECT count(*) FROM attempts WHERE role = 'prover'"

test_expect_success 'with reuse: the restated problems reuse the lemmas proofs, checked in Lean' '
	test_eq "$(wc -l < problems.jsonl)" 9 &&
	CS_DB=$TRASH/r.db coldstart run problems.jsonl 2> err || { cat err; exit 1; } &&
	export CS_DB=$TRASH/r.db &&
	test_eq "$(sql "SELECT count(*) FROM corpus")" 9 &&
	n=$(sql "SELECT count(*) FROM proofs WHERE reused_from IS NOT NULL") &&
	test "$n" -gt 0 &&
	test_eq "$(sql "SELECT count(*) FROM problems WHERE how = \"reused\"")" "$n" &&
	test_eq "$(sql "SELECT count(*) FROM verifications WHERE kind = \"reuse\" AND verdict = \"pass\"")" "$n" &&
	test_eq "$(sql "SELECT count(*) FROM attempts a JOIN proofs pr ON pr.problem_id = a.problem_id WHERE pr.reused_from IS NOT NULL")" 0 &&
	test_eq "$(sql "SELECT count(*) FROM problems WHERE fingerprint IS NULL")" 0 &&
	sql "SELECT formal_proof FROM corpus c JOIN problems p ON p.id = c.problem_id WHERE p.split = \"restated\" AND p.name = \"mathd_algebra_37\"" > restated.lean &&
	test_grep "(k₀ : x + y = 7)" restated.lean &&
	sed "s/h₀'\''//g" restated.lean > stripped && test_no_grep "h₀" stripped
'

test_expect_success 'without reuse (CS_REUSE=0): the same rows, more prover requests' '
	CS_DB=$TRASH/n.db CS_REUSE=0 coldstart run problems.jsonl 2> err || { cat err; exit 1; } &&
	test_eq "$(CS_DB=$TRASH/n.db sql "SELECT count(*) FROM corpus")" 9 &&
	test_eq "$(CS_DB=$TRASH/n.db sql "SELECT count(*) FROM proofs WHERE reused_from IS NOT NULL")" 0 &&
	with=$(CS_DB=$TRASH/r.db sql "$q_prover") without=$(CS_DB=$TRASH/n.db sql "$q_prover") &&
	echo "prover requests: $with with reuse, $without without" &&
	test "$with" -lt "$without"
'

test_expect_success 'an upgraded corpus: cs-run fills the fingerprints it lacks' '
	cp "$TRASH/n.db" old.db &&
	CS_DB=$TRASH/old.db sql "UPDATE problems SET fingerprint = NULL" &&
	CS_DB=$TRASH/old.db coldstart run 2> err || { cat err; exit 1; } &&
	test_eq "$(CS_DB=$TRASH/old.db sql "SELECT count(*) FROM problems WHERE fingerprint IS NULL")" 0 &&
	test_eq "$(CS_DB=$TRASH/old.db sql "SELECT fingerprint FROM problems ORDER BY id" | md5sum)" \
		"$(CS_DB=$TRASH/n.db sql "SELECT fingerprint FROM problems ORDER BY id" | md5sum)"
'

test_done
