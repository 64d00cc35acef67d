#!/bin/sh
# Policy, comment family: Lean's whitespace (src/Lean/Parser/Basic.lean) steps over
# the character right after `/-` before finishCommentBlock starts, so `/-/-/` is
# one whole comment. The scanner read `/-/-` as two nested openers: an `#eval`
# after `/-/-/` was inside a comment for coldstart and ran in Lean. A tab or a lone
# carriage return in white space is Lean's error, after which Lean resumes parsing
# commands further on: refused before Lean. The honest twins (nested comments,
# doc and module comments, `/-/ … -/`, `/--/ … -/`) pass.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lean-double.sh"
. "$TEST_DIR/policy.sh"

cat > cases <<'EOF_CASES'
### slash_comment_eval
/-/-/
#eval IO.FS.writeFile "pwned" "x"
/- -/ -- -/ -/
theorem slash_comment_eval : True := trivial
### slash_comment_axiom
/-/-/ axiom slash_comment_axiom_ax : False /- -/ -- -/ -/
theorem slash_comment_axiom : False := slash_comment_axiom_ax
### slash_comment_in_proof
theorem slash_comment_in_proof : 1 = 2 := by
  /-/-/ sorry /- -/ -- -/ -/
### tab_indent
theorem tab_indent : True := by
	trivial
### lone_cr
theorem lone_cr : True := by trivial
### honest_comments
/- a problem statement /- with a nested comment -/ and `code` -/
/-- The doc comment of a helper. -/
lemma honest_comments_aux : True := trivial
/-! A module doc -/
/-/ a comment opening with a slash -/
/--/ a doc comment opening with a slash -/
/--/- a doc comment nesting -/ until here -/
theorem honest_comments : True := by
  -- a line comment ---/
  /- a block
     comment -/
  exact honest_comments_aux
EOF_CASES

cat > want <<'EOF_WANT'
slash_comment_eval rejected unreached forbidden `#eval` command at 2:0: runs code or prints instead of proving
slash_comment_axiom rejected unreached forbidden `axiom` at 1:6: a new axiom proves anything
slash_comment_in_proof rejected unreached forbidden `sorry` at 2:8: an unproved goal
tab_indent rejected unreached unreadable code: tab in white space (Lean: tabs are not allowed) at 2:0
lone_cr rejected unreached unreadable code: isolated carriage return (Lean: not allowed) at 1:28
honest_comments pass reached -
EOF_WANT

# lone_cr_records: the cases as records, with a lone carriage return in lone_cr
# between `by` and `trivial` (the case file is read with universal newlines)
lone_cr_records() {
	policy_cases cases | python3 -S -c '
import json, sys
for l in sys.stdin:
    r = json.loads(l)
    if r["name"] == "lone_cr":
        r["code"] = r["code"].replace("by trivial", "by\r  trivial")
        assert "\r" in r["code"]
    print(json.dumps(r, ensure_ascii=False))'
}

test_expect_success 'comments as Lean reads them' '
	fresh &&
	lone_cr_records > in.jsonl &&
	{ cs-verify in.jsonl > out.jsonl; test $? -le 1; } &&
	policy_verdicts in.jsonl out.jsonl > got &&
	test_cmp want got
'

test_expect_success 'nothing of this test is left running' '
	no_leftovers
'

test_done
