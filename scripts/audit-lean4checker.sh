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
# under the REPL's sandbox, with CS_AUDIT_FILE, CS_AUDIT_DIR and CS_AUDIT_MODULE set
# (README "Kernel replay"). Exit 0: the kernel accepted every declaration; 1: the
# file does not compile or the kernel refused a declaration; anything else (2 here)
# is this script's own failure, no verdict.
#
# Settings:
#   LEANCHECKER=CMD  the checker (default: leanchecker when `lake env` finds it,
#                    else lean4checker), e.g. /opt/lean4checker/.lake/build/bin/lean4checker
#                    (build lean4checker with the project's own Lean toolchain)
#   AUDIT_FRESH=1    replay with --fresh: the imports too, into an empty environment.
#                    That re-checks all of Mathlib for every row (hours); by default
#                    the module's own declarations are replayed on top of its imports,
#                    the project's own trusted build.
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
0|1) exit $rc ;;
126|127) echo "audit-lean4checker.sh: cannot run $checker (status $rc)" >&2; exit 2 ;;
*) exit $rc ;;
esac
