/* lean_scan.c: Lean 4's lexical structure, rule by rule from Lean's parser
 * (leanprover/lean4, src/Lean/Parser/Basic.lean unless said otherwise):
 *  - whitespace / finishCommentBlock: transcribed branch by branch in
 *    lean_scan_next and finish_comment_block below (each branch cites Lean's).
 *    Lean reads its input after String.crlfToLf (mkInputContext), so "\r\n" is
 *    one newline; a tab or any other carriage return in white space is Lean's
 *    error and an error token here. After `/-` Lean steps over the third
 *    character before finishCommentBlock starts (`/-/-/` is one whole comment,
 *    not `/-` holding an unclosed `/-`); `/--` and `/-!` are doc-comment tokens
 *    whose body (commentBody) starts right after them (`/--/` opens one).
 *  - tokenFnAux decides by the first character, in this order: `"` string,
 *    `'` not followed by `'` character literal, digit number, `` ` `` before an
 *    identifier Name literal, `r` before `#*"` raw string, else identifier or
 *    the longest symbol of the token table.
 *  - strLitFnAux / quotedStringFn / quotedCharCoreFn: escapes \\ \" \' \r \n \t,
 *    \xHH (two hex digits), \uHHHH (exactly four: `\u{…}` is not Lean), and in
 *    strings only the gap: backslash, one newline, white space.
 *  - charLitFnAux / quotedCharFn: one code point, any (a raw newline or `"`
 *    too), or one escape (no gap), then `'`.
 *  - rawStrLitFnAux: r, n `#`, `"`, anything, `"` and n `#`. No escapes.
 *  - numberFnAux / decimalNumberFn / takeDigitsFn: 0b 0o 0x with at least one
 *    digit, `_` between digits; decimal, then `.` (and digits) and/or `e`/`E`,
 *    sign, digits (missing exponent digits are an error). After a `.` a number is
 *    a field index (fieldIdxFn in Term.lean: digits only): h.2.1.
 *  - identFnAux / isIdCont, isIdFirst / isIdRest / isLetterLike /
 *    isSubScriptAlnum (src/Init/Meta.lean): parts of letters, `_`, digits, `'`,
 *    `!`, `?`, subscripts, or «anything but »», joined by `.` before a letter or «.
 *  - interpolatedStrFn (src/Lean/Parser/StrInterpolation.lean): a string in which
 *    `{` opens a hole of code ending at the matching `}`; `\{` is an escape there.
 *
 * Where Lean's reading depends on the environment, two readings are possible
 * and the scanner refuses (an error token) unless both give the same tokens:
 *  - Which strings hold holes depends on the syntax around them (s!, m!, f!,
 *    throwError, and whatever else an imported library declares with
 *    interpolatedStr). So every `"` is scanned with holes, and the string is
 *    refused when a plain reading would end it elsewhere, or would end it
 *    where the reading with holes fails, unless it follows s!, m! or f!
 *    (then Lean reads the holes for sure), or a plain reading fails
 *    (then a plain-reading Lean fails as well). So an honest plain string
 *    holding an unbalanced `{` ("{") is refused too.
 *  - The token table is the environment's: Mathlib has tokens such as `⁻¹'`,
 *    `∘'`, `''`. A `'` glued to a symbol may be the end of such a token or open
 *    a character literal; a `--` or `/-` glued to a symbol may be inside one. So
 *    these are refused right after a symbol (brackets and `,` aside) when the
 *    two readings differ; the known tokens of core and Mathlib that end in `'`
 *    are symbols of their own. */
#include <stdlib.h>
#include <string.h>

#include "cs.h"
#include "lean_scan.h"

/* Decode one UTF-8 code point at s[0..n), n > 0. Returns its length, or 0 when
 * the bytes are not valid UTF-8 (overlong, surrogate, > U+10FFFF, truncated) or NUL. */
static size_t utf8_decode(const unsigned char *s, size_t n, unsigned long *cp)
{
	unsigned long c = s[0];
	size_t len, i;
	if (c == 0)
		return 0;
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, c &= 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, c &= 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, c &= 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/* isLetterLike (src/Init/Meta.lean, current Lean: Latin-1 and Latin Extended-A
 * letters included; older Lean reads those as no token at all and fails). */
static int letter_like(unsigned long c)
{
	return (c >= 0x3b1 && c <= 0x3c9 && c != 0x3bb) ||
	       (c >= 0x391 && c <= 0x3a9 && c != 0x3a0 && c != 0x3a3) ||
	       (c >= 0x3ca && c <= 0x3fb) || (c >= 0x1f00 && c <= 0x1ffe) ||
	       (c >= 0x2100 && c <= 0x214f) || (c >= 0x1d49c && c <= 0x1d59f) ||
	       (c >= 0xc0 && c <= 0xff && c != 0xd7 && c != 0xf7) || (c >= 0x100 && c <= 0x17f);
}

/* isSubScriptAlnum. */
static int subscript_alnum(unsigned long c)
{
	return (c >= 0x2080 && c <= 0x2089) || (c >= 0x2090 && c <= 0x209c) ||
	       (c >= 0x1d62 && c <= 0x1d6a) || c == 0x2c7c;
}

static int ascii_alpha(unsigned long c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int ascii_digit(long c)
{
	return c >= '0' && c <= '9';
}

static int hex_digit(long c)
{
	return ascii_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int id_first(unsigned long c)
{
	return ascii_alpha(c) || c == '_' || letter_like(c);
}

static int id_rest(unsigned long c)
{
	return id_first(c) || ascii_digit((long)c) || c == '\'' || c == '!' || c == '?' ||
	       subscript_alnum(c);
}

void lean_scan_init(struct lean_scanner *s, const char *src, size_t len)
{
	memset(s, 0, sizeof(*s));
	s->src = src;
	s->len = len;
	s->line = 1;
	s->at_bol = 1;
	s->prev_kind = LEAN_TOK_EOF;
}

/* Code point at byte offset p (0 at the end or when invalid: *n = 0). */
static unsigned long peek(const struct lean_scanner *s, size_t p, size_t *n)
{
	unsigned long c = 0;
	*n = p < s->len ? utf8_decode((const unsigned char *)s->src + p, s->len - p, &c) : 0;
	return *n ? c : 0;
}

static int byte_at(const struct lean_scanner *s, size_t p)
{
	return p < s->len ? (unsigned char)s->src[p] : -1;
}

/* Move to byte offset to (> pos, on a code point boundary), counting lines and
 * columns. A "\r\n" ends the line once, at its '\n'. */
static void advance(struct lean_scanner *s, size_t to)
{
	const unsigned char *p = (const unsigned char *)s->src;
	for (; s->pos < to; s->pos++) {
		if (p[s->pos] == '\n') {
			s->line++;
			s->col = 0;
		} else if ((p[s->pos] & 0xc0) != 0x80) {
			s->col++;
		}
	}
}

/* Skip one code point at p; returns the offset after it, or 0 if invalid there. */
static size_t next_cp(const struct lean_scanner *s, size_t p)
{
	size_t n;
	peek(s, p, &n);
	return n ? p + n : 0;
}

/* 0 with the reason and where it is, for the error token. */
static size_t fail(struct lean_scanner *s, const char *why, size_t at)
{
	s->err = why;
	s->err_pos = at;
	return 0;
}

/* finishCommentBlock (Basic.lean), transcribed: the end of a block comment whose
 * body goes on at p, `nesting` comments deep, or 0 (unterminated, or bytes Lean
 * cannot hold in a String). Each branch is Lean's, in Lean's order. */
static size_t finish_comment_block(struct lean_scanner *s, size_t start, size_t p, size_t nesting)
{
	size_t i;
	for (;;) {
		/* if h : input.atEnd i then eoi s */
		if (p >= s->len)
			return fail(s, "unterminated comment", start);
		/* let curr := input.get' i h; let i := input.next' i h */
		if (!(i = next_cp(s, p)))
			return fail(s, "invalid UTF-8 or NUL byte in a comment", p);
		if (byte_at(s, p) == '-') {
			/* if curr == '-' then: if h : input.atEnd i then eoi s */
			if (i >= s->len)
				return fail(s, "unterminated comment", start);
			if (byte_at(s, i) == '/') {
				/* "-/" end of comment: if nesting == 1 then s.next' input i h
				 * else finishCommentBlock (nesting-1) (s.next' input i h) */
				if (nesting == 1)
					return i + 1;
				nesting--;
				p = i + 1;
			} else {
				/* else finishCommentBlock nesting c (s.setPos i): the
				 * character after '-' is read again */
				p = i;
			}
		} else if (byte_at(s, p) == '/') {
			/* else if curr == '/' then: if h : input.atEnd i then eoi s */
			if (i >= s->len)
				return fail(s, "unterminated comment", start);
			if (byte_at(s, i) == '-') {
				/* if curr == '-' then finishCommentBlock (nesting+1) (s.next' input i h) */
				nesting++;
				p = i + 1;
			} else {
				/* else finishCommentBlock nesting c (s.setPos i) */
				p = i;
			}
		} else {
			/* else finishCommentBlock nesting c (s.setPos i) */
			p = i;
		}
	}
}

enum esc { ESC_CHAR, ESC_STRING, ESC_INTERP };

/* quotedCharCoreFn: after the '\\' of an escape at p, the end of the escape, or 0.
 * isQuotableCharDefault; `{` in an interpolated string
 * (isQuotableCharForStrInterpolant); the gap (stringGapFn) in strings only. */
static size_t escape_end(struct lean_scanner *s, size_t p, enum esc where)
{
	int c = byte_at(s, p), i, nl = 0;
	if (c > 0 && strchr("\\\"'rnt", c))
		return p + 1;
	if (c == '{' && where == ESC_INTERP)
		return p + 1;
	if (c == 'x' || c == 'u') {
		for (i = 0, p++; i < (c == 'x' ? 2 : 4); i++, p++)
			if (!hex_digit(byte_at(s, p)))
				return fail(s, c == 'x' ? "invalid escape (\\x takes two hex digits)"
					    : "invalid escape (\\u takes four hex digits)", p);
		return p;
	}
	if (where != ESC_CHAR && (c == '\n' || (c == '\r' && byte_at(s, p + 1) == '\n'))) {
		/* a gap: one newline ("\r\n" read as Lean reads a file), then white space */
		for (;; p++) {
			c = byte_at(s, p);
			if (c == '\n' && nl++)
				return fail(s, "a second newline in a string gap", p);
			if (c != '\n' && c != ' ' && c != '\t' && c != '\r')
				return p;
		}
	}
	return fail(s, "invalid escape sequence", p);
}

/* strLitFnAux (where ESC_STRING) or interpolatedStrFn (ESC_INTERP): a piece of
 * a string from p (its opening '"', or the '}' closing a hole) to just after
 * the '"' that ends the string (*hole = 0) or, with holes, the '{' that opens one
 * (*hole = 1); 0 on error. */
static size_t piece_end(struct lean_scanner *s, size_t p, size_t start, enum esc where, int *hole)
{
	size_t q;
	for (p++; p < s->len;) {
		int c = byte_at(s, p);
		if (c == '"' || (c == '{' && where == ESC_INTERP)) {
			*hole = c == '{';
			return p + 1;
		}
		if (c == '\\') {
			if (!(q = escape_end(s, p + 1, where)))
				return 0;
			p = q;
			continue;
		}
		if (!(q = next_cp(s, p)))
			return fail(s, "invalid UTF-8 or NUL byte", p);
		p = q;
	}
	return fail(s, "unterminated string", start);
}

/* End of a plain string literal opening at p, or 0. */
static size_t string_end(struct lean_scanner *s, size_t p)
{
	int hole;
	return piece_end(s, p, p, ESC_STRING, &hole);
}

/* isRawStrLitStart: r#*" at p? Returns the number of '#' + 1, or 0. */
static size_t raw_string_start(const struct lean_scanner *s, size_t p)
{
	size_t h = 0;
	if (byte_at(s, p) != 'r')
		return 0;
	for (p++; byte_at(s, p) == '#'; p++)
		h++;
	return byte_at(s, p) == '"' ? h + 1 : 0;
}

/* rawStrLitFnAux: end of the raw string starting at p (the 'r'), with hashes '#'. */
static size_t raw_string_end(struct lean_scanner *s, size_t p, size_t hashes)
{
	size_t q, h, start = p;
	p += 1 + hashes + 1;
	while (p < s->len) {
		if (byte_at(s, p) == '"') {
			for (h = 0; h < hashes && byte_at(s, p + 1 + h) == '#'; h++)
				;
			if (h == hashes)
				return p + 1 + hashes;
		}
		if (!(q = next_cp(s, p)))
			return fail(s, "invalid UTF-8 or NUL byte", p);
		p = q;
	}
	return fail(s, "unterminated string", start);
}

/* charLitFnAux: end of the character literal opening at p, or 0 (s->err set). */
static size_t char_end(struct lean_scanner *s, size_t p)
{
	size_t q = p + 1;
	if (byte_at(s, q) == '\\')
		q = escape_end(s, q + 1, ESC_CHAR);
	else if (!(q = next_cp(s, q)))
		return fail(s, "unterminated character literal", p);
	if (!q)
		return 0;
	return byte_at(s, q) == '\'' ? q + 1 : fail(s, "unterminated character literal", p);
}

/* End of the «...» part starting at p, or 0. */
static size_t guillemet_end(struct lean_scanner *s, size_t p)
{
	size_t n, start = p;
	unsigned long c;
	p += 2;                 /* « is two bytes */
	while (p < s->len) {
		c = peek(s, p, &n);
		if (!n)
			return fail(s, "invalid UTF-8 or NUL byte", p);
		p += n;
		if (c == 0xbb)  /* » */
			return p;
	}
	return fail(s, "unterminated «name»", start);
}

/* identFnAux: end of an identifier (dotted parts, «escapes») starting at p, or 0. */
static size_t ident_end(struct lean_scanner *s, size_t p)
{
	size_t n, q;
	unsigned long c;
	for (;;) {
		c = peek(s, p, &n);
		if (c == 0xab) {        /* « */
			if (!(q = guillemet_end(s, p)))
				return 0;
			p = q;
		} else {
			/* caller (or isIdCont below) made sure c is id_first */
			for (p += n; (c = peek(s, p, &n)) && n && id_rest(c); p += n)
				;
		}
		if (byte_at(s, p) != '.')
			return p;
		c = peek(s, p + 1, &n);
		if (!n || !(id_first(c) || c == 0xab))
			return p;
		p++;
	}
}

/* takeDigitsFn: digits of the set, `_` only before a digit; need: one at least. */
static size_t digits_end(struct lean_scanner *s, size_t p, int (*digit)(long), int need,
			 size_t start)
{
	for (;; p++) {
		int c = byte_at(s, p);
		if (c == '_')
			need = 1;
		else if (c >= 0 && digit(c))
			need = 0;
		else
			break;
	}
	return need ? fail(s, "malformed numeral", start) : p;
}

static int bin_digit(long c)
{
	return c == '0' || c == '1';
}

static int oct_digit(long c)
{
	return c >= '0' && c <= '7';
}

/* numberFnAux (or fieldIdxFn when field). */
static size_t number_end(struct lean_scanner *s, size_t p, int field)
{
	size_t start = p, q;
	int c = byte_at(s, p), d = byte_at(s, p + 1);
	if (field) {
		while (ascii_digit(byte_at(s, p)))
			p++;
		return p;
	}
	if (c == '0' && (d == 'b' || d == 'B'))
		return digits_end(s, p + 2, bin_digit, 1, start);
	if (c == '0' && (d == 'o' || d == 'O'))
		return digits_end(s, p + 2, oct_digit, 1, start);
	if (c == '0' && (d == 'x' || d == 'X'))
		return digits_end(s, p + 2, hex_digit, 1, start);
	if (!(p = digits_end(s, p + 1, ascii_digit, 0, start)))
		return 0;
	if (byte_at(s, p) == '.') {
		p++;
		if (ascii_digit(byte_at(s, p)) && !(p = digits_end(s, p, ascii_digit, 0, start)))
			return 0;
	}
	if (byte_at(s, p) == 'e' || byte_at(s, p) == 'E') {
		q = p + 1;
		if (byte_at(s, q) == '+' || byte_at(s, q) == '-')
			q++;
		if (!ascii_digit(byte_at(s, q)))
			return fail(s, "missing exponent digits in a numeral", start);
		p = digits_end(s, q, ascii_digit, 0, start);
	}
	return p;
}

/* Symbols longer than one code point, longest first where one prefixes another.
 * Those of Lean core and Mathlib that hold a character a literal or comment
 * could start with (`/`, `-`, `'`) must be here for the reading to be Lean's. */
static const char *const multi[] = {
	"<;>", "...", "<|>", "|>.", ":=", "=>", "<-", "->", "..", "::", "<|", "|>",
	"<=", ">=", "!=", "==", "&&", "||", "++", "@[", "%[", "//", "/\\", "\\/",
	"⁻¹'", "∑'", "∏'", "×'", "Σ'", "∘'", "''",
};

/* Symbols no token of the table continues: brackets and the comma. */
static int closed_symbol(const struct lean_scanner *s, size_t a, size_t b)
{
	static const char *const closed[] = { "(", ")", "[", "]", "{", "}", "⟨", "⟩", "⦃", "⦄", ",", "@[" };
	for (size_t i = 0; i < CS_ARRAY_SIZE(closed); i++)
		if (strlen(closed[i]) == b - a && !memcmp(s->src + a, closed[i], b - a))
			return 1;
	return 0;
}

/* Does the text at p touch a symbol that the environment's token table might
 * continue? */
static int glued(const struct lean_scanner *s, size_t p)
{
	return s->prev_kind == LEAN_TOK_SYMBOL && s->prev_end == p &&
	       !closed_symbol(s, s->prev_start, s->prev_end);
}

/* Is the previous token one after which Lean certainly reads holes? */
static int interp_head(const struct lean_scanner *s)
{
	/* `syntax:max "s!" interpolatedStr(term)` (Init), m! (Lean.Message), f!
	 * (Lean.Data.Format); not throwError, whose `interpolatedStr <|> term` is
	 * not the same in every Lean version */
	static const char *const heads[] = { "s!", "m!", "f!" };
	size_t n = s->prev_end - s->prev_start;
	if (s->prev_kind != LEAN_TOK_IDENT)
		return 0;
	for (size_t i = 0; i < CS_ARRAY_SIZE(heads); i++)
		if (strlen(heads[i]) == n && !memcmp(s->src + s->prev_start, heads[i], n))
			return 1;
	return 0;
}

#define AMBIGUOUS_STRING "ambiguous string: read with `{` holes (as after s!) it ends " \
	"elsewhere than read plain"

/* A string piece from p (a '"' opening a string, or the '}' closing a hole of
 * the innermost open string): its token kind and end (*e; 0 on error). */
static enum lean_tok_kind string_piece(struct lean_scanner *s, size_t p, size_t *e)
{
	struct lean_interp *in;
	int hole, opening = byte_at(s, p) == '"';
	size_t start = opening ? p : s->interp[s->ninterp - 1].start;
	if (!(*e = piece_end(s, p, start, ESC_INTERP, &hole)))
		return LEAN_TOK_ERROR;
	if (opening && !hole)
		return LEAN_TOK_STRING;
	if (opening) {
		if (s->ninterp == LEAN_SCAN_MAX_INTERP) {
			*e = fail(s, "strings with holes nested too deep", p);
			return LEAN_TOK_ERROR;
		}
		in = &s->interp[s->ninterp++];
		in->start = p;
		in->head = interp_head(s);
		in->braces = 0;
		in->plain_end = string_end(s, p);
		s->err = NULL;
		return LEAN_TOK_INTERP;
	}
	if (!hole) {
		in = &s->interp[--s->ninterp];
		if (!in->head && in->plain_end && in->plain_end != *e) {
			*e = fail(s, AMBIGUOUS_STRING, in->start);
			return LEAN_TOK_ERROR;
		}
	}
	return LEAN_TOK_INTERP;
}

/* At a `'` that is not part of an identifier: `''` is a symbol; else Lean reads a
 * character literal (an error if there is none), unless the environment's token
 * table makes it the end of a symbol it touches. */
static enum lean_tok_kind quote(struct lean_scanner *s, size_t p, size_t *e)
{
	if (byte_at(s, p + 1) == '\'') {
		*e = p + 2;
		return LEAN_TOK_SYMBOL;
	}
	*e = char_end(s, p);
	if (!glued(s, p))
		return *e ? LEAN_TOK_CHAR : LEAN_TOK_ERROR;
	if (!*e) {
		s->err = NULL;
		*e = p + 1;
		return LEAN_TOK_SYMBOL;
	}
	*e = fail(s, "ambiguous `'`: a character literal, or the end of the symbol before it", p);
	return LEAN_TOK_ERROR;
}

/* The comment branches of whitespace (Basic.lean) at p, where `--` or `/-`
 * stands: a comment or doc-comment token ending at *e (0 on error). */
static enum lean_tok_kind comment(struct lean_scanner *s, size_t p, size_t *e)
{
	size_t n, i;
	if (glued(s, p)) {
		*e = fail(s, "ambiguous comment start: it touches a symbol that may go on", p);
		return LEAN_TOK_ERROR;
	}
	if (byte_at(s, p) == '-') {
		/* else if curr == '-' then ... if curr == '-' then
		 * andthenFn (takeUntilFn (fun c => c = '\n')) whitespace */
		for (*e = p + 2; *e < s->len && s->src[*e] != '\n'; (*e)++)
			;
		if (*e > p + 2 && s->src[*e - 1] == '\r' && *e < s->len)
			(*e)--;  /* crlfToLf: the "\r\n" is the newline, not the comment's */
		/* the comment must still be valid UTF-8 without NUL */
		for (size_t q = p + 2; q < *e; q += n) {
			peek(s, q, &n);
			if (!n) {
				*e = fail(s, "invalid UTF-8 or NUL byte in a comment", q);
				return LEAN_TOK_ERROR;
			}
		}
		return LEAN_TOK_COMMENT;
	}
	/* else if curr == '/' then ... if curr == '-' then
	 *   let i := input.next i; let curr := input.get i
	 *   if curr == '-' || curr == '!' then s  -- "/--" and "/-!" doc comment are actual tokens
	 * The doc-comment token is then read by docComment / moduleDoc (Command.lean:
	 * "/--" >> commentBody, "/-!" >> commentBody), and commentBody is
	 * finishCommentBlock 1 right after the three characters. */
	i = p + 2;
	if (byte_at(s, i) == '-' || byte_at(s, i) == '!') {
		*e = finish_comment_block(s, p, i + 1, 1);
		return *e ? LEAN_TOK_DOC : LEAN_TOK_ERROR;
	}
	/*   else andthenFn (finishCommentBlock 1) whitespace c (s.next input i):
	 * the body starts AFTER the third character, whatever it is (at the end
	 * of the input there is none: unterminated). */
	if (i >= s->len) {
		*e = fail(s, "unterminated comment", p);
		return LEAN_TOK_ERROR;
	}
	if (!(i = next_cp(s, i))) {
		*e = fail(s, "invalid UTF-8 or NUL byte in a comment", p + 2);
		return LEAN_TOK_ERROR;
	}
	*e = finish_comment_block(s, p, i, 1);
	return *e ? LEAN_TOK_COMMENT : LEAN_TOK_ERROR;
}

static enum lean_tok_kind symbol(struct lean_scanner *s, size_t p, size_t n, size_t *e)
{
	*e = p + n;
	for (size_t i = 0; i < CS_ARRAY_SIZE(multi); i++) {
		size_t m = strlen(multi[i]);
		if (m <= s->len - p && !memcmp(s->src + p, multi[i], m)) {
			*e = p + m;
			break;
		}
	}
	if (s->ninterp && *e == p + 1 && s->src[p] == '{')
		s->interp[s->ninterp - 1].braces++;
	else if (s->ninterp && *e == p + 1 && s->src[p] == '}')
		s->interp[s->ninterp - 1].braces--;
	return LEAN_TOK_SYMBOL;
}

/* An error inside an open string with holes that nothing says is one, and that
 * reads plain: which of the two readings Lean takes depends on the syntax
 * around it, so the string is what is refused. */
static void unreadable_holes(struct lean_scanner *s)
{
	for (int i = s->ninterp; i-- > 0;)
		if (!s->interp[i].head && s->interp[i].plain_end) {
			fail(s, AMBIGUOUS_STRING, s->interp[i].start);
			return;
		}
}

enum lean_tok_kind lean_scan_next(struct lean_scanner *s, struct lean_tok *t)
{
	size_t p, e = 0, n, h;
	unsigned long c;
	int ch;
	enum lean_tok_kind kind;
	const char *ws_err = NULL;

	/* whitespace (Basic.lean), the branches that consume no comment; the
	 * comment branches are comment() below, one token each. */
	for (;;) {
		/* if h : input.atEnd i then s */
		if (s->pos >= s->len)
			break;
		ch = byte_at(s, s->pos);
		if (ch == '\t' && !s->ws_lenient) {
			/* if curr == '\t' then s.mkUnexpectedError "tabs are not allowed; ..." */
			ws_err = "tab in white space (Lean: tabs are not allowed)";
			break;
		}
		if (ch == '\r' && byte_at(s, s->pos + 1) != '\n' && !s->ws_lenient) {
			/* else if curr == '\r' then "isolated carriage returns are not
			 * allowed" (a "\r\n" is "\n" after crlfToLf: the next branch) */
			ws_err = "isolated carriage return (Lean: not allowed)";
			break;
		}
		if (ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t') {
			/* else if curr.isWhitespace then whitespace c (s.next' input i h) */
			if (ch == '\n')
				s->at_bol = 1;
			advance(s, s->pos + 1);
			continue;
		}
		/* else if curr == '-' / '/': comment(); else s */
		break;
	}
	t->start = s->pos;
	t->line = s->line;
	t->col = s->col;
	t->bol = s->at_bol;
	if (s->pos >= s->len) {
		t->kind = LEAN_TOK_EOF;
		if (s->ninterp) {
			fail(s, "unterminated string", s->interp[0].start);
			unreadable_holes(s);
			s->ninterp = 0;
			t->kind = LEAN_TOK_ERROR;
		}
		t->end = s->pos;
		return t->kind;
	}
	s->at_bol = 0;
	p = s->pos;
	ch = byte_at(s, p);
	c = peek(s, p, &n);
	if (ws_err) {
		kind = LEAN_TOK_ERROR;
		fail(s, ws_err, p);
	} else if (!n) {
		kind = LEAN_TOK_ERROR;
		fail(s, "invalid UTF-8 or NUL byte", p);
	} else if ((ch == '-' && byte_at(s, p + 1) == '-') || (ch == '/' && byte_at(s, p + 1) == '-')) {
		kind = comment(s, p, &e);
	} else if (ch == '"' || (ch == '}' && s->ninterp && s->interp[s->ninterp - 1].braces == 0)) {
		kind = string_piece(s, p, &e);
	} else if ((h = raw_string_start(s, p))) {
		kind = (e = raw_string_end(s, p, h - 1)) ? LEAN_TOK_STRING : LEAN_TOK_ERROR;
	} else if (ch == '\'') {
		kind = quote(s, p, &e);
	} else if (ch == '`' && (id_first(peek(s, p + 1, &h)) || peek(s, p + 1, &h) == 0xab) && h) {
		kind = (e = ident_end(s, p + 1)) ? LEAN_TOK_NAME : LEAN_TOK_ERROR;
	} else if (ascii_digit(ch)) {
		int field = s->prev_kind == LEAN_TOK_SYMBOL && s->prev_end == p &&
			    s->prev_end - s->prev_start == 1 && s->src[s->prev_start] == '.';
		kind = (e = number_end(s, p, field)) ? LEAN_TOK_NUMBER : LEAN_TOK_ERROR;
	} else if (id_first(c) || c == 0xab) {
		kind = (e = ident_end(s, p)) ? LEAN_TOK_IDENT : LEAN_TOK_ERROR;
	} else {
		kind = symbol(s, p, n, &e);
	}
	if (kind == LEAN_TOK_ERROR) {
		unreadable_holes(s);
		e = s->len;
		s->ninterp = 0;
	}
	advance(s, e);
	t->kind = kind;
	t->end = e;
	if (kind != LEAN_TOK_COMMENT && kind != LEAN_TOK_DOC) {
		s->prev_kind = kind;
		s->prev_start = p;
		s->prev_end = e;
	}
	return kind;
}

/* line:col of byte offset pos, as the tokens count them. */
static void line_col(const char *src, size_t pos, int *line, int *col)
{
	*line = 1;
	*col = 0;
	for (size_t i = 0; i < pos; i++) {
		if (src[i] == '\n')
			++*line, *col = 0;
		else if (((unsigned char)src[i] & 0xc0) != 0x80)
			++*col;
	}
}

int lean_tokenize(const char *src, size_t len, int keep_comments, struct lean_tok **toks,
		  size_t *n, char **why)
{
	struct lean_scanner s;
	struct lean_tok t, *v = NULL;
	size_t cnt = 0, cap = 0;
	*toks = NULL;
	*n = 0;
	if (why)
		*why = NULL;
	lean_scan_init(&s, src, len);
	for (;;) {
		lean_scan_next(&s, &t);
		if (t.kind == LEAN_TOK_ERROR) {
			if (why) {
				int line, col;
				line_col(src, s.err ? s.err_pos : t.start, &line, &col);
				*why = xasprintf("%s at %d:%d", s.err ? s.err : "unreadable text", line, col);
			}
			free(v);
			return -1;
		}
		if (!keep_comments && (t.kind == LEAN_TOK_COMMENT || t.kind == LEAN_TOK_DOC))
			continue;
		v = cs_grow(v, &cap, cnt, sizeof *v);
		v[cnt++] = t;
		if (t.kind == LEAN_TOK_EOF)
			break;
	}
	*toks = v;
	*n = cnt;
	return 0;
}

int lean_tok_is(const char *src, const struct lean_tok *t, const char *word)
{
	size_t n = strlen(word);
	return t->end - t->start == n && !memcmp(src + t->start, word, n);
}

int lean_tok_in(const char *src, const struct lean_tok *t, const char *const *list, size_t n)
{
	if (t->kind != LEAN_TOK_IDENT)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (lean_tok_is(src, t, list[i]))
			return 1;
	return 0;
}

/* The next part of an identifier at p (before end): [*a, *b) without «», and the
 * offset after it and its '.'. */
static const char *ident_part(const char *p, const char *end, const char **a, const char **b)
{
	if (end - p >= 2 && !memcmp(p, "«", 2)) {
		const char *q = p + 2;
		while (end - q >= 2 && memcmp(q, "»", 2))
			q++;
		*a = p + 2;
		*b = q;
		p = end - q >= 2 ? q + 2 : end;
	} else {
		const char *q = p;
		while (q < end && *q != '.')
			q++;
		*a = p;
		*b = q;
		p = q;
	}
	return p < end && *p == '.' ? p + 1 : p;
}

/* The name's text with the leading `_root_.` (LEAN_ID_DECL) and backtick skipped. */
static const char *ident_text(const char *src, const struct lean_tok *t, int flags)
{
	const char *p = src + t->start, *end = src + t->end, *a, *b, *q;
	if (t->kind == LEAN_TOK_NAME)
		p++;
	if (flags & LEAN_ID_DECL) {
		q = ident_part(p, end, &a, &b);
		if (b - a == 6 && !memcmp(a, "_root_", 6) && q < end && q[-1] == '.')
			p = q;
	}
	return p;
}

char *lean_ident_name(const char *src, const struct lean_tok *t, int flags)
{
	struct sbuf sb = SBUF_INIT;
	const char *p = ident_text(src, t, flags), *end = src + t->end, *a, *b;
	while (p < end) {
		p = ident_part(p, end, &a, &b);
		if (sb.len)
			sbuf_addch(&sb, '.');
		sbuf_add(&sb, a, (size_t)(b - a));
	}
	return sbuf_detach(&sb);
}

int lean_ident_eq(const char *src, const struct lean_tok *t, const char *word, int flags)
{
	struct lean_tok w = { LEAN_TOK_IDENT, 0, strlen(word), 0, 0, 0 };
	const char *p, *end = src + t->end, *q, *wend = word + w.end, *a, *b, *c, *d;
	if (t->kind != LEAN_TOK_IDENT && t->kind != LEAN_TOK_NAME)
		return 0;
	p = ident_text(src, t, flags);
	q = ident_text(word, &w, flags);
	while (p < end && q < wend) {
		p = ident_part(p, end, &a, &b);
		q = ident_part(q, wend, &c, &d);
		if (b - a != d - c || memcmp(a, c, (size_t)(b - a)))
			return 0;
	}
	return p == end && q == wend;
}

void lean_ident_last(const char *src, const struct lean_tok *t, const char **s, size_t *n)
{
	const char *p = ident_text(src, t, 0), *end = src + t->end, *a = p, *b = p;
	while (p < end)
		p = ident_part(p, end, &a, &b);
	*s = a;
	*n = (size_t)(b - a);
}
