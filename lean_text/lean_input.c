/* lean_input.c: a theorem as a dataset publishes it, split and brought to the
 * pipeline's `:= by` form, on the tokens of lean_scan.h. The shapes met:
 *   miniF2F, ProverBench   `… := by` / `… := by\n  sorry`
 *   Lean Workbook          `… :=  by sorry`
 *   ProofNet (DeepSeek)    `… :=`
 *   PutnamBench            `… :=\nsorry`, the answer first as `abbrev …_solution : T := sorry`
 *   NuminaMath-LEAN, Goedel-Pset  imports and options before the theorem, `:= by sorry` */
#include <stdlib.h>
#include <string.h>

#include "cs.h"
#include "lean_decl.h"
#include "lean_input.h"
#include "lean_scan.h"

static int is_comment(const struct lean_tok *t)
{
	return t->kind == LEAN_TOK_COMMENT || t->kind == LEAN_TOK_DOC;
}

static int is_word(const char *src, const struct lean_tok *t, const char *w)
{
	return t->kind == LEAN_TOK_IDENT && lean_tok_is(src, t, w);
}

static int is_sorry(const char *src, const struct lean_tok *t)
{
	return is_word(src, t, "sorry") || is_word(src, t, "admit");
}

/* Index of the next non-comment token after i (the EOF token at the end). */
static size_t next_code(const struct lean_tok *v, size_t n, size_t i)
{
	for (i++; i + 1 < n && is_comment(&v[i]); i++)
		;
	return i < n ? i : n - 1;
}

/* Is v[i] a `theorem`/`lemma` keyword (followed by a name)? */
static int is_theorem_kw(const char *src, const struct lean_tok *v, size_t n, size_t i)
{
	return (is_word(src, &v[i], "theorem") || is_word(src, &v[i], "lemma")) &&
	       v[next_code(v, n, i)].kind == LEAN_TOK_IDENT;
}

static char *tok_text(const char *src, const struct lean_tok *t)
{
	return xstrndup(src + t->start, t->end - t->start);
}

/* At most 40 bytes of the line at src + a, cut on a code point, for messages. */
static char *excerpt(const char *src, size_t a)
{
	size_t n = strcspn(src + a, "\r\n");
	if (n > 40) {
		n = 40;
		while (n > 0 && ((unsigned char)src[a + n] & 0xc0) == 0x80)
			n--;
		return xasprintf("%.*s…", (int)n, src + a);
	}
	return xstrndup(src + a, n);
}

static int refuse(struct lean_input *in, enum lean_input_refusal r, int line, char **why, char *msg)
{
	in->refusal = r;
	in->why_line = line;
	*why = msg;
	return -1;
}

/* Does a code token of v[a..b) name `name` (alone or as the head of a dotted name)? */
static int uses_name(const char *src, const struct lean_tok *v, size_t a, size_t b, const char *name)
{
	size_t len = strlen(name);
	for (size_t i = a; i < b; i++)
		if (v[i].kind == LEAN_TOK_IDENT && v[i].end - v[i].start >= len &&
		    !memcmp(src + v[i].start, name, len) &&
		    (v[i].end - v[i].start == len || src[v[i].start + len] == '.'))
			return 1;
	return 0;
}

/* A `sorry` at v[s] before the declaration: the definition holding it (`def` or
 * `abbrev`, after the command's modifiers and attributes) when the theorem's
 * statement v[kw..assign) uses it, else a sorry in the header. */
static int header_sorry(const char *src, const struct lean_tok *v, size_t n, size_t s,
			const struct lean_decl *d, struct lean_input *in, char **why)
{
	size_t j = s, k;
	while (j > 0 && !(v[j].bol && v[j].col == 0 && lean_is_command_start(src, &v[j])))
		j--;
	for (k = j; k < s; k++) {
		if (is_word(src, &v[k], "def") || is_word(src, &v[k], "abbrev")) {
			size_t nm = next_code(v, n, k);
			char *name;
			if (v[nm].kind != LEAN_TOK_IDENT)
				break;
			name = tok_text(src, &v[nm]);
			if (uses_name(src, v, d->kw, d->assign, name)) {
				int line = v[k].line;
				char *msg = xasprintf("depends on `%s`, a definition left as `sorry`: the answer "
						      "is part of the problem; not supported", name);
				free(name);
				return refuse(in, LEAN_INPUT_ANSWER, line, why, msg);
			}
			free(name);
			break;
		}
	}
	return refuse(in, LEAN_INPUT_SORRY_HEADER, v[s].line, why,
		      xstrdup("a `sorry` in the header (before the theorem)"));
}

int lean_input_parse(const char *text, struct lean_input *in, char **why)
{
	struct lean_tok *v = NULL;
	struct lean_decl d;
	size_t n, i, first = (size_t)-1, s, proof[2], np = 0;
	int rc = -1;
	memset(in, 0, sizeof(*in));
	*why = NULL;
	if (lean_tokenize(text, strlen(text), 1, &v, &n, why)) {
		struct lean_scanner sc;
		struct lean_tok t;
		lean_scan_init(&sc, text, strlen(text));
		while (lean_scan_next(&sc, &t) != LEAN_TOK_EOF && t.kind != LEAN_TOK_ERROR)
			;
		in->refusal = LEAN_INPUT_UNREADABLE;
		in->why_line = t.line;
		return -1;
	}
	for (i = 0; i + 1 < n; i++) {
		if (!is_theorem_kw(text, v, n, i))
			continue;
		if (first == (size_t)-1) {
			first = i;
			continue;
		}
		char *a = tok_text(text, &v[next_code(v, n, first)]), *b = tok_text(text, &v[next_code(v, n, i)]);
		refuse(in, LEAN_INPUT_TWO_THEOREMS, v[i].line, why,
		       xasprintf("a second theorem, `%s` after `%s`: one theorem is expected", b, a));
		free(a);
		free(b);
		goto out;
	}
	if (first == (size_t)-1) {
		refuse(in, LEAN_INPUT_NO_THEOREM, 0, why, xstrdup("no theorem or lemma"));
		goto out;
	}
	if (lean_find_theorem(text, v, n, NULL, 0, &d, why)) {
		in->refusal = LEAN_INPUT_BAD_STATEMENT;
		in->why_line = v[first].line;
		goto out;
	}
	in->line = v[d.kw].line;
	in->name = tok_text(text, &v[d.name]);
	for (i = 0; i < d.first; i++) {
		if (is_sorry(text, &v[i])) {
			header_sorry(text, v, n, i, &d, in, why);
			goto out;
		}
		if (is_word(text, &v[i], "import"))
			in->header_imports = 1;
	}
	for (i = d.kw; i < d.assign; i++)
		if (is_sorry(text, &v[i])) {
			refuse(in, LEAN_INPUT_SORRY_STATEMENT, v[i].line, why,
			       xstrdup("a `sorry` inside the statement"));
			goto out;
		}
	/* the proof: nothing, `sorry`, `by` or `by sorry`, comments aside */
	for (i = d.assign + 1; i <= d.last && v[i].kind != LEAN_TOK_EOF; i++) {
		if (is_comment(&v[i]))
			continue;
		if (np < 2 && (np ? is_word(text, &v[proof[0]], "by") && is_sorry(text, &v[i])
				  : is_word(text, &v[i], "by") || is_sorry(text, &v[i]))) {
			proof[np++] = i;
			continue;
		}
		char *ex = excerpt(text, v[i].start);
		refuse(in, LEAN_INPUT_HAS_PROOF, v[i].line, why,
		       xasprintf("the theorem comes with a proof (`%s`); give its statement alone, "
				 "ending in `:= by` or `:= sorry`", ex));
		free(ex);
		goto out;
	}
	for (i = d.last + 1; i + 1 < n; i++)
		if (!is_comment(&v[i])) {
			char *ex = excerpt(text, v[i].start);
			refuse(in, LEAN_INPUT_TRAILING, v[i].line, why,
			       xasprintf("`%s` after the theorem: the theorem must come last", ex));
			free(ex);
			goto out;
		}
	in->header = xstrndup(text, v[d.first].start);
	s = d.first;
	if (v[s].kind == LEAN_TOK_DOC) {
		in->doc = tok_text(text, &v[s]);
		s = next_code(v, n, s);
	}
	in->decl = xstrndup(text + v[s].start, v[d.last].end - v[s].start);
	in->statement = xasprintf("%.*s by\n", (int)(v[d.assign].end - v[s].start), text + v[s].start);
	rc = 0;
out:
	free(v);
	return rc;
}

void lean_input_release(struct lean_input *in)
{
	if (!in)
		return;
	free(in->header);
	free(in->doc);
	free(in->decl);
	free(in->statement);
	free(in->name);
	memset(in, 0, sizeof(*in));
}

const char *lean_input_reason(enum lean_input_refusal r)
{
	static const char *const names[] = {
		[LEAN_INPUT_OK] = "ok",
		[LEAN_INPUT_UNREADABLE] = "unreadable",
		[LEAN_INPUT_NO_THEOREM] = "no-theorem",
		[LEAN_INPUT_BAD_STATEMENT] = "bad-statement",
		[LEAN_INPUT_TWO_THEOREMS] = "two-theorems",
		[LEAN_INPUT_HAS_PROOF] = "has-proof",
		[LEAN_INPUT_SORRY_STATEMENT] = "sorry-in-statement",
		[LEAN_INPUT_SORRY_HEADER] = "sorry-in-header",
		[LEAN_INPUT_ANSWER] = "answer-definition",
		[LEAN_INPUT_TRAILING] = "after-theorem",
	};
	return (unsigned)r < CS_ARRAY_SIZE(names) && names[r] ? names[r] : "unknown";
}

char *lean_informal_doc(const char *text)
{
	struct lean_scanner sc;
	struct lean_tok t;
	struct sbuf sb = SBUF_INIT;
	size_t a = strspn(text, " \t\r\n"), b = strlen(text);
	while (b > a && strchr(" \t\r\n", text[b - 1]))
		b--;
	if (a == b)
		return NULL;
	lean_scan_init(&sc, text + a, b - a);
	lean_scan_next(&sc, &t);
	if (is_comment(&t) && t.end == b - a)
		return xstrdup(text);
	sbuf_adds(&sb, "/-- ");
	for (size_t i = a; i < b; i++) {
		sbuf_addch(&sb, text[i]);
		if (i + 1 < b && ((text[i] == '/' && text[i + 1] == '-') || (text[i] == '-' && text[i + 1] == '/')))
			sbuf_addch(&sb, ' ');
	}
	sbuf_adds(&sb, " -/\n");
	return sbuf_detach(&sb);
}
