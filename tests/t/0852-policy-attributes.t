#!/bin/sh
# Policy, attribute family: an attribute that registers code with the elaborator,
# parser, a tactic or an extension runs arbitrary code with no forbidden word: a
# def tagged @[tactic Lean.Parser.Tactic.skip] that writes a file and admits the
# goal, then a proof that calls skip, passed before. Now each such attribute, in
# @[…], attribute […] or (attr := …), is refused naming it and its line, without
# reaching Lean; @[simp], @[norm_cast], attribute [local simp] pass.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lean-double.sh"
. "$TEST_DIR/policy.sh"

cat > cases <<'EOF_CASES'
### attr_tactic
open Lean Elab Tactic in
@[tactic Lean.Parser.Tactic.skip] def attr_tactic : Tactic := fun _ => do
  IO.FS.writeFile "pwned" "x"
  (← getMainGoal).admit
theorem attr_tactic_use : False := by
  skip
### attr_term_elab
@[term_elab Lean.Parser.Term.paren] def attr_term_elab : Lean.Elab.Term.TermElab := fun _ _ => default
### attr_command_elab
@[command_elab Lean.Parser.Command.check] def attr_command_elab : Lean.Elab.Command.CommandElab := fun _ => pure ()
### attr_macro
@[macro Lean.Parser.Tactic.skip] def attr_macro : Lean.Macro := fun _ => default
### attr_term_parser
@[term_parser] def attr_term_parser : Lean.Parser.Parser := default
### attr_builtin
@[builtin_tactic Lean.Parser.Tactic.skip] def attr_builtin : Lean.Elab.Tactic.Tactic := fun _ => pure ()
### attr_delab
@[delab app.Nat.succ] def attr_delab : Lean.PrettyPrinter.Delaborator.Delab := default
### attr_unexpander
@[app_unexpander Nat.succ] def attr_unexpander : Lean.PrettyPrinter.Unexpander := fun _ => default
### attr_init
@[init] def attr_init : IO Unit := IO.FS.writeFile "pwned" "x"
### attr_norm_num
@[norm_num _ + _] def attr_norm_num : Mathlib.Meta.NormNum.NormNumExt := default
### attr_aesop
@[aesop safe tactic] def attr_aesop : Lean.Elab.Tactic.TacticM Unit := pure ()
### attr_second_entry
@[simp, local tactic Lean.Parser.Tactic.skip] def attr_second_entry : Lean.Elab.Tactic.Tactic := fun _ => pure ()
### attr_to_additive
@[to_additive (attr := tactic Lean.Parser.Tactic.skip)] def attr_to_additive : Lean.Elab.Tactic.Tactic := fun _ => pure ()
### attr_command
def attr_command : Lean.Elab.Tactic.Tactic := fun _ => pure ()
attribute [tactic Lean.Parser.Tactic.skip] attr_command
### attr_remove_instance
attribute [-instance] Real.instLE
theorem attr_remove_instance : True := trivial
### attr_reducible
attribute [reducible] Real.sqrt
theorem attr_reducible : True := trivial
### honest_simp_attrs
@[simp, norm_cast] lemma honest_simp_attrs (n : ℕ) : ((n : ℤ) : ℤ) = n := rfl
attribute [local simp] honest_simp_attrs
theorem honest_simp_use (n : ℕ) : ((n : ℤ) : ℤ) = n := by simp
EOF_CASES

cat > want <<'EOF_WANT'
attr_tactic rejected unreached forbidden `Lean` at 1:5: a name of a metaprogramming namespace (Lean, IO, System, Std, Aesop, Qq, Mathlib.Tactic, Mathlib.Meta, …): code, not proof
attr_term_elab rejected unreached forbidden attribute `term_elab` at 1:2: registers code as an elaborator
attr_command_elab rejected unreached forbidden attribute `command_elab` at 1:2: registers code as an elaborator
attr_macro rejected unreached forbidden `macro` at 1:2: defines syntax
attr_term_parser rejected unreached forbidden attribute `term_parser` at 1:2: registers code as a parser
attr_builtin rejected unreached forbidden `builtin_tactic` at 1:2: registers code with Lean itself
attr_delab rejected unreached forbidden attribute `delab` at 1:2: registers code as a delaborator
attr_unexpander rejected unreached forbidden attribute `app_unexpander` at 1:2: registers code as an unexpander
attr_init rejected unreached forbidden attribute `init` at 1:2: runs code when the environment is loaded
attr_norm_num rejected unreached forbidden attribute `norm_num` at 1:2: registers code as a norm_num extension
attr_aesop rejected unreached forbidden attribute `aesop` at 1:2: registers rules aesop runs, TacticM code among them
attr_second_entry rejected unreached forbidden attribute `tactic` at 1:14: registers code as the implementation of a tactic
attr_to_additive rejected unreached forbidden attribute `tactic` at 1:23: registers code as the implementation of a tactic
attr_command rejected unreached forbidden `Lean.Elab.Tactic.Tactic` at 1:19: a name of a metaprogramming namespace (Lean, IO, System, Std, Aesop, Qq, Mathlib.Tactic, Mathlib.Meta, …): code, not proof
attr_remove_instance rejected unreached forbidden `instance` at 1:12: adds or removes an instance: a new `LT ℝ` would win instance search
attr_reducible rejected unreached forbidden attribute `reducible` at 1:11: changes instance search and unification for the statement
honest_simp_attrs pass reached -
EOF_WANT

test_expect_success 'attributes that register code are refused' '
	policy_run cases &&
	test_cmp want got
'

test_expect_success 'nothing of this test is left running' '
	no_leftovers
'

test_done
