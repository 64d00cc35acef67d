/* lean_recombine, lean_recombine_fallback, lean_recombine_mixed: proofs spliced
 * into a sketch's sorries, or the sorries closed by proven lemmas, per subgoal.
 *
 * Where the sorry stands decides the shape (L1..Lk: the proof's lines):
 * - first on its line:        L1 in its place, L2.. at the sorry's column
 *                             (after a `:=` on an earlier line: `by L1`, or `by`
 *                             and the lines two columns right of the sorry);
 * - after `by` on its line:   one line in its place; several on new lines two
 *                             columns right of the line's tactic;
 * - after a `·` bullet:       L1 in its place, L2.. at the sorry's column;
 * - after `:=` (term mode):   `by L1`, or `by` and the lines as after `by`;
 * - elsewhere in a term:      `(by L1)`, or `(by` and the lines as after `by`, `)`.
 * Everything else is copied byte for byte; inserted line breaks follow the
 * sketch's (CRLF when its lines end so). A NULL proof leaves its sorry. The lines
 * each subgoal's text took are counted as it goes, so that Lean's errors in the
 * recombined text can be told apart per spot (lean_spots_at). */
#include <stdlib.h>
#include <string.h>

#include "cs.h"
#include "lean_scan.h"
#include "lean_decl.h"
#include "lean_text.h"

struct toks {
	struct lean_tok *v;
	size_t n;
};

static size_t find_tok(const struct toks *t, size_t start)
{
	size_t lo = 0, hi = t->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (t->v[mid].start < start)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int is_comment(const struct lean_tok *t)
{
	return t->kind == LEAN_TOK_COMMENT || t->kind == LEAN_TOK_DOC;
}

/* Proof lines, trailing \r and trailing blank lines dropped. */
static char **split_lines(const char *proof, size_t *n)
{
	char **l = NULL;
	size_t cap = 0;
	const char *p = proof;
	*n = 0;
	for (;;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (len && p[len - 1] == '\r')
			len--;
		l = cs_grow(l, &cap, *n, sizeof *l);
		l[(*n)++] = xstrndup(p, len);
		if (!nl)
			break;
		p = nl + 1;
	}
	while (*n > 1 && !l[*n - 1][strspn(l[*n - 1], " \t")]) {
		free(l[*n - 1]);
		(*n)--;
	}
	return l;
}

static void free_lines(char **l, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(l[i]);
	free(l);
}

/* Does the last line of the proof end in a line comment? */
static int ends_in_comment(const char *line)
{
	struct lean_tok *v;
	size_t n;
	char *why = NULL;
	int r = 0;
	if (lean_tokenize(line, strlen(line), 1, &v, &n, &why)) {
		free(why);
		return 1;
	}
	r = n >= 2 && v[n - 2].kind == LEAN_TOK_COMMENT && !strncmp(line + v[n - 2].start, "--", 2);
	free(v);
	return r;
}

static void add_lines(struct sbuf *sb, char **l, size_t n, size_t from, const char *nl, const char *indent)
{
	for (size_t i = from; i < n; i++) {
		sbuf_adds(sb, nl);
		if (*l[i])
			sbuf_adds(sb, indent);
		sbuf_adds(sb, l[i]);
	}
}

/* Line breaks in s[0..n). */
static int count_lines(const char *s, size_t n)
{
	int k = 0;
	for (const char *p = s; (p = memchr(p, '\n', n - (size_t)(p - s))); p++)
		k++;
	return k;
}

static char *splice(const char *code, const struct lean_sketch *sk, const char *const *proofs,
		    struct lean_spot *spots, char **why)
{
	struct toks t;
	struct sbuf sb = SBUF_INIT;
	size_t at = 0, len = strlen(code), counted = 0;
	int line = 1; /* of the output's end */
	const char *nl = strstr(code, "\r\n") ? "\r\n" : "\n";
	*why = NULL;
	if (spots)
		memset(spots, 0, sk->n * sizeof *spots);
	if (lean_tokenize(code, len, 1, &t.v, &t.n, why))
		return NULL;
	for (size_t i = 0; i < sk->n; i++) {
		const struct lean_subgoal *g = &sk->goals[i];
		size_t k, p, lstart, c0, nlines, ws;
		char **l, *ind, *ind2;
		int prev_line;
		if (g->sorry_start < at || g->sorry_end > len || g->sorry_end - g->sorry_start != 5 ||
		    strncmp(code + g->sorry_start, "sorry", 5)) {
			*why = xasprintf("subgoal %zu: no sorry at byte %zu: the sketch is not of this code", i,
					 g->sorry_start);
			goto fail;
		}
		if (!proofs[i])
			continue;
		k = find_tok(&t, g->sorry_start);
		if (k >= t.n || t.v[k].start != g->sorry_start) {
			*why = xasprintf("subgoal %zu: the sorry at line %d is not a token", i, g->line);
			goto fail;
		}
		for (p = k; p > 0 && is_comment(&t.v[p - 1]); p--)
			;
		p = p > 0 ? p - 1 : (size_t)-1;
		prev_line = p != (size_t)-1 && t.v[p].line == t.v[k].line;
		for (lstart = g->sorry_start; lstart > 0 && code[lstart - 1] != '\n'; lstart--)
			;
		ws = strspn(code + lstart, " \t");
		if (ws > g->sorry_start - lstart)
			ws = g->sorry_start - lstart;
		/* column of the line's tactic: the first token not a bullet */
		c0 = (size_t)t.v[k].col;
		for (size_t j = find_tok(&t, lstart); j < k; j++)
			if (!is_comment(&t.v[j]) && !(t.v[j].kind == LEAN_TOK_SYMBOL &&
			      (lean_tok_is(code, &t.v[j], "·") || lean_tok_is(code, &t.v[j], ".")))) {
				c0 = (size_t)t.v[j].col;
				break;
			}
		if (spots) {
			/* the sorry's line in the output; the `by`/`:=` before it may stand higher */
			int first = line + count_lines(code + at, g->sorry_start - at);
			if (p != (size_t)-1 && !prev_line && (lean_tok_is(code, &t.v[p], "by") || lean_tok_is(code, &t.v[p], ":=")))
				first -= t.v[k].line - t.v[p].line;
			spots[i].first_line = first;
		}
		ind = xasprintf("%.*s%*s", (int)ws, code + lstart, (int)((size_t)t.v[k].col - ws), "");
		ind2 = xasprintf("%.*s%*s", (int)ws, code + lstart, (int)(c0 + 2 - ws), "");
		l = split_lines(proofs[i], &nlines);
		if (!prev_line && p != (size_t)-1 && lean_tok_is(code, &t.v[p], ":=")) {
			/* `:=` then the sorry on a line of its own: a term, so `by` */
			char *ind3 = xasprintf("%s  ", ind);
			sbuf_add(&sb, code + at, g->sorry_start - at);
			sbuf_adds(&sb, "by");
			if (nlines == 1) {
				sbuf_addch(&sb, ' ');
				sbuf_adds(&sb, l[0]);
			} else {
				add_lines(&sb, l, nlines, 0, nl, ind3);
			}
			free(ind3);
		} else if (!prev_line) {
			sbuf_add(&sb, code + at, g->sorry_start - at);
			sbuf_adds(&sb, l[0]);
			add_lines(&sb, l, nlines, 1, nl, ind);
		} else if (lean_tok_is(code, &t.v[p], "by")) {
			if (nlines == 1) {
				sbuf_add(&sb, code + at, g->sorry_start - at);
				sbuf_adds(&sb, l[0]);
			} else {
				sbuf_add(&sb, code + at, t.v[p].end - at);
				add_lines(&sb, l, nlines, 0, nl, ind2);
			}
		} else if (t.v[p].kind == LEAN_TOK_SYMBOL && (lean_tok_is(code, &t.v[p], "·") ||
							    lean_tok_is(code, &t.v[p], ".") ||
							    lean_tok_is(code, &t.v[p], "<;>"))) {
			sbuf_add(&sb, code + at, g->sorry_start - at);
			sbuf_adds(&sb, l[0]);
			add_lines(&sb, l, nlines, 1, nl, ind);
		} else {
			int paren = !lean_tok_is(code, &t.v[p], ":=");
			sbuf_add(&sb, code + at, g->sorry_start - at);
			sbuf_adds(&sb, paren ? "(by" : "by");
			if (nlines == 1) {
				sbuf_addch(&sb, ' ');
				sbuf_adds(&sb, l[0]);
			} else {
				add_lines(&sb, l, nlines, 0, nl, ind2);
			}
			if (paren && ends_in_comment(l[nlines - 1])) {
				sbuf_adds(&sb, nl);
				sbuf_adds(&sb, ind2);
			}
			if (paren)
				sbuf_addch(&sb, ')');
		}
		free_lines(l, nlines);
		free(ind);
		free(ind2);
		at = g->sorry_end;
		line += count_lines(sb.buf + counted, sb.len - counted);
		counted = sb.len;
		if (spots)
			spots[i].last_line = line;
	}
	sbuf_add(&sb, code + at, len - at);
	free(t.v);
	return sbuf_detach(&sb);
fail:
	free(t.v);
	sbuf_release(&sb);
	return NULL;
}

char *lean_recombine(const char *code, const struct lean_sketch *sk, const char *const *proofs, char **why)
{
	return splice(code, sk, proofs, NULL, why);
}

/* The arguments that close a sorry by lemma `lemma`: its explicit binders' names,
 * in order; a name bound again later (shadowed at the sorry) or `_` becomes
 * `(by assumption)`. Implicit, strict-implicit and instance binders are left to
 * unification and instance search, an optional or auto-param binder (h : T := v) to
 * its default. */
static char *exact_call(const char *lemma, char **why)
{
	struct lean_theorem th;
	struct lean_tok *v;
	size_t n, nn = 0, cap = 0;
	char **names = NULL;
	struct sbuf sb = SBUF_INIT;
	long depth = 0;
	int explicit = 0, defaulted = 0;
	size_t binder_first = 0; /* names[] index of the current binder's first name */
	if (lean_parse_theorem(lemma, NULL, &th, why))
		return NULL;
	if (lean_tokenize(th.binders, strlen(th.binders), 0, &v, &n, why)) {
		lean_theorem_release(&th);
		return NULL;
	}
	for (size_t i = 0; i + 1 < n; i++) {
		const char *s = th.binders + v[i].start;
		size_t len = v[i].end - v[i].start;
		if (v[i].kind == LEAN_TOK_SYMBOL && strchr("([{", *s) && len == 1) {
			if (depth++ == 0) {
				explicit = *s == '(' ? 1 : 0;
				defaulted = 0;
				binder_first = nn;
			}
		} else if (v[i].kind == LEAN_TOK_SYMBOL && (!strncmp(s, "⦃", 3) || !strncmp(s, "⟨", 3))) {
			if (depth++ == 0)
				explicit = 0;
		} else if (v[i].kind == LEAN_TOK_SYMBOL && (strchr(")]}", *s) || !strncmp(s, "⦄", 3) ||
							    !strncmp(s, "⟩", 3))) {
			if (--depth == 0 && defaulted) /* (h : T := v): left to its default */
				while (nn > binder_first)
					free(names[--nn]);
		} else if (v[i].kind == LEAN_TOK_SYMBOL && len == 2 && !strncmp(s, ":=", 2) && depth == 1) {
			defaulted = 1;
		} else if (v[i].kind == LEAN_TOK_SYMBOL && len == 1 && *s == ':' && depth == 1) {
			explicit = 0; /* the type follows */
		} else if (v[i].kind == LEAN_TOK_IDENT && (depth == 0 || (depth == 1 && explicit))) {
			names = cs_grow(names, &cap, nn, sizeof *names);
			names[nn++] = xstrndup(s, len);
		}
	}
	sbuf_addf(&sb, "exact %s", th.name);
	for (size_t i = 0; i < nn; i++) {
		int shadowed = !strcmp(names[i], "_");
		for (size_t j = i + 1; j < nn && !shadowed; j++)
			shadowed = !strcmp(names[i], names[j]);
		sbuf_addf(&sb, " %s", shadowed ? "(by assumption)" : names[i]);
		free(names[i]);
	}
	free(names);
	free(v);
	lean_theorem_release(&th);
	return sbuf_detach(&sb);
}

/* Token index of the keyword of the theorem holding the sketch's first sorry (the
 * last declaration before it whose span holds it: a `theorem` token inside a term
 * names no declaration), its first token in *d; -1 with why. */
static long holder(const char *code, const struct lean_tok *v, size_t n, const struct lean_sketch *sk,
		   struct lean_decl *d, char **why)
{
	long kw = -1;
	for (size_t i = 0; i + 1 < n && v[i].start < sk->goals[0].sorry_start; i++) {
		struct lean_decl c;
		char *name, *w = NULL;
		size_t j = i + 1;
		int rc;
		if (v[i].kind != LEAN_TOK_IDENT ||
		    !(lean_tok_is(code, &v[i], "theorem") || lean_tok_is(code, &v[i], "lemma")))
			continue;
		while (j + 1 < n && (v[j].kind == LEAN_TOK_COMMENT || v[j].kind == LEAN_TOK_DOC))
			j++;
		name = xstrndup(code + v[j].start, v[j].end - v[j].start);
		rc = lean_find_theorem(code, v, n, name, 0, &c, &w);
		free(name);
		free(w);
		if (rc == 0 && c.kw == i && v[c.last].end >= sk->goals[0].sorry_end) {
			*d = c;
			kw = (long)i;
		}
	}
	if (kw < 0)
		*why = xstrdup("no theorem holds the sketch's first sorry");
	return kw;
}

char *lean_recombine_mixed(const char *code, const struct lean_sketch *sk, const char *const *proofs,
			   const char *const *lemmas, const unsigned char *by_lemma, struct lean_spot *spots,
			   char **why)
{
	char **calls = xcalloc(sk->n ? sk->n : 1, sizeof *calls);
	const char **texts = xcalloc(sk->n ? sk->n : 1, sizeof *texts);
	struct lean_spot *sp = spots ? spots : xcalloc(sk->n ? sk->n : 1, sizeof *sp);
	char *spliced = NULL, *ret = NULL;
	struct lean_tok *v = NULL;
	struct lean_decl d;
	size_t n, decl_start;
	int any = 0, line, added = 0;
	struct sbuf sb = SBUF_INIT;

	*why = NULL;
	for (size_t i = 0; i < sk->n; i++) {
		char *w = NULL;
		if (!by_lemma[i]) {
			texts[i] = proofs[i];
			continue;
		}
		if (lemmas[i] && !(calls[i] = exact_call(lemmas[i], &w))) {
			*why = xasprintf("lemma %zu (%s): %s", i, sk->goals[i].lemma_name, w ? w : "?");
			free(w);
			goto out;
		}
		texts[i] = calls[i];
		any |= lemmas[i] != NULL;
	}
	if (!(spliced = splice(code, sk, texts, sp, why)))
		goto out;
	if (!any) {
		ret = spliced;
		spliced = NULL;
		goto out;
	}
	if (lean_tokenize(code, strlen(code), 1, &v, &n, why) || holder(code, v, n, sk, &d, why) < 0)
		goto out;
	decl_start = v[d.first].start; /* the same offset in spliced: every sorry lies after it */
	sbuf_add(&sb, spliced, decl_start);
	line = 1 + count_lines(spliced, decl_start);
	for (size_t i = 0; i < sk->n; i++) {
		size_t len;
		if (!by_lemma[i] || !lemmas[i])
			continue;
		len = strlen(lemmas[i]);
		while (len && strchr(" \t\r\n", lemmas[i][len - 1]))
			len--;
		sp[i].lemma_first = line + added;
		sp[i].lemma_last = sp[i].lemma_first + count_lines(lemmas[i], len);
		sbuf_add(&sb, lemmas[i], len);
		sbuf_adds(&sb, "\n\n");
		added += count_lines(lemmas[i], len) + 2;
	}
	for (size_t i = 0; i < sk->n; i++)
		if (sp[i].first_line) {
			sp[i].first_line += added;
			sp[i].last_line += added;
		}
	sbuf_adds(&sb, spliced + decl_start);
	ret = sbuf_detach(&sb);
out:
	for (size_t i = 0; i < sk->n; i++)
		free(calls[i]);
	free(calls);
	free(texts);
	if (!spots)
		free(sp);
	free(spliced);
	free(v);
	return ret;
}

char *lean_recombine_fallback(const char *code, const struct lean_sketch *sk, const char *const *lemmas,
			      char **why)
{
	unsigned char *all;
	char *r;
	*why = NULL;
	if (!sk->n) {
		*why = xstrdup("the sketch has no sorry to close");
		return NULL;
	}
	all = xmalloc(sk->n);
	memset(all, 1, sk->n);
	r = lean_recombine_mixed(code, sk, lemmas, lemmas, all, NULL, why);
	free(all);
	return r;
}

size_t lean_spots_at(const struct lean_spot *spots, size_t n, int line, unsigned char *hit)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if ((spots[i].first_line && line >= spots[i].first_line && line <= spots[i].last_line) ||
		    (spots[i].lemma_first && line >= spots[i].lemma_first && line <= spots[i].lemma_last)) {
			hit[i] = 1;
			k++;
		}
	return k;
}
