/* fuzz-lean-scan.c: the Lean 4 scanner (lean_text/lean_scan.c) and theorem parsing
 * on its tokens (lean_parse_theorem) over arbitrary bytes.
 * Invariants: tokens are in order, within the source, separated by whitespace
 * only, with the line, column and start-of-line the text says; one EOF token at
 * the end; dropping comments only drops comment tokens; lean_scan_next agrees with
 * lean_tokenize; a parsed theorem's offsets lie in the source, in order, and its
 * name finds it again. */
#include <string.h>

#include "cs.h"
#include "fuzz.h"
#include "lean_scan.h"
#include "lean_text.h"

static int is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int tok_eq(const struct lean_tok *a, const struct lean_tok *b)
{
	return a->kind == b->kind && a->start == b->start && a->end == b->end &&
	       a->line == b->line && a->col == b->col && a->bol == b->bol;
}

static void check_tokens(const char *src, size_t len, const struct lean_tok *v, size_t n)
{
	size_t prev = 0, line_start = 0;
	int line = 1, open_holes = 0;
	FUZZ_CHECK(n >= 1 && v[n - 1].kind == LEAN_TOK_EOF);
	FUZZ_CHECK(v[n - 1].start == len && v[n - 1].end == len);
	for (size_t i = 0; i < n; i++) {
		const struct lean_tok *t = &v[i];
		int col = 0, bol = 1;
		FUZZ_CHECK(t->kind != LEAN_TOK_ERROR);
		FUZZ_CHECK(i == n - 1 || t->kind != LEAN_TOK_EOF);
		FUZZ_CHECK(prev <= t->start && t->start <= t->end && t->end <= len);
		FUZZ_CHECK(t->kind == LEAN_TOK_EOF || t->end > t->start);
		for (size_t k = prev; k < t->start; k++) {
			FUZZ_CHECK(is_ws(src[k]));
			if (src[k] == '\n')
				line++, line_start = k + 1;
		}
		for (size_t k = line_start; k < t->start; k++) {
			col += ((unsigned char)src[k] & 0xC0) != 0x80;
			bol &= is_ws(src[k]);
		}
		FUZZ_CHECK(t->line == line);
		FUZZ_CHECK(t->col == col);
		if (t->kind != LEAN_TOK_EOF)
			FUZZ_CHECK(t->bol == bol);
		for (size_t k = t->start; k < t->end; k++)
			if (src[k] == '\n')
				line++, line_start = k + 1;
		switch (t->kind) {
		case LEAN_TOK_STRING:
			FUZZ_CHECK(src[t->start] == '"' || src[t->start] == 'r');
			FUZZ_CHECK(src[t->end - 1] == '"' || src[t->end - 1] == '#');
			break;
		case LEAN_TOK_INTERP:
			/* "…{ opens, }…{ continues, }…" closes */
			FUZZ_CHECK(t->end - t->start >= 2);
			if (src[t->start] == '"') {
				FUZZ_CHECK(src[t->end - 1] == '{');
				open_holes++;
			} else {
				FUZZ_CHECK(src[t->start] == '}' && open_holes > 0);
				FUZZ_CHECK(src[t->end - 1] == '{' || src[t->end - 1] == '"');
				open_holes -= src[t->end - 1] == '"';
			}
			break;
		case LEAN_TOK_NAME:
			FUZZ_CHECK(src[t->start] == '`' && t->end - t->start >= 2);
			break;
		case LEAN_TOK_IDENT: {
			char *raw = xstrndup(src + t->start, t->end - t->start);
			char *name = lean_ident_name(src, t, 0);
			FUZZ_CHECK(lean_ident_eq(src, t, raw, 0));
			FUZZ_CHECK(strlen(name) <= t->end - t->start);
			free(raw);
			free(name);
			break;
		}
		case LEAN_TOK_COMMENT:
		case LEAN_TOK_DOC:
			FUZZ_CHECK(t->end - t->start >= 2);
			FUZZ_CHECK(!memcmp(src + t->start, "--", 2) || !memcmp(src + t->start, "/-", 2));
			break;
		case LEAN_TOK_CHAR:
			FUZZ_CHECK(src[t->start] == '\'');
			break;
		case LEAN_TOK_NUMBER:
			FUZZ_CHECK(src[t->start] >= '0' && src[t->start] <= '9');
			break;
		default:
			break;
		}
		if (t->kind != LEAN_TOK_EOF) {
			char *word = xstrndup(src + t->start, t->end - t->start);
			FUZZ_CHECK(lean_tok_is(src, t, word));
			free(word);
		}
		prev = t->end;
	}
	FUZZ_CHECK(open_holes == 0);
}

static void check_theorem(const char *src)
{
	struct lean_theorem th, again;
	char *why = NULL;
	size_t len = strlen(src);
	if (lean_parse_theorem(src, NULL, &th, &why) < 0) {
		FUZZ_CHECK(why && *why);
		free(why);
		lean_theorem_release(&th);
		return;
	}
	FUZZ_CHECK(!why);
	FUZZ_CHECK(!strcmp(th.keyword, "theorem") || !strcmp(th.keyword, "lemma"));
	FUZZ_CHECK(*th.name && th.binders && th.conclusion);
	FUZZ_CHECK(th.decl_start < th.by_end && th.by_end <= th.end && th.end <= len);
	FUZZ_CHECK(th.by_end >= 2 && !memcmp(src + th.by_end - 2, "by", 2));
	FUZZ_CHECK(strstr(src + th.decl_start, th.name));
	/* Named, it is found again, unless the name occurs more than once (another
	 * declaration of that name may come first and be malformed). */
	if (!strstr(strstr(src, th.name) + 1, th.name)) {
		if (lean_parse_theorem(src, th.name, &again, &why) < 0) {
			fprintf(stderr, "theorem %s not found again: %s\n", th.name, why);
			FUZZ_CHECK(0);
		}
		FUZZ_CHECK(!strcmp(again.name, th.name) && again.decl_start == th.decl_start &&
			   again.by_end == th.by_end && again.end == th.end);
		lean_theorem_release(&again);
	}
	lean_theorem_release(&th);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *src = (const char *)data;
	struct lean_tok *v1 = NULL, *v0 = NULL, t;
	size_t n1, n0, k = 0;
	char *why1 = NULL, *why0 = NULL;
	struct lean_scanner s;
	int rc1 = lean_tokenize(src, size, 1, &v1, &n1, &why1);
	int rc0 = lean_tokenize(src, size, 0, &v0, &n0, &why0);

	FUZZ_CHECK(rc1 == rc0);
	if (rc1 < 0) {
		FUZZ_CHECK(why1 && why0 && !strcmp(why1, why0));
		FUZZ_CHECK(!v1 && !v0);
	} else {
		FUZZ_CHECK(!why1 && !why0);
		check_tokens(src, size, v1, n1);
		for (size_t i = 0; i < n1; i++) {
			if (v1[i].kind == LEAN_TOK_COMMENT || v1[i].kind == LEAN_TOK_DOC)
				continue;
			FUZZ_CHECK(k < n0 && tok_eq(&v1[i], &v0[k]));
			k++;
		}
		FUZZ_CHECK(k == n0);
	}
	/* The streaming interface gives the same tokens, then an error or EOF forever. */
	lean_scan_init(&s, src, size);
	for (size_t i = 0;; i++) {
		enum lean_tok_kind kind = lean_scan_next(&s, &t);
		FUZZ_CHECK(kind == t.kind);
		if (rc1 == 0) {
			FUZZ_CHECK(i < n1 && tok_eq(&t, &v1[i]));
		}
		if (kind == LEAN_TOK_ERROR)
			FUZZ_CHECK(rc1 < 0 && t.end == size);
		if (kind == LEAN_TOK_EOF || kind == LEAN_TOK_ERROR)
			break;
	}
	FUZZ_CHECK(lean_scan_next(&s, &t) == LEAN_TOK_EOF);
	free(v1);
	free(v0);
	free(why1);
	free(why0);

	if (!memchr(data, 0, size)) {
		char *z = xstrndup(src, size);
		check_theorem(z);
		free(z);
	}
	return 0;
}
