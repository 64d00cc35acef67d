#!/bin/sh
# Policy, scanner family: where strings and characters end, as Lean's lexer says
# (lean_text/lean_scan.c). Each input below was accepted (verdict pass) by cs-verify
# before: code after an interpolated string holding '"' in a hole, or after a
# character holding a raw newline, was taken for string; the code of `{…}` holes
# was not checked at all. Now each is refused naming the construct and its line,
# without reaching Lean; the honest twins pass. A plain string holding an
# unbalanced `{` is refused as well: read with holes (as after s!) it would not
# end, and which reading Lean takes depends on the syntax around it.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lean-double.sh"
. "$TEST_DIR/policy.sh"

cat > cases <<'EOF_CASES'
### interp_char_eval
theorem interp_char_eval : True := by
  let _ := s!"{'"'}"
  trivial
#eval IO.FS.writeFile "pwned" "x"
-- "
### interp_char_axiom
theorem interp_char_axiom : False := by
  let _ := s!"{'"'}"
  exact bad
axiom bad : False
-- "
### interp_char_instance
def interp_char_instance := s!"{'"'}"
instance : LT ℝ := ⟨fun _ _ => True⟩
-- "
### newline_char_eval
theorem newline_char_eval : True := by
  let _ := ('
'"' ++ ")
  trivial
#eval IO.FS.writeFile "pwned" "x"
-- "
### hole_sorry
theorem hole_sorry : True := by
  let _ := s!"{(sorry : Nat)}"
  trivial
### hole_run_tac
theorem hole_run_tac : True := by
  let _ := s!"{(by run_tac pure () : Nat)}"
  trivial
### hole_native_decide
theorem hole_native_decide : True := by
  let _ := s!"{(by native_decide : 2 + 2 = 4)}"
  trivial
### plain_or_holes
theorem plain_or_holes : True := by
  let _ := "{" sorry "}" -- "
  trivial
### brace_u_escape
theorem brace_u_escape : "\u{73}" = "s" := by rfl
### honest_escaped_brace
theorem honest_escaped_brace : s!"\{{1 + 1}}" = "\{2}" := by rfl
### honest_u_escape
theorem honest_u_escape : "\u0073" = "s" := by rfl
### honest_chars
theorem honest_chars : ['"', '
', '\'', '{'] ≠ [] := by simp
### unbalanced_plain_brace
theorem unbalanced_plain_brace : "{".length = 1 := by rfl
### honest_raw_string
theorem honest_raw_string : r#"axiom " {"# = "axiom \" " ++ r"{" := by rfl
### honest_plain_braces
theorem honest_plain_braces : "a{b}c".length = 5 := by rfl
EOF_CASES

cat > want <<'EOF_WANT'
interp_char_eval rejected unreached forbidden `#eval` command at 4:0: runs code or prints instead of proving
interp_char_axiom rejected unreached forbidden `axiom` at 4:0: a new axiom proves anything
interp_char_instance rejected unreached forbidden `instance` at 2:0: adds or removes an instance: a new `LT ℝ` would win instance search
newline_char_eval rejected unreached forbidden `#eval` command at 5:0: runs code or prints instead of proving
hole_sorry rejected unreached forbidden `sorry` at 2:16: an unproved goal
hole_run_tac rejected unreached forbidden `run_tac` at 2:19: runs code
hole_native_decide rejected unreached forbidden `native_decide` at 2:19: trusts the compiler (Lean.ofReduceBool), not the kernel
plain_or_holes rejected unreached unreadable code: ambiguous string: read with `{` holes (as after s!) it ends elsewhere than read plain at 2:11
brace_u_escape rejected unreached unreadable code: invalid escape (\u takes four hex digits) at 1:28
honest_escaped_brace pass reached -
honest_u_escape pass reached -
honest_chars pass reached -
unbalanced_plain_brace rejected unreached unreadable code: ambiguous string: read with `{` holes (as after s!) it ends elsewhere than read plain at 1:33
honest_raw_string pass reached -
honest_plain_braces pass reached -
EOF_WANT

test_expect_success 'strings, characters and holes as Lean reads them' '
	policy_run cases &&
	test_cmp want got
'

test_expect_success 'nothing of this test is left running' '
	no_leftovers
'

test_done
