/* lean_scan.c: Lean 4's lexical structure (Lean.Parser.Basic: whiteSpace,
 * identFn, numberFn, strLitFn, charLitFn, rawStrLitFn), enough to tell code
 * from comments, strings and «quoted names». Linear in the input; never reads
 * past src + len. */
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

/* Lean's isLetterLike. */
static int letter_like(unsigned long c)
{
	return (c >= 0x3b1 && c <= 0x3c9 && c != 0x3bb) ||
	       (c >= 0x391 && c <= 0x3a9 && c != 0x3a0 && c != 0x3a3) ||
	       (c >= 0x3ca && c <= 0x3fb) || (c >= 0x1f00 && c <= 0x1ffe) ||
	       (c >= 0x2100 && c <= 0x214f) || (c >= 0x1d49c && c <= 0x1d59f);
}

/* Lean's isSubScriptAlnum. */
static int subscript_alnum(unsigned long c)
{
	return (c >= 0x2080 && c <= 0x2089) || (c >= 0x2090 && c <= 0x209c) ||
	       (c >= 0x1d62 && c <= 0x1d6a);
}

static int ascii_alpha(unsigned long c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int ascii_digit(unsigned long c)
{
	return c >= '0' && c <= '9';
}

static int id_first(unsigned long c)
{
	return ascii_alpha(c) || c == '_' || letter_like(c);
}

static int id_rest(unsigned long c)
{
	return id_first(c) || ascii_digit(c) || c == '\'' || c == '!' || c == '?' ||
	       subscript_alnum(c);
}

void lean_scan_init(struct lean_scanner *s, const char *src, size_t len)
{
	s->src = src;
	s->len = len;
	s->pos = 0;
	s->line = 1;
	s->col = 0;
	s->at_bol = 1;
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

/* End of a nested block comment whose body starts at p (after the opening
 * "/-"), or 0 if unterminated or invalid. */
static size_t block_comment_end(const struct lean_scanner *s, size_t p)
{
	size_t depth = 1, q;
	while (p < s->len) {
		int c = byte_at(s, p);
		if (c == '-' && byte_at(s, p + 1) == '/') {
			p += 2;
			if (--depth == 0)
				return p;
		} else if (c == '/' && byte_at(s, p + 1) == '-') {
			p += 2;
			depth++;
		} else {
			if (!(q = next_cp(s, p)))
				return 0;
			p = q;
		}
	}
	return 0;
}

/* After the '\\' of an escape at p: end of the escape, or 0. */
static size_t escape_end(const struct lean_scanner *s, size_t p)
{
	int c = byte_at(s, p);
	if (c == 'x') {
		p++;
		for (int i = 0; i < 2; i++, p++)
			if (!strchr("0123456789abcdefABCDEF", byte_at(s, p) > 0 ? byte_at(s, p) : 'z'))
				return 0;
		return p;
	}
	if (c == 'u') {
		p++;
		if (byte_at(s, p) != '{')
			return 0;
		for (p++; p < s->len && byte_at(s, p) != '}'; p++)
			if (!strchr("0123456789abcdefABCDEF", byte_at(s, p) > 0 ? byte_at(s, p) : 'z'))
				return 0;
		return p < s->len ? p + 1 : 0;
	}
	if (c == '\n')      /* string gap: backslash-newline */
		return p + 1;
	if (c == '\r' && byte_at(s, p + 1) == '\n')
		return p + 2;
	if (c > 0 && strchr("\\\"'nrt", c))
		return p + 1;
	return 0;
}

/* End of a "..." string whose body starts at p, or 0. */
static size_t string_end(const struct lean_scanner *s, size_t p)
{
	size_t q;
	while (p < s->len) {
		int c = byte_at(s, p);
		if (c == '"')
			return p + 1;
		if (c == '\\') {
			if (!(q = escape_end(s, p + 1)))
				return 0;
			p = q;
			continue;
		}
		if (!(q = next_cp(s, p)))
			return 0;
		p = q;
	}
	return 0;
}

/* r#*" at p? Returns the number of '#' + 1, or 0. */
static size_t raw_string_start(const struct lean_scanner *s, size_t p)
{
	size_t h = 0;
	if (byte_at(s, p) != 'r')
		return 0;
	for (p++; byte_at(s, p) == '#'; p++)
		h++;
	return byte_at(s, p) == '"' ? h + 1 : 0;
}

/* End of the raw string starting at p (the 'r'), with hashes-1 '#'. 0 if unterminated. */
static size_t raw_string_end(const struct lean_scanner *s, size_t p, size_t hashes)
{
	size_t q, h;
	p += 1 + hashes + 1;
	while (p < s->len) {
		if (byte_at(s, p) == '"') {
			for (h = 0; h < hashes && byte_at(s, p + 1 + h) == '#'; h++)
				;
			if (h == hashes)
				return p + 1 + hashes;
		}
		if (!(q = next_cp(s, p)))
			return 0;
		p = q;
	}
	return 0;
}

/* End of the char literal starting at p ('\''), or 0 if there is none. */
static size_t char_end(const struct lean_scanner *s, size_t p)
{
	size_t q = p + 1;
	if (byte_at(s, q) == '\\')
		q = escape_end(s, q + 1);
	else if (byte_at(s, q) != '\'' && byte_at(s, q) != '\n')
		q = next_cp(s, q);
	else
		return 0;
	return q && byte_at(s, q) == '\'' ? q + 1 : 0;
}

/* End of the «...» escape starting at p, or 0. */
static size_t guillemet_end(const struct lean_scanner *s, size_t p)
{
	size_t n, q;
	unsigned long c;
	p += 2;                 /* « is two bytes */
	while (p < s->len) {
		c = peek(s, p, &n);
		if (!n)
			return 0;
		q = p + n;
		if (c == 0xbb)  /* » */
			return q;
		p = q;
	}
	return 0;
}

/* End of an identifier (dotted parts, «escapes») starting at p, or 0 if the
 * «escape» is unterminated. */
static size_t ident_end(const struct lean_scanner *s, size_t p)
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
			/* caller (or the '.' check below) made sure c is id_first */
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

static size_t number_end(const struct lean_scanner *s, size_t p)
{
	int c = byte_at(s, p), d = byte_at(s, p + 1);
	if (c == '0' && d > 0 && strchr("xXbBoO", d)) {
		const char *digits = (d == 'x' || d == 'X') ? "0123456789abcdefABCDEF_"
				   : (d == 'b' || d == 'B') ? "01_" : "01234567_";
		for (p += 2; byte_at(s, p) > 0 && strchr(digits, byte_at(s, p)); p++)
			;
		return p;
	}
	while (ascii_digit((unsigned long)byte_at(s, p)) || byte_at(s, p) == '_')
		p++;
	if (byte_at(s, p) == '.' && ascii_digit((unsigned long)byte_at(s, p + 1)))
		for (p++; ascii_digit((unsigned long)byte_at(s, p)); p++)
			;
	if (byte_at(s, p) == 'e' || byte_at(s, p) == 'E') {
		size_t q = p + 1;
		if (byte_at(s, q) == '+' || byte_at(s, q) == '-')
			q++;
		if (ascii_digit((unsigned long)byte_at(s, q))) {
			for (p = q; ascii_digit((unsigned long)byte_at(s, p)); p++)
				;
		}
	}
	return p;
}

/* Symbols longer than one code point, longest first where one prefixes another. */
static const char *const multi[] = {
	"<;>", "...", "<|>", "|>.", ":=", "=>", "<-", "->", "..", "::", "<|", "|>",
	"<=", ">=", "!=", "==", "&&", "||", "++", "@[", "%[",
};

enum lean_tok_kind lean_scan_next(struct lean_scanner *s, struct lean_tok *t)
{
	size_t p, e = 0, n, h;
	unsigned long c;
	int ch;
	enum lean_tok_kind kind;

	/* whitespace */
	while (s->pos < s->len) {
		ch = byte_at(s, s->pos);
		if (ch == '\n') {
			s->at_bol = 1;
			advance(s, s->pos + 1);
		} else if (ch == ' ' || ch == '\t' || ch == '\r') {
			advance(s, s->pos + 1);
		} else {
			break;
		}
	}
	t->start = s->pos;
	t->line = s->line;
	t->col = s->col;
	t->bol = s->at_bol;
	if (s->pos >= s->len) {
		t->kind = LEAN_TOK_EOF;
		t->end = s->pos;
		return t->kind;
	}
	s->at_bol = 0;
	p = s->pos;
	ch = byte_at(s, p);
	c = peek(s, p, &n);
	kind = LEAN_TOK_SYMBOL;
	if (!n) {
		kind = LEAN_TOK_ERROR;
	} else if (ch == '-' && byte_at(s, p + 1) == '-') {
		kind = LEAN_TOK_COMMENT;
		for (e = p + 2; e < s->len && s->src[e] != '\n'; e++)
			;
		if (e > p + 2 && s->src[e - 1] == '\r' && e < s->len)
			e--;
		/* the comment must still be valid UTF-8 without NUL */
		for (size_t q = p + 2; q < e; q += n) {
			peek(s, q, &n);
			if (!n) {
				kind = LEAN_TOK_ERROR;
				break;
			}
		}
	} else if (ch == '/' && byte_at(s, p + 1) == '-') {
		int third = byte_at(s, p + 2);
		/* "/--/" is an empty comment, not a doc comment */
		kind = ((third == '-' && byte_at(s, p + 3) != '/') || third == '!') ? LEAN_TOK_DOC
										     : LEAN_TOK_COMMENT;
		if (!(e = block_comment_end(s, p + 2)))
			kind = LEAN_TOK_ERROR;
	} else if (ch == '"') {
		kind = LEAN_TOK_STRING;
		if (!(e = string_end(s, p + 1)))
			kind = LEAN_TOK_ERROR;
	} else if ((h = raw_string_start(s, p))) {
		kind = LEAN_TOK_STRING;
		if (!(e = raw_string_end(s, p, h - 1)))
			kind = LEAN_TOK_ERROR;
	} else if (ch == '\'' && byte_at(s, p + 1) != '\'' && (e = char_end(s, p))) {
		kind = LEAN_TOK_CHAR;
	} else if (ascii_digit(c)) {
		kind = LEAN_TOK_NUMBER;
		e = number_end(s, p);
	} else if (id_first(c) || c == 0xab) {
		kind = LEAN_TOK_IDENT;
		if (!(e = ident_end(s, p)))
			kind = LEAN_TOK_ERROR;
	} else {
		e = p + n;
		for (size_t i = 0; i < CS_ARRAY_SIZE(multi); i++) {
			size_t m = strlen(multi[i]);
			if (m <= s->len - p && !memcmp(s->src + p, multi[i], m)) {
				e = p + m;
				break;
			}
		}
	}
	if (kind == LEAN_TOK_ERROR)
		e = s->len;
	advance(s, e);
	t->kind = kind;
	t->end = e;
	return kind;
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
				const char *what = "invalid UTF-8 or NUL byte";
				int c = (unsigned char)src[t.start];
				if (c == '"' || c == 'r')
					what = "unterminated string";
				else if (c == '/')
					what = "unterminated comment";
				else if (c == '-')
					what = "invalid UTF-8 or NUL byte in a comment";
				else if (c == 0xc2 && t.start + 1 < len &&
					 (unsigned char)src[t.start + 1] == 0xab)
					what = "unterminated «name»";
				*why = xasprintf("%s at %d:%d", what, t.line, t.col);
			}
			free(v);
			return -1;
		}
		if (!keep_comments && (t.kind == LEAN_TOK_COMMENT || t.kind == LEAN_TOK_DOC))
			continue;
		if (cnt == cap) {
			cap = cap ? 2 * cap : 64;
			v = xrealloc(v, cap * sizeof(*v));
		}
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
