#!/bin/sh
# Audit, axiom-list family: `#print axioms` answers with one message at its
# `#print` token, `'NAME' depends on axioms: [A, B]` or `'NAME' does not depend on
# any axioms` (src/Lean/Elab/Print.lean printAxiomsOf), each axiom as
# Name.toString prints it (src/Init/Meta.lean: «…» around parts that are no
# identifier; inaccessible names, ✝, left unescaped) and the list in a List's
# format (a line break and one space between names when wider than 120 columns).
# The list is read with Lean's lexer and every name compared whole, part by part:
# an axiom named «Classical.choice» is not Classical.choice, a list with a ✝ cannot
# be read one way only and fails. With CS_ALLOW_NATIVE_DECIDE=1 only
# Lean.ofReduceBool, Lean.ofReduceNat, Lean.trustCompiler and
# `<decl>._native.<kind>.ax_<n>_<m>` (lean4 PR #12217) with <decl> declared by the
# answer pass; no substring does. The REPL double prints what a
# `-- double: axioms …` marker says, in Lean's format.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lean-double.sh"
. "$TEST_DIR/policy.sh"
. "$TEST_DIR/audit.sh"

cat > cases <<'EOF_CASES'
### hostile_guillemets
theorem hostile_guillemets : 1 = 1 := by -- double: axioms propext, «Classical.choice»
  rfl
### hostile_joined
theorem hostile_joined : 1 = 1 := by -- double: axioms «propext, Quot.sound»
  rfl
### hostile_dagger
theorem hostile_dagger : 1 = 1 := by -- double: axioms propext, Quot.sound✝
  rfl
### hostile_longer
theorem hostile_longer : 1 = 1 := by -- double: axioms propext, Classical.choice.unfold
  rfl
### hostile_shorter
theorem hostile_shorter : 1 = 1 := by -- double: axioms choice
  rfl
### hostile_native_name
theorem hostile_native_name : 1 = 1 := by -- double: axioms propext, Lean.ofReduceBool
  rfl
### honest_standard
theorem honest_standard : 1 = 1 := by
  rfl
### honest_none
theorem honest_none : 1 = 1 := by -- double: axioms none
  rfl
EOF_CASES

cat > want <<'EOF_WANT'
hostile_guillemets fail reached axiom audit: hostile_guillemets depends on axiom «Classical.choice»
hostile_joined fail reached axiom audit: hostile_joined depends on axiom «propext, Quot.sound»
hostile_dagger fail reached axiom audit of hostile_dagger: the axiom list cannot be read one way only: [propext, Quot.sound✝]
hostile_longer fail reached axiom audit: hostile_longer depends on axiom Classical.choice.unfold
hostile_shorter fail reached axiom audit: hostile_shorter depends on axiom choice
hostile_native_name fail reached axiom audit: hostile_native_name depends on axiom Lean.ofReduceBool
honest_standard pass reached -
honest_none pass reached -
EOF_WANT

test_expect_success 'the axiom list is read as Lean prints it, names compared whole' '
	audit_run cases &&
	test_cmp want got
'

cat > native <<'EOF_CASES'
### hostile_native_other
theorem hostile_native_other : 1 = 1 := by -- double: axioms propext, other._native.native_decide.ax_1_1
  rfl
### hostile_native_suffix
theorem hostile_native_suffix : 1 = 1 := by -- double: axioms Lean.ofReduceBool.evil
  rfl
### hostile_native_prefix
theorem hostile_native_prefix : 1 = 1 := by -- double: axioms Evil.Lean.trustCompiler
  rfl
### hostile_native_shape
theorem hostile_native_shape : 1 = 1 := by -- double: axioms hostile_native_shape._native.native_decide.evil
  rfl
### hostile_native_guillemets
theorem hostile_native_guillemets : 1 = 1 := by -- double: axioms «hostile_native_guillemets._native.native_decide.ax_1_1»
  rfl
### honest_native_old
theorem honest_native_old : 1 = 1 := by -- double: axioms propext, Lean.ofReduceBool, Lean.trustCompiler
  rfl
### honest_native_new
theorem honest_native_new : 1 = 1 := by -- double: axioms propext, Classical.choice, Quot.sound, honest_native_new._native.native_decide.ax_1_1, honest_native_new._native.bv_decide.ax_2_1
  rfl
### honest_native_helper
lemma honest_native_helper_aux : 1 = 1 := by
  rfl
theorem honest_native_helper : 1 = 1 := by -- double: axioms propext, honest_native_helper_aux._native.native_decide.ax_1_1
  exact honest_native_helper_aux
EOF_CASES

cat > want <<'EOF_WANT'
hostile_native_other fail reached axiom audit: hostile_native_other depends on axiom other._native.native_decide.ax_1_1
hostile_native_suffix fail reached axiom audit: hostile_native_suffix depends on axiom Lean.ofReduceBool.evil
hostile_native_prefix fail reached axiom audit: hostile_native_prefix depends on axiom Evil.Lean.trustCompiler
hostile_native_shape fail reached axiom audit: hostile_native_shape depends on axiom hostile_native_shape._native.native_decide.evil
hostile_native_guillemets fail reached axiom audit: hostile_native_guillemets depends on axiom «hostile_native_guillemets._native.native_decide.ax_1_1»
honest_native_old pass reached -
honest_native_new pass reached -
honest_native_helper pass reached -
EOF_WANT

test_expect_success 'with native code admitted, only the axioms native computation makes, of this answer' '
	CS_ALLOW_NATIVE_DECIDE=1 audit_run native &&
	test_cmp want got
'

test_expect_success 'the double prints as Lean does: one message at the #print token, a wide list broken' '
	printf "%s\n\n%s\n\n" \
		"{\"cmd\": \"theorem w : 1 = 1 := by -- double: axioms propext, Classical.choice, Quot.sound, w._native.native_decide.ax_1_1, w._native.bv_decide.ax_2_1\\n  rfl\"}" \
		"{\"cmd\": \"set_option pp.fullNames true in #print axioms _root_.w\", \"env\": 0}" |
		python3 "$DOUBLES/repl_double.py" > replies &&
	test_grep "\"column\": 32" replies &&
	test_grep "\"data\": \"'"'"'w'"'"' depends on axioms: \[propext,\\\\n Classical.choice,\\\\n Quot.sound,\\\\n w._native.native_decide.ax_1_1,\\\\n w._native.bv_decide.ax_2_1\]\"" replies
'

test_expect_success 'nothing of this test is left running' '
	no_leftovers
'

test_done
