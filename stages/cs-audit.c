/* cs-audit: replay corpus rows through an external kernel checker (CS_LEAN_AUDIT_CMD)
 * and record its verdict and version with each row. */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cs.h"
#include "db.h"
#include "jsonl.h"
#include "lean_audit.h"
#include "lean_text.h"

#define MAX_FAULTS 3 /* checker errors in a row that stop the audit */

static const char usage[] =
	"[-n LIMIT] [--all] [--name GLOB]\n"
	"Run the kernel checker CS_LEAN_AUDIT_CMD on the proof file of each corpus row\n"
	"(CS_DB) not audited yet, one row at a time; store its verdict and version and\n"
	"print one JSONL record per row: {name, verdict, checker, version, why, elapsed}.\n"
	"  -n LIMIT     audit at most LIMIT rows\n"
	"  -a, --all    also rows audited before (each audit is kept)\n"
	"  --name GLOB  only rows whose name matches GLOB (SQLite GLOB: * ? [...])\n"
	"Takes the run lock CS_DB.lock: never runs beside `coldstart run`. A checker error\n"
	"(not a verdict: exit status other than 0 or 1, a signal, the timeout) leaves the\n"
	"row unaudited; 3 in a row stop the audit (exit 3). Environment: CS_LEAN_AUDIT_CMD,\n"
	"CS_LEAN_AUDIT_TIMEOUT (600 s), CS_LEAN_DIR, CS_LEAN_SANDBOX, CS_LEAN_MEMORY.\n";

struct audit_ctx {
	struct lean_audit *audit;
	sqlite3 *db;
	char *checker, *version;
	int real_lean;
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

/* Audit one row, store and print the result. Returns its verdict. */
static enum lean_audit_verdict audit_row(struct audit_ctx *x, json_t *row, char **why_out)
{
	long long id = jsonl_int(row, "id", 0);
	const char *name = jsonl_str(row, "name"), *proof = jsonl_str(row, "formal_proof");
	const char *header = jsonl_str(row, "header"), *stmt = jsonl_str(row, "formal_statement");
	char *module = xasprintf("CsAudit%lld", id);
	char *theorem = theorem_name(stmt ? stmt : "", name);
	char *challenge = xasprintf("%s%s\n  sorry\n", header ? header : "", stmt ? stmt : "");
	char hash[65];
	struct lean_audit_job job = { module, theorem, proof ? proof : "", challenge };
	struct lean_audit_result res;
	struct db_audit rec;
	json_t *o;
	enum lean_audit_verdict v;

	lean_audit_run(x->audit, &job, &res);
	v = res.verdict;
	cs_sha256_hex(job.proof, strlen(job.proof), hash);
	rec = (struct db_audit){ id, lean_audit_verdict_name(v), x->checker, x->version, res.why, hash,
				 x->real_lean, res.elapsed };
	if (db_audit_store(x->db, &rec)) {
		lean_audit_free(x->audit); /* its scratch directory */
		die(CS_EIO, "%s: cannot store the audit", name);
	}
	o = json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:f}", "name", name, "verdict", rec.verdict,
		      "checker", x->checker, "version", x->version, "why", res.why,
		      "elapsed", round(res.elapsed * 1000) / 1000);
	if (jsonl_write(stdout, o) || fflush(stdout)) {
		lean_audit_free(x->audit);
		die(CS_EIO, "write to standard output failed");
	}
	json_decref(o);
	*why_out = res.why;
	res.why = NULL;
	lean_audit_result_release(&res);
	free(module);
	free(theorem);
	free(challenge);
	return v;
}

/* The first line of s, for a one-line message; malloc'd. */
static char *one_line(const char *s)
{
	return xstrndup(s, strcspn(s, "\n"));
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "name", required_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct lean_audit_config cfg;
	struct audit_ctx x = { 0 };
	const char *glob = NULL;
	long limit = 0, done = 0;
	long long after = 0;
	int opt, all = 0, code, lock, faults = 0, failed = 0, rc, exit_code = CS_OK;
	char *why = NULL;
	json_t *row;

	cs_init(argv[0]);
	while ((opt = getopt_long(argc, argv, "han:", longopts, NULL)) != -1) {
		switch (opt) {
		case 'h': cs_usage(usage, CS_OK);
		case 'a': all = 1; break;
		case 'N': glob = optarg; break;
		case 'n': {
			char *end;
			limit = strtol(optarg, &end, 10);
			if (*end || limit < 1)
				die(CS_EUSAGE, "-n %s: not a positive number", optarg);
			break;
		}
		default: cs_usage(usage, CS_EUSAGE);
		}
	}
	if (optind != argc)
		cs_usage(usage, CS_EUSAGE);
	if (lean_audit_config_from_env(&cfg))
		return CS_ECONFIG;
	if ((lock = db_run_lock(db_path())) < 0) {
		if (lock == -2)
			die(CS_ECONFIG, "another run holds %s.lock; not auditing beside it", db_path());
		return CS_EIO;
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
	while (row) {
		const char *name = jsonl_str(row, "name");
		enum lean_audit_verdict v;
		char *msg;
		after = jsonl_int(row, "id", 0);
		v = audit_row(&x, row, &why);
		msg = why ? one_line(why) : NULL;
		if (v == LEAN_AUDIT_FAIL) {
			error("%s: the checker refused the proof: %s", name, msg);
			failed++;
			faults = 0;
		} else if (v == LEAN_AUDIT_ERROR) {
			error("%s: not audited: %s", name, msg);
			failed++;
			if (++faults >= MAX_FAULTS) {
				error("%d audits in a row could not run CS_LEAN_AUDIT_CMD (%s); stopping; "
				      "the last: %s", faults, cfg.cmd, msg);
				exit_code = CS_ECONFIG;
			}
		} else {
			faults = 0;
		}
		free(msg);
		free(why);
		why = NULL;
		json_decref(row);
		row = NULL;
		if (exit_code || (limit && ++done >= limit))
			break;
		if (db_audit_next(x.db, after, all, glob, &row) < 0)
			exit_code = CS_EIO;
	}
	if (!exit_code && failed)
		exit_code = CS_EPARTIAL;
out:
	json_decref(row);
	free(why);
	lean_audit_free(x.audit);
	free(x.checker);
	free(x.version);
	db_close(x.db);
	lean_audit_config_release(&cfg);
	close(lock);
	return exit_code;
}
