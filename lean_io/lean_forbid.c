/* lean_forbid.c: what a model may not write, judged on tokens (comments and
 * strings never count). The rules and why:
 *  - sorry, admit, stop (= repeat sorry) unless pol->allow_sorry; sorryAx always.
 *  - search tactics: every undotted identifier ending in `?` or `?!` (apply?,
 *    exact?, rw?, simp?, simp_all?, aesop?, decide?, have?, ...), plus hint,
 *    library_search, rw_search, polyrith (calls a web service), says, observe,
 *    suggest, extract_goal: slow, nondeterministic, or print instead of prove.
 *    A term like `get? l 0` after `open List` is caught too; `l.get? 0` is not.
 *  - new axioms and what bypasses the kernel or runs code: axiom, opaque,
 *    unsafe, implemented_by, extern, csimp, native_decide / bv_decide /
 *    decide +native (unless pol->allow_native_decide), Lean.ofReduceBool and
 *    friends, set_option debug.*.
 *  - meta-programming and commands that run code or change the parser: every
 *    `#` command (#eval #exit #print #check ...: a known one anywhere, any
 *    `#word` at the start of a line; `#s` inside a line stays card notation),
 *    run_cmd run_tac run_elab run_meta by_elab elab elab_rules macro
 *    macro_rules syntax declare_syntax_cat notation infix infixl infixr prefix
 *    postfix simproc dsimproc import initialize builtin_initialize.
 *  - what can change the meaning of the statement without changing its text:
 *    instance (a new `LT ℝ` would win instance search; this also catches
 *    attribute [instance] and @[instance]; other attributes are allowed),
 *    variable and include (hidden hypotheses), namespace (the theorem would be
 *    Foo.NAME, not NAME).
 *  - set_option maxHeartbeats / synthInstance.maxHeartbeats of 0 (unlimited) or
 *    above pol->max_heartbeats; maxRecDepth above 100000. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "cs.h"
#include "lean_scan.h"
#include "lean_text.h"

#define MAX_REC_DEPTH 100000

void lean_policy_from_env(struct lean_policy *pol)
{
	pol->allow_sorry = 0;
	pol->allow_native_decide = cs_conf_on("CS_ALLOW_NATIVE_DECIDE");
	pol->max_heartbeats = cs_conf_long("CS_MAX_HEARTBEATS");
}

/* Commands and tactics: the whole (undotted) token. */
static const char *const words[] = {
	"axiom", "opaque", "unsafe", "implemented_by", "extern", "csimp",
	"run_cmd", "run_tac", "run_elab", "run_meta", "by_elab", "elab", "elab_rules",
	"macro", "macro_rules", "syntax", "declare_syntax_cat", "notation", "infix",
	"infixl", "infixr", "prefix", "postfix", "simproc", "dsimproc", "simproc_decl",
	"import", "initialize", "builtin_initialize", "instance", "variable", "include",
	"namespace", "hint", "library_search", "rw_search", "polyrith", "says", "observe",
	"suggest", "extract_goal",
};
/* Constants: the last component of a name (Lean.ofReduceBool, @sorryAx). */
static const char *const consts[] = {
	"sorryAx", "ofReduceBool", "ofReduceNat", "reduceBool", "reduceNat", "trustCompiler",
	"implemented_by", "extern",
};
static const char *const sorries[] = { "sorry", "admit", "stop" };
static const char *const natives[] = { "native_decide", "bv_decide", "bv_omega" };
/* # commands caught anywhere, not only at the start of a line */
static const char *const hash_cmds[] = {
	"eval", "exit", "print", "check", "check_failure", "reduce", "synth", "help", "lint",
	"find", "guard_msgs", "guard", "guard_expr", "where", "simp", "norm_num", "conv",
	"whnf", "instances", "leansearch", "loogle", "moogle", "count_heartbeats", "explode",
	"widget", "html", "sample", "version", "time", "kernel", "unfold", "push_cast",
	"min_imports", "find_home", "align", "align_import", "noalign", "adaptation_note",
	"test", "compile", "eval!",
};

static int in_list(const char *s, size_t n, const char *const *list, size_t k)
{
	for (size_t i = 0; i < k; i++)
		if (strlen(list[i]) == n && !memcmp(s, list[i], n))
			return 1;
	return 0;
}

static int tok_in(const char *src, const struct lean_tok *t, const char *const *list, size_t k)
{
	return in_list(src + t->start, t->end - t->start, list, k);
}

/* The last component of a dotted identifier (also after `@` / `_root_.`). */
static void last_part(const char *src, const struct lean_tok *t, const char **s, size_t *n)
{
	const char *a = src + t->start, *e = src + t->end, *p;
	for (p = e; p > a && p[-1] != '.'; p--)
		;
	/* a «quoted» last part may contain dots: then the whole token counts */
	if (p > a && memchr(p, '\xbb', (size_t)(e - p)) && !memchr(p, '\xab', (size_t)(e - p)))
		p = a;
	*s = p;
	*n = (size_t)(e - p);
}

static int forbid(const char *src, const struct lean_tok *t, const char *what, char **why)
{
	if (what)
		*why = xasprintf("forbidden %s at %d:%d", what, t->line, t->col);
	else
		*why = xasprintf("forbidden `%.*s` at %d:%d", (int)(t->end - t->start), src + t->start,
				 t->line, t->col);
	return -1;
}

/* set_option NAME VALUE at v[i]. */
static int check_option(const char *src, const struct lean_tok *v, size_t n, size_t i,
			const struct lean_policy *pol, char **why)
{
	const struct lean_tok *name = &v[i + 1], *val = &v[i + 2];
	const char *s;
	size_t len;
	if (i + 2 >= n || name->kind != LEAN_TOK_IDENT)
		return 0;
	s = src + name->start;
	len = name->end - name->start;
	if (len >= 6 && !memcmp(s, "debug.", 6))
		return forbid(src, name, NULL, why);
	if (lean_tok_is(src, name, "maxHeartbeats") ||
	    lean_tok_is(src, name, "synthInstance.maxHeartbeats") ||
	    lean_tok_is(src, name, "maxRecDepth")) {
		long limit = lean_tok_is(src, name, "maxRecDepth") ? MAX_REC_DEPTH : pol->max_heartbeats;
		char buf[32];
		long x;
		char *end;
		if (val->kind != LEAN_TOK_NUMBER || val->end - val->start >= sizeof(buf))
			goto bad;
		memcpy(buf, src + val->start, val->end - val->start);
		buf[val->end - val->start] = 0;
		x = strtol(buf, &end, 0);
		if (*end || x <= 0 || x > limit)
			goto bad;
	}
	return 0;
bad:
	*why = xasprintf("forbidden `set_option %.*s %.*s` at %d:%d (limit %ld%s)",
			 (int)len, s, (int)(val->end - val->start), src + val->start,
			 v[i].line, v[i].col,
			 lean_tok_is(src, name, "maxRecDepth") ? (long)MAX_REC_DEPTH : pol->max_heartbeats,
			 lean_tok_is(src, name, "maxRecDepth") ? "" : "; 0 means unlimited");
	return -1;
}

int lean_check_forbidden(const char *code, const struct lean_policy *pol, char **why)
{
	struct lean_tok *v;
	size_t n, i;
	int rc = 0;
	*why = NULL;
	if (lean_tokenize(code, strlen(code), 0, &v, &n, why)) {
		char *w = *why;
		*why = xasprintf("unreadable code: %s", w);
		free(w);
		return -1;
	}
	for (i = 0; i < n && !rc; i++) {
		const struct lean_tok *t = &v[i];
		const char *s;
		size_t len;
		if (t->kind == LEAN_TOK_SYMBOL && lean_tok_is(code, t, "#")) {
			const struct lean_tok *c = &v[i + 1];
			if (c->kind == LEAN_TOK_IDENT && c->start == t->end &&
			    (t->bol || tok_in(code, c, hash_cmds, CS_ARRAY_SIZE(hash_cmds))))
				*why = xasprintf("forbidden `#%.*s` command at %d:%d",
						 (int)(c->end - c->start), code + c->start, t->line, t->col),
				rc = -1;
			continue;
		}
		if (t->kind != LEAN_TOK_IDENT)
			continue;
		last_part(code, t, &s, &len);
		if (in_list(s, len, consts, CS_ARRAY_SIZE(consts)) ||
		    tok_in(code, t, words, CS_ARRAY_SIZE(words)) ||
		    (!pol->allow_sorry && tok_in(code, t, sorries, CS_ARRAY_SIZE(sorries))) ||
		    (!pol->allow_native_decide && tok_in(code, t, natives, CS_ARRAY_SIZE(natives)))) {
			rc = forbid(code, t, NULL, why);
		} else if (s == code + t->start &&
			   ((len >= 2 && s[len - 1] == '?') ||
			    (len >= 3 && s[len - 1] == '!' && s[len - 2] == '?'))) {
			rc = forbid(code, t, NULL, why);
		} else if (!pol->allow_native_decide && lean_tok_is(code, t, "decide") && i + 2 < n &&
			   lean_tok_is(code, &v[i + 1], "+") && lean_tok_is(code, &v[i + 2], "native")) {
			rc = forbid(code, t, "`decide +native`", why);
		} else if (lean_tok_is(code, t, "set_option")) {
			rc = check_option(code, v, n, i, pol, why);
		}
	}
	free(v);
	return rc;
}
