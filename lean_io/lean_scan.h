/* lean_scan.h: the lexical scanner of Lean 4 source shared by lean_text's
 * functions (lean_io/ only; callers use lean_text.h). Everything that looks for a
 * keyword, a `sorry` or a `:=` does it on these tokens, never on raw text, so that
 * comments, strings and «quoted names» are never mistaken for code. */
#ifndef LEAN_SCAN_H
#define LEAN_SCAN_H

#include <stddef.h>

enum lean_tok_kind {
	LEAN_TOK_EOF = 0,
	LEAN_TOK_IDENT,   /* foo, h₀, Nat.succ, apply?, «a b», x' (Lean's isIdFirst/isIdRest) */
	LEAN_TOK_NUMBER,  /* 12, 0x1F, 3.14, 2e5 */
	LEAN_TOK_STRING,  /* "..." with escapes, r"..." / r#"..."# raw strings */
	LEAN_TOK_CHAR,    /* 'a', '\n' */
	LEAN_TOK_COMMENT, /* -- line comment (newline excluded) or /- block -/ (nested) */
	LEAN_TOK_DOC,     /* /-- doc comment -/ or /-! module doc -/ */
	LEAN_TOK_SYMBOL,  /* one symbol: `:=` `:` `(` `⟨` `<;>` `·` `←` `=>` ... */
	LEAN_TOK_ERROR,   /* unterminated comment/string/char/«name», or a NUL byte */
};

struct lean_tok {
	enum lean_tok_kind kind;
	size_t start, end;  /* byte range in the source */
	int line;           /* 1-based line of start */
	int col;            /* 0-based column of start, in code points */
	int bol;            /* first token of its line (only whitespace before it) */
};

struct lean_scanner {
	const char *src;
	size_t len, pos;
	int line, col;
	int at_bol;
};

/* Scan src[0..len) from the beginning. src stays borrowed. */
void lean_scan_init(struct lean_scanner *s, const char *src, size_t len);
/* The next token into *t (LEAN_TOK_EOF at the end, repeatedly). Never fails:
 * malformed input yields LEAN_TOK_ERROR tokens running to the end of input. */
enum lean_tok_kind lean_scan_next(struct lean_scanner *s, struct lean_tok *t);

/* All tokens of src, comments included only when keep_comments. The array is
 * malloc'd (caller frees *toks), terminated by one LEAN_TOK_EOF token counted in
 * *n. Returns 0, or -1 with *why (malloc'd) naming line:col of the first
 * LEAN_TOK_ERROR token. */
int lean_tokenize(const char *src, size_t len, int keep_comments, struct lean_tok **toks,
		  size_t *n, char **why);

/* Is token t of src exactly the text word? */
int lean_tok_is(const char *src, const struct lean_tok *t, const char *word);

#endif
