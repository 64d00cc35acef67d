/* cs-stats: what is done, pending and failed, and what it cost. */
#include <getopt.h>

#include "cs.h"
#include "db.h"

static const char usage[] =
	"\n"
	"Print the state of the corpus (CS_DB): problems per depth and status, why\n"
	"problems failed, samples and tokens per model and stage, verdicts, the corpus.\n";

static void table(sqlite3 *db, const char *title, const char *sql)
{
	sqlite3_stmt *st = db_prepare(db, sql);
	int n, rows = 0;
	if (!st)
		return;
	n = sqlite3_column_count(st);
	printf("%s\n", title);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (!rows++) {
			for (int i = 0; i < n; i++)
				printf("%s%s", i ? "\t" : "  ", sqlite3_column_name(st, i));
			printf("\n");
		}
		for (int i = 0; i < n; i++) {
			const unsigned char *v = sqlite3_column_text(st, i);
			printf("%s%s", i ? "\t" : "  ", v ? (const char *)v : "-");
		}
		printf("\n");
	}
	if (!rows)
		printf("  (none)\n");
	printf("\n");
	sqlite3_finalize(st);
}

int main(int argc, char **argv)
{
	int opt, code;
	sqlite3 *db;

	cs_init(argv[0]);
	if (cs_wants_help(argc, argv))
		cs_usage(usage, CS_OK);
	while ((opt = getopt(argc, argv, "h")) != -1)
		cs_usage(usage, opt == 'h' ? CS_OK : CS_EUSAGE);
	if (optind != argc)
		cs_usage(usage, CS_EUSAGE);
	if (!(db = db_open(db_path(), 1, &code)))
		return code;
	table(db, "Problems by depth and status:",
	      "SELECT depth, status, problems FROM v_progress ORDER BY depth, status");
	table(db, "Why problems failed:",
	      "SELECT depth, coalesce(why, '?') AS why, count(*) AS problems FROM problems"
	      " WHERE status = 'failed' GROUP BY 1, 2 ORDER BY 1, 3 DESC LIMIT 20");
	table(db, "Samples, tokens and time per model and stage:",
	      "SELECT role, model, stage, samples, failed, prompt_tokens, completion_tokens,"
	      " cache_hit_tokens, seconds FROM v_cost ORDER BY role, stage");
	table(db, "Verdicts per kind of check:",
	      "SELECT kind, verdict, CASE real_lean WHEN 1 THEN 'lean' ELSE checker || ' (not Lean)' END"
	      " AS checked_by, count(*) AS checks, round(sum(elapsed), 1) AS seconds"
	      " FROM verifications GROUP BY 1, 2, 3 ORDER BY 1, 2");
	table(db, "Corpus:", "SELECT * FROM v_corpus_summary");
	table(db, "Runs:", "SELECT id, started_at, ended_at, status, counts FROM runs ORDER BY id DESC LIMIT 5");
	db_close(db);
	return CS_OK;
}
