/* cs-show: one problem's whole tree, readably: attempts, sketches, subgoals and
 * their problems, recombination, proof. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cs.h"
#include "db.h"
#include "jsonl.h"

static const char usage[] =
	"[-v | --json] NAME|ID...\n"
	"Print the whole tree of a problem of the corpus (CS_DB): its status and why,\n"
	"every sample asked (stage, sample index, verdict and why, tokens), each sketch\n"
	"(status, why, model, reasoning, code) with its subgoals (how each was stated)\n"
	"and, under each, the subgoal's own tree; the recombination checks and the\n"
	"proof. A lemma shared by several sketches is shown once. Long texts are cut.\n"
	"  -v, --verbose  everything in full (reasoning, reasons, lemma statements,\n"
	"                 every proof)\n"
	"  --json         the tree as one JSON object per problem (cs-show --json NAME | jq .)\n";

static int verbose;

#define REASONING_CUT 240 /* characters of a sketch's reasoning shown without -v */
#define WHY_CUT 100       /* characters of a verdict's reason */
#define PROOF_LINES 12    /* lines of a subgoal's proof shown without -v */

static const char *s_of(const json_t *o, const char *k)
{
	const char *s = jsonl_str(o, k);
	return s ? s : "";
}

static long long i_of(const json_t *o, const char *k)
{
	return jsonl_int(o, k, 0);
}

static void indent(int n)
{
	printf("%*s", n, "");
}

/* The first line of s, at most max characters (UTF-8 aware), "…" when cut; -v: all of
 * it, line breaks shown as spaces. */
static void put_cut(const char *s, size_t max)
{
	size_t chars = 0;
	for (const char *p = s; *p; p++) {
		if (*p == '\n' || *p == '\r') {
			if (!verbose) {
				if (p[1])
					fputs(" …", stdout);
				return;
			}
			putchar(' ');
			continue;
		}
		if (((unsigned char)*p & 0xc0) != 0x80 && !verbose && chars++ == max) {
			fputs("…", stdout);
			return;
		}
		putchar(*p);
	}
}

/* text as an indented block, each line after "| "; at most max_lines unless -v. */
static void put_block(int in, const char *text, int max_lines)
{
	int n = 0, total = 0;
	const char *p = text;
	size_t len = strlen(text);
	while (len && (text[len - 1] == '\n' || text[len - 1] == ' '))
		len--;
	for (const char *q = text; q < text + len; q++)
		total += *q == '\n';
	total++;
	while (p < text + len) {
		const char *nl = memchr(p, '\n', (size_t)(text + len - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(text + len - p);
		if (!verbose && max_lines > 0 && n == max_lines) {
			indent(in);
			printf("| … %d more lines (-v shows them)\n", total - n);
			return;
		}
		indent(in);
		printf("|%s%.*s\n", l ? " " : "", (int)l, p);
		n++;
		p += l + 1;
	}
}

static void put_attempt(int in, const json_t *a)
{
	const char *verdict = jsonl_str(a, "verdict");
	indent(in);
	printf("%s sample %lld: ", s_of(a, "stage"), i_of(a, "sample_index"));
	if (!strcmp(s_of(a, "status"), "failed")) {
		fputs("request failed: ", stdout);
		put_cut(s_of(a, "error"), WHY_CUT);
	} else if (!verdict) {
		fputs("not checked (an earlier sample settled it)", stdout);
	} else {
		fputs(verdict, stdout);
		if (jsonl_str(a, "why") && *s_of(a, "why")) {
			fputs(": ", stdout);
			put_cut(s_of(a, "why"), WHY_CUT);
		}
	}
	printf(" (%s, %lld+%lld tokens, %.2f s, run %lld)\n", s_of(a, "model"), i_of(a, "prompt_tokens"),
	       i_of(a, "completion_tokens"), json_number_value(json_object_get(a, "elapsed")),
	       i_of(a, "run_id"));
}

static void put_checker(const char *checked_by, int real_lean)
{
	printf("%s%s", checked_by, real_lean ? "" : ", a test double, not Lean");
}

static void put_problem(int in, const json_t *p, int root);

static void put_sketch(int in, const json_t *sk)
{
	const json_t *goals = json_object_get(sk, "subgoals"), *g;
	size_t i;
	indent(in);
	printf("sketch #%lld: %s", i_of(sk, "id"), s_of(sk, "status"));
	if (*s_of(sk, "why")) {
		fputs(": ", stdout);
		put_cut(s_of(sk, "why"), WHY_CUT);
	}
	printf(" (by %s)\n", s_of(sk, "model"));
	indent(in + 2);
	fputs("reasoning: ", stdout);
	put_cut(s_of(sk, "reasoning"), REASONING_CUT);
	putchar('\n');
	put_block(in + 2, s_of(sk, "code"), 0);
	json_array_foreach(goals, i, g) {
		const json_t *child = json_object_get(g, "child");
		indent(in + 2);
		printf("subgoal %lld %s%s: %s (stated by %s)\n", i_of(g, "idx"), s_of(g, "have_name"),
		       i_of(g, "is_final") ? " (the final step)" : "", s_of(g, "statement"), s_of(g, "extracted_by"));
		if (verbose)
			put_block(in + 4, s_of(g, "lemma_b"), 0);
		if (json_is_true(json_object_get(child, "shown_above"))) {
			indent(in + 4);
			printf("%s #%lld: %s (shown above)\n", s_of(child, "name"), i_of(child, "id"),
			       s_of(child, "status"));
		} else if (json_is_object(child)) {
			put_problem(in + 4, child, 0);
		}
	}
}

static void put_problem(int in, const json_t *p, int root)
{
	const json_t *list, *x, *proof = json_object_get(p, "proof");
	size_t i;
	indent(in);
	printf("%s #%lld: %s", s_of(p, "name"), i_of(p, "id"), s_of(p, "status"));
	if (*s_of(p, "how"))
		printf(" by %s", s_of(p, "how"));
	if (*s_of(p, "why")) {
		fputs(": ", stdout);
		put_cut(s_of(p, "why"), WHY_CUT);
	}
	printf(" (depth %lld, updated %s)\n", i_of(p, "depth"), s_of(p, "updated_at"));
	if (root || verbose)
		put_block(in + 2, s_of(p, "formal_statement"), 0);
	list = json_object_get(p, "attempts");
	json_array_foreach(list, i, x)
		put_attempt(in + 2, x);
	list = json_object_get(p, "sketches");
	json_array_foreach(list, i, x)
		put_sketch(in + 2, x);
	list = json_object_get(p, "checks");
	json_array_foreach(list, i, x) {
		indent(in + 2);
		printf("check %s: %s", s_of(x, "kind"), s_of(x, "verdict"));
		if (*s_of(x, "why")) {
			fputs(": ", stdout);
			put_cut(s_of(x, "why"), WHY_CUT);
		}
		printf(" (%s %s%s, %.2f s)\n", s_of(x, "checker"), s_of(x, "version"),
		       i_of(x, "real_lean") ? "" : ", a test double, not Lean",
		       json_number_value(json_object_get(x, "elapsed")));
	}
	if (json_is_object(proof)) {
		indent(in + 2);
		printf("proof by %s, checked by ", s_of(proof, "how"));
		put_checker(*s_of(proof, "checked_by") ? s_of(proof, "checked_by") : "?", (int)i_of(proof, "real_lean"));
		if (i_of(proof, "run_id"))
			printf(", run %lld", i_of(proof, "run_id"));
		if (!root && !verbose && !strcmp(s_of(proof, "how"), "decomposition")) {
			printf(" (spliced into the proof that uses it; -v shows it)\n");
			return;
		}
		printf(":\n");
		put_block(in + 4, s_of(proof, "code"), root ? 0 : PROOF_LINES);
	}
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "verbose", no_argument, NULL, 'v' },
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int opt, code, json = 0, bad = 0;
	sqlite3 *db;

	cs_init(argv[0]);
	while ((opt = getopt_long(argc, argv, "hv", longopts, NULL)) != -1) {
		switch (opt) {
		case 'h': cs_usage(usage, CS_OK);
		case 'V': cs_print_version();
		case 'v': verbose = 1; break;
		case 'J': json = 1; break;
		default: cs_usage(usage, CS_EUSAGE);
		}
	}
	if (optind == argc || (json && verbose))
		cs_usage(usage, CS_EUSAGE);
	if (!(db = db_open_existing(db_path(), 1, &code)))
		return code;
	for (int i = optind; i < argc; i++) {
		json_t *trees = db_show(db, argv[i]), *t;
		size_t k;
		if (!trees) {
			db_close(db);
			return CS_EIO;
		}
		if (!json_array_size(trees)) {
			error("%s: no problem of that name or id in %s", argv[i], db_path());
			bad = 1;
		}
		json_array_foreach(trees, k, t) {
			if (json) {
				if (jsonl_write(stdout, t))
					die(CS_EIO, "write to standard output failed");
			} else {
				if (i > optind || k)
					putchar('\n');
				put_problem(0, t, 1);
			}
		}
		json_decref(trees);
	}
	db_close(db);
	return bad ? CS_EPARTIAL : CS_OK;
}
