/* fuzz-lean-text.c: what coldstart does to a model's answer before Lean sees it
 * (lean_text/lean_statement.c, lean_forbid.c): lean_extract_code, lean_check_forbidden,
 * lean_check_statement, lean_graft_statement, lean_normalize, lean_proof_body.
 * Invariants: the extracted code is a piece of the answer; a stricter policy never
 * accepts what a looser one refuses; code states its own theorem's statement; a
 * graft states the statement it was given, holds it verbatim and scans;
 * normalizing is idempotent. */
#include <string.h>

#include "cs.h"
#include "fuzz.h"
#include "lean_scan.h"
#include "lean_text.h"

static int forbidden(const char *code, const struct lean_policy *pol)
{
	char *why = NULL;
	int rc = lean_check_forbidden(code, pol, &why);
	FUZZ_CHECK(rc == 0 || rc == -1);
	FUZZ_CHECK((rc < 0) == (why != NULL));
	FUZZ_CHECK(!why || *why);
	free(why);
	return rc;
}

/* Normalizing twice changes nothing, unless the code does not scan (its unreadable
 * rest is only squeezed) or has a lone `'` (`'` `'` across whitespace becomes the
 * character literal `' '`). */
static int normalize_is_stable(const char *code)
{
	struct lean_tok *v;
	size_t n;
	char *why;
	int ok = lean_tokenize(code, strlen(code), 1, &v, &n, &why) == 0;
	for (size_t i = 0; ok && i < n; i++)
		if (v[i].kind == LEAN_TOK_SYMBOL && lean_tok_is(code, &v[i], "'"))
			ok = 0;
	if (why)
		free(why);
	free(v);
	return ok;
}

static void check_code(const char *code)
{
	static const struct lean_policy strict = { 0, 0, 0 };
	static const struct lean_policy loose = { 1, 1, 400000 };
	struct lean_theorem th;
	char *why = NULL, *n1, *n2, *body;

	if (forbidden(code, &strict) == 0)
		FUZZ_CHECK(forbidden(code, &loose) == 0);

	n1 = lean_normalize(code);
	FUZZ_CHECK(!*n1 || (n1[0] != ' ' && n1[strlen(n1) - 1] != ' '));
	if (normalize_is_stable(code)) {
		n2 = lean_normalize(n1);
		FUZZ_CHECK(!strcmp(n1, n2));
		free(n2);
	}
	free(n1);

	if (lean_parse_theorem(code, NULL, &th, &why) < 0) {
		free(why);
		lean_theorem_release(&th);
		return;
	}
	/* A statement built from the theorem's own parts is the statement (when its
	 * name occurs once: an earlier malformed namesake would be found first). */
	if (!strcmp(th.keyword, "theorem") && !strstr(strstr(code, th.name) + 1, th.name)) {
		/* Line breaks keep a trailing line comment from swallowing what follows. */
		char *formal = xasprintf("theorem %s\n%s\n:\n%s\n:= by", th.name, th.binders,
					 th.conclusion);
		char *g;
		if (lean_check_statement(code, formal, &why) < 0) {
			fprintf(stderr, "own statement refused: %s\nformal: %s\n", why, formal);
			FUZZ_CHECK(0);
		}
		FUZZ_CHECK(!why);
		g = lean_graft_statement(code, formal, &why);
		FUZZ_CHECK((g == NULL) == (why != NULL));
		if (g) {
			struct lean_tok *v;
			size_t n;
			char *w = NULL;
			FUZZ_CHECK(strstr(g, formal));
			FUZZ_CHECK(lean_tokenize(g, strlen(g), 1, &v, &n, &w) == 0);
			free(v);
			if (lean_check_statement(g, formal, &w) < 0) {
				fprintf(stderr, "graft refused its statement: %s\ngraft: %s\n", w, g);
				FUZZ_CHECK(0);
			}
			free(g);
		}
		free(why);
		why = NULL;
		free(formal);
	}
	body = lean_proof_body(code, th.name, &why);
	FUZZ_CHECK((body == NULL) == (why != NULL));
	free(body);
	free(why);
	lean_theorem_release(&th);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *reply = xstrndup((const char *)data, size), *why = NULL;
	char *code = lean_extract_code(reply, &why);

	if (code) {
		FUZZ_CHECK(!why);
		FUZZ_CHECK(strstr(reply, code));
		check_code(code);
	} else {
		FUZZ_CHECK(why && *why);
		free(why);
	}
	/* The answer itself as code: what a prover without fences might send. */
	check_code(reply);
	free(code);
	free(reply);
	return 0;
}
