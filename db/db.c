#include <stdarg.h>

#include <libgen.h>
#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "cs.h"
#include "db.h"
#include "embed.h"

const char *db_path(void)
{
	return cs_conf_str("CS_DB");
}

/* Does the directory of path exist? Its name goes into dir (n bytes) either way. */
static int dir_exists(const char *path, char *dir, size_t n)
{
	char copy[4096];
	struct stat sb;
	snprintf(copy, sizeof copy, "%s", path);
	snprintf(dir, n, "%s", dirname(copy));
	return stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode);
}

const char *db_strerror(sqlite3 *db, char *buf, size_t n)
{
	const char *msg = sqlite3_errmsg(db), *what;
	switch (sqlite3_errcode(db) & 0xff) {
	case SQLITE_CANTOPEN: what = "cannot open the file (missing, or its directory is not readable or writable)"; break;
	case SQLITE_NOTADB: what = "not an SQLite database (another kind of file, or damaged)"; break;
	case SQLITE_CORRUPT: what = "the database file is damaged"; break;
	case SQLITE_FULL: what = "the disk is full"; break;
	case SQLITE_READONLY: what = "the corpus cannot be written (the file, its directory or the mount is read-only)"; break;
	case SQLITE_BUSY:
	case SQLITE_LOCKED: what = "another program held the corpus locked longer than CS_DB_BUSY_MS"; break;
	case SQLITE_IOERR: what = "the disk reported an I/O error"; break;
	case SQLITE_PERM:
	case SQLITE_AUTH: what = "permission denied"; break;
	case SQLITE_NOMEM: what = "out of memory"; break;
	case SQLITE_CONSTRAINT: what = "a record contradicts what the corpus holds (a constraint failed)"; break;
	case SQLITE_ERROR: what = "the corpus is not as this coldstart expects (changed by hand?)"; break;
	default: what = NULL;
	}
	if (what)
		snprintf(buf, n, "%s (SQLite: %s)", what, msg);
	else
		snprintf(buf, n, "SQLite: %s", msg);
	return buf;
}

static int exec(sqlite3 *db, const char *path, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		error("%s: %s", path, db_errstr(db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static int user_version(sqlite3 *db)
{
	sqlite3_stmt *st;
	int v = -1;
	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Bring the schema to DB_SCHEMA_VERSION: version 0 gets db/schema.sql, later
 * versions run db/migrate-N.sql (N = the version it leads to), all in one transaction. */
static int migrate(sqlite3 *db, const char *path)
{
	int v = user_version(db);
	if (v < 0)
		return error("%s: cannot read the schema version: %s", path, db_errstr(db));
	if (v > DB_SCHEMA_VERSION)
		return error("%s: corpus schema version %d is newer than this coldstart (%d); upgrade coldstart",
			     path, v, DB_SCHEMA_VERSION);
	if (v == DB_SCHEMA_VERSION)
		return 0;
	if (exec(db, path, "BEGIN IMMEDIATE"))
		return -1;
	v = user_version(db); /* another process may have migrated meanwhile */
	if (v == 0) {
		if (exec(db, path, cs_embedded("db/schema.sql")))
			goto fail;
		v = 1;
	}
	while (v < DB_SCHEMA_VERSION) {
		char name[64];
		const char *sql;
		snprintf(name, sizeof name, "db/migrate-%d.sql", v + 1);
		if (!(sql = cs_embedded(name))) {
			error("%s: no migration %s", path, name);
			goto fail;
		}
		if (exec(db, path, sql))
			goto fail;
		v++;
	}
	{
		char pragma[64];
		snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", v);
		if (exec(db, path, pragma) || exec(db, path, "COMMIT"))
			goto fail;
	}
	return 0;
fail:
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

sqlite3 *db_open(const char *path, int readonly, int *code)
{
	sqlite3 *db = NULL;
	int flags = readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	long busy = cs_conf_long("CS_DB_BUSY_MS");
	if (code)
		*code = CS_EIO;
	if (sqlite3_open_v2(path, &db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		char dir[4096];
		if (!dir_exists(path, dir, sizeof dir)) {
			error("%s: cannot open the corpus: directory %s does not exist", path, dir);
			if (code)
				*code = CS_ECONFIG;
		} else {
			error("%s: cannot open the corpus: %s", path, db ? db_errstr(db) : "out of memory");
		}
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_busy_timeout(db, (int)busy);
	sqlite3_extended_result_codes(db, 0);
	if (exec(db, path, "PRAGMA foreign_keys = ON"))
		goto fail;
	if (!readonly) {
		if (exec(db, path, "PRAGMA journal_mode = WAL") ||
		    exec(db, path, "PRAGMA synchronous = NORMAL"))
			goto fail;
		if (migrate(db, path)) {
			if (code && user_version(db) > DB_SCHEMA_VERSION)
				*code = CS_ECONFIG;
			goto fail;
		}
	} else {
		int v = user_version(db);
		if (v < 0) {
			error("%s: not a coldstart corpus: %s", path, db_errstr(db));
			goto fail;
		}
		if (v != DB_SCHEMA_VERSION) {
			error("%s: corpus schema version %d, this coldstart reads %d%s", path, v,
			      DB_SCHEMA_VERSION, v < DB_SCHEMA_VERSION ? " (run any writing stage to migrate it)" : "");
			if (code)
				*code = CS_ECONFIG;
			goto fail;
		}
	}
	return db;
fail:
	sqlite3_close(db);
	return NULL;
}

static void cache_drop(sqlite3 *db);

void db_close(sqlite3 *db)
{
	if (!db)
		return;
	cache_drop(db);
	sqlite3_close(db);
}

sqlite3 *db_open_existing(const char *path, int readonly, int *code)
{
	if (access(path, F_OK)) {
		error("%s: no corpus here (`coldstart run` creates it; CS_DB names the corpus)", path);
		if (code)
			*code = CS_ECONFIG;
		return NULL;
	}
	return db_open(path, readonly, code);
}

static long long count_of(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	long long n = -1;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

void db_probe(const char *path, struct db_probe *out)
{
	char copy[sizeof out->dir];
	sqlite3 *db = NULL;
	memset(out, 0, sizeof *out);
	out->version = -1;
	out->problems = out->rows = -1;
	snprintf(copy, sizeof copy, "%s", path);
	snprintf(out->dir, sizeof out->dir, "%s", dirname(copy));
	out->exists = access(path, F_OK) == 0;
	out->dir_exists = dir_exists(path, copy, sizeof copy);
	out->writable = access(out->dir, W_OK) == 0 && (!out->exists || access(path, W_OK) == 0);
	if (!out->exists)
		return;
	/* Read-only, without creating: the file exists and stays as it is. */
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		snprintf(out->why, sizeof out->why, "cannot open: %s", db ? db_errstr(db) : "out of memory");
		sqlite3_close(db);
		return;
	}
	sqlite3_busy_timeout(db, (int)cs_conf_long("CS_DB_BUSY_MS"));
	out->version = (int)count_of(db, "PRAGMA user_version");
	if (out->version < 0)
		snprintf(out->why, sizeof out->why, "not a coldstart corpus: %s", db_errstr(db));
	else if (out->version > 0) {
		out->problems = count_of(db, "SELECT count(*) FROM problems");
		out->rows = count_of(db, "SELECT count(*) FROM corpus");
	}
	sqlite3_close(db);
}

int db_begin(sqlite3 *db)
{
	return exec(db, sqlite3_db_filename(db, "main"), "BEGIN IMMEDIATE");
}

int db_commit(sqlite3 *db)
{
	return exec(db, sqlite3_db_filename(db, "main"), "COMMIT");
}

void db_rollback(sqlite3 *db)
{
	if (!sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
}

sqlite3_stmt *db_prepare(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		error("%s: %s", sqlite3_db_filename(db, "main"), db_errstr(db));
		return NULL;
	}
	return st;
}

void db_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

void db_bind_int(sqlite3_stmt *st, int i, long long v)
{
	sqlite3_bind_int64(st, i, v);
}

void db_bind_double(sqlite3_stmt *st, int i, double v)
{
	sqlite3_bind_double(st, i, v);
}

int db_step_done(sqlite3 *db, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return error("%s: %s", sqlite3_db_filename(db, "main"), db_errstr(db));
	return 0;
}

json_t *db_column_json(sqlite3_stmt *st, int i)
{
	switch (sqlite3_column_type(st, i)) {
	case SQLITE_INTEGER:
		return json_integer(sqlite3_column_int64(st, i));
	case SQLITE_FLOAT:
		return json_real(sqlite3_column_double(st, i));
	case SQLITE_NULL:
		return json_null();
	default: {
		const char *s = (const char *)sqlite3_column_text(st, i);
		json_t *j = json_stringn(s ? s : "", (size_t)sqlite3_column_bytes(st, i));
		return j ? j : json_null();
	}
	}
}

json_t *db_row_json(sqlite3_stmt *st)
{
	json_t *o = json_object();
	int n = sqlite3_column_count(st);
	for (int i = 0; i < n; i++)
		json_object_set_new(o, sqlite3_column_name(st, i), db_column_json(st, i));
	return o;
}

long db_rows_if(sqlite3 *db, sqlite3_stmt *st, int (*skip)(sqlite3_stmt *st, void *ctx),
		int (*emit)(json_t *row, void *ctx), void *ctx)
{
	long n = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *row;
		if (skip && skip(st, ctx))
			continue;
		row = db_row_json(st);
		rc = emit(row, ctx);
		json_decref(row);
		if (rc) {
			sqlite3_finalize(st);
			return -2;
		}
		n++;
	}
	if (rc != SQLITE_DONE)
		n = error("%s: %s", sqlite3_db_filename(db, "main"), db_errstr(db));
	sqlite3_finalize(st);
	return n;
}

long db_rows(sqlite3 *db, sqlite3_stmt *st, int (*emit)(json_t *row, void *ctx), void *ctx)
{
	return db_rows_if(db, st, NULL, emit, ctx);
}

int db_problem_insert(sqlite3 *db, const struct db_problem *p, long long *id, int *inserted)
{
	static const char *ins =
		"INSERT INTO problems (name, source, split, header, informal, formal_statement, goal,"
		" stmt_key, depth, parent_subgoal_id, original_statement, source_key, fingerprint, benchmark)"
		" VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
		" ON CONFLICT (stmt_key) DO NOTHING";
	char key[65];
	sqlite3_stmt *st;
	int rc = -1;

	if (p->stmt_key) {
		snprintf(key, sizeof key, "%s", p->stmt_key);
	} else {
		struct cs_sha256 c;
		cs_sha256_init(&c);
		cs_sha256_update(&c, p->name, strlen(p->name) + 1);
		cs_sha256_update(&c, p->header, strlen(p->header) + 1);
		cs_sha256_update(&c, p->formal_statement, strlen(p->formal_statement));
		cs_sha256_final_hex(&c, key);
	}
	if (!(st = db_prepare(db, ins)))
		return -1;
	db_bind_text(st, 1, p->name);
	db_bind_text(st, 2, p->source);
	db_bind_text(st, 3, p->split);
	db_bind_text(st, 4, p->header);
	db_bind_text(st, 5, p->informal);
	db_bind_text(st, 6, p->formal_statement);
	db_bind_text(st, 7, p->goal);
	db_bind_text(st, 8, key);
	db_bind_int(st, 9, p->depth);
	if (p->parent_subgoal_id)
		db_bind_int(st, 10, p->parent_subgoal_id);
	else
		sqlite3_bind_null(st, 10);
	db_bind_text(st, 11, p->original_statement);
	db_bind_text(st, 12, p->source_key);
	db_bind_text(st, 13, p->fingerprint);
	db_bind_text(st, 14, p->benchmark);
	if (db_step_done(db, st))
		goto out;
	*inserted = sqlite3_changes(db) > 0;
	sqlite3_finalize(st);
	if (*inserted) {
		*id = sqlite3_last_insert_rowid(db);
		return 0;
	}
	if (!(st = db_prepare(db, "SELECT id FROM problems WHERE stmt_key = ?")))
		return -1;
	db_bind_text(st, 1, key);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		rc = 0;
		if (db_exec(db, "UPDATE problems SET fingerprint = coalesce(fingerprint, ?1),"
			    " benchmark = CASE WHEN ?2 THEN ?3 ELSE benchmark END WHERE id = ?4"
			    " AND (fingerprint IS NULL OR (?2 AND benchmark IS NOT ?3))",
			    "titI", p->fingerprint, p->set_benchmark, p->benchmark, *id) < 0)
			rc = -1;
	} else {
		error("%s: problem %s vanished", sqlite3_db_filename(db, "main"), p->name);
	}
out:
	sqlite3_finalize(st);
	return rc;
}

/* A run's reserve: space held on the corpus's disk from the run's start, given back
 * so that the run's end can still be recorded on a disk the run filled (it would
 * otherwise stay 'running' and be relabelled 'killed'). */
#define RESERVE_BYTES (256 * 1024)

static char *reserve_path(sqlite3 *db)
{
	const char *f = sqlite3_db_filename(db, "main");
	return f && *f ? xasprintf("%s.reserve", f) : NULL;
}

static void reserve_take(sqlite3 *db)
{
	char *path = reserve_path(db);
	FILE *fp = path ? fopen(path, "wb") : NULL;
	static const char zeros[4096];
	if (fp) {
		for (size_t n = 0; n < RESERVE_BYTES; n += sizeof zeros)
			if (fwrite(zeros, sizeof zeros, 1, fp) != 1)
				break;
		if (fclose(fp) != 0) /* a disk full already: nothing to hold */
			unlink(path);
	}
	free(path);
}

static void reserve_release(sqlite3 *db)
{
	char *path = reserve_path(db);
	if (path)
		unlink(path);
	free(path);
}

long long db_run_start(sqlite3 *db, const char *config_json)
{
	char now[32];
	sqlite3_stmt *st;
	long long id = -1;

	cs_utc_iso(now);
	/* The caller holds the run lock: a run still 'running' died without saying so. */
	if (!(st = db_prepare(db, "UPDATE runs SET status = 'killed', ended_at = ? WHERE status = 'running'")))
		return -1;
	db_bind_text(st, 1, now);
	if (db_step_done(db, st)) {
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	if (!(st = db_prepare(db, "INSERT INTO runs (started_at, config, version) VALUES (?, ?, ?)")))
		return -1;
	db_bind_text(st, 1, now);
	db_bind_text(st, 2, config_json ? config_json : "{}");
	db_bind_text(st, 3, cs_version());
	if (!db_step_done(db, st))
		id = sqlite3_last_insert_rowid(db);
	sqlite3_finalize(st);
	if (id >= 0)
		reserve_take(db);
	return id;
}

int db_run_end(sqlite3 *db, long long run_id, const char *status, const char *counts_json)
{
	char now[32];
	int rc = -1;
	cs_utc_iso(now);
	/* a second try with the run's reserve given back: the disk may be full */
	for (int attempt = 0; attempt < 2 && rc; attempt++) {
		sqlite3_stmt *st = db_prepare(db, "UPDATE runs SET ended_at = ?, status = ?, counts = ? WHERE id = ?");
		if (attempt)
			reserve_release(db);
		if (!st)
			continue;
		db_bind_text(st, 1, now);
		db_bind_text(st, 2, status);
		db_bind_text(st, 3, counts_json);
		db_bind_int(st, 4, run_id);
		rc = db_step_done(db, st);
		sqlite3_finalize(st);
	}
	reserve_release(db);
	return rc;
}

/* Bind the parameters of fmt (see db.h) from ap. */
static void bind_args(sqlite3_stmt *st, const char *fmt, va_list ap)
{
	for (int i = 1; fmt && *fmt; fmt++, i++) {
		switch (*fmt) {
		case 'i':
			db_bind_int(st, i, va_arg(ap, int));
			break;
		case 'I':
			db_bind_int(st, i, va_arg(ap, long long));
			break;
		case 't':
			db_bind_text(st, i, va_arg(ap, const char *));
			break;
		case 'd':
			db_bind_double(st, i, va_arg(ap, double));
			break;
		case 'n':
			sqlite3_bind_null(st, i);
			break;
		case 'j': {
			const json_t *obj = va_arg(ap, const json_t *);
			const char *key = va_arg(ap, const char *);
			db_bind_json(st, i, json_object_get(obj, key));
			break;
		}
		default:
			die(CS_EIO, "internal error: db bind format '%c'", *fmt);
		}
	}
}

static int sql_error(sqlite3 *db, const char *sql)
{
	return error("%s: %s (in: %.72s%s)", sqlite3_db_filename(db, "main"), db_errstr(db), sql,
		     strlen(sql) > 72 ? "…" : "");
}

sqlite3_stmt *db_query(sqlite3 *db, const char *sql, const char *fmt, ...)
{
	sqlite3_stmt *st = NULL;
	va_list ap;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		sql_error(db, sql);
		return NULL;
	}
	va_start(ap, fmt);
	bind_args(st, fmt, ap);
	va_end(ap);
	return st;
}

/* Prepared statements of db_exec and db_scalar, kept for the next call with the same
 * SQL (the text is compared, not only the pointer): the scheduler runs a few
 * statements thousands of times. */
#define STMT_CACHE 64
static struct cached {
	sqlite3 *db;
	sqlite3_stmt *st;
} cache[STMT_CACHE];
static unsigned cache_next;

static sqlite3_stmt *cached_prepare(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	struct cached *c;
	for (unsigned i = 0; i < STMT_CACHE; i++)
		if (cache[i].db == db && cache[i].st && !strcmp(sqlite3_sql(cache[i].st), sql))
			return cache[i].st;
	if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		sqlite3_finalize(st);
		return NULL;
	}
	c = &cache[cache_next++ % STMT_CACHE];
	sqlite3_finalize(c->st);
	c->db = db;
	c->st = st;
	return st;
}

static void cache_drop(sqlite3 *db)
{
	for (unsigned i = 0; i < STMT_CACHE; i++)
		if (cache[i].db == db) {
			sqlite3_finalize(cache[i].st);
			cache[i].db = NULL;
			cache[i].st = NULL;
		}
}

/* Step a cached statement once, bound from fmt: SQLITE_ROW (the row readable until
 * the caller resets st) or SQLITE_DONE, or -1 after printing the error (st reset). */
static int cached_step(sqlite3 *db, const char *sql, sqlite3_stmt **out, const char *fmt, va_list ap)
{
	sqlite3_stmt *st = cached_prepare(db, sql);
	int rc;
	if (!st)
		return sql_error(db, sql);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	bind_args(st, fmt, ap);
	*out = st;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return rc;
	sql_error(db, sql);
	sqlite3_reset(st);
	return -1;
}

long db_exec(sqlite3 *db, const char *sql, const char *fmt, ...)
{
	sqlite3_stmt *st;
	va_list ap;
	int rc;
	va_start(ap, fmt);
	rc = cached_step(db, sql, &st, fmt, ap);
	va_end(ap);
	if (rc < 0)
		return -1;
	sqlite3_reset(st);
	return sqlite3_changes(db);
}

int db_scalar(sqlite3 *db, long long *out, const char *sql, const char *fmt, ...)
{
	sqlite3_stmt *st;
	va_list ap;
	int rc;
	*out = 0;
	va_start(ap, fmt);
	rc = cached_step(db, sql, &st, fmt, ap);
	va_end(ap);
	if (rc < 0)
		return -1;
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW;
}

void db_bind_json(sqlite3_stmt *st, int i, const json_t *v)
{
	if (!v || json_is_null(v)) {
		sqlite3_bind_null(st, i);
	} else if (json_is_string(v)) {
		sqlite3_bind_text(st, i, json_string_value(v), (int)json_string_length(v), SQLITE_TRANSIENT);
	} else if (json_is_integer(v)) {
		sqlite3_bind_int64(st, i, json_integer_value(v));
	} else if (json_is_real(v)) {
		sqlite3_bind_double(st, i, json_real_value(v));
	} else if (json_is_boolean(v)) {
		sqlite3_bind_int(st, i, json_is_true(v));
	} else {
		char *s = json_dumps(v, JSON_COMPACT);
		db_bind_text(st, i, s);
		free(s);
	}
}

long db_fingerprints_fill(sqlite3 *db, int (*fp)(const char *statement, char hex[65], void *ctx), void *ctx)
{
	long long after = 0, ids[256];
	char *stmts[256];
	long filled = 0;
	for (;;) {
		sqlite3_stmt *st = db_query(db, "SELECT id, formal_statement FROM problems WHERE fingerprint IS NULL"
					    " AND id > ? ORDER BY id LIMIT 256", "I", after);
		size_t n = 0;
		int rc;
		if (!st)
			return -1;
		while (n < 256 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
			ids[n] = sqlite3_column_int64(st, 0);
			stmts[n++] = xstrdup((const char *)sqlite3_column_text(st, 1));
		}
		sqlite3_finalize(st);
		if (n && !db_begin(db)) {
			for (size_t i = 0; i < n; i++) {
				char hex[65];
				if (!fp(stmts[i], hex, ctx) &&
				    db_exec(db, "UPDATE problems SET fingerprint = ? WHERE id = ?", "tI", hex, ids[i]) < 0) {
					db_rollback(db);
					filled = -1;
					break;
				}
				filled++;
			}
			if (filled >= 0 && db_commit(db))
				filled = -1;
		} else if (n) {
			filled = -1;
		}
		for (size_t i = 0; i < n; i++)
			free(stmts[i]);
		if (filled < 0 || n < 256)
			return filled;
		after = ids[n - 1];
	}
}
