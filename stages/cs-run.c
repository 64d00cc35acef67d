/* cs-run: every stage at once over the corpus, until no work is left. */
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "cs.h"
#include "db.h"
#include "lean_fingerprint.h"
#include "lean_repl.h"
#include "stage.h"

static const char usage[] =
	"[-q]\n"
	"Run the pipeline over the corpus (CS_DB) until no stage has work left: prove,\n"
	"decompose and recombine at once, each problem moving to its next stage the\n"
	"moment its current one ends, the prover and the decomposer each kept at their\n"
	"CS_*_JOBS requests in flight and the Lean pool at its CS_LEAN_JOBS. Results are\n"
	"stored as they come; a killed run resumes where it stopped. Takes the run lock\n"
	"(CS_DB.lock). SIGINT, SIGTERM or SIGHUP end the run within a second or two (what\n"
	"is in flight is dropped, every stored answer kept; a second signal ends at once).\n"
	"  -q, --quiet  no progress line\n"
	"Exit: 0 done; 1 a record was refused or problems were left pending by\n"
	"infrastructure faults; 3 configuration unusable, an endpoint refusing the key or\n"
	"the model, or CS_MAX_INFRA_FAULTS faults in a row (the work stays pending); 4 I/O;\n"
	"5 an endpoint asked for payment, or the run's budget (CS_BUDGET) is reached (the\n"
	"work stays pending); 128 + N after signal N.\n";

static volatile sig_atomic_t caught;

static void on_signal(int sig)
{
	if (caught)
		_exit(128 + sig); /* the second signal: now */
	caught = sig;
}

/* A signal ignored on entry stays ignored (nohup, a background job of a script), as
 * the shell does it. */
static void catch_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa, old;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < CS_ARRAY_SIZE(sigs); i++)
		if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
			sigaction(sigs[i], &sa, NULL);
}

static const char *status_of(int rc, int sig)
{
	if (sig)
		return "interrupted";
	switch (rc) {
	case CS_OK: return "done";
	case CS_EPARTIAL: return "partial";
	case CS_ECONFIG:
	case CS_EPAYMENT:
	case CS_EIO: return "stopped";
	default: return "failed";
	}
}

static int fingerprint(const char *statement, char hex[65], void *ctx)
{
	char *why = NULL;
	int rc = lean_fingerprint(statement, hex, &why);
	(void)ctx;
	free(why);
	return rc;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct sched_opts o = { 0 };
	char *config, *extra = NULL, *counts, *cause = NULL;
	int opt, code, rc;
	sqlite3 *db;

	cs_init(argv[0]);
	while ((opt = getopt_long(argc, argv, "hq", longopts, NULL)) != -1) {
		switch (opt) {
		case 'h': cs_usage(usage, CS_OK);
		case 'V': cs_print_version();
		case 'q': o.quiet = 1; break;
		default: cs_usage(usage, CS_EUSAGE);
		}
	}
	if (optind != argc)
		cs_usage(usage, CS_EUSAGE);
	o.quiet |= cs_conf_on("CS_QUIET");
	o.max_depth = (int)cs_conf_long("CS_MAX_DEPTH");
	o.signalled = &caught;
	o.counts = &extra;
	if (cs_lock_corpus(db_path(), &code) < 0)
		return code;
	if (!(db = db_open(db_path(), 0, &code)))
		return code;
	catch_signals();
	config = cs_conf_json(lean_pool_computed_setting);
	o.run_id = db_run_start(db, config);
	free(config);
	if (o.run_id < 0) {
		db_close(db);
		return CS_EIO;
	}
	/* problems stored before fingerprints (schema 3) get theirs: proofs to reuse */
	if (db_fingerprints_fill(db, fingerprint, NULL) < 0) {
		db_run_end(db, o.run_id, "failed", "{}");
		db_close(db);
		return CS_EIO;
	}
	rc = sched_run(db, &o);
	if (!caught && (rc == CS_ECONFIG || rc == CS_EPAYMENT || rc == CS_EIO) && cs_last_error()) {
		/* a run that stops early records why: its last message */
		json_t *x = extra ? json_loads(extra, 0, NULL) : NULL;
		if (!json_is_object(x)) {
			json_decref(x);
			x = json_object();
		}
		cause = xstrdup(cs_last_error());
		json_object_set_new(x, "cause", json_string(cause));
		free(extra);
		extra = json_dumps(x, JSON_COMPACT | JSON_SORT_KEYS);
		json_decref(x);
	}
	counts = db_run_counts(db, extra);
	if (!counts || db_run_end(db, o.run_id, status_of(rc, caught), counts))
		rc = rc ? rc : CS_EIO;
	free(counts);
	free(extra);
	db_close(db);
	if (caught) {
		info("run %lld interrupted by signal %d", o.run_id, (int)caught);
		return 128 + caught;
	}
	if (cause) /* the last line says why */
		fprintf(stderr, "%s: run %lld stopped (exit %d): %s; the work stays pending: run again once that is "
			"fixed\n", cs_progname, o.run_id, rc, cause);
	free(cause);
	return rc;
}
