#!/bin/sh
# Audit, position family (kimina mode: the body and the audit in one snippet, one
# reply): the audit's messages are those at the audit's own lines, where Lean puts
# them (#print axioms' at its `#print` token: withRef tk, src/Lean/Elab/Print.lean),
# and exactly one answer may stand there. A message the body makes at any position
# (the double's `-- double: say L C SEV TEXT`, what code that logs at a position of
# its choosing would make) is never taken for the audit's: at the audit's lines it
# fails the check, elsewhere it stays the body's. The same answers through the
# local REPL, where the audit is a command of its own, for comparison.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lean-double.sh"
. "$TEST_DIR/policy.sh"
. "$TEST_DIR/audit.sh"

# Snippet lines as the server counts them (after its import line): 1 `open Real`,
# 2-3 the body, 4 blank, 5 the audit, `#print` at column 67; with a statement, its
# expected declaration takes lines 2-5, the body 6-7, the type check 9, #print 10.
cat > cases <<'EOF_CASES'
### hostile_forge_exact
theorem hostile_forge_exact : 1 = 1 := by -- double: say 5 67 info 'hostile_forge_exact' does not depend on any axioms
  rfl -- double: axioms propext, sorryAx
### hostile_forge_line
theorem hostile_forge_line : 1 = 1 := by -- double: say 5 0 info 'hostile_forge_line' does not depend on any axioms
  rfl -- double: axioms sorryAx
### hostile_forge_type
%formal theorem hostile_forge_type : 1 = 1 := by
theorem hostile_forge_type : 1 = 1 := by -- double: say 9 0 info fine
  rfl
### honest_body_info
theorem honest_body_info : 1 = 1 := by -- double: say 2 0 info a note of the body
  rfl
### honest_info_past_audit
theorem honest_info_past_audit : 1 = 1 := by -- double: say 12 0 info after everything
  rfl
### honest_typed
%formal theorem honest_typed : 1 = 1 := by
theorem honest_typed : 1 = 1 := by -- double: say 6 0 info a note of the body
  rfl
EOF_CASES

cat > want <<'EOF_WANT'
hostile_forge_exact fail reached axiom audit of hostile_forge_exact: 2 answers to one #print axioms
hostile_forge_line fail reached axiom audit of hostile_forge_line: 2 answers to one #print axioms
hostile_forge_type fail reached [kept] type check of hostile_forge_type: unexpected message in the audit command: 1:0: info: fine
honest_body_info pass reached -
honest_info_past_audit pass reached -
honest_typed pass reached [kept] -
EOF_WANT

test_expect_success 'kimina: a message the body makes is never the audit'"'"'s answer' '
	kimina_up kport --log "$TRASH/double.log" &&
	CS_LEAN_URL=$KURL audit_run cases &&
	test_cmp want got &&
	test_grep "set_option pp.fullNames true in set_option pp.privateNames true in #print axioms _root_.honest_typed\\\\n\"" double.log
'

cat > want <<'EOF_WANT'
hostile_forge_exact fail reached axiom audit: hostile_forge_exact depends on axiom sorryAx
hostile_forge_line fail reached axiom audit: hostile_forge_line depends on axiom sorryAx
hostile_forge_type pass reached [kept] -
honest_body_info pass reached -
honest_info_past_audit pass reached -
honest_typed pass reached [kept] -
EOF_WANT

test_expect_success 'local REPL: the audit is a command of its own; the body'"'"'s messages stay the body'"'"'s' '
	audit_run cases &&
	test_cmp want got
'

test_expect_success 'nothing of this test is left running' '
	no_leftovers
'

test_done
