/* lean_text.h: exact text surgery on Lean 4 source written by a model: a lexical
 * scanner, theorem parsing, code-block extraction, forbidden constructs, statement
 * fidelity, sketch analysis into subgoal lemmas and recombination.
 * Positions are byte offsets into the given text unless said otherwise; lines are
 * 1-based and columns 0-based in Unicode code points, as the Lean REPL reports them.
 * Every `char **why` receives a malloc'd reason the caller frees (NULL on success). */
#ifndef LEAN_TEXT_H
#define LEAN_TEXT_H

#include <stddef.h>

/* The last ```lean4 or ```lean fenced block of a model reply, malloc'd.
 * NULL when there is none or the last one is unclosed (truncated answer), with why. */
char *lean_extract_code(const char *reply, char **why);

struct lean_theorem {
	char *keyword;    /* "theorem" or "lemma"; owned */
	char *name;       /* owned */
	char *binders;    /* verbatim text between the name and the colon; owned */
	char *conclusion; /* verbatim text between the colon and ":="; owned */
	size_t decl_start;/* offset of the keyword (or of its docstring/attributes) */
	size_t by_end;    /* offset just after ":= by" */
	size_t end;       /* offset where the proof block ends */
};
/* Find theorem `name` (NULL: the last theorem or lemma) in src. 0, or -1 with why. */
int lean_parse_theorem(const char *src, const char *name, struct lean_theorem *out, char **why);
void lean_theorem_release(struct lean_theorem *t);

/* Accept code only if it declares the theorem of formal_statement (a miniF2F
 * `theorem NAME binders : T := by`): same name (`«NAME»`, `_root_.NAME` too),
 * binders and conclusion (to the `:=` no `let`/`have` of the conclusion claims),
 * whitespace, comments, «» and the ASCII spellings Lean takes for the same token
 * (`->` `→`, `fun` `λ`, `forall` `∀`, `<-` `←`, `=>` `↦`) aside. 0, or -1 with
 * why ("statement changed: ..."). */
int lean_check_statement(const char *code, const char *formal_statement, char **why);

/* The code Lean is to check for the answer `code` to the problem stated by
 * formal_statement (`theorem NAME binders : T := by`): the model's text before its
 * theorem NAME (helper declarations; its theorem's own docstring, attributes and
 * modifiers left out), then formal_statement verbatim up to its `:= by` (` by`
 * added when it ends in `:=`), then the model's proof after its own `:= by`
 * verbatim (a term proof: after its `:=`, behind the statement's `:=`), then a
 * newline; whatever follows the proof is dropped. The model's copy of the
 * statement is never compiled: compare it with lean_check_statement for the
 * record. Refused (NULL, why): no theorem NAME; a bracket, `section`,
 * `namespace` or `mutual` still open where the statement starts, or an `… in`
 * other than `set_option … in` right before it; a declaration before it that
 * declares a name whose last part is the last part of a name in the statement.
 * The code must have passed lean_check_forbidden first. malloc'd. */
char *lean_graft_statement(const char *code, const char *formal_statement, char **why);

/* The names the audit reads, protected (lean_names.c). Refuse code (0, or -1 with
 * why naming the token and its line:col) in which, besides theorem `theorem` itself,
 * an identifier before the theorem bears the last part of its name, the proof names
 * another constant with it (`Foo.NAME`, `let rec NAME`, an auxiliary after `where`),
 * or any identifier's last part starts with `coldstart_expected` (the audit's
 * expected constant). Lean resolves the audited names from the root
 * (`_root_.NAME`), so these are only a second wall. */
int lean_check_audit_names(const char *code, const char *theorem, char **why);
/* Does code declare `name` (def, theorem, lemma, abbrev, instance, ... followed by
 * it; `_root_.` aside)? 1 or 0. */
int lean_code_declares(const char *code, const char *name);
/* What follows the proof of theorem `theorem` in code, from the first token that is
 * no comment to the end, trimmed, malloc'd; NULL when nothing does. The proof ends
 * where Lean reads the next command, at any column (lean_find_theorem). */
char *lean_after_proof(const char *code, const char *theorem);

/* Problems that bring their own definitions: formal's prelude is its text before
 * its theorem (docstring and attributes aside); *prelude_end receives where it ends
 * (0: nothing but comments). Returns a copy of code in which each command before
 * its theorem that repeats a command of the prelude token for token (comments
 * aside) is blanked (line breaks kept), malloc'd. lean_graft_statement compiles
 * the problem's own copy instead. */
char *lean_blank_prelude_repeats(const char *code, const char *formal, size_t *prelude_end);

struct lean_policy {
	int allow_sorry;          /* sketches may hold `sorry` */
	int allow_native_decide;  /* CS_ALLOW_NATIVE_DECIDE=1 */
	long max_heartbeats;      /* largest maxHeartbeats a set_option may ask for (0: none allowed) */
};
/* Fill from the environment (CS_ALLOW_NATIVE_DECIDE, CS_MAX_HEARTBEATS default 400000). */
void lean_policy_from_env(struct lean_policy *pol);
/* Reject what a model may not write (outside comments and strings; inside the
 * `{…}` holes of strings too), names compared as Lean reads them («sorry» is
 * sorry): sorry/admit (unless allowed), sorryAx, ?-search tactics, axiom, #eval,
 * run_cmd, syntax and elaborator definitions, attributes that register code,
 * options that switch off checks, native evaluation (unless allowed), ... (the
 * table in lean_forbid.c). Unreadable code (lean_scan.h) is refused too.
 * 0, or -1 with why naming the construct, its line:col and the reason. */
int lean_check_forbidden(const char *code, const struct lean_policy *pol, char **why);

struct lean_subgoal {
	int index;           /* 0-based, in source order */
	char *have_name;     /* "h₃", "this" for anonymous haves; NULL for the final sorry */
	char *lemma_name;    /* unique Lean identifier, e.g. mathd_algebra_10_h₃ */
	char *statement;     /* the have's type verbatim; with binders "(n : ℕ) (hn : 0 < n) : P n";
			      * "" when the text does not state the goal (then lemma_a/b NULL) */
	/* Way 1, the faithful lemma: the theorem's binders, the have's own binders, its type. */
	char *lemma_a;       /* form (a): "theorem NAME <theorem binders> <have binders> :\n  T := by" */
	char *lemma_b;       /* form (b): as (a) plus every earlier have in scope as (name : T)
			      * ((h : ∀ binders, T) for a have with binders), before the have binders */
	int is_final;        /* the top-level sorry closing the original goal */
	int needs_goal_state;/* way 1 cannot state this subgoal faithfully */
	char *goal_reason;   /* why (e.g. "`intro` at line 7 may change the hypotheses"), or NULL */
	/* Way 3, the lemma read from the text: as way 1 with the locals the tactics before
	 * it introduce where the text says what they are (intro, by_contra, obtain, set…),
	 * in source order among the premises; hypotheses changed in place kept as written.
	 * Equal to way 1's when nothing before it changed the context. */
	char *text_lemma_a;  /* form (a) plus those locals; NULL when the text cannot state it */
	char *text_lemma_b;  /* form (b) plus those locals; NULL likewise */
	char *text_reason;   /* why way 3 cannot (the tactic and its line), or NULL */
	int text_changed;    /* in-place changes (`rw … at h`) of hypotheses it keeps as written */
	int have_line;       /* line of the step's `have`/`obtain`/`suffices` (the sorry's line
			      * for the final sorry and unstated goals) */
	size_t sorry_start, sorry_end; /* byte range of the `sorry` token */
	int line, col;       /* position of the `sorry` as the REPL reports it */
	int depth;           /* nesting of have blocks around it (0: top level) */
};
struct lean_sketch {
	size_t n;
	struct lean_subgoal *goals; /* owned */
};
/* Analyze a sketch (the code of one theorem `theorem_name` holding sorries):
 * every sorry becomes a subgoal, in source order. A have whose block holds the
 * sorries of further haves (a wrapper) is no subgoal itself: its inner steps are,
 * with the theorem's binders and every earlier have in scope (outer first) as
 * premises. Refused: a sorry outside the theorem's proof or inside a have's
 * statement, more than 256 sorries. Decisions (which tactics force goal states,
 * what way 3 reads) are documented in lean_sketch.c.
 * 0, or -1 with why. Release with lean_sketch_release. */
int lean_sketch_analyze(const char *code, const char *theorem_name, struct lean_sketch *out,
			char **why);
/* Where subgoal g stands, for messages: "`have h₃` at line 7" ("the final `sorry`
 * at line 9", "the `sorry` at line 4"), malloc'd. */
char *lean_subgoal_where(const struct lean_subgoal *g);
void lean_sketch_release(struct lean_sketch *sk);

/* A lemma statement ("theorem NAME binders :\n  T := by") built from a REPL goal
 * string ("x : ℝ\nh₀ : x = 1\n⊢ x + 1 = 2"), malloc'd; NULL with why. */
char *lean_lemma_from_goal(const char *lemma_name, const char *goal, char **why);

/* The tactic block of theorem `name` in code (text after ":= by"), malloc'd, with
 * its common indentation removed; NULL with why. */
char *lean_proof_body(const char *code, const char *name, char **why);

/* Splice proofs[i] (tactic blocks as from lean_proof_body, one per subgoal) into the
 * sorries of sketch code, re-indented to each place; everything else byte for byte.
 * A NULL proofs[i] leaves its sorry. malloc'd, NULL with why. */
char *lean_recombine(const char *code, const struct lean_sketch *sk, const char *const *proofs,
		     char **why);
/* Fallback form: lemmas[i] (complete proven lemma declarations) placed before the
 * main theorem and each sorry closed by `exact NAME args`, args the names of the
 * lemma's explicit binders (a shadowed one: `(by assumption)`); a NULL lemma leaves
 * its sorry. malloc'd, NULL with why. */
char *lean_recombine_fallback(const char *code, const struct lean_sketch *sk,
			      const char *const *lemmas, char **why);

/* Where subgoal i went in a recombined text: 1-based lines, 0 when its sorry was
 * left. For a splice, from the line of the `by` (or `:=`) before the sorry, where
 * Lean reports unsolved goals, to the proof's last line; for a lemma, its `exact`
 * call and, apart, its declaration before the theorem. */
struct lean_spot {
	int first_line, last_line;   /* the spliced proof or the `exact` call */
	int lemma_first, lemma_last; /* the lemma declaration (0 when spliced) */
};
/* Per subgoal: by_lemma[i] ? close sorry i by its lemma (lemmas[i], as in
 * lean_recombine_fallback) : splice proofs[i] (as in lean_recombine); a NULL text
 * leaves the sorry. spots (NULL, or sk->n of them) receive where each went.
 * malloc'd, NULL with why. */
char *lean_recombine_mixed(const char *code, const struct lean_sketch *sk, const char *const *proofs,
			   const char *const *lemmas, const unsigned char *by_lemma, struct lean_spot *spots,
			   char **why);
/* Mark hit[i] = 1 for every subgoal whose spot (spliced proof, exact call or lemma)
 * holds line, as Lean reports an error in the recombined text (spots on one line,
 * as in `⟨sorry, sorry⟩`, are all marked). Returns how many hold it (0: the error
 * is the sketch's own). */
size_t lean_spots_at(const struct lean_spot *spots, size_t n, int line, unsigned char *hit);

/* One Lean command that elaborates the lemma statements lemmas[0..n) (each
 * "theorem NAME … := by", NULL ones skipped) as `theorem … := by sorry`, a blank
 * line apart, before their proofs are paid for; spots[i] (n of them) receive each
 * one's lines, so that lean_spots_at tells which ones an error belongs to.
 * malloc'd. */
char *lean_lemmas_command(const char *const *lemmas, size_t n, struct lean_spot *spots);

/* Normalize a statement for identity: comments dropped, runs of whitespace made
 * one space, trimmed. malloc'd. Used to prove identical lemmas once. */
char *lean_normalize(const char *text);
/* What a declaration states, its keyword and name aside: lean_normalize of the text
 * after its first two tokens ("theorem NAME"). Equal keys: the same statement under
 * two names. malloc'd. */
char *lean_decl_key(const char *decl);

#endif
