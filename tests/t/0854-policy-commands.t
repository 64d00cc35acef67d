#!/bin/sh
# Policy, command and option family: notation3, binder_predicate and Mathlib's
# other command definers, set_option warn.sorry false (silences the sorry warning
# the verdict reads), debug.*, unsafe options passed before. Now each is refused
# naming it and its line, without reaching Lean; maxHeartbeats is read as Lean
# reads numerals (0700000 is seven hundred thousand, not octal). Options within the
# limits and open … in pass.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lean-double.sh"
. "$TEST_DIR/policy.sh"

cat > cases <<'EOF_CASES'
### cmd_notation3
notation3 "cmd_notation3" => (3 : ℝ)
### cmd_binder_predicate
binder_predicate x " >>> " y:term => `($x > $y)
theorem cmd_binder_predicate : True := trivial
### cmd_register_simp_attr
register_simp_attr cmd_register_simp_attr
### cmd_declare_syntax_cat
declare_syntax_cat cmd_declare_syntax_cat
### cmd_unif_hint
unif_hint cmd_unif_hint (x : ℕ) where x =?= 0 ⊢ x + 0 =?= 0
### cmd_renaming
open Real renaming sqrt → cmd_renaming
### cmd_export
export Real (sqrt)
theorem cmd_export : True := trivial
### cmd_unseal
unseal Nat.add in
theorem cmd_unseal : True := trivial
### cmd_slim_check
theorem cmd_slim_check : ∀ n : ℕ, n + 0 = n := by slim_check
### opt_warn_sorry
set_option warn.sorry false in
theorem opt_warn_sorry : True := trivial
### opt_debug
set_option debug.skipKernelTC true in
theorem opt_debug : True := trivial
### opt_unsafe
set_option allowUnsafeReducibility true in
theorem opt_unsafe : True := trivial
### opt_heartbeats_octal
set_option maxHeartbeats 0700000 in
theorem opt_heartbeats_octal : True := trivial
### honest_options
set_option maxHeartbeats 400_000 in
set_option maxRecDepth 10000 in
set_option linter.unusedVariables false in
theorem honest_options : True := trivial
### honest_commands
open Real in
theorem honest_commands (x : ℝ) (h : 0 ≤ x) : sqrt (x ^ 2) = x := by
  rw [sqrt_sq h]
EOF_CASES

cat > want <<'EOF_WANT'
cmd_notation3 rejected unreached forbidden `notation3` at 1:0: defines syntax
cmd_binder_predicate rejected unreached forbidden `binder_predicate` at 1:0: defines syntax
cmd_register_simp_attr rejected unreached forbidden `register_simp_attr` at 1:0: registers an attribute, option or extension (an initialize)
cmd_declare_syntax_cat rejected unreached forbidden `declare_syntax_cat` at 1:0: declares syntax, a tactic or an extension
cmd_unif_hint rejected unreached forbidden `unif_hint` at 1:0: changes unification: the statement could elaborate to another term
cmd_renaming rejected unreached forbidden `renaming` at 1:10: `open … renaming` makes a statement's name another constant
cmd_export rejected unreached forbidden `export` at 1:0: a foreign symbol name or a name alias
cmd_unseal rejected unreached forbidden `unseal` at 1:0: changes reducibility for the statement
cmd_slim_check rejected unreached forbidden `slim_check` at 1:50: admits the goal when it finds no counterexample
opt_warn_sorry rejected unreached forbidden `warn.sorry` at 1:11: silences or changes the report of sorry (warn.sorry)
opt_debug rejected unreached forbidden `debug.skipKernelTC` at 1:11: debug options switch off checks (debug.skipKernelTC skips the kernel)
opt_unsafe rejected unreached forbidden `allowUnsafeReducibility` at 1:11: allows unsafe changes
opt_heartbeats_octal rejected unreached forbidden `set_option maxHeartbeats 0700000` at 1:0 (limit 400000; 0 means unlimited)
honest_options pass reached -
honest_commands pass reached -
EOF_WANT

test_expect_success 'syntax definers, registrations and check-skipping options are refused' '
	policy_run cases &&
	test_cmp want got
'

test_expect_success 'nothing of this test is left running' '
	no_leftovers
'

test_done
