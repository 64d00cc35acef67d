/* lean_sketch_analyze: the sorries of a proof sketch as subgoal lemmas.
 *
 * One pass over the tokens of the theorem's proof with a stack of tactic blocks
 * (opened by `by`, `·` and `=>`; a block is the run of lines at or right of the
 * column of its first token, or what an enclosing bracket holds). Each block knows
 * the goal it proves when the text states it (the theorem's conclusion, a have's
 * type, a `show`/`suffices` type), whether a tactic before has changed that goal,
 * and whether a tactic before (in it or around it) has changed the local context.
 * The premises in scope (earlier haves with a type, binders of enclosing haves,
 * the locals way 3 reads) are a stack cut back when a block closes, so a lemma
 * costs its own length only. A have whose block holds further steps (a wrapper)
 * is no subgoal: its sorries are, the wrapper's binders and the haves before them
 * in scope, outer ones first.
 *
 * Way 1, the faithful lemma (lemma_a, lemma_b):
 * - statement: the have's type, verbatim; for a have with binders the verbatim text
 *   "(n : ℕ) (hn : 0 < n) : P n" from its first binder to the end of its type.
 *   As a premise of later lemmas such a have is (h : ∀ (n : ℕ) (hn : 0 < n), P n).
 * - A sorry whose goal the text does not state (in a `·` block, a calc step, a
 *   term) has statement "", lemma_a = lemma_b = NULL and needs_goal_state.
 * - Goal state is needed when a tactic before the sorry (in its block or an
 *   enclosing one) may introduce or change hypotheses: anything but a typed
 *   `have`/`obtain h`/`suffices`/`show` and the goal-only tactics of goal_only[]
 *   used without `at h` (`at ⊢` is fine); also after `obtain ⟨…⟩` (its names cannot
 *   be lemma binders) and after a have without a type. A sorry closing a block's
 *   goal also needs it when any tactic before it in the block may have changed
 *   the goal.
 *
 * Way 3, the lemma read from the text (text_lemma_a, text_lemma_b): way 1's lemma
 * with, in source order among the premises, the locals of the tactics whose effect
 * the text states (lean_context.c reads the types): `intro`/`intros`/`rintro` on a
 * goal written ∀/→/¬/≠ (a binder whose type is not written stays untyped, `(x)`:
 * Lean infers it as it did in the theorem, and the lemma's elaboration check
 * catches one it cannot), `by_contra h` (h : ¬goal, or q for ¬q; `by_contra h : T`
 * and `by_contra! h : T` give T), `exfalso`, `obtain`/`rcases`/`cases'` of a local
 * or of its projections and applications (`h.2.1`, `h₂ 1`) on ∃/∧/↔, `have h := e`
 * of such a term (a premise), `specialize h a` (a premise h : instance), `set x : T
 * := e with hx` ((x : T) (hx : x = e)) and `let x : T := e` ((x : T) (_ : x = e)).
 * A hypothesis changed in place (`rw … at h`, `simp … at h`, `norm_num at h`,
 * `simp_all`, `subst`) keeps its type as written; so does the goal after `set`
 * and `subst`. `by_contra! h` and `contrapose(!) h` are read as what Mathlib
 * defines them to be: by_contra/contrapose, then (for !) `push_neg at h`, an
 * in-place change. Anything else that may touch the context (`cases`,
 * `induction`, `match`, alternatives, `by_contra!` with a pattern, `set` without a
 * type, an intro on a goal the text no longer states) leaves text_lemma NULL with
 * text_reason.
 * Soundness: the lemma's premises give back the context at the sorry — a local as
 * the tactic introduced it; a hypothesis changed in place follows from the
 * original, kept as written, it was derived from; what a tactic removed (rcases
 * consuming h, contrapose reverting it) stays as a premise, which only weakens the
 * lemma — so whenever the sorry's goal holds there, the lemma (its untyped
 * binders inferred as in the theorem) is a true theorem. Destructuring a
 * hypothesis changed in place is refused: its witnesses need not be the
 * original's. Whether the lemma's proof fits the spot is decided by verifying the
 * recombined proof, as for every lemma.
 *
 * At most LEAN_MAX_SUBGOALS sorries, and LEAN_MAX_LEMMA_BYTES of lemma text in
 * all: larger sketches are refused. */
#include <stdlib.h>
#include <string.h>

#include "cs.h"
#include "lean_scan.h"
#include "lean_decl.h"
#include "lean_context.h"
#include "lean_text.h"

#define LEAN_MAX_SUBGOALS 256
#define LEAN_MAX_LEMMA_BYTES (64u << 20)

struct span {
	const char *p;
	size_t n;
};

enum ent_kind {
	ENT_PREMISE,  /* an earlier have: form (b) of both ways */
	ENT_BINDERS,  /* binders of an enclosing have: every form */
	ENT_LOCAL,    /* a name of the theorem's or a have's binders: for lookups only */
	ENT_CTX,      /* a local way 3 reads: way 3's forms (only (b) when premise) */
	ENT_CHANGED,  /* a hypothesis (all when name is empty) changed in place from here on */
};
struct ent {
	enum ent_kind kind;
	struct span name;    /* premise name ("this" for anonymous haves) */
	struct span binders; /* the have's binders, or the binders entry itself */
	struct span type;    /* p NULL: an untyped local */
	int premise;         /* ENT_CTX: a derived fact, form (b) only */
};

enum blk_kind { BLK_ROOT, BLK_HAVE, BLK_GEN };
struct blk {
	enum blk_kind kind;
	int col;           /* column of the first token; -1 until seen */
	int line;          /* line of the token that opened it */
	long bracket;      /* bracket depth where it opened */
	int goal_known;
	struct span goal, goal_binders;
	struct span owner; /* name of the have or suffices whose goal this is */
	long owner_tok;    /* its keyword, or -1 */
	long goal_tok;     /* tactic that changed the goal, or -1 */
	long ctx_tok;      /* tactic that changed the context, or -1 */
	long unknown_tok;  /* token that opened a block of unstated goal, or -1 */
	size_t scope_mark;
	size_t pend_mark;  /* its pending entries start here */
	int depth;
	long pending_ctx;  /* a tactic whose names enter the context after it, or -1 */
	int at_sensitive;  /* the current tactic changes the context if it has `at h` */
	long cur;          /* first token of the current tactic */
	/* way 3 */
	long t_ctx_tok;    /* tactic whose effect on the context the text cannot say, or -1 */
	const char *t_why; /* what of it (NULL: nothing more to say) */
	long t_lost_tok;   /* the current tactic loses way 3 from the next one on, or -1 */
	const char *t_lost_why;
	long t_goal_tok;   /* tactic after which the text no longer states the goal, or -1 */
	struct span t_goal;/* the goal as the text states it (t_goal_tok < 0) */
	int t_goal_only;   /* the current tactic changes the goal unless only `at h` */
	int t_at, t_at_goal; /* it has `at`; its locations hold ⊢ or * */
};

struct an {
	const char *src;
	struct lean_tok *v;
	size_t n, end;    /* tokens; proof tokens end before index end */
	struct span thname, thbinders, conclusion;
	struct blk *b;
	size_t nb, capb;
	struct ent *e;
	size_t ne, cape;
	struct ent *pend; /* entries that enter scope at their block's next tactic */
	size_t npend, cappend;
	char **own;       /* text way 3 built (types, goals), freed at the end */
	size_t nown, capown;
	struct lean_sketch *out;
	size_t capg;
	size_t lemma_bytes;
	long bracket;
	char *why;
};

static const char *const goal_only[] = {
	"rw", "rewrite", "rwa", "nth_rewrite", "nth_rw", "simp", "simp_rw", "dsimp", "norm_num",
	"field_simp", "ring_nf", "ring", "ring1", "linarith", "nlinarith", "positivity",
	"polyrith", "omega", "decide", "norm_cast", "push_cast", "exact_mod_cast",
	"apply_mod_cast", "exact", "exacts", "apply", "refine", "refine'", "constructor", "use",
	"exists", "existsi", "left", "right", "exfalso", "gcongr", "trivial", "aesop", "tauto",
	"unfold", "simp_arith", "calc", "conv", "infer_instance", "assumption", "contradiction",
	"rfl", "norm_num1", "native_decide", "push_neg", "bound", "simpa", "abel", "group",
	"module", "noncomm_ring", "field_simp", "nlinarith!", "linarith!", "split_ands",
	"all_goals", "any_goals", "try", "repeat", "first", "focus", "iterate", "skip",
	"congr", "symm", "trans", "change", "subst_vars", "norm_num!", "decide!", "apply_fun",
};

/* Goal-only tactics whose terms leave no goal behind: a `fun`, `match` or `with`
 * in them binds nothing in the context after them. */
static const char *const term_only[] = {
	"rw", "rewrite", "rwa", "nth_rewrite", "nth_rw", "simp", "simp_rw", "dsimp", "norm_num",
	"field_simp", "ring_nf", "linarith", "nlinarith", "positivity", "polyrith", "norm_cast",
	"push_cast", "exact_mod_cast", "apply_mod_cast", "simpa", "exact", "exacts", "gcongr",
	"aesop", "simp_arith", "bound", "unfold", "change", "omega", "decide", "tauto", "trivial",
	"nlinarith!", "linarith!", "norm_num1", "norm_num!",
};

/* Words that bind names or rewrite hypotheses anywhere in a tactic. */
static const char *const binding[] = {
	"intro", "intros", "rintro", "obtain", "rcases", "cases", "cases'", "induction",
	"induction'", "match", "by_contra", "by_contra!", "by_cases", "contrapose",
	"contrapose!", "subst", "set", "generalize", "lift", "choose", "interval_cases",
	"fin_cases", "split_ifs", "ext", "funext", "rename_i", "revert", "clear", "specialize",
	"replace", "let", "haveI", "letI", "wlog", "simp_all", "split", "next", "case", "fun",
	"with", "intro!",
};

static int is_sym(const struct an *a, size_t i, const char *s)
{
	return a->v[i].kind == LEAN_TOK_SYMBOL && lean_tok_is(a->src, &a->v[i], s);
}

static int is_word(const struct an *a, size_t i, const char *s)
{
	return a->v[i].kind == LEAN_TOK_IDENT && lean_tok_is(a->src, &a->v[i], s);
}

static int is_open(const struct an *a, size_t i)
{
	return is_sym(a, i, "(") || is_sym(a, i, "[") || is_sym(a, i, "{") || is_sym(a, i, "⦃") ||
	       is_sym(a, i, "⟨") || is_sym(a, i, "@[") || is_sym(a, i, "%[");
}

static int is_close(const struct an *a, size_t i)
{
	return is_sym(a, i, ")") || is_sym(a, i, "]") || is_sym(a, i, "}") || is_sym(a, i, "⦄") ||
	       is_sym(a, i, "⟩");
}

static int is_comment(const struct an *a, size_t i)
{
	return a->v[i].kind == LEAN_TOK_COMMENT || a->v[i].kind == LEAN_TOK_DOC;
}

/* Next code token after i (a->end when none). */
static size_t next(const struct an *a, size_t i)
{
	for (i++; i < a->end; i++)
		if (!is_comment(a, i))
			return i;
	return a->end;
}

static struct span tokspan(const struct an *a, size_t first, size_t last)
{
	struct span s = { a->src + a->v[first].start, a->v[last].end - a->v[first].start };
	return s;
}

static struct span toktext(const struct an *a, size_t i)
{
	return tokspan(a, i, i);
}

static const struct span none = { "", 0 };

/* Code tokens i..j-1 trimmed of comments, as a span (empty when none). */
static struct span range(const struct an *a, size_t i, size_t j)
{
	while (i < j && is_comment(a, i))
		i++;
	while (j > i && is_comment(a, j - 1))
		j--;
	return i < j ? tokspan(a, i, j - 1) : none;
}

/* Keep text way 3 built until the analysis ends; its span. */
static struct span keep(struct an *a, char *text)
{
	struct span s = { text, strlen(text) };
	a->own = cs_grow(a->own, &a->capown, a->nown, sizeof *a->own);
	a->own[a->nown++] = text;
	return s;
}

static struct blk *top(struct an *a)
{
	return &a->b[a->nb - 1];
}

static void push_ent(struct an *a, const struct ent *e)
{
	a->e = cs_grow(a->e, &a->cape, a->ne, sizeof *a->e);
	a->e[a->ne++] = *e;
}

/* An entry for the top block's next tactic. */
static void push_pending(struct an *a, const struct ent *e)
{
	a->pend = cs_grow(a->pend, &a->cappend, a->npend, sizeof *a->pend);
	a->pend[a->npend++] = *e;
}

static struct blk *push_blk(struct an *a, enum blk_kind kind, size_t opener)
{
	struct blk *parent, *b;
	a->b = cs_grow(a->b, &a->capb, a->nb, sizeof *a->b);
	parent = a->nb ? top(a) : NULL;
	b = &a->b[a->nb++];
	memset(b, 0, sizeof *b);
	b->kind = kind;
	b->col = -1;
	b->line = a->v[opener].line;
	b->bracket = a->bracket;
	b->goal_tok = -1;
	b->ctx_tok = parent ? parent->ctx_tok : -1;
	b->unknown_tok = kind == BLK_GEN ? (long)opener : -1;
	b->scope_mark = a->ne;
	b->pend_mark = a->npend;
	b->depth = parent ? parent->depth : 0;
	b->owner = parent ? parent->owner : none;
	b->owner_tok = parent ? parent->owner_tok : -1;
	b->cur = -1;
	b->pending_ctx = -1;
	b->t_ctx_tok = parent ? parent->t_ctx_tok : -1;
	b->t_why = parent ? parent->t_why : NULL;
	b->t_goal_tok = kind == BLK_GEN ? (long)opener : -1;
	b->t_lost_tok = -1;
	return b;
}

static void pop_blk(struct an *a)
{
	a->ne = top(a)->scope_mark;
	a->npend = top(a)->pend_mark;
	a->nb--;
}

/* The previous tactic of b is over: what it did enters scope. */
static void commit_pending(struct an *a, struct blk *b)
{
	for (size_t i = b->pend_mark; i < a->npend; i++)
		push_ent(a, &a->pend[i]);
	a->npend = b->pend_mark;
	if (b->pending_ctx >= 0) {
		if (b->ctx_tok < 0)
			b->ctx_tok = b->pending_ctx;
		b->pending_ctx = -1;
	}
	if (b->t_goal_only && (!b->t_at || b->t_at_goal) && b->t_goal_tok < 0)
		b->t_goal_tok = b->cur;
	if (b->t_lost_tok >= 0 && b->t_ctx_tok < 0) {
		b->t_ctx_tok = b->t_lost_tok;
		b->t_why = b->t_lost_why;
	}
	b->t_lost_tok = -1;
	b->t_goal_only = b->t_at = b->t_at_goal = 0;
}

/* Way 3 cannot go past tactic tok of b (from the next tactic on: the tactic's own
 * blocks do not see its effect); why (taken, may be NULL) says what of it. */
static void text_lost_why(struct an *a, struct blk *b, size_t tok, char *why)
{
	if (b->t_ctx_tok < 0 && b->t_lost_tok < 0) {
		b->t_lost_tok = (long)tok;
		b->t_lost_why = why ? keep(a, why).p : NULL;
	} else {
		free(why);
	}
}

/* The type of the local `name` as written (NULL when none is known); *stale
 * when a tactic changed it in place since. A lean_lookup_fn. */
static const char *lookup(void *ctx, const char *name, size_t len, int *stale)
{
	struct an *a = ctx;
	struct span want = { name, len };
	*stale = 0;
	for (size_t i = a->ne; i-- > 0;) {
		const struct ent *e = &a->e[i];
		if (e->kind == ENT_CHANGED && (!e->name.n || (e->name.n == len && !memcmp(e->name.p, name, len))))
			*stale = 1;
		if ((e->kind == ENT_PREMISE || e->kind == ENT_LOCAL || e->kind == ENT_CTX) && e->name.n == len &&
		    !memcmp(e->name.p, want.p, len)) {
			if (!e->type.p)
				return NULL;
			if (e->kind == ENT_PREMISE && e->binders.n)
				return keep(a, xasprintf("∀ %.*s, %.*s", (int)e->binders.n, e->binders.p, (int)e->type.n,
							 e->type.p)).p;
			return keep(a, xstrndup(e->type.p, e->type.n)).p;
		}
	}
	return NULL;
}

static void add_span(struct sbuf *sb, struct span s)
{
	sbuf_add(sb, s.p, s.n);
}

/* The lemma name: theorem name + "_" + have name, «quoted» when either is. */
static char *lemma_name(struct an *a, const char *suffix)
{
	char *base, *name = NULL;
	const char *th = a->thname.p;
	size_t thn = a->thname.n;
	int quote = strstr(suffix, "«") || (thn >= 2 && !strncmp(th, "«", 2));
	if (quote) {
		struct sbuf sb = SBUF_INIT;
		for (size_t k = 0; k < thn; k++)
			if (strncmp(th + k, "«", 2) && strncmp(th + k, "»", 2))
				sbuf_addch(&sb, th[k]);
			else
				k++;
		sbuf_addch(&sb, '_');
		for (const char *p = suffix; *p; p++)
			if (strncmp(p, "«", 2) && strncmp(p, "»", 2))
				sbuf_addch(&sb, *p);
			else
				p++;
		base = sbuf_detach(&sb);
	} else {
		base = xasprintf("%.*s_%s", (int)thn, th, suffix);
	}
	for (int k = 1; !name; k++) {
		name = k == 1 ? (quote ? xasprintf("«%s»", base) : xstrdup(base))
			      : (quote ? xasprintf("«%s_%d»", base, k) : xasprintf("%s_%d", base, k));
		for (size_t g = 0; g < a->out->n; g++)
			if (!strcmp(a->out->goals[g].lemma_name, name)) {
				free(name);
				name = NULL;
				break;
			}
	}
	free(base);
	return name;
}

/* "theorem NAME <theorem binders> <entries> :\n  T := by"; premises only in form b,
 * way 3's locals only when text. */
static char *lemma_text(struct an *a, const char *name, struct span type, int form_b, int text)
{
	struct sbuf sb = SBUF_INIT;
	sbuf_addf(&sb, "theorem %s", name);
	if (a->thbinders.n) {
		sbuf_addch(&sb, ' ');
		add_span(&sb, a->thbinders);
	}
	for (size_t i = 0; i < a->ne; i++) {
		const struct ent *e = &a->e[i];
		if (e->kind == ENT_BINDERS) {
			sbuf_addch(&sb, ' ');
			add_span(&sb, e->binders);
		} else if (e->kind == ENT_CTX && text && (form_b || !e->premise)) {
			sbuf_adds(&sb, " (");
			add_span(&sb, e->name);
			if (e->type.p) {
				sbuf_adds(&sb, " : ");
				add_span(&sb, e->type);
			}
			sbuf_addch(&sb, ')');
		} else if (e->kind == ENT_PREMISE && form_b) {
			sbuf_adds(&sb, " (");
			add_span(&sb, e->name);
			sbuf_adds(&sb, " : ");
			if (e->binders.n) {
				sbuf_adds(&sb, "∀ ");
				add_span(&sb, e->binders);
				sbuf_adds(&sb, ", ");
			}
			add_span(&sb, e->type);
			sbuf_addch(&sb, ')');
		}
	}
	sbuf_adds(&sb, " :\n  ");
	add_span(&sb, type);
	sbuf_adds(&sb, " := by");
	a->lemma_bytes += sb.len;
	return sbuf_detach(&sb);
}

static char *reason(const struct an *a, long tok, const char *what)
{
	struct span s = toktext(a, (size_t)tok);
	return xasprintf("`%.*s` at line %d %s", (int)s.n, s.p, a->v[tok].line, what);
}

/* Is s one identifier (not an obtain pattern)? */
static int plain_name(struct span s)
{
	if (s.n > 2 && !strncmp(s.p, "«", 2))
		return 1;
	for (size_t i = 0; i < s.n; i++)
		if (strchr(" \t\r\n,|()", s.p[i]) || !strncmp(s.p + i, "⟨", 3))
			return 0;
	return s.n > 0;
}

/* One sorry and what the text says of its goal. */
struct step {
	size_t sorry;        /* its token */
	const struct blk *b; /* the block it stands in */
	struct span have;    /* the have (or obtain pattern) it proves; empty: final or none */
	long have_tok;       /* that have's keyword, or -1 */
	int is_final;
	int known;           /* the goal is stated by type (own binders already in scope) */
	struct span binders, type;
	long goal_tok;       /* a tactic before it changed that goal, or -1 */
	struct span text_type; /* way 3's goal; p NULL when the text does not state it */
	long text_goal_tok;  /* why not, or -1 */
	int depth;
};

/* The reason way 3 cannot state step s, malloc'd, or NULL when it can. */
static char *text_reason(const struct an *a, const struct step *s)
{
	const struct blk *b = s->b;
	if (b->t_ctx_tok >= 0) {
		struct span t = toktext(a, (size_t)b->t_ctx_tok);
		if (b->t_why)
			return xasprintf("`%.*s` at line %d: %s", (int)t.n, t.p, a->v[b->t_ctx_tok].line, b->t_why);
		return xasprintf("`%.*s` at line %d: the text does not say what it leaves in the context",
				 (int)t.n, t.p, a->v[b->t_ctx_tok].line);
	}
	if (!s->text_type.p) {
		if (s->text_goal_tok >= 0) {
			struct span t = toktext(a, (size_t)s->text_goal_tok);
			return xasprintf("`%.*s` at line %d: the text does not say what goal it leaves",
					 (int)t.n, t.p, a->v[s->text_goal_tok].line);
		}
		return xasprintf("sorry inside a term at line %d", a->v[s->sorry].line);
	}
	return NULL;
}

/* Count the in-place changes in scope; *locals: way 3's locals in scope. */
static int changes(const struct an *a, int *locals)
{
	int n = 0;
	*locals = 0;
	for (size_t i = 0; i < a->ne; i++) {
		n += a->e[i].kind == ENT_CHANGED;
		*locals |= a->e[i].kind == ENT_CTX;
	}
	return n;
}

/* A subgoal for step s. */
static int subgoal(struct an *a, const struct step *s)
{
	struct lean_subgoal *g;
	const struct blk *b = s->b;
	size_t k = s->sorry;
	char *suffix;
	a->out->goals = cs_grow(a->out->goals, &a->capg, a->out->n, sizeof *a->out->goals);
	g = &a->out->goals[a->out->n];
	memset(g, 0, sizeof *g);
	g->index = (int)a->out->n;
	g->have_name = s->have.n ? xstrndup(s->have.p, s->have.n) : NULL;
	if (s->is_final)
		suffix = xstrdup("final");
	else if (!s->have.n)
		suffix = xstrdup("step");
	else if (!plain_name(s->have))
		suffix = xstrdup("obtain");
	else
		suffix = xstrndup(s->have.p, s->have.n);
	g->lemma_name = lemma_name(a, suffix);
	free(suffix);
	a->out->n++;
	if (s->known && s->binders.n)
		g->statement = xstrndup(s->binders.p, (size_t)(s->type.p + s->type.n - s->binders.p));
	else
		g->statement = s->known ? xstrndup(s->type.p, s->type.n) : xstrdup("");
	if (s->known) {
		g->lemma_a = lemma_text(a, g->lemma_name, s->type, 0, 0);
		g->lemma_b = lemma_text(a, g->lemma_name, s->type, 1, 0);
	}
	g->is_final = s->is_final;
	g->sorry_start = a->v[k].start;
	g->sorry_end = a->v[k].end;
	g->line = a->v[k].line;
	g->col = a->v[k].col;
	g->have_line = s->have_tok >= 0 ? a->v[s->have_tok].line : g->line;
	g->depth = s->depth;
	if (!s->known)
		g->goal_reason = b->unknown_tok >= 0 ? reason(a, b->unknown_tok, "opens a goal the text does not state")
				: xasprintf("sorry inside a term at line %d", a->v[k].line);
	else if (b->ctx_tok >= 0)
		g->goal_reason = reason(a, b->ctx_tok, "may change the hypotheses");
	else if (s->goal_tok >= 0)
		g->goal_reason = reason(a, s->goal_tok, "may change the goal");
	g->needs_goal_state = g->goal_reason != NULL;
	if (!(g->text_reason = text_reason(a, s))) {
		int locals;
		g->text_changed = changes(a, &locals);
		if (!locals && s->known && s->text_type.p == s->type.p) {
			/* way 1's lemma: nothing before it is read differently */
			g->text_lemma_a = xstrdup(g->lemma_a);
			g->text_lemma_b = xstrdup(g->lemma_b);
			a->lemma_bytes += strlen(g->lemma_a) + strlen(g->lemma_b);
		} else {
			g->text_lemma_a = lemma_text(a, g->lemma_name, s->text_type, 0, 1);
			g->text_lemma_b = lemma_text(a, g->lemma_name, s->text_type, 1, 1);
		}
	}
	if (a->lemma_bytes > LEAN_MAX_LEMMA_BYTES) {
		a->why = xasprintf("the lemmas of this sketch exceed %u MiB of text", LEAN_MAX_LEMMA_BYTES >> 20);
		return -1;
	}
	return 0;
}

/* Skip a bracketed group starting at token i; index after its close. */
static size_t skip_group(const struct an *a, size_t i)
{
	long depth = 0;
	for (; i < a->end; i = next(a, i)) {
		if (is_open(a, i))
			depth++;
		else if (is_close(a, i) && --depth == 0)
			return next(a, i);
	}
	return a->end;
}

/* Does token i end the tactic that began in block b (a new line at or left of it)? */
static int tactic_over(const struct an *a, const struct blk *b, size_t i)
{
	return i >= a->end || (a->v[i].bol && a->v[i].col <= b->col);
}

/* The first token from i on that is past the current tactic of b. */
static size_t tactic_end(const struct an *a, const struct blk *b, size_t i)
{
	while (!tactic_over(a, b, i))
		i = next(a, i);
	return i;
}

/* Index of the `:=` (or, if alt, of `by`/`from`) at bracket depth 0 from token i
 * within the current tactic of b; a->end when none. */
static size_t find_assign(const struct an *a, const struct blk *b, size_t i, int alt)
{
	long depth = 0;
	for (; !tactic_over(a, b, i); i = next(a, i)) {
		if (is_open(a, i))
			depth++;
		else if (is_close(a, i) && --depth < 0)
			return a->end;
		else if (depth == 0 && (alt ? is_word(a, i, "by") || is_word(a, i, "from") : is_sym(a, i, ":=")))
			return i;
	}
	return a->end;
}

/* Token i..j-1 as a malloc'd string. */
static char *text_of(const struct an *a, size_t i, size_t j)
{
	struct span s = range(a, i, j);
	return xstrndup(s.p, s.n);
}

/* Way 3: the locals in l enter the context after the current tactic of b
 * (premise: as derived facts, form (b) only). l is released. */
static void pend_locals(struct an *a, struct lean_locals *l, int premise)
{
	for (size_t i = 0; i < l->n; i++) {
		struct ent e = { ENT_CTX, keep(a, l->v[i].name), none, none, premise };
		if (l->v[i].type)
			e.type = keep(a, l->v[i].type);
		else
			e.type.p = NULL;
		push_pending(a, &e);
	}
	free(l->v);
	memset(l, 0, sizeof *l);
}

/* Way 3 of `obtain pat := term` (term: tokens ts..te) or of pattern pat on the
 * written type ty (ty.p non-NULL): the locals, or the tactic at tok lost. */
static void text_destruct(struct an *a, struct blk *b, size_t tok, struct span pat, struct span ty, size_t ts,
			  size_t te)
{
	struct lean_locals l = { 0 };
	char *p = xstrndup(pat.p, pat.n), *why = NULL, *type;
	int stale = 0;
	if (ty.p) {
		type = xstrndup(ty.p, ty.n);
	} else {
		char *term = text_of(a, ts, te);
		type = lean_ctx_infer(term, lookup, a, &stale, &why);
		free(term);
	}
	if (!type || stale || lean_ctx_destruct(type, p, &l, &why)) {
		lean_locals_release(&l);
		text_lost_why(a, b, tok, !type || !stale ? why : xstrdup("it takes apart a hypothesis changed in place")), why = !type || !stale ? NULL : why;
	} else {
		pend_locals(a, &l, 0);
	}
	free(why);
	free(type);
	free(p);
}

/* `suffices h : T by …`/`from …` at token i (its type ty, the `by`/`from` at as). */
static size_t read_suffices(struct an *a, size_t i, struct span name, struct span ty, size_t as)
{
	struct blk *b = top(a), old = *b;
	struct ent e = { ENT_PREMISE, name, none, ty, 0 };
	/* after it, the goal is T; before, its proof block proves the old goal */
	b->goal_known = 1;
	b->goal = ty;
	b->goal_binders = none;
	b->goal_tok = -1;
	b->t_goal = ty;
	b->t_goal_tok = -1;
	if (is_word(a, as, "by")) {
		struct blk *nb = push_blk(a, BLK_HAVE, as);
		nb->goal_known = old.goal_known;
		nb->goal = old.goal;
		nb->goal_binders = old.goal_binders;
		nb->goal_tok = old.goal_tok;
		nb->unknown_tok = old.unknown_tok;
		nb->t_goal = old.t_goal;
		nb->t_goal_tok = old.t_goal_tok;
		nb->owner = name;
		nb->owner_tok = (long)i;
		nb->depth = old.depth + 1;
		push_ent(a, &e);
	}
	return next(a, as);
}

/* The proof after `:=` (at token after) of a have of type ty with binders at
 * token i: a block, or a sorry that is a subgoal, or a term. */
static size_t read_have_proof(struct an *a, size_t i, struct span hv, struct span binders, struct span ty,
			      size_t after, int *err)
{
	struct blk *b = top(a);
	struct ent e = { ENT_BINDERS, none, binders, none, 0 };
	if (after < a->end && is_word(a, after, "by")) {
		int depth = b->depth;
		struct blk *nb = push_blk(a, BLK_HAVE, after); /* b is stale from here */
		nb->goal_known = 1;
		nb->goal = ty;
		nb->goal_binders = binders;
		nb->owner = hv;
		nb->owner_tok = (long)i;
		nb->depth = depth + 1;
		nb->t_goal = ty;
		if (binders.n)
			push_ent(a, &e);
		return next(a, after);
	}
	if (after < a->end && is_word(a, after, "sorry")) {
		size_t k = after, nx = next(a, k);
		if (tactic_over(a, b, nx) || is_close(a, nx)) {
			size_t mark = a->ne;
			struct step s = { k, b, hv, (long)i, 0, 1, binders, ty, -1, ty, -1, b->depth };
			if (binders.n)
				push_ent(a, &e);
			*err = subgoal(a, &s);
			a->ne = mark;
			return nx;
		}
	}
	return after;
}

/* A have, obtain or suffices tactic at token i of the top block. Returns the
 * index the main loop resumes at (it will look at that token next). */
static size_t read_have(struct an *a, size_t i, int *err)
{
	struct blk *b = top(a);
	size_t j = next(a, i), bs, colon, as, after;
	struct span name = none, pattern = none, binders = none, type;
	int obtain = is_word(a, i, "obtain"), suffices = is_word(a, i, "suffices");

	*err = 0;
	if (obtain) {
		size_t s = j;
		long depth = 0;
		for (; !tactic_over(a, b, j); j = next(a, j)) {
			if (is_open(a, j))
				depth++;
			else if (is_close(a, j))
				depth--;
			else if (depth == 0 && (is_sym(a, j, ":") || is_sym(a, j, ":=")))
				break;
		}
		if (j == s || tactic_over(a, b, j)) {
			b->pending_ctx = (long)i;
			text_lost_why(a, b, i, xstrdup("an obtain without `:=` or a type"));
			return j;
		}
		if (next(a, s) == j && a->v[s].kind == LEAN_TOK_IDENT)
			name = toktext(a, s);
		else
			pattern = range(a, s, j);
	} else if (j < a->end && is_sym(a, j, "⟨")) {
		size_t s = j;
		j = skip_group(a, j);
		pattern = range(a, s, j);
	} else if (j < a->end && a->v[j].kind == LEAN_TOK_IDENT && !tactic_over(a, b, j)) {
		name = toktext(a, j);
		j = next(a, j);
	}
	if (!obtain && !suffices && !pattern.n) {
		bs = j;
		while (!tactic_over(a, b, j) && (is_open(a, j) || a->v[j].kind == LEAN_TOK_IDENT))
			j = is_open(a, j) ? skip_group(a, j) : next(a, j);
		binders = range(a, bs, j);
	}
	if (tactic_over(a, b, j) || !is_sym(a, j, ":")) {
		/* have h := e, obtain ⟨x⟩ := h, suffices without a type: names of unknown type */
		size_t te = tactic_end(a, b, j);
		b->pending_ctx = (long)i;
		if (!tactic_over(a, b, j) && is_sym(a, j, ":=") && !binders.n && !suffices) {
			if (pattern.n) {
				text_destruct(a, b, i, pattern, (struct span){ NULL, 0 }, next(a, j), te);
			} else {
				struct lean_locals l = { 0 };
				char *term = text_of(a, next(a, j), te), *why = NULL, *ty;
				int stale = 0;
				if ((ty = lean_ctx_infer(term, lookup, a, &stale, &why))) {
					struct span h = name.n ? name : (struct span){ "this", 4 };
					l.v = cs_grow(l.v, &l.cap, l.n, sizeof *l.v);
					l.v[l.n].name = xstrndup(h.p, h.n);
					l.v[l.n++].type = ty;
					pend_locals(a, &l, 1);
				} else {
					text_lost_why(a, b, i, why), why = NULL;
				}
				free(why);
				free(term);
			}
		} else {
			text_lost_why(a, b, i, xstrdup("names of a type the text does not write"));
		}
		return j;
	}
	colon = j;
	as = find_assign(a, b, next(a, colon), suffices);
	if (as == a->end || as == next(a, colon)) {
		/* Mathlib's `have h : T` with the proof as the next goal */
		b->ctx_tok = b->goal_tok = (long)i;
		text_lost_why(a, b, i, xstrdup("its proof is the next goal"));
		return next(a, colon);
	}
	type = range(a, next(a, colon), as);
	after = next(a, as);
	if (!name.n && !pattern.n)
		name = (struct span){ "this", 4 };
	if (suffices)
		return read_suffices(a, i, name, type, as);
	if (pattern.n) {
		b->pending_ctx = (long)i; /* obtain ⟨x, hx⟩ : T: x, hx cannot be way 1's binders */
		text_destruct(a, b, i, pattern, type, 0, 0);
	} else {
		struct ent e = { ENT_PREMISE, name, binders, type, 0 };
		push_pending(a, &e);
	}
	return read_have_proof(a, i, pattern.n ? pattern : name, binders, type, after, err);
}

static void free_patterns(char **p, size_t n)
{
	for (size_t k = 0; k < n; k++)
		free(p[k]);
	free(p);
}

/* The arguments of the tactic at i (one word) up to te as patterns: names, `_`,
 * ⟨…⟩ and (…) groups. NULL when something else stands there. *n of them. */
static char **tactic_patterns(struct an *a, size_t i, size_t te, size_t *n)
{
	char **p = NULL;
	size_t cap = 0;
	*n = 0;
	for (size_t j = next(a, i); j < te;) {
		size_t e = is_open(a, j) ? skip_group(a, j) : next(a, j);
		if (!(is_open(a, j) || a->v[j].kind == LEAN_TOK_IDENT) || is_word(a, j, "at") || is_word(a, j, "with")) {
			free_patterns(p, *n);
			*n = 0;
			return NULL;
		}
		p = cs_grow(p, &cap, *n, sizeof *p);
		p[(*n)++] = text_of(a, j, e > te ? te : e);
		j = e;
	}
	if (!p)
		p = xcalloc(1, sizeof *p);
	return p;
}

/* An in-place change of hypothesis name (empty: all) from the next tactic on. */
static void changed(struct an *a, struct span name)
{
	struct ent e = { ENT_CHANGED, name, none, none, 0 };
	push_pending(a, &e);
}

/* Way 3 of intro/intros/rintro at token i (ending before te). */
static void text_intro(struct an *a, struct blk *b, size_t i, size_t te)
{
	size_t n;
	char **pats = tactic_patterns(a, i, te, &n), *goal, *rest, *why = NULL;
	struct lean_locals l = { 0 };
	if (!pats || b->t_goal_tok >= 0) {
		free_patterns(pats, n);
		text_lost_why(a, b, i, xstrdup(!pats ? "patterns the text cannot read" : "the text no longer states the goal it introduces from"));
		return;
	}
	goal = xstrndup(b->t_goal.p, b->t_goal.n);
	if (lean_ctx_intro(goal, (const char *const *)pats, n, is_word(a, i, "intros") && !n, &l, &rest, &why)) {
		lean_locals_release(&l);
		text_lost_why(a, b, i, why), why = NULL;
	} else {
		pend_locals(a, &l, 0);
		b->t_goal = keep(a, rest);
	}
	free(why);
	free(goal);
	free_patterns(pats, n);
}

/* Way 3 of by_contra/by_contra! at token i. `by_contra! h` is `by_contra h`
 * then `push_neg at h` (Mathlib.Tactic.ByContra): h : ¬goal, changed in place. */
static void text_by_contra(struct an *a, struct blk *b, size_t i, size_t te)
{
	size_t j = next(a, i), colon;
	struct span pat = { "this", 4 };
	struct lean_locals l = { 0 };
	char *p, *ty, *why = NULL;
	int bang = is_word(a, i, "by_contra!"), pushed = 0, named = 1;
	if (j < te && !is_sym(a, j, ":")) {
		size_t e = is_open(a, j) ? skip_group(a, j) : next(a, j);
		named = a->v[j].kind == LEAN_TOK_IDENT;
		pat = range(a, j, e);
		j = e;
	}
	colon = j;
	if (colon < te && is_sym(a, colon, ":")) {
		ty = text_of(a, next(a, colon), te);
	} else if (colon == te && b->t_goal_tok < 0 && (!bang || named)) {
		char *goal = xstrndup(b->t_goal.p, b->t_goal.n);
		ty = lean_ctx_negate(goal);
		free(goal);
		pushed = bang;
	} else {
		text_lost_why(a, b, i, xstrdup("the text no longer states the goal it negates"));
		return;
	}
	p = xstrndup(pat.p, pat.n);
	if (lean_ctx_destruct(ty, p, &l, &why)) {
		lean_locals_release(&l);
		text_lost_why(a, b, i, why), why = NULL;
	} else {
		pend_locals(a, &l, 0);
		if (pushed)
			changed(a, pat);
		b->t_goal = (struct span){ "False", 5 };
		b->t_goal_tok = -1;
	}
	free(why);
	free(ty);
	free(p);
}

/* Way 3 of `contrapose h`/`contrapose! h` at token i: revert h, contrapose, (push_neg,)
 * intro h (Mathlib.Tactic.Contrapose): h : ¬goal (changed in place when pushed);
 * the goal ¬H for h : H, unstated when pushed. */
static void text_contrapose(struct an *a, struct blk *b, size_t i, size_t te)
{
	size_t h = next(a, i);
	int bang = is_word(a, i, "contrapose!"), stale = 0;
	char *goal, *old = NULL;
	struct ent e = { ENT_CTX, none, none, none, 0 };
	if (h >= te || a->v[h].kind != LEAN_TOK_IDENT || next(a, h) < te || b->t_goal_tok >= 0) {
		text_lost_why(a, b, i, xstrdup(h >= te ? "it reverts the goal the text does not state"
						 : "the text no longer states the goal it negates"));
		return;
	}
	if (!bang) {
		const char *t = lookup(a, a->src + a->v[h].start, a->v[h].end - a->v[h].start, &stale);
		old = t && !stale ? lean_ctx_negate(t) : NULL;
	}
	goal = xstrndup(b->t_goal.p, b->t_goal.n);
	e.name = toktext(a, h);
	e.type = keep(a, lean_ctx_negate(goal));
	free(goal);
	push_pending(a, &e);
	if (bang)
		changed(a, e.name);
	if (old)
		b->t_goal = keep(a, old);
	else
		b->t_goal_tok = (long)i;
}

/* Way 3 of `rcases e with pat` and `cases' e with a b` at token i. */
static void text_rcases(struct an *a, struct blk *b, size_t i, size_t te)
{
	size_t w = next(a, i);
	struct span pat;
	char *built = NULL;
	while (w < te && !is_word(a, w, "with"))
		w = is_open(a, w) ? skip_group(a, w) : next(a, w);
	if (w >= te || next(a, w) >= te) {
		text_lost_why(a, b, i, xstrdup("no `with` pattern"));
		return;
	}
	if (is_word(a, i, "cases'")) {
		size_t n;
		char **names = tactic_patterns(a, w, te, &n);
		if (!names || n != 2) {
			free_patterns(names, n);
			text_lost_why(a, b, i, xstrdup("not two names after `with`"));
			return;
		}
		built = xasprintf("⟨%s, %s⟩", names[0], names[1]);
		free_patterns(names, n);
		pat = (struct span){ built, strlen(built) };
	} else {
		pat = range(a, next(a, w), te);
	}
	text_destruct(a, b, i, pat, (struct span){ NULL, 0 }, next(a, i), w);
	free(built);
}

/* Way 3 of `set x : T := e with h` and `let x : T := e` at token i. */
static void text_set(struct an *a, struct blk *b, size_t i, size_t te)
{
	size_t x = next(a, i), colon = next(a, x), as, w;
	struct lean_locals l = { 0 };
	char *e, *xs;
	int back = 0;
	if (x >= te || a->v[x].kind != LEAN_TOK_IDENT || colon >= te || !is_sym(a, colon, ":") ||
	    (as = find_assign(a, b, next(a, colon), 0)) >= te) {
		text_lost_why(a, b, i, xstrdup("the type of the name it binds is not written"));
		return;
	}
	for (w = next(a, as); w < te && !is_word(a, w, "with"); w = next(a, w))
		;
	if (w < te && !is_word(a, i, "set")) {
		text_lost_why(a, b, i, NULL);
		return;
	}
	xs = text_of(a, x, x + 1);
	e = text_of(a, next(a, as), w);
	l.v = cs_grow(l.v, &l.cap, l.n, sizeof *l.v);
	l.v[l.n].name = xs;
	l.v[l.n++].type = text_of(a, next(a, colon), as);
	if (w < te) {
		size_t h = next(a, w);
		if (h < te && is_sym(a, h, "←")) {
			back = 1;
			h = next(a, h);
		}
		if (h >= te || a->v[h].kind != LEAN_TOK_IDENT || next(a, h) < te) {
			free(e);
			lean_locals_release(&l);
			text_lost_why(a, b, i, xstrdup("cannot read its `with`"));
			return;
		}
		l.v = cs_grow(l.v, &l.cap, l.n, sizeof *l.v);
		l.v[l.n].name = text_of(a, h, h + 1);
		l.v[l.n++].type = back ? xasprintf("%s = %s", e, xs) : xasprintf("%s = %s", xs, e);
	} else {
		l.v = cs_grow(l.v, &l.cap, l.n, sizeof *l.v);
		l.v[l.n].name = xstrdup("_");
		l.v[l.n++].type = xasprintf("%s = %s", xs, e);
	}
	free(e);
	pend_locals(a, &l, 0);
}

/* Way 3 of `specialize h args` at token i: a premise h of the instance. */
static void text_specialize(struct an *a, struct blk *b, size_t i, size_t te)
{
	size_t h = next(a, i);
	struct lean_locals l = { 0 };
	char *term, *ty, *why = NULL;
	int stale = 0;
	if (h >= te || a->v[h].kind != LEAN_TOK_IDENT) {
		text_lost_why(a, b, i, NULL);
		return;
	}
	term = text_of(a, h, te);
	if (!(ty = lean_ctx_infer(term, lookup, a, &stale, &why))) {
		text_lost_why(a, b, i, why), why = NULL;
	} else {
		l.v = cs_grow(l.v, &l.cap, l.n, sizeof *l.v);
		l.v[l.n].name = text_of(a, h, h + 1);
		l.v[l.n++].type = ty;
		pend_locals(a, &l, 1);
	}
	free(term);
	free(why);
}

/* Way 3 of a tactic at token i of block b that is neither a have nor goal-only. */
static void text_tactic(struct an *a, struct blk *b, size_t i)
{
	size_t te = tactic_end(a, b, next(a, i));
	for (size_t j = next(a, i); j < te; j = next(a, j))
		if (is_sym(a, j, "<;>") || is_sym(a, j, ";")) {
			text_lost_why(a, b, i, xstrdup("combined with other tactics"));
			return;
		}
	if (is_word(a, i, "intro") || is_word(a, i, "intros") || is_word(a, i, "rintro")) {
		text_intro(a, b, i, te);
	} else if (is_word(a, i, "by_contra") || is_word(a, i, "by_contra!")) {
		text_by_contra(a, b, i, te);
	} else if (is_word(a, i, "contrapose") || is_word(a, i, "contrapose!")) {
		text_contrapose(a, b, i, te);
	} else if (is_word(a, i, "rcases") || is_word(a, i, "cases'")) {
		text_rcases(a, b, i, te);
	} else if (is_word(a, i, "set") || is_word(a, i, "let")) {
		text_set(a, b, i, te);
	} else if (is_word(a, i, "specialize")) {
		text_specialize(a, b, i, te);
	} else if (is_word(a, i, "simp_all")) {
		changed(a, none);
		if (b->t_goal_tok < 0)
			b->t_goal_tok = (long)i;
	} else if (is_word(a, i, "subst") || is_word(a, i, "clear")) {
		if (is_word(a, i, "subst"))
			changed(a, none);
	} else {
		text_lost_why(a, b, i, NULL);
	}
}

/* The locations after `at` (token i) of the current goal-only tactic of b. */
static void read_at(struct an *a, struct blk *b, size_t i)
{
	b->t_at = 1;
	for (size_t j = next(a, i); !tactic_over(a, b, j); j = next(a, j)) {
		if (is_sym(a, j, "⊢")) {
			b->t_at_goal = 1;
		} else if (is_sym(a, j, "*")) {
			b->t_at_goal = 1;
			changed(a, none);
		} else if (a->v[j].kind == LEAN_TOK_IDENT && !is_word(a, j, "at")) {
			changed(a, toktext(a, j));
		} else {
			break;
		}
	}
}

/* `show T` at token i of b. */
static size_t read_show(struct an *a, struct blk *b, size_t i)
{
	size_t s = next(a, i), e = find_assign(a, b, s, 1);
	if (e == a->end) {
		size_t j = tactic_end(a, b, s);
		b->goal_known = 1;
		b->goal = range(a, s, j);
		b->goal_binders = none;
		b->goal_tok = -1;
		b->unknown_tok = -1;
		b->t_goal = b->goal;
		b->t_goal_tok = -1;
		return j;
	}
	b->goal_tok = (long)i;
	if (b->t_goal_tok < 0)
		b->t_goal_tok = (long)i;
	return s;
}

/* A tactic starts at token i of the top block. Returns the next token to look at. */
static size_t tactic(struct an *a, size_t i, int *err)
{
	struct blk *b = top(a);
	*err = 0;
	commit_pending(a, b);
	b->cur = (long)i;
	b->at_sensitive = 0;
	if (is_word(a, i, "sorry")) {
		int known = b->goal_known && b->unknown_tok < 0;
		struct step s = { i, b, b->kind == BLK_ROOT ? none : b->owner, b->kind == BLK_ROOT ? -1 : b->owner_tok,
				  b->kind == BLK_ROOT, known, b->goal_binders, b->goal, b->goal_tok,
				  b->t_goal_tok < 0 && b->unknown_tok < 0 ? b->t_goal : (struct span){ NULL, 0 },
				  b->t_goal_tok >= 0 ? b->t_goal_tok : b->unknown_tok,
				  b->kind == BLK_HAVE ? b->depth - 1 : b->depth };
		*err = subgoal(a, &s);
		b->goal_tok = (long)i;
		if (b->t_goal_tok < 0)
			b->t_goal_tok = (long)i;
		return next(a, i);
	}
	if (is_word(a, i, "have") || is_word(a, i, "obtain") || is_word(a, i, "suffices"))
		return read_have(a, i, err);
	if (is_word(a, i, "show"))
		return read_show(a, b, i);
	if (is_sym(a, i, "·") || is_sym(a, i, ".")) {
		b->goal_tok = (long)i;
		if (b->t_goal_tok < 0)
			b->t_goal_tok = (long)i;
		push_blk(a, BLK_GEN, i);
		return next(a, i);
	}
	b->goal_tok = (long)i;
	if (is_word(a, i, "exfalso")) {
		if (b->t_goal_tok < 0)
			b->t_goal = (struct span){ "False", 5 };
		b->at_sensitive = 1;
	} else if (lean_tok_in(a->src, &a->v[i], goal_only, CS_ARRAY_SIZE(goal_only))) {
		b->at_sensitive = 1;
		b->t_goal_only = 1;
	} else {
		b->ctx_tok = (long)i;
		text_tactic(a, b, i);
	}
	return next(a, i);
}

static int analyze(struct an *a, size_t first)
{
	size_t i = first;
	int err = 0;
	while (i < a->end && !err) {
		struct lean_tok *t = &a->v[i];
		struct blk *b;
		if (is_comment(a, i)) {
			i++;
			continue;
		}
		/* close the blocks this token is outside of */
		while (a->nb > 1) {
			b = top(a);
			if (b->col < 0) {
				struct blk *p = &a->b[a->nb - 2];
				if (t->line != b->line && p->col >= 0 && t->col <= p->col) {
					pop_blk(a); /* empty block */
					continue;
				}
				break;
			}
			if ((t->bol && t->col < b->col) || (is_close(a, i) && a->bracket <= b->bracket) ||
			    (is_sym(a, i, ",") && b->bracket > 0 && a->bracket == b->bracket)) {
				pop_blk(a);
				continue;
			}
			break;
		}
		b = top(a);
		if (b->kind == BLK_ROOT && b->col >= 0 && t->bol && t->col < b->col)
			break; /* the theorem's tactic block is over */
		if (b->col < 0 || (t->bol && t->col == b->col)) {
			size_t nx;
			if (b->col < 0)
				b->col = t->col;
			nx = tactic(a, i, &err);
			/* account for the brackets of the skipped tokens (balanced but for edges) */
			for (; i < nx && i < a->end; i++) {
				if (is_open(a, i))
					a->bracket++;
				else if (is_close(a, i))
					a->bracket--;
			}
			i = nx;
			continue;
		}
		if (b->at_sensitive && is_word(a, i, "at")) {
			size_t nx = next(a, i);
			if (nx < a->end && !is_sym(a, nx, "⊢"))
				b->ctx_tok = b->cur;
			read_at(a, b, i);
		} else if (b->at_sensitive && lean_tok_in(a->src, t, binding, CS_ARRAY_SIZE(binding))) {
			b->ctx_tok = b->cur;
			if (!(lean_tok_in(a->src, &a->v[b->cur], term_only, CS_ARRAY_SIZE(term_only)) &&
			      (is_word(a, i, "fun") || is_word(a, i, "with") || is_word(a, i, "match"))))
				text_lost_why(a, b, (size_t)b->cur, NULL);
		} else if (b->at_sensitive && is_sym(a, i, "<;>")) {
			b->t_at_goal = 1;
		}
		if (is_word(a, i, "by")) {
			push_blk(a, BLK_GEN, i);
		} else if (is_sym(a, i, "=>")) {
			struct blk *nb = push_blk(a, BLK_GEN, i);
			nb->ctx_tok = (long)i;
			if (nb->t_ctx_tok < 0)
				nb->t_ctx_tok = (long)i;
		} else if (is_word(a, i, "sorry")) {
			struct step s = { i, b, b->owner, b->owner_tok, 0, 0, none, none, b->goal_tok,
					  { NULL, 0 }, -1, b->depth };
			err = subgoal(a, &s);
		}
		if (is_open(a, i))
			a->bracket++;
		else if (is_close(a, i))
			a->bracket--;
		i++;
	}
	return err;
}

/* The theorem's binders as locals way 3 can look up: (x y : T) gives x and y. */
static void theorem_locals(struct an *a, size_t first, size_t colon)
{
	for (size_t i = first; i < colon; i = next(a, i)) {
		size_t c, k, ty;
		if (!is_open(a, i) || is_sym(a, i, "⟨"))
			continue;
		c = skip_group(a, i); /* index after the close */
		for (ty = next(a, i); ty < c && !is_sym(a, ty, ":"); ty = next(a, ty))
			;
		if (ty < c) {
			size_t close = c;
			while (close > ty && !is_close(a, close - 1))
				close--;
			for (k = next(a, i); k < ty; k = next(a, k))
				if (a->v[k].kind == LEAN_TOK_IDENT) {
					struct ent e = { ENT_LOCAL, toktext(a, k), none, range(a, next(a, ty), close - 1), 0 };
					push_ent(a, &e);
				}
		}
		i = c - 1;
	}
}

char *lean_subgoal_where(const struct lean_subgoal *g)
{
	if (g->is_final)
		return xasprintf("the final `sorry` at line %d", g->line);
	if (!g->have_name)
		return xasprintf("the `sorry` at line %d", g->line);
	return xasprintf("`%s %s` at line %d", plain_name((struct span){ g->have_name, strlen(g->have_name) })
		? "have" : "obtain", g->have_name, g->have_line);
}

void lean_sketch_release(struct lean_sketch *sk)
{
	if (!sk)
		return;
	for (size_t i = 0; i < sk->n; i++) {
		struct lean_subgoal *g = &sk->goals[i];
		free(g->have_name);
		free(g->lemma_name);
		free(g->statement);
		free(g->lemma_a);
		free(g->lemma_b);
		free(g->goal_reason);
		free(g->text_lemma_a);
		free(g->text_lemma_b);
		free(g->text_reason);
	}
	free(sk->goals);
	sk->goals = NULL;
	sk->n = 0;
}

int lean_sketch_analyze(const char *code, const char *theorem_name, struct lean_sketch *out,
			char **why)
{
	struct an a = { 0 };
	struct lean_decl d;
	size_t nsorry = 0, i;
	int rc = -1;

	*why = NULL;
	memset(out, 0, sizeof *out);
	a.src = code;
	a.out = out;
	if (lean_tokenize(code, strlen(code), 1, &a.v, &a.n, why))
		return -1;
	if (lean_find_theorem(code, a.v, a.n, theorem_name, 1, &d, why))
		goto out;
	a.end = d.last + 1;
	for (i = 0; i < a.n; i++)
		if (a.v[i].kind == LEAN_TOK_IDENT && lean_tok_is(code, &a.v[i], "sorry")) {
			if (i <= d.by || i >= a.end) {
				*why = xasprintf("sorry at line %d is outside the proof of %s", a.v[i].line,
						 theorem_name ? theorem_name : "the theorem");
				goto out;
			}
			nsorry++;
		}
	if (nsorry > LEAN_MAX_SUBGOALS) {
		*why = xasprintf("sketch has %zu sorries: more than %d subgoals", nsorry, LEAN_MAX_SUBGOALS);
		goto out;
	}
	a.thname = toktext(&a, d.name);
	a.thbinders = range(&a, d.name + 1, d.colon);
	a.conclusion = range(&a, d.colon + 1, d.assign);
	theorem_locals(&a, d.name + 1, d.colon);
	{
		struct blk *root = push_blk(&a, BLK_ROOT, d.by);
		root->goal_known = 1;
		root->goal = a.conclusion;
		root->unknown_tok = -1;
		root->t_goal = a.conclusion;
	}
	if (analyze(&a, next(&a, d.by))) {
		*why = a.why;
		a.why = NULL;
		goto out;
	}
	if (out->n != nsorry) {
		for (i = d.by; i < a.end; i++)
			if (a.v[i].kind == LEAN_TOK_IDENT && lean_tok_is(code, &a.v[i], "sorry")) {
				size_t g;
				for (g = 0; g < out->n && out->goals[g].sorry_start != a.v[i].start; g++)
					;
				if (g == out->n)
					break;
			}
		*why = xasprintf("sorry at line %d:%d is where no goal can be told (inside a statement?)",
				 i < a.end ? a.v[i].line : 0, i < a.end ? a.v[i].col : 0);
		goto out;
	}
	rc = 0;
out:
	if (rc)
		lean_sketch_release(out);
	for (i = 0; i < a.nown; i++)
		free(a.own[i]);
	free(a.own);
	free(a.why);
	free(a.v);
	free(a.b);
	free(a.e);
	free(a.pend);
	return rc;
}
