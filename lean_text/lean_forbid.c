/* lean_forbid.c: what a model may not write, judged on tokens (comments and
 * strings never count; the code in `{…}` holes of strings does). Every name is
 * compared as Lean reads it (lean_ident_eq: «instance» is instance). The rules
 * are the table `forbidden` below, one entry a reason, plus three that need
 * more than a name:
 *  - search tactics: every undotted identifier ending in `?` or `?!` (apply?,
 *    exact?, rw?, simp?, aesop?, decide?, have?, ...): slow, nondeterministic,
 *    or print instead of prove. A term like `get? l 0` after `open List` is
 *    caught too; `l.get? 0` is not.
 *  - `#` commands (#eval #exit #print #check ...: a known one anywhere, any
 *    `#word` at the start of a line; `#s` inside a line stays card notation).
 *  - set_option maxHeartbeats / synthInstance.maxHeartbeats of 0 (unlimited) or
 *    above pol->max_heartbeats; maxRecDepth above 100000; `decide (config := …)`
 *    (its configuration may ask for native evaluation, with or without the word
 *    native: ⟨false, true⟩) unless pol->allow_native_decide. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "cs.h"
#include "lean_decl.h"
#include "lean_scan.h"
#include "lean_text.h"

#define MAX_REC_DEPTH 100000

void lean_policy_from_env(struct lean_policy *pol)
{
	pol->allow_sorry = 0;
	pol->allow_native_decide = cs_conf_on("CS_ALLOW_NATIVE_DECIDE");
	pol->max_heartbeats = cs_conf_long("CS_MAX_HEARTBEATS");
}

/* Where a pattern applies. */
enum {
	WORD = 1,   /* an identifier, whole (command, keyword, tactic), anywhere */
	CONST = 2,  /* the last part of an identifier or Name literal (Lean.ofReduceBool, @sorryAx) */
	ATTR = 4,   /* an attribute's name in @[…] or attribute […] (also (attr := …) inside) */
	OPTION = 8, /* the option of a set_option */
};
/* Unless the policy allows it. */
enum { ALWAYS, UNLESS_SORRY, UNLESS_NATIVE };

/* pattern: a name; "x*" names starting with x, "*x" ending with x, "*x*" holding x. */
static const struct forbidden {
	const char *pattern;
	int where, unless;
	const char *why;
} forbidden[] = {
	{ "sorry", WORD, UNLESS_SORRY, "an unproved goal" },
	{ "admit", WORD, UNLESS_SORRY, "an unproved goal" },
	{ "stop", WORD, UNLESS_SORRY, "`repeat sorry`: the rest is unproved" },
	{ "sorryAx", CONST, ALWAYS, "the axiom behind sorry" },
	{ "admitGoal", CONST, ALWAYS, "closes a goal with sorry" },
	{ "slim_check", WORD, ALWAYS, "admits the goal when it finds no counterexample" },
	{ "plausible", WORD, ALWAYS, "admits the goal when it finds no counterexample" },
	/* new axioms; code run instead of checked */
	{ "axiom", WORD, ALWAYS, "a new axiom proves anything" },
	{ "opaque", WORD, ALWAYS, "an opaque constant (with implemented_by: any value)" },
	{ "unsafe", WORD, ALWAYS, "unsafe code escapes the kernel" },
	{ "implemented_by", WORD | ATTR | CONST, ALWAYS, "evaluation would run other code than the definition" },
	{ "extern", WORD | ATTR | CONST, ALWAYS, "evaluation would run foreign code" },
	{ "csimp", WORD | ATTR, ALWAYS, "the compiler would run other code than the definition" },
	{ "export", WORD | ATTR, ALWAYS, "a foreign symbol name or a name alias" },
	{ "native_decide", WORD, UNLESS_NATIVE, "trusts the compiler (Lean.ofReduceBool), not the kernel" },
	{ "bv_decide", WORD, UNLESS_NATIVE, "trusts the compiler (Lean.ofReduceBool), not the kernel" },
	{ "bv_check", WORD, UNLESS_NATIVE, "trusts the compiler (Lean.ofReduceBool), not the kernel" },
	{ "native", WORD, UNLESS_NATIVE, "native evaluation in a decide configuration (decide +native)" },
	{ "ofReduceBool", CONST, ALWAYS, "trusts the compiler, not the kernel" },
	{ "ofReduceNat", CONST, ALWAYS, "trusts the compiler, not the kernel" },
	{ "reduceBool", CONST, ALWAYS, "trusts the compiler, not the kernel" },
	{ "reduceNat", CONST, ALWAYS, "trusts the compiler, not the kernel" },
	{ "trustCompiler", CONST, ALWAYS, "the axiom that trusts the compiler" },
	{ "unsafeCast", CONST, ALWAYS, "unsafe code escapes the kernel" },
	{ "unsafeIO", CONST, ALWAYS, "runs IO inside a term" },
	{ "unsafeBaseIO", CONST, ALWAYS, "runs IO inside a term" },
	{ "unsafeEIO", CONST, ALWAYS, "runs IO inside a term" },
	/* code that runs: commands, terms and tactics of meta-programming */
	{ "run_cmd", WORD, ALWAYS, "runs code" },
	{ "run_tac", WORD, ALWAYS, "runs code" },
	{ "run_elab", WORD, ALWAYS, "runs code" },
	{ "run_meta", WORD, ALWAYS, "runs code" },
	{ "by_elab", WORD, ALWAYS, "runs code" },
	{ "initialize", WORD, ALWAYS, "runs code when the environment is loaded" },
	{ "builtin_*", WORD | ATTR, ALWAYS, "registers code with Lean itself" },
	{ "register_*", WORD, ALWAYS, "registers an attribute, option or extension (an initialize)" },
	{ "declare_*", WORD, ALWAYS, "declares syntax, a tactic or an extension" },
	{ "import", WORD, ALWAYS, "the header is the problem's" },
	/* syntax: what a statement means, or what a tactic does, would change */
	{ "elab", WORD, ALWAYS, "defines syntax that runs code" },
	{ "elab_rules", WORD, ALWAYS, "defines syntax that runs code" },
	{ "macro", WORD | ATTR, ALWAYS, "defines syntax" },
	{ "macro_rules", WORD, ALWAYS, "defines syntax" },
	{ "syntax", WORD, ALWAYS, "defines syntax" },
	{ "notation", WORD, ALWAYS, "defines syntax" },
	{ "notation3", WORD, ALWAYS, "defines syntax" },
	{ "binder_predicate", WORD, ALWAYS, "defines syntax" },
	{ "infix", WORD, ALWAYS, "defines syntax" },
	{ "infixl", WORD, ALWAYS, "defines syntax" },
	{ "infixr", WORD, ALWAYS, "defines syntax" },
	{ "prefix", WORD, ALWAYS, "defines syntax" },
	{ "postfix", WORD, ALWAYS, "defines syntax" },
	{ "simproc", WORD | ATTR, ALWAYS, "registers code simp runs" },
	{ "dsimproc", WORD, ALWAYS, "registers code simp runs" },
	{ "simproc_decl", WORD, ALWAYS, "registers code simp runs" },
	{ "dsimproc_decl", WORD, ALWAYS, "registers code simp runs" },
	{ "unif_hint", WORD, ALWAYS, "changes unification: the statement could elaborate to another term" },
	/* attributes that register code with the elaborator, parser or a tactic */
	{ "tactic", ATTR, ALWAYS, "registers code as the implementation of a tactic" },
	{ "*_elab", ATTR, ALWAYS, "registers code as an elaborator" },
	{ "*parser*", ATTR, ALWAYS, "registers code as a parser" },
	{ "*delab*", ATTR, ALWAYS, "registers code as a delaborator" },
	{ "*unexpander*", ATTR, ALWAYS, "registers code as an unexpander" },
	{ "*formatter*", ATTR, ALWAYS, "registers code as a formatter" },
	{ "*parenthesizer*", ATTR, ALWAYS, "registers code as a parenthesizer" },
	{ "*code_action*", ATTR, ALWAYS, "registers code the server runs" },
	{ "init", ATTR, ALWAYS, "runs code when the environment is loaded" },
	{ "env_linter", ATTR, ALWAYS, "registers code as a linter" },
	{ "widget*", ATTR, ALWAYS, "registers code the server runs" },
	{ "server_rpc_method", ATTR, ALWAYS, "registers code the server runs" },
	{ "cpass", ATTR, ALWAYS, "registers code as a compiler pass" },
	{ "norm_num", ATTR, ALWAYS, "registers code as a norm_num extension" },
	{ "positivity", ATTR, ALWAYS, "registers code as a positivity extension" },
	{ "aesop", ATTR, ALWAYS, "registers rules aesop runs, TacticM code among them" },
	{ "gcongr_forward", ATTR, ALWAYS, "registers code gcongr runs" },
	/* what can change the meaning of the statement without changing its text */
	{ "instance", WORD, ALWAYS, "adds or removes an instance: a new `LT ℝ` would win instance search" },
	{ "default_instance", ATTR, ALWAYS, "changes how the statement's numerals and operators elaborate" },
	{ "class", ATTR, ALWAYS, "makes a structure a class: instance search changes" },
	{ "reducible", ATTR, ALWAYS, "changes instance search and unification for the statement" },
	{ "irreducible", ATTR, ALWAYS, "changes instance search and unification for the statement" },
	{ "semireducible", ATTR, ALWAYS, "changes instance search and unification for the statement" },
	{ "seal", WORD, ALWAYS, "changes reducibility for the statement" },
	{ "unseal", WORD, ALWAYS, "changes reducibility for the statement" },
	{ "variable", WORD, ALWAYS, "hidden hypotheses" },
	{ "include", WORD, ALWAYS, "hidden hypotheses" },
	{ "namespace", WORD, ALWAYS, "the theorem would be Foo.NAME, not NAME" },
	{ "renaming", WORD, ALWAYS, "`open … renaming` makes a statement's name another constant" },
	/* tactics that search, print or call out */
	{ "hint", WORD, ALWAYS, "a search tactic" },
	{ "library_search", WORD, ALWAYS, "a search tactic" },
	{ "rw_search", WORD, ALWAYS, "a search tactic" },
	{ "polyrith", WORD, ALWAYS, "calls a web service" },
	{ "says", WORD, ALWAYS, "a search tactic's record" },
	{ "observe", WORD, ALWAYS, "a search tactic" },
	{ "suggest", WORD, ALWAYS, "a search tactic" },
	{ "extract_goal", WORD, ALWAYS, "prints instead of proving" },
	/* options that switch off a check or silence what the verdict reads */
	{ "debug.*", OPTION, ALWAYS, "debug options switch off checks (debug.skipKernelTC skips the kernel)" },
	{ "*skipKernel*", OPTION, ALWAYS, "skips the kernel" },
	{ "*sorry*", OPTION, ALWAYS, "silences or changes the report of sorry (warn.sorry)" },
	{ "*nsafe*", OPTION, ALWAYS, "allows unsafe changes" },
	{ "*native*", OPTION, ALWAYS, "native evaluation" },
};

/* # commands caught anywhere, not only at the start of a line */
static const char *const hash_cmds[] = {
	"eval", "exit", "print", "check", "check_failure", "reduce", "synth", "help", "lint",
	"find", "guard_msgs", "guard", "guard_expr", "where", "simp", "norm_num", "conv",
	"whnf", "instances", "leansearch", "loogle", "moogle", "count_heartbeats", "explode",
	"widget", "html", "sample", "version", "time", "kernel", "unfold", "push_cast",
	"min_imports", "find_home", "align", "align_import", "noalign", "adaptation_note",
	"test", "compile", "eval!",
};

static int glob(const char *pat, const char *s, size_t n);

/* ALLOW-LISTS (issue 19). What a proof may use; everything else is refused by
 * name, after the table above has given its more specific reason. Decided from
 * the 221 DeepSeek-Prover-V2 proofs of tests/fixtures/dsp2 (scripts/policy-counts.py
 * counts them: no attribute at all; commands at column 0: import 442 (the header),
 * set_option 221, open 221, theorem 221; options: maxHeartbeats 221) and from
 * what honest prover outputs add: helper lemmas with simp attributes, sections,
 * `open … in`. */

/* Attributes (Lean: attrKind then attr, src/Lean/Parser/Attr.lean; `-name` erases,
 * `local` and `scoped` are attrKind): none of these runs or registers code. */
static const char *const allowed_attrs[] = {
	"simp", "norm_cast", "push_cast", "field_simps", "ext", "symm", "refl", "trans",
	"nolint", "mono", "gcongr", "congr", "elab_as_elim", "inline", "specialize",
};
/* Tokens an allowed attribute may take as argument: simp's `←` `↓` `↑` and a
 * priority (a numeral or high / mid / low / default). */
static const char *const allowed_attr_args[] = {
	"←", "<-", "↓", "↑", "high", "mid", "low", "default",
};

/* Options (set_option, as a command, a tactic or a term `… in`). The numeric
 * limits are checked in check_option. linter.* only silences linters. */
static const char *const allowed_options[] = {
	"maxHeartbeats", "synthInstance.maxHeartbeats", "maxRecDepth", "synthInstance.maxSize",
	"linter.*", "exponentiation.threshold", "tactic.hygienic", "autoImplicit",
	"relaxedAutoImplicit",
};

/* Identifiers that may stand at column 0, where Lean reads a command (a term
 * continued at column 0 is refused too: `X` at L:0 is no command a proof uses).
 * `where` is no command: it continues the declaration above with its auxiliary
 * definitions (whereDecls, src/Lean/Parser/Term.lean), whose names lean_names.c checks. */
static const char *const allowed_commands[] = {
	"theorem", "lemma", "def", "abbrev", "example", "noncomputable", "private",
	"protected", "open", "set_option", "section", "end", "universe", "attribute", "import",
	"local", "where",
};

/* First parts of names that only metaprograms use: a proof that names one is
 * writing or running code (TacticM, IO, the environment), not proving. */
static const char *const meta_namespaces[] = {
	"Lean", "IO", "EIO", "BaseIO", "EStateM", "System", "ST", "Std", "Aesop", "Qq",
	"Mathlib.Tactic", "Mathlib.Meta", "Mathlib.Lean", "Batteries.Tactic", "Batteries.Lean",
	"Plausible", "ProofWidgets",
};

static int in_list(const char *name, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (glob(list[i], name, strlen(name)))
			return 1;
	return 0;
}

/* Is the dotted name `name` in namespace ns (ns itself or ns.…)? */
static int in_namespace(const char *name, const char *ns)
{
	size_t n = strlen(ns);
	return !strncmp(name, ns, n) && (name[n] == '\0' || name[n] == '.');
}

static int in_meta_namespace(const char *name)
{
	for (size_t i = 0; i < CS_ARRAY_SIZE(meta_namespaces); i++)
		if (name[0] == meta_namespaces[i][0] && in_namespace(name, meta_namespaces[i]))
			return 1;
	return 0;
}

static int glob(const char *pat, const char *s, size_t n)
{
	size_t m = strlen(pat);
	int lead = m && pat[0] == '*', trail = m > (size_t)lead && pat[m - 1] == '*';
	const char *core = pat + lead;
	size_t k = m - lead - trail;
	if (lead && trail) {
		for (size_t i = 0; i + k <= n; i++)
			if (!memcmp(s + i, core, k))
				return 1;
		return 0;
	}
	if (k > n)
		return 0;
	if (lead)
		return !memcmp(s + n - k, core, k);
	if (trail)
		return !memcmp(s, core, k);
	return k == n && !memcmp(s, core, k);
}

/* The entry of the table matching name[0..n) where, or NULL. */
static const struct forbidden *match(const char *name, size_t n, int where,
				     const struct lean_policy *pol)
{
	for (size_t i = 0; i < CS_ARRAY_SIZE(forbidden); i++) {
		const struct forbidden *f = &forbidden[i];
		if (!(f->where & where) || (f->unless == UNLESS_SORRY && pol->allow_sorry) ||
		    (f->unless == UNLESS_NATIVE && pol->allow_native_decide))
			continue;
		if (glob(f->pattern, name, n))
			return f;
	}
	return NULL;
}

static int refuse(const char *src, const struct lean_tok *t, const char *what,
		  const struct forbidden *f, char **why)
{
	*why = xasprintf("forbidden %s`%.*s` at %d:%d: %s", what, (int)(t->end - t->start),
			 src + t->start, t->line, t->col, f->why);
	return -1;
}

/* Lean's value of a numeral token (decimal with `_`, 0x, 0o, 0b); -1 if too big. */
static long numeral(const char *s, size_t n)
{
	int base = 10;
	long x = 0;
	if (n > 2 && s[0] == '0' && strchr("xXoObB", s[1])) {
		base = strchr("xX", s[1]) ? 16 : strchr("oO", s[1]) ? 8 : 2;
		s += 2, n -= 2;
	}
	for (; n; s++, n--) {
		int d = *s >= '0' && *s <= '9' ? *s - '0' : *s >= 'a' && *s <= 'f' ? *s - 'a' + 10
			: *s >= 'A' && *s <= 'F' ? *s - 'A' + 10 : *s == '_' ? -2 : -1;
		if (d == -2)
			continue;
		if (d < 0 || d >= base || x > (LONG_MAX - d) / base)
			return -1;
		x = x * base + d;
	}
	return x;
}

/* set_option NAME VALUE at v[i]. */
static int check_option(const char *src, const struct lean_tok *v, size_t n, size_t i,
			const struct lean_policy *pol, char **why)
{
	const struct lean_tok *name = &v[i + 1], *val = &v[i + 2];
	const struct forbidden *f;
	char *opt;
	long limit = -1, x;
	int rc = 0;
	if (i + 2 >= n || name->kind != LEAN_TOK_IDENT)
		return 0;
	opt = lean_ident_name(src, name, 0);
	if ((f = match(opt, strlen(opt), OPTION, pol)))
		rc = refuse(src, name, "", f, why);
	else if (!in_list(opt, allowed_options, CS_ARRAY_SIZE(allowed_options)))
		*why = xasprintf("forbidden option `%s` at %d:%d: not an option a proof may set "
				 "(maxHeartbeats, synthInstance.maxHeartbeats, maxRecDepth, synthInstance.maxSize, "
				 "linter.*, exponentiation.threshold, tactic.hygienic, autoImplicit, "
				 "relaxedAutoImplicit)", opt, name->line, name->col), rc = -1;
	else if (!strcmp(opt, "maxHeartbeats") || !strcmp(opt, "synthInstance.maxHeartbeats"))
		limit = pol->max_heartbeats;
	else if (!strcmp(opt, "maxRecDepth"))
		limit = MAX_REC_DEPTH;
	if (limit >= 0) {
		x = val->kind == LEAN_TOK_NUMBER ? numeral(src + val->start, val->end - val->start) : -1;
		if (x <= 0 || x > limit) {
			*why = xasprintf("forbidden `set_option %s %.*s` at %d:%d (limit %ld%s)", opt,
					 (int)(val->end - val->start), src + val->start, v[i].line,
					 v[i].col, limit, limit == MAX_REC_DEPTH ? "" : "; 0 means unlimited");
			rc = -1;
		}
	}
	free(opt);
	return rc;
}

/* Index of the token closing the bracket opened at v[i], or n - 1. */
static size_t closing(const char *src, const struct lean_tok *v, size_t n, size_t i)
{
	long depth = 0;
	for (; i < n; i++)
		if ((depth += lean_bracket(src, &v[i])) == 0)
			return i;
	return n - 1;
}

/* Inside attribute brackets: does v[i] stand where an attribute's name does? */
static int attr_position(const char *src, const struct lean_tok *v, size_t i)
{
	const struct lean_tok *p = &v[i - 1];
	if (p->kind == LEAN_TOK_SYMBOL)
		return lean_tok_is(src, p, "@[") || lean_tok_is(src, p, "[") || lean_tok_is(src, p, ",") ||
		       lean_tok_is(src, p, ":=") || lean_tok_is(src, p, "-");
	return p->kind == LEAN_TOK_IDENT &&
	       (lean_ident_eq(src, p, "local", 0) || lean_ident_eq(src, p, "scoped", 0));
}

static int in_list_tok(const char *code, const struct lean_tok *t, const char *const *list, size_t n);

/* The attribute brackets v[ob] (`@[` or `[`) .. v[cb] (`]`): each entry is
 * [local | scoped] [-] NAME ARGS with NAME on allowed_attrs and each argument a
 * numeral or on allowed_attr_args. 0, or -1 with *why naming the construct. */
static int check_attrs(const char *code, const struct lean_tok *v, size_t ob, size_t cb, char **why)
{
	size_t j = ob + 1;
	while (j < cb) {
		const struct lean_tok *t;
		char *name;
		int ok;
		if (v[j].kind == LEAN_TOK_IDENT &&
		    (lean_tok_is(code, &v[j], "local") || lean_tok_is(code, &v[j], "scoped")))
			j++;
		if (j < cb && lean_tok_is(code, &v[j], "-"))
			j++;
		t = &v[j];
		if (j >= cb || t->kind != LEAN_TOK_IDENT) {
			*why = xasprintf("forbidden attribute syntax `%.*s` at %d:%d: an attribute a proof may "
					 "carry is a name", (int)(v[j].end - v[j].start), code + v[j].start,
					 v[j].line, v[j].col);
			return -1;
		}
		name = lean_ident_name(code, t, 0);
		ok = in_list(name, allowed_attrs, CS_ARRAY_SIZE(allowed_attrs));
		free(name);
		if (!ok) {
			*why = xasprintf("forbidden attribute `%.*s` at %d:%d: not an attribute a proof may "
					 "carry (simp, norm_cast, push_cast, field_simps, ext, symm, refl, trans, "
					 "nolint, mono, gcongr, congr, elab_as_elim, inline, specialize)",
					 (int)(t->end - t->start), code + t->start, t->line, t->col);
			return -1;
		}
		for (j++; j < cb && !lean_tok_is(code, &v[j], ","); j++) {
			t = &v[j];
			if (t->kind == LEAN_TOK_NUMBER ||
			    ((t->kind == LEAN_TOK_IDENT || t->kind == LEAN_TOK_SYMBOL) &&
			     in_list_tok(code, t, allowed_attr_args, CS_ARRAY_SIZE(allowed_attr_args))))
				continue;
			*why = xasprintf("forbidden attribute argument `%.*s` at %d:%d: an attribute a proof "
					 "carries takes only ←, ↓, ↑ or a priority", (int)(t->end - t->start),
					 code + t->start, t->line, t->col);
			return -1;
		}
		j++;
	}
	return 0;
}

/* Is token t exactly one of list[0..n)? */
static int in_list_tok(const char *code, const struct lean_tok *t, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (lean_tok_is(code, t, list[i]))
			return 1;
	return 0;
}

int lean_check_forbidden(const char *code, const struct lean_policy *pol, char **why)
{
	struct lean_tok *v;
	size_t n, i, attr_end = 0, attr_open = 0;
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
		const struct forbidden *f;
		const char *s;
		size_t len;
		char *name;
		if (t->kind == LEAN_TOK_SYMBOL && lean_tok_is(code, t, "#")) {
			const struct lean_tok *c = &v[i + 1];
			if (c->kind == LEAN_TOK_IDENT && c->start == t->end) {
				char *cmd = lean_ident_name(code, c, 0);
				int known = 0;
				for (size_t k = 0; k < CS_ARRAY_SIZE(hash_cmds); k++)
					known |= !strcmp(cmd, hash_cmds[k]);
				if (t->bol || known)
					*why = xasprintf("forbidden `#%.*s` command at %d:%d: runs code or "
							 "prints instead of proving",
							 (int)(c->end - c->start), code + c->start, t->line, t->col),
					rc = -1;
				free(cmd);
			}
			continue;
		}
		if (i + 1 < n && i >= attr_end && ((t->kind == LEAN_TOK_SYMBOL && lean_tok_is(code, t, "@[")) ||
		    (lean_ident_eq(code, t, "attribute", 0) && lean_tok_is(code, &v[i + 1], "[")))) {
			attr_open = t->kind == LEAN_TOK_SYMBOL ? i : i + 1;
			attr_end = closing(code, v, n, attr_open);
		}
		/* the allow-list once the deny table has read the whole brackets */
		if (attr_end && i == attr_end && (rc = check_attrs(code, v, attr_open, attr_end, why)))
			break;
		/* syntax quotations and Name literals: only metaprograms build syntax */
		if ((t->kind == LEAN_TOK_SYMBOL && t->end - t->start == 1 && code[t->start] == '`') ||
		    t->kind == LEAN_TOK_NAME) {
			*why = xasprintf("forbidden `%.*s` at %d:%d: a syntax quotation or Name literal is "
					 "metaprogram code", (int)(t->end - t->start), code + t->start, t->line, t->col);
			rc = -1;
			break;
		}
		if (t->kind != LEAN_TOK_IDENT && t->kind != LEAN_TOK_NAME)
			continue;
		lean_ident_last(code, t, &s, &len);
		if ((f = match(s, len, CONST, pol))) {
			rc = refuse(code, t, "", f, why);
			continue;
		}
		if (t->kind == LEAN_TOK_NAME)
			continue;
		name = lean_ident_name(code, t, LEAN_ID_DECL);
		len = strlen(name);
		/* a «quoted» identifier is never a keyword (identFnAux: mkIdResult, no
		 * token starts with «): («axiom» : p) names a hypothesis. Only `native`,
		 * a configuration field read by name (decide +«native»), still counts. */
		if ((f = match(name, len, WORD, pol)) &&
		    !(memmem(code + t->start, t->end - t->start, "«", 2) && strcmp(f->pattern, "native"))) {
			rc = refuse(code, t, "", f, why);
		} else if (i > 0 && i < attr_end && attr_position(code, v, i) && (f = match(name, len, ATTR, pol))) {
			rc = refuse(code, t, "attribute ", f, why);
		} else if (!memchr(name, '.', len) &&
			   ((len >= 2 && name[len - 1] == '?') ||
			    (len >= 3 && name[len - 1] == '!' && name[len - 2] == '?'))) {
			*why = xasprintf("forbidden `%.*s` at %d:%d: a search tactic", (int)(t->end - t->start),
					 code + t->start, t->line, t->col);
			rc = -1;
		} else if (!pol->allow_native_decide && !strcmp(name, "decide") && i + 2 < n &&
			   lean_tok_is(code, &v[i + 1], "(") && lean_ident_eq(code, &v[i + 2], "config", 0)) {
			*why = xasprintf("forbidden `decide (config := …)` at %d:%d: a configuration can ask "
					 "for native evaluation, by name or not (⟨false, true⟩)", t->line, t->col);
			rc = -1;
		} else if (!strcmp(name, "set_option")) {
			rc = check_option(code, v, n, i, pol, why);
		} else if (!strcmp(name, "tactic") && !(i < attr_end)) {
			/* aesop (add safe tactic foo): the rule runs the named TacticM code */
			*why = xasprintf("forbidden `tactic` at %d:%d: an extension clause (aesop's "
					 "`add … tactic …`) runs the named code", t->line, t->col);
			rc = -1;
		} else if (in_meta_namespace(name)) {
			*why = xasprintf("forbidden `%.*s` at %d:%d: a name of a metaprogramming namespace "
					 "(Lean, IO, System, Std, Aesop, Qq, Mathlib.Tactic, Mathlib.Meta, …): "
					 "code, not proof", (int)(t->end - t->start), code + t->start, t->line, t->col);
			rc = -1;
		} else if (t->bol && t->col == 0 &&
			   !in_list(name, allowed_commands, CS_ARRAY_SIZE(allowed_commands))) {
			*why = xasprintf("forbidden command `%.*s` at %d:%d: not a command a proof may use "
					 "(theorem, lemma, def, abbrev, example, noncomputable, private, protected, "
					 "open, set_option, section, end, universe, attribute, where)",
					 (int)(t->end - t->start), code + t->start, t->line, t->col);
			rc = -1;
		}
		free(name);
	}
	free(v);
	return rc;
}
