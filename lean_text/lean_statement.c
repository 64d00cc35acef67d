/* lean_statement.c: the Lean code of a model reply, statement fidelity, and
 * normalized statements. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cs.h"
#include "lean_decl.h"
#include "lean_scan.h"
#include "lean_text.h"

/* Is line [s, e) an opening fence of a Lean block (``` then "lean4" or "lean",
 * spaces allowed around, any case)? Sets *fence if it is any fence at all. */
static int lean_fence(const char *s, const char *e, int *fence)
{
	size_t n;
	while (s < e && (*s == ' ' || *s == '\t'))
		s++;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		e--;
	*fence = e - s >= 3 && !memcmp(s, "```", 3);
	if (!*fence)
		return 0;
	for (s += 3; s < e && (*s == ' ' || *s == '\t'); s++)
		;
	n = (size_t)(e - s);
	return (n == 5 && !strncasecmp(s, "lean4", 5)) || (n == 4 && !strncasecmp(s, "lean", 4));
}

char *lean_extract_code(const char *reply, char **why)
{
	const char *p = reply, *body = NULL, *last = NULL, *last_end = NULL;
	int in_lean = 0, in_other = 0, fence;
	*why = NULL;
	while (*p) {
		const char *nl = strchr(p, '\n'), *e = nl ? nl : p + strlen(p);
		int is_lean = lean_fence(p, e, &fence);
		if (in_lean || in_other) {
			if (fence) {
				if (in_lean) {
					last = body;
					last_end = p;
				}
				in_lean = in_other = 0;
			}
		} else if (is_lean) {
			in_lean = 1;
			body = nl ? nl + 1 : e;
		} else if (fence) {
			in_other = 1;
		}
		p = nl ? nl + 1 : e;
	}
	if (in_lean) {
		*why = xstrdup("unclosed ```lean4 block (truncated answer?)");
		return NULL;
	}
	if (!last) {
		*why = xstrdup("no ```lean4 block in the answer");
		return NULL;
	}
	return xstrndup(last, (size_t)(last_end - last));
}

char *lean_normalize(const char *text)
{
	struct lean_scanner s;
	struct lean_tok t;
	struct sbuf sb = SBUF_INIT;
	size_t prev = 0;
	int gap = 0;
	lean_scan_init(&s, text, strlen(text));
	s.ws_lenient = 1;
	while (lean_scan_next(&s, &t) != LEAN_TOK_EOF) {
		if (t.start > prev)
			gap = 1;
		prev = t.end;
		if (t.kind == LEAN_TOK_COMMENT || t.kind == LEAN_TOK_DOC) {
			gap = 1;
			continue;
		}
		if (t.kind == LEAN_TOK_ERROR) {
			/* unreadable rest: whitespace runs made one space all the same */
			for (const char *q = text + t.start; *q; q++) {
				if (strchr(" \t\r\n", *q)) {
					gap = 1;
					continue;
				}
				if (gap && sb.len)
					sbuf_addch(&sb, ' ');
				gap = 0;
				sbuf_addch(&sb, *q);
			}
			break;
		}
		if (gap && sb.len)
			sbuf_addch(&sb, ' ');
		gap = 0;
		sbuf_add(&sb, text + t.start, t.end - t.start);
	}
	return sbuf_detach(&sb);
}

char *lean_decl_key(const char *decl)
{
	struct lean_scanner s;
	struct lean_tok t;
	int words = 0;
	lean_scan_init(&s, decl, strlen(decl));
	while (lean_scan_next(&s, &t) != LEAN_TOK_EOF) {
		if (t.kind == LEAN_TOK_COMMENT || t.kind == LEAN_TOK_DOC)
			continue;
		if (++words == 2)
			return lean_normalize(decl + t.end);
	}
	return lean_normalize(decl);
}

/* Spellings Lean's parser takes for one token (unicodeSymbol in
 * src/Lean/Parser/Term.lean: " → " " -> ", "∀" "forall", "λ" "fun", "← " "<- ";
 * " ↦" " =>" in current Lean's `fun`, Mathlib's `fun x ↦` macro before). */
static const char *const aliases[][2] = {
	{ "->", "→" }, { "forall", "∀" }, { "fun", "λ" }, { "<-", "←" }, { "=>", "↦" },
};

/* Token t as compared: the Unicode spelling of an alias, else its text. */
static const char *canon(const char *src, const struct lean_tok *t, size_t *n)
{
	for (size_t i = 0; i < CS_ARRAY_SIZE(aliases); i++)
		for (int k = 0; k < 2; k++)
			if (lean_tok_is(src, t, aliases[i][k])) {
				*n = strlen(aliases[i][1]);
				return aliases[i][1];
			}
	*n = t->end - t->start;
	return src + t->start;
}

/* Do tokens a of sa and b of sb read the same to Lean (aliases, «» aside)? */
static int same_token(const char *sa, const struct lean_tok *a, const char *sb,
		      const struct lean_tok *b)
{
	size_t na, nb;
	const char *ta = canon(sa, a, &na), *tb = canon(sb, b, &nb);
	if (na == nb && !memcmp(ta, tb, na))
		return ta != sa + a->start || a->kind == b->kind;
	if (a->kind == LEAN_TOK_IDENT && b->kind == LEAN_TOK_IDENT &&
	    (memchr(ta, '\xc2', na) || memchr(tb, '\xc2', nb))) {
		char *x = lean_ident_name(sa, a, 0);
		int same = lean_ident_eq(sb, b, x, 0);
		free(x);
		return same;
	}
	return 0;
}

/* Do token ranges a[0..na) of sa and b[0..nb) of sb hold the same tokens? Returns
 * the index of the first difference, or (size_t)-1 when equal. */
static size_t same_tokens(const char *sa, const struct lean_tok *a, size_t na, const char *sb,
			  const struct lean_tok *b, size_t nb)
{
	size_t i;
	for (i = 0; i < na && i < nb; i++)
		if (!same_token(sa, &a[i], sb, &b[i]))
			return i;
	return na == nb ? (size_t)-1 : i;
}

/* A short normalized excerpt of tokens v[i..n) of src: at most 60 bytes, cut on a
 * code point boundary; "(nothing)" when i >= n. malloc'd. */
static char *excerpt(const char *src, const struct lean_tok *v, size_t i, size_t n)
{
	char *raw, *norm;
	size_t len;
	if (i >= n)
		return xstrdup("(nothing)");
	raw = xstrndup(src + v[i].start, v[n - 1].end - v[i].start);
	norm = lean_normalize(raw);
	free(raw);
	len = strlen(norm);
	if (len > 60) {
		len = 60;
		while (len > 0 && ((unsigned char)norm[len] & 0xc0) == 0x80)
			len--;
		norm[len] = 0;
		raw = xasprintf("%s…", norm);
		free(norm);
		norm = raw;
	}
	return norm;
}

static int differ(const char *part, const char *code, const struct lean_tok *cv, size_t c0,
		  size_t c1, const char *formal, const struct lean_tok *fv, size_t f0, size_t f1,
		  char **why)
{
	size_t k = same_tokens(code, cv + c0, c1 - c0, formal, fv + f0, f1 - f0);
	char *got, *want;
	if (k == (size_t)-1)
		return 0;
	got = excerpt(code, cv, c0 + k, c1);
	want = excerpt(formal, fv, f0 + k, f1);
	*why = xasprintf("statement changed: %s differ at %d:%d: `%s` instead of `%s`", part,
			 c0 + k < c1 ? cv[c0 + k].line : cv[c1].line,
			 c0 + k < c1 ? cv[c0 + k].col : cv[c1].col, got, want);
	free(got);
	free(want);
	return -1;
}

/* The theorem formal states (tokens *fv without comments, *fd) and the theorem of
 * that name in code (tokens *cv, comments kept when keep, *cd). 0, or -1 with *why,
 * prefix before what concerns the code; the caller frees *cv and *fv either way. */
static int two_theorems(const char *code, const char *formal, int keep, struct lean_tok **cv,
			size_t *cn, struct lean_decl *cd, struct lean_tok **fv, size_t *fn,
			struct lean_decl *fd, const char *prefix, char **why)
{
	char *name = NULL, *w = NULL;
	int rc = -1;
	*cv = NULL;
	if (lean_tokenize(formal, strlen(formal), 0, fv, fn, &w) ||
	    lean_find_theorem(formal, *fv, *fn, NULL, 0, fd, &w)) {
		*why = xasprintf("formal statement unusable: %s", w);
		goto out;
	}
	name = lean_ident_name(formal, &(*fv)[fd->name], LEAN_ID_DECL);
	if (lean_tokenize(code, strlen(code), keep, cv, cn, &w))
		*why = xasprintf("%sunreadable code: %s", prefix, w);
	else if (lean_find_theorem(code, *cv, *cn, name, 0, cd, &w))
		*why = xasprintf("%stheorem %s missing (%s)", prefix, name, w);
	else
		rc = 0;
out:
	free(w);
	free(name);
	return rc;
}

int lean_check_statement(const char *code, const char *formal_statement, char **why)
{
	struct lean_tok *cv = NULL, *fv = NULL;
	struct lean_decl cd, fd;
	size_t cn, fn;
	int rc = -1;
	*why = NULL;
	if (two_theorems(code, formal_statement, 0, &cv, &cn, &cd, &fv, &fn, &fd, "statement changed: ", why))
		goto out;
	if (differ("binders", code, cv, cd.name + 1, cd.colon, formal_statement, fv, fd.name + 1,
		   fd.colon, why) ||
	    differ("conclusions", code, cv, cd.colon + 1, cd.assign, formal_statement, fv,
		   fd.colon + 1, fd.assign, why))
		goto out;
	rc = 0;
out:
	free(cv);
	free(fv);
	return rc;
}

/* Declaration keywords whose next token is the name declared. */
static const char *const declaring[] = {
	"def", "theorem", "lemma", "abbrev", "structure", "class", "inductive", "coinductive",
	"opaque", "axiom", "instance", "alias", "irreducible_def",
};

/* Could an identifier of the statement's tokens fv[0..fn) resolve to the constant
 * that identifier t of src declares? Name resolution (ResolveName.lean) finds
 * S as P.S for an open namespace or the current one P, so it can when S's parts
 * end H's parts; and generalized field notation (`x.f` with x a variable of
 * type T is T.f) when S is `v.…f` with v a one-part name of the statement (a
 * binder, say) and f H's last part. `Aux.sqrt` is no `Real.sqrt`. */
static int names_statement(const char *src, const struct lean_tok *t, const char *formal,
			   const struct lean_tok *fv, size_t fn)
{
	char *h = lean_ident_name(src, t, LEAN_ID_DECL), *sname, *dot;
	const char *a, *b;
	size_t na, nb, hl = strlen(h), sl;
	int hit = 0;
	lean_ident_last(src, t, &a, &na);
	for (size_t i = 0; i < fn && !hit; i++) {
		if (fv[i].kind != LEAN_TOK_IDENT)
			continue;
		lean_ident_last(formal, &fv[i], &b, &nb);
		if (na != nb || memcmp(a, b, na))
			continue;
		sname = lean_ident_name(formal, &fv[i], 0);
		sl = strlen(sname);
		/* S's parts end H's parts */
		if (sl <= hl && !strcmp(h + hl - sl, sname) && (sl == hl || h[hl - sl - 1] == '.'))
			hit = 1;
		/* v.f with v a one-part name of the statement: field notation */
		if (!hit && (dot = strchr(sname, '.'))) {
			for (size_t k = 0; k < fn && !hit; k++)
				hit = fv[k].kind == LEAN_TOK_IDENT &&
				      (size_t)(dot - sname) == fv[k].end - fv[k].start &&
				      !memcmp(formal + fv[k].start, sname, (size_t)(dot - sname));
		}
		free(sname);
	}
	free(h);
	return hit;
}

static int declares(const char *code, const struct lean_tok *t, char **why)
{
	*why = xasprintf("`%.*s` declared at %d:%d before the theorem is a name the statement uses",
			 (int)(t->end - t->start), code + t->start, t->line, t->col);
	return -1;
}

/* Is the `in` at v[last] the end of an `open … in` command: `open`, then names
 * (and `scoped`), nothing else? */
static int open_in(const char *code, const struct lean_tok *v, size_t last)
{
	size_t i = last;
	while (i-- > 0) {
		if (v[i].kind == LEAN_TOK_COMMENT || v[i].kind == LEAN_TOK_DOC)
			continue;
		if (v[i].kind != LEAN_TOK_IDENT)
			return 0;
		if (lean_tok_is(code, &v[i], "open"))
			return i + 1 < last;
		if (lean_tok_is(code, &v[i], "scoped"))
			continue;
		if (lean_is_command_start(code, &v[i]) || lean_tok_is(code, &v[i], "in") ||
		    lean_tok_is(code, &v[i], "renaming") || lean_tok_is(code, &v[i], "hiding"))
			return 0;
	}
	return 0;
}

/* What precedes the statement, v[0..first) of code: refused when something is
 * open where the statement starts, or when a declaration there declares a name
 * the statement uses (its last part, as `open` would make it visible). */
static int check_helpers(const char *code, const struct lean_tok *v, size_t first,
			 const char *formal, const struct lean_tok *fv, size_t fn, char **why)
{
	/* a `section` (also `noncomputable section`) open around the statement changes
	 * no name: only `namespace` and `mutual` are refused there */
	static const char *const blocks[] = { "namespace", "mutual" };
	size_t i, last = (size_t)-1, opened = 0, nblocks = 0, block_at = 0;
	long depth = 0;
	int in_inductive = 0;
	for (i = 0; i < first; i++) {
		const struct lean_tok *t = &v[i];
		size_t k;
		int b;
		if (t->kind == LEAN_TOK_COMMENT || t->kind == LEAN_TOK_DOC)
			continue;
		last = i;
		if ((b = lean_bracket(code, t)) > 0 && depth++ == 0)
			opened = i;
		else if (b < 0)
			depth--;
		if (depth > 0 || t->kind != LEAN_TOK_IDENT)
			continue;
		if (lean_tok_in(code, t, blocks, CS_ARRAY_SIZE(blocks))) {
			if (nblocks++ == 0)
				block_at = i;
		} else if (lean_tok_is(code, t, "end") && nblocks) {
			nblocks--;
		}
		if (lean_tok_in(code, t, declaring, CS_ARRAY_SIZE(declaring)) || lean_is_command_start(code, t))
			in_inductive = lean_tok_is(code, t, "inductive");
		/* the names of `alias a := …`, `alias ⟨a, b⟩ := …` */
		if (lean_tok_is(code, t, "alias")) {
			for (k = i + 1; k < first && !lean_tok_is(code, &v[k], ":="); k++)
				if (v[k].kind == LEAN_TOK_IDENT && names_statement(code, &v[k], formal, fv, fn))
					return declares(code, &v[k], why);
			continue;
		}
		/* the name after a declaring keyword; a constructor `| name` of an inductive */
		if (in_inductive && i > 0 && lean_tok_is(code, &v[i - 1], "|")) {
			k = i;
		} else if (lean_tok_in(code, t, declaring, CS_ARRAY_SIZE(declaring))) {
			for (k = i + 1; k < first && (v[k].kind == LEAN_TOK_COMMENT || v[k].kind == LEAN_TOK_DOC); k++)
				;
			if (k >= first || v[k].kind != LEAN_TOK_IDENT)
				continue;
		} else {
			continue;
		}
		if (names_statement(code, &v[k], formal, fv, fn))
			return declares(code, &v[k], why);
	}
	if (depth > 0) {
		*why = xasprintf("`%.*s` at %d:%d is still open where the statement starts",
				 (int)(v[opened].end - v[opened].start), code + v[opened].start,
				 v[opened].line, v[opened].col);
		return -1;
	}
	if (nblocks) {
		*why = xasprintf("`%.*s` at %d:%d is still open where the statement starts",
				 (int)(v[block_at].end - v[block_at].start), code + v[block_at].start,
				 v[block_at].line, v[block_at].col);
		return -1;
	}
	/* `… in` applies to the next command: the statement. `set_option … in` and
	 * `open … in` / `open scoped … in` may (the type comparison in Lean catches a
	 * statement that an opened namespace makes mean another thing); nothing else */
	if (last != (size_t)-1 && lean_tok_is(code, &v[last], "in") &&
	    !(last >= 3 && lean_tok_is(code, &v[last - 3], "set_option")) && !open_in(code, v, last)) {
		*why = xasprintf("`in` at %d:%d would apply to the statement", v[last].line, v[last].col);
		return -1;
	}
	return 0;
}

char *lean_graft_statement(const char *code, const char *formal_statement, char **why)
{
	struct lean_tok *cv = NULL, *fv = NULL;
	struct lean_decl cd, fd;
	struct sbuf sb = SBUF_INIT;
	size_t cn, fn, cut, prelude;
	char *out = NULL, *name = NULL;
	/* the problem's own definitions, repeated verbatim, are compiled from the problem */
	char *own = lean_blank_prelude_repeats(code, formal_statement, &prelude);
	const char *formal_from = formal_statement + prelude;
	*why = NULL;
	code = own;
	if (two_theorems(code, formal_statement, 1, &cv, &cn, &cd, &fv, &fn, &fd, "", why))
		goto out;
	name = xstrndup(formal_statement + fv[fd.name].start, fv[fd.name].end - fv[fd.name].start);
	if (lean_audit_names_ok(code, cv, cn, &cd, name, why))
		goto out;
	if (check_helpers(code, cv, cd.first, formal_statement, fv, fn, why))
		goto out;
	/* the problem's prelude (its definitions) first, then the model's helpers */
	sbuf_add(&sb, formal_statement, prelude);
	if (prelude && formal_statement[prelude - 1] != '\n')
		sbuf_addch(&sb, '\n');
	cut = cv[cd.first].start;
	sbuf_add(&sb, code, cut);
	if (cut && code[cut - 1] != '\n')
		sbuf_addch(&sb, '\n');
	if (cd.by) {
		/* the statement to its `:= by`, the model's tactics after its own */
		sbuf_add(&sb, formal_from, (size_t)(formal_statement + (fd.by ? fv[fd.by].end : fv[fd.assign].end) - formal_from));
		if (!fd.by)
			sbuf_adds(&sb, " by");
		sbuf_add(&sb, code + cv[cd.by].end, cv[cd.last].end - cv[cd.by].end);
	} else {
		/* a term proof: the statement to its `:=`, the model's term after its own */
		sbuf_add(&sb, formal_from, (size_t)(formal_statement + fv[fd.assign].end - formal_from));
		sbuf_add(&sb, code + cv[cd.assign].end, cv[cd.last].end - cv[cd.assign].end);
	}
	sbuf_addch(&sb, '\n');
	out = sbuf_detach(&sb);
out:
	free(cv);
	free(fv);
	free(name);
	free(own);
	return out;
}
