/* test-lean-toolchain: what a Lean project's lean-toolchain and lake-manifest.json say
 * (lean_toolchain_read), and the environment key the corpus files toolchains under. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cs.h"
#include "db.h"
#include "lean_repl.h"
#include "tap.h"

static void put(const char *dir, const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f))
		die(CS_EIO, "%s: cannot write", path);
	free(path);
}

int main(void)
{
	char tmpl[] = "/tmp/cs-unit-toolchain.XXXXXX";
	char *dir = mkdtemp(tmpl), *key;
	struct lean_toolchain t;
	cs_init("test-lean-toolchain");
	if (!dir)
		die(CS_EIO, "mkdtemp failed");

	ok(lean_toolchain_read(dir, &t) == 0 && !t.lean_toolchain && !t.mathlib_rev && !t.repl_rev,
	   "a directory without the files: all unknown");
	lean_toolchain_release(&t);
	ok(lean_toolchain_read(NULL, &t) == 0 && !t.lean_toolchain, "no directory (kimina): all unknown");
	lean_toolchain_release(&t);

	/* the shape of leanprover-community/mathlib4's own lake-manifest.json (version 7)
	 * with a project's packages: mathlib and the REPL (package REPL) */
	put(dir, "lean-toolchain", "  leanprover/lean4:v4.9.0-rc2 \n");
	put(dir, "lake-manifest.json",
	    "{\"version\": 7,\n \"packagesDir\": \".lake/packages\",\n \"packages\":\n"
	    " [{\"url\": \"https://github.com/leanprover-community/batteries\", \"type\": \"git\", \"subDir\": null,\n"
	    "   \"rev\": \"aaaa\", \"name\": \"batteries\", \"manifestFile\": \"lake-manifest.json\", \"inputRev\": \"main\"},\n"
	    "  {\"url\": \"https://github.com/leanprover-community/mathlib4\", \"type\": \"git\", \"subDir\": null,\n"
	    "   \"rev\": \"f0e1d2c3\", \"name\": \"mathlib\", \"manifestFile\": \"lake-manifest.json\", \"inputRev\": null},\n"
	    "  {\"url\": \"https://github.com/leanprover-community/repl\", \"type\": \"git\", \"subDir\": null,\n"
	    "   \"rev\": \"0123abcd\", \"name\": \"REPL\", \"manifestFile\": \"lake-manifest.json\", \"inputRev\": \"master\"}],\n"
	    " \"name\": \"prover\",\n \"lakeDir\": \".lake\"}\n");
	lean_toolchain_read(dir, &t);
	is_str(t.lean_toolchain, "leanprover/lean4:v4.9.0-rc2", "lean-toolchain: its first line, trimmed");
	is_str(t.mathlib_rev, "f0e1d2c3", "the rev of package mathlib");
	is_str(t.repl_rev, "0123abcd", "the rev of package REPL");
	{
		struct db_toolchain d = { "repl", "4.9.0-rc2", t.lean_toolchain, t.mathlib_rev, t.repl_rev, 1 };
		key = db_toolchain_env_key(&d);
		is_str(key, "repl\x1f" "4.9.0-rc2\x1f" "leanprover/lean4:v4.9.0-rc2\x1f" "f0e1d2c3\x1f" "0123abcd",
		       "the environment key: checker, Lean version, lean-toolchain, Mathlib, REPL");
		{
			json_t *j = db_toolchain_env_json(key);
			is_str(json_string_value(json_object_get(j, "mathlib_rev")), "f0e1d2c3", "the key read back");
			json_decref(j);
		}
		free(key);
	}
	lean_toolchain_release(&t);
	{
		struct db_toolchain d = { "kimina", "4.15.0", NULL, NULL, NULL, 1 };
		json_t *j;
		key = db_toolchain_env_key(&d);
		is_str(key, "kimina\x1f" "4.15.0\x1f\x1f\x1f", "unknowns are empty in the key (as migrate-3.sql makes them)");
		j = db_toolchain_env_json(key);
		ok(json_is_null(json_object_get(j, "repl_rev")) && json_is_null(json_object_get(j, "lean_toolchain")),
		   "and null when read back");
		json_decref(j);
		free(key);
	}

	put(dir, "lake-manifest.json", "{\"packages\": [{\"name\": \"Mathlib\", \"rev\": \"9999\"}]}");
	lean_toolchain_read(dir, &t);
	ok(t.mathlib_rev && !strcmp(t.mathlib_rev, "9999") && !t.repl_rev, "package names compared without case");
	lean_toolchain_release(&t);

	put(dir, "lake-manifest.json", "{not json");
	fprintf(stderr, "# a warning follows:\n");
	ok(lean_toolchain_read(dir, &t) == 0 && !t.mathlib_rev && t.lean_toolchain, "a broken manifest: revisions unknown");
	lean_toolchain_release(&t);

	{
		char *a = xasprintf("%s/lean-toolchain", dir), *b = xasprintf("%s/lake-manifest.json", dir);
		unlink(a);
		unlink(b);
		rmdir(dir);
		free(a);
		free(b);
	}
	return done_testing();
}
