/* sketch_cut.h: the `have` tree of a real proof and the sketches cut from it,
 * shared by tests/unit/test-lean-sketch.c, tests/unit/test-lean-replay.c and
 * bench/lean_text_bench.c. A have block is `have NAME? BINDERS? : T := by BLOCK`
 * at the column of its tactic block; its kids are the have blocks at the column of
 * BLOCK (a BLOCK on the line of its `by` is a leaf). Static functions: include it
 * once per program, after cs.h, lean_scan.h and lean_decl.h (static inline: a
 * program may use some of them only). */
#ifndef SKETCH_CUT_H
#define SKETCH_CUT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cs.h"
#include "lean_decl.h"
#include "lean_scan.h"

static inline int is_comment(const struct lean_tok *t)
{
	return t->kind == LEAN_TOK_COMMENT || t->kind == LEAN_TOK_DOC;
}

/* Text of a tactic block with its common indentation removed; the first line
 * counts as indented to its column. */
static inline char *dedent(const char *code, size_t start, size_t end, int col)
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

/* A have block (or the theorem: the root) of a proof. */
struct hnode {
	char *name;          /* have name, "this" when anonymous; the theorem's name at the root */
	char *type;          /* its type verbatim (binders included); the conclusion at the root */
	int has_binders;
	size_t first, last;  /* code tokens of its block */
	size_t start, end;   /* byte range of its block */
	int col;             /* column of the block's first token */
	struct hnode *kids;  /* owned */
	size_t nkids;
};

struct htree {
	const char *src;     /* borrowed */
	struct lean_tok *v;  /* owned */
	size_t n;
	struct lean_decl d;
	struct hnode root;
};

static inline char *tok_range(const char *src, const struct lean_tok *v, size_t i, size_t j)
{
	while (i < j && is_comment(&v[i]))
		i++;
	while (j > i && is_comment(&v[j]))
		j--;
	return xstrndup(src + v[i].start, v[j].end - v[i].start);
}

/* The have blocks at the column of node's block, recursively. */
static inline void hnode_kids(struct htree *t, struct hnode *node)
{
	const char *src = t->src;
	const struct lean_tok *v = t->v;
	size_t cap = 0;
	for (size_t i = node->first; i <= node->last; i++) {
		size_t j, colon = 0, assign = 0, by, first, last, nm = i + 1;
		long depth = 0;
		struct hnode *k;
		if (is_comment(&v[i]) || !v[i].bol || v[i].col != node->col || !lean_tok_is(src, &v[i], "have"))
			continue;
		for (j = i + 1; j <= node->last && !(v[j].bol && v[j].col <= node->col); j++) {
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
		for (j = first; j <= node->last && !(v[j].bol && v[j].col <= node->col); j++)
			if (!is_comment(&v[j]))
				last = j;
		if (node->nkids == cap) {
			cap = cap ? 2 * cap : 8;
			node->kids = xrealloc(node->kids, cap * sizeof *node->kids);
		}
		k = &node->kids[node->nkids++];
		memset(k, 0, sizeof *k);
		k->name = lean_tok_is(src, &v[nm], ":") ? xstrdup("this") : xstrndup(src + v[nm].start, v[nm].end - v[nm].start);
		k->type = tok_range(src, v, lean_tok_is(src, &v[nm], ":") ? colon + 1 : (nm + 1 == colon ? colon + 1 : nm + 1),
				    assign - 1);
		k->has_binders = !lean_tok_is(src, &v[nm], ":") && nm + 1 != colon;
		k->first = first;
		k->last = last;
		k->start = v[first].start;
		k->end = v[last].end;
		k->col = v[first].col;
		if (v[first].line != v[by].line)
			hnode_kids(t, k);
		i = last;
	}
}

static inline void hnode_release(struct hnode *node)
{
	for (size_t i = 0; i < node->nkids; i++)
		hnode_release(&node->kids[i]);
	free(node->kids);
	free(node->name);
	free(node->type);
}

static inline void htree_release(struct htree *t)
{
	hnode_release(&t->root);
	free(t->v);
}

/* The have tree of the last theorem of src. 0, or -1 after printing why. */
static inline int htree_build(const char *src, struct htree *t)
{
	char *why = NULL;
	size_t i;
	memset(t, 0, sizeof *t);
	t->src = src;
	if (lean_tokenize(src, strlen(src), 1, &t->v, &t->n, &why) ||
	    lean_find_theorem(src, t->v, t->n, NULL, 1, &t->d, &why)) {
		printf("# %s\n", why);
		free(why);
		free(t->v);
		t->v = NULL;
		return -1;
	}
	for (i = t->d.by + 1; i <= t->d.last && is_comment(&t->v[i]); i++)
		;
	t->root.name = xstrndup(src + t->v[t->d.name].start, t->v[t->d.name].end - t->v[t->d.name].start);
	t->root.type = tok_range(src, t->v, t->d.colon + 1, t->d.assign - 1);
	t->root.first = i;
	t->root.last = t->d.last;
	t->root.start = t->v[i].start;
	t->root.end = t->v[t->d.last].end;
	t->root.col = t->v[i].col;
	hnode_kids(t, &t->root);
	return 0;
}

/* The tactic block of a leaf have, dedented. */
static inline char *hnode_proof(const struct htree *t, const struct hnode *node)
{
	return dedent(t->src, node->start, node->end, node->col);
}

/* src[start, end) with the blocks of cuts[0..n) (in order, inside the range)
 * replaced by `sorry`, appended to sb. */
static inline void add_cut_text(struct sbuf *sb, const char *src, size_t start, size_t end, struct hnode *const *cuts,
			 size_t n)
{
	size_t at = start;
	for (size_t i = 0; i < n; i++) {
		sbuf_add(sb, src + at, cuts[i]->start - at);
		sbuf_adds(sb, "sorry");
		at = cuts[i]->end;
	}
	sbuf_add(sb, src + at, end - at);
}

struct cut {
	size_t start, end;  /* the block */
	char *proof;        /* dedented */
	char *statement;    /* expected statement */
	char *name;
};

/* Free what make_sketch put in cuts[0..n). */
static inline void cuts_release(struct cut *cuts, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(cuts[i].proof);
		free(cuts[i].statement);
		free(cuts[i].name);
	}
}

/* The sketch of src: each top-level `have NAME? binders? : T := by BLOCK` cut. */
static inline char *make_sketch(const char *src, struct cut *cuts, size_t *ncut, size_t max, char **thname)
{
	struct htree t;
	struct hnode **k;
	struct sbuf sb = SBUF_INIT;
	*ncut = 0;
	if (htree_build(src, &t))
		return NULL;
	*thname = xstrdup(t.root.name);
	k = xcalloc(t.root.nkids + 1, sizeof *k);
	for (size_t i = 0; i < t.root.nkids && *ncut < max; i++) {
		struct hnode *h = &t.root.kids[i];
		k[i] = h;
		cuts[*ncut].statement = xstrdup(h->type);
		cuts[*ncut].name = xstrdup(h->name);
		cuts[*ncut].start = h->start;
		cuts[*ncut].end = h->end;
		cuts[*ncut].proof = hnode_proof(&t, h);
		(*ncut)++;
	}
	add_cut_text(&sb, src, 0, strlen(src), k, *ncut);
	free(k);
	htree_release(&t);
	return sbuf_detach(&sb);
}

/* s with whitespace-only lines emptied, malloc'd. */
static inline char *blank_lines(const char *s)
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
