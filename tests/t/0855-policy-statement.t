#!/bin/sh
# Policy, statement family: the theorem Lean checks is built from the problem's
# formal_statement and the proof the model wrote (lean_graft_statement); the
# model's copy of the statement is only compared, for the record ("statement").
# Before, a conclusion holding `let x := …; …` was compared only up to its first
# `:=`, and a name free in the statement could be defined by the answer itself;
# both passed. Now the comparison runs to the `:=` that ends the statement, a
# helper declaring a name the statement uses is refused, and no bracket, namespace
# or mutual block may be open where the statement starts (a section, and `open …
# in`, may: issue 19). «NAME», _root_.NAME and -> for → are the same to
# Lean and pass.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lean-double.sh"
. "$TEST_DIR/policy.sh"

cat > cases <<'EOF_CASES'
### let_changed
%formal theorem let_changed (x : ℕ) : let y := x + 1; y > x := by
theorem let_changed (x : ℕ) : let y := x + 1; y > 0 := by
  intro y
  omega
### have_changed
%formal theorem have_changed (p : Prop) (hp : p) : have h : p := hp; p := by
theorem have_changed (p : Prop) (hp : p) : have h : p := hp; True := by
  trivial
### statement_swapped
%formal theorem statement_swapped (x : ℕ) (h : x = 1) : x = 2 := by
theorem statement_swapped : True := by
  trivial
### free_name
%formal theorem free_name : free_f 2 = 4 := by
def free_f (x : ℕ) : ℕ := 2 * x
theorem free_name : free_f 2 = 4 := by
  rfl
### free_name_opened
%formal theorem free_name_opened : sqrt 4 = 2 := by
noncomputable def Fake.sqrt (x : ℝ) : ℝ := 2
open Fake
theorem free_name_opened : sqrt 4 = 2 := by
  rfl
### open_section
%formal theorem open_section : True := by
section
theorem open_section : True := by
  trivial
### open_in
%formal theorem open_in : True := by
open Nat in
theorem open_in : True := by
  trivial
### honest_helpers
%formal theorem honest_helpers (x : ℝ) (h : 0 < x) : 0 < x ^ 2 := by
/-- a helper -/
lemma honest_helpers_aux (x : ℝ) (h : 0 < x) : 0 < x * x := by positivity

set_option maxHeartbeats 400000 in
/-- the theorem -/
theorem honest_helpers (x : ℝ) (h : 0 < x) :
    0 < x^2 := by
  have := honest_helpers_aux x h
  nlinarith

theorem honest_helpers_dropped : True := by
  trivial
### honest_quoted_name
%formal theorem honest_quoted_name : True := by
theorem «honest_quoted_name» : True := by
  trivial
### honest_root_name
%formal theorem honest_root_name : True := by
theorem _root_.honest_root_name : True := by
  trivial
### honest_ascii_arrow
%formal theorem honest_ascii_arrow (p q : Prop) (hq : q) : p → q := by
theorem honest_ascii_arrow (p q : Prop) (hq : q) : p -> q := by
  intro _
  exact hq
### honest_let
%formal theorem honest_let (x : ℕ) : let y := x + 1; y > x := by
theorem honest_let (x : ℕ) : let y := x + 1; y > x := by
  intro y
  omega
EOF_CASES

cat > want <<'EOF_WANT'
let_changed rejected unreached [changed: conclusions differ at 1:50: `0` instead of `x`] statement changed: conclusions differ at 1:50: `0` instead of `x`
have_changed rejected unreached [changed: conclusions differ at 1:61: `True` instead of `p`] statement changed: conclusions differ at 1:61: `True` instead of `p`
statement_swapped rejected unreached [changed: binders differ at 1:26: `(nothing)` instead of `(x : ℕ) (h : x = 1)`] statement changed: binders differ at 1:26: `(nothing)` instead of `(x : ℕ) (h : x = 1)`
free_name rejected unreached [kept] statement graft refused: `free_f` declared at 1:4 before the theorem is a name the statement uses
free_name_opened rejected unreached [kept] statement graft refused: `Fake.sqrt` declared at 1:18 before the theorem is a name the statement uses
open_section pass reached [kept] -
open_in pass reached [kept] -
honest_helpers pass reached [kept] -
honest_quoted_name pass reached [kept] -
honest_root_name pass reached [kept] -
honest_ascii_arrow pass reached [kept] -
honest_let pass reached [kept] -
EOF_WANT

test_expect_success 'statements compared to their end, grafted, helpers checked' '
	policy_run cases &&
	test_cmp want got
'

test_expect_success 'Lean sees the problem statement, never the model copy; what follows the proof is dropped' '
	test_grep "theorem honest_helpers (x : ℝ) (h : 0 < x) : 0 < x ^ 2 := by" double.log &&
	test_no_grep "0 < x^2" double.log &&
	test_grep "lemma honest_helpers_aux" double.log &&
	test_grep "set_option maxHeartbeats 400000 in" double.log &&
	test_no_grep "the theorem" double.log &&
	test_no_grep "honest_helpers_dropped" double.log &&
	test_grep "theorem honest_ascii_arrow (p q : Prop) (hq : q) : p → q := by" double.log &&
	test_grep "theorem honest_quoted_name : True := by" double.log
'

test_expect_success 'nothing of this test is left running' '
	no_leftovers
'

test_done
