/* lean_context: locals a tactic introduces, read from the text of the types.
 *
 * A type is looked at only at its top: the lowest-precedence connective outside
 * brackets (Lean 4 core: ↔ 20, → 25 right, ∨ 30 right, ∧ 35 right, ¬ max with its
 * argument at 40, = ≠ < ≤ … 50; src/Init/Core.lean and Prelude.lean), where a binder
 * (∀ ∃ fun λ) runs to the end of the text and so hides what follows it. Big
 * operators (∑ ∏) take their body at precedence 67 and hide nothing.
 *
 * Binders read: `∀ x y : T, P`, `∀ (x : T) {y : U}, P`, `∀ x, P` (type not written:
 * the local has none and the lemma binder is `(x)`, Lean infers it as it did in
 * the theorem), `∀ x > 0, P` and the other binder predicates (`x > 0 → P`), `A → B`,
 * `(x : T) → P`, `¬A` (`A → False`), `a ≠ b` (`a = b → False`); `∃` likewise with ∧.
 * Renaming a bound name refuses when a binder inside binds the old or a new name. */
#include <stdlib.h>
#include <string.h>

#include "cs.h"
#include "lean_scan.h"
#include "lean_context.h"

/* A text and its code tokens (EOF excluded). */
struct tv {
	const char *s;
	struct lean_tok *v;
	size_t n;
};

static int tv_init(struct tv *t, const char *s, char **why)
{
	size_t n;
	t->s = s;
	t->v = NULL;
	t->n = 0;
	if (lean_tokenize(s, strlen(s), 0, &t->v, &n, why))
		return -1;
	t->n = n - 1;
	return 0;
}

static int is(const struct tv *t, size_t i, const char *w)
{
	return i < t->n && lean_tok_is(t->s, &t->v[i], w);
}

static int is_ident(const struct tv *t, size_t i)
{
	return i < t->n && t->v[i].kind == LEAN_TOK_IDENT;
}

static int opens(const struct tv *t, size_t i)
{
	return is(t, i, "(") || is(t, i, "[") || is(t, i, "{") || is(t, i, "⦃") || is(t, i, "⟨");
}

static int closes(const struct tv *t, size_t i)
{
	return is(t, i, ")") || is(t, i, "]") || is(t, i, "}") || is(t, i, "⦄") || is(t, i, "⟩");
}

/* Index of the bracket closing the one at i (t->n when unbalanced). */
static size_t close_of(const struct tv *t, size_t i)
{
	long depth = 0;
	for (; i < t->n; i++)
		if (opens(t, i))
			depth++;
		else if (closes(t, i) && --depth == 0)
			return i;
	return t->n;
}

/* Text of tokens [i, j), malloc'd ("" when empty). */
static char *slice(const struct tv *t, size_t i, size_t j)
{
	if (i >= j)
		return xstrdup("");
	return xstrndup(t->s + t->v[i].start, t->v[j - 1].end - t->v[i].start);
}

/* Does a binder starting at token i run to the end of the text? */
static int binder_kw(const struct tv *t, size_t i)
{
	static const char *const kw[] = { "∀", "∃", "∃!", "∄", "fun", "λ", "Π", "Σ", "let", "have", "if",
					  "show", "match", "do" };
	for (size_t k = 0; k < CS_ARRAY_SIZE(kw); k++)
		if (is(t, i, kw[k]))
			return 1;
	return 0;
}

enum shape { SH_ATOM, SH_FORALL, SH_EXISTS, SH_IMP, SH_IFF, SH_OR, SH_AND, SH_NOT, SH_NE, SH_OTHER };

/* The top of tokens [*lo, *hi) (outer parentheses stripped into *lo, *hi); *at: the
 * connective's token. SH_OTHER: a top the text cannot be read at (`<|`, `$`, …). */
static enum shape shape(const struct tv *t, size_t *lo, size_t *hi, size_t *at)
{
	size_t imp = 0, iff = 0, or_ = 0, and_ = 0, ne = 0;
	int seen_imp = 0, seen_iff = 0, seen_or = 0, seen_and = 0, seen_ne = 0;
	long depth = 0;
	while (*hi - *lo >= 2 && is(t, *lo, "(") && close_of(t, *lo) == *hi - 1) {
		++*lo;
		--*hi;
	}
	if (*lo >= *hi)
		return SH_OTHER;
	for (size_t i = *lo; i < *hi; i++) {
		if (opens(t, i)) {
			depth++;
			continue;
		}
		if (closes(t, i)) {
			depth--;
			continue;
		}
		if (depth)
			continue;
		if (binder_kw(t, i))
			break;
		if (is(t, i, "<|") || is(t, i, "$") || is(t, i, "|>") || is(t, i, "|>.") || is(t, i, ":=") ||
		    is(t, i, "=>") || is(t, i, ";") || is(t, i, ":"))
			return SH_OTHER;
		if (is(t, i, "↔") && !seen_iff)
			seen_iff = 1, iff = i;
		else if (is(t, i, "→") && !seen_imp)
			seen_imp = 1, imp = i;
		else if (is(t, i, "∨") && !seen_or)
			seen_or = 1, or_ = i;
		else if (is(t, i, "∧") && !seen_and)
			seen_and = 1, and_ = i;
		else if (is(t, i, "≠") && !seen_ne)
			seen_ne = 1, ne = i;
	}
	if (seen_iff)
		return *at = iff, SH_IFF;
	if (seen_imp)
		return *at = imp, SH_IMP;
	if (seen_or)
		return *at = or_, SH_OR;
	if (seen_and)
		return *at = and_, SH_AND;
	*at = *lo;
	if (is(t, *lo, "¬"))
		return SH_NOT;
	if (is(t, *lo, "∀"))
		return SH_FORALL;
	if (is(t, *lo, "∃"))
		return is(t, *lo + 1, "!") ? SH_OTHER : SH_EXISTS;
	if (binder_kw(t, *lo))
		return SH_OTHER;
	if (seen_ne)
		return *at = ne, SH_NE;
	return SH_ATOM;
}

/* s with one pair of outer parentheses around the whole dropped, malloc'd. */
static char *unparen(const char *s)
{
	struct tv t;
	char *w = NULL, *r;
	size_t lo = 0, hi;
	if (tv_init(&t, s, &w)) {
		free(w);
		return xstrdup(s);
	}
	hi = t.n;
	while (hi - lo >= 2 && is(&t, lo, "(") && close_of(&t, lo) == hi - 1) {
		lo++;
		hi--;
	}
	r = lo ? slice(&t, lo, hi) : xstrdup(s);
	free(t.v);
	return r;
}

/* s parenthesized unless it is one token or one bracketed group, malloc'd. */
static char *paren(const char *s)
{
	struct tv t;
	char *w = NULL, *r;
	if (tv_init(&t, s, &w)) {
		free(w);
		return xasprintf("(%s)", s);
	}
	if (t.n == 1 || (t.n > 1 && opens(&t, 0) && close_of(&t, 0) == t.n - 1))
		r = xstrdup(s);
	else
		r = xasprintf("(%s)", s);
	free(t.v);
	return r;
}

/* The top of text s (SH_OTHER when it does not scan). */
static enum shape top_of(const char *s)
{
	struct tv t;
	char *w = NULL;
	size_t lo = 0, hi, at;
	enum shape sh;
	if (tv_init(&t, s, &w)) {
		free(w);
		return SH_OTHER;
	}
	hi = t.n;
	sh = shape(&t, &lo, &hi, &at);
	free(t.v);
	return sh;
}

/* s as the left (left) or right of →: parenthesized unless its top binds
 * tighter (left), or when its top is ↔ or unreadable (right). malloc'd. */
static char *arrow_side(const char *s, int left)
{
	enum shape sh = top_of(s);
	int bare = left ? sh == SH_ATOM || sh == SH_NOT || sh == SH_NE || sh == SH_OR || sh == SH_AND
			: sh != SH_IFF && sh != SH_OTHER;
	return bare ? xstrdup(s) : xasprintf("(%s)", s);
}

static void add_local(struct lean_locals *l, char *name, char *type)
{
	l->v = cs_grow(l->v, &l->cap, l->n, sizeof *l->v);
	l->v[l->n].name = name;
	l->v[l->n++].type = type;
}

void lean_locals_release(struct lean_locals *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].type);
	}
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

/* Does a binder inside t bind name (len bytes)? Binders: ∀ ∃ fun λ and the big
 * operators up to their `,` (`in`/`∈` for ∑ i in s), set-builder `{x | …}`. */
static int binds(const struct tv *t, const char *name, size_t len)
{
	static const char *const kw[] = { "∀", "∃", "∄", "fun", "λ", "Π", "Σ", "∑", "∏", "⋃", "⋂", "⨆", "⨅" };
	for (size_t i = 0; i < t->n; i++) {
		size_t k, j;
		int big;
		if (is(t, i, "{") && is_ident(t, i + 1) && (is(t, i + 2, "|") || is(t, i + 2, ":") || is(t, i + 2, "∈"))) {
			if (t->v[i + 1].end - t->v[i + 1].start == len && !memcmp(t->s + t->v[i + 1].start, name, len))
				return 1;
			continue;
		}
		for (k = 0; k < CS_ARRAY_SIZE(kw) && !is(t, i, kw[k]); k++)
			;
		if (k == CS_ARRAY_SIZE(kw))
			continue;
		big = k >= 7;
		for (j = i + 1; j < t->n; j++) {
			if (is(t, j, ",") || is(t, j, "=>") || is(t, j, "↦") || (big && (is(t, j, "in") || is(t, j, "∈"))))
				break;
			if (is_ident(t, j) && t->v[j].end - t->v[j].start == len && !memcmp(t->s + t->v[j].start, name, len))
				return 1;
		}
	}
	return 0;
}

char *lean_ctx_subst(const char *text, const char *old, const char *new_term, char **why)
{
	struct tv t, nt;
	struct sbuf sb = SBUF_INIT;
	size_t at = 0, olen = strlen(old);
	char *np;
	*why = NULL;
	if (tv_init(&t, text, why))
		return NULL;
	if (binds(&t, old, olen)) {
		*why = xasprintf("a binder inside `%s` binds %s again", text, old);
		free(t.v);
		return NULL;
	}
	if (tv_init(&nt, new_term, why)) {
		free(t.v);
		return NULL;
	}
	for (size_t i = 0; i < nt.n; i++)
		if (is_ident(&nt, i) && binds(&t, nt.s + nt.v[i].start, nt.v[i].end - nt.v[i].start)) {
			*why = xasprintf("a binder inside `%s` would capture %.*s", text,
					 (int)(nt.v[i].end - nt.v[i].start), nt.s + nt.v[i].start);
			free(t.v);
			free(nt.v);
			return NULL;
		}
	np = nt.n == 1 ? xstrdup(new_term) : paren(new_term);
	for (size_t i = 0; i < t.n; i++) {
		const char *p = text + t.v[i].start;
		size_t len = t.v[i].end - t.v[i].start;
		if (t.v[i].kind != LEAN_TOK_IDENT || len < olen || memcmp(p, old, olen) || (len > olen && p[olen] != '.'))
			continue;
		/* x and x.den: the field stays after the (parenthesized) term */
		sbuf_add(&sb, text + at, t.v[i].start - at);
		sbuf_adds(&sb, np);
		sbuf_add(&sb, p + olen, len - olen);
		at = t.v[i].end;
	}
	sbuf_adds(&sb, text + at);
	free(np);
	free(t.v);
	free(nt.v);
	return sbuf_detach(&sb);
}

/* The first binder of a ∀/∃ text (shape at lo): *name, *type (NULL: untyped),
 * *implicit, and the text left after it (∀/∃ of the other binders, or the body, or
 * `x > 0 → body` for a binder predicate). 0, or -1 with why. */
static int first_binder(const struct tv *t, size_t lo, size_t hi, int exists, char **name, char **type,
			int *implicit, char **rest, char **why)
{
	size_t comma, b = lo + 1, e;
	long depth = 0;
	const char *q = exists ? "∃" : "∀";
	char *body, *more = NULL;
	*name = *type = *rest = NULL;
	*implicit = 0;
	for (comma = b; comma < hi; comma++) {
		if (opens(t, comma))
			depth++;
		else if (closes(t, comma))
			depth--;
		else if (!depth && is(t, comma, ","))
			break;
	}
	if (comma >= hi || comma == b) {
		*why = xstrdup("cannot read the binders");
		return -1;
	}
	body = slice(t, comma + 1, hi);
	if (opens(t, b) && !is(t, b, "⟨")) {
		size_t c = close_of(t, b), colon = b + 1;
		if (c >= comma) {
			free(body);
			*why = xstrdup("unbalanced binder group");
			return -1;
		}
		if (is(t, b, "[")) {
			free(body);
			*why = xstrdup("an instance binder [...] cannot be named by the text");
			return -1;
		}
		*implicit = !is(t, b, "(");
		while (colon < c && is_ident(t, colon))
			colon++;
		if (colon == b + 1 || (colon < c && !is(t, colon, ":"))) {
			free(body);
			*why = xstrdup("cannot read a binder group");
			return -1;
		}
		*name = slice(t, b + 1, b + 2);
		*type = colon < c ? slice(t, colon + 1, c) : NULL;
		if (colon > b + 2) {
			/* (x y : T): y stays in the group */
			char *open = slice(t, b, b + 1), *names = slice(t, b + 2, colon), *tail = slice(t, colon, c + 1);
			more = xasprintf("%s%s %s", open, names, tail);
			free(open);
			free(names);
			free(tail);
		}
		e = c + 1;
		if (e < comma) {
			char *others = slice(t, e, comma), *m = more ? xasprintf("%s %s", more, others) : others;
			if (more)
				free(others);
			free(more);
			more = m;
		}
	} else if (is_ident(t, b)) {
		size_t k = b + 1;
		while (k < comma && is_ident(t, k))
			k++;
		*name = slice(t, b, b + 1);
		if (k == comma) {
			if (k > b + 1)
				more = slice(t, b + 1, comma);
		} else if (is(t, k, ":")) {
			*type = slice(t, k + 1, comma);
			if (k > b + 1) {
				char *names = slice(t, b + 1, k);
				more = xasprintf("%s : %s", names, *type);
				free(names);
			}
		} else if (k == b + 1) {
			/* binder predicate: ∀ x > 0, P is ∀ x, x > 0 → P */
			char *pred = slice(t, b, comma), *pb = exists ? paren(body) : arrow_side(body, 0);
			*rest = xasprintf(exists ? "%s ∧ %s" : "%s → %s", pred, pb);
			free(pred);
			free(pb);
			free(body);
			return 0;
		} else {
			free(*name);
			free(body);
			*name = NULL;
			*why = xstrdup("a binder predicate after several names");
			return -1;
		}
	} else {
		free(body);
		*why = xstrdup("cannot read the binders");
		return -1;
	}
	*rest = more ? xasprintf("%s %s, %s", q, more, body) : xstrdup(body);
	free(more);
	free(body);
	return 0;
}

/* One item off the front of a ∀/→ (exists: ∃/∧) text: a variable (*is_var,
 * *name, *type maybe NULL) or a hypothesis (*type), and the text left. 0, or -1. */
static int peel(const char *text, int exists, int *is_var, char **name, char **type, int *implicit,
		char **rest, char **why)
{
	struct tv t;
	size_t lo = 0, hi, at;
	enum shape sh;
	int rc = -1;
	*is_var = *implicit = 0;
	*name = *type = *rest = NULL;
	if (tv_init(&t, text, why))
		return -1;
	hi = t.n;
	sh = shape(&t, &lo, &hi, &at);
	if (!exists && sh == SH_IMP && is(&t, lo, "(") && close_of(&t, lo) + 1 == at) {
		/* (x : T) → P: a named binder */
		size_t c = close_of(&t, lo);
		if (is_ident(&t, lo + 1) && is(&t, lo + 2, ":") && lo + 3 < c) {
			*is_var = 1;
			*name = slice(&t, lo + 1, lo + 2);
			*type = slice(&t, lo + 3, c);
			*rest = slice(&t, at + 1, hi);
			rc = 0;
			goto out;
		}
	}
	switch (sh) {
	case SH_FORALL:
	case SH_EXISTS:
		if ((sh == SH_EXISTS) != exists)
			break;
		rc = first_binder(&t, lo, hi, exists, name, type, implicit, rest, why);
		*is_var = rc == 0 && *name;
		goto out;
	case SH_IMP:
		if (exists)
			break;
		*type = slice(&t, lo, at);
		*rest = slice(&t, at + 1, hi);
		rc = 0;
		goto out;
	case SH_AND:
		if (!exists)
			break;
		*type = slice(&t, lo, at);
		*rest = slice(&t, at + 1, hi);
		rc = 0;
		goto out;
	case SH_NOT:
		if (exists)
			break;
		*type = slice(&t, lo + 1, hi);
		*rest = xstrdup("False");
		rc = 0;
		goto out;
	case SH_NE:
		if (exists)
			break;
		{
			char *l = slice(&t, lo, at), *r = slice(&t, at + 1, hi);
			*type = xasprintf("%s = %s", l, r);
			free(l);
			free(r);
		}
		*rest = xstrdup("False");
		rc = 0;
		goto out;
	default:
		break;
	}
	*why = xasprintf(exists ? "`%s` is not written as ∃ or ∧" : "`%s` is not written as ∀, →, ¬ or ≠", text);
out:
	if (rc == 0 && *type) {
		char *u = unparen(*type);
		free(*type);
		*type = u;
	}
	if (rc == 0) {
		char *u = unparen(*rest);
		free(*rest);
		*rest = u;
	}
	free(t.v);
	return rc;
}

/* Does text mention the identifier name? */
static int mentions(const char *text, const char *name)
{
	struct tv t;
	char *w = NULL;
	size_t len = strlen(name);
	int r = 0;
	if (tv_init(&t, text, &w)) {
		free(w);
		return 1;
	}
	for (size_t i = 0; i < t.n && !r; i++) {
		size_t l = t.v[i].end - t.v[i].start;
		const char *p = t.s + t.v[i].start;
		r = is_ident(&t, i) && l >= len && !memcmp(p, name, len) && (l == len || p[len] == '.');
	}
	free(t.v);
	return r;
}

/* Bind the variable item (name, type) to the simple pattern pat in rest. */
static int bind_var(const char *pat, const char *name, const char *type, char **rest, struct lean_locals *out,
		    char **why)
{
	if (!strcmp(pat, "_") && mentions(*rest, name)) {
		*why = xasprintf("an anonymous binder for %s, which what follows refers to", name);
		return -1;
	}
	if (strcmp(pat, name) && strcmp(pat, "_")) {
		char *r = lean_ctx_subst(*rest, name, pat, why);
		if (!r)
			return -1;
		free(*rest);
		*rest = r;
	}
	add_local(out, xstrdup(pat), xstrdup_or_null(type));
	return 0;
}

/* Is pattern text one identifier (or `_`)? */
static int simple_pat(const char *pat)
{
	struct tv t;
	char *w = NULL;
	int r;
	if (tv_init(&t, pat, &w)) {
		free(w);
		return 0;
	}
	r = t.n == 1 && is_ident(&t, 0) && !is(&t, 0, "rfl");
	free(t.v);
	return r;
}

int lean_ctx_destruct(const char *type, const char *pat, struct lean_locals *out, char **why)
{
	struct tv t;
	size_t lo = 0, hi;
	int rc = -1;
	*why = NULL;
	if (tv_init(&t, pat, why))
		return -1;
	hi = t.n;
	while (hi - lo >= 2 && is(&t, lo, "(") && close_of(&t, lo) == hi - 1) {
		/* (p : T) names the type */
		size_t colon = lo + 1;
		long depth = 0;
		for (; colon < hi - 1; colon++) {
			if (opens(&t, colon))
				depth++;
			else if (closes(&t, colon))
				depth--;
			else if (!depth && is(&t, colon, ":"))
				break;
		}
		if (colon < hi - 1) {
			char *p = slice(&t, lo + 1, colon), *ty = slice(&t, colon + 1, hi - 1);
			rc = lean_ctx_destruct(ty, p, out, why);
			free(p);
			free(ty);
			goto out;
		}
		lo++;
		hi--;
	}
	if (lo + 1 == hi && is_ident(&t, lo) && !is(&t, lo, "rfl")) {
		add_local(out, slice(&t, lo, hi), unparen(type));
		rc = 0;
	} else if (hi - lo >= 2 && is(&t, lo, "⟨") && close_of(&t, lo) == hi - 1) {
		/* ⟨p1, p2, …⟩: p1 the first component, ⟨p2, …⟩ the rest (one pattern: p2) */
		char **ps = NULL, *cur = unparen(type);
		size_t np = 0, s = lo + 1;
		long depth = 0;
		for (size_t i = lo + 1; i < hi; i++) {
			if (i < hi - 1 && opens(&t, i))
				depth++;
			else if (i < hi - 1 && closes(&t, i))
				depth--;
			else if (i == hi - 1 || (!depth && is(&t, i, ","))) {
				ps = xrealloc(ps, (np + 1) * sizeof *ps);
				ps[np++] = slice(&t, s, i);
				s = i + 1;
			}
		}
		rc = 0;
		for (size_t k = 0; k < np && rc == 0; k++) {
			int var, implicit;
			char *name, *ty, *rest;
			if (!*ps[k] || strchr(ps[k], '|')) {
				*why = xasprintf("pattern `%s`: alternatives make several goals", pat);
				rc = -1;
				break;
			}
			if (k == np - 1) {
				rc = lean_ctx_destruct(cur, ps[k], out, why);
				break;
			}
			if (peel(cur, 1, &var, &name, &ty, &implicit, &rest, why)) {
				struct tv ct;
				size_t clo = 0, chi, at;
				free(*why);
				*why = NULL;
				/* A ↔ B: ⟨mp, mpr⟩ */
				if (np == 2 && !tv_init(&ct, cur, why)) {
					chi = ct.n;
					if (shape(&ct, &clo, &chi, &at) == SH_IFF) {
						char *a = slice(&ct, clo, at), *b = slice(&ct, at + 1, chi);
						char *la = arrow_side(a, 1), *lb = arrow_side(b, 1);
						char *ab = xasprintf("%s → %s", la, b), *ba = xasprintf("%s → %s", lb, a);
						rc = lean_ctx_destruct(ab, ps[0], out, why);
						if (rc == 0)
							rc = lean_ctx_destruct(ba, ps[1], out, why);
						free(a);
						free(b);
						free(la);
						free(lb);
						free(ab);
						free(ba);
						free(ct.v);
						k = np;
						break;
					}
					free(ct.v);
				}
				free(*why);
				*why = xasprintf("pattern `%s` on `%s`: the text does not say what ⟨…⟩ takes apart", pat, cur);
				rc = -1;
				break;
			}
			if (var) {
				if (!simple_pat(ps[k])) {
					*why = xasprintf("pattern `%s` takes the variable %s apart", ps[k], name);
					rc = -1;
				} else {
					rc = bind_var(ps[k], name, ty, &rest, out, why);
				}
			} else {
				rc = lean_ctx_destruct(ty, ps[k], out, why);
			}
			free(name);
			free(ty);
			free(cur);
			cur = rest;
		}
		for (size_t k = 0; k < np; k++)
			free(ps[k]);
		free(ps);
		free(cur);
	} else {
		*why = xasprintf("pattern `%s`: the text cannot say what it binds", pat);
	}
out:
	free(t.v);
	return rc;
}

int lean_ctx_intro(const char *goal, const char *const *pats, size_t n, int all, struct lean_locals *out,
		   char **rest, char **why)
{
	char *cur = xstrdup(goal);
	size_t want = n ? n : all ? (size_t)-1 : 1;
	*why = NULL;
	*rest = NULL;
	for (size_t k = 0; k < want; k++) {
		int var, implicit, rc;
		char *name, *ty, *r;
		const char *pat = n ? pats[k] : "_";
		if (peel(cur, 0, &var, &name, &ty, &implicit, &r, why)) {
			if (all && k > 0) {
				free(*why);
				*why = NULL;
				break;
			}
			free(cur);
			return -1;
		}
		free(cur);
		cur = r;
		if (var && !simple_pat(pat)) {
			*why = xasprintf("pattern `%s` takes the variable %s apart", pat, name);
			rc = -1;
		} else {
			rc = var ? bind_var(pat, name, ty, &cur, out, why) : lean_ctx_destruct(ty, pat, out, why);
		}
		free(name);
		free(ty);
		if (rc) {
			free(cur);
			return -1;
		}
	}
	*rest = cur;
	return 0;
}

char *lean_ctx_negate(const char *goal)
{
	struct tv t;
	char *w = NULL, *r;
	size_t lo = 0, hi, at;
	if (tv_init(&t, goal, &w)) {
		free(w);
		return xasprintf("¬(%s)", goal);
	}
	hi = t.n;
	if (shape(&t, &lo, &hi, &at) == SH_NOT) {
		char *q = slice(&t, lo + 1, hi);
		r = unparen(q);
		free(q);
	}
	else if (t.n == 1 || (opens(&t, 0) && close_of(&t, 0) == t.n - 1))
		r = xasprintf("¬%s", goal);
	else
		r = xasprintf("¬(%s)", goal);
	free(t.v);
	return r;
}

/* Apply the field f (len bytes: 1, 2, left, right, mp, mpr) to a hypothesis of
 * type ty (taken). NULL with why. */
static char *project(char *ty, const char *f, size_t len, char **why)
{
	struct tv t;
	size_t lo = 0, hi, at;
	enum shape sh;
	char *r = NULL;
	int first = (len == 1 && *f == '1') || (len == 4 && !memcmp(f, "left", 4)) || (len == 2 && !memcmp(f, "mp", 2));
	int second = (len == 1 && *f == '2') || (len == 5 && !memcmp(f, "right", 5)) || (len == 3 && !memcmp(f, "mpr", 3));
	if (tv_init(&t, ty, why)) {
		free(ty);
		return NULL;
	}
	hi = t.n;
	sh = shape(&t, &lo, &hi, &at);
	if ((first || second) && (sh == SH_AND || sh == SH_IFF)) {
		char *a = slice(&t, lo, at), *b = slice(&t, at + 1, hi);
		if (sh == SH_AND) {
			r = unparen(first ? a : b);
		} else {
			char *l = arrow_side(first ? a : b, 1);
			r = xasprintf("%s → %s", l, first ? b : a);
			free(l);
		}
		free(a);
		free(b);
	} else {
		*why = xasprintf("the text does not say what .%.*s of `%s` is", (int)len, f, ty);
	}
	free(t.v);
	free(ty);
	return r;
}

/* The extent of the atom at token i of t: a token or bracketed group and the
 * fields glued to it (`h.1`, `(h x).2`). */
static size_t atom_end(const struct tv *t, size_t i)
{
	size_t j = opens(t, i) ? close_of(t, i) + 1 : i + 1;
	while (j < t->n && t->v[j].start == t->v[j - 1].end && !opens(t, j) && !closes(t, j) &&
	       (is(t, j, ".") || t->v[j].kind == LEAN_TOK_NUMBER || t->v[j].kind == LEAN_TOK_IDENT))
		j++;
	return j > t->n ? t->n : j;
}

char *lean_ctx_infer(const char *term, lean_lookup_fn *lookup, void *ctx, int *stale, char **why)
{
	struct tv t;
	char *ty = NULL, *head;
	const char *p, *fields;
	size_t he;
	*why = NULL;
	if (tv_init(&t, term, why))
		return NULL;
	if (!t.n) {
		*why = xstrdup("empty term");
		goto out;
	}
	he = atom_end(&t, 0);
	head = slice(&t, 0, he);
	if (opens(&t, 0)) {
		size_t c = close_of(&t, 0);
		char *inner;
		if (!is(&t, 0, "(") || c >= t.n) {
			*why = xasprintf("the text does not say what `%s` proves", term);
			free(head);
			goto out;
		}
		inner = slice(&t, 1, c);
		ty = lean_ctx_infer(inner, lookup, ctx, stale, why);
		free(inner);
		fields = head + (t.v[c].end - t.v[0].start);
	} else {
		const char *known;
		int st = 0;
		size_t nl;
		p = head;
		nl = strcspn(p, ".");
		if (t.v[0].kind != LEAN_TOK_IDENT || !(known = lookup(ctx, p, nl, &st))) {
			*why = xasprintf("the text does not say what `%s` proves", term);
			free(head);
			goto out;
		}
		*stale |= st;
		ty = xstrdup(known);
		fields = p + nl;
	}
	while (ty && *fields == '.') {
		size_t fl = strcspn(fields + 1, ".");
		ty = project(ty, fields + 1, fl, why);
		fields += 1 + fl;
	}
	if (ty && *fields) {
		*why = xasprintf("the text does not say what `%s` proves", term);
		free(ty);
		ty = NULL;
	}
	free(head);
	/* arguments: each fills the next explicit binder */
	for (size_t i = he; ty && i < t.n;) {
		size_t e = atom_end(&t, i);
		int var, implicit;
		char *name, *bty, *rest, *arg;
		if (!(is_ident(&t, i) || t.v[i].kind == LEAN_TOK_NUMBER || is(&t, i, "("))) {
			*why = xasprintf("the text does not say what `%s` proves", term);
			free(ty);
			ty = NULL;
			break;
		}
		if (peel(ty, 0, &var, &name, &bty, &implicit, &rest, why) || implicit) {
			if (!*why)
				*why = xasprintf("`%s` has an implicit binder the text cannot fill", ty);
			free(name);
			free(bty);
			free(rest);
			free(ty);
			ty = NULL;
			break;
		}
		arg = slice(&t, i, e);
		free(ty);
		ty = rest;
		if (var) {
			char *r = strcmp(arg, "_") ? lean_ctx_subst(ty, name, arg, why) : NULL;
			if (!r && !*why)
				*why = xasprintf("`_` for the variable %s", name);
			free(ty);
			ty = r;
		}
		free(arg);
		free(name);
		free(bty);
		i = e;
	}
out:
	free(t.v);
	return ty;
}
