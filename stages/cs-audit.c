/* cs-audit: replay corpus rows through an external kernel checker (CS_LEAN_AUDIT_CMD)
 * and record its verdict and version with each row. */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "cs.h"
#include "db.h"
#include "jsonl.h"
#include "lean_audit.h"
#include "lean_repl.h"
#include "lean_text.h"

#define MAX_FAULTS 3 /* checker errors in a row that stop the audit */

static const char usage[] =
	"[--limit N] [-a] [--name GLOB]\n"
	"Run the kernel checker CS_LEAN_AUDIT_CMD on the proof file of each corpus row\n"
	"(CS_DB) not audited yet, CS_LEAN_JOBS at a time; store its verdict and version\n"
	"and print one JSONL record per row: {name, verdict, checker, version, why, elapsed}.\n"
	"  --limit N    audit at most N rows\n"
	"  -a, --all    also rows audited before (each audit is kept)\n"
	"  --name GLOB  only rows whose name matches GLOB (SQLite GLOB: * ? [...])\n"
	"Takes the run lock CS_DB.lock: never runs beside `coldstart run`. A checker error\n"
	"(not a verdict: exit status other than 0 or 1, a signal, the timeout) leaves the\n"
	"row unaudited; 3 in a row stop the audit (exit 3). Environment: CS_LEAN_AUDIT_CMD,\n"
	"CS_LEAN_AUDIT_TIMEOUT (600 s), CS_LEAN_JOBS, CS_LEAN_DIR, CS_LEAN_SANDBOX, CS_LEAN_MEMORY.\n";

struct audit_ctx {
	struct lean_audit *audit;
	sqlite3 *db;
	const char *cmd;
	char *checker, *version;
	int real_lean;
	int faults, failed; /* checker errors in a row; rows failed or not audited */
};

static char *theorem_name(const char *stmt, const char *fallback)
{
	struct lean_theorem t;
	char *why = NULL, *name;
	if (lean_parse_theorem(stmt, NULL, &t, &why)) {
		free(why);
		return xstrdup(fallback);
	}
	name = xstrdup(t.name);
	lean_theorem_release(&t);
	return name;
}

/* Start the audit of row (handed to the audit as its udata). */
static void submit(struct audit_ctx *x, json_t *row)
{
	const char *name = jsonl_str(row, "name"), *proof = jsonl_str(row, "formal_proof");
	const char *header = jsonl_str(row, "header"), *stmt = jsonl_str(row, "formal_statement");
	char *module = xasprintf("CsAudit%lld", jsonl_int(row, "id", 0));
	char *theorem = theorem_name(stmt ? stmt : "", name);
	char *challenge = xasprintf("%s%s\n  sorry\n", header ? header : "", stmt ? stmt : "");
	struct lean_audit_job job = { module, theorem, proof ? proof : "", challenge };
	lean_audit_submit(x->audit, &job, row);
	free(module);
	free(theorem);
	free(challenge);
}

static void fatal(struct audit_ctx *x, const char *what) CS_NORETURN;
static void fatal(struct audit_ctx *x, const char *what)
{
	lean_audit_free(x->audit); /* the checkers under way, the scratch directories */
	die(CS_EIO, "%s", what);
}

/* Store and print the result of an audit, say what went wrong on stderr. Returns
 * 1 when it was the MAX_FAULTS-th checker error in a row. */
static int finish(struct audit_ctx *x, json_t *row, struct lean_audit_result *res)
{
	const char *name = jsonl_str(row, "name"), *proof = jsonl_str(row, "formal_proof");
	char hash[65], *msg = res->why ? xstrndup(res->why, strcspn(res->why, "\n")) : NULL;
	struct db_audit rec;
	json_t *o;
	int stop = 0;
	cs_sha256_hex(proof ? proof : "", proof ? strlen(proof) : 0, hash);
	rec = (struct db_audit){ jsonl_int(row, "id", 0), lean_audit_verdict_name(res->verdict), x->checker,
				 x->version, res->why, hash, x->real_lean, res->elapsed };
	if (db_audit_store(x->db, &rec))
		fatal(x, "cannot store an audit: stopping");
	o = json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:f}", "name", name, "verdict", rec.verdict,
		      "checker", x->checker, "version", x->version, "why", res->why,
		      "elapsed", round(res->elapsed * 1000) / 1000);
	if (jsonl_write(stdout, o) || fflush(stdout))
		fatal(x, "write to standard output failed");
	json_decref(o);
	if (res->verdict == LEAN_AUDIT_FAIL) {
		error("%s: the checker refused the proof: %s", name, msg);
		x->failed++;
		x->faults = 0;
	} else if (res->verdict == LEAN_AUDIT_ERROR) {
		error("%s: not audited: %s", name, msg);
		x->failed++;
		if ((stop = ++x->faults >= MAX_FAULTS))
			error("%d audits in a row could not run CS_LEAN_AUDIT_CMD (%s); stopping; the last: %s",
			      x->faults, x->cmd, msg);
	} else {
		x->faults = 0;
	}
	free(msg);
	return stop;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "limit", required_argument, NULL, 'L' },
		{ "name", required_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct lean_audit_config cfg;
	struct audit_ctx x = { 0 };
	const char *glob = NULL;
	long limit = 0, submitted = 0;
	long long after = 0;
	int opt, all = 0, code, lock, jobs, rc, exit_code = CS_OK, stop = 0;
	char *why = NULL;
	json_t *row = NULL;
	struct lean_audit_result res;
	void *udata;

	cs_init(argv[0]);
	while ((opt = getopt_long(argc, argv, "ha", longopts, NULL)) != -1) {
		switch (opt) {
		case 'h': cs_usage(usage, CS_OK);
		case 'V': cs_print_version();
		case 'a': all = 1; break;
		case 'N': glob = optarg; break;
		case 'L': {
			char *end;
			limit = strtol(optarg, &end, 10);
			if (*end || limit < 1)
				die(CS_EUSAGE, "--limit %s: not a positive number", optarg);
			break;
		}
		default: cs_usage(usage, CS_EUSAGE);
		}
	}
	if (optind != argc)
		cs_usage(usage, CS_EUSAGE);
	jobs = (int)cs_conf_long_or("CS_LEAN_JOBS", lean_pool_default_jobs(NULL)); /* a Lean each, as the pool */
	if (lean_audit_config_from_env(&cfg))
		return CS_ECONFIG;
	x.cmd = cfg.cmd;
	if ((lock = cs_lock_corpus(db_path(), &code)) < 0) {
		lean_audit_config_release(&cfg);
		return code;
	}
	if (!(x.db = db_open(db_path(), 0, &code)))
		return code;
	if ((rc = db_audit_next(x.db, after, all, glob, &row)) <= 0) {
		db_close(x.db);
		lean_audit_config_release(&cfg);
		return rc < 0 ? CS_EIO : CS_OK; /* nothing to audit: the checker is not even asked */
	}
	if (!(x.audit = lean_audit_new(&cfg))) {
		exit_code = CS_ECONFIG;
		goto out;
	}
	x.checker = lean_audit_checker_name(cfg.cmd);
	if (lean_audit_version(x.audit, &x.version, &why)) {
		error("CS_LEAN_AUDIT_CMD (%s) does not run: %s", cfg.cmd, why);
		exit_code = CS_ECONFIG;
		goto out;
	}
	x.real_lean = lean_audit_is_lean(x.version);
	if (!x.version)
		warning("%s did not answer the version query (CS_AUDIT_VERSION=1): its verdicts are "
			"recorded with an unknown version, not as Lean's", x.checker);
	else if (!x.real_lean)
		info("%s says it is '%s': not Lean; its audits are recorded as unverified", x.checker, x.version);
	info("auditing with %s, %d at a time%s", x.checker, jobs,
	     lean_audit_sandboxed(x.audit) ? ", sandboxed" : "");
	/* Rows are read one at a time as audits end: at most jobs of them in memory. */
	for (;;) {
		while (!stop && row && lean_audit_running(x.audit) < jobs) {
			after = jsonl_int(row, "id", 0);
			submit(&x, row);
			row = NULL;
			if (limit && ++submitted >= limit)
				break;
			if (db_audit_next(x.db, after, all, glob, &row) < 0)
				fatal(&x, "cannot read the corpus");
		}
		while (lean_audit_next(x.audit, &res, &udata)) {
			stop |= finish(&x, udata, &res);
			json_decref(udata);
			lean_audit_result_release(&res);
		}
		if (stop) {
			exit_code = CS_ECONFIG;
			break;
		}
		if (!lean_audit_running(x.audit) && !row)
			break;
		lean_audit_poll(x.audit, 1000);
	}
	if (!exit_code && x.failed)
		exit_code = CS_EPARTIAL;
out:
	json_decref(row);
	free(why);
	if (x.audit) { /* audits still under way (after a stop) are killed: their rows stay unaudited */
		lean_audit_cancel(x.audit);
		while (lean_audit_next(x.audit, &res, &udata)) {
			json_decref(udata);
			lean_audit_result_release(&res);
		}
	}
	lean_audit_free(x.audit);
	free(x.checker);
	free(x.version);
	db_close(x.db);
	lean_audit_config_release(&cfg);
	close(lock);
	return exit_code;
}
