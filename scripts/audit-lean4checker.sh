#!/bin/sh
# audit-lean4checker.sh: a kernel checker for cs-audit, as the Lean reference manual's
# "Validating a Lean Proof" asks ("Re-Checking Proofs with lean4checker"): compile the
# proof file to an .olean, then replay its declarations through the kernel with
# Lean's leanchecker (part of every toolchain from v4.28.0) or, for older Lean, the
# leanprover/lean4checker it came from. Point cs-audit at it:
#
#     CS_LEAN_AUDIT_CMD=/path/to/audit-lean4checker.sh
#
# cs-audit runs it in CS_LEAN_DIR (the Lake project with Mathlib the REPL uses),
# under the REPL's sandbox, with CS_AUDIT_FILE, CS_AUDIT_DIR, CS_AUDIT_MODULE,
# CS_AUDIT_THEOREM and CS_AUDIT_STATEMENT_FILE set (README "Kernel replay"). Exit 0:
# the kernel accepted every declaration, the theorem rests on the standard axioms
# only and its type is the statement's; 1: the file does not compile, the kernel
# refused a declaration, an axiom or the type is wrong; anything else (2 here) is
# this script's own failure, no verdict.
#
# Settings:
#   LEANCHECKER=CMD  the checker (default: leanchecker when `lake env` finds it,
#                    else lean4checker), e.g. /opt/lean4checker/.lake/build/bin/lean4checker
#                    (build lean4checker with the project's own Lean toolchain)
#   AUDIT_FRESH=1    replay with --fresh: the imports too, into an empty environment.
#                    That re-checks all of Mathlib for every row (hours); by default
#                    the module's own declarations are replayed on top of its imports,
#                    the project's own trusted build.
#   AUDIT_ALLOW_NATIVE=1  admit the axioms of native computation (as
#                    CS_ALLOW_NATIVE_DECIDE=1 does for the REPL's audit).
#
# Written from leanprover/lean4checker (README, Main.lean: `lake env lean4checker
# [--fresh] Module`, the module's .olean found on LEAN_PATH; a kernel error is an
# uncaught exception: exit 1) and Lean's src/Lean/Shell.lean (`-o` writes the .olean;
# `--root=dir` is where the module name of the input file is computed from).
# It has not been run where coldstart was built: no Lean can be installed there.
set -u

# Version query: the checker is the project's Lean toolchain ("Lean (version 4.x.y, ...)").
if [ "${CS_AUDIT_VERSION:-}" = 1 ]; then
	exec lake env lean --version
fi
for v in CS_AUDIT_FILE CS_AUDIT_DIR CS_AUDIT_MODULE; do
	eval "[ -n \"\${$v:-}\" ]" || { echo "audit-lean4checker.sh: $v is not set" >&2; exit 2; }
done

# The module CS_AUDIT_MODULE, compiled into the scratch directory (the only place
# the sandbox lets us write). A proof that does not compile is refused.
lake env lean --root="$CS_AUDIT_DIR" -o "$CS_AUDIT_DIR/$CS_AUDIT_MODULE.olean" "$CS_AUDIT_FILE" || exit 1

checker=${LEANCHECKER:-}
if [ -z "$checker" ]; then
	if lake env sh -c 'command -v leanchecker' >/dev/null 2>&1; then
		checker=leanchecker
	else
		checker=lean4checker
	fi
fi
fresh=
[ "${AUDIT_FRESH:-0}" = 1 ] && fresh=--fresh

# Replay, with the scratch directory first on the search path lake env sets up.
AUDIT_CHECKER=$checker AUDIT_FRESH_FLAG=$fresh lake env sh -c \
	'LEAN_PATH="$CS_AUDIT_DIR:$LEAN_PATH" exec $AUDIT_CHECKER $AUDIT_FRESH_FLAG "$CS_AUDIT_MODULE"'
rc=$?
case $rc in
0) ;;
1) exit 1 ;;
126|127) echo "audit-lean4checker.sh: cannot run $checker (status $rc)" >&2; exit 2 ;;
*) exit $rc ;;
esac

# What matters beyond a kernel that accepts every declaration: the theorem's
# axioms, read in the replayed environment, and its type, against the problem's
# statement compiled alone. Skipped only when cs-audit names no theorem.
theorem=${CS_AUDIT_THEOREM:-}
[ -n "$theorem" ] || exit 0
case $theorem in
*[!A-Za-z0-9_.\'!?]*) echo "audit-lean4checker.sh: CS_AUDIT_THEOREM=$theorem: not a plain Lean name" >&2; exit 2 ;;
esac
here=$(cd "$(dirname "$0")" && pwd)

# Axioms: a Lean file of ours importing the module (src/Lean/Util/CollectAxioms.lean
# collectAxioms, what #print axioms reads), failing (an error: lean exits 1) on an
# axiom beyond propext, Classical.choice and Quot.sound (AUDIT_ALLOW_NATIVE=1: also
# Lean.ofReduceBool, Lean.ofReduceNat, Lean.trustCompiler and the per-computation
# axioms DECL._native.KIND.ax_N_M of lean4 PR #12217 with DECL the theorem or a
# declaration of the module). Names are compared as Names, never as text.
native=false
[ "${AUDIT_ALLOW_NATIVE:-0}" = 1 ] && native=true
cat > "$CS_AUDIT_DIR/CsAuditAxioms.lean" <<EOF_LEAN
import Lean
import $CS_AUDIT_MODULE
open Lean Elab Command in
#eval show CommandElabM Unit from do
  let env ← getEnv
  let thm : Name := \`$theorem
  let std : List Name := [\`propext, \`Classical.choice, \`Quot.sound]
  let nat : List Name := [\`Lean.ofReduceBool, \`Lean.ofReduceNat, \`Lean.trustCompiler]
  let mine (d : Name) : Bool := d == thm || env.getModuleIdxFor? d == env.getModuleIdx? \`$CS_AUDIT_MODULE
  let native? : Name → Bool := fun
    | .str (.str (.str d "_native") _) ax => ax.startsWith "ax_" && mine d
    | _ => false
  for a in (← collectAxioms thm) do
    unless std.contains a || ($native && (nat.contains a || native? a)) do
      throwError "axiom audit: {thm} depends on axiom {a}"
EOF_LEAN
lake env sh -c 'LEAN_PATH="$CS_AUDIT_DIR:$LEAN_PATH" exec lean "$CS_AUDIT_DIR/CsAuditAxioms.lean"' || exit 1

# Type: the statement file (header + the problem's statement closed by sorry, its
# own definitions included) compiled alone, then scripts/audit-compare.lean reads
# both .olean files (readModuleData: no code of theirs runs) and requires every
# constant the statement's module declares to be in the proof's with the same
# kind, universe parameters and type (Expr equality), and definitions with the
# same value: exit 0 same, 1 different, 2 its own failure.
stmt=${CS_AUDIT_STATEMENT_FILE:-}
[ -n "$stmt" ] || exit 0
mkdir -p "$CS_AUDIT_DIR/challenge" &&
cp "$stmt" "$CS_AUDIT_DIR/challenge/CsAuditChallenge.lean" || exit 2
lake env lean --root="$CS_AUDIT_DIR/challenge" -o "$CS_AUDIT_DIR/challenge/CsAuditChallenge.olean" \
	"$CS_AUDIT_DIR/challenge/CsAuditChallenge.lean" ||
	{ echo "audit-lean4checker.sh: the statement does not compile alone" >&2; exit 2; }
lake env lean --run "$here/audit-compare.lean" "$CS_AUDIT_DIR/$CS_AUDIT_MODULE.olean" \
	"$CS_AUDIT_DIR/challenge/CsAuditChallenge.olean" "$theorem"
rc=$?
case $rc in
0|1) exit $rc ;;
*) echo "audit-lean4checker.sh: audit-compare.lean failed (status $rc)" >&2; exit 2 ;;
esac
