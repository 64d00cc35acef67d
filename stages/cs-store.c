/* cs-store: the one writer: store stage results in the corpus. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "cs.h"
#include "db.h"
#include "jsonl.h"
#include "lean_repl.h"

static const char usage[] =
	"[-p LABEL -t TOTAL] [FILE...]\n"
	"       cs-store -S [CONFIG_JSON] | -E RUN_ID STATUS\n"
	"Store the JSONL result records of cs-prove, cs-decompose and cs-recombine in the\n"
	"corpus (CS_DB), one transaction per record. A bad record is reported with its\n"
	"line and skipped; the rest is stored.\n"
	"  -p, --progress LABEL  show a progress line on a terminal (records of type\n"
	"            prove, decompose or recombine count as done)\n"
	"  -t, --total N  the records to come, for the progress line's ETA\n"
	"  -S, --start-run  record the start of a run with this coldstart's version and the\n"
	"            configuration in effect (secrets never), print its id; runs left\n"
	"            'running' by a killed run are marked 'killed' (the caller holds the\n"
	"            run lock). -S JSON records JSON as the configuration instead\n"
	"  -E, --end-run ID ST  record the end of run ID with status ST (done, failed, killed)\n"
	"Environment: CS_DB, CS_RUN_ID (run the records belong to).\n";

struct progress {
	const char *label;
	long total, done, tokens;
	double start, last;
};

static void show(struct progress *p, int final)
{
	double now = cs_now(), rate;
	if (!p->label || (!final && now - p->last < 0.5))
		return;
	p->last = now;
	rate = p->done / (now - p->start > 1e-3 ? now - p->start : 1e-3);
	fprintf(stderr, "\r%-10s %ld/%ld  %.2f/s  ETA %s%.0fs  tokens %ld   %s", p->label, p->done,
		p->total, rate, p->total && rate > 0 ? "" : "?",
		p->total && rate > 0 ? (p->total - p->done) / rate : 0.0, p->tokens, final ? "\n" : "");
}

static int run_end(sqlite3 *db, long long run_id, const char *status)
{
	char *counts = db_run_counts(db, NULL);
	int rc = counts ? db_run_end(db, run_id, status, counts) : -1;
	free(counts);
	return rc;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "progress", required_argument, NULL, 'p' },
		{ "total", required_argument, NULL, 't' },
		{ "start-run", no_argument, NULL, 'S' },
		{ "end-run", no_argument, NULL, 'E' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct progress prog = { 0 };
	int opt, code, start = 0, end = 0, bad = 0;
	long long run_id;
	sqlite3 *db;

	cs_init(argv[0]);
	while ((opt = getopt_long(argc, argv, "hp:t:SE", longopts, NULL)) != -1) {
		switch (opt) {
		case 'h': cs_usage(usage, CS_OK);
		case 'V': cs_print_version();
		case 'p': prog.label = optarg; break;
		case 't': prog.total = atol(optarg); break;
		case 'S': start = 1; break;
		case 'E': end = 1; break;
		default: cs_usage(usage, CS_EUSAGE);
		}
	}
	if ((end && optind != argc - 2) || (start && (end || optind < argc - 1)))
		cs_usage(usage, CS_EUSAGE);
	if (!(db = db_open(db_path(), 0, &code)))
		return code;
	if (start) {
		char *conf = optind < argc ? NULL : cs_conf_json(lean_pool_computed_setting);
		json_t *given = conf ? NULL : json_loads(argv[optind], 0, NULL);
		long long id;
		if (!conf && !json_is_object(given)) {
			json_decref(given);
			db_close(db);
			die(CS_EUSAGE, "-S %s: not a JSON object", argv[optind]);
		}
		json_decref(given);
		id = db_run_start(db, conf ? conf : argv[optind]);
		free(conf);
		db_close(db);
		if (id < 0)
			return CS_EIO;
		printf("%lld\n", id);
		return CS_OK;
	}
	if (end) {
		int rc = run_end(db, atoll(argv[optind]), argv[optind + 1]);
		db_close(db);
		return rc ? CS_EIO : CS_OK;
	}
	if (!isatty(2) || cs_conf_on("CS_QUIET"))
		prog.label = NULL;
	prog.start = prog.last = cs_now();
	run_id = cs_conf_long("CS_RUN_ID");
	for (int i = optind; i < argc || (i == optind && optind == argc); i++) {
		struct jsonl_reader r;
		json_t *rec;
		int rc;
		if (jsonl_open(&r, i < argc ? argv[i] : "-")) {
			bad++;
			continue;
		}
		while ((rc = jsonl_next(&r, &rec)) != CS_END) {
			char *why = NULL;
			const char *type;
			if (rc == CS_STOP)
				break;
			if (rc == CS_BAD_RECORD) {
				bad++;
				continue;
			}
			rc = db_store(db, rec, run_id, &why);
			type = jsonl_str(rec, "type");
			if (rc == CS_BAD_RECORD) {
				error("%s:%ld: %s (problem %lld): %s", r.path, r.lineno, type ? type : "record",
				      jsonl_int(rec, "problem_id", 0), why);
				bad++;
			} else if (rc == CS_STOP) {
				long line = r.lineno;
				json_decref(rec);
				jsonl_close(&r);
				db_close(db);
				die(CS_EIO, "%s: cannot store %s:%ld; it was not stored and will be redone",
				    db_path(), i < argc ? argv[i] : "<stdin>", line);
			} else if (type && strcmp(type, "attempt") && strcmp(type, "verification")) {
				prog.done++;
			} else if (type && !strcmp(type, "attempt")) {
				prog.tokens += (long)(jsonl_int(rec, "prompt_tokens", 0) +
						      jsonl_int(rec, "completion_tokens", 0));
			}
			free(why);
			json_decref(rec);
			show(&prog, 0);
		}
		if (rc == CS_STOP)
			bad++;
		jsonl_close(&r);
		if (i == argc)
			break;
	}
	show(&prog, 1);
	db_close(db);
	return bad ? CS_EPARTIAL : CS_OK;
}
