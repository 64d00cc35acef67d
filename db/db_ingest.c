/* db_ingest: the records cs-ingest refused (table ingest_refusals, db/migrate-2.sql). */
#include <stdlib.h>

#include "cs.h"
#include "db.h"

/* Run sql with the one text parameter a. 0 or -1. */
static int run1(sqlite3 *db, const char *sql, const char *a)
{
	sqlite3_stmt *st = db_prepare(db, sql);
	int rc;
	if (!st)
		return -1;
	db_bind_text(st, 1, a);
	rc = db_step_done(db, st);
	sqlite3_finalize(st);
	return rc;
}

int db_refusal_add(sqlite3 *db, const char *source, const char *name, long line,
		   const char *reason, const char *why)
{
	sqlite3_stmt *st = db_prepare(db,
		"INSERT INTO ingest_refusals (source, name, line, reason, why) VALUES (?,?,?,?,?)"
		" ON CONFLICT (source, name) DO UPDATE SET line = excluded.line, reason = excluded.reason,"
		" why = excluded.why, created_at = excluded.created_at");
	int rc;
	if (!st)
		return -1;
	db_bind_text(st, 1, source);
	db_bind_text(st, 2, name);
	if (line > 0)
		db_bind_int(st, 3, line);
	else
		sqlite3_bind_null(st, 3);
	db_bind_text(st, 4, reason);
	db_bind_text(st, 5, why);
	rc = db_step_done(db, st);
	sqlite3_finalize(st);
	return rc;
}

int db_refusals_forget_source(sqlite3 *db, const char *source)
{
	return run1(db, "DELETE FROM ingest_refusals WHERE source = ?", source);
}

int db_refusals_forget_name(sqlite3 *db, const char *a, const char *b)
{
	sqlite3_stmt *st;
	int rc;
	if (!a && !b)
		return 0;
	if (!(st = db_prepare(db, "DELETE FROM ingest_refusals WHERE name IN (?1, ?2)")))
		return -1;
	db_bind_text(st, 1, a);
	db_bind_text(st, 2, b);
	rc = db_step_done(db, st);
	sqlite3_finalize(st);
	return rc;
}

int db_refusals_any(sqlite3 *db)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT EXISTS (SELECT 1 FROM ingest_refusals)");
	int rc = -1;
	if (st && sqlite3_step(st) == SQLITE_ROW)
		rc = sqlite3_column_int(st, 0);
	else if (st)
		error("%s: %s", sqlite3_db_filename(db, "main"), db_errstr(db));
	sqlite3_finalize(st);
	return rc;
}
