/* test-lean-scan: the Lean 4 lexical scanner (lean_io/lean_scan.h) on hand-made
 * cases and against the positions a real Lean REPL reported for `sorry` tokens
 * (tests/fixtures/repl). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "cs.h"
#include "lean_scan.h"
#include "tap.h"

#define FIXTURES "tests/fixtures/repl"

static const char *kind_name(enum lean_tok_kind k)
{
	static const char *const names[] = {
		"eof", "ident", "number", "string", "char", "comment", "doc", "symbol", "error",
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
	check_dump("/-- doc -/ /-! mod -/ /--/ x", "doc:/-- doc -/ doc:/-! mod -/ comment:/--/ ident:x",
		   "doc comments, module docs, the empty /--/");
	check_dump("a -- sorry \"x\nb", "ident:a comment:-- sorry \"x ident:b", "line comment ends at the newline");
	check_dump("s := \"sorry -- /- \\\" \" t", "ident:s symbol::= string:\"sorry -- /- \\\" \" ident:t",
		   "string with escaped quote, comment markers inside");
	check_dump("r\"a\\\" b r#\"x \" y\"# z", "string:r\"a\\\" ident:b string:r#\"x \" y\"# ident:z",
		   "raw strings: no escapes, hashes close");
	check_dump("h' x'' f'.2 'a' '\\n' '\\'' c", "ident:h' ident:x'' ident:f' symbol:. number:2 char:'a' "
		   "char:'\\n' char:'\\'' ident:c", "primes in identifiers vs char literals");
	check_dump("f '' s", "ident:f symbol:' symbol:' ident:s", "'' (set image) is no char literal");
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

	/* positions: lines, code point columns, tabs, CRLF, bol */
	{
		const char *src = "a\r\n\tb ∀x\r\n  /- c\r\n -/ sorry\n";
		t = nth(src, strlen(src), 1);
		ok(t.line == 2 && t.col == 1 && t.bol, "after CRLF and a tab: 2:1 bol (got %d:%d bol %d)",
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
	double t0;
	/* 20 MB of tokens */
	for (i = 0; i + 16 <= big; i += 16)
		memcpy(src + i, "h₁ := by simp\n ", 16);
	memset(src + i, ' ', big - i);
	src[big] = 0;
	t0 = cs_now();
	ok(lean_tokenize(src, big, 0, &v, &n, &why) == 0 && n == big / 16 * 4 + 1,
	   "20 MB, %zu tokens", n);
	free(v);
	/* 10 000 nested block comments, one unclosed then closed */
	for (i = 0; i < 10000; i++)
		memcpy(src + 2 * i, "/-", 2);
	for (i = 0; i < 10000; i++)
		memcpy(src + 20000 + 2 * i, "-/", 2);
	ok(lean_tokenize(src, 40000, 1, &v, &n, &why) == 0 && n == 2 && v[0].kind == LEAN_TOK_COMMENT,
	   "10 000 nested /- -/ are one comment");
	free(v);
	ok(lean_tokenize(src, 39998, 1, &v, &n, &why) == -1, "one -/ short: unterminated");
	free(why);
	ok(cs_now() - t0 < 10, "linear: %.2f s", cs_now() - t0);
	free(src);
}

int main(void)
{
	hand_cases();
	repl_positions("have_by_sorry");
	repl_positions("dup_sorries");
	repl_positions("calc");
	repl_positions("line_breaks");
	repl_positions("Mathlib/test/on_goal");
	repl_positions("Mathlib/test/20240209");
	bulk();
	return done_testing();
}
