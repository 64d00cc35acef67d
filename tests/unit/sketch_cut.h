/* sketch_cut.h: turn a real proof into a sketch by cutting each top-level
 * `have … := by BLOCK` to `:= by sorry`, remembering the blocks: shared by
 * tests/unit/test-lean-sketch.c and bench/lean_text_bench.c. Static functions:
 * include it once per program, after cs.h, lean_scan.h and lean_decl.h. */
#ifndef SKETCH_CUT_H
#define SKETCH_CUT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cs.h"
#include "lean_decl.h"
#include "lean_scan.h"

static int is_comment(const struct lean_tok *t)
{
	return t->kind == LEAN_TOK_COMMENT || t->kind == LEAN_TOK_DOC;
}

/* Text of a tactic block with its common indentation removed; the first line
 * counts as indented to its column. */
static char *dedent(const char *code, size_t start, size_t end, int col)
{
	struct sbuf sb = SBUF_INIT;
	size_t m = (size_t)col;
	const char *p, *e = code + end;
	for (p = memchr(code + start, '\n', end - start); p && p < e; p = memchr(p + 1, '\n', (size_t)(e - p - 1))) {
		size_t sp = 0;
		while (p + 1 + sp < e && p[1 + sp] == ' ')
			sp++;
		if (p + 1 + sp < e && p[1 + sp] != '\n' && sp < m)
			m = sp;
		if (p + 1 >= e)
			break;
	}
	for (size_t k = m; k < (size_t)col; k++)
		sbuf_addch(&sb, ' ');
	for (p = code + start; p < e;) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(e - p);
		sbuf_add(&sb, p, len);
		if (!nl)
			break;
		sbuf_addch(&sb, '\n');
		p = nl + 1;
		if (strspn(p, " ") >= m || p[strspn(p, " ")] == '\n')
			p += strspn(p, " ") < m ? strspn(p, " ") : m;
	}
	return sbuf_detach(&sb);
}

struct cut {
	size_t start, end;  /* the block */
	char *proof;        /* dedented */
	char *statement;    /* expected statement */
	char *name;
};

/* The sketch of src: each top-level `have NAME? binders? : T := by BLOCK` cut. */
/* Free what make_sketch put in cuts[0..n). */
static void cuts_release(struct cut *cuts, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(cuts[i].proof);
		free(cuts[i].statement);
		free(cuts[i].name);
	}
}

static char *make_sketch(const char *src, struct cut *cuts, size_t *ncut, size_t max, char **thname)
{
	struct lean_tok *v;
	struct lean_decl d;
	size_t n, i, root = 0;
	char *why = NULL;
	struct sbuf sb = SBUF_INIT;
	size_t at = 0;
	*ncut = 0;
	if (lean_tokenize(src, strlen(src), 1, &v, &n, &why) || lean_find_theorem(src, v, n, NULL, 1, &d, &why)) {
		printf("# %s\n", why);
		free(why);
		free(v);
		return NULL;
	}
	*thname = xstrndup(src + v[d.name].start, v[d.name].end - v[d.name].start);
	for (i = d.by + 1; i <= d.last && is_comment(&v[i]); i++)
		;
	root = i;
	for (i = root; i <= d.last; i++) {
		size_t j, s, colon = 0, assign = 0, by, first, last, nm;
		long depth = 0;
		if (is_comment(&v[i]) || !v[i].bol || v[i].col != v[root].col || !lean_tok_is(src, &v[i], "have"))
			continue;
		nm = i + 1;
		for (j = i + 1; j <= d.last && !(v[j].bol && v[j].col <= v[root].col); j++) {
			if (is_comment(&v[j]))
				continue;
			if (strchr("([{", src[v[j].start]) || !strncmp(src + v[j].start, "⟨", 3))
				depth++;
			else if (strchr(")]}", src[v[j].start]) || !strncmp(src + v[j].start, "⟩", 3))
				depth--;
			else if (!depth && !colon && lean_tok_is(src, &v[j], ":"))
				colon = j;
			else if (!depth && lean_tok_is(src, &v[j], ":=")) {
				assign = j;
				break;
			}
		}
		if (!colon || !assign || (v[nm].kind != LEAN_TOK_IDENT && !lean_tok_is(src, &v[nm], ":")))
			continue;
		for (by = assign + 1; is_comment(&v[by]); by++)
			;
		if (!lean_tok_is(src, &v[by], "by"))
			continue;
		for (first = by + 1; is_comment(&v[first]); first++)
			;
		last = first;
		for (j = first; j <= d.last && !(v[j].bol && v[j].col <= v[root].col); j++)
			if (!is_comment(&v[j]))
				last = j;
		if (*ncut == max)
			break;
		s = lean_tok_is(src, &v[nm], ":") ? colon + 1 : nm + 1;
		if (s == colon)
			s++;
		{
			size_t e = assign - 1;
			while (is_comment(&v[s]))
				s++;
			while (is_comment(&v[e]))
				e--;
			cuts[*ncut].statement = xstrndup(src + v[s].start, v[e].end - v[s].start);
		}
		cuts[*ncut].name = lean_tok_is(src, &v[nm], ":") ? xstrdup("this")
				   : xstrndup(src + v[nm].start, v[nm].end - v[nm].start);
		cuts[*ncut].start = v[first].start;
		cuts[*ncut].end = v[last].end;
		cuts[*ncut].proof = dedent(src, v[first].start, v[last].end, v[first].col);
		sbuf_add(&sb, src + at, v[first].start - at);
		sbuf_adds(&sb, "sorry");
		at = v[last].end;
		(*ncut)++;
		i = last;
	}
	sbuf_adds(&sb, src + at);
	free(v);
	return sbuf_detach(&sb);
}

/* s with whitespace-only lines emptied, malloc'd. */
static char *blank_lines(const char *s)
{
	struct sbuf sb = SBUF_INIT;
	while (*s) {
		size_t len = strcspn(s, "\n"), sp = strspn(s, " \t");
		if (sp < len)
			sbuf_add(&sb, s, len);
		s += len;
		if (*s)
			sbuf_addch(&sb, *s++);
	}
	return sbuf_detach(&sb);
}

#endif
