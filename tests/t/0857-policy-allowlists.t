#!/bin/sh
# Policy, allow-list family (issue 19, item 2): attributes, options, commands at
# column 0 and metaprogramming names are allowed by list, every other one refused
# by name. Members that no deny-list named passed before: Verso's doc_role,
# doc_directive, doc_code_block and doc_command, quot_precheck (they register code
# with the elaborator), aesop's `(add … tactic …)` clause (runs the named TacticM
# code), options such as pp.all (changes what the verdict reads) or doc.verso
# (changes how doc comments are read), commands such as `deriving instance`, code
# that names IO or Lean.Elab. The lists come from what the 221 DeepSeek-Prover-V2
# proofs use (scripts/policy-counts.py) and what honest helpers add: the honest
# twin, with simp attributes, options within the list, helper lemma / def /
# abbrev / example, a universe and a plain aesop, passes.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lean-double.sh"
. "$TEST_DIR/policy.sh"

cat > cases <<'EOF_CASES'
### al_quot_precheck
@[quot_precheck al_quot_precheck_stx] def al_quot_precheck : Nat := 0
### al_doc_role
@[doc_role] def al_doc_role : Nat := 0
### al_doc_directive
@[doc_directive] def al_doc_directive : Nat := 0
### al_doc_code_block
@[doc_code_block] def al_doc_code_block : Nat := 0
### al_doc_command
@[doc_command] def al_doc_command : Nat := 0
### al_to_additive
@[to_additive al_add] lemma al_to_additive : (1 : ℕ) = 1 := rfl
### al_simp_arg
@[simp (config := {})] lemma al_simp_arg : (1 : ℕ) = 1 := rfl
### al_aesop_tactic
theorem al_aesop_tactic : True := by
  aesop (add safe tactic al_aesop_tac)
### al_opt_pp
set_option pp.all true in
theorem al_opt_pp : True := trivial
### al_opt_trace
theorem al_opt_trace : True := by
  set_option trace.Meta.Tactic.simp true in simp
### al_opt_verso
set_option doc.verso true
theorem al_opt_verso : True := trivial
### al_cmd_deriving
deriving instance Repr for Nat
theorem al_cmd_deriving : True := trivial
### al_cmd_assert
assert_not_exists Real
theorem al_cmd_assert : True := trivial
### al_cmd_omit
omit [Fact True]
theorem al_cmd_omit : True := trivial
### al_io_term
theorem al_io_term : True := by
  have := (IO.FS.writeFile "pwned" "x" : IO Unit)
  trivial
### al_open_lean
open Lean Elab Tactic
theorem al_open_lean : True := trivial
### al_quotation
theorem al_quotation : True := by
  have := `(tactic| trivial)
  trivial
### honest_allowed
set_option maxHeartbeats 400000 in
set_option linter.unusedVariables false in
/-- a helper -/
@[simp, norm_cast] lemma honest_allowed_aux (n : ℕ) : ((n : ℤ) : ℤ) = n := rfl
attribute [local simp] honest_allowed_aux
attribute [-simp] Nat.succ_eq_add_one
@[simp ←, simp 1100] private lemma honest_allowed_aux2 (n : ℕ) : n + 0 = n := rfl
universe u
noncomputable def honest_allowed_f (x : ℝ) : ℝ := x
abbrev honest_allowed_g (n : ℕ) : ℕ := n
example : (1 : ℕ) = 1 := rfl
theorem honest_allowed (n : ℕ) : ((n : ℤ) : ℤ) = n ∧ True := by
  constructor
  · simp
  · aesop
EOF_CASES

cat > want <<'EOF_WANT'
al_quot_precheck rejected unreached forbidden attribute `quot_precheck` at 1:2: not an attribute a proof may carry (simp, norm_cast, push_cast, field_simps, ext, symm, refl, trans, nolint, mono, gcongr, congr, elab_as_elim, inline, specialize)
al_doc_role rejected unreached forbidden attribute `doc_role` at 1:2: not an attribute a proof may carry (simp, norm_cast, push_cast, field_simps, ext, symm, refl, trans, nolint, mono, gcongr, congr, elab_as_elim, inline, specialize)
al_doc_directive rejected unreached forbidden attribute `doc_directive` at 1:2: not an attribute a proof may carry (simp, norm_cast, push_cast, field_simps, ext, symm, refl, trans, nolint, mono, gcongr, congr, elab_as_elim, inline, specialize)
al_doc_code_block rejected unreached forbidden attribute `doc_code_block` at 1:2: not an attribute a proof may carry (simp, norm_cast, push_cast, field_simps, ext, symm, refl, trans, nolint, mono, gcongr, congr, elab_as_elim, inline, specialize)
al_doc_command rejected unreached forbidden attribute `doc_command` at 1:2: not an attribute a proof may carry (simp, norm_cast, push_cast, field_simps, ext, symm, refl, trans, nolint, mono, gcongr, congr, elab_as_elim, inline, specialize)
al_to_additive rejected unreached forbidden attribute `to_additive` at 1:2: not an attribute a proof may carry (simp, norm_cast, push_cast, field_simps, ext, symm, refl, trans, nolint, mono, gcongr, congr, elab_as_elim, inline, specialize)
al_simp_arg rejected unreached forbidden attribute argument `(` at 1:7: an attribute a proof carries takes only ←, ↓, ↑ or a priority
al_aesop_tactic rejected unreached forbidden `tactic` at 2:18: an extension clause (aesop's `add … tactic …`) runs the named code
al_opt_pp rejected unreached forbidden option `pp.all` at 1:11: not an option a proof may set (maxHeartbeats, synthInstance.maxHeartbeats, maxRecDepth, synthInstance.maxSize, linter.*, exponentiation.threshold, tactic.hygienic, autoImplicit, relaxedAutoImplicit)
al_opt_trace rejected unreached forbidden option `trace.Meta.Tactic.simp` at 2:13: not an option a proof may set (maxHeartbeats, synthInstance.maxHeartbeats, maxRecDepth, synthInstance.maxSize, linter.*, exponentiation.threshold, tactic.hygienic, autoImplicit, relaxedAutoImplicit)
al_opt_verso rejected unreached forbidden option `doc.verso` at 1:11: not an option a proof may set (maxHeartbeats, synthInstance.maxHeartbeats, maxRecDepth, synthInstance.maxSize, linter.*, exponentiation.threshold, tactic.hygienic, autoImplicit, relaxedAutoImplicit)
al_cmd_deriving rejected unreached forbidden command `deriving` at 1:0: not a command a proof may use (theorem, lemma, def, abbrev, example, noncomputable, private, protected, open, set_option, section, end, universe, attribute, where)
al_cmd_assert rejected unreached forbidden command `assert_not_exists` at 1:0: not a command a proof may use (theorem, lemma, def, abbrev, example, noncomputable, private, protected, open, set_option, section, end, universe, attribute, where)
al_cmd_omit rejected unreached forbidden command `omit` at 1:0: not a command a proof may use (theorem, lemma, def, abbrev, example, noncomputable, private, protected, open, set_option, section, end, universe, attribute, where)
al_io_term rejected unreached forbidden `IO.FS.writeFile` at 2:11: a name of a metaprogramming namespace (Lean, IO, System, Std, Aesop, Qq, Mathlib.Tactic, Mathlib.Meta, …): code, not proof
al_open_lean rejected unreached forbidden `Lean` at 1:5: a name of a metaprogramming namespace (Lean, IO, System, Std, Aesop, Qq, Mathlib.Tactic, Mathlib.Meta, …): code, not proof
al_quotation rejected unreached forbidden ``` at 2:10: a syntax quotation or Name literal is metaprogram code
honest_allowed pass reached -
EOF_WANT

test_expect_success 'allow-lists: every other attribute, option, command, meta name refused' '
	policy_run cases &&
	test_cmp want got
'

test_expect_success 'nothing of this test is left running' '
	no_leftovers
'

test_done
