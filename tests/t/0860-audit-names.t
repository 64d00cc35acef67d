#!/bin/sh
# Audit, names family: the audit names the theorem (and the expected constant) from
# the root, `_root_.NAME`, so that nothing the answer opens or declares can make
# the name resolve elsewhere (src/Lean/ResolveName.lean: `_root_` drops namespaces
# and `open`s); and an answer that declares or names another constant bearing the
# theorem's last name part, or the expected constant's, is refused before Lean
# (a field, a helper in a namespace, a `where` auxiliary, a `let rec`). Text after
# the proof is read as Lean reads it: a command keyword ends the proof at any
# column (src/Lean/Elab/Frontend.lean asks no column of a command), and what
# follows is cut, never compiled, and recorded as "cut".
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lean-double.sh"
. "$TEST_DIR/policy.sh"
. "$TEST_DIR/audit.sh"

cat > cases <<'EOF_CASES'
### hostile_field
%formal theorem hostile_field : 1 = 1 := by
structure S where
  hostile_field : Nat
theorem hostile_field : 1 = 1 := by
  rfl
### hostile_ns
%formal theorem hostile_ns : 1 = 1 := by
def Foo.hostile_ns : 1 = 1 := rfl
theorem hostile_ns : 1 = 1 := by
  rfl
### hostile_where
%formal theorem hostile_where : 1 = 1 := by
theorem hostile_where : 1 = 1 := by
  exact rfl
 where
  hostile_where : 1 = 1 := rfl
### hostile_let_rec
%formal theorem hostile_let_rec : 1 = 1 := by
theorem hostile_let_rec : 1 = 1 := by
  let rec hostile_let_rec : Nat := 0
  rfl
### hostile_expected
%formal theorem hostile_expected : 1 = 1 := by
theorem hostile_expected : 1 = 1 := by
  have := coldstart_expected_00000000
  rfl
### hostile_after
%formal theorem hostile_after : 1 = 1 := by
theorem hostile_after : 1 = 1 := by
  rfl
  def Evil.hostile_after : 1 = 1 := rfl
  open Evil
### honest_open_in
%formal theorem honest_open_in : 1 = 1 := by
theorem honest_open_in : 1 = 1 := by
  open Nat in
  rfl
### honest_set_option_in
%formal theorem honest_set_option_in : 1 = 1 := by
theorem honest_set_option_in : 1 = 1 := by
  set_option maxHeartbeats 100000 in
  rfl
### honest_helper
%formal theorem honest_helper : 1 = 1 := by
lemma honest_helper_aux : 1 = 1 := rfl
theorem honest_helper : 1 = 1 := by
  exact honest_helper_aux
### honest_comment_after
%formal theorem honest_comment_after : 1 = 1 := by
theorem honest_comment_after : 1 = 1 := by
  rfl
-- a closing remark
### honest_where
%formal theorem honest_where : 1 = 1 := by
theorem honest_where : 1 = 1 := by
  exact aux
where
  aux : 1 = 1 := rfl
EOF_CASES

cat > want <<'EOF_WANT'
hostile_field rejected unreached [kept] forbidden command `structure` at 1:0: not a command a proof may use (theorem, lemma, def, abbrev, example, noncomputable, private, protected, open, set_option, section, end, universe, attribute, where)
hostile_ns rejected unreached [kept] statement graft refused: `Foo.hostile_ns` at 1:4 bears the audited theorem's name before it is declared
hostile_where rejected unreached [kept] statement graft refused: `hostile_where` at 4:2 declares or names another constant with the audited theorem's name
hostile_let_rec rejected unreached [kept] statement graft refused: `hostile_let_rec` at 2:10 declares or names another constant with the audited theorem's name
hostile_expected rejected unreached [kept] statement graft refused: `coldstart_expected_00000000` at 2:10 names the audit's expected constant
hostile_after pass reached [kept] -
honest_open_in pass reached [kept] -
honest_set_option_in pass reached [kept] -
honest_helper pass reached [kept] -
honest_comment_after pass reached [kept] -
honest_where pass reached [kept] -
EOF_WANT

test_expect_success 'names the audit reads are the theorem'"'"'s alone; what follows the proof is cut' '
	audit_run cases &&
	test_cmp want got &&
	test_eq "$(cut_of 6)" "\"def Evil.hostile_after : 1 = 1 := rfl\\n  open Evil\"" &&
	test_no_grep Evil double.log &&
	test_grep "theorem hostile_after : 1 = 1 := by\\\\n  rfl\\\\n\"" double.log &&
	for i in 7 8 9 10 11; do test_eq "$(cut_of $i)" - || return 1; done &&
	test_grep "open Nat in" double.log &&
	test_grep "#print axioms _root_.honest_helper\"" double.log
'

test_expect_success 'nothing of this test is left running' '
	no_leftovers
'

test_done
