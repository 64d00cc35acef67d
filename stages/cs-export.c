/* cs-export: stream the corpus as JSONL. */
#include <getopt.h>
#include <string.h>

#include "cs.h"
#include "db.h"
#include "jsonl.h"

static const char usage[] =
	"[-f FORMAT] [--include-unverified] [--require-audit]\n"
	"Write the corpus (CS_DB) as JSONL on stdout, one row at a time.\n"
	"  -f sft         {\"name\",\"messages\":[user: prompt, assistant: completion]} per\n"
	"                 cold-start example (default)\n"
	"  -f curriculum  subgoal theorems, forms (a) and (b), with their proofs\n"
	"  -f unsolved    the theorems not yet proved, in the miniF2F input format\n"
	"  -f corpus      every column of the corpus table, and the row's audit\n"
	"  -D, --include-unverified  also rows not checked by a recognised Lean (a test\n"
	"                 double's, real_lean = 0); refused by default (alias --include-doubles)\n"
	"  -A, --require-audit  (sft, corpus) only rows whose kernel replay (cs-audit)\n"
	"                 passed, by a checker that is Lean unless --include-unverified\n";

static int emit(json_t *rec, void *ctx)
{
	(void)ctx;
	return jsonl_write(stdout, rec);
}

/* Say how many corpus rows the export left out, and why. */
static void report_left_out(sqlite3 *db, int flags)
{
	struct db_export_left l;
	if (db_export_left_out(db, flags, &l))
		return;
	if (l.unverified)
		warning("%lld rows checked by a test double or an unrecognised checker, not by Lean, "
			"left out (--include-unverified, alias --include-doubles, to export them)", l.unverified);
	if (l.unaudited)
		warning("%lld rows left out by --require-audit: not audited yet (cs-audit)", l.unaudited);
	if (l.audit_failed)
		warning("%lld rows left out by --require-audit: the audit checker refused them", l.audit_failed);
	if (l.audit_unverified)
		warning("%lld rows left out by --require-audit: audited by a checker that is not Lean "
			"(--include-unverified to admit them)", l.audit_unverified);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "include-unverified", no_argument, NULL, 'D' },
		{ "include-doubles", no_argument, NULL, 'D' },
		{ "require-audit", no_argument, NULL, 'A' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *format = "sft";
	int opt, flags = 0, code;
	long n;
	sqlite3 *db;

	cs_init(argv[0]);
	while ((opt = getopt_long(argc, argv, "hf:DA", longopts, NULL)) != -1) {
		switch (opt) {
		case 'h': cs_usage(usage, CS_OK);
		case 'f': format = optarg; break;
		case 'D': flags |= DB_EXPORT_UNVERIFIED; break;
		case 'A': flags |= DB_EXPORT_AUDITED; break;
		default: cs_usage(usage, CS_EUSAGE);
		}
	}
	if (optind != argc)
		cs_usage(usage, CS_EUSAGE);
	if (strcmp(format, "sft") && strcmp(format, "curriculum") && strcmp(format, "unsolved") &&
	    strcmp(format, "corpus"))
		die(CS_EUSAGE, "unknown format '%s' (sft, curriculum, unsolved, corpus)", format);
	if ((flags & DB_EXPORT_AUDITED) && strcmp(format, "sft") && strcmp(format, "corpus"))
		die(CS_EUSAGE, "--require-audit applies to -f sft and -f corpus (audits are of corpus rows)");
	if (!(db = db_open(db_path(), 1, &code)))
		return code;
	n = db_export(db, format, flags, emit, NULL);
	if (n >= 0 && strcmp(format, "unsolved"))
		report_left_out(db, flags);
	db_close(db);
	if (n == -2)
		die(CS_EIO, "write to standard output failed");
	return n < 0 ? CS_EIO : CS_OK;
}
