/* lean_input.h: theorems as the public datasets publish them (miniF2F, ProofNet,
 * Lean Workbook, NuminaMath-LEAN, Goedel-Pset, ProverBench records; PutnamBench
 * .lean files), split into header, doc comment and statement, the statement
 * brought to the pipeline's form `theorem NAME binders : T := by`. Judged on the
 * tokens of lean_scan.h: a `sorry` or `:=` inside a comment or string never counts.
 * Every `char **why` receives a malloc'd reason the caller frees (NULL on success). */
#ifndef LEAN_INPUT_H
#define LEAN_INPUT_H

/* Why a text was refused (0: it was not). */
enum lean_input_refusal {
	LEAN_INPUT_OK = 0,
	LEAN_INPUT_UNREADABLE,      /* unterminated comment, string or «name»; a NUL byte */
	LEAN_INPUT_NO_THEOREM,      /* no `theorem` or `lemma` */
	LEAN_INPUT_BAD_STATEMENT,   /* a theorem without `:` or `:=` at bracket depth 0 */
	LEAN_INPUT_TWO_THEOREMS,    /* a second theorem where one is expected */
	LEAN_INPUT_HAS_PROOF,       /* the proof is more than `sorry` */
	LEAN_INPUT_SORRY_STATEMENT, /* `sorry` inside the statement itself */
	LEAN_INPUT_SORRY_HEADER,    /* `sorry` before the theorem, in no definition it uses */
	LEAN_INPUT_ANSWER,          /* the theorem uses a definition left as `sorry` (PutnamBench answers) */
	LEAN_INPUT_TRAILING,        /* a command after the theorem */
};

struct lean_input {
	char *header;     /* text before the declaration and its doc comment (imports,
			   * options, opens, comments), verbatim; "" when none */
	int header_imports; /* header holds an `import` */
	char *doc;        /* the doc comment `/-- … -/` right before the declaration, or NULL */
	char *decl;       /* the declaration as given: from its keyword (or attributes) to
			   * the end of its proof */
	char *statement;  /* the pipeline's form: the declaration up to `:=`, then " by\n"
			   * (miniF2F's statements as they are) */
	char *name;       /* the theorem's name */
	int line;         /* 1-based line of the declaration's keyword */
	int why_line;     /* refused: line the reason is about (0: the whole text) */
	enum lean_input_refusal refusal;
};

/* Split text (a .lean file, or a dataset's formal_statement) into in. A proof of
 * nothing, `sorry`, `by` or `by sorry` (comments aside, on any lines) is accepted
 * and dropped; anything else refused, as are a second theorem, a `sorry` in the
 * statement or before it, and commands after the theorem. A definition left as
 * `sorry` that the theorem uses (PutnamBench's `abbrev putnam_…_solution : T :=
 * sorry`) is refused as LEAN_INPUT_ANSWER: the answer is part of the problem.
 * 0, or -1 with why and in->refusal, in->why_line set. Release in either case. */
int lean_input_parse(const char *text, struct lean_input *in, char **why);
void lean_input_release(struct lean_input *in);

/* Short stable name of a refusal ("no-theorem", "answer-definition", ...), for
 * counting refusals by reason. Static string. */
const char *lean_input_reason(enum lean_input_refusal r);

/* An informal statement as Lean text to put before the theorem: a text that is one
 * comment already (miniF2F's "/-- … -/\n") is returned as it is; plain text (Lean
 * Workbook's natural_language_statement, NuminaMath's problem) becomes the doc
 * comment "/-- TEXT -/\n", `/-` and `-/` inside it split by a space so that the
 * comment ends where it should (Lean's block comments nest: lean_scan.c). NULL for
 * a blank text. malloc'd. */
char *lean_informal_doc(const char *text);

#endif
