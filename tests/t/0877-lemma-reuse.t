#!/bin/sh
# Nothing proved twice (issue 20): a subgoal lemma whose fingerprint (its statement
# as Lean reads it, names aside) matches a proved problem's gets that proof, its
# hypotheses renamed to the lemma's, checked in Lean in the lemma's own statement:
# a check, not a model request. A reused proof Lean refuses sends the lemma to the
# prover; CS_REUSE=0 turns reuse off. (The endpoint double answers a prover prompt
# with no Lean block here: a request sent is seen, its answer refused.) Stage records by hand (as in 0610), the prove
# stage against the endpoint and REPL doubles.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lean-double.sh"
. "$TEST_DIR/llm-double.sh"

export CS_DB=$TRASH/c.db CS_SAMPLES=1 CS_SAMPLE_BATCH=1 CS_LEAN_AXIOMS=0
cat > problems.jsonl <<'EOT'
{"name":"p1","header":"import Mathlib\n","formal_statement":"theorem p1 (x : ℕ) (h₀ : x = 1) : x + 1 + 0 = 2 := by"}
{"name":"p2","header":"import Mathlib\n","formal_statement":"theorem p2 (n : ℕ) (hn : n = 1) : n + 1 + 0 = 2 := by"}
{"name":"p3","header":"import Mathlib\n","formal_statement":"theorem p3 (m : ℕ) (hm : m = 1) : m + 1 + 0 = 2 := by"}
{"name":"p4","header":"import Mathlib\n","formal_statement":"theorem p4 (k : ℕ) (hk : k = 1) : k + 1 + 0 = 2 := by"}
EOT
# lemma VAR HYP: the lemma each sketch states, in its own names
lemma() { printf 'theorem %s_h (%s : ℕ) (%s : %s = 1) :\\n  %s + 1 = 2 := by' "$3" "$1" "$2" "$1" "$1"; }
fp() { printf '{"name":"x","formal_statement":"%s"}\n' "$(lemma "$1" "$2" "$3")" > fp.jsonl && cs-fingerprint -b x fp.jsonl | cut -f4; }
sketch() { # sketch PID NAME VAR HYP
	printf '{"type":"decompose","problem_id":%s,"result":"accepted","sketches":[{"reasoning":"r","code":"c","status":"accepted","model":"d","prompt_hash":"h","subgoals":[{"idx":0,"have_name":"h","lemma_name":"%s_h","statement":"s","lemma_a":"%s","lemma_b":"%s","stmt_key":"key-%s","fingerprint":"%s"}]}]}\n' \
		"$1" "$2" "$(lemma "$3" "$4" "$2")" "$(lemma "$3" "$4" "$2")" "$2" "$(fp "$3" "$4" "$2")"
}
prove() { cs-pending prove | cs-prove | cs-store; }
start_double
lemma_id() { sql "SELECT id FROM problems WHERE name = '$1_h'"; }

test_expect_success 'setup: four problems decomposed into one lemma each, stated alike under other names' '
	cs-ingest -q problems.jsonl &&
	for i in 1 2 3 4; do printf "{\"type\":\"prove\",\"problem_id\":%s,\"stage\":\"prove_e2e\",\"result\":\"unproved\"}\n" $i; done | cs-store &&
	{ sketch 1 p1 x h₀; sketch 2 p2 n hn; sketch 3 p3 m hm; } | cs-store &&
	test_eq "$(sql "SELECT count(DISTINCT stmt_key) || \" \" || count(DISTINCT fingerprint) FROM problems WHERE depth = 1")" "3 1" &&
	cs-pending prove > pending &&
	test_eq "$(jget pending "r[\"name\"]")" p1_h
'

test_expect_success 'the first is proved (by hand: its proof holds a marker the REPL double fails in p3_h)' '
	printf "{\"type\":\"prove\",\"problem_id\":%s,\"stage\":\"prove\",\"result\":\"proved\",\"proof\":{\"code\":\"c\",\"body\":\"subst h₀\\\\nrfl -- double: fails-in p3_h\",\"real_lean\":false}}\n" "$(lemma_id p1)" | cs-store &&
	cs-pending prove > pending &&
	test_eq "$(jget pending "r[\"name\"], r[\"reuse_id\"]")" "('\''p2_h'\'', $(lemma_id p1))" &&
	test_grep "\"reuse_body\":\"subst h₀\\\\nrfl" pending
'

test_expect_success 'p2_h reuses it: renamed, checked by Lean (the REPL double), no prover request' '
	: > dlog && fresh &&
	prove 2> err; cat err; sql "SELECT id, name, status, how, why FROM problems; SELECT problem_id, kind, verdict, why FROM verifications; SELECT problem_id, status, verdict, why, substr(content,1,300) FROM attempts" &&
	test_eq "$(posts)" 0 &&
	test_eq "$(sql "SELECT status || \" \" || how FROM problems WHERE name = \"p2_h\"")" "proved reused" &&
	test_eq "$(sql "SELECT reused_from FROM proofs WHERE problem_id = $(lemma_id p2)")" "$(lemma_id p1)" &&
	test_eq "$(sql "SELECT body FROM proofs WHERE problem_id = $(lemma_id p2)")" "subst hn
rfl -- double: fails-in p3_h" &&
	test_eq "$(sql "SELECT kind || \" \" || verdict FROM verifications WHERE problem_id = $(lemma_id p2)")" "reuse pass" &&
	test_eq "$(bodies)" 1 && test_grep "theorem p2_h (n : ℕ) (hn : n = 1)" double.log &&
	test_eq "$(sql "SELECT name || \" \" || reused_from_name FROM v_reuse")" "p2_h p1_h" &&
	test_eq "$(sql "SELECT count(*) FROM attempts")" 0
'

test_expect_success 'a lemma waits while an earlier one of its fingerprint is to be proved' '
	sketch 4 p4 k hk | cs-store &&
	sql "UPDATE problems SET status = \"new\" WHERE name = \"p2_h\"" &&
	cs-pending prove > pending &&
	test_eq "$(jget pending "r[\"name\"]")" p2_h &&
	sql "UPDATE problems SET status = \"proved\" WHERE name = \"p2_h\""
'

test_expect_success 'a reused proof Lean refuses: the prover is asked, and the reuse is not tried again' '
	: > dlog && fresh &&
	prove 2> err &&
	test_eq "$(sql "SELECT kind || \" \" || verdict FROM verifications WHERE problem_id = $(lemma_id p3) ORDER BY id" | head -n 1)" "reuse fail" &&
	test_eq "$(posts)" 1 &&
	test_eq "$(sql "SELECT count(*) FROM attempts WHERE problem_id = $(lemma_id p3)")" 1 &&
	test_eq "$(sql "SELECT status FROM problems WHERE name = \"p3_h\"")" unproved &&
	sql "UPDATE problems SET status = \"new\" WHERE name = \"p3_h\"" &&
	cs-pending prove > pending &&
	test_eq "$(jget pending "r[\"name\"], r[\"reuse_id\"]")" "('\''p3_h'\'', None)" &&
	sql "UPDATE problems SET status = \"unproved\" WHERE name = \"p3_h\"" &&
	: > dlog &&
	prove &&
	test_eq "$(posts)" 0 &&
	test_eq "$(sql "SELECT status || \" \" || how FROM problems WHERE name = \"p4_h\"")" "proved reused"
'

test_expect_success 'CS_REUSE=0: no reuse offered, the prover is asked' '
	printf "{\"name\":\"p5\",\"header\":\"import Mathlib\\\\n\",\"formal_statement\":\"theorem p5 (z : ℕ) (hz : z = 1) : z + 1 + 0 = 2 := by\"}\n" | cs-ingest -q &&
	id=$(sql "SELECT id FROM problems WHERE name = \"p5\"") &&
	printf "{\"type\":\"prove\",\"problem_id\":%s,\"stage\":\"prove_e2e\",\"result\":\"unproved\"}\n" $id | cs-store &&
	sketch $id p5 z hz | cs-store &&
	CS_REUSE=0 cs-pending prove > pending &&
	test_eq "$(jget pending "r[\"name\"], r[\"reuse_id\"]")" "('\''p5_h'\'', None)" &&
	: > dlog &&
	CS_REUSE=0 prove &&
	test_eq "$(posts)" 1 &&
	test_eq "$(sql "SELECT count(*) FROM verifications WHERE kind = \"reuse\" AND problem_id = $(lemma_id p5)")" 0 &&
	test_eq "$(sql "SELECT status FROM problems WHERE name = \"p5_h\"")" unproved
'

test_done
