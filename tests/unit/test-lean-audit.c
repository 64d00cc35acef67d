/* test-lean-audit: what cs-audit records of a checker: its name from the command
 * line, and whether its version line is Lean's. */
#include <stdlib.h>

#include "cs.h"
#include "lean_audit.h"
#include "tap.h"

static void name_is(const char *cmd, const char *want)
{
	char *got = lean_audit_checker_name(cmd);
	is_str(got, want, "checker name of [%s]", cmd);
	free(got);
}

int main(void)
{
	/* `lean --version` prints Lean.versionHeader (leanprover/lean4 src/Lean/Shell.lean):
	 * "Lean (version {ver}, {target}, commit {githash}, {build type})". */
	ok(lean_audit_is_lean("Lean (version 4.9.0, x86_64-unknown-linux-gnu, commit 8f9843a4a5fe, Release)"),
	   "lean --version of v4.9.0 is Lean");
	ok(lean_audit_is_lean("Lean (version 4.22.0-nightly-2025-06-01, arm64-apple-darwin, Release)"),
	   "a nightly is Lean");
	ok(!lean_audit_is_lean("coldstart-test-double checker 0"), "the checker double is not Lean");
	ok(!lean_audit_is_lean("4.9.0"), "a bare version number names no Lean");
	ok(!lean_audit_is_lean("Lean (version unknown)"), "no version number, no Lean");
	ok(!lean_audit_is_lean(NULL), "no answer, no Lean");

	name_is("/opt/coldstart/scripts/audit-lean4checker.sh", "audit-lean4checker.sh");
	name_is("python3 /src/tests/doubles/checker_double.py --tag x", "checker_double.py");
	name_is("LEANCHECKER=/x/lean4checker env -i sh -c 'exec /x/wrap.sh'", "wrap.sh");
	name_is("  lake env leanchecker", "leanchecker");
	name_is("sh", "sh");
	name_is("", "?");
	return done_testing();
}
