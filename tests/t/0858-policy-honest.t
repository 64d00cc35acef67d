#!/bin/sh
# Policy, honest code the graft compiles safely (issue 19, item 6): `open … in` and
# `open scoped … in` before the theorem, `section` / `noncomputable section`
# around it, a hypothesis named `«axiom»` (a «quoted» identifier is never the
# keyword), `\{` inside an interpolated string, a helper `X.foo` in another
# namespace. Each was refused before; now each passes and reaches Lean, while its
# hostile neighbour stays refused, naming the construct.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lean-double.sh"
. "$TEST_DIR/policy.sh"

cat > cases <<'EOF_CASES'
### h_open_in
%formal theorem h_open_in (x : ℝ) (h₀ : 0 < x) : 0 < x := by
open Real in
theorem h_open_in (x : ℝ) (h₀ : 0 < x) : 0 < x := by linarith
### h_open_scoped_in
%formal theorem h_open_scoped_in (x : ℝ) (h₀ : 0 < x) : 0 < x := by
open scoped BigOperators in
theorem h_open_scoped_in (x : ℝ) (h₀ : 0 < x) : 0 < x := by linarith
### h_section
%formal theorem h_section (x : ℝ) (h₀ : 0 < x) : 0 < x := by
section
theorem h_section (x : ℝ) (h₀ : 0 < x) : 0 < x := by linarith
end
### h_nc_section
%formal theorem h_nc_section (x : ℝ) (h₀ : 0 < x) : 0 < x := by
noncomputable section
theorem h_nc_section (x : ℝ) (h₀ : 0 < x) : 0 < x := by linarith
end
### h_axiom_hyp
%formal theorem h_axiom_hyp (x : ℝ) («axiom» : 0 < x) : 0 < x := by
theorem h_axiom_hyp (x : ℝ) («axiom» : 0 < x) : 0 < x := by linarith
### h_interp
%formal theorem h_interp (x : ℝ) (h₀ : 0 < x) : 0 < x := by
theorem h_interp (x : ℝ) (h₀ : 0 < x) : 0 < x := by
  have _ : s!"\{ {1} }" = "{ 1 }" := by decide
  linarith
### h_helper_ns
%formal theorem h_helper_ns (x : ℝ) (h₀ : 0 ≤ x) : 0 ≤ Real.sqrt x := by
theorem Aux.sqrt (x : ℝ) : 0 ≤ Real.sqrt x := Real.sqrt_nonneg x
theorem h_helper_ns (x : ℝ) (h₀ : 0 ≤ x) : 0 ≤ Real.sqrt x := Aux.sqrt x
### x_open_renaming_in
%formal theorem x_open_renaming_in (x : ℝ) (h₀ : 0 < x) : 0 < x := by
open Real renaming pi → x in
theorem x_open_renaming_in (x : ℝ) (h₀ : 0 < x) : 0 < x := by linarith
### x_attribute_in
%formal theorem x_attribute_in (x : ℝ) (h₀ : 0 < x) : 0 < x := by
attribute [local simp] mul_comm in
theorem x_attribute_in (x : ℝ) (h₀ : 0 < x) : 0 < x := by linarith
### x_namespace
%formal theorem x_namespace (x : ℝ) (h₀ : 0 < x) : 0 < x := by
namespace Real
theorem x_namespace (x : ℝ) (h₀ : 0 < x) : 0 < x := by linarith
end Real
### x_section_variable
%formal theorem x_section_variable (x : ℝ) (h₀ : 0 < x) : 0 < x := by
section
variable (h : False)
theorem x_section_variable (x : ℝ) (h₀ : 0 < x) : 0 < x := by linarith
end
### x_axiom
%formal theorem x_axiom (x : ℝ) (h₀ : 0 < x) : 0 < x := by
axiom «x_axiom_ax» : False
theorem x_axiom (x : ℝ) (h₀ : 0 < x) : 0 < x := x_axiom_ax.elim
### x_interp
%formal theorem x_interp (x : ℝ) (h₀ : 0 < x) : 0 < x := by
theorem x_interp (x : ℝ) (h₀ : 0 < x) : 0 < x := by
  have _ : s!"\{ {(sorry : Nat)} }" = "{ 1 }" := by decide
  linarith
### x_helper_same_ns
%formal theorem x_helper_same_ns (x : ℝ) (h₀ : 0 ≤ x) : 0 ≤ sqrt x := by
theorem Real.sqrt (x : ℝ) : ℝ := x
theorem x_helper_same_ns (x : ℝ) (h₀ : 0 ≤ x) : 0 ≤ sqrt x := h₀
EOF_CASES

cat > want <<'EOF_WANT'
h_open_in pass reached [kept] -
h_open_scoped_in pass reached [kept] -
h_section pass reached [kept] -
h_nc_section pass reached [kept] -
h_axiom_hyp pass reached [kept] -
h_interp pass reached [kept] -
h_helper_ns pass reached [kept] -
x_open_renaming_in rejected unreached [kept] forbidden `renaming` at 1:10: `open … renaming` makes a statement's name another constant
x_attribute_in rejected unreached [kept] statement graft refused: `in` at 1:32 would apply to the statement
x_namespace rejected unreached [kept] forbidden `namespace` at 1:0: the theorem would be Foo.NAME, not NAME
x_section_variable rejected unreached [kept] forbidden `variable` at 2:0: hidden hypotheses
x_axiom rejected unreached [kept] forbidden `axiom` at 1:0: a new axiom proves anything
x_interp rejected unreached [kept] forbidden `sorry` at 2:19: an unproved goal
x_helper_same_ns rejected unreached [kept] statement graft refused: `Real.sqrt` declared at 1:8 before the theorem is a name the statement uses
EOF_WANT

test_expect_success 'honest code the graft can compile safely passes' '
	policy_run cases &&
	test_cmp want got
'

test_expect_success 'nothing of this test is left running' '
	no_leftovers
'

test_done
