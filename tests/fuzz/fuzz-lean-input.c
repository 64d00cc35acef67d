/* fuzz-lean-input.c: a dataset's theorem as cs-ingest reads it (lean_text/lean_input.c):
 * lean_input_parse and lean_informal_doc. Invariants: a parse succeeds with its parts
 * or fails with a reason and a class; the statement is in the `:= by` form and is its
 * own normal form, under the same name; plain informal text becomes one comment. */
#include <string.h>

#include "cs.h"
#include "fuzz.h"
#include "lean_input.h"
#include "lean_scan.h"

static void check_parse(const char *text)
{
	struct lean_input in, again;
	char *why = NULL, *why2 = NULL;
	size_t n;
	if (lean_input_parse(text, &in, &why)) {
		FUZZ_CHECK(why && *why);
		FUZZ_CHECK(in.refusal != LEAN_INPUT_OK);
		FUZZ_CHECK(strcmp(lean_input_reason(in.refusal), "unknown"));
		lean_input_release(&in);
		free(why);
		return;
	}
	FUZZ_CHECK(!why && in.refusal == LEAN_INPUT_OK);
	FUZZ_CHECK(in.header && in.decl && in.statement && in.name && *in.name);
	n = strlen(in.statement);
	FUZZ_CHECK(n >= 6 && !strcmp(in.statement + n - 6, ":= by\n"));
	FUZZ_CHECK(!lean_input_parse(in.statement, &again, &why2));
	FUZZ_CHECK(!strcmp(again.statement, in.statement) && !strcmp(again.name, in.name));
	lean_input_release(&again);
	lean_input_release(&in);
}

static void check_doc(const char *text)
{
	struct lean_scanner sc;
	struct lean_tok t;
	char *doc = lean_informal_doc(text);
	if (!doc)
		return;
	/* a doc comment from any valid text is one comment token, the newline aside */
	if (cs_utf8_valid(text, strlen(text), NULL) && strncmp(doc, text, strlen(doc))) {
		size_t n = strlen(doc);
		lean_scan_init(&sc, doc, n);
		FUZZ_CHECK(lean_scan_next(&sc, &t) == LEAN_TOK_DOC && t.end == n - 1);
	}
	free(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = xstrndup((const char *)data, size);
	check_parse(text);
	check_doc(text);
	free(text);
	return 0;
}
