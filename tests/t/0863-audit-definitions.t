#!/bin/sh
# Problems that bring their own definitions (`def secret := 42` before the theorem
# in the formal statement, as PutnamBench and Goedel-Pset have): the expected
# statement is elaborated together with those definitions, in the header's
# environment alone; the code Lean checks holds the problem's own copy of them
# (first, before the model's helpers), and an answer that repeats them verbatim
# is accepted: its copy is blanked (line breaks kept) rather than refused as a
# helper redefining a name of the statement. A changed copy stays refused.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lean-double.sh"
. "$TEST_DIR/policy.sh"
. "$TEST_DIR/audit.sh"

cat > cases <<'EOF_CASES'
### hostile_changed
%formal def secret : ℕ := 42
%formal theorem hostile_changed : secret = 42 := by
def secret : ℕ := 41
theorem hostile_changed : secret = 42 := by
  rfl
### hostile_padded
%formal def secret : ℕ := 42
%formal theorem hostile_padded : secret = 42 := by
def secret : ℕ := 42 + 0
theorem hostile_padded : secret = 42 := by
  rfl
### honest_repeat
%formal def secret : ℕ := 42
%formal theorem honest_repeat : secret = 42 := by
def secret : ℕ := 42
theorem honest_repeat : secret = 42 := by
  rfl
### honest_repeat_helper
%formal noncomputable def secret : ℝ := 42
%formal theorem honest_repeat_helper : secret > 0 := by
/-- the problem's definition, copied -/
noncomputable def secret : ℝ := 42

lemma honest_repeat_helper_aux : secret = 42 := rfl
theorem honest_repeat_helper : secret > 0 := by
  rw [honest_repeat_helper_aux]; norm_num
### honest_no_repeat
%formal def secret : ℕ := 42
%formal theorem honest_no_repeat : secret = 42 := by
theorem honest_no_repeat : secret = 42 := by
  rfl
EOF_CASES

cat > want <<'EOF_WANT'
hostile_changed rejected unreached [kept] statement graft refused: `secret` declared at 1:4 before the theorem is a name the statement uses
hostile_padded rejected unreached [kept] statement graft refused: `secret` declared at 1:4 before the theorem is a name the statement uses
honest_repeat pass reached [kept] -
honest_repeat_helper pass reached [kept] -
honest_no_repeat pass reached [kept] -
EOF_WANT

# The commands of one case in double.log, as JSON strings.
cmds() { grep -F "$1" double.log | sed -n 's/.*"cmd": \(".*"\)}$/\1/p'; }

test_expect_success 'the problem'"'"'s definitions are elaborated with its statement; a verbatim copy is accepted' '
	audit_run cases &&
	test_cmp want got &&
	cmds coldstart_expected > expected &&
	test_grep "^\"def secret : ℕ := 42\\\\ntheorem coldstart_expected_[0-9a-f]\{8\} :\\\\n    secret = 42" expected &&
	test_grep "^\"noncomputable def secret : ℝ := 42\\\\ntheorem coldstart_expected_[0-9a-f]\{8\} :\\\\n    secret > 0" expected &&
	cmds "theorem honest_repeat :" > body &&
	test_grep "^\" *\\\\n *\\\\ntheorem honest_repeat : secret = 42 := by\\\\n  rfl\\\\n\"$" body &&
	cmds "theorem honest_repeat_helper :" > body &&
	test_grep "^\" *\\\\n *\\\\n *\\\\n\\\\nlemma honest_repeat_helper_aux" body &&
	test_no_grep "the problem.s definition, copied" body &&
	test_grep "\\\\nlemma honest_repeat_helper_aux : secret = 42 := rfl\\\\ntheorem honest_repeat_helper" body &&
	test_no_grep "def secret" body
'

test_expect_success 'audits off: the problem'"'"'s own copy is compiled with the body' '
	sed -n "/^### honest_repeat$/,/^### honest_repeat_helper/p" cases | sed "\$d" > one &&
	CS_LEAN_AXIOMS=0 audit_run one &&
	test_eq "$(cat got)" "honest_repeat pass reached [kept] -" &&
	cmds "theorem honest_repeat :" > body &&
	test_grep "^\"def secret : ℕ := 42\\\\n *\\\\ntheorem honest_repeat : secret = 42 := by\\\\n  rfl\\\\n\"$" body
'

test_expect_success 'kimina: the same verdicts, definitions in the expected part of the snippet' '
	kimina_up kdefs --log "$TRASH/double.log" &&
	CS_LEAN_URL=$KURL audit_run cases &&
	test_cmp want got
'

test_expect_success 'nothing of this test is left running' '
	no_leftovers
'

test_done
