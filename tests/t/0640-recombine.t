#!/bin/sh
# cs-recombine on hand-made records: a splice that fits, a spliced proof that does not
# fit its spot (only that spot is closed by its lemma: the mixed form), an error
# outside every spot (every sorry closed by its lemma: the fallback form). The REPL
# double's `-- double: fails-in NAME` marker fails a proof inside theorem NAME only,
# as a proof that proves its lemma but not the spot it is spliced into would.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lean-double.sh"

STMT='theorem t_two (x : ℕ) (h : x = 1) : x * 2 = 2 := by'
SKETCH='theorem t_two (x : ℕ) (h : x = 1) : x * 2 = 2 := by\n  have h1 : x = 1 := by\n    sorry\n  have h2 : x * 2 = 2 := by\n    sorry\n  exact h2'
L1='theorem t_two_h1 (x : ℕ) (h : x = 1) :\n  x = 1 := by'
L2='theorem t_two_h2 (x : ℕ) (h : x = 1) (h1 : x = 1) :\n  x * 2 = 2 := by'
# rec BODY1 BODY2 [SKETCH]: a pending-recombine record of problem 7 (bodies JSON-escaped).
rec() {
	printf '{"problem_id":7,"name":"t_two","depth":1,"header":"import Mathlib\\n","formal_statement":"%s","sketch":"%s","subgoals":[{"idx":0,"lemma_name":"t_two_h1","lemma_b":"%s","body":"%s","real_lean":0},{"idx":1,"lemma_name":"t_two_h2","lemma_b":"%s","body":"%s","real_lean":0}]}\n' \
		"$STMT" "${3:-$SKETCH}" "$L1" "$1" "$L2" "$2"
}
# result FILE: form, by_lemma and result of the recombine record in FILE.
result() {
	python3 -S -c 'import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r["type"] == "recombine":
        p = r.get("proof") or {}
        print(r["result"], p.get("form"), p.get("by_lemma"))' "$1"
}

test_expect_success 'every proof fits: spliced, nothing closed by a lemma' '
	rec "exact h" "omega" | cs-recombine > out &&
	echo "proved splice []" > want && result out > got && test_cmp want got
'

test_expect_success 'one proof does not fit its spot: only that spot is closed by its lemma' '
	rec "exact h" "omega -- double: fails-in t_two" | cs-recombine > out &&
	echo "proved mixed [1]" > want && result out > got && test_cmp want got &&
	jget out "r.get(\"proof\", {}).get(\"code\", \"\")" | grep -v "^$" > code &&
	test_grep "^theorem t_two_h2 " code &&
	test_grep "exact t_two_h2 x h h1" code &&
	test_grep "^    exact h$" code &&
	test_eq "$(jget out "r[\"kind\"] if r[\"type\"] == \"verification\" else \"\"" | grep -v "^$" | tr "\n" " ")" "recombined mixed "
'

test_expect_success 'an error outside every spot: every sorry is closed by its lemma, then it fails' '
	rec "exact h" "omega" "${SKETCH%exact h2}exact h2 -- double: fails-in t_two" | cs-recombine > out; rc=$?
	test "$rc" -eq 0 &&
	echo "failed None None" > want && result out > got && test_cmp want got &&
	test_eq "$(jget out "r[\"kind\"] if r[\"type\"] == \"verification\" else \"\"" | grep -v "^$" | tr "\n" " ")" "recombined fallback "
'

test_done
