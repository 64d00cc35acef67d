/* lean_context.h: what a tactic brings into the local context, read from the text of
 * the types it works on (lean_text/ only: lean_sketch.c's "way 3", the lemma read from
 * the text). Types are text as written; nothing here elaborates. Every function
 * that cannot say what a tactic does fails with a reason, so that its caller can
 * ask Lean's goal state instead. */
#ifndef LEAN_CONTEXT_H
#define LEAN_CONTEXT_H

#include <stddef.h>

/* One variable or hypothesis, as a lemma binder "(name : type)". */
struct lean_local {
	char *name;  /* "_" when anonymous; owned */
	char *type;  /* owned; NULL: a variable whose type is not written, binder "(name)" */
};
struct lean_locals {
	struct lean_local *v;
	size_t n, cap;
};
void lean_locals_release(struct lean_locals *l);

/* The type (as written, borrowed) of the local `name` (len bytes), or NULL when
 * none is known; *stale = 1 when a tactic has changed it in place since. */
typedef const char *lean_lookup_fn(void *ctx, const char *name, size_t len, int *stale);

/* `intro`/`rintro` pats[0..n) (names, `_` or ⟨…⟩ patterns; n == 0: one anonymous
 * binder; all: `intros`, every leading binder, anonymous) on a goal written
 * `∀ x : T, …`, `∀ x ∈ s, …`, `A → B`, `¬A` or `a ≠ b`: the locals are appended to
 * out and the goal left in *rest (malloc'd). A binder name differing from the
 * intro name is renamed in what follows. 0, or -1 with *why (malloc'd). */
int lean_ctx_intro(const char *goal, const char *const *pats, size_t n, int all, struct lean_locals *out,
		   char **rest, char **why);

/* The rcases pattern pat (`h`, `_`, `⟨x, hx⟩` nested, `(p : T)`) applied to a
 * hypothesis of type `type` (`∃ x : T, P`, `∃ x > 0, P`, `A ∧ B`, `A ↔ B`): the locals,
 * appended to out. Alternatives, `rfl` and `-` are refused. 0, or -1 with *why. */
int lean_ctx_destruct(const char *type, const char *pat, struct lean_locals *out, char **why);

/* The type of term: a local, its projections .1 .2 .left .right .mp .mpr, applied
 * to explicit arguments (`h₀.2.1`, `h₂ 1`, `(h x hx).1`), malloc'd; NULL with *why.
 * *stale = 1 when a local it uses was changed in place. */
char *lean_ctx_infer(const char *term, lean_lookup_fn *lookup, void *ctx, int *stale, char **why);

/* The hypothesis `by_contra` adds for goal: q for a goal ¬q, else ¬(goal). malloc'd. */
char *lean_ctx_negate(const char *goal);

/* text with the identifier old (and old.field) replaced by the term new,
 * parenthesized when it is not one token; NULL with *why when a binder inside text
 * binds old or a name of new (capture). malloc'd. */
char *lean_ctx_subst(const char *text, const char *old, const char *new_term, char **why);

#endif
