#include <stdlib.h>
#include <string.h>
#include "conf.h"
#include "cs.h"
#include "tap.h"

/* Does c refuse value v? (its why freed) */
static int refuses(const struct cs_conf *c, const char *v)
{
	char *why = NULL;
	int rc = cs_conf_check(c, v, &why) == -1 && why;
	free(why);
	return rc;
}

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

	/* settings: the table's default, a value, "=NAME" defaults, checks */
	unsetenv("CS_SAMPLES");
	unsetenv("CS_E2E_SAMPLES");
	is_int(cs_conf_long("CS_SAMPLES"), 8, "conf: the table's default");
	setenv("CS_SAMPLES", "12", 1);
	is_int(cs_conf_long("CS_SAMPLES"), 12, "conf: a value");
	is_int(cs_conf_long("CS_E2E_SAMPLES"), 12, "conf: CS_E2E_SAMPLES defaults to CS_SAMPLES");
	unsetenv("CS_SAMPLES");
	is_int(cs_conf_long_or("CS_LEAN_JOBS", 7), 7, "conf: a computed default");
	{
		char *why = NULL;
		const struct cs_conf *c = cs_conf_find("CS_SAMPLES");
		ok(c && cs_conf_check(c, "x", &why) == -1 && why && !strcmp(why, "CS_SAMPLES=x: not an integer"),
		   "conf: a bad number named");
		free(why);
		ok(cs_conf_check(c, "0", &why) == -1 && strstr(why, "out of range [1, 4096]"), "conf: out of range");
		free(why);
		c = cs_conf_find("CS_EXTRACT");
		ok(cs_conf_check(c, "foo", &why) == -1 && !strcmp(why, "CS_EXTRACT=foo: not one of syntax,goals,auto"),
		   "conf: a choice not among them");
		free(why);
		setenv("CS_EXTRACT", "goals", 1);
		is_int(cs_conf_choice("CS_EXTRACT"), 1, "conf: the index of a choice");
		unsetenv("CS_EXTRACT");
		c = cs_conf_find("CS_PROVER_API_KEY");
		ok(cs_conf_check(c, "sk-1\nx", &why) == -1 && !strstr(why, "sk-1"), "conf: a secret is never shown");
		free(why);
	}
	{
		char *j;
		setenv("CS_PROVER_API_KEY", "sk-planted", 1);
		setenv("CS_SAMPLES", "3", 1);
		j = cs_conf_json(NULL);
		ok(!strstr(j, "sk-planted") && strstr(j, "\"CS_PROVER_API_KEY\":\"(set)\"") &&
		   strstr(j, "\"CS_SAMPLES\":3") && !strstr(j, "CS_RUN_ID"), "conf: effective JSON, secrets and internals out");
		free(j);
		unsetenv("CS_PROVER_API_KEY");
		unsetenv("CS_SAMPLES");
	}
	/* the nearest setting to a typo: one or two edits away (more for long names), else none */
	ok(cs_conf_nearest("CS_SAMPLE") && !strcmp(cs_conf_nearest("CS_SAMPLE"), "CS_SAMPLES"),
	   "conf: CS_SAMPLE is nearest CS_SAMPLES");
	ok(cs_conf_nearest("CS_SAMPLEZ") && !strcmp(cs_conf_nearest("CS_SAMPLEZ"), "CS_SAMPLES"),
	   "conf: a substitution");
	ok(cs_conf_nearest("CS_LEAN_TIMOUT") && !strcmp(cs_conf_nearest("CS_LEAN_TIMOUT"), "CS_LEAN_TIMEOUT"),
	   "conf: a deletion");
	ok(cs_conf_nearest("CS_DECOMPSER_MODLE") && !strcmp(cs_conf_nearest("CS_DECOMPSER_MODLE"), "CS_DECOMPOSER_MODEL"),
	   "conf: three edits in a long name");
	ok(!cs_conf_nearest("CS_FOO") && !cs_conf_nearest("CS_TYPO") && !cs_conf_nearest(""),
	   "conf: nothing near");
	{ /* issue 21: prices and lists of URLs */
		const struct cs_conf *c = cs_conf_find("CS_PROVER_PRICE");
		double pr[3];
		char *why = NULL;
		ok(c && cs_conf_check(c, "0.5 2", &why) == 0 && cs_conf_check(c, " 0.27\t1.10 0.07 ", &why) == 0,
		   "conf: a price of two or three numbers");
		ok(cs_conf_check(c, "0.5", &why) == -1 && strstr(why, "1 number; want IN OUT [CACHED]"),
		   "conf: a price of one number refused");
		free(why);
		ok(refuses(c, "1 2 3 4") && refuses(c, "1 -2") && refuses(c, "1 2x") && refuses(c, "1,2"),
		   "conf: four numbers, a negative, a stray letter, a comma refused");
		ok(cs_conf_price("CS_PROVER_PRICE", pr) == 0 && pr[0] == 0, "conf: no price");
		setenv("CS_PROVER_PRICE", "0.5 2", 1);
		ok(cs_conf_price("CS_PROVER_PRICE", pr) == 1 && pr[0] == 0.5 && pr[1] == 2 && pr[2] == 0.5,
		   "conf: CACHED defaults to IN");
		setenv("CS_PROVER_PRICE", "0.27 1.1 0.07", 1);
		ok(cs_conf_price("CS_PROVER_PRICE", pr) == 1 && pr[0] == 0.27 && pr[1] == 1.1 && pr[2] == 0.07,
		   "conf: IN OUT CACHED");
		unsetenv("CS_PROVER_PRICE");
		c = cs_conf_find("CS_LEAN_URL");
		ok(cs_conf_check(c, "http://a:8000", &why) == 0 &&
		   cs_conf_check(c, "http://a:8000#16, https://b/ \n http://c#1", &why) == 0,
		   "conf: CS_LEAN_URL, one or several, with #JOBS");
		ok(cs_conf_check(c, "http://a, ftp://b", &why) == -1 && strstr(why, "`ftp://b` is not an http"),
		   "conf: CS_LEAN_URL names the bad entry");
		free(why);
		ok(cs_conf_check(c, "http://a#0", &why) == -1 && strstr(why, "#JOBS"), "conf: CS_LEAN_URL #0 refused");
		free(why);
		ok(refuses(c, "http://a#x") && refuses(c, "http://a#2x") && refuses(c, " , "),
		   "conf: CS_LEAN_URL #JOBS not a number, or no URL, refused");
	}
	char *s = xasprintf("%s=%d", "a", 1);
	is_str(s, "a=1", "xasprintf");
	free(s);
	return done_testing();
}
