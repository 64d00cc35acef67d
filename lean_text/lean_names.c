/* lean_names.c: the names the audit reads, protected in the answer's text (pure
 * text, on the tokens of lean_scan.h): no declaration of the answer may share the
 * last part of the audited theorem's name or of the expected constant's, the
 * declarations an answer makes (whose native computations it may own), and what
 * follows a proof (cut off, never compiled). */
#include <stdlib.h>
#include <string.h>

#include "cs.h"
#include "lean_decl.h"
#include "lean_scan.h"
#include "lean_text.h"

/* The pool's expected constant is coldstart_expected_<8 hex> (lean_pool.c). */
static const char expected_prefix[] = "coldstart_expected";

/* Keywords whose next name is declared (lean_statement.c has the helper list). */
static const char *const declaring[] = {
	"def", "theorem", "lemma", "abbrev", "structure", "class", "inductive", "coinductive",
	"opaque", "axiom", "instance", "alias", "irreducible_def", "example",
};

static int last_is(const char *src, const struct lean_tok *t, const char *s, size_t n)
{
	const char *a;
	size_t na;
	lean_ident_last(src, t, &a, &na);
	return na == n && !memcmp(a, s, n);
}

static int last_expected(const char *src, const struct lean_tok *t)
{
	const char *a;
	size_t na;
	lean_ident_last(src, t, &a, &na);
	return na >= sizeof expected_prefix - 1 && !memcmp(a, expected_prefix, sizeof expected_prefix - 1);
}

static int refuse(const char *code, const struct lean_tok *t, const char *what, char **why)
{
	*why = xasprintf("`%.*s` at %d:%d %s", (int)(t->end - t->start), code + t->start, t->line, t->col, what);
	return -1;
}

int lean_audit_names_ok(const char *code, const struct lean_tok *v, size_t n, const struct lean_decl *dp,
			const char *theorem, char **why)
{
	const struct lean_decl d = *dp;
	const char *last;
	size_t nlast, prev = (size_t)-1;
	int after_where = 0;
	long depth = 0;
	struct lean_tok name = { LEAN_TOK_IDENT, 0, strlen(theorem), 1, 0, 1 };
	*why = NULL;
	lean_ident_last(theorem, &name, &last, &nlast);
	for (size_t i = 0; i < n && v[i].kind != LEAN_TOK_EOF; i++) {
		const struct lean_tok *t = &v[i];
		int b = lean_bracket(code, t), is_rec;
		if (t->kind == LEAN_TOK_COMMENT || t->kind == LEAN_TOK_DOC)
			continue;
		is_rec = prev != (size_t)-1 && lean_tok_is(code, &v[prev], "rec");
		prev = i;
		if (i > d.name && i <= d.last) {
			if (b > 0)
				depth++;
			else if (b < 0)
				depth--;
			/* `where` at depth 0 of the proof: auxiliary declarations NAME.aux follow */
			if (depth == 0 && t->kind == LEAN_TOK_IDENT && lean_tok_is(code, t, "where"))
				after_where = 1;
		}
		if (t->kind != LEAN_TOK_IDENT)
			continue;
		if (last_expected(code, t))
			return refuse(code, t, "names the audit's expected constant", why);
		if (i == d.name || !last_is(code, t, last, nlast))
			continue;
		/* Before the theorem nothing may bear its name (a declaration, a field, a
		 * constructor: `open` or a namespace would make it compete in the audit);
		 * inside the proof only a reference to the theorem itself, whole. */
		if (i < d.first)
			return refuse(code, t, "bears the audited theorem's name before it is declared", why);
		if (i <= d.last && (after_where || is_rec || !lean_ident_eq(code, t, theorem, LEAN_ID_DECL)))
			return refuse(code, t, "declares or names another constant with the audited theorem's name", why);
	}
	return 0;
}

int lean_check_audit_names(const char *code, const char *theorem, char **why)
{
	struct lean_tok *v = NULL;
	struct lean_decl d;
	size_t n;
	int rc = -1;
	*why = NULL;
	if (!lean_tokenize(code, strlen(code), 0, &v, &n, why) && !lean_find_theorem(code, v, n, theorem, 0, &d, why))
		rc = lean_audit_names_ok(code, v, n, &d, theorem, why);
	free(v);
	return rc;
}

int lean_code_declares(const char *code, const char *name)
{
	struct lean_tok *v = NULL;
	size_t n;
	char *why = NULL;
	int found = 0;
	if (lean_tokenize(code, strlen(code), 0, &v, &n, &why)) {
		free(why);
		return 0;
	}
	for (size_t i = 0; i + 1 < n && !found; i++)
		if (v[i].kind == LEAN_TOK_IDENT && lean_tok_in(code, &v[i], declaring, CS_ARRAY_SIZE(declaring)) &&
		    v[i + 1].kind == LEAN_TOK_IDENT)
			found = lean_ident_eq(code, &v[i + 1], name, LEAN_ID_DECL);
	free(v);
	return found;
}

char *lean_after_proof(const char *code, const char *theorem)
{
	struct lean_tok *v = NULL;
	struct lean_decl d;
	size_t n, i;
	char *why = NULL, *out = NULL;
	if (lean_tokenize(code, strlen(code), 1, &v, &n, &why) || lean_find_theorem(code, v, n, theorem, 0, &d, &why)) {
		free(why);
		free(v);
		return NULL;
	}
	for (i = d.last + 1; i < n && v[i].kind != LEAN_TOK_EOF; i++)
		if (v[i].kind != LEAN_TOK_COMMENT) {
			size_t end = strlen(code);
			while (end > v[i].start && strchr(" \t\r\n", code[end - 1]))
				end--;
			out = xstrndup(code + v[i].start, end - v[i].start);
			break;
		}
	free(v);
	return out;
}

/* Commands of tokens v[lo, hi) (comments excluded): a command runs from a token at
 * bracket depth 0 that starts one to the next; *starts receives their indices,
 * hi last. Returns how many commands. */
static size_t split_commands(const char *src, const struct lean_tok *v, size_t lo, size_t hi, size_t **starts)
{
	size_t k = 0;
	long depth = 0;
	*starts = xmalloc((hi - lo + 2) * sizeof **starts);
	for (size_t i = lo; i < hi; i++) {
		int b = lean_bracket(src, &v[i]);
		if (i == lo || (depth == 0 && lean_is_command_start(src, &v[i])))
			(*starts)[k++] = i;
		if (b > 0)
			depth++;
		else if (b < 0 && depth > 0)
			depth--;
	}
	(*starts)[k] = hi;
	return k;
}

static int same_command(const char *a, const struct lean_tok *va, size_t na, const char *b,
			const struct lean_tok *vb, size_t nb)
{
	if (na != nb)
		return 0;
	for (size_t i = 0; i < na; i++)
		if (va[i].kind != vb[i].kind || va[i].end - va[i].start != vb[i].end - vb[i].start ||
		    memcmp(a + va[i].start, b + vb[i].start, va[i].end - va[i].start))
			return 0;
	return 1;
}

char *lean_blank_prelude_repeats(const char *code, const char *formal, size_t *prelude_end)
{
	struct lean_tok *cv = NULL, *fv = NULL, *ck = NULL;
	struct lean_decl cd, fd;
	size_t cn, fn, ckn = 0, *cs = NULL, *fs = NULL, nc, nf;
	char *why = NULL, *out = xstrdup(code), *name = NULL;
	*prelude_end = 0;
	/* where the theorem starts, its docstring included */
	if (lean_tokenize(formal, strlen(formal), 1, &fv, &fn, &why) ||
	    lean_find_theorem(formal, fv, fn, NULL, 0, &fd, &why))
		goto out;
	for (size_t i = 0; i < fd.first && !*prelude_end; i++)
		if (fv[i].kind != LEAN_TOK_COMMENT && fv[i].kind != LEAN_TOK_DOC)
			*prelude_end = fv[fd.first].start;
	free(fv);
	fv = NULL;
	if (!*prelude_end)
		goto out; /* nothing but comments before the theorem */
	if (lean_tokenize(formal, strlen(formal), 0, &fv, &fn, &why) ||
	    lean_find_theorem(formal, fv, fn, NULL, 0, &fd, &why)) {
		*prelude_end = 0;
		goto out;
	}
	name = xstrndup(formal + fv[fd.name].start, fv[fd.name].end - fv[fd.name].start);
	if (lean_tokenize(code, strlen(code), 0, &cv, &cn, &why) ||
	    lean_find_theorem(code, cv, cn, name, 0, &cd, &why))
		goto out;
	nf = split_commands(formal, fv, 0, fd.first, &fs);
	nc = split_commands(code, cv, 0, cd.first, &cs);
	if (lean_tokenize(code, strlen(code), 1, &ck, &ckn, &why))
		goto out;
	for (size_t i = 0; i < nc; i++)
		for (size_t j = 0; j < nf; j++) {
			size_t from = cv[cs[i]].start, k;
			if (!same_command(code, cv + cs[i], cs[i + 1] - cs[i], formal, fv + fs[j], fs[j + 1] - fs[j]))
				continue;
			/* its docstring goes with it: left alone it would document the next command */
			for (k = 0; k < ckn && ck[k].start < from; k++)
				;
			if (k > 0 && ck[k - 1].kind == LEAN_TOK_DOC)
				from = ck[k - 1].start;
			/* blank it, line breaks kept: positions stay where they were */
			for (size_t p = from; p < cv[cs[i + 1] - 1].end; p++)
				if (out[p] != '\n')
					out[p] = ' ';
			break;
		}
out:
	free(ck);
	free(why);
	free(name);
	free(cv);
	free(fv);
	free(cs);
	free(fs);
	return out;
}
