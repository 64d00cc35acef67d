/* cs-export: stream the corpus as JSONL. */
#include <getopt.h>
#include <string.h>

#include "cs.h"
#include "db.h"
#include "jsonl.h"

static const char usage[] =
	"[-f FORMAT] [--include-doubles]\n"
	"Write the corpus (CS_DB) as JSONL on stdout, one row at a time.\n"
	"  -f sft         {\"name\",\"messages\":[user: prompt, assistant: completion]} per\n"
	"                 cold-start example (default)\n"
	"  -f curriculum  subgoal theorems, forms (a) and (b), with their proofs\n"
	"  -f unsolved    the theorems not yet proved, in the miniF2F input format\n"
	"  -f corpus      every column of the corpus table\n"
	"  -D, --include-doubles  also rows checked by a test double, not by Lean\n"
	"                 (refused by default)\n";

static int emit(json_t *rec, void *ctx)
{
	(void)ctx;
	return jsonl_write(stdout, rec);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "include-doubles", no_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *format = "sft";
	int opt, doubles = 0, code;
	long n;
	sqlite3 *db;

	cs_init(argv[0]);
	while ((opt = getopt_long(argc, argv, "hf:D", longopts, NULL)) != -1) {
		switch (opt) {
		case 'h': cs_usage(usage, CS_OK);
		case 'V': cs_print_version();
		case 'f': format = optarg; break;
		case 'D': doubles = 1; break;
		default: cs_usage(usage, CS_EUSAGE);
		}
	}
	if (optind != argc)
		cs_usage(usage, CS_EUSAGE);
	if (strcmp(format, "sft") && strcmp(format, "curriculum") && strcmp(format, "unsolved") &&
	    strcmp(format, "corpus"))
		die(CS_EUSAGE, "unknown format '%s' (sft, curriculum, unsolved, corpus)", format);
	if (!(db = db_open(db_path(), 1, &code)))
		return code;
	n = db_export(db, format, doubles, emit, NULL);
	if (n >= 0 && !doubles) {
		sqlite3_stmt *st = db_prepare(db, "SELECT count(*) FROM corpus WHERE NOT real_lean");
		if (st && sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 0) > 0 &&
		    strcmp(format, "unsolved"))
			warning("%lld rows checked by a test double, not by Lean, left out "
				"(--include-doubles to export them)", (long long)sqlite3_column_int64(st, 0));
		sqlite3_finalize(st);
	}
	db_close(db);
	if (n == -2)
		die(CS_EIO, "write to standard output failed");
	return n < 0 ? CS_EIO : CS_OK;
}
