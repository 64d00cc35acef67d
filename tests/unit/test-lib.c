#include <stdlib.h>
#include <string.h>
#include "cs.h"
#include "tap.h"

int main(void)
{
	char hex[65];
	struct sbuf sb = SBUF_INIT;

	cs_sha256_hex("", 0, hex);
	is_str(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "sha256 of empty");
	cs_sha256_hex("abc", 3, hex);
	is_str(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "sha256 of abc");
	{
		char *m = xmalloc(1000000);
		memset(m, 'a', 1000000);
		cs_sha256_hex(m, 1000000, hex);
		is_str(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", "sha256 of a million a");
		free(m);
	}
	sbuf_adds(&sb, "ab");
	sbuf_addf(&sb, "%d-%s", 42, "x");
	sbuf_addch(&sb, '!');
	is_str(sbuf_str(&sb), "ab42-x!", "sbuf appends");
	is_int(sb.len, 7, "sbuf length");
	char *d = sbuf_detach(&sb);
	is_str(d, "ab42-x!", "detach hands the string over");
	ok(sb.buf == NULL && sb.len == 0, "detach empties");
	free(d);

	ok(cs_utf8_valid("h\xe2\x82\x83 \xe2\x84\x9d", 8, NULL), "utf8: subscript and ℝ");
	size_t bad = 0;
	ok(!cs_utf8_valid("ab\xff", 3, &bad) && bad == 2, "utf8: 0xff rejected at offset 2");
	ok(!cs_utf8_valid("ab\xe2\x82", 4, &bad) && bad == 2, "utf8: truncated sequence");
	ok(!cs_utf8_valid("a\0b", 3, &bad) && bad == 1, "utf8: NUL rejected");
	ok(!cs_utf8_valid("\xc0\xaf", 2, NULL), "utf8: overlong rejected");
	ok(!cs_utf8_valid("\xed\xa0\x80", 3, NULL), "utf8: surrogate rejected");

	setenv("CS_T_NUM", "12", 1);
	is_int(cs_env_long("CS_T_NUM", 3, 0, 100), 12, "env long");
	unsetenv("CS_T_NUM");
	is_int(cs_env_long("CS_T_NUM", 3, 0, 100), 3, "env long default");
	char *s = xasprintf("%s=%d", "a", 1);
	is_str(s, "a=1", "xasprintf");
	free(s);
	return done_testing();
}
