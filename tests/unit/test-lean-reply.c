/* test-lean-reply: every reply a real Lean gave in tests/fixtures/repl parses, and
 * its verdict is the one written down by reading it (the table below) and the one
 * derived independently from the raw JSON; a handful checked field by field; the
 * stream scanner, the axiom audit and messages_json. */
#include <ftw.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cs.h"
#include "lean_repl.h"
#include "tap.h"

#define FIXTURES "tests/fixtures/repl"

/* Replies of a transcript by the scanner, fed in pieces of `step` bytes. */
static int split(const char *text, size_t len, size_t step, size_t starts[], size_t ends[], int max)
{
	struct lean_json_scan s = { 0 };
	size_t base = 0, avail = 0, end;
	int n = 0;
	while (avail < len || base < len) {
		int rc;
		avail = avail + step > len ? len : avail + step;
		while ((rc = lean_json_scan_feed(&s, text + base, avail - base, &end)) == 1) {
			size_t st = base;
			while (strchr(" \n\r\t", text[st]))
				st++;
			if (n < max) {
				starts[n] = st;
				ends[n] = base + end;
			}
			n++;
			base += end;
			lean_json_scan_reset(&s);
		}
		if (rc < 0)
			return -1;
		if (avail == len) {
			/* only whitespace may remain */
			for (size_t i = base; i < len; i++)
				if (!strchr(" \n\r\t", text[i]))
					return -1;
			break;
		}
	}
	return n;
}

/* Independent verdict from the raw JSON, as the REPL's README defines it. */
static enum lean_verdict raw_verdict(json_t *o)
{
	json_t *msgs = json_object_get(o, "messages"), *m;
	size_t i;
	int sorry = json_array_size(json_object_get(o, "sorries")) > 0;
	if (json_object_get(o, "message"))
		return LEAN_FAIL;
	json_array_foreach(msgs, i, m) {
		const char *sev = json_string_value(json_object_get(m, "severity"));
		const char *data = json_string_value(json_object_get(m, "data"));
		if (!strcmp(sev, "error"))
			return LEAN_FAIL;
		if (!strcmp(sev, "warning") && strstr(data, "declaration uses") && strstr(data, "sorry"))
			sorry = 1;
	}
	return sorry ? LEAN_SORRY : LEAN_PASS;
}

/* The verdict of every reply of every transcript, written down by reading the
 * replies (P pass, S sorry, F fail): an "error" message or a REPL refusal
 * ({"message": ...}, e.g. "Lean error: ...", "Unknown environment.") fails; else a
 * sorry in "sorries" or a "declaration uses `sorry`" warning is a sorry; infos,
 * other warnings ("Variable name `h` is not exp..."), "Try this" suggestions and
 * tactic-mode replies (proofState + goals, no sorry) pass. */
static struct {
	const char *name, *verdicts;
	int seen;
} expected[] = {
	{ "all_tactics-20250622", "PP", 0 },
	{ "all_tactics", "P", 0 },
	{ "app_type_mismatch", "FSPPP", 0 },      /* kernel error; sorry; tactic steps */
	{ "app_type_mismatch2", "FSPPPSF", 0 },   /* ... a tactic sorry; "Lean error: Tactic `apply` failed" */
	{ "assumption_proof", "SP", 0 },
	{ "by_cases", "SPPS", 0 },                /* the last: two tactic-mode sorries */
	{ "calc", "S", 0 },
	{ "def_eval", "PP", 0 },                  /* #check info passes */
	{ "dup_msg", "PPF", 0 },                  /* Unknown identifier `g` */
	{ "dup_sorries", "SS", 0 },
	{ "file", "P", 0 },
	{ "file2", "P", 0 },
	{ "file_env", "PPP", 0 },
	{ "have_by_sorry", "FSS", 0 },            /* unsolved goals beside a sorry: fail */
	{ "import_lean", "P", 0 },
	{ "incomplete", "FF", 0 },
	{ "infotree", "P", 0 },                   /* a linter warning only */
	{ "infotree_theorem", "P", 0 },
	{ "invalid_line_break", "FF", 0 },
	{ "invalid_tactic", "SF", 0 },
	{ "line_breaks", "FSP", 0 },
	{ "name_generator", "SSPPPPPFF", 0 },
	{ "no_goal_sorry", "F", 0 },
	{ "no_goal_sorry_2", "F", 0 },            /* No goals to be solved, with a sorry */
	{ "options", "PPP", 0 },
	{ "pickle_environment", "PPPP", 0 },
	{ "pickle_environment_with_imports", "PPPPP", 0 },
	{ "pickle_open", "PPPP", 0 },
	{ "pickle_open_2", "PP", 0 },
	{ "pickle_open_scoped", "PPSP", 0 },
	{ "pickle_open_scoped_2", "PS", 0 },
	{ "pickle_proof_state_1", "PSPPPPPP", 0 },
	{ "pickle_proof_state_2", "PP", 0 },
	{ "pickle_proof_state_env", "PSPPPPPP", 0 },
	{ "proof_branching", "SPPPP", 0 },
	{ "proof_branching2", "SPPPPPP", 0 },
	{ "proof_step", "SPPP", 0 },
	{ "proof_transitivity", "SPSP", 0 },
	{ "readme", "SPP", 0 },
	{ "root_goals", "SPP", 0 },               /* "Try this" info beside two sorries */
	{ "self_proof_apply_check", "FSP", 0 },   /* fail to show termination */
	{ "self_proof_check", "FSFSFSFSF", 0 },   /* exact? could not close the goal, four times */
	{ "self_proof_exact_check", "FSP", 0 },
	{ "self_proof_rw", "FSP", 0 },
	{ "sorry_hypotheses", "SS", 0 },
	{ "synthesize_placeholder", "F", 0 },
	{ "tactic_mode_sorry", "SS", 0 },
	{ "tactic_sorry", "S", 0 },
	{ "term_sorry", "S", 0 },
	{ "trace_simp", "PPPPSPPP", 0 },          /* simp traces are infos */
	{ "unfinished_tactic_block", "F", 0 },
	{ "unknown_environment", "F", 0 },
	{ "unknown_proof_state", "SF", 0 },
	{ "unknown_tactic", "SF", 0 },
	{ "variables", "PPS", 0 },
	{ "Mathlib/test/20240209", "SF", 0 },
	{ "Mathlib/test/H20231020", "PPPP", 0 },
	{ "Mathlib/test/H20231110", "PP", 0 },
	{ "Mathlib/test/H20231115", "PSP", 0 },
	{ "Mathlib/test/H20231115_2", "PS", 0 },
	{ "Mathlib/test/H20231115_3", "PF", 0 },
	{ "Mathlib/test/H20231215", "PP", 0 },
	{ "Mathlib/test/H20231215_2", "PS", 0 },
	{ "Mathlib/test/exact", "PSPSF", 0 },
	{ "Mathlib/test/file_env", "PSP", 0 },
	{ "Mathlib/test/induction", "PSPPS", 0 },
	{ "Mathlib/test/line_breaks", "PS", 0 },
	{ "Mathlib/test/on_goal", "PSS", 0 },
	{ "Mathlib/test/pickle", "PSP", 0 },
	{ "Mathlib/test/pickle_2", "PP", 0 },
	{ "Mathlib/test/placeholder_synthesis", "PFSPP", 0 },
};

/* The expected verdicts of a transcript (path under FIXTURES), or NULL. */
static const char *expected_verdicts(const char *path)
{
	size_t skip = strlen(FIXTURES) + 1, n = strlen(path) - 13 - skip;
	for (size_t i = 0; i < CS_ARRAY_SIZE(expected); i++)
		if (strlen(expected[i].name) == n && !strncmp(path + skip, expected[i].name, n)) {
			expected[i].seen = 1;
			return expected[i].verdicts;
		}
	return NULL;
}

static struct {
	int files, replies, parsed, agree, same_split, fields_ok, roundtrip;
	int as_read, tabled;
	int verdicts[5];
	size_t nmsg, nsorry;
} tally;

static int visit(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	static size_t starts[512], ends[512], starts7[512], ends7[512];
	size_t len, blank_chunks = 0;
	char *text;
	int n, n7;
	(void)st;
	(void)ftw;
	if (flag != FTW_F || strlen(path) < 13 || strcmp(path + strlen(path) - 13, ".expected.out"))
		return 0;
	tally.files++;
	text = cs_read_file(path, &len);
	if (!text) {
		ok(0, "read %s", path);
		return 0;
	}
	n = split(text, len, len, starts, ends, 512);
	n7 = split(text, len, 7, starts7, ends7, 512);
	/* The REPL separates replies by blank lines: count the chunks that way too. */
	for (const char *p = text; *p;) {
		const char *q = strstr(p, "\n\n");
		const char *e = q ? q : p + strlen(p);
		for (const char *c = p; c < e; c++)
			if (!strchr(" \n\r\t", *c)) {
				blank_chunks++;
				break;
			}
		p = q ? q + 2 : e;
	}
	const char *want_all = expected_verdicts(path);
	if (want_all && strlen(want_all) == (size_t)n)
		tally.tabled++;
	else
		ok(0, "%s: %d replies, the table has %s", path, n, want_all ? want_all : "nothing");
	if (n > 0 && n == n7 && (size_t)n == blank_chunks && !memcmp(ends, ends7, (size_t)n * sizeof *ends))
		tally.same_split++;
	else
		ok(0, "%s: %d replies at once, %d in 7-byte pieces, %zu blank-line chunks", path, n, n7, blank_chunks);
	for (int i = 0; i < n && i < 512; i++) {
		struct lean_reply r;
		char *why = NULL;
		json_error_t jerr;
		json_t *o = json_loadb(text + starts[i], ends[i] - starts[i], 0, &jerr);
		tally.replies++;
		if (!o) {
			ok(0, "%s reply %d is JSON: %s", path, i, jerr.text);
			continue;
		}
		if (lean_reply_parse(text + starts[i], ends[i] - starts[i], &r, &why)) {
			ok(0, "%s reply %d parses: %s", path, i, why);
			free(why);
			json_decref(o);
			continue;
		}
		tally.parsed++;
		enum lean_verdict v = lean_reply_verdict(&r), want = raw_verdict(o);
		if (v == want)
			tally.agree++;
		else
			ok(0, "%s reply %d: verdict %s, independently %s", path, i, lean_verdict_name(v),
			   lean_verdict_name(want));
		if (want_all && (size_t)i < strlen(want_all) && "PSF"[v] == want_all[i])
			tally.as_read++;
		else if (want_all && (size_t)i < strlen(want_all))
			ok(0, "%s reply %d: verdict %s, read as %c", path, i, lean_verdict_name(v), want_all[i]);
		tally.verdicts[v]++;
		tally.nmsg += r.nmsg;
		tally.nsorry += r.nsorry;
		{
			json_t *env = json_object_get(o, "env"), *ps = json_object_get(o, "proofState");
			int fields = r.nmsg == json_array_size(json_object_get(o, "messages")) &&
				     r.nsorry == json_array_size(json_object_get(o, "sorries")) &&
				     r.ngoals == json_array_size(json_object_get(o, "goals")) &&
				     r.env == (env ? (long)json_integer_value(env) : -1) &&
				     r.proof_state == (ps ? (long)json_integer_value(ps) : -1) &&
				     (r.error != NULL) == (json_object_get(o, "message") != NULL);
			for (size_t k = 0; fields && k < r.nsorry; k++) {
				json_t *s = json_array_get(json_object_get(o, "sorries"), k);
				fields = !strcmp(r.sorries[k].goal, json_string_value(json_object_get(s, "goal")));
			}
			if (fields)
				tally.fields_ok++;
			else
				ok(0, "%s reply %d: fields differ from the raw JSON", path, i);
		}
		{
			char *mj = lean_reply_messages_json(&r, 0);
			json_t *back = json_loads(mj, 0, NULL), *orig = json_object_get(o, "messages");
			if (orig ? json_equal(back, orig) : json_array_size(back) == 0)
				tally.roundtrip++;
			else
				ok(0, "%s reply %d: messages_json differs from the original messages", path, i);
			json_decref(back);
			free(mj);
		}
		lean_reply_release(&r);
		json_decref(o);
	}
	free(text);
	return 0;
}

/* Reply number k of a fixture, parsed. */
static int fixture_reply(const char *name, int k, struct lean_reply *r)
{
	static size_t starts[512], ends[512];
	char *path = xasprintf("%s/%s.expected.out", FIXTURES, name), *why = NULL;
	size_t len;
	char *text = cs_read_file(path, &len);
	int n, rc = -1;
	free(path);
	if (!text)
		return -1;
	n = split(text, len, len, starts, ends, 512);
	if (k < n)
		rc = lean_reply_parse(text + starts[k], ends[k] - starts[k], r, &why);
	free(why);
	free(text);
	return rc;
}

static void hand_checked(void)
{
	struct lean_reply r;
	char *s;

	ok(fixture_reply("readme", 0, &r) == 0, "readme reply 0 parses");
	is_int(lean_reply_verdict(&r), LEAN_SORRY, "readme 0: sorry");
	is_int(r.env, 0, "readme 0: env 0");
	is_int(r.nsorry, 1, "readme 0: one sorry");
	is_int(r.sorries[0].line, 1, "readme 0: sorry line");
	is_int(r.sorries[0].col, 29, "readme 0: sorry column");
	is_int(r.sorries[0].end_col, 34, "readme 0: sorry end column");
	is_int(r.sorries[0].proof_state, 0, "readme 0: proof state");
	is_str(r.sorries[0].goal, "x : Unit\n⊢ Nat", "readme 0: goal");
	is_str(r.msgs[0].severity, "warning", "readme 0: warning");
	is_str(r.msgs[0].data, "declaration uses `sorry`", "readme 0: warning text");
	is_int(r.msgs[0].col, 4, "readme 0: warning column");
	s = lean_reply_why(&r);
	is_str(s, "1 sorry", "readme 0: why");
	free(s);
	lean_reply_release(&r);

	ok(fixture_reply("readme", 1, &r) == 0, "readme reply 1 parses");
	is_int(r.proof_state, 1, "readme 1: tactic mode proof state");
	is_int(r.ngoals, 1, "readme 1: one goal");
	is_str(r.goals[0], "x : Unit\n⊢ Int", "readme 1: goal");
	is_int(r.env, -1, "readme 1: no env");
	lean_reply_release(&r);

	ok(fixture_reply("readme", 2, &r) == 0, "readme reply 2 parses");
	is_int(lean_reply_verdict(&r), LEAN_PASS, "readme 2: completed");
	is_int(r.ngoals, 0, "readme 2: no goals");
	lean_reply_release(&r);

	ok(fixture_reply("unknown_environment", 0, &r) == 0, "unknown_environment parses");
	is_int(lean_reply_verdict(&r), LEAN_FAIL, "unknown environment: fail");
	is_str(r.error, "Unknown environment.", "unknown environment: the REPL's message");
	s = lean_reply_why(&r);
	is_str(s, "REPL: Unknown environment.", "unknown environment: why");
	free(s);
	lean_reply_release(&r);

	ok(fixture_reply("app_type_mismatch", 0, &r) == 0, "app_type_mismatch parses");
	is_int(lean_reply_verdict(&r), LEAN_FAIL, "kernel error: fail");
	s = lean_reply_why(&r);
	is_str(s, "1:0: (kernel) declaration has metavariables '_example'", "kernel error: why");
	free(s);
	lean_reply_release(&r);

	ok(fixture_reply("app_type_mismatch", 2, &r) == 0, "app_type_mismatch reply 2 parses");
	is_int(r.ngoals, 2, "two goals after cases");
	is_str(r.goals[1], "case succ\nn✝ : Nat\n⊢ n✝ + 1 = 0", "second goal");
	lean_reply_release(&r);

	ok(fixture_reply("def_eval", 1, &r) == 0, "def_eval reply 1 parses");
	is_int(lean_reply_verdict(&r), LEAN_PASS, "#check: an info message passes");
	s = lean_reply_info_string(&r);
	is_str(s, "rfl : f = f", "info string");
	free(s);
	lean_reply_release(&r);

	ok(fixture_reply("sorry_hypotheses", 1, &r) == 0, "sorry_hypotheses reply 1 parses");
	is_int(r.nsorry, 1, "tactic-mode sorry");
	is_int(r.sorries[0].line, -1, "tactic-mode sorry has no position");
	is_str(r.sorries[0].goal, "x : Int\n⊢ x = 1", "tactic-mode sorry goal");
	lean_reply_release(&r);

	ok(fixture_reply("Mathlib/test/H20231110", 0, &r) == 0, "Mathlib header reply parses");
	is_int(r.env, 0, "header: env 0");
	is_int(lean_reply_verdict(&r), LEAN_PASS, "header: pass");
	lean_reply_release(&r);
}

/* The verdict of a reply, or -1 when it does not parse. */
static int verdict_of(const char *json)
{
	struct lean_reply r;
	char *why = NULL;
	int v;
	if (lean_reply_parse(json, strlen(json), &r, &why)) {
		ok(why && *why, "refusal says why: %s", why ? why : "(null)");
		free(why);
		return -1;
	}
	v = (int)lean_reply_verdict(&r);
	lean_reply_release(&r);
	return v;
}

static void synthetic(void)
{
	struct lean_reply r;
	char *why = NULL;
	const char *s;
	char *mj;
	is_int(verdict_of("{\"messages\":[{\"severity\":\"warning\",\"pos\":{\"line\":1,\"column\":8},"
			  "\"endPos\":null,\"data\":\"declaration uses 'sorry'\"}],\"env\":3}"),
	       LEAN_SORRY, "warning with straight quotes, no sorries list: sorry");
	is_int(verdict_of("{\"messages\":[{\"severity\":\"warning\",\"pos\":{\"line\":1,\"column\":8},"
			  "\"endPos\":null,\"data\":\"unused variable `h`\"}],\"env\":3}"),
	       LEAN_PASS, "another warning: pass");
	is_int(verdict_of("{\"sorries\":[{\"pos\":{\"line\":2,\"column\":2},\"endPos\":{\"line\":2,\"column\":7},"
			  "\"goal\":\"⊢ True\"}],\"messages\":[{\"severity\":\"error\",\"pos\":{\"line\":3,\"column\":0},"
			  "\"endPos\":null,\"data\":\"unsolved goals\"}],\"env\":1}"),
	       LEAN_FAIL, "an error beats sorries");
	is_int(verdict_of("{\"env\": 7, \"future\": {\"x\": [1, 2]}}"), LEAN_PASS, "unknown fields are ignored");
	is_int(verdict_of("not json"), -1, "not JSON: refused");
	is_int(verdict_of("[1, 2]"), -1, "not an object: refused");
	is_int(verdict_of("{\"messages\": 3}"), -1, "messages not an array: refused");
	is_int(verdict_of("{\"messages\": [{\"data\": \"x\"}]}"), -1, "message without severity: refused");
	is_int(verdict_of("{\"env\": \"zero\"}"), -1, "env not a number: refused");

	s = "{\"messages\":[{\"severity\":\"info\",\"pos\":{\"line\":1,\"column\":0},"
	    "\"endPos\":null,\"data\":\"ab\\u00e9\\u00e9\\u00e9\"}]}";
	ok(lean_reply_parse(s, strlen(s), &r, &why) == 0, "parse a message for cutting");
	is_int(r.msgs[0].end_line, -1, "endPos null: -1");
	mj = lean_reply_messages_json(&r, 4);
	ok(strstr(mj, "\"data\":\"ab\xc3\xa9\\n… [4 more bytes cut by coldstart]\"") != NULL,
	   "messages_json cuts at a UTF-8 boundary: %s", mj);
	ok(strstr(mj, "\"endPos\":null") != NULL, "messages_json keeps a null endPos");
	free(mj);
	lean_reply_release(&r);
	lean_reply_release(&r); /* twice is harmless */

	/* axiom audit */
	{
		static const struct {
			const char *json, *why;
			int rc;
		} cases[] = {
			{ "{\"messages\":[{\"severity\":\"info\",\"pos\":{\"line\":1,\"column\":0},\"endPos\":null,"
			  "\"data\":\"'t' depends on axioms: [propext, Classical.choice, Quot.sound]\"}],\"env\":2}", NULL, 0 },
			{ "{\"messages\":[{\"severity\":\"info\",\"pos\":{\"line\":1,\"column\":0},\"endPos\":null,"
			  "\"data\":\"'t' does not depend on any axioms\"}],\"env\":2}", NULL, 0 },
			{ "{\"messages\":[{\"severity\":\"info\",\"pos\":{\"line\":1,\"column\":0},\"endPos\":null,"
			  "\"data\":\"'t' depends on axioms: [propext,\\n sorryAx]\"}],\"env\":2}",
			  "axiom audit: t depends on axiom sorryAx", -1 },
			{ "{\"messages\":[{\"severity\":\"info\",\"pos\":{\"line\":1,\"column\":0},\"endPos\":null,"
			  "\"data\":\"'t' depends on axioms: [Classical.choice, cheat]\"}],\"env\":2}",
			  "axiom audit: t depends on axiom cheat", -1 },
			{ "{\"messages\":[{\"severity\":\"error\",\"pos\":{\"line\":1,\"column\":15},\"endPos\":null,"
			  "\"data\":\"unknown constant 't'\"}],\"env\":2}", "axiom audit of t: unknown constant 't'", -1 },
			{ "{\"env\":2}", "axiom audit of t: no answer to #print axioms understood", -1 },
			/* exactly one message, at the #print token, naming exactly t, read whole */
			{ "{\"messages\":[{\"severity\":\"info\",\"pos\":{\"line\":1,\"column\":0},\"endPos\":null,"
			  "\"data\":\"'t' does not depend on any axioms\"},{\"severity\":\"info\",\"pos\":{\"line\":1,\"column\":0},"
			  "\"endPos\":null,\"data\":\"'t' does not depend on any axioms\"}]}",
			  "axiom audit of t: 2 answers to one #print axioms", -1 },
			{ "{\"messages\":[{\"severity\":\"info\",\"pos\":{\"line\":1,\"column\":4},\"endPos\":null,"
			  "\"data\":\"'t' does not depend on any axioms\"}]}",
			  "axiom audit of t: the answer is not #print axioms' (info at 1:4)", -1 },
			{ "{\"messages\":[{\"severity\":\"info\",\"pos\":{\"line\":1,\"column\":0},\"endPos\":null,"
			  "\"data\":\"'u' does not depend on any axioms\"}]}",
			  "axiom audit of t: no answer to #print axioms understood", -1 },
			{ "{\"messages\":[{\"severity\":\"info\",\"pos\":{\"line\":1,\"column\":0},\"endPos\":null,"
			  "\"data\":\"'t' does not depend on any axioms, really\"}]}",
			  "axiom audit of t: no answer to #print axioms understood", -1 },
			{ "{\"messages\":[{\"severity\":\"info\",\"pos\":{\"line\":1,\"column\":0},\"endPos\":null,"
			  "\"data\":\"'t' depends on axioms: [propext,\\n Classical.choice,\\n Quot.sound]\"}]}", NULL, 0 },
			{ "{\"messages\":[{\"severity\":\"info\",\"pos\":{\"line\":1,\"column\":0},\"endPos\":null,"
			  "\"data\":\"'t' depends on axioms: [propext, «Classical.choice»]\"}]}",
			  "axiom audit: t depends on axiom «Classical.choice»", -1 },
			{ "{\"messages\":[{\"severity\":\"info\",\"pos\":{\"line\":1,\"column\":0},\"endPos\":null,"
			  "\"data\":\"'t' depends on axioms: [propext,  Quot.sound]\"}]}",
			  "axiom audit of t: the axiom list cannot be read one way only: [propext,  Quot.sound]", -1 },
			{ "{\"messages\":[{\"severity\":\"info\",\"pos\":{\"line\":1,\"column\":0},\"endPos\":null,"
			  "\"data\":\"'t' depends on axioms: [propext] [sorryAx]\"}]}",
			  "axiom audit of t: the axiom list cannot be read one way only: [propext] [sorryAx]", -1 },
		};
		for (size_t i = 0; i < CS_ARRAY_SIZE(cases); i++) {
			ok(lean_reply_parse(cases[i].json, strlen(cases[i].json), &r, &why) == 0, "audit case %zu parses", i);
			is_int(lean_reply_axioms_ok(&r, "t", 0, NULL, 1, 0, &why), cases[i].rc, "audit case %zu", i);
			is_str(why, cases[i].why, "audit case %zu: why", i);
			free(why);
			why = NULL;
			lean_reply_release(&r);
		}
	}

	/* the stream scanner */
	{
		struct lean_json_scan sc = { 0 };
		size_t end = 0;
		const char *t1 = "\n\n {\"a\": \"}{\\\"\", \"b\": [{}]}\n\n{\"c\":1}";
		is_int(lean_json_scan_feed(&sc, t1, strlen(t1), &end), 1, "braces and quotes inside strings");
		is_int(end, 27, "object ends after its brace");
		lean_json_scan_reset(&sc);
		is_int(lean_json_scan_feed(&sc, t1 + end, strlen(t1 + end), &end), 1, "the next object");
		lean_json_scan_reset(&sc);
		is_int(lean_json_scan_feed(&sc, "Error: oops\n\n", 13, &end), -1, "text before '{' is not JSON");
		lean_json_scan_reset(&sc);
		is_int(lean_json_scan_feed(&sc, "{\"a\": \"\n\nstill a string", 23, &end), 0,
		       "a blank line inside a string does not end the reply");
		is_int(lean_json_scan_feed(&sc, "{\"a\": \"\n\nstill a string\"}", 25, &end), 1, "until the brace");
		lean_json_scan_reset(&sc);
		is_int(lean_json_scan_feed(&sc, "{]", 2, &end), -1, "unbalanced bracket");
	}
}

/* native_decide's axioms: refused unless CS_ALLOW_NATIVE_DECIDE. */
static void native_axioms(void)
{
	static const char *const lists[] = {
		"[propext, Lean.ofReduceBool]", "[Lean.ofReduceBool, Lean.trustCompiler]",
		"[propext, t._native.native_decide.ax_1_1]",
	};
	for (size_t i = 0; i < CS_ARRAY_SIZE(lists); i++) {
		char *json = xasprintf("{\"messages\":[{\"severity\":\"info\",\"pos\":{\"line\":1,\"column\":0},"
				       "\"endPos\":null,\"data\":\"'t' depends on axioms: %s\"}],\"env\":2}", lists[i]);
		struct lean_reply r;
		char *why = NULL;
		ok(lean_reply_parse(json, strlen(json), &r, &why) == 0, "native case %zu parses", i);
		is_int(lean_reply_axioms_ok(&r, "t", 0, NULL, 1, 0, &why), -1, "native case %zu refused by default", i);
		ok(why && strstr(why, "depends on axiom "), "native case %zu: why %s", i, why ? why : "");
		free(why);
		why = NULL;
		is_int(lean_reply_axioms_ok(&r, "t", 1, NULL, 1, 0, &why), 0, "native case %zu admitted with native_decide", i);
		free(why);
		lean_reply_release(&r);
		free(json);
	}
	{
		const char *json = "{\"messages\":[{\"severity\":\"info\",\"pos\":{\"line\":1,\"column\":0},"
				   "\"endPos\":null,\"data\":\"'t' depends on axioms: [Lean.ofReduceBool, sorryAx]\"}]}";
		struct lean_reply r;
		char *why = NULL;
		ok(lean_reply_parse(json, strlen(json), &r, &why) == 0, "native and sorryAx parses");
		is_int(lean_reply_axioms_ok(&r, "t", 1, NULL, 1, 0, &why), -1, "sorryAx stays refused with native_decide");
		is_str(why, "axiom audit: t depends on axiom sorryAx", "naming sorryAx");
		free(why);
		lean_reply_release(&r);
	}
}

/* Versions as Lean.versionString prints them (src/Init/Meta.lean), and what is not one. */
static void versions(void)
{
	static const struct { const char *s; int lean; } cases[] = {
		{ "4.9.0-rc2", 1 }, { "4.15.0", 1 }, { "4.22.0-nightly-2025-07-01", 1 },
		{ "4.3.0, commit 8e5cc6a2ba7cbd4fa6b8a9dc2bac2e8cefc3ddcc", 1 }, { "4.0.0-m5", 1 },
		{ "coldstart-test-double 0", 0 }, { "", 0 }, { "4.9", 0 }, { "4.9.0-", 0 },
		{ "4.9.0 ", 0 }, { "v4.9.0", 0 }, { "4.9.0, commit ", 0 }, { "4.9.0, commit XYZ", 0 },
		{ "Lean (version 4.9.0)", 0 }, { "4.9.0-rc2 more", 0 },
	};
	for (size_t i = 0; i < CS_ARRAY_SIZE(cases); i++)
		is_int(lean_is_lean_version(cases[i].s), cases[i].lean, "version \"%s\"", cases[i].s);
	is_int(lean_is_lean_version(NULL), 0, "no version");
}

/* One reply of several commands given back to its parts by line. */
static void move_lines(void)
{
	const char *json =
		"{\"sorries\":[{\"proofState\":0,\"pos\":{\"line\":3,\"column\":2},\"goal\":\"⊢ True\","
		"\"endPos\":{\"line\":3,\"column\":7}}],\"messages\":["
		"{\"severity\":\"warning\",\"pos\":{\"line\":1,\"column\":0},\"endPos\":{\"line\":1,\"column\":7},"
		"\"data\":\"declaration uses 'sorry'\"},"
		"{\"severity\":\"error\",\"pos\":{\"line\":6,\"column\":0},\"endPos\":null,\"data\":\"type mismatch\"},"
		"{\"severity\":\"info\",\"pos\":{\"line\":7,\"column\":0},\"endPos\":{\"line\":7,\"column\":6},"
		"\"data\":\"'t' depends on axioms: [propext]\"}],\"env\":4}";
	struct lean_reply r, first = { 0 }, tail = { 0 };
	char *why = NULL;
	ok(lean_reply_parse(json, strlen(json), &r, &why) == 0, "a reply of three parts parses");
	free(why);
	lean_reply_move_lines(&r, 1, 2, 0, NULL);
	is_int(r.nmsg, 2, "lines 1-2 dropped: their warning is gone");
	lean_reply_move_lines(&r, 3, 4, 2, &first);
	is_int(first.nsorry, 1, "the sorry of lines 3-4 moved");
	is_int(first.sorries[0].line, 1, "renumbered from the part's first line");
	is_int(first.sorries[0].end_line, 1, "its end too");
	is_int(r.nsorry, 0, "and gone from the rest");
	lean_reply_move_lines(&r, 6, 1000, 5, &tail);
	is_int(tail.nmsg, 2, "lines 6 on: two messages");
	is_int(tail.msgs[0].line, 1, "the error on the tail's line 1");
	is_int(tail.msgs[0].end_line, -1, "an absent end stays absent");
	is_int(tail.msgs[1].line, 2, "the axioms on its line 2");
	is_int(r.nmsg, 0, "nothing left");
	is_int(r.env, 4, "env untouched");
	lean_reply_release(&r);
	lean_reply_release(&first);
	lean_reply_release(&tail);
}

int main(void)
{
	int rc = nftw(FIXTURES, visit, 16, FTW_PHYS);
	ok(rc == 0, "walked %s", FIXTURES);
	/* Figures counted by hand with an independent script (python json) over the fixtures. */
	is_int(tally.files, 71, "transcripts");
	is_int(tally.replies, 217, "replies in all transcripts");
	is_int(tally.parsed, tally.replies, "every reply parses");
	is_int(tally.agree, tally.parsed, "every verdict agrees with the independent one");
	is_int(tally.tabled, tally.files, "the table of verdicts read by hand covers every transcript");
	is_int(tally.as_read, tally.parsed, "every verdict is the one read by hand");
	for (size_t i = 0; i < CS_ARRAY_SIZE(expected); i++)
		if (!expected[i].seen)
			ok(0, "transcript %s of the table was found", expected[i].name);
	is_int(tally.same_split, tally.files, "scanner, piecewise scanner and blank lines split alike");
	is_int(tally.fields_ok, tally.parsed, "env, proofState, counts and goals as in the raw JSON");
	is_int(tally.roundtrip, tally.parsed, "messages_json gives the REPL's messages back");
	is_int(tally.verdicts[LEAN_PASS], 128, "pass replies");
	is_int(tally.verdicts[LEAN_SORRY], 57, "sorry replies");
	is_int(tally.verdicts[LEAN_FAIL], 32, "fail replies");
	is_int(tally.nmsg, 87, "messages");
	is_int(tally.nsorry, 66, "sorries");
	hand_checked();
	synthetic();
	versions();
	move_lines();
	native_axioms();
	return done_testing();
}
