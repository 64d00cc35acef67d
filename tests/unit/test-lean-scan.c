/* test-lean-scan: the Lean 4 lexical scanner (lean_text/lean_scan.h) on hand-made
 * cases and against the positions a real Lean REPL reported for `sorry` tokens
 * (tests/fixtures/repl). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <jansson.h>

#include "cs.h"
#include "lean_scan.h"
#include "tap.h"

#define FIXTURES "tests/fixtures/repl"

static const char *kind_name(enum lean_tok_kind k)
{
	static const char *const names[] = {
		"eof", "ident", "number", "string", "char", "comment", "doc", "symbol", "interp",
		"name", "error",
	};
	return (size_t)k < CS_ARRAY_SIZE(names) ? names[k] : "?";
}

/* "kind:text kind:text ..." of all tokens (comments kept) of src[0..len). */
static char *dump(const char *src, size_t len)
{
	struct lean_scanner s;
	struct lean_tok t;
	struct sbuf sb = SBUF_INIT;
	lean_scan_init(&s, src, len);
	while (lean_scan_next(&s, &t) != LEAN_TOK_EOF) {
		if (sb.len)
			sbuf_addch(&sb, ' ');
		sbuf_addf(&sb, "%s:%.*s", kind_name(t.kind), (int)(t.end - t.start), src + t.start);
	}
	return sbuf_detach(&sb);
}

static void check_dump(const char *src, const char *want, const char *what)
{
	char *got = dump(src, strlen(src));
	is_str(got, want, "%s", what);
	free(got);
}

/* Token number i (comments kept), or an EOF token. */
static struct lean_tok nth(const char *src, size_t len, int i)
{
	struct lean_scanner s;
	struct lean_tok t;
	lean_scan_init(&s, src, len);
	while (lean_scan_next(&s, &t) != LEAN_TOK_EOF && i-- > 0)
		;
	return t;
}

static void hand_cases(void)
{
	struct lean_tok t;
	struct lean_tok *v;
	size_t n;
	char *why;

	check_dump("theorem foo (x : ℕ) : x = x := by rfl",
		   "ident:theorem ident:foo symbol:( ident:x symbol:: ident:ℕ symbol:) symbol:: "
		   "ident:x symbol:= ident:x symbol::= ident:by ident:rfl",
		   "a theorem: ℕ is an identifier, := one symbol");
	check_dump("/- a /- nested -/ sorry -/ x", "comment:/- a /- nested -/ sorry -/ ident:x",
		   "nested block comment swallows the inner -/ and sorry");
	check_dump("/-- doc -/ /-! mod -/ /-/ a -/ x", "doc:/-- doc -/ doc:/-! mod -/ comment:/-/ a -/ ident:x",
		   "doc comments, module docs, /-/ opens a comment");
	check_dump("/--/ sorry -/ x", "doc:/--/ sorry -/ ident:x",
		   "/--/ opens a doc comment (its body starts after /--), as in Lean");
	check_dump("a -- sorry \"x\nb", "ident:a comment:-- sorry \"x ident:b", "line comment ends at the newline");
	check_dump("s := \"sorry -- /- \\\" \" t", "ident:s symbol::= string:\"sorry -- /- \\\" \" ident:t",
		   "string with escaped quote, comment markers inside");
	check_dump("r\"a\\\" b r#\"x \" y\"# z", "string:r\"a\\\" ident:b string:r#\"x \" y\"# ident:z",
		   "raw strings: no escapes, hashes close");
	check_dump("h' x'' f'.2 'a' '\\n' '\\'' c", "ident:h' ident:x'' ident:f' symbol:. number:2 char:'a' "
		   "char:'\\n' char:'\\'' ident:c", "primes in identifiers vs char literals");
	check_dump("f '' s", "ident:f symbol:'' ident:s", "'' (set image) is no char literal");
	check_dump("«sorry» Foo.«a b».c «x»y", "ident:«sorry» ident:Foo.«a b».c ident:«x» ident:y",
		   "«quoted» names are identifiers");
	check_dump("Nat.succ_le h₀.1 x.2.le apply? simp! h₁₂ xᵢ αβ λ Π Σ",
		   "ident:Nat.succ_le ident:h₀ symbol:. number:1 ident:x symbol:. number:2 symbol:. "
		   "ident:le ident:apply? ident:simp! ident:h₁₂ ident:xᵢ ident:αβ symbol:λ symbol:Π symbol:Σ",
		   "dotted names, subscripts, ?!, Greek but λ Π Σ");
	check_dump("12 0x1F 0b101 3.14 2e5 1.5e-3 2x", "number:12 number:0x1F number:0b101 number:3.14 "
		   "number:2e5 number:1.5e-3 number:2 ident:x", "numbers");
	check_dump("<;> := => <- -> .. ... :: ⟨a, b⟩ · ← ∀ ≤ @[simp] x⁻¹",
		   "symbol:<;> symbol::= symbol:=> symbol:<- symbol:-> symbol:.. symbol:... symbol::: "
		   "symbol:⟨ ident:a symbol:, ident:b symbol:⟩ symbol:· symbol:← symbol:∀ symbol:≤ "
		   "symbol:@[ ident:simp symbol:] ident:x symbol:⁻ symbol:¹",
		   "multi-character symbols, one code point otherwise");
	check_dump("ℝ ℕ ℤ ℚ ℂ 𝔽 ℝ≥0", "ident:ℝ ident:ℕ ident:ℤ ident:ℚ ident:ℂ ident:𝔽 ident:ℝ symbol:≥ number:0",
		   "letter-like symbols are identifiers");
	check_dump("#eval x\n#print axioms", "symbol:# ident:eval ident:x symbol:# ident:print ident:axioms",
		   "# commands");

	/* positions: lines, code point columns, CRLF, bol */
	{
		const char *src = "a\r\n b ∀x\r\n  /- c\r\n -/ sorry\n";
		t = nth(src, strlen(src), 1);
		ok(t.line == 2 && t.col == 1 && t.bol, "after CRLF and a space: 2:1 bol (got %d:%d bol %d)",
		   t.line, t.col, t.bol);
		t = nth(src, strlen(src), 3);
		ok(t.line == 2 && t.col == 4 && !t.bol && lean_tok_is(src, &t, "x"),
		   "code points, not bytes: x at 2:4 (got %d:%d)", t.line, t.col);
		t = nth(src, strlen(src), 4);
		ok(t.kind == LEAN_TOK_COMMENT && t.line == 3 && t.col == 2 && t.bol, "comment at 3:2");
		t = nth(src, strlen(src), 5);
		ok(lean_tok_is(src, &t, "sorry") && t.line == 4 && t.col == 4 && !t.bol,
		   "sorry after a multi-line comment at 4:4, not bol (got %d:%d)", t.line, t.col);
		t = nth(src, strlen(src), 6);
		ok(t.kind == LEAN_TOK_EOF && t.start == strlen(src), "EOF at the end");
	}
	{
		const char *src = "-- c\r\nx";
		t = nth(src, strlen(src), 0);
		is_int(t.end, 4, "a line comment excludes the CR of CRLF");
	}

	/* errors never run past the end */
	{
		static const char *const bad[] = {
			"x /- never closed", "x /- a /- b -/", "x \"open", "x r#\"a\"", "x «open",
			"x \xff y", "x \xe2\x88", "x \xc0\x80", "x \xed\xa0\x80", "-- \xfe",
			"\"\\q\"", "\"\\x4\"",
		};
		for (size_t i = 0; i < CS_ARRAY_SIZE(bad); i++) {
			struct lean_scanner s;
			int errs = 0, steps = 0;
			lean_scan_init(&s, bad[i], strlen(bad[i]));
			while (lean_scan_next(&s, &t) != LEAN_TOK_EOF && steps++ < 100)
				if (t.kind == LEAN_TOK_ERROR) {
					errs++;
					ok(t.end == strlen(bad[i]), "bad input %zu: the error runs to the end", i);
				}
			ok(errs == 1, "bad input %zu yields one error token", i);
			ok(lean_scan_next(&s, &t) == LEAN_TOK_EOF, "bad input %zu: EOF stays EOF", i);
			why = NULL;
			ok(lean_tokenize(bad[i], strlen(bad[i]), 1, &v, &n, &why) == -1 && why && !v,
			   "bad input %zu: lean_tokenize fails: %s", i, why ? why : "");
			free(why);
		}
	}
	{
		const char nul[] = "x\0sorry";
		t = nth(nul, sizeof(nul) - 1, 1);
		ok(t.kind == LEAN_TOK_ERROR && t.end == sizeof(nul) - 1, "a NUL byte is an error");
	}
	why = NULL;
	ok(lean_tokenize("a -- c\nb", 8, 0, &v, &n, &why) == 0 && n == 3 && v[2].kind == LEAN_TOK_EOF &&
	   v[1].bol && v[1].line == 2, "lean_tokenize drops comments, ends with EOF, keeps bol");
	free(v);
	ok(lean_tokenize("a -- c\nb", 8, 1, &v, &n, &why) == 0 && n == 4, "keep_comments keeps them");
	free(v);
	ok(lean_tokenize("", 0, 0, &v, &n, &why) == 0 && n == 1 && v[0].kind == LEAN_TOK_EOF, "empty input");
	free(v);
	ok(lean_tokenize("a\n/- x", 6, 0, &v, &n, &why) == -1 && why && strstr(why, "2:0"),
	   "error names line:col: %s", why ? why : "");
	free(why);
}

/* lean_tokenize refuses src, naming why (want) and where (at, "L:C"). */
static void check_refused(const char *src, const char *want, const char *at, const char *what)
{
	struct lean_tok *v = NULL;
	size_t n;
	char *why = NULL, *where = xasprintf(" at %s", at);
	int rc = lean_tokenize(src, strlen(src), 1, &v, &n, &why);
	ok(rc == -1 && !v && why && strstr(why, want) && strstr(why, where), "%s: refused: %s", what,
	   why ? why : "(accepted)");
	free(v);
	free(why);
	free(where);
}

/* Each rule of Lean's lexer (lean_scan.c names the Lean function), with the
 * inputs that fooled the old scanner and their honest twins. */
static void lean_rules(void)
{
	/* quotedCharCoreFn: \u takes exactly four hex digits, \x two */
	check_dump("\"\\u0073\" \"\\x41\\t\\r\\n\\\\\\\"\\'\"", "string:\"\\u0073\" string:\"\\x41\\t\\r\\n\\\\\\\"\\'\"",
		   "\\u0073, \\x41 and the quotable characters");
	check_refused("x := \"\\u{73}\"", "\\u takes four hex digits", "1:8", "\\u{73} is not Lean");
	check_refused("x := \"\\u007\"", "\\u takes four hex digits", "1:11", "three hex digits");
	check_refused("x := \"\\x4\"", "\\x takes two hex digits", "1:9", "\\x with one hex digit");
	check_refused("x := \"\\q\"", "invalid escape sequence", "1:7", "\\q");
	/* no hole: read plain, Lean fails on \{; read with holes, it is the `{` */
	check_dump("x := \"\\{\"", "ident:x symbol::= string:\"\\{\"", "\\{ in a string without holes");
	/* stringGapFn: backslash, one newline, white space */
	check_dump("\"a\\\n   b\" c", "string:\"a\\\n   b\" ident:c", "a string gap");
	check_refused("\"a\\\n\n b\" c", "a second newline in a string gap", "2:0", "two newlines in a gap");
	check_refused("x := 'a\\\n'", "unterminated character literal", "1:5", "no gap in a character");
	/* charLitFnAux: any one code point, a raw newline and `"` too */
	check_dump("'\"' sorry", "char:'\"' ident:sorry", "'\"' is a character, sorry after it is code");
	check_dump("'\n' sorry", "char:'\n' ident:sorry", "a raw newline between quotes is a character");
	check_dump("'\\u0041' '\\x41' '∀' '{'", "char:'\\u0041' char:'\\x41' char:'∀' char:'{'",
		   "escapes and any code point");
	check_refused("x := 'ab'", "unterminated character literal", "1:5", "two characters");
	check_refused("x := '", "unterminated character literal", "1:5", "a lone quote at the end");
	/* interpolatedStrFn: `{` opens a hole of code up to its `}` */
	check_dump("s!\"a{x}b{y + 1}c\"", "ident:s! interp:\"a{ ident:x interp:}b{ ident:y symbol:+ number:1 interp:}c\"",
		   "holes are code between string pieces");
	check_dump("s!\"{'\"'} sorry\"", "ident:s! interp:\"{ char:'\"' interp:} sorry\"",
		   "'\"' in a hole is a character, the rest is string");
	check_dump("s!\"{sorry}\" x", "ident:s! interp:\"{ ident:sorry interp:}\" ident:x",
		   "code in a hole is seen");
	check_dump("s!\"\\{\" x", "ident:s! string:\"\\{\" ident:x", "\\{ in an interpolated string");
	check_dump("s!\"{ {a := 1} }\"", "ident:s! interp:\"{ symbol:{ ident:a symbol::= number:1 symbol:} interp:}\"",
		   "braces inside a hole nest");
	check_dump("m!\"{s!\"{x}\"}\"", "ident:m! interp:\"{ ident:s! interp:\"{ ident:x interp:}\" interp:}\"",
		   "nested interpolated strings");
	check_dump("f!\"{\"}\"}\"", "ident:f! interp:\"{ string:\"}\" interp:}\"",
		   "after f!, a hole's string ends the plain reading early: Lean reads holes");
	check_dump("\"a{b}c\" x", "interp:\"a{ ident:b interp:}c\" ident:x",
		   "a plain string whose holes end it where a plain reading does: both agree");
	check_refused("x := \"{\" sorry \"}\" -- \"", "ambiguous string", "1:5",
		      "read with holes it hides sorry; read plain it does not");
	check_refused("x := \"{\"", "ambiguous string", "1:5", "a lone {: with holes it does not end, plain it does");
	check_refused("x := \"{", "unterminated string", "1:5", "no end either way");
	check_refused("x := s!\"{x\"", "unterminated string", "1:10", "unterminated hole");
	{
		struct sbuf sb = SBUF_INIT;
		for (int i = 0; i < LEAN_SCAN_MAX_INTERP + 1; i++)
			sbuf_adds(&sb, "s!\"{");
		check_refused(sb.buf, "nested too deep", "1:66", "holes nested too deep");
		sbuf_release(&sb);
	}
	/* rawStrLitFnAux */
	check_dump("r#\"a\"b\"# r##\"x\"#y\"## r\"\\\"", "string:r#\"a\"b\"# string:r##\"x\"#y\"## string:r\"\\\"",
		   "raw strings: hashes, no escapes");
	check_dump("ar\"x\"", "ident:ar string:\"x\"", "r inside an identifier opens nothing");
	/* nameLitAux: a backtick before an identifier */
	check_dump("`foo `Nat.succ ``bar `(tactic| x) `«a b»", "name:`foo name:`Nat.succ symbol:` name:`bar "
		   "symbol:` symbol:( ident:tactic symbol:| ident:x symbol:) name:`«a b»", "Name literals");
	check_dump("`x' y", "name:`x' ident:y", "a prime in a Name literal is no character");
	/* numberFnAux, takeDigitsFn, decimalNumberFn; fieldIdxFn after `.` */
	check_dump("1_000 0x1F 0b10 0o17 2. 3.25 1.5e-3 2E+5 h.2.1 (x).1", "number:1_000 number:0x1F number:0b10 "
		   "number:0o17 number:2. number:3.25 number:1.5e-3 number:2E+5 ident:h symbol:. number:2 "
		   "symbol:. number:1 symbol:( ident:x symbol:) symbol:. number:1", "numerals and field indices");
	check_refused("x := 0x", "malformed numeral", "1:5", "0x without a digit");
	check_refused("x := 1_", "malformed numeral", "1:5", "_ not before a digit");
	check_refused("x := 2e", "missing exponent digits", "1:5", "exponent without digits");
	/* identFnAux, isIdFirst, isIdRest, isLetterLike, isSubScriptAlnum */
	check_dump("«a b».c x.«y» é ñ₁ xⱼ h!", "ident:«a b».c ident:x.«y» ident:é ident:ñ₁ ident:xⱼ ident:h!",
		   "«» parts, Latin-1 letters, subscripts");
	check_dump("«a\nb»", "ident:«a\nb»", "a newline inside «»");
	/* the token table: symbols that end in ' and the two readings of a glued ' */
	check_dump("f ⁻¹' s ∑' n ∏' n f ∘' g α ×' β Σ' x", "ident:f symbol:⁻¹' ident:s symbol:∑' ident:n "
		   "symbol:∏' ident:n ident:f symbol:∘' ident:g ident:α symbol:×' ident:β symbol:Σ' ident:x",
		   "Mathlib's and core's symbols ending in '");
	check_dump("(' ') ['a', 'b'] {'c'}", "symbol:( char:' ' symbol:) symbol:[ char:'a' symbol:, char:'b' "
		   "symbol:] symbol:{ char:'c' symbol:}", "characters after brackets and commas");
	check_dump("f ≃' g", "ident:f symbol:≃ symbol:' ident:g",
		   "a ' glued to a symbol that opens no character is the symbol's");
	check_refused("x := a ≃'\"'", "ambiguous `'`", "1:8", "a ' glued to a symbol that would open a character");
	/* comment openers glued to a symbol the token table may continue */
	check_dump("a //- b -/ c", "ident:a symbol:// symbol:- ident:b symbol:- symbol:/ ident:c",
		   "// before - opens no comment, as in Lean");
	check_dump("a \\/-b", "ident:a symbol:\\/ symbol:- ident:b", "\\/ before - opens no comment");
	check_dump("(-- c\n)", "symbol:( comment:-- c symbol:)", "a comment after a bracket");
	check_refused("x := a +-- c", "ambiguous comment start", "1:8", "-- glued to +");
	check_refused("x := a ⊢/- c -/", "ambiguous comment start", "1:8", "/- glued to ⊢");
}

/* Names as Lean compares them. */
static void ident_cases(void)
{
	const char *src = "«instance» Lean.«ofReduceBool» _root_.foo «a.b» `«sorryAx» x.y", *s;
	struct lean_tok *v;
	size_t n, len;
	char *why = NULL, *name;
	ok(lean_tokenize(src, strlen(src), 0, &v, &n, &why) == 0 && n == 7, "names tokenize");
	ok(lean_ident_eq(src, &v[0], "instance", 0), "«instance» is instance");
	ok(lean_ident_eq(src, &v[1], "Lean.ofReduceBool", 0) && lean_ident_eq(src, &v[1], "Lean.«ofReduceBool»", 0),
	   "Lean.«ofReduceBool» is Lean.ofReduceBool");
	ok(!lean_ident_eq(src, &v[1], "ofReduceBool", 0), "but not ofReduceBool");
	ok(lean_ident_eq(src, &v[2], "foo", LEAN_ID_DECL) && !lean_ident_eq(src, &v[2], "foo", 0) &&
	   lean_ident_eq(src, &v[2], "_root_.foo", 0), "_root_.foo declares foo");
	ok(!lean_ident_eq(src, &v[3], "a.b", 0) && lean_ident_eq(src, &v[3], "«a.b»", 0),
	   "«a.b» is one part, not a.b");
	name = lean_ident_name(src, &v[3], 0);
	is_str(name, "a.b", "its text");
	free(name);
	name = lean_ident_name(src, &v[4], 0);
	is_str(name, "sorryAx", "a Name literal's name");
	free(name);
	lean_ident_last(src, &v[1], &s, &len);
	ok(len == 12 && !memcmp(s, "ofReduceBool", 12), "last part without «»");
	ok(!lean_ident_eq(src, &v[5], "x", 0) && lean_ident_eq(src, &v[5], "x.y", 0), "dotted names whole");
	free(v);
}

/* The REPL's sorry positions for each "cmd" of a transcript equal our sorry tokens'. */
static void repl_positions(const char *name)
{
	char *in_path = xasprintf("%s/%s.in", FIXTURES, name);
	char *out_path = xasprintf("%s/%s.expected.out", FIXTURES, name);
	json_error_t err;
	FILE *fin = fopen(in_path, "r"), *fout = fopen(out_path, "r");
	int cmds = 0;
	ok(fin && fout, "%s: fixture readable", name);
	while (fin && fout) {
		json_t *cmd = json_loadf(fin, JSON_DISABLE_EOF_CHECK, &err);
		json_t *reply = json_loadf(fout, JSON_DISABLE_EOF_CHECK, &err);
		const char *src = json_string_value(json_object_get(cmd, "cmd"));
		json_t *sorries = json_object_get(reply, "sorries");
		if (!cmd || !reply) {
			json_decref(cmd);
			json_decref(reply);
			break;
		}
		if (src && sorries) {
			struct lean_tok *v;
			size_t n, k = 0, i;
			char *why = NULL;
			int good = lean_tokenize(src, strlen(src), 0, &v, &n, &why) == 0;
			for (i = 0; good && i < n; i++) {
				json_t *pos;
				if (!lean_tok_is(src, &v[i], "sorry"))
					continue;
				pos = json_object_get(json_array_get(sorries, k++), "pos");
				if (json_integer_value(json_object_get(pos, "line")) != v[i].line ||
				    json_integer_value(json_object_get(pos, "column")) != v[i].col) {
					good = 0;
					printf("# sorry at %d:%d, REPL says %lld:%lld\n", v[i].line, v[i].col,
					       json_integer_value(json_object_get(pos, "line")),
					       json_integer_value(json_object_get(pos, "column")));
				}
			}
			ok(good && k == json_array_size(sorries), "%s cmd %d: %zu sorries at the REPL's positions",
			   name, cmds, k);
			if (good || why)
				free(v);
			free(why);
		}
		cmds++;
		json_decref(cmd);
		json_decref(reply);
	}
	if (fin)
		fclose(fin);
	if (fout)
		fclose(fout);
	free(in_path);
	free(out_path);
}

static void bulk(void)
{
	size_t big = 20u << 20, i, n;
	char *src = xmalloc(big + 1);
	struct lean_tok *v;
	char *why = NULL;
	clock_t t0;
	/* 20 MB of tokens; linear time is judged on this process's CPU time, which a
	 * loaded machine does not stretch as it does the wall clock */
	for (i = 0; i + 16 <= big; i += 16)
		memcpy(src + i, "h₁ := by simp\n ", 16);
	memset(src + i, ' ', big - i);
	src[big] = 0;
	t0 = clock();
	ok(lean_tokenize(src, big, 0, &v, &n, &why) == 0 && n == big / 16 * 4 + 1,
	   "20 MB, %zu tokens", n);
	free(v);
	/* 10 000 nested block comments, one unclosed then closed (`/- ` each:
	 * Lean steps over the character after `/-`, so `/-/-` would not nest) */
	for (i = 0; i < 10000; i++)
		memcpy(src + 3 * i, "/- ", 3);
	for (i = 0; i < 10000; i++)
		memcpy(src + 30000 + 2 * i, "-/", 2);
	ok(lean_tokenize(src, 50000, 1, &v, &n, &why) == 0 && n == 2 && v[0].kind == LEAN_TOK_COMMENT,
	   "10 000 nested /- -/ are one comment");
	free(v);
	ok(lean_tokenize(src, 49998, 1, &v, &n, &why) == -1, "one -/ short: unterminated");
	free(why);
	ok((double)(clock() - t0) / CLOCKS_PER_SEC < 10, "linear: %.2f s of CPU",
	   (double)(clock() - t0) / CLOCKS_PER_SEC);
	free(src);
}

/* whitespace and finishCommentBlock (lean4 src/Lean/Parser/Basic.lean), one case
 * per branch, in Lean's order; lean_scan.c cites the same branches. */
static void whitespace_branches(void)
{
	/* whitespace: if h : input.atEnd i then s */
	check_dump("", "", "W atEnd: nothing");
	check_dump("x  \n", "ident:x", "W atEnd after white space");
	/* if curr == '\t' then "tabs are not allowed" */
	check_refused("x\ty", "tab in white space", "1:1", "W tab between tokens");
	check_refused("theorem t : True := by\n\ttrivial", "tab in white space", "2:0", "W tab indentation");
	check_dump("\"a\tb\" /- \t -/ -- \t", "string:\"a\tb\" comment:/- \t -/ comment:-- \t",
		   "W a tab inside a string or a comment is no white space: allowed");
	/* else if curr == '\r' then "isolated carriage returns are not allowed"
	 * (the input is crlfToLf'd first: "\r\n" is a newline) */
	check_refused("x\ry", "isolated carriage return", "1:1", "W lone CR");
	check_refused("x \r", "isolated carriage return", "1:2", "W lone CR at the end");
	check_dump("x\r\ny\r\n", "ident:x ident:y", "W CRLF is a newline");
	/* else if curr.isWhitespace (' ', '\n') */
	check_dump(" \n x \n\n y", "ident:x ident:y", "W spaces and newlines");
	check_dump("x\fy", "ident:x symbol:\f ident:y", "W form feed is no white space for Lean");
	/* else if curr == '-': if next == '-' then takeUntilFn (= '\n') >> whitespace */
	check_dump("a -- c /- d\nb", "ident:a comment:-- c /- d ident:b", "W -- to the newline, /- inside ignored");
	check_dump("a --", "ident:a comment:--", "W -- at the end of the input");
	check_dump("a ---/\nb", "ident:a comment:---/ ident:b", "W ---/ is a line comment");
	/* ... else s (a `-` token) */
	check_dump("a - b", "ident:a symbol:- ident:b", "W - alone is a token");
	check_dump("a -/ b", "ident:a symbol:- symbol:/ ident:b", "W -/ outside a comment is two tokens");
	/* else if curr == '/': if next == '-': third == '-' or '!' → doc-comment token */
	check_dump("/-- d -/ x", "doc:/-- d -/ ident:x", "W /-- doc comment");
	check_dump("/-! m -/ x", "doc:/-! m -/ ident:x", "W /-! module doc");
	check_dump("/--/ x -/ y", "doc:/--/ x -/ ident:y", "W /--/ opens a doc comment (commentBody after /--)");
	check_dump("/-!-/ y", "doc:/-!-/ ident:y", "W /-!-/ is a whole module doc");
	check_refused("/--/-/ #eval 1 -/", "unterminated comment", "1:0",
		      "W doc body /-/ nests: its first -/ is not the end");
	/* else finishCommentBlock 1 after `s.next input i`: the THIRD character is skipped */
	check_dump("/-/-/ x", "comment:/-/-/ ident:x", "W /-/-/ is one comment: the / after /- is skipped");
	check_dump("/-/-/ #eval 1 -/ -/",
		   "comment:/-/-/ symbol:# ident:eval number:1 symbol:- symbol:/ symbol:- symbol:/",
		   "W the #eval after /-/-/ is code, as Lean runs it");
	check_dump("/-\n-/ x", "comment:/-\n-/ ident:x", "W a newline as third character is skipped");
	check_dump("/-∀-/ x", "comment:/-∀-/ ident:x", "W a multi-byte third character is skipped whole");
	check_dump("/-x-/ y", "comment:/-x-/ ident:y", "W /-x-/");
	check_dump("/- /- -/ -/ y", "comment:/- /- -/ -/ ident:y", "W nested when a space follows /-");
	check_refused("/-", "unterminated comment", "1:0", "W /- at the end: no third character");
	check_refused("/-x", "unterminated comment", "1:0", "W /-x at the end");
	check_refused("/-/", "unterminated comment", "1:0", "W /-/ at the end");
	/* ... else s (a `/` token) */
	check_dump("a / b", "ident:a symbol:/ ident:b", "W / alone is a token");
	/* finishCommentBlock: atEnd → "unterminated comment" */
	check_refused("/- a", "unterminated comment", "1:0", "F atEnd");
	/* curr == '-': atEnd → eoi */
	check_refused("/- a -", "unterminated comment", "1:0", "F - at the end");
	/* "-/" with nesting == 1: the end */
	check_dump("/- a -/b", "comment:/- a -/ ident:b", "F -/ ends nesting 1");
	/* "-/" with nesting > 1: nesting - 1 */
	check_dump("/- /- a -/ b -/ c", "comment:/- /- a -/ b -/ ident:c", "F -/ closes one level");
	check_refused("/- /- a -/ b", "unterminated comment", "1:0", "F one level still open");
	/* '-' then another character: that character is read again */
	check_dump("/- --/ x", "comment:/- --/ ident:x", "F - then -/: the second - ends it");
	check_dump("/- -x -/ y", "comment:/- -x -/ ident:y", "F - then x");
	/* curr == '/': atEnd → eoi */
	check_refused("/- a /", "unterminated comment", "1:0", "F / at the end");
	/* "/-": nesting + 1 */
	check_refused("/- /- -/", "unterminated comment", "1:0", "F /- nests");
	check_dump("/- /-/ -/ -/ z", "comment:/- /-/ -/ -/ ident:z", "F /-/ inside: / - nests, / read on");
	/* '/' then another character: read again */
	check_dump("/- //- -/ -/ z", "comment:/- //- -/ -/ ident:z", "F / then /-: the second / nests");
	check_dump("/- a/b -/ z", "comment:/- a/b -/ ident:z", "F / then b");
	/* any other character */
	check_dump("/- ∀ \" ' « -/ z", "comment:/- ∀ \" ' « -/ ident:z",
		   "F quotes and guillemets mean nothing in a comment");
	check_refused("/- \x01\xff -/", "invalid UTF-8", "1:4", "F bytes no String holds");
}

/* Lean's whitespace at p as written in Basic.lean, recursion for recursion, on
 * a String (no tab, no lone CR: those are errors): where it stops, or (size_t)-1
 * on an error. An independent second reading of the same source. */
static size_t ref_finish(const char *s, size_t n, size_t i, size_t nesting)
{
	for (;;) {
		if (i >= n)
			return (size_t)-1;
		char curr = s[i++];
		if (curr == '-') {
			if (i >= n)
				return (size_t)-1;
			if (s[i] == '/') {
				if (nesting == 1)
					return i + 1;
				nesting--, i++;
			}
		} else if (curr == '/') {
			if (i >= n)
				return (size_t)-1;
			if (s[i] == '-')
				nesting++, i++;
		}
	}
}

static size_t ref_whitespace(const char *s, size_t n, size_t i)
{
	for (;;) {
		if (i >= n)
			return i;
		if (s[i] == '\t' || (s[i] == '\r' && (i + 1 >= n || s[i + 1] != '\n')))
			return (size_t)-1;
		if (s[i] == ' ' || s[i] == '\n' || s[i] == '\r') {
			i++;
		} else if (s[i] == '-' && i + 1 < n && s[i + 1] == '-') {
			while (i < n && s[i] != '\n')
				i++;
		} else if (s[i] == '/' && i + 1 < n && s[i + 1] == '-') {
			if (i + 2 < n && (s[i + 2] == '-' || s[i + 2] == '!'))
				return i;  /* a doc-comment token */
			if (i + 2 >= n)
				return (size_t)-1;
			/* s.next input i: one code point (UTF-8 lead byte decides) */
			unsigned char c = (unsigned char)s[i + 2];
			size_t len = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
			if ((i = ref_finish(s, n, i + 2 + len, 1)) == (size_t)-1)
				return i;
		} else {
			return i;
		}
	}
}

/* Every seed of the scanner's fuzz corpus (tests/fuzz/seeds/lean-scan): where
 * each token starts is where Lean's whitespace, read again by ref_whitespace
 * from the end of the previous token, stops; a scanner error at white space is
 * an error of the reference too. */
static void fuzz_seeds(void)
{
	const char *dir = "tests/fuzz/seeds/lean-scan";
	DIR *d = opendir(dir);
	struct dirent *de;
	int files = 0, agree = 0;
	if (!d) {
		ok(0, "open %s", dir);
		return;
	}
	while ((de = readdir(d))) {
		char *path, *src;
		size_t n, prev = 0, stop;
		struct lean_scanner s;
		struct lean_tok t;
		int good = 1;
		if (de->d_name[0] == '.')
			continue;
		path = xasprintf("%s/%s", dir, de->d_name);
		src = cs_read_file(path, &n);
		free(path);
		if (!src)
			continue;
		files++;
		lean_scan_init(&s, src, n);
		for (;;) {
			enum lean_tok_kind k = lean_scan_next(&s, &t);
			if (k == LEAN_TOK_COMMENT)
				continue;  /* white space to Lean: checked from the token before it */
			stop = ref_whitespace(src, n, prev);
			if (k == LEAN_TOK_ERROR) {
				const char *e = s.err ? s.err : "";
				/* an error in white space (a comment, a tab, a lone CR) is
				 * one for Lean too; a comment glued to a symbol is our
				 * refusal (the reading depends on the token table) */
				if (strstr(e, "ambiguous"))
					break;
				/* an unterminated doc comment: a token to Lean (commentBody) */
				if (stop == t.start && n - stop >= 3 &&
				    (!memcmp(src + stop, "/--", 3) || !memcmp(src + stop, "/-!", 3))) {
					if (ref_finish(src, n, stop + 3, 1) != (size_t)-1)
						good = 0, printf("# %s: doc comment at %zu: Lean ends it\n",
								 de->d_name, t.start);
					break;
				}
				if ((strstr(e, "comment") || strstr(e, "white space") || strstr(e, "carriage"))
					    ? stop != (size_t)-1 : stop != t.start)
					good = 0, printf("# %s: scanner error at %zu (%s), Lean's whitespace: %zd\n",
						       de->d_name, t.start, e, (ssize_t)stop);
				break;
			}
			if (stop != t.start) {
				good = 0;
				printf("# %s: token at %zu, Lean's whitespace stops at %zd\n", de->d_name, t.start,
				     (ssize_t)stop);
				break;
			}
			/* a doc comment: "/--" or "/-!" then commentBody (finishCommentBlock 1) */
			if (k == LEAN_TOK_DOC && ref_finish(src, n, t.start + 3, 1) != t.end) {
				good = 0;
				printf("# %s: doc comment at %zu ends at %zu, not where Lean ends it\n", de->d_name,
				     t.start, t.end);
				break;
			}
			if (k == LEAN_TOK_EOF)
				break;
			prev = t.end;
		}
		agree += good;
		free(src);
	}
	closedir(d);
	ok(files >= 20 && agree == files, "fuzz seeds: %d/%d read as Lean's whitespace reads them", agree, files);
}

int main(void)
{
	hand_cases();
	lean_rules();
	whitespace_branches();
	fuzz_seeds();
	ident_cases();
	repl_positions("have_by_sorry");
	repl_positions("dup_sorries");
	repl_positions("calc");
	repl_positions("line_breaks");
	repl_positions("Mathlib/test/on_goal");
	repl_positions("Mathlib/test/20240209");
	bulk();
	return done_testing();
}
