#!/bin/sh
# Policy, «» family: Lean reads «instance» as instance, Lean.«ofReduceBool» as
# Lean.ofReduceBool (identFnAux builds the Name from the parts without «»). Each
# quoted word below bypassed every word list (verdict pass) before; now each is
# refused naming it and its line, without reaching Lean. Quoted names that are no
# forbidden word pass.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lean-double.sh"
. "$TEST_DIR/policy.sh"

cat > cases <<'EOF_CASES'
### quoted_instance_attr
@[«instance»] def quoted_instance_attr : LT ℝ := ⟨fun _ _ => True⟩
### quoted_instance_cmd
def quoted_instance_cmd : LT ℝ := ⟨fun _ _ => True⟩
attribute [«instance»] quoted_instance_cmd
### quoted_implemented_by
def quoted_impl_g : Bool := true
@[«implemented_by» quoted_impl_g] def quoted_implemented_by : Bool := false
### quoted_of_reduce_bool
theorem quoted_of_reduce_bool : True := Lean.«ofReduceBool» _ _ rfl ▸ trivial
### quoted_sorry_ax
theorem quoted_sorry_ax : False := «sorryAx» _ false
### quoted_debug_option
set_option «debug».skipKernelTC true in
theorem quoted_debug_option : True := trivial
### quoted_heartbeats
set_option «maxHeartbeats» 0 in
theorem quoted_heartbeats : True := trivial
### quoted_macro_attr
@[«macro» Lean.Parser.Tactic.skip] def quoted_macro_attr : Lean.Macro := fun _ => `(tactic| sorry)
### quoted_search
theorem quoted_search : 1 + 1 = 2 := by «exact?»
### honest_quoted_theorem
theorem «honest_quoted_theorem» (x : ℕ) : x + 0 = x := by simp
### honest_quoted_binder
theorem honest_quoted_binder («x y» : ℕ) : «x y» = «x y» := rfl
EOF_CASES

cat > want <<'EOF_WANT'
quoted_instance_attr rejected unreached forbidden attribute `«instance»` at 1:2: not an attribute a proof may carry (simp, norm_cast, push_cast, field_simps, ext, symm, refl, trans, nolint, mono, gcongr, congr, elab_as_elim, inline, specialize)
quoted_instance_cmd rejected unreached forbidden attribute `«instance»` at 2:11: not an attribute a proof may carry (simp, norm_cast, push_cast, field_simps, ext, symm, refl, trans, nolint, mono, gcongr, congr, elab_as_elim, inline, specialize)
quoted_implemented_by rejected unreached forbidden `«implemented_by»` at 2:2: evaluation would run other code than the definition
quoted_of_reduce_bool rejected unreached forbidden `Lean.«ofReduceBool»` at 1:40: trusts the compiler, not the kernel
quoted_sorry_ax rejected unreached forbidden `«sorryAx»` at 1:35: the axiom behind sorry
quoted_debug_option rejected unreached forbidden `«debug».skipKernelTC` at 1:11: debug options switch off checks (debug.skipKernelTC skips the kernel)
quoted_heartbeats rejected unreached forbidden `set_option maxHeartbeats 0` at 1:0 (limit 400000; 0 means unlimited)
quoted_macro_attr rejected unreached forbidden attribute `«macro»` at 1:2: defines syntax
quoted_search rejected unreached forbidden `«exact?»` at 1:40: a search tactic
honest_quoted_theorem pass reached -
honest_quoted_binder pass reached -
EOF_WANT

test_expect_success '«»-quoted names are the names' '
	policy_run cases &&
	test_cmp want got
'

test_expect_success 'nothing of this test is left running' '
	no_leftovers
'

test_done
