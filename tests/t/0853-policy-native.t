#!/bin/sh
# Policy, native family: decide +native and decide (config := …) evaluate with the
# compiler (Lean.ofReduceBool), not the kernel, and passed without
# CS_ALLOW_NATIVE_DECIDE before. Now refused naming the construct and its line,
# without reaching Lean, unless CS_ALLOW_NATIVE_DECIDE=1; bv_omega (bv_normalize;
# omega: kernel-checked) and decide, decide +kernel pass.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lean-double.sh"
. "$TEST_DIR/policy.sh"

cat > cases <<'EOF_CASES'
### native_flag
theorem native_flag : 2 + 2 = 4 := by decide +revert +native
### native_config
theorem native_config : 2 + 2 = 4 := by decide (config := { native := true })
### native_config_kernel
theorem native_config_kernel : 2 + 2 = 4 := by decide (config := { kernel := false, native := true })
### native_config_anonymous
theorem native_config_anonymous : 2 + 2 = 4 := by decide (config := ⟨false, true⟩)
### native_decide_plain
theorem native_decide_plain : 2 + 2 = 4 := by native_decide
### bv_decide_plain
theorem bv_decide_plain (x : BitVec 8) : x + 0 = x := by bv_decide
### honest_bv_omega
theorem honest_bv_omega (x : BitVec 8) : x + 0 = x := by bv_omega
### honest_decide
theorem honest_decide : 2 + 2 = 4 := by decide
### honest_decide_kernel
theorem honest_decide_kernel : 2 + 2 = 4 := by decide +kernel
EOF_CASES

cat > want <<'EOF_WANT'
native_flag rejected unreached forbidden `native` at 1:54: native evaluation in a decide configuration (decide +native)
native_config rejected unreached forbidden `decide (config := …)` at 1:40: a configuration can ask for native evaluation, by name or not (⟨false, true⟩)
native_config_kernel rejected unreached forbidden `decide (config := …)` at 1:47: a configuration can ask for native evaluation, by name or not (⟨false, true⟩)
native_config_anonymous rejected unreached forbidden `decide (config := …)` at 1:50: a configuration can ask for native evaluation, by name or not (⟨false, true⟩)
native_decide_plain rejected unreached forbidden `native_decide` at 1:46: trusts the compiler (Lean.ofReduceBool), not the kernel
bv_decide_plain rejected unreached forbidden `bv_decide` at 1:57: trusts the compiler (Lean.ofReduceBool), not the kernel
honest_bv_omega pass reached -
honest_decide pass reached -
honest_decide_kernel pass reached -
EOF_WANT

test_expect_success 'native evaluation in any decide configuration is refused' '
	policy_run cases &&
	test_cmp want got
'

test_expect_success 'CS_ALLOW_NATIVE_DECIDE=1 admits them' '
	sed -n "/^### honest_bv_omega/q; p" cases > native &&
	CS_ALLOW_NATIVE_DECIDE=1 policy_run native &&
	cat > want2 <<-\EOF_WANT &&
	native_flag pass reached -
	native_config pass reached -
	native_config_kernel pass reached -
	native_config_anonymous pass reached -
	native_decide_plain pass reached -
	bv_decide_plain pass reached -
	EOF_WANT
	test_cmp want2 got
'

test_expect_success 'nothing of this test is left running' '
	no_leftovers
'

test_done
