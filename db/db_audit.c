/* db_audit: the audits table (kernel replay of corpus rows), the run lock, and
 * what an export leaves out. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "cs.h"
#include "db.h"

int db_audit_next(sqlite3 *db, long long after, int all, const char *glob, json_t **row)
{
	static const char q[] =
		"SELECT c.id, c.name, c.formal_proof, p.header, p.formal_statement"
		" FROM corpus c JOIN problems p ON p.id = c.problem_id"
		" WHERE c.id > ?1 AND (?2 OR NOT EXISTS (SELECT 1 FROM audits a"
		"   WHERE a.corpus_id = c.id AND a.verdict != 'error'))"
		" AND (?3 IS NULL OR c.name GLOB ?3) ORDER BY c.id LIMIT 1";
	sqlite3_stmt *st = db_prepare(db, q);
	int rc;
	*row = NULL;
	if (!st)
		return -1;
	db_bind_int(st, 1, after);
	db_bind_int(st, 2, all != 0);
	db_bind_text(st, 3, glob);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*row = db_row_json(st);
	else if (rc != SQLITE_DONE)
		error("%s: %s", sqlite3_db_filename(db, "main"), db_errstr(db));
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int db_audit_store(sqlite3 *db, const struct db_audit *a)
{
	sqlite3_stmt *st = db_prepare(db,
		"INSERT INTO audits (corpus_id, verdict, checker, version, real_lean, why, code_hash, elapsed)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
	int rc;
	if (!st)
		return -1;
	db_bind_int(st, 1, a->corpus_id);
	db_bind_text(st, 2, a->verdict);
	db_bind_text(st, 3, a->checker);
	db_bind_text(st, 4, a->version);
	db_bind_int(st, 5, a->real_lean != 0);
	db_bind_text(st, 6, a->why);
	db_bind_text(st, 7, a->code_hash);
	db_bind_double(st, 8, a->elapsed);
	rc = db_step_done(db, st);
	sqlite3_finalize(st);
	return rc;
}

int db_export_left_out(sqlite3 *db, int flags, const char *name, struct db_export_left *out)
{
	static const char q[] =
		"SELECT coalesce(sum(NOT c.real_lean AND NOT ?1), 0),"
		" coalesce(sum((c.real_lean OR ?1) AND ?2 AND a.verdict IS NULL), 0),"
		" coalesce(sum((c.real_lean OR ?1) AND ?2 AND a.verdict = 'fail'), 0),"
		" coalesce(sum((c.real_lean OR ?1) AND ?2 AND a.verdict = 'pass' AND NOT a.real_lean"
		"   AND NOT ?1), 0),"
		" coalesce(sum((c.real_lean OR ?1) AND NOT ?4 AND c.problem_id IN (SELECT problem_id FROM v_benchmark_tree)), 0),"
		" (SELECT count(*) FROM v_benchmark_tree t JOIN problems p ON p.id = t.problem_id"
		"   WHERE NOT ?4 AND p.depth > 0 AND p.status = 'proved' AND (?3 IS NULL OR p.name GLOB ?3))"
		" FROM corpus c LEFT JOIN v_corpus_audit a ON a.corpus_id = c.id"
		" WHERE ?3 IS NULL OR c.name GLOB ?3";
	sqlite3_stmt *st = db_prepare(db, q);
	int rc;
	memset(out, 0, sizeof *out);
	if (!st)
		return -1;
	db_bind_int(st, 1, (flags & DB_EXPORT_UNVERIFIED) != 0);
	db_bind_int(st, 2, (flags & DB_EXPORT_AUDITED) != 0);
	db_bind_text(st, 3, name);
	db_bind_int(st, 4, (flags & DB_EXPORT_BENCHMARKS) != 0);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->unverified = sqlite3_column_int64(st, 0);
		out->unaudited = sqlite3_column_int64(st, 1);
		out->audit_failed = sqlite3_column_int64(st, 2);
		out->audit_unverified = sqlite3_column_int64(st, 3);
		out->benchmark = sqlite3_column_int64(st, 4);
		out->benchmark_lemmas = sqlite3_column_int64(st, 5);
	} else {
		error("%s: %s", sqlite3_db_filename(db, "main"), db_errstr(db));
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : -1;
}
