/* lean_scan.h: the lexical scanner of Lean 4 source shared by lean_text's
 * functions (lean_text/ only; callers use lean_text.h). Everything that looks for a
 * keyword, a `sorry` or a `:=` does it on these tokens, never on raw text, so that
 * comments, strings and «quoted names» are never mistaken for code, nor code for
 * them. The rules are Lean's own (lean4 src/Lean/Parser/Basic.lean, tokenFnAux
 * and the functions it calls; src/Lean/Parser/StrInterpolation.lean; isIdFirst /
 * isIdRest in src/Init/Meta.lean), cited in lean_scan.c rule by rule. Where Lean's
 * reading depends on what the environment defines (its token table, which syntax
 * reads an interpolated string), the scanner refuses to guess: the text is an
 * error token, and the code is refused as unreadable. */
#ifndef LEAN_SCAN_H
#define LEAN_SCAN_H

#include <stddef.h>

enum lean_tok_kind {
	LEAN_TOK_EOF = 0,
	LEAN_TOK_IDENT,   /* foo, h₀, Nat.succ, apply?, «a b», x' (Lean's isIdFirst/isIdRest) */
	LEAN_TOK_NUMBER,  /* 12, 0x1F, 1_000, 3.14, 2e5, 2. ; after a `.`, a field index: h.2 */
	LEAN_TOK_STRING,  /* "..." (no `{` hole) with escapes, r"..." / r#"..."# raw strings */
	LEAN_TOK_CHAR,    /* 'a', '\n', '"', a raw newline between quotes */
	LEAN_TOK_COMMENT, /* -- line comment (newline excluded) or /- block -/ (nested) */
	LEAN_TOK_DOC,     /* /-- doc comment -/ or /-! module doc -/ */
	LEAN_TOK_SYMBOL,  /* one symbol: `:=` `:` `(` `⟨` `<;>` `·` `←` `=>` `⁻¹'` ... */
	LEAN_TOK_INTERP,  /* a literal piece of a string with `{…}` holes: "a{  }b{  }c";
			   * the code of each hole is scanned as tokens in between */
	LEAN_TOK_NAME,    /* a Name literal: `foo, `Nat.succ, `«a b» */
	LEAN_TOK_ERROR,   /* unreadable: unterminated or malformed literal, comment or
			   * «name», ambiguous text (see lean_scan.c), invalid UTF-8, NUL */
};

struct lean_tok {
	enum lean_tok_kind kind;
	size_t start, end;  /* byte range in the source */
	int line;           /* 1-based line of start */
	int col;            /* 0-based column of start, in code points */
	int bol;            /* first token of its line (only whitespace before it) */
};

/* One string with holes being scanned (innermost last in lean_scanner). */
struct lean_interp {
	size_t start;       /* offset of its opening `"` */
	size_t plain_end;   /* where a plain string literal from there would end; 0: none */
	long braces;        /* `{` open in the current hole's code */
	int head;           /* after s!, m! or f!: Lean reads it with holes */
};

#define LEAN_SCAN_MAX_INTERP 16

struct lean_scanner {
	const char *src;
	size_t len, pos;
	int line, col;
	int at_bol;
	enum lean_tok_kind prev_kind;  /* the last token other than a comment (EOF: none) */
	size_t prev_start, prev_end;
	int ninterp;                   /* strings with holes open around pos */
	struct lean_interp interp[LEAN_SCAN_MAX_INTERP];
	int ws_lenient;                /* read a tab or a lone CR as white space (Lean
					* refuses both): for lean_normalize's display only */
	const char *err;               /* after an error token: why (static text) */
	size_t err_pos;                /* and the offset it is about */
};

/* Scan src[0..len) from the beginning. src stays borrowed. */
void lean_scan_init(struct lean_scanner *s, const char *src, size_t len);
/* The next token into *t (LEAN_TOK_EOF at the end, repeatedly). Never fails:
 * unreadable input yields one LEAN_TOK_ERROR token running to the end of input
 * (s->err says why), then EOF. */
enum lean_tok_kind lean_scan_next(struct lean_scanner *s, struct lean_tok *t);

/* All tokens of src, comments included only when keep_comments. The array is
 * malloc'd (caller frees *toks), terminated by one LEAN_TOK_EOF token counted in
 * *n. Returns 0, or -1 with *why (malloc'd) naming what is unreadable and its
 * line:col. */
int lean_tokenize(const char *src, size_t len, int keep_comments, struct lean_tok **toks,
		  size_t *n, char **why);

/* Is token t of src exactly the text word? */
int lean_tok_is(const char *src, const struct lean_tok *t, const char *word);
/* Is t an identifier token (a keyword included) whose text is one of list[0..n)? */
int lean_tok_in(const char *src, const struct lean_tok *t, const char *const *list, size_t n);

/* Identifiers as Lean compares them (identFnAux builds a Name from the parts):
 * «foo» is foo, Lean.«ofReduceBool» is Lean.ofReduceBool, the backtick of a Name
 * literal is no part of the name. With LEAN_ID_DECL a leading `_root_.` is
 * dropped too: `theorem _root_.foo` declares foo (no namespace is ever open in
 * the code coldstart accepts). */
#define LEAN_ID_DECL 1
/* The name of identifier or Name-literal token t: its parts, «» removed, joined by
 * '.'. malloc'd. */
char *lean_ident_name(const char *src, const struct lean_tok *t, int flags);
/* Is identifier (or Name-literal) token t the name word ("Lean.ofReduceBool",
 * "«my thm»": word is read as a name too), part by part? */
int lean_ident_eq(const char *src, const struct lean_tok *t, const char *word, int flags);
/* The last part of identifier token t, «» removed: [*s, *s + *n) inside src. */
void lean_ident_last(const char *src, const struct lean_tok *t, const char **s, size_t *n);

#endif
