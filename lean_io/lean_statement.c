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
	while (lean_scan_next(&s, &t) != LEAN_TOK_EOF) {
		if (t.start > prev)
			gap = 1;
		prev = t.end;
		if (t.kind == LEAN_TOK_COMMENT || t.kind == LEAN_TOK_DOC) {
			gap = 1;
			continue;
		}
		if (gap && sb.len)
			sbuf_addch(&sb, ' ');
		gap = 0;
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
		sbuf_add(&sb, text + t.start, t.end - t.start);
	}
	return sbuf_detach(&sb);
}

/* Do token ranges a[0..na) of sa and b[0..nb) of sb hold the same tokens? Returns
 * the index of the first difference, or (size_t)-1 when equal. */
static size_t same_tokens(const char *sa, const struct lean_tok *a, size_t na, const char *sb,
			  const struct lean_tok *b, size_t nb)
{
	size_t i;
	for (i = 0; i < na && i < nb; i++)
		if (a[i].kind != b[i].kind || a[i].end - a[i].start != b[i].end - b[i].start ||
		    memcmp(sa + a[i].start, sb + b[i].start, a[i].end - a[i].start))
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

int lean_check_statement(const char *code, const char *formal_statement, char **why)
{
	struct lean_tok *cv = NULL, *fv = NULL;
	struct lean_decl cd, fd;
	size_t cn, fn;
	char *name = NULL, *w = NULL;
	int rc = -1;
	*why = NULL;
	if (lean_tokenize(formal_statement, strlen(formal_statement), 0, &fv, &fn, &w) ||
	    lean_find_theorem(formal_statement, fv, fn, NULL, 0, &fd, &w)) {
		*why = xasprintf("formal statement unusable: %s", w);
		goto out;
	}
	name = xstrndup(formal_statement + fv[fd.name].start, fv[fd.name].end - fv[fd.name].start);
	if (lean_tokenize(code, strlen(code), 0, &cv, &cn, &w)) {
		*why = xasprintf("statement changed: code unreadable: %s", w);
		goto out;
	}
	if (lean_find_theorem(code, cv, cn, name, 0, &cd, &w)) {
		*why = xasprintf("statement changed: theorem %s missing (%s)", name, w);
		goto out;
	}
	if (differ("binders", code, cv, cd.name + 1, cd.colon, formal_statement, fv, fd.name + 1,
		   fd.colon, why) ||
	    differ("conclusions", code, cv, cd.colon + 1, cd.assign, formal_statement, fv,
		   fd.colon + 1, fd.assign, why))
		goto out;
	rc = 0;
out:
	free(w);
	free(name);
	free(cv);
	free(fv);
	return rc;
}
