/* lean_lemma_from_goal: a lemma statement from a goal as the Lean REPL prints it;
 * lean_lemmas_command: lemma statements to elaborate before proving them.
 *
 * The pretty-printed goal is "NAMES : TYPE" lines, TYPE continued on indented lines,
 * an optional "case TAG" line first, then "⊢ TARGET". What does not round-trip and is
 * refused: several goals (a blank line between them, or several ⊢), let-values
 * ("x : ℕ := 5": a binder cannot carry a value), metavariables (?m.5, ?_) and elided
 * terms (◾, ⋯). Inaccessible names (a✝, n✝¹) become fresh identifiers (a_1, n_2)
 * everywhere they occur; unreferenced inst✝ hypotheses become anonymous [T] binders. */
#include <stdlib.h>
#include <string.h>

#include "cs.h"
#include "lean_text.h"

#define DAGGER "\xe2\x9c\x9d" /* ✝ */

struct hyp {
	char *names; /* "x y", inaccessible names already renamed */
	char *type;
};

struct rename {
	char *from, *to;
};

/* Lean's identifier letters beyond ASCII (isLetterLike, isSubScriptAlnum). */
static int letterlike(unsigned c)
{
	return (c >= 0x3b1 && c <= 0x3c9 && c != 0x3bb) || (c >= 0x391 && c <= 0x3a9 && c != 0x3a0 && c != 0x3a3) ||
	       (c >= 0x3ca && c <= 0x3fb) || (c >= 0x1f00 && c <= 0x1ffe) || (c >= 0x2100 && c <= 0x214f) ||
	       (c >= 0x1d49c && c <= 0x1d59f) || (c >= 0x2080 && c <= 0x2089) || (c >= 0x2090 && c <= 0x209c) ||
	       (c >= 0x1d62 && c <= 0x1d6a);
}

/* Decode the code point starting at p (length into *n). */
static unsigned decode(const char *s, size_t *n)
{
	const unsigned char *u = (const unsigned char *)s;
	if (u[0] < 0x80 || !u[1]) {
		*n = 1;
		return u[0];
	}
	if ((u[0] & 0xe0) == 0xc0) {
		*n = 2;
		return ((u[0] & 0x1fu) << 6) | (u[1] & 0x3fu);
	}
	if ((u[0] & 0xf0) == 0xe0 && u[2]) {
		*n = 3;
		return ((u[0] & 0x0fu) << 12) | ((u[1] & 0x3fu) << 6) | (u[2] & 0x3fu);
	}
	if (u[2] && u[3]) {
		*n = 4;
		return ((u[0] & 0x07u) << 18) | ((u[1] & 0x3fu) << 12) | ((u[2] & 0x3fu) << 6) | (u[3] & 0x3fu);
	}
	*n = 1;
	return u[0];
}

static int idchar(unsigned c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
	       c == '\'' || c == '!' || c == '?' || letterlike(c);
}

/* Start of the identifier characters ending at end (not before lim). */
static const char *id_back(const char *lim, const char *end)
{
	while (end > lim) {
		const char *q = end - 1;
		size_t n;
		while (q > lim && ((unsigned char)*q & 0xc0) == 0x80)
			q--;
		if (!idchar(decode(q, &n)))
			break;
		end = q;
	}
	return end;
}

/* Length of a superscript digit at p (⁰¹²³⁴⁵⁶⁷⁸⁹), 0 if none. */
static size_t superscript(const char *p)
{
	const unsigned char *u = (const unsigned char *)p;
	if (u[0] == 0xc2 && (u[1] == 0xb9 || u[1] == 0xb2 || u[1] == 0xb3))
		return 2;
	if (u[0] == 0xe2 && u[1] == 0x81 && (u[2] == 0xb0 || (u[2] >= 0xb4 && u[2] <= 0xb9)))
		return 3;
	return 0;
}

/* Occurrences of name in s as a whole token (an inaccessible name with a
 * superscript is another token). */
static size_t count_token(const char *s, const char *name)
{
	size_t n = strlen(name), k = 0, len;
	for (const char *p = s; (p = strstr(p, name)); p += n) {
		int before = id_back(s, p) != p;
		int after = idchar(decode(p + n, &len)) || superscript(p + n) || !strncmp(p + n, DAGGER, 3);
		if (p[n] == 0)
			after = 0;
		if (!before && !after)
			k++;
	}
	return k;
}

/* Is name taken by the goal text itself or an earlier rename? */
static int taken(const char *name, const char *goal, const struct rename *r, size_t nr)
{
	for (size_t i = 0; i < nr; i++)
		if (!strcmp(r[i].to, name))
			return 1;
	return count_token(goal, name) > 0;
}

/* Replace every inaccessible name (ident✝ⁿ) of s by its fresh name, recording new
 * ones in r. Returns a malloc'd string. */
static char *rename_inaccessible(const char *s, const char *goal, struct rename **r, size_t *nr,
				 size_t *cap)
{
	struct sbuf sb = SBUF_INIT;
	const char *p = s, *d;
	while ((d = strstr(p, DAGGER))) {
		const char *start = d, *end = d + 3;
		size_t k;
		start = id_back(p, d);
		while ((k = superscript(end)))
			end += k;
		char *from = xstrndup(start, (size_t)(end - start));
		size_t i;
		for (i = 0; i < *nr; i++)
			if (!strcmp((*r)[i].from, from))
				break;
		if (i == *nr) {
			size_t baselen = (size_t)(d - start);
			char *base = baselen ? xstrndup(start, baselen) : xstrdup("x");
			char *to = NULL;
			for (int n = 1; !to || taken(to, goal, *r, *nr); n++) {
				free(to);
				to = xasprintf("%s_%d", base, n);
			}
			free(base);
			*r = cs_grow(*r, cap, *nr, sizeof **r);
			(*r)[i].from = from;
			(*r)[i].to = to;
			(*nr)++;
		} else {
			free(from);
		}
		sbuf_add(&sb, p, (size_t)(start - p));
		sbuf_adds(&sb, (*r)[i].to);
		p = end;
	}
	sbuf_adds(&sb, p);
	return sbuf_detach(&sb);
}

/* The position of " := " outside brackets in s, or NULL. */
static const char *let_value(const char *s)
{
	int depth = 0;
	for (const char *p = s; *p; p++) {
		if (strchr("([{", *p))
			depth++;
		else if (strchr(")]}", *p) && depth > 0)
			depth--;
		else if (!depth && !strncmp(p, " := ", 4))
			return p;
	}
	return NULL;
}

char *lean_lemma_from_goal(const char *lemma_name, const char *goal, char **why)
{
	struct hyp *h = NULL;
	size_t nh = 0, caph = 0, nr = 0, capr = 0;
	struct rename *r = NULL;
	struct sbuf target = SBUF_INIT, sb = SBUF_INIT;
	const char *p = goal, *bad;
	int in_target = 0, line = 0;
	char *ret = NULL;

	*why = NULL;
	if (!goal || !*goal) {
		*why = xstrdup("empty goal");
		return NULL;
	}
	if (strstr(goal, "\n\n")) {
		*why = xstrdup("several goals (a blank line between them): one lemma states one goal");
		return NULL;
	}
	if ((bad = strstr(goal, "?m.")) || (bad = strstr(goal, "?_")) || (bad = strstr(goal, "\xe2\x97\xbe")) ||
	    (bad = strstr(goal, "\xe2\x8b\xaf"))) {
		*why = xasprintf("goal holds a metavariable or an elided term (%.*s): it cannot be restated",
				 (int)strcspn(bad, " \n)"), bad);
		return NULL;
	}
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char *l = xstrndup(p, len);
		line++;
		p += len + (nl ? 1 : 0);
		if (len && l[len - 1] == '\r')
			l[--len] = 0;
		if (line == 1 && !strncmp(l, "case ", 5)) {
			free(l);
			continue;
		}
		if (!strncmp(l, "\xe2\x8a\xa2", 3)) { /* ⊢ */
			if (in_target) {
				*why = xasprintf("goal line %d: a second ⊢ (several goals)", line);
				free(l);
				goto out;
			}
			in_target = 1;
			sbuf_adds(&target, l + 3 + (l[3] == ' '));
		} else if (len && (l[0] == ' ' || l[0] == '\t')) {
			if (in_target) {
				sbuf_addch(&target, '\n');
				sbuf_adds(&target, l);
			} else if (nh) {
				char *t = xasprintf("%s\n%s", h[nh - 1].type, l);
				free(h[nh - 1].type);
				h[nh - 1].type = t;
			} else {
				*why = xasprintf("goal line %d: continuation line before any hypothesis", line);
				free(l);
				goto out;
			}
		} else if (!len) {
			/* trailing newline */
		} else if (in_target) {
			*why = xasprintf("goal line %d: text after the target: several goals?", line);
			free(l);
			goto out;
		} else {
			char *colon = strstr(l, " : ");
			if (!colon || colon == l) {
				*why = xasprintf("goal line %d: not a hypothesis \"names : type\": %.60s", line, l);
				free(l);
				goto out;
			}
			if (nh == caph) {
				caph = caph ? 2 * caph : 8;
				h = xrealloc(h, caph * sizeof *h);
			}
			h[nh].names = xstrndup(l, (size_t)(colon - l));
			h[nh].type = xstrdup(colon + 3);
			nh++;
		}
		free(l);
	}
	if (!in_target) {
		*why = xstrdup("goal without ⊢ target");
		goto out;
	}
	for (size_t i = 0; i < nh; i++)
		if (let_value(h[i].type)) {
			*why = xasprintf("hypothesis %s is a let-value (%s): a lemma binder cannot carry it",
					 h[i].names, h[i].type);
			goto out;
		}

	sbuf_addf(&sb, "theorem %s", lemma_name);
	for (size_t i = 0; i < nh; i++) {
		char *type = rename_inaccessible(h[i].type, goal, &r, &nr, &capr);
		int inst = !strncmp(h[i].names, "inst" DAGGER, 7) && !strchr(h[i].names, ' ');
		if (inst && count_token(goal, h[i].names) == 1) {
			sbuf_addf(&sb, " [%s]", type);
		} else {
			char *names = rename_inaccessible(h[i].names, goal, &r, &nr, &capr);
			sbuf_addf(&sb, " (%s : %s)", names, type);
			free(names);
		}
		free(type);
	}
	{
		char *t = rename_inaccessible(sbuf_str(&target), goal, &r, &nr, &capr);
		sbuf_addf(&sb, " :\n  %s := by", t);
		free(t);
	}
	ret = sbuf_detach(&sb);
out:
	for (size_t i = 0; i < nh; i++) {
		free(h[i].names);
		free(h[i].type);
	}
	for (size_t i = 0; i < nr; i++) {
		free(r[i].from);
		free(r[i].to);
	}
	free(h);
	free(r);
	sbuf_release(&target);
	sbuf_release(&sb);
	return ret;
}

char *lean_lemmas_command(const char *const *lemmas, size_t n, struct lean_spot *spots)
{
	struct sbuf sb = SBUF_INIT;
	int line = 1;
	memset(spots, 0, n * sizeof *spots);
	for (size_t i = 0; i < n; i++) {
		size_t len;
		if (!lemmas[i])
			continue;
		len = strlen(lemmas[i]);
		while (len && strchr(" \t\r\n", lemmas[i][len - 1]))
			len--;
		spots[i].first_line = line;
		for (size_t k = 0; k < len; k++)
			line += lemmas[i][k] == '\n';
		spots[i].last_line = line;
		sbuf_add(&sb, lemmas[i], len);
		sbuf_adds(&sb, " sorry\n\n");
		line += 2;
	}
	return sbuf_detach(&sb);
}
