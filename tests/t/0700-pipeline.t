#!/bin/sh
# The whole pipeline (bin/coldstart run) against the endpoint double in oracle mode
# (answers built from real DeepSeek-Prover-V2 proofs) and the REPL double.
. "$(dirname "$0")/lib.sh"

TAG=cs-t0700-$$
. "$TEST_DIR/pipeline.sh"
corpus_field() { sql "SELECT $2 FROM corpus WHERE name = '$1'"; }

start_double --oracle "$FIXTURES/dsp2"

test_expect_success 'a run proves every demo theorem through decomposition' '
	coldstart run "$DEMO" 2>err &&
	test_eq "$(sql "SELECT count(*) FROM corpus")" 5 &&
	test_eq "$(sql "SELECT count(*) FROM problems WHERE depth = 0 AND how = '\''decomposition'\''")" 5 &&
	test "$(sql "SELECT max(depth) FROM problems WHERE status = '\''proved'\''")" -ge 2 &&
	test_eq "$(sql "SELECT status FROM runs ORDER BY id DESC LIMIT 1")" done
'

test_expect_success 'every recombined proof is the original DeepSeek-Prover-V2 proof (trailing blanks aside)' '
	for n in $(sql "SELECT name FROM corpus"); do
		corpus_field "$n" formal_proof > got.lean &&
		theorem_of got.lean > got && theorem_of "$FIXTURES/dsp2/$n.lean" > want &&
		test_cmp want got || exit 1
	done
'

test_expect_success 'a corpus row: header, CoT prompt, reasoning then the proof in a lean4 block' '
	n=mathd_algebra_10 &&
	corpus_field $n formal_proof > proof &&
	sql "SELECT header FROM problems WHERE name = '\''$n'\''" > header &&
	test_eq "$(head -n 1 proof)" "$(head -n 1 header)" &&
	test_no_grep "sorry" proof &&
	corpus_field $n prompt > prompt &&
	test_grep "Before producing the Lean 4 code" prompt &&
	test_grep "theorem mathd_algebra_10" prompt &&
	corpus_field $n cot > cot && test_grep "Let us analyze the problem" cot &&
	corpus_field $n completion > completion &&
	{ cat cot; echo; echo "\`\`\`lean4"; cat proof; echo "\`\`\`"; } > want &&
	test_cmp want completion &&
	test_eq "$(corpus_field $n "decomposer_model || '\'' '\'' || prover_model || '\'' '\'' || real_lean || '\'' '\'' || checker")" \
		"decomposer-double prover-double 0 repl" &&
	test "$(corpus_field $n prompt_tokens)" -gt 0
'

test_expect_success 'sketches, subgoals in both forms, attempts and verifications are recorded' '
	test "$(sql "SELECT count(*) FROM sketches WHERE status = '\''accepted'\''")" -ge 5 &&
	test_eq "$(sql "SELECT count(*) FROM subgoals WHERE lemma_a = '\'''\'' OR lemma_b = '\'''\''")" 0 &&
	test "$(sql "SELECT count(*) FROM subgoals WHERE lemma_a != lemma_b")" -gt 0 &&
	test_eq "$(sql "SELECT count(*) FROM attempts WHERE prompt_hash = '\'''\'' OR request NOT LIKE '\''%temperature%'\''")" 0 &&
	test_eq "$(sql "SELECT count(*) FROM verifications WHERE real_lean != 0")" 0 &&
	test "$(sql "SELECT count(*) FROM verifications WHERE kind = '\''recombined'\'' AND verdict = '\''pass'\''")" -ge 5
'

test_expect_success 'a second run asks nothing again and adds nothing' '
	before=$(posts) &&
	sql "SELECT count(*) FROM attempts" > attempts.before &&
	coldstart run "$DEMO" 2>err &&
	test_eq "$(posts)" "$before" &&
	sql "SELECT count(*) FROM attempts" > attempts.after &&
	test_cmp attempts.before attempts.after &&
	test_eq "$(sql "SELECT count(*) FROM corpus")" 5 &&
	test_eq "$(sql "SELECT count(*) FROM (SELECT problem_id FROM corpus GROUP BY problem_id HAVING count(*) > 1)")" 0 &&
	test_eq "$(sql "PRAGMA integrity_check")" ok
'

test_expect_success 'export: double-checked rows are refused unless asked for' '
	cs-export -f sft > sft 2>err &&
	test_eq "$(wc -l < sft)" 0 && test_grep "include-doubles" err &&
	cs-export -f sft --include-doubles > sft &&
	test_eq "$(wc -l < sft)" 5 &&
	test_eq "$(jget sft "[m[\"role\"] for m in r[\"messages\"]]" | sort -u)" "['\''user'\'', '\''assistant'\'']" &&
	coldstart export -f curriculum --include-doubles > cur &&
	test "$(wc -l < cur)" -gt 10
'

test_expect_success 'status shows what was done' '
	coldstart status > st &&
	test_grep "proved" st
'

test_expect_success 'CS_MAX_DEPTH=1: lemmas that need a second decomposition fail, named' '
	CS_DB=$TRASH/d1.db CS_MAX_DEPTH=1 coldstart run "$DEMO" 2>err &&
	CS_DB=$TRASH/d1.db sql "SELECT count(*) FROM problems WHERE why = '\''not proved at CS_MAX_DEPTH'\''" > n &&
	test "$(cat n)" -gt 0 &&
	test "$(CS_DB=$TRASH/d1.db sql "SELECT count(*) FROM corpus")" -lt 5
'

test_expect_success 'corpus rows say they were audited in Lean; CS_LEAN_AXIOMS=0 marks them not audited' '
	test_eq "$(sql "SELECT group_concat(DISTINCT audited) FROM corpus")" 1 &&
	test "$(sql "SELECT count(*) FROM verifications WHERE kind = '\''recombined'\'' AND verdict = '\''pass'\'' AND audited = 1")" -ge 5 &&
	CS_DB=$TRASH/noaudit.db CS_LEAN_AXIOMS=0 coldstart run "$DEMO" 2>err &&
	test_eq "$(CS_DB=$TRASH/noaudit.db sql "SELECT count(*) || '\'' '\'' || group_concat(DISTINCT audited) FROM corpus")" "5 0" &&
	test_eq "$(CS_DB=$TRASH/noaudit.db sql "SELECT count(*) FROM verifications WHERE audited = 1")" 0
'

test_expect_success 'GNU parallel workers give the same corpus' '
	CS_DB=$TRASH/par.db CS_WORKERS=2 coldstart run "$DEMO" 2>err &&
	test_eq "$(CS_DB=$TRASH/par.db sql "SELECT group_concat(name) FROM (SELECT name FROM corpus ORDER BY name)")" \
		"$(sql "SELECT group_concat(name) FROM (SELECT name FROM corpus ORDER BY name)")"
'

test_expect_success 'a second run on a locked corpus exits 3' '
	flock -o "$CS_DB.lock" sleep 60 & lpid=$! &&
	test_when_finished "pkill -P $lpid; kill $lpid" &&
	test_locked "$CS_DB.lock" &&
	test_exit 3 coldstart run "$DEMO" 2>err &&
	test_grep "another run holds" err
'

stop_double
start_double --oracle "$FIXTURES/dsp2" --cheat
test_expect_success 'cheating answers never reach the corpus, nor Lean' '
	CS_DB=$TRASH/cheat.db CS_SKETCHES=3 CS_SAMPLES=3 coldstart run "$DEMO" 2>err;
	export CS_DB=$TRASH/cheat.db &&
	test "$(sql "SELECT count(*) FROM verifications WHERE checker = '\''policy'\'' AND verdict = '\''rejected'\''")" -gt 0 &&
	test_eq "$(sql "SELECT count(*) FROM corpus WHERE formal_proof LIKE '\''%apply?%'\'' OR formal_proof LIKE '\''%axiom%'\''
		OR formal_proof LIKE '\''%#eval%'\'' OR formal_proof LIKE '\''%hcheat%'\'' OR formal_proof LIKE '\''%: True := by%'\''")" 0 &&
	test ! -e pwned-by-model && test ! -e lean/pwned-by-model &&
	test "$(sql "SELECT count(*) FROM corpus")" -gt 0
'

stop_double
start_double --oracle "$FIXTURES/dsp2" --fault-rate 0.25 --seed 7
test_expect_success 'an endpoint failing a quarter of requests: the run completes, nothing lost' '
	CS_DB=$TRASH/faults.db CS_LLM_RETRIES=10 coldstart run "$DEMO" 2>err ||
	CS_DB=$TRASH/faults.db CS_LLM_RETRIES=10 coldstart run "$DEMO" 2>>err &&
	test_eq "$(CS_DB=$TRASH/faults.db sql "SELECT count(*) FROM corpus")" 5 &&
	stats > st && test "$(jget st "sum(v for k, v in r[\"faults\"].items() if k != \"ok\")")" -gt 0
'

stop_double
test_expect_success 'coldstart demo: offline, self-contained, prints an example' '
	coldstart demo "$TRASH/demo" > out 2> err &&
	test_grep "\"messages\"" out &&
	test_eq "$(sqlite3 "$TRASH/demo/demo.db" "SELECT count(*) FROM corpus")" 5 &&
	test_grep "checked by a test double" err
'

test_expect_success 'no process of this test is left running' '
	test_gone "$TAG" "$TRASH/demo"
'

test_done
