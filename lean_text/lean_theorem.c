/* lean_theorem.c: find a theorem's parts (name, binders, conclusion, proof) on
 * the tokens of lean_scan.h, and the tactic block of its proof. */
#include <stdlib.h>
#include <string.h>

#include "cs.h"
#include "lean_scan.h"
#include "lean_text.h"
#include "lean_decl.h"

int lean_bracket(const char *src, const struct lean_tok *t)
{
	static const char *const open[] = { "(", "[", "{", "⦃", "⟨", "@[", "%[" };
	static const char *const close[] = { ")", "]", "}", "⦄", "⟩" };
	if (t->kind != LEAN_TOK_SYMBOL)
		return 0;
	for (size_t i = 0; i < CS_ARRAY_SIZE(open); i++)
		if (lean_tok_is(src, t, open[i]))
			return 1;
	for (size_t i = 0; i < CS_ARRAY_SIZE(close); i++)
		if (lean_tok_is(src, t, close[i]))
			return -1;
	return 0;
}

static int is_open(const char *src, const struct lean_tok *t)
{
	return lean_bracket(src, t) > 0;
}

static int is_close(const char *src, const struct lean_tok *t)
{
	return lean_bracket(src, t) < 0;
}

static int is_comment(const struct lean_tok *t)
{
	return t->kind == LEAN_TOK_COMMENT || t->kind == LEAN_TOK_DOC;
}

/* Words that start a command; at column 0 they end the proof before them. */
static const char *const command_words[] = {
	"theorem", "lemma", "def", "example", "abbrev", "instance", "structure", "class",
	"inductive", "coinductive", "end", "namespace", "section", "open", "variable",
	"universe", "set_option", "attribute", "axiom", "noncomputable", "private",
	"protected", "macro", "macro_rules", "syntax", "elab", "elab_rules", "notation",
	"infix", "infixl", "infixr", "prefix", "postfix", "import", "mutual", "opaque",
	"declare_syntax_cat", "initialize", "builtin_initialize", "run_cmd", "export",
	"omit", "include", "unsafe", "partial", "nonrec", "deriving", "local", "scoped",
};

int lean_is_command_start(const char *src, const struct lean_tok *t)
{
	if (t->kind == LEAN_TOK_DOC)
		return 1;
	if (t->kind == LEAN_TOK_SYMBOL)
		return lean_tok_is(src, t, "@[") || lean_tok_is(src, t, "#");
	return lean_tok_in(src, t, command_words, CS_ARRAY_SIZE(command_words));
}

/* Terms of a conclusion that hold a `:=` of their own. */
static int is_binder_kw(const char *src, const struct lean_tok *t)
{
	return lean_tok_is(src, t, "let") || lean_tok_is(src, t, "have") ||
	       lean_tok_is(src, t, "letI") || lean_tok_is(src, t, "haveI");
}

static const char *const modifiers[] = {
	"private", "protected", "noncomputable", "nonrec", "partial", "unsafe",
};

static int is_modifier(const char *src, const struct lean_tok *t)
{
	return lean_tok_in(src, t, modifiers, CS_ARRAY_SIZE(modifiers));
}

/* Index of the previous non-comment token before i, or (size_t)-1. */
static size_t prev_code(const struct lean_tok *v, size_t i)
{
	while (i-- > 0)
		if (v[i].kind != LEAN_TOK_COMMENT)
			return i;
	return (size_t)-1;
}

static size_t next_code(const struct lean_tok *v, size_t n, size_t i)
{
	for (i++; i < n; i++)
		if (!is_comment(&v[i]))
			return i;
	return n - 1;
}

/* First token of the declaration whose keyword is v[k]: docstring, @[attributes]
 * and modifiers before it. */
static size_t decl_first(const char *src, const struct lean_tok *v, size_t k)
{
	size_t first = k, i;
	for (;;) {
		i = prev_code(v, first);
		if (i == (size_t)-1)
			return first;
		if (v[i].kind == LEAN_TOK_DOC)
			return i;
		if (is_modifier(src, &v[i])) {
			first = i;
			continue;
		}
		if (v[i].kind == LEAN_TOK_SYMBOL && lean_tok_is(src, &v[i], "]")) {
			/* back to the matching @[ */
			long depth = 0;
			size_t j = i + 1;
			while (j-- > 0) {
				if (is_close(src, &v[j]))
					depth++;
				else if (is_open(src, &v[j]) && --depth == 0)
					break;
				if (j == 0)
					break;
			}
			if (depth == 0 && lean_tok_is(src, &v[j], "@[")) {
				first = j;
				continue;
			}
		}
		return first;
	}
}

/* Is v[i] (`open` or `set_option`) the head of a tactic or term `… in`: an `in`
 * follows on its line, before any other command keyword? */
static int tactic_in(const char *src, const struct lean_tok *v, size_t n, size_t i)
{
	if (!lean_tok_is(src, &v[i], "open") && !lean_tok_is(src, &v[i], "set_option"))
		return 0;
	for (size_t k = i + 1; k < n && v[k].kind != LEAN_TOK_EOF && !v[k].bol; k++) {
		if (v[k].kind == LEAN_TOK_IDENT && lean_tok_is(src, &v[k], "in"))
			return 1;
		if (lean_is_command_start(src, &v[k]))
			return 0;
	}
	return 0;
}

/* Is v[i] a `#` that begins a term, not a `#command` (an identifier glued to it):
 * the array literal `#[1, 2]`, the vector literal `#v[…]`. */
static int hash_term(const char *src, const struct lean_tok *v, size_t n, size_t i)
{
	if (v[i].kind != LEAN_TOK_SYMBOL || !lean_tok_is(src, &v[i], "#"))
		return 0;
	return !(i + 1 < n && v[i + 1].kind == LEAN_TOK_IDENT && v[i + 1].start == v[i].end &&
		 !lean_tok_is(src, &v[i + 1], "v"));
}

int lean_find_theorem(const char *src, const struct lean_tok *v, size_t n, const char *name,
		      int need_by, struct lean_decl *d, char **why)
{
	size_t k = (size_t)-1, i, colon = 0, assign = 0;
	long depth = 0, pending = 0;
	memset(d, 0, sizeof(*d));
	for (i = 0; i + 1 < n; i++) {
		size_t j;
		if (v[i].kind != LEAN_TOK_IDENT ||
		    !(lean_tok_is(src, &v[i], "theorem") || lean_tok_is(src, &v[i], "lemma")))
			continue;
		j = next_code(v, n, i);
		if (v[j].kind != LEAN_TOK_IDENT)
			continue;
		if (!name || lean_ident_eq(src, &v[j], name, LEAN_ID_DECL)) {
			k = i;
			if (name)
				break;
		}
	}
	if (k == (size_t)-1) {
		*why = name ? xasprintf("no theorem or lemma named %s", name)
			    : xstrdup("no theorem or lemma");
		return -1;
	}
	d->kw = k;
	d->name = next_code(v, n, k);
	d->first = decl_first(src, v, k);
	/* The statement ends at the first `:=` at bracket depth 0 that no `let`,
	 * `have` (letI, haveI) of the conclusion claims: `let x := v; b` is a term. */
	for (i = d->name + 1; i < n && v[i].kind != LEAN_TOK_EOF; i++) {
		if (is_comment(&v[i]))
			continue;
		if (is_open(src, &v[i])) {
			depth++;
		} else if (is_close(src, &v[i])) {
			depth--;
		} else if (depth <= 0 && colon && v[i].kind == LEAN_TOK_IDENT && is_binder_kw(src, &v[i])) {
			pending++;
		} else if (depth <= 0 && v[i].kind == LEAN_TOK_SYMBOL) {
			if (!colon && lean_tok_is(src, &v[i], ":")) {
				colon = i;
			} else if (lean_tok_is(src, &v[i], ":=") && pending > 0) {
				pending--;
			} else if (lean_tok_is(src, &v[i], ":=")) {
				assign = i;
				break;
			}
		}
		if (!colon && i > d->name + 1 && v[i].bol && v[i].col == 0 &&
		    lean_is_command_start(src, &v[i]))
			break;
	}
	if (!colon || !assign) {
		*why = xasprintf("theorem %.*s at %d:%d: no `%s` at bracket depth 0",
				 (int)(v[d->name].end - v[d->name].start), src + v[d->name].start,
				 v[k].line, v[k].col, colon ? ":=" : ":");
		return -1;
	}
	d->colon = colon;
	d->assign = assign;
	d->by = next_code(v, n, assign);
	if (!(v[d->by].kind == LEAN_TOK_IDENT && lean_tok_is(src, &v[d->by], "by"))) {
		d->by = 0;
		if (need_by) {
			*why = xasprintf("theorem %.*s at %d:%d: proof is not a tactic block (`:= by`)",
					 (int)(v[d->name].end - v[d->name].start),
					 src + v[d->name].start, v[k].line, v[k].col);
			return -1;
		}
	}
	/* The proof runs to the next command, wherever it stands: Lean's frontend
	 * parses one command after another (src/Lean/Elab/Frontend.lean,
	 * src/Lean/Parser/Module.lean parseCommand) and asks no column of a
	 * command's first token; a proof ends at the first token its parser cannot
	 * take (a tactic block: checkColGe in src/Lean/Parser/Term.lean `byTactic`,
	 * Tactic.tacticSeq), and no tactic or term begins with a command keyword but
	 * `open … in` and `set_option … in` (src/Init/Tactics.lean, the `open` and
	 * `set_option` tactics; src/Lean/Parser/Term.lean `open`, `set_option`).
	 * So a command keyword at bracket depth 0 ends the proof at any column.
	 * Comments at column 0 right before that command belong to it, not to the
	 * proof. */
	d->last = d->by ? d->by : assign;
	depth = 0;
	for (i = d->last + 1; i < n && v[i].kind != LEAN_TOK_EOF; i++) {
		int b = lean_bracket(src, &v[i]);
		if (lean_is_command_start(src, &v[i]) &&
		    ((v[i].bol && v[i].col == 0) || (depth == 0 && !tactic_in(src, v, n, i) && !hash_term(src, v, n, i))))
			break;
		if (b > 0)
			depth++;
		else if (b < 0 && depth > 0)
			depth--;
		if (v[i].kind == LEAN_TOK_COMMENT && v[i].col == 0 && v[i].bol)
			continue;
		d->last = i;
	}
	return 0;
}

static char *span(const char *src, const struct lean_tok *v, size_t a, size_t b)
{
	/* tokens a..b-1, non-comment at the edges; "" when none */
	while (a < b && is_comment(&v[a]))
		a++;
	while (b > a && is_comment(&v[b - 1]))
		b--;
	if (a >= b)
		return xstrdup("");
	return xstrndup(src + v[a].start, v[b - 1].end - v[a].start);
}

int lean_parse_theorem(const char *src, const char *name, struct lean_theorem *out, char **why)
{
	struct lean_tok *v;
	struct lean_decl d;
	size_t n;
	*why = NULL;
	memset(out, 0, sizeof(*out));
	if (lean_tokenize(src, strlen(src), 1, &v, &n, why))
		return -1;
	if (lean_find_theorem(src, v, n, name, 1, &d, why)) {
		free(v);
		return -1;
	}
	out->keyword = xstrndup(src + v[d.kw].start, v[d.kw].end - v[d.kw].start);
	out->name = xstrndup(src + v[d.name].start, v[d.name].end - v[d.name].start);
	out->binders = span(src, v, d.name + 1, d.colon);
	out->conclusion = span(src, v, d.colon + 1, d.assign);
	out->decl_start = v[d.first].start;
	out->by_end = v[d.by].end;
	out->end = v[d.last].end;
	free(v);
	return 0;
}

void lean_theorem_release(struct lean_theorem *t)
{
	if (!t)
		return;
	free(t->keyword);
	free(t->name);
	free(t->binders);
	free(t->conclusion);
	memset(t, 0, sizeof(*t));
}

/* Width of the indentation of line [s, e) (spaces and tabs), or -1 if blank. */
static long indent_of(const char *s, const char *e)
{
	const char *p = s;
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	while (e > p && (e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
		e--;
	return p == e ? -1 : (long)(p - s);
}

char *lean_proof_body(const char *code, const char *name, char **why)
{
	struct lean_theorem t;
	struct sbuf sb = SBUF_INIT;
	const char *p, *end, *nl, *rest;
	long min = -1, w;
	if (lean_parse_theorem(code, name, &t, why))
		return NULL;
	p = code + t.by_end;
	end = code + t.end;
	lean_theorem_release(&t);
	/* text on the line of `by`: `:= by tac` */
	nl = memchr(p, '\n', (size_t)(end - p));
	rest = nl ? nl + 1 : end;
	{
		const char *a = p, *b = nl ? nl : end;
		while (a < b && strchr(" \t\r", *a))
			a++;
		while (b > a && strchr(" \t\r", b[-1]))
			b--;
		/* `:= by -- comment` holds no tactic */
		if (!(b - a >= 2 && a[0] == '-' && a[1] == '-'))
			sbuf_add(&sb, a, (size_t)(b - a));
	}
	for (p = rest; p < end; p = nl ? nl + 1 : end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		w = indent_of(p, nl ? nl : end);
		if (w >= 0 && (min < 0 || w < min))
			min = w;
	}
	for (p = rest; p < end; p = nl ? nl + 1 : end) {
		const char *e;
		nl = memchr(p, '\n', (size_t)(end - p));
		e = nl ? nl : end;
		if (e > p && e[-1] == '\r')
			e--;
		if (sb.len)
			sbuf_addch(&sb, '\n');
		if (indent_of(p, e) >= 0)
			sbuf_add(&sb, p + min, (size_t)(e - p - min));
	}
	/* blank lines at the end go */
	while (sb.len && strchr(" \t\n", sb.buf[sb.len - 1]))
		sb.buf[--sb.len] = 0;
	if (!sb.len) {
		sbuf_release(&sb);
		*why = xasprintf("theorem %s: empty proof after `:= by`", name ? name : "");
		return NULL;
	}
	return sbuf_detach(&sb);
}
