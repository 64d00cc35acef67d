#!/bin/sh
# CS_EXTRACT=goals against a REPL double that lays goals out as Lean.Meta.ppGoal
# does at width 120 (--lean-layout: a hypothesis too long for one line as "h :" with
# its type on the next lines, consecutive hypotheses of one type grouped, shadowed
# names h✝): every subgoal is stated from such a goal, and the proofs rebuild.
. "$(dirname "$0")/lib.sh"

TAG=cs-t0881-$$
. "$TEST_DIR/pipeline.sh"
export CS_EXTRACT=goals CS_MAX_DEPTH=6
CS_LEAN_REPL="$CS_LEAN_REPL --lean-layout --log $TRASH/repl.log"
start_double --oracle "$FIXTURES/dsp2"

# The demo problems and aime_1997_p11, whose hypothesis h₀ is too long for one line
# (the oracle cannot rebuild aime_1997_p11 whatever the extraction: 0760 lists it).
{ cat "$DEMO"; grep '"name": "aime_1997_p11"' "$SRC_DIR/data/minif2f.jsonl"; } > problems.jsonl

test_expect_success 'the double lays a long hypothesis out as Lean does' '
	python3 -S "$DOUBLES/repl_double.py" --lean-layout > out <<-\EOT &&
	{"cmd": "theorem t (x y : ℝ) (h₀ : x * x * x * x * x * x * x * x * x * x * x * x * x * x * x * x + y * y * y * y * y * y * y * y * y * y * y * y * y * y = 1) (h : x = y) (h : y = x) : x = y := by\n  sorry"}
	EOT
	python3 -S -c "import json, sys
print(json.load(sys.stdin)[\"sorries\"][0][\"goal\"])" < out > goal &&
	cat > want <<-\EOT &&
	x y : ℝ
	h₀ :
	  x * x * x * x * x * x * x * x * x * x * x * x * x * x * x * x +
	      y * y * y * y * y * y * y * y * y * y * y * y * y * y = 1
	h✝ : x = y
	h : y = x
	⊢ x = y
	EOT
	test_cmp want goal
'

test_expect_success 'CS_EXTRACT=goals on goals laid out as Lean does: every demo theorem rebuilt' '
	coldstart run problems.jsonl 2>err &&
	test_eq "$(sql "SELECT status FROM runs ORDER BY id DESC LIMIT 1")" done &&
	test_eq "$(sql "SELECT count(*) FROM problems WHERE depth = 0 AND status = '\''proved'\''")" 5 &&
	test_eq "$(sql "SELECT count(*) FROM subgoals WHERE extracted_by <> '\''goals'\''")" 0 &&
	test "$(sql "SELECT count(*) FROM subgoals")" -gt 10 &&
	for n in $(sql "SELECT name FROM problems WHERE depth = 0 AND status = '\''proved'\''"); do
		sql "SELECT formal_proof FROM corpus WHERE name = '\''$n'\''" > got.lean &&
		theorem_of got.lean > got && theorem_of "$FIXTURES/dsp2/$n.lean" > want &&
		test_cmp want got || exit 1
	done
'

test_expect_success 'lemmas stated from a hypothesis the double broke over lines (h₀ of aime_1997_p11)' '
	sql "SELECT lemma_b FROM subgoals WHERE lemma_name LIKE '\''aime_1997_p11%'\''" > lemmas &&
	test "$(grep -c "^theorem aime_1997_p11_.* (h₀ : x =$" lemmas)" -gt 3 &&
	test_grep "^      ∑ n in Finset.Icc (1 : ℕ) 44, Real.sin (n \* Real.pi / 180)) " lemmas &&
	test_no_grep "✝" lemmas
'

test_done
