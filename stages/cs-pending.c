/* cs-pending: emit the work a stage has left, as JSONL. */
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "cs.h"
#include "db.h"
#include "jsonl.h"

static const char usage[] =
	"[-c] [--limit N] STAGE | --summary\n"
	"Print the pending work of STAGE (prove, decompose, recombine) as JSONL, one\n"
	"record per problem, after settling what follows from finished subgoals.\n"
	"Problems with a failed request in run CS_RUN_ID wait for the next run.\n"
	"  -c, --count  print only the count\n"
	"  --limit N    at most N records\n"
	"  --summary    print one line summing up the corpus state (changes with any\n"
	"               progress)\n"
	"Environment: CS_DB, CS_MAX_DEPTH (3), CS_E2E_SAMPLES, CS_RUN_ID.\n";

static int emit(json_t *rec, void *ctx)
{
	long *count = ctx;
	if (count) {
		(*count)++;
		return 0;
	}
	if (jsonl_write(stdout, rec) || fflush(stdout))
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "count", no_argument, NULL, 'c' },
		{ "limit", required_argument, NULL, 'L' },
		{ "summary", no_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int opt, only_count = 0, state = 0, code, max_depth;
	long limit = 0, count = 0, n;
	sqlite3 *db;

	cs_init(argv[0]);
	while ((opt = getopt_long(argc, argv, "hc", longopts, NULL)) != -1) {
		switch (opt) {
		case 'h': cs_usage(usage, CS_OK);
		case 'V': cs_print_version();
		case 'c': only_count = 1; break;
		case 'L': limit = cs_arg_long(optarg, 1, LONG_MAX, usage); break;
		case 'S': state = 1; break;
		default: cs_usage(usage, CS_EUSAGE);
		}
	}
	if (optind != argc - !state)
		cs_usage(usage, CS_EUSAGE);
	max_depth = (int)cs_conf_long("CS_MAX_DEPTH");
	if (!(db = db_open(db_path(), 0, &code)))
		return code;
	if (state) {
		char *line = db_progress(db);
		db_close(db);
		if (!line)
			return CS_EIO;
		printf("%s\n", line);
		free(line);
		return CS_OK;
	}
	n = db_settle(db, max_depth, (int)cs_conf_long("CS_E2E_SAMPLES")) < 0 ? -1
	    : db_pending(db, argv[optind], max_depth, cs_conf_long("CS_RUN_ID"), limit, NULL, emit,
			 only_count ? &count : NULL);
	db_close(db);
	if (n == -2)
		die(CS_EIO, "write to standard output failed");
	if (n < 0)
		return strcmp(argv[optind], "prove") && strcmp(argv[optind], "decompose") &&
		       strcmp(argv[optind], "recombine") ? CS_EUSAGE : CS_EIO;
	if (only_count)
		printf("%ld\n", count);
	return CS_OK;
}
