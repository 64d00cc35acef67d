/* lean_lemma_from_goal: a lemma statement from a goal as the Lean REPL prints it;
 * lean_lemmas_command: lemma statements to elaborate before proving them.
 *
 * The goal is laid out by Lean.Meta.ppGoal (src/Lean/Meta/PPGoal.lean) on Std.Format
 * at width 120 (format.width):
 *   - an optional "case TAG" line first (the goal's user name);
 *   - hypotheses: consecutive ones of one type grouped, "x y : ℝ" (instances too,
 *     "inst✝¹ inst✝ : Fact (1 < p)"); each group is
 *     (names ++ " :" ++ nest 2 (line ++ type)).group, so a group too long for one line
 *     is "h :" with the type on the next line indented 2, and a type that still does
 *     not fit breaks inside (after infix operators), indented further;
 *   - let-values (ldecl): (name ++ " : " ++ type ++ " :=" ++ nest 2 (line ++ value)).group,
 *     "x : T := v", "x : T :=\n  v", or "x : T := ⋯" when the value is too deep
 *     (pp.showLetValues.tactic.threshold);
 *   - shadowed and inaccessible names with ✝ (h✝, n✝¹: LocalContext.sanitizeNames);
 *   - "⊢ " ++ nest 2 target.
 * What does not round-trip and is refused: several goals (a blank line between them,
 * or several ⊢), metavariables (?m.5, ?_) and elided terms (◾, ⋯) outside a let-value.
 * Inaccessible names (a✝, n✝¹) become fresh identifiers (a_1, n_2) everywhere they
 * occur; inst✝ hypotheses become instance binders ([T] when nothing else names them,
 * [inst_1 : T] otherwise). A let-value x : T := v becomes (x : T) and
 * (x_def : x = v := by rfl), an auto-param the exact call leaves to its default (x is
 * let-bound where the sorry was, so rfl closes it); x : T := ⋯ becomes (x : T), a
 * more general lemma. */
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

/* The position of " :=" outside brackets in s followed by a space, a newline or the
 * end (a let-value), or NULL. */
static const char *let_value(const char *s)
{
	int depth = 0;
	for (const char *p = s; *p; p++) {
		if (strchr("([{", *p))
			depth++;
		else if (strchr(")]}", *p) && depth > 0)
			depth--;
		else if (!depth && !strncmp(p, " :=", 3) && (p[3] == ' ' || p[3] == '\n' || !p[3]))
			return p;
	}
	return NULL;
}

/* s without leading and trailing blanks (spaces, tabs, newlines), malloc'd. */
static char *trimmed(const char *s, size_t n)
{
	while (n && strchr(" \t\n", *s))
		s++, n--;
	while (n && strchr(" \t\n", s[n - 1]))
		n--;
	return xstrndup(s, n);
}

/* Is every occurrence of ⋯ in goal a whole let-value (" := ⋯" ending its line)?
 * Returns the first other one, or NULL. */
static const char *elided_outside_let(const char *goal)
{
	const char *e = goal;
	while ((e = strstr(e, "\xe2\x8b\xaf"))) {
		int let = e - goal >= 4 && !strncmp(e - 4, " := ", 4) && (e[3] == '\n' || !e[3]);
		if (!let)
			return e;
		e += 3;
	}
	return NULL;
}

/* Is names one or more inaccessible instance names (inst✝, inst✝¹ ...)? */
static int instance_names(const char *names)
{
	const char *p = names;
	while (*p) {
		if (strncmp(p, "inst" DAGGER, 7))
			return 0;
		p += 7;
		while (*p && *p != ' ')
			p++;
		while (*p == ' ')
			p++;
	}
	return 1;
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
	    (bad = elided_outside_let(goal))) {
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
				/* "h :" then the type on the next lines (the group broke) */
				char *t = *h[nh - 1].type ? xasprintf("%s\n%s", h[nh - 1].type, l)
							  : xstrdup(l + strspn(l, " \t"));
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
			size_t tail = 0;
			if (!colon && len > 2 && !strcmp(l + len - 2, " :"))
				colon = l + len - 2, tail = 1; /* "h :", its type on the next line */
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
			h[nh].type = xstrdup(tail ? "" : colon + 3);
			nh++;
		}
		free(l);
	}
	if (!in_target) {
		*why = xstrdup("goal without ⊢ target");
		goto out;
	}
	for (size_t i = 0; i < nh; i++)
		if (!*h[i].type) {
			*why = xasprintf("hypothesis %s: no type after \"%s :\"", h[i].names, h[i].names);
			goto out;
		}

	sbuf_addf(&sb, "theorem %s", lemma_name);
	for (size_t i = 0; i < nh; i++) {
		const char *lv = let_value(h[i].type);
		char *t0 = lv ? trimmed(h[i].type, (size_t)(lv - h[i].type)) : xstrdup(h[i].type);
		char *type = rename_inaccessible(t0, goal, &r, &nr, &capr);
		char *names = rename_inaccessible(h[i].names, goal, &r, &nr, &capr);
		free(t0);
		if (instance_names(h[i].names)) {
			/* each instance its own binder: anonymous when nothing else names it */
			const char *np = h[i].names, *nq = names;
			while (*np) {
				size_t n = strcspn(np, " "), m = strcspn(nq, " ");
				char *one = xstrndup(np, n);
				if (count_token(goal, one) == 1)
					sbuf_addf(&sb, " [%s]", type);
				else
					sbuf_addf(&sb, " [%.*s : %s]", (int)m, nq, type);
				free(one);
				np += n + strspn(np + n, " ");
				nq += m + strspn(nq + m, " ");
			}
		} else {
			sbuf_addf(&sb, " (%s : %s)", names, type);
		}
		if (lv) {
			char *v0 = trimmed(lv + 3, strlen(lv + 3));
			if (strcmp(v0, "\xe2\x8b\xaf")) { /* a value to state; ⋯: the lemma is more general */
				char *v = rename_inaccessible(v0, goal, &r, &nr, &capr), *def = NULL;
				for (int n = 0; !def || taken(def, goal, r, nr); n++) {
					free(def);
					def = n ? xasprintf("%s_def_%d", names, n) : xasprintf("%s_def", names);
				}
				sbuf_addf(&sb, " (%s : %s = %s := by rfl)", def, names, v);
				free(def);
				free(v);
			}
			free(v0);
		}
		free(names);
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
