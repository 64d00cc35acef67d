/* cs-reverify: re-check the stored proofs of the corpus under the configured Lean
 * checker, and keep each verdict under that checker's toolchain (issue 20). */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "cs.h"
#include "db.h"
#include "jsonl.h"
#include "lean_repl.h"

static const char usage[] =
	"[--limit N] [--lemmas] [-a]\n"
	"Re-check the stored proof (formal_proof) of every corpus row (CS_DB) under the\n"
	"configured Lean checker, CS_LEAN_JOBS at a time; no model is asked anything. Each\n"
	"verdict is kept under the checker's toolchain (Lean version, lean-toolchain, Mathlib\n"
	"and REPL revisions of CS_LEAN_DIR, header) beside the earlier ones, never over them,\n"
	"and printed as one JSONL record per proof: {name, kind (row or lemma), verdict, why,\n"
	"checker, version, toolchain, elapsed}.\n"
	"  --lemmas     also the proof of every subgoal lemma (table proofs, depth > 0)\n"
	"  -a, --all    also proofs re-checked under this toolchain before (by default a\n"
	"               re-run goes on where a killed one stopped)\n"
	"  --limit N    check at most N proofs\n"
	"At the end every proof whose latest check under this toolchain did not pass is named\n"
	"on standard error with Lean's first error. Exit 0 when all hold, 1 when one broke or\n"
	"could not be checked, 3 when CS_MAX_INFRA_FAULTS checks in a row could not run (the\n"
	"checker is unusable; the rest stays unchecked) or the configuration is bad, 4 on a\n"
	"corpus error. Takes the run lock CS_DB.lock: never runs beside `coldstart run`.\n"
	"Environment: CS_LEAN_REPL, CS_LEAN_DIR or CS_LEAN_URL; CS_LEAN_JOBS, CS_LEAN_TIMEOUT,\n"
	"CS_LEAN_MEMORY, CS_LEAN_MAX_USES, CS_LEAN_SANDBOX, CS_LEAN_AXIOMS, CS_MAX_INFRA_FAULTS.\n";

struct rv {
	sqlite3 *db;
	struct lean_pool *pool;
	struct db_toolchain tc;  /* the checker's; lean_version known after the first check */
	char *version, *checker; /* owned copies behind tc */
	char *env_key;           /* NULL until the first check that ran */
	char *tid_header;        /* the header of the toolchain tid (rows share few headers) */
	long long tid;
	int lemmas, faults, max_faults;
	long checked, broke, unchecked;
};

static void fatal(struct rv *x, const char *what) CS_NORETURN;
static void fatal(struct rv *x, const char *what)
{
	lean_pool_free(x->pool); /* the REPLs under way */
	die(CS_EIO, "%s", what);
}

/* Queue the check of row (the pool's udata). 1 queued; 0 not checkable (said why). */
static int submit(struct rv *x, json_t *row)
{
	const char *name = jsonl_str(row, "name"), *code = jsonl_str(row, "code");
	const char *header = jsonl_str(row, "header"), *stmt = jsonl_str(row, "formal_statement");
	int is_row = !json_is_null(json_object_get(row, "corpus_id"));
	size_t hl = header ? strlen(header) : 0;
	if (!code || !header) {
		error("%s: no proof or header stored", name);
		return 0;
	}
	if (is_row) { /* formal_proof is the header, then the proof as checked (recombine.c) */
		if (strncmp(code, header, hl)) {
			error("%s: corpus.formal_proof does not begin with its problem's header: not checked", name);
			return 0;
		}
		code += hl;
	}
	if (lean_pool_submit(x->pool, &(struct lean_request){ header, code, name, stmt }, row)) {
		error("%s: cannot queue the check", name);
		return 0;
	}
	return 1;
}

/* The first check that ran tells the Lean version: the toolchain is known from then on. */
static void learn_toolchain(struct rv *x, const struct lean_check *c)
{
	if (x->env_key)
		return;
	x->version = c->version ? xstrdup(c->version) : NULL;
	x->checker = xstrdup(c->checker ? c->checker : "repl");
	x->tc.lean_version = x->version;
	x->tc.checker = x->checker;
	x->tc.real_lean = c->real_lean;
	x->env_key = db_toolchain_env_key(&x->tc);
	info("re-checking under %s %s (lean-toolchain %s, Mathlib %s, REPL %s)", x->checker,
	     x->version ? x->version : "(Lean version unknown)", x->tc.lean_toolchain ? x->tc.lean_toolchain : "?",
	     x->tc.mathlib_rev ? x->tc.mathlib_rev : "?", x->tc.repl_rev ? x->tc.repl_rev : "?");
}

/* Store and print a finished check. 1 when it was the max_faults-th in a row that could not run. */
static int finish(struct rv *x, struct lean_check *c)
{
	json_t *row = c->udata, *o;
	const char *name = jsonl_str(row, "name"), *code = jsonl_str(row, "code");
	long long pid = jsonl_int(row, "problem_id", 0), cid = jsonl_int(row, "corpus_id", 0), tid = 0;
	char hash[65], *why = c->why ? xstrndup(c->why, strcspn(c->why, "\n")) : NULL;
	int stop = 0;
	if (c->verdict == LEAN_ERROR) {
		x->unchecked++;
		error("%s: not checked: %s", name, why ? why : "the check could not run");
		if ((stop = ++x->faults >= x->max_faults))
			error("%d checks in a row could not run (CS_MAX_INFRA_FAULTS=%d); stopping: the rest stays "
			      "unchecked for the next `coldstart reverify`", x->faults, x->max_faults);
		free(why);
		return stop;
	}
	x->faults = 0;
	learn_toolchain(x, c);
	cs_sha256_hex(code ? code : "", code ? strlen(code) : 0, hash);
	if (x->tid_header && !strcmp(x->tid_header, jsonl_str(row, "header"))) {
		tid = x->tid;
	} else {
		if (db_toolchain_id(x->db, &x->tc, pid, &tid))
			fatal(x, "cannot store a toolchain: stopping");
		free(x->tid_header);
		x->tid_header = xstrdup(jsonl_str(row, "header"));
		x->tid = tid;
	}
	if (db_recheck_store(x->db, &(struct db_recheck){ pid, cid, tid, "reverify", lean_verdict_name(c->verdict),
							   c->why, hash, c->elapsed }))
		fatal(x, "cannot store a verdict: stopping");
	x->checked++;
	o = json_pack("{s:s, s:s, s:s, s:s?, s:s, s:s?, s:I, s:f}", "name", name, "kind", cid ? "row" : "lemma",
		      "verdict", lean_verdict_name(c->verdict), "why", c->why, "checker", x->checker,
		      "version", x->version, "toolchain", (json_int_t)tid, "elapsed", round(c->elapsed * 1000) / 1000);
	if (jsonl_write(stdout, o) || fflush(stdout))
		fatal(x, "write to standard output failed");
	json_decref(o);
	free(why);
	return 0;
}

static int name_broken(json_t *row, void *ctx)
{
	struct rv *x = ctx;
	const char *why = jsonl_str(row, "why");
	x->broke++;
	fprintf(stderr, "%s: broke: %s%s: %s%s%.*s\n", cs_progname, json_is_null(json_object_get(row, "corpus_id"))
		? "lemma " : "", jsonl_str(row, "name"), jsonl_str(row, "verdict"), why ? ": " : "",
		why ? (int)strcspn(why, "\n") : 0, why ? why : "");
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "lemmas", no_argument, NULL, 'L' },
		{ "limit", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct lean_pool_config cfg;
	struct lean_toolchain files;
	struct rv x = { 0 };
	long limit = 0, submitted = 0;
	long long after = 0;
	int opt, all = 0, code, lock, exit_code = CS_OK, stop = 0, inflight = 0, had_env;
	json_t *row = NULL;
	struct lean_check *c;

	cs_init(argv[0]);
	while ((opt = getopt_long(argc, argv, "ha", longopts, NULL)) != -1) {
		switch (opt) {
		case 'h': cs_usage(usage, CS_OK);
		case 'V': cs_print_version();
		case 'a': all = 1; break;
		case 'L': x.lemmas = 1; break;
		case 'n': limit = cs_arg_long(optarg, 1, 1000000000L, usage); break;
		default: cs_usage(usage, CS_EUSAGE);
		}
	}
	if (optind != argc)
		cs_usage(usage, CS_EUSAGE);
	if (lean_pool_config_from_env(&cfg))
		return CS_ECONFIG;
	x.max_faults = (int)cs_conf_long("CS_MAX_INFRA_FAULTS");
	if ((lock = cs_lock_corpus(db_path(), &code)) < 0) {
		lean_pool_config_release(&cfg);
		return code;
	}
	if (!(x.db = db_open_existing(db_path(), 0, &code))) {
		lean_pool_config_release(&cfg);
		return code;
	}
	if (!(x.pool = lean_pool_new(&cfg))) {
		db_close(x.db);
		lean_pool_config_release(&cfg);
		return CS_ECONFIG;
	}
	files = *lean_pool_toolchain(x.pool);
	x.tc.lean_toolchain = files.lean_toolchain;
	x.tc.mathlib_rev = files.mathlib_rev;
	x.tc.repl_rev = files.repl_rev;
	/* Rows are read one at a time as checks end: at most 2 x CS_LEAN_JOBS of them in
	 * memory, so that a REPL finds its next check queued when it answers. Until the
	 * first check has run the toolchain is not known (its Lean version is the
	 * checker's answer): the first 2 x CS_LEAN_JOBS proofs are checked whether or not
	 * a killed run checked them already, the rest only if not. */
	if (db_reverify_next(x.db, after, x.lemmas, NULL, &row) < 0)
		fatal(&x, "cannot read the corpus");
	for (;;) {
		while (!stop && row && inflight < 2 * cfg.jobs) {
			after = jsonl_int(row, "problem_id", 0);
			if (submit(&x, row))
				inflight++;
			else {
				json_decref(row);
				x.unchecked++;
			}
			row = NULL;
			if (limit && ++submitted >= limit)
				break;
			if (db_reverify_next(x.db, after, x.lemmas, all ? NULL : x.env_key, &row) < 0)
				fatal(&x, "cannot read the corpus");
		}
		if (!inflight && (stop || !row))
			break;
		had_env = x.env_key != NULL;
		lean_pool_poll(x.pool, 1000);
		while ((c = lean_pool_next(x.pool))) {
			json_t *done = c->udata;
			lean_pool_poll(x.pool, 0); /* the REPL that answered takes its next check first */
			stop |= finish(&x, c);
			json_decref(done);
			lean_check_free(c);
			inflight--;
		}
		/* the toolchain just became known: a row read before may be checked already */
		if (!all && row && !had_env && x.env_key) {
			json_decref(row);
			if (db_reverify_next(x.db, after, x.lemmas, x.env_key, &row) < 0)
				fatal(&x, "cannot read the corpus");
		}
	}
	json_decref(row);
	if (stop) {
		exit_code = CS_ECONFIG;
	} else if (x.env_key) {
		if (db_reverify_broken(x.db, x.env_key, x.lemmas, name_broken, &x) < 0)
			fatal(&x, "cannot read the corpus");
		if (x.broke)
			error("%ld proof%s do%s not hold under %s %s (coldstart export --toolchain current leaves them out)",
			      x.broke, x.broke == 1 ? "" : "s", x.broke == 1 ? "es" : "", x.checker,
			      x.version ? x.version : "(Lean version unknown)");
		else if (!cs_conf_on("CS_QUIET"))
			info("every proof checked under %s %s holds (%ld checked now)", x.checker,
			     x.version ? x.version : "(Lean version unknown)", x.checked);
	}
	if (!exit_code && (x.broke || x.unchecked))
		exit_code = CS_EPARTIAL;
	lean_pool_free(x.pool);
	free(x.env_key);
	free(x.tid_header);
	free(x.version);
	free(x.checker);
	db_close(x.db);
	lean_pool_config_release(&cfg);
	close(lock);
	return exit_code;
}
