#!/bin/sh
# coldstart run on the datasets' shapes: the five demo theorems (whose DeepSeek-Prover-V2
# proofs the oracle double knows) as Lean Workbook, NuminaMath-LEAN, Goedel-Pset,
# ProofNet and ProverBench records and as a PutnamBench-style .lean file in a
# directory; records on stdin through `coldstart run -`.
. "$(dirname "$0")/lib.sh"

TAG=cs-t0111-$$
. "$TEST_DIR/inputs-run.sh"

start_double --oracle "$FIXTURES/dsp2"

test_expect_success 'coldstart run FILE... DIR: every shape becomes a corpus row' '
	run_shapes 2>err &&
	sql "SELECT c.name || '\'' '\'' || ifnull(p.source_key, '\''-'\'') FROM corpus c
		JOIN problems p ON p.id = c.problem_id ORDER BY p.id" > got &&
	cat > want <<-\EOT &&
	mathd_algebra_10 lean_workbook_90010
	mathd_algebra_37 37a1b2c3-d4e5-5f60-8172-93a4b5c6d7e8
	mathd_algebra_109 goedel_pset_109
	algebra_2varlineareq_xpeeq7_2xpeeq3_eeq11_xeqn4 -
	mathd_algebra_393 algebra__p393
	mathd_algebra_10 -
	EOT
	test_cmp want got &&
	test_eq "$(sql "SELECT status FROM runs ORDER BY id DESC LIMIT 1")" done
'

test_expect_success 'the proofs are of the statements as normalised, under each header' '
	sql "SELECT formal_proof FROM corpus c JOIN problems p ON p.id = c.problem_id
		WHERE p.source LIKE '\''%putnambench%'\''" > proof &&
	test_eq "$(head -n 2 proof)" "$(printf "import Mathlib\nopen BigOperators Real")" &&
	test_grep "^theorem mathd_algebra_10 : abs ((120 : ℝ) / 100 \* 30 - 130 / 100 \* 20) = 10 := by$" proof &&
	test_no_grep "sorry" proof &&
	sql "SELECT prompt FROM corpus WHERE name = '\''mathd_algebra_109'\''" > prompt &&
	test_grep "^/-- The point \$(a, b)\$ lies on the line" prompt
'

test_expect_success 'coldstart run - reads records on stdin; what is there is not asked again' '
	before=$(posts) &&
	coldstart run - < "$RUN/proofnet.jsonl" 2>err &&
	test_eq "$(posts)" "$before" &&
	test_eq "$(sql "SELECT count(*) FROM corpus")" 6
'

test_expect_success 'a refused record is reported, the run goes on and exits 1' '
	printf "%s\n" "{\"id\": \"x\", \"formal_statement\": \"theorem x : True := by\\n  trivial\"}" > proved.jsonl &&
	CS_QUIET= test_exit 1 coldstart run proved.jsonl 2>err &&
	test_grep "proved.jsonl:1: x: the theorem comes with a proof" err &&
	test_grep "some problems could not be loaded" err &&
	test_eq "$(sql "SELECT reason FROM ingest_refusals WHERE name = '\''x'\''")" has-proof
'

stop_double
test_expect_success 'no process of this test is left running' '
	test_gone "$TAG"
'

test_done
