#!/bin/sh
# audit-comparator.sh: a kernel checker for cs-audit built on leanprover/comparator,
# the judge the Lean reference manual's "Validating a Lean Proof" names for proofs
# that may be malicious: in its own sandbox (landrun) it builds a trusted challenge
# (the problem's statement) and the solution (the proof file), exports both with
# lean4export, checks that every declaration the theorem's statement uses is the
# same in both, that the theorem rests on the permitted axioms only, and replays the
# solution in the kernel. Point cs-audit at it:
#
#     CS_LEAN_AUDIT_CMD=/path/to/audit-comparator.sh
#
# cs-audit runs it in CS_LEAN_DIR with CS_AUDIT_FILE, CS_AUDIT_DIR, CS_AUDIT_MODULE,
# CS_AUDIT_THEOREM and CS_AUDIT_STATEMENT_FILE set (README "Kernel replay"). It
# writes a Lake project in the scratch directory: Challenge.lean (the statement
# file: header, the problem's own definitions, the theorem closed by sorry),
# Solution.lean (the proof file), a lakefile.toml whose two libraries are those,
# and config.json (comparator's configuration: challenge_module,
# solution_module, theorem_names, permitted_axioms), then runs
# `lake env COMPARATOR config.json` there, as comparator's README says.
# Exit 0: comparator said "Your solution is okay!"; 1: it refused the solution
# (after it had built the challenge: "Building Solution" was printed); anything
# else (2 here) is this script's own failure or comparator's with the challenge,
# no verdict.
#
# Settings:
#   COMPARATOR=CMD           comparator's binary (default: comparator on PATH)
#   COMPARATOR_LANDRUN, COMPARATOR_LEAN4EXPORT  passed on to comparator (its own
#                            variables; default landrun, lean4export on PATH)
#   COMPARATOR_AXIOMS="A B"  permitted axioms (default: propext Quot.sound
#                            Classical.choice)
#   COMPARATOR_REQUIRE=PKG   the package of CS_LEAN_DIR the problems import
#                            (default mathlib), required by path from
#                            CS_LEAN_DIR/.lake/packages/PKG with that directory as
#                            packagesDir, so that nothing is fetched
#   COMPARATOR_LAKEFILE=FILE a lakefile.toml of your own instead (@LEAN_DIR@ is
#                            replaced by CS_LEAN_DIR)
#
# Written from leanprover/comparator (README.md; Main.lean: `main` reads the
# configuration file named by its first argument, `compareIt` builds and exports
# Challenge then Solution with `lake build` in the current directory, printing
# "Building <module>" before each, then compares, checks the axioms and replays;
# success prints "Your solution is okay!", an exception exits 1). It has not been
# run where coldstart was built (no Lean, landrun or lean4export there): the tests
# run it against tests/doubles/comparator_double.py, a double of that command line.
set -u

if [ "${CS_AUDIT_VERSION:-}" = 1 ]; then
	exec lake env lean --version
fi
for v in CS_AUDIT_FILE CS_AUDIT_DIR CS_AUDIT_MODULE CS_AUDIT_THEOREM CS_AUDIT_STATEMENT_FILE; do
	eval "[ -n \"\${$v:-}\" ]" || { echo "audit-comparator.sh: $v is not set" >&2; exit 2; }
done
case $CS_AUDIT_THEOREM in
*[!A-Za-z0-9_.\'!?]*)
	# comparator reads theorem_names with String.toName: no «» quoting
	echo "audit-comparator.sh: CS_AUDIT_THEOREM=$CS_AUDIT_THEOREM: not a plain Lean name" >&2; exit 2 ;;
esac
comparator=${COMPARATOR:-comparator}
landrun=${COMPARATOR_LANDRUN:-landrun}
export4=${COMPARATOR_LEAN4EXPORT:-lean4export}
for tool in "$comparator" "$landrun" "$export4"; do
	command -v "$tool" >/dev/null 2>&1 ||
		{ echo "audit-comparator.sh: $tool not found (comparator needs it; see its README)" >&2; exit 2; }
done
lean_dir=$(pwd)
proj=$CS_AUDIT_DIR/comparator
mkdir -p "$proj" &&
cp "$CS_AUDIT_STATEMENT_FILE" "$proj/Challenge.lean" &&
cp "$CS_AUDIT_FILE" "$proj/Solution.lean" || exit 2
if [ -n "${COMPARATOR_LAKEFILE:-}" ]; then
	sed "s|@LEAN_DIR@|$lean_dir|g" "$COMPARATOR_LAKEFILE" > "$proj/lakefile.toml" || exit 2
else
	req=${COMPARATOR_REQUIRE:-mathlib}
	cat > "$proj/lakefile.toml" <<EOF_TOML || exit 2
name = "csaudit"
packagesDir = "$lean_dir/.lake/packages"

[[require]]
name = "$req"
path = "$lean_dir/.lake/packages/$req"

[[lean_lib]]
name = "Challenge"

[[lean_lib]]
name = "Solution"
EOF_TOML
fi
axioms=
for a in ${COMPARATOR_AXIOMS:-propext Quot.sound Classical.choice}; do
	axioms="$axioms${axioms:+, }\"$a\""
done
cat > "$proj/config.json" <<EOF_JSON || exit 2
{
    "challenge_module": "Challenge",
    "solution_module": "Solution",
    "theorem_names": ["$CS_AUDIT_THEOREM"],
    "permitted_axioms": [$axioms]
}
EOF_JSON

cd "$proj" || exit 2
COMPARATOR_LANDRUN=$landrun COMPARATOR_LEAN4EXPORT=$export4 lake env "$comparator" config.json > comparator.out 2>&1
rc=$?
cat comparator.out
if [ $rc -eq 0 ] && grep -q "^Your solution is okay!" comparator.out; then
	exit 0
fi
if grep -q "^Building Solution" comparator.out; then
	exit 1
fi
echo "audit-comparator.sh: comparator failed before it reached the solution (status $rc)" >&2
exit 2
