/* cs-doctor: is everything a real run needs in place? One line per check. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cs.h"
#include "db.h"
#include "lean_repl.h"
#include "llm.h"

static const char usage[] =
	"\n"
	"Check that each endpoint answers and serves its model (GET /models), that the\n"
	"Lean REPL starts and proves `theorem t : 1 + 1 = 2 := by norm_num`, and that\n"
	"the corpus is writable. Prints one line per check; exits 3 when one fails.\n";

#define HEADER "import Mathlib\n"
#define PROBE "theorem coldstart_doctor : 1 + 1 = 2 := by norm_num\n"

static int check_endpoint(const char *role)
{
	struct llm_endpoint ep;
	char *why = NULL;
	int rc;
	if (llm_endpoint_from_env(&ep, role)) {
		printf("FAIL %-10s endpoint configuration\n", role);
		return -1;
	}
	rc = llm_check_model(&ep, &why);
	if (rc == 0)
		printf("ok   %-10s %s serves %s\n", role, ep.url, ep.model);
	else
		printf("FAIL %-10s %s: %s\n", role, ep.url, why ? why : "?");
	free(why);
	llm_endpoint_release(&ep);
	return rc;
}

static int check_lean(void)
{
	struct lean_pool_config cfg;
	struct lean_pool *pool;
	struct lean_check *chk = NULL;
	int rc = -1;
	if (lean_pool_config_from_env(&cfg)) {
		printf("FAIL lean       configuration (CS_LEAN_REPL or CS_LEAN_URL)\n");
		return -1;
	}
	cfg.jobs = 1;
	free(cfg.jobs_decision);
	cfg.jobs_decision = NULL;
	if (!(pool = lean_pool_new(&cfg))) {
		printf("FAIL lean       cannot set up the pool\n");
		lean_pool_config_release(&cfg);
		return -1;
	}
	if (lean_pool_submit(pool, &(struct lean_request){ HEADER, PROBE, "coldstart_doctor", PROBE }, NULL) == 0) {
		while (lean_pool_poll(pool, 100) > 0 && !(chk = lean_pool_next(pool)))
			;
		if (!chk)
			chk = lean_pool_next(pool);
	}
	if (chk && chk->verdict == LEAN_PASS) {
		printf("ok   lean       %s %s checks 1 + 1 = 2%s\n", chk->checker,
		       chk->version ? chk->version : "(version unknown)",
		       chk->real_lean ? "" : " (a test double, not Lean)");
		rc = 0;
	} else {
		printf("FAIL lean       %s: %s\n", chk ? lean_verdict_name(chk->verdict) : "no answer",
		       chk && chk->why ? chk->why : "see the messages above");
	}
	if (chk)
		lean_check_free(chk);
	lean_pool_free(pool);
	lean_pool_config_release(&cfg);
	return rc;
}

static int check_corpus(void)
{
	int code;
	sqlite3 *db = db_open(db_path(), 0, &code);
	int rc = -1;
	if (db && db_begin(db) == 0) {
		db_rollback(db);
		printf("ok   corpus     %s is writable (schema %d)\n", db_path(), DB_SCHEMA_VERSION);
		rc = 0;
	} else {
		printf("FAIL corpus     %s cannot be written (see above)\n", db_path());
	}
	db_close(db);
	return rc;
}

int main(int argc, char **argv)
{
	int opt, bad = 0;
	cs_init(argv[0]);
	if (cs_wants_help(argc, argv))
		cs_usage(usage, CS_OK);
	while ((opt = getopt(argc, argv, "h")) != -1)
		cs_usage(usage, opt == 'h' ? CS_OK : CS_EUSAGE);
	bad |= check_endpoint("decomposer");
	bad |= check_endpoint("prover");
	bad |= check_lean();
	bad |= check_corpus();
	fflush(stdout);
	return bad ? CS_ECONFIG : CS_OK;
}
