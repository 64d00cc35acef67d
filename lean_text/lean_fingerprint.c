/* lean_fingerprint.c: statements as Lean reads them, names aside (lean_fingerprint.h).
 * Pure text on lean_scan.h's tokens. What binds a name, as Lean's term syntax
 * has it (lean4 src/Lean/Parser/Term.lean: `forall` binderIdent / bracketedBinder,
 * `fun` funBinder, explicitBinder `(x y : T)`, implicitBinder `{x : T}`,
 * strictImplicitBinder `⦃x : T⦄`, instBinder `[inst : C]`; Mathlib's binder
 * notations ∃ ∃! ∑ ∏ ⋃ ⋂ ⨆ ⨅ with `x ∈ s`, `x > 0` bounded binders
 * (Mathlib/Order/SetNotation.lean, Mathlib/Algebra/BigOperators/Group/Finset.lean)
 * and the set-builder `{x | p x}` / `{x : T | p x}` (Mathlib/Init/Set.lean)):
 *  - the theorem's binder groups before its `:`; a group's names bind to the end
 *    of the statement, each name its own group;
 *  - after ∀ ∃ λ fun Π Σ ∑ ∏ ⋃ ⋂ ⨆ ⨅: the identifiers, `_` and bracketed groups
 *    that follow, up to the first other token (`,` `:` `=>` `∈` `>` …); they bind
 *    to the end of the innermost bracket around the binder (or of the statement);
 *  - `{x |` and `{x : T |`: x binds inside the braces.
 * A use is renamed to the innermost binding of its name in scope, by the order
 * of the bindings ($1, $2, …). A name bound nowhere (a constant, an auto-bound
 * implicit) is kept. Whatever else is kept as written, so a statement can only
 * fail to match a restatement that writes the same proposition otherwise (more
 * parentheses, `a > b` for `b < a`): never match another proposition. */
#include <stdlib.h>
#include <string.h>

#include "cs.h"
#include "lean_fingerprint.h"
#include "lean_scan.h"

/* One spelling for the tokens Lean's parser reads alike (unicodeSymbol in
 * src/Lean/Parser/Term.lean; the same table as lean_statement.c's). */
static const char *const aliases[][2] = {
	{ "->", "→" }, { "forall", "∀" }, { "fun", "λ" }, { "<-", "←" }, { "=>", "↦" },
};

static const char *const binder_heads[] = {
	"∀", "∃", "λ", "Π", "Σ", "∑", "∏", "⋃", "⋂", "⨆", "⨅", "∑'", "∏'", "Σ'",
};

struct binding {
	const char *name; /* into the source (len bytes) */
	size_t len;
	int depth;        /* bracket depth it was made at; -1: the theorem's, never out of scope */
	int idx;          /* 1-based order of appearance */
};

struct fp {
	const char *src;
	const struct lean_tok *v;
	size_t n;
	struct sbuf out;
	struct binding *b;
	size_t nb, cap;
	int next;         /* index of the next binding */
	int depth;        /* brackets open */
	char **sig;       /* the theorem's binder names */
	size_t nsig, sigcap;
};

/* Is token t one of the texts list[0..n)? (lean_tok_in is for identifiers.) */
static int tok_in(const char *src, const struct lean_tok *t, const char *const *list, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (lean_tok_is(src, t, list[k]))
			return 1;
	return 0;
}

static int is_open(const struct fp *f, size_t i)
{
	static const char *const o[] = { "(", "[", "{", "⦃", "⟨", "@[" };
	return f->v[i].kind == LEAN_TOK_SYMBOL && tok_in(f->src, &f->v[i], o, CS_ARRAY_SIZE(o));
}

static int is_close(const struct fp *f, size_t i)
{
	static const char *const c[] = { ")", "]", "}", "⦄", "⟩" };
	return f->v[i].kind == LEAN_TOK_SYMBOL && tok_in(f->src, &f->v[i], c, CS_ARRAY_SIZE(c));
}

static int is_sym(const struct fp *f, size_t i, const char *s)
{
	return i < f->n && f->v[i].kind == LEAN_TOK_SYMBOL && lean_tok_is(f->src, &f->v[i], s);
}

/* The matching close of the bracket opened at i (f->n when unclosed). */
static size_t match(const struct fp *f, size_t i)
{
	int d = 0;
	for (; i < f->n; i++) {
		if (is_open(f, i))
			d++;
		else if (is_close(f, i) && --d == 0)
			return i;
	}
	return f->n;
}

static void put(struct fp *f, const char *s, size_t n)
{
	if (f->out.len)
		sbuf_addch(&f->out, ' ');
	sbuf_add(&f->out, s, n);
}

/* The first part of identifier token t: [*s, *s + *n), «» included. */
static void first_part(const char *src, const struct lean_tok *t, const char **s, size_t *n)
{
	const char *p = src + t->start, *e = src + t->end, *q = p;
	while (q < e) {
		if (*q == '\xc2' && q + 1 < e && q[1] == '\xab') { /* « … » */
			const char *r = strstr(q, "\xc2\xbb");
			q = r && r < e ? r + 2 : e;
			continue;
		}
		if (*q == '.')
			break;
		q++;
	}
	*s = p;
	*n = (size_t)(q - p);
}

/* Is identifier text [s, s+n) a binder name (a plain one part name, not `_`)? */
static int bindable(const struct fp *f, size_t i)
{
	const char *s;
	size_t n;
	if (i >= f->n || f->v[i].kind != LEAN_TOK_IDENT)
		return 0;
	first_part(f->src, &f->v[i], &s, &n);
	return n == f->v[i].end - f->v[i].start && !(n == 1 && *s == '_');
}

static void bind(struct fp *f, size_t i, int depth, int sig)
{
	const struct lean_tok *t = &f->v[i];
	char num[24];
	f->b = cs_grow(f->b, &f->cap, f->nb, sizeof *f->b);
	f->b[f->nb].name = f->src + t->start;
	f->b[f->nb].len = t->end - t->start;
	f->b[f->nb].depth = depth;
	f->b[f->nb].idx = ++f->next;
	f->nb++;
	snprintf(num, sizeof num, "$%d", f->next);
	put(f, num, strlen(num));
	if (sig) {
		f->sig = cs_grow(f->sig, &f->sigcap, f->nsig, sizeof *f->sig);
		f->sig[f->nsig++] = lean_ident_name(f->src, t, 0);
	}
}

/* Names bound inside brackets now closed go out of scope. */
static void unscope(struct fp *f)
{
	while (f->nb && f->b[f->nb - 1].depth > f->depth)
		f->nb--;
}

/* Emit token i: an alias in its one spelling, an identifier as Lean names it with
 * a bound first part renamed. */
static void emit(struct fp *f, size_t i)
{
	const struct lean_tok *t = &f->v[i];
	const char *s;
	size_t n;
	if (t->kind == LEAN_TOK_IDENT || t->kind == LEAN_TOK_SYMBOL)
		for (size_t k = 0; k < CS_ARRAY_SIZE(aliases); k++)
			if (lean_tok_is(f->src, t, aliases[k][0])) {
				put(f, aliases[k][1], strlen(aliases[k][1]));
				return;
			}
	if (t->kind != LEAN_TOK_IDENT) {
		put(f, f->src + t->start, t->end - t->start);
		return;
	}
	first_part(f->src, t, &s, &n);
	for (size_t k = f->nb; k-- > 0;) {
		const struct binding *b = &f->b[k];
		if (b->len == n && !memcmp(b->name, s, n)) {
			char *name = lean_ident_name(f->src, t, 0), *dot = strchr(name, '.');
			char *r = xasprintf("$%d%s", b->idx, dot ? dot : "");
			put(f, r, strlen(r));
			free(r);
			free(name);
			return;
		}
	}
	{
		char *name = lean_ident_name(f->src, t, 0);
		put(f, name, strlen(name));
		free(name);
	}
}

static void expr(struct fp *f, size_t i, size_t end);

/* A bracketed binder group at i ((x y : T), {x : T}, [inst : C], ⦃x⦄) whose names
 * bind at depth (-1: the theorem's own); each name its own group. Returns the index
 * after it; 0 when i opens no binder group (no `:` after plain names). */
static size_t group(struct fp *f, size_t i, int depth, int sig)
{
	size_t close = match(f, i), colon = i + 1, k;
	while (colon < close && (bindable(f, colon) || lean_tok_is(f->src, &f->v[colon], "_")))
		colon++;
	if (close >= f->n || colon == i + 1 || !is_sym(f, colon, ":")) {
		/* no names: `[Fact p]`, `(x)` in a `fun` with no type: names alone bind */
		if (close < f->n && colon == close && colon > i + 1 && !is_sym(f, i, "[") && !is_sym(f, i, "@[")) {
			put(f, f->src + f->v[i].start, f->v[i].end - f->v[i].start);
			for (k = i + 1; k < close; k++)
				bind(f, k, depth, sig);
			put(f, f->src + f->v[close].start, f->v[close].end - f->v[close].start);
			return close + 1;
		}
		return 0;
	}
	for (k = i + 1; k < colon; k++) {
		int saved = f->depth;
		put(f, f->src + f->v[i].start, f->v[i].end - f->v[i].start);
		/* the type is read before the name binds (it cannot use it) */
		{
			struct sbuf keep = f->out;
			f->out = (struct sbuf)SBUF_INIT;
			f->depth = saved + 1;
			expr(f, colon + 1, close);
			f->depth = saved;
			unscope(f);
			{
				char *type = sbuf_detach(&f->out);
				f->out = keep;
				if (lean_tok_is(f->src, &f->v[k], "_")) {
					put(f, "_", 1);
					if (sig) {
						f->sig = cs_grow(f->sig, &f->sigcap, f->nsig, sizeof *f->sig);
						f->sig[f->nsig++] = xstrdup("_");
					}
				} else {
					bind(f, k, depth, sig);
				}
				put(f, ":", 1);
				if (*type)
					put(f, type, strlen(type));
				free(type);
			}
		}
		put(f, f->src + f->v[close].start, f->v[close].end - f->v[close].start);
	}
	return close + 1;
}

/* After a binder head at i: its binders, bound at the current depth. Returns the
 * index of the first token that is no binder. */
static size_t binders(struct fp *f, size_t i, size_t end)
{
	while (i < end) {
		if (bindable(f, i)) {
			bind(f, i, f->depth, 0);
			i++;
		} else if (lean_tok_is(f->src, &f->v[i], "_")) {
			put(f, "_", 1);
			i++;
		} else if (is_open(f, i) && !is_sym(f, i, "⟨")) {
			size_t next = group(f, i, f->depth, 0);
			if (!next || next > end)
				return i;
			i = next;
		} else {
			return i;
		}
	}
	return i;
}

/* Is the `{` at i a set-builder `{x | …}` or `{x : T | …}`? */
static int set_builder(const struct fp *f, size_t i, size_t end)
{
	size_t close = match(f, i);
	if (!is_sym(f, i, "{") || !bindable(f, i + 1) || close > end)
		return 0;
	if (is_sym(f, i + 2, "|"))
		return 1;
	if (!is_sym(f, i + 2, ":"))
		return 0;
	for (size_t k = i + 3, d = 0; k < close; k++) {
		if (is_open(f, k))
			d++;
		else if (is_close(f, k))
			d--;
		else if (!d && is_sym(f, k, "|"))
			return 1;
	}
	return 0;
}

/* Tokens [i, end) of a term. */
static void expr(struct fp *f, size_t i, size_t end)
{
	while (i < end) {
		const struct lean_tok *t = &f->v[i];
		if (is_open(f, i)) {
			int sb = set_builder(f, i, end);
			emit(f, i++);
			f->depth++;
			if (sb) {
				bind(f, i, f->depth, 0);
				i++;
			}
			continue;
		}
		if (is_close(f, i)) {
			f->depth--;
			unscope(f);
			emit(f, i++);
			continue;
		}
		if ((t->kind == LEAN_TOK_SYMBOL &&
		     tok_in(f->src, t, binder_heads, CS_ARRAY_SIZE(binder_heads))) ||
		    (t->kind == LEAN_TOK_IDENT && (lean_tok_is(f->src, t, "fun") || lean_tok_is(f->src, t, "forall")))) {
			emit(f, i++);
			if (is_sym(f, i, "!"))
				emit(f, i++);
			i = binders(f, i, end);
			continue;
		}
		emit(f, i++);
	}
}

/* The declaration's statement: binder groups, then `:` and the type. */
static void statement(struct fp *f, size_t i, size_t end)
{
	while (i < end) {
		size_t next;
		if (is_open(f, i) && !is_sym(f, i, "⟨") && (next = group(f, i, -1, 1)) && next <= end) {
			i = next;
			continue;
		}
		if (is_sym(f, i, ":")) {
			emit(f, i++);
			expr(f, i, end);
			return;
		}
		/* not a binder: read as a term (unbalanced text stays as written) */
		if (is_open(f, i)) {
			size_t close = match(f, i);
			close = close < end ? close + 1 : end;
			expr(f, i, close);
			i = close;
			continue;
		}
		emit(f, i++);
	}
}

void lean_fingerprint_names_free(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

char *lean_fingerprint_text(const char *decl, char ***sig_names, size_t *n_sig, char **why)
{
	struct lean_tok *v;
	size_t n, i, start = 0, end;
	struct fp f = { .src = decl, .out = SBUF_INIT };
	int d = 0;
	*why = NULL;
	if (lean_tokenize(decl, strlen(decl), 0, &v, &n, why))
		return NULL;
	n--; /* the EOF token */
	f.v = v;
	f.n = n;
	/* the keyword at bracket depth 0: theorem NAME / lemma NAME / example */
	for (i = 0; i < n; i++) {
		if (is_open(&f, i))
			d++;
		else if (is_close(&f, i))
			d--;
		else if (!d && v[i].kind == LEAN_TOK_IDENT &&
			 (lean_tok_is(decl, &v[i], "theorem") || lean_tok_is(decl, &v[i], "lemma"))) {
			start = i + 2 < n ? i + 2 : n;
			break;
		} else if (!d && v[i].kind == LEAN_TOK_IDENT && lean_tok_is(decl, &v[i], "example")) {
			start = i + 1;
			break;
		}
	}
	/* the statement ends at the `:=` at depth 0 */
	for (end = start, d = 0; end < n; end++) {
		if (is_open(&f, end))
			d++;
		else if (is_close(&f, end))
			d--;
		else if (!d && is_sym(&f, end, ":="))
			break;
	}
	statement(&f, start, end);
	free(v);
	free(f.b);
	if (sig_names) {
		*sig_names = f.sig;
		*n_sig = f.nsig;
	} else {
		lean_fingerprint_names_free(f.sig, f.nsig);
	}
	return sbuf_detach(&f.out);
}

int lean_fingerprint(const char *decl, char hex[65], char **why)
{
	struct cs_sha256 c;
	char *text = lean_fingerprint_text(decl, NULL, NULL, why);
	if (!text)
		return -1;
	cs_sha256_init(&c);
	cs_sha256_update(&c, LEAN_FINGERPRINT_VERSION "\n", strlen(LEAN_FINGERPRINT_VERSION) + 1);
	cs_sha256_update(&c, text, strlen(text));
	cs_sha256_final_hex(&c, hex);
	free(text);
	return 0;
}

char *lean_rename_idents(const char *code, const char *const *from, const char *const *to, size_t n,
			 char **why)
{
	struct lean_tok *v;
	size_t nt, prev = 0;
	struct sbuf sb = SBUF_INIT;
	*why = NULL;
	if (lean_tokenize(code, strlen(code), 1, &v, &nt, why))
		return NULL;
	for (size_t i = 0; i + 1 < nt; i++) {
		const char *s;
		size_t len, k;
		if (v[i].kind != LEAN_TOK_IDENT)
			continue;
		first_part(code, &v[i], &s, &len);
		for (k = 0; k < n; k++)
			if (strlen(from[k]) == len && !memcmp(from[k], s, len) && strcmp(from[k], to[k]))
				break;
		if (k == n)
			continue;
		sbuf_add(&sb, code + prev, v[i].start - prev);
		sbuf_adds(&sb, to[k]);
		prev = v[i].start + len;
	}
	sbuf_adds(&sb, code + prev);
	free(v);
	return sbuf_detach(&sb);
}
