/* lean_toolchain: what a Lean project says it is built with, read from its files:
 * lean-toolchain (elan's pin, e.g. "leanprover/lean4:v4.9.0") and lake-manifest.json
 * (Lake's lock file: {"version", "packages": [{"name", "rev", "url", ...}], "name"},
 * as leanprover-community/mathlib4's own lake-manifest.json shows). Mathlib's package
 * is named "mathlib", the REPL's "REPL" (leanprover-community/repl lakefile.lean:
 * `package REPL`); names are compared without case. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <jansson.h>

#include "cs.h"
#include "lean_repl.h"

/* s with surrounding blanks removed, NULL when that leaves nothing; malloc'd. */
static char *trimmed(const char *s)
{
	size_t n;
	while (*s && isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return n ? xstrndup(s, n) : NULL;
}

/* The first line of a text file, trimmed; NULL when absent or empty. */
static char *first_line(const char *path)
{
	char *text = cs_read_file(path, NULL), *line;
	if (!text)
		return NULL;
	text[strcspn(text, "\n")] = '\0';
	line = trimmed(text);
	free(text);
	return line;
}

static char *package_rev(const json_t *manifest, const char *name)
{
	const json_t *pkgs = json_object_get(manifest, "packages"), *p;
	size_t i;
	json_array_foreach(pkgs, i, p) {
		const char *n = json_string_value(json_object_get(p, "name"));
		const char *rev = json_string_value(json_object_get(p, "rev"));
		if (n && rev && !strcasecmp(n, name))
			return trimmed(rev);
	}
	return NULL;
}

int lean_toolchain_read(const char *dir, struct lean_toolchain *out)
{
	char *path;
	json_t *m;
	json_error_t err;
	memset(out, 0, sizeof *out);
	if (!dir)
		return 0;
	path = xasprintf("%s/lean-toolchain", dir);
	out->lean_toolchain = first_line(path);
	free(path);
	path = xasprintf("%s/lake-manifest.json", dir);
	if ((m = json_load_file(path, 0, &err))) {
		out->mathlib_rev = package_rev(m, "mathlib");
		out->repl_rev = package_rev(m, "REPL");
		json_decref(m);
	} else if (access(path, F_OK) == 0) {
		warning("%s:%d: not a Lake manifest (%s): the Mathlib and REPL revisions are recorded as unknown",
			path, err.line, err.text);
	}
	free(path);
	return 0;
}

void lean_toolchain_release(struct lean_toolchain *t)
{
	free(t->lean_toolchain);
	free(t->mathlib_rev);
	free(t->repl_rev);
	memset(t, 0, sizeof *t);
}
