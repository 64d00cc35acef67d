#!/bin/sh
# Kernel replay that checks what matters. scripts/audit-lean4checker.sh, after the
# kernel replay, checks the theorem's axioms in the replayed environment (a Lean
# file importing the module: collectAxioms) and its type against the problem's
# statement compiled alone (scripts/audit-compare.lean over both .olean files).
# scripts/audit-comparator.sh hands the statement (Challenge) and the proof
# (Solution) to leanprover/comparator. No Lean here: stand-ins for lake, lean and
# leanchecker log how they are called (the plumbing, not Lean), and comparator is
# tests/doubles/comparator_double.py, a double of its command line written from
# its Main.lean. Each hostile proof fails (exit 1), its honest twin passes (0), a
# setup fault is no verdict (2).
. "$(dirname "$0")/lib.sh"

mkdir -p fakebin leandir
cat > fakebin/lake <<\EOF_LAKE
#!/bin/sh
[ "$1" = env ] || { echo "fake lake: only env" >&2; exit 2; }
shift
echo "lake env $*" >> "$FAKE_LOG"
LEAN_PATH=/fake/mathlib/build${LEAN_PATH:+:$LEAN_PATH} exec "$@"
EOF_LAKE
cat > fakebin/lean <<\EOF_LEAN
#!/bin/sh
echo "lean $*" >> "$FAKE_LOG"
[ "$1" = --version ] && { echo "fake lean of the coldstart tests, not Lean"; exit 0; }
[ "$1" = --print-prefix ] && { echo /fake/lean; exit 0; }
if [ "$1" = --run ]; then # audit-compare.lean SOLUTION.olean CHALLENGE.olean THEOREM
	[ -f "$3" ] && [ -f "$4" ] || { echo "fake lean: no $3 or $4" >&2; exit 2; }
	grep -q "fake: type" "$CS_AUDIT_FILE" && { echo "type check: $5: another type than the statement's"; exit 1; }
	exit 0
fi
case $* in *CsAuditAxioms.lean)
	cp "$1" "$FAKE_LOG.axioms"
	ax=$(sed -n "s/.*fake: axiom \([^ ]*\).*/\1/p" "$CS_AUDIT_FILE")
	[ -n "$ax" ] && { echo "$1:4:0: error: axiom audit: $CS_AUDIT_THEOREM depends on axiom $ax"; exit 1; }
	exit 0 ;;
esac
out= root= file=
while [ $# -gt 0 ]; do
	case $1 in -o) out=$2; shift ;; --root=*) root=${1#--root=} ;; *) file=$1 ;; esac
	shift
done
[ "$(dirname "$file")" = "$root" ] || { echo "fake lean: $file is not under --root $root" >&2; exit 1; }
grep -q "fake: does not compile" "$file" && { echo "$file:3:2: error: unknown tactic" >&2; exit 1; }
echo olean > "$out"
EOF_LEAN
printf '#!/bin/sh\necho "leanchecker $*" >> "$FAKE_LOG"\nexit 0\n' > fakebin/leanchecker
printf '#!/bin/sh\nexec python3 "%s/comparator_double.py" "$@"\n' "$DOUBLES" > fakebin/comparator
printf '#!/bin/sh\nexit 0\n' > fakebin/landrun
printf '#!/bin/sh\nexit 0\n' > fakebin/lean4export
chmod +x fakebin/*
export PATH="$TRASH/fakebin:$PATH" FAKE_LOG="$TRASH/fake.log" COMPARATOR_DOUBLE_LOG="$TRASH/comparator.log"

STMT='import Mathlib
def secret : ℕ := 42
theorem t1 (x : ℕ) (h : x = secret) : x = 42 := by
  sorry
'
PROOF='import Mathlib
def secret : ℕ := 42
theorem t1 (x : ℕ) (h : x = secret) : x = 42 := by
  subst h; rfl
'
# audit NAME SCRIPT PROOF [STATEMENT]: run SCRIPT as cs-audit would (in CS_LEAN_DIR,
# the files in a fresh scratch directory), its output in NAME.out; prints its status.
audit() {
	d=$TRASH/scratch/$1
	rm -rf "$d" && mkdir -p "$d" &&
	printf "%s" "$3" > "$d/CsAudit7.lean" &&
	printf "%s" "${4-$STMT}" > "$d/CsAudit7.statement.lean" &&
	(cd leandir && CS_AUDIT_FILE=$d/CsAudit7.lean CS_AUDIT_DIR=$d CS_AUDIT_MODULE=CsAudit7 \
		CS_AUDIT_THEOREM=${THM:-t1} CS_AUDIT_STATEMENT_FILE=$d/CsAudit7.statement.lean \
		"$SRC_DIR/scripts/$2" > "$TRASH/$1.out" 2>&1; echo $?)
}

test_expect_success 'audit-lean4checker.sh: honest proof passes the replay, the axioms and the type' '
	test_eq "$(audit honest audit-lean4checker.sh "$PROOF")" 0 &&
	test_grep "^leanchecker CsAudit7$" fake.log &&
	test_grep "^lean $TRASH/scratch/honest/CsAuditAxioms.lean$" fake.log &&
	test_grep "^import CsAudit7$" fake.log.axioms &&
	test_grep "let thm : Name := \`t1$" fake.log.axioms &&
	test_grep "getModuleIdx? \`CsAudit7$" fake.log.axioms &&
	test_grep "unless std.contains a || (false &&" fake.log.axioms &&
	test_grep "^lean --root=$TRASH/scratch/honest/challenge -o $TRASH/scratch/honest/challenge/CsAuditChallenge.olean $TRASH/scratch/honest/challenge/CsAuditChallenge.lean$" fake.log &&
	test_grep "^lean --run $SRC_DIR/scripts/audit-compare.lean $TRASH/scratch/honest/CsAudit7.olean $TRASH/scratch/honest/challenge/CsAuditChallenge.olean t1$" fake.log &&
	test_cmp scratch/honest/CsAudit7.statement.lean scratch/honest/challenge/CsAuditChallenge.lean
'

test_expect_success 'audit-lean4checker.sh: a forbidden axiom or another type fails; a setup fault is no verdict' '
	test_eq "$(audit axiom audit-lean4checker.sh "$PROOF-- fake: axiom sorryAx
")" 1 &&
	test_grep "axiom audit: t1 depends on axiom sorryAx" axiom.out &&
	test_eq "$(audit type audit-lean4checker.sh "$PROOF-- fake: type
")" 1 &&
	test_grep "type check: t1: another type" type.out &&
	test_eq "$(audit stmt audit-lean4checker.sh "$PROOF" "$STMT-- fake: does not compile
")" 2 &&
	test_grep "the statement does not compile alone" stmt.out &&
	test_eq "$(THM="t1 x" audit badname audit-lean4checker.sh "$PROOF")" 2 &&
	: > fake.log &&
	test_eq "$(AUDIT_ALLOW_NATIVE=1 audit native audit-lean4checker.sh "$PROOF")" 0 &&
	test_grep "unless std.contains a || (true &&" fake.log.axioms
'

test_expect_success 'audit-comparator.sh: the challenge, the solution and the configuration comparator reads' '
	test_eq "$(audit cmp audit-comparator.sh "$PROOF")" 0 &&
	test_grep "^Your solution is okay!$" cmp.out &&
	p=scratch/cmp/comparator &&
	test_cmp scratch/cmp/CsAudit7.statement.lean $p/Challenge.lean &&
	test_cmp scratch/cmp/CsAudit7.lean $p/Solution.lean &&
	test_eq "$(python3 -c "import json, sys; r = json.load(open(sys.argv[1])); print((r[\"challenge_module\"], r[\"solution_module\"], r[\"theorem_names\"], r[\"permitted_axioms\"]))" $p/config.json)" \
		"('\''Challenge'\'', '\''Solution'\'', ['\''t1'\''], ['\''propext'\'', '\''Quot.sound'\'', '\''Classical.choice'\''])" &&
	test_grep "^packagesDir = \"$TRASH/leandir/.lake/packages\"$" $p/lakefile.toml &&
	test_grep "^path = \"$TRASH/leandir/.lake/packages/mathlib\"$" $p/lakefile.toml &&
	test_eq "$(jget comparator.log "r[\"argv\"], r[\"cwd\"], r[\"landrun\"]")" "(['\''config.json'\''], '\''$TRASH/$p'\'', '\''landrun'\'')" &&
	test_grep "^lake env comparator config.json$" fake.log
'

test_expect_success 'audit-comparator.sh: hostile solutions fail, their honest twin passes' '
	test_eq "$(audit weak audit-comparator.sh "$(printf "%s\n" "$PROOF" | sed "s/x = 42 :=/x = 42 ∨ True :=/")")" 1 &&
	test_grep "Mismatch for t1" weak.out &&
	test_eq "$(audit def audit-comparator.sh "$(printf "%s\n" "$PROOF" | sed "s/:= 42$/:= 41/")")" 1 &&
	test_grep "Mismatch for secret" def.out &&
	test_eq "$(audit sorry audit-comparator.sh "$(printf "%s\n" "$PROOF" | sed "s/subst h; rfl/sorry/")")" 1 &&
	test_grep "sorryAx, which is not permitted" sorry.out &&
	test_eq "$(audit axiom audit-comparator.sh "$PROOF-- double: axioms Lean.ofReduceBool
")" 1 &&
	test_eq "$(COMPARATOR_AXIOMS="propext Quot.sound Classical.choice Lean.ofReduceBool" audit native audit-comparator.sh "$PROOF-- double: axioms Lean.ofReduceBool
")" 0 &&
	test_eq "$(audit kernel audit-comparator.sh "$PROOF-- double: kernel-reject
")" 1 &&
	test_grep "Lean default kernel rejects the solution" kernel.out &&
	test_eq "$(audit compile audit-comparator.sh "$PROOF-- double: does-not-compile
")" 1
'

test_expect_success 'audit-comparator.sh: no verdict without its tools or a challenge that builds' '
	test_eq "$(COMPARATOR_LANDRUN=/nonexistent/landrun audit nolandrun audit-comparator.sh "$PROOF")" 2 &&
	test_grep "landrun not found" nolandrun.out &&
	test_eq "$(audit nochal audit-comparator.sh "$PROOF" "$STMT-- double: does-not-compile
")" 2 &&
	test_grep "failed before it reached the solution" nochal.out &&
	test_eq "$(THM="«t1»" audit quoted audit-comparator.sh "$PROOF")" 2 &&
	test_eq "$(CS_AUDIT_VERSION=1 "$SRC_DIR/scripts/audit-comparator.sh")" "fake lean of the coldstart tests, not Lean"
'

test_done
