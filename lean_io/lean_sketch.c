/* lean_sketch_analyze: the sorries of a proof sketch as subgoal lemmas.
 *
 * One pass over the tokens of the theorem's proof with a stack of tactic blocks
 * (opened by `by`, `·` and `=>`; a block is the run of lines at or right of the
 * column of its first token, or what an enclosing bracket holds). Each block knows
 * the goal it proves when the text states it (the theorem's conclusion, a have's
 * type, a `show`/`suffices` type), whether a tactic before has changed that goal,
 * and whether a tactic before (in it or around it) has changed the local context.
 * The premises in scope (earlier haves with a type, binders of enclosing haves) are
 * a stack cut back when a block closes, so form (b) costs its own length only.
 *
 * Decisions:
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
 * - At most LEAN_MAX_SUBGOALS sorries, and LEAN_MAX_LEMMA_BYTES of lemma text in
 *   all: larger sketches are refused. */
#include <stdlib.h>
#include <string.h>

#include "cs.h"
#include "lean_scan.h"
#include "lean_decl.h"
#include "lean_text.h"

#define LEAN_MAX_SUBGOALS 256
#define LEAN_MAX_LEMMA_BYTES (64u << 20)

struct span {
	const char *p;
	size_t n;
};

enum ent_kind { ENT_PREMISE, ENT_BINDERS };
struct ent {
	enum ent_kind kind;
	struct span name;    /* premise name ("this" for anonymous haves) */
	struct span binders; /* the have's binders, or the binders entry itself */
	struct span type;
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
	long goal_tok;     /* tactic that changed the goal, or -1 */
	long ctx_tok;      /* tactic that changed the context, or -1 */
	long unknown_tok;  /* token that opened a block of unstated goal, or -1 */
	size_t scope_mark;
	int depth;
	int has_pending;
	struct ent pending;
	long pending_ctx;  /* a tactic whose names enter the context after it, or -1 */
	int at_sensitive;  /* the current tactic changes the context if it has `at h` */
	long cur;          /* first token of the current tactic */
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

static struct blk *top(struct an *a)
{
	return &a->b[a->nb - 1];
}

static void push_ent(struct an *a, const struct ent *e)
{
	if (a->ne == a->cape) {
		a->cape = a->cape ? 2 * a->cape : 64;
		a->e = xrealloc(a->e, a->cape * sizeof *a->e);
	}
	a->e[a->ne++] = *e;
}

static struct blk *push_blk(struct an *a, enum blk_kind kind, size_t opener)
{
	struct blk *parent, *b;
	if (a->nb == a->capb) {
		a->capb = a->capb ? 2 * a->capb : 64;
		a->b = xrealloc(a->b, a->capb * sizeof *a->b);
	}
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
	b->depth = parent ? parent->depth : 0;
	b->owner = parent ? parent->owner : none;
	b->cur = -1;
	b->pending_ctx = -1;
	return b;
}

static void pop_blk(struct an *a)
{
	a->ne = top(a)->scope_mark;
	a->nb--;
}

static void commit_pending(struct an *a, struct blk *b)
{
	if (b->has_pending) {
		push_ent(a, &b->pending);
		b->has_pending = 0;
	}
	if (b->pending_ctx >= 0) {
		if (b->ctx_tok < 0)
			b->ctx_tok = b->pending_ctx;
		b->pending_ctx = -1;
	}
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

/* "theorem NAME <theorem binders> <entries> :\n  T := by"; premises only in form b. */
static char *lemma_text(struct an *a, const char *name, struct span type, int form_b)
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
		} else if (form_b) {
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

/* A subgoal for the sorry at token k. have: the have's name (NULL: final or none).
 * known: the goal is stated by type (and own binders entry, already in scope). */
static int subgoal(struct an *a, size_t k, const struct blk *b, struct span have, int is_final,
		   int known, struct span binders, struct span type, long goal_tok, int depth)
{
	struct lean_subgoal *g;
	char *suffix;
	if (a->out->n == a->capg) {
		a->capg = a->capg ? 2 * a->capg : 16;
		a->out->goals = xrealloc(a->out->goals, a->capg * sizeof *a->out->goals);
	}
	g = &a->out->goals[a->out->n];
	memset(g, 0, sizeof *g);
	g->index = (int)a->out->n;
	g->have_name = have.n ? xstrndup(have.p, have.n) : NULL;
	if (is_final)
		suffix = xstrdup("final");
	else if (!have.n)
		suffix = xstrdup("step");
	else if (!plain_name(have))
		suffix = xstrdup("obtain");
	else
		suffix = xstrndup(have.p, have.n);
	g->lemma_name = lemma_name(a, suffix);
	free(suffix);
	a->out->n++;
	if (known && binders.n)
		g->statement = xstrndup(binders.p, (size_t)(type.p + type.n - binders.p));
	else
		g->statement = known ? xstrndup(type.p, type.n) : xstrdup("");
	if (known) {
		g->lemma_a = lemma_text(a, g->lemma_name, type, 0);
		g->lemma_b = lemma_text(a, g->lemma_name, type, 1);
	}
	g->is_final = is_final;
	g->sorry_start = a->v[k].start;
	g->sorry_end = a->v[k].end;
	g->line = a->v[k].line;
	g->col = a->v[k].col;
	g->depth = depth;
	if (!known)
		g->goal_reason = b->unknown_tok >= 0 ? reason(a, b->unknown_tok, "opens a goal the text does not state")
				: xasprintf("sorry inside a term at line %d", a->v[k].line);
	else if (b->ctx_tok >= 0)
		g->goal_reason = reason(a, b->ctx_tok, "may change the hypotheses");
	else if (goal_tok >= 0)
		g->goal_reason = reason(a, goal_tok, "may change the goal");
	g->needs_goal_state = g->goal_reason != NULL;
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

/* A have, obtain or suffices tactic at token i of block b. Returns the index the
 * main loop resumes at (it will look at that token next). */
static size_t header(struct an *a, size_t i, int *err)
{
	struct blk *b = top(a);
	size_t j = next(a, i), bs = 0, be = 0, colon, as, after;
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
		be = j;
		binders = range(a, bs, be);
	}
	if (tactic_over(a, b, j) || !is_sym(a, j, ":")) {
		/* have h := e, obtain ⟨x⟩ := h, suffices without a type: names of unknown type */
		b->pending_ctx = (long)i;
		return j;
	}
	colon = j;
	as = find_assign(a, b, next(a, colon), suffices);
	if (as == a->end || as == next(a, colon)) {
		/* Mathlib's `have h : T` with the proof as the next goal */
		b->ctx_tok = b->goal_tok = (long)i;
		return next(a, colon);
	}
	type = range(a, next(a, colon), as);
	after = next(a, as);
	if (!name.n && !pattern.n)
		name = (struct span){ "this", 4 };
	if (suffices) {
		struct span h = name;
		struct blk old = *b;
		struct ent e = { ENT_PREMISE, h, none, type };
		/* after it, the goal is T; before, its proof block proves the old goal */
		b->goal_known = 1;
		b->goal = type;
		b->goal_binders = none;
		b->goal_tok = -1;
		if (is_word(a, as, "by")) {
			struct blk *nb = push_blk(a, BLK_HAVE, as);
			nb->goal_known = old.goal_known;
			nb->goal = old.goal;
			nb->goal_binders = old.goal_binders;
			nb->goal_tok = old.goal_tok;
			nb->unknown_tok = old.unknown_tok;
			nb->owner = h;
			nb->depth = old.depth + 1;
			push_ent(a, &e);
		}
		return after;
	}
	if (pattern.n)
		b->pending_ctx = (long)i; /* obtain ⟨x, hx⟩ : T: x, hx cannot be lemma binders */
	else {
		b->has_pending = 1;
		b->pending = (struct ent){ ENT_PREMISE, name, binders, type };
	}
	if (after < a->end && is_word(a, after, "by")) {
		int depth = b->depth;
		struct blk *nb = push_blk(a, BLK_HAVE, after); /* b is stale from here */
		struct ent e = { ENT_BINDERS, none, binders, none };
		nb->goal_known = 1;
		nb->goal = type;
		nb->goal_binders = binders;
		nb->owner = pattern.n ? pattern : name;
		nb->depth = depth + 1;
		if (binders.n)
			push_ent(a, &e);
		return next(a, after);
	}
	if (after < a->end && is_word(a, after, "sorry")) {
		size_t k = after, nx = next(a, k);
		if (tactic_over(a, b, nx) || is_close(a, nx)) {
			struct ent e = { ENT_BINDERS, none, binders, none };
			size_t mark = a->ne;
			struct span hv = pattern.n ? pattern : name;
			if (binders.n)
				push_ent(a, &e);
			*err = subgoal(a, k, b, hv, 0, 1, binders, type, -1, b->depth);
			a->ne = mark;
			return nx;
		}
	}
	return after;
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
		*err = subgoal(a, i, b, b->kind == BLK_ROOT ? none : b->owner, b->kind == BLK_ROOT, known,
			       b->goal_binders, b->goal, b->goal_tok,
			       b->kind == BLK_HAVE ? b->depth - 1 : b->depth);
		b->goal_tok = (long)i;
		return next(a, i);
	}
	if (is_word(a, i, "have") || is_word(a, i, "obtain") || is_word(a, i, "suffices"))
		return header(a, i, err);
	if (is_word(a, i, "show")) {
		size_t s = next(a, i), e = find_assign(a, b, s, 1);
		if (e == a->end) {
			size_t j = s;
			while (!tactic_over(a, b, j))
				j = next(a, j);
			b->goal_known = 1;
			b->goal = range(a, s, j);
			b->goal_binders = none;
			b->goal_tok = -1;
			b->unknown_tok = -1;
			return j;
		}
		b->goal_tok = (long)i;
		return s;
	}
	if (is_sym(a, i, "·") || is_sym(a, i, ".")) {
		b->goal_tok = (long)i;
		push_blk(a, BLK_GEN, i);
		return next(a, i);
	}
	b->goal_tok = (long)i;
	if (lean_tok_in(a->src, &a->v[i], goal_only, CS_ARRAY_SIZE(goal_only)))
		b->at_sensitive = 1;
	else
		b->ctx_tok = (long)i;
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
		} else if (b->at_sensitive && lean_tok_in(a->src, t, binding, CS_ARRAY_SIZE(binding))) {
			b->ctx_tok = b->cur;
		}
		if (is_word(a, i, "by")) {
			push_blk(a, BLK_GEN, i);
		} else if (is_sym(a, i, "=>")) {
			struct blk *nb = push_blk(a, BLK_GEN, i);
			nb->ctx_tok = (long)i;
		} else if (is_word(a, i, "sorry")) {
			err = subgoal(a, i, b, b->owner, 0, 0, none, none, b->goal_tok, b->depth);
		}
		if (is_open(a, i))
			a->bracket++;
		else if (is_close(a, i))
			a->bracket--;
		i++;
	}
	return err;
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
	{
		struct blk *root = push_blk(&a, BLK_ROOT, d.by);
		root->goal_known = 1;
		root->goal = a.conclusion;
		root->unknown_tok = -1;
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
	free(a.why);
	free(a.v);
	free(a.b);
	free(a.e);
	return rc;
}
