/* db_toolchain: the toolchains checks ran under, the verdicts of stored proofs per
 * toolchain (rechecks), and the choice of rows by toolchain for export (issue 20). */
#include <stdlib.h>
#include <string.h>

#include "cs.h"
#include "db.h"
#include "jsonl.h"

static const char *unknown_as_empty(const char *s)
{
	return s ? s : "";
}

char *db_toolchain_env_key(const struct db_toolchain *t)
{
	/* the layout migrate-3.sql gives the toolchains of a version 2 corpus */
	return xasprintf("%s\x1f%s\x1f%s\x1f%s\x1f%s", unknown_as_empty(t->checker), unknown_as_empty(t->lean_version),
			 unknown_as_empty(t->lean_toolchain), unknown_as_empty(t->mathlib_rev),
			 unknown_as_empty(t->repl_rev));
}

int db_toolchain_id(sqlite3 *db, const struct db_toolchain *t, long long problem_id, long long *id)
{
	char *env = db_toolchain_env_key(t);
	int rc = -1;
	/* the header of a check is its problem's (every pipe_check is given it) */
	if (db_exec(db, "INSERT INTO toolchains (checker, lean_version, lean_toolchain, mathlib_rev, repl_rev,"
			" header, real_lean, env_key) SELECT ?, ?, ?, ?, ?, p.header, ?, ? FROM problems p WHERE p.id = ?"
			" ON CONFLICT (env_key, header) DO NOTHING",
		    "tttttitI", unknown_as_empty(t->checker), unknown_as_empty(t->lean_version),
		    unknown_as_empty(t->lean_toolchain), unknown_as_empty(t->mathlib_rev), unknown_as_empty(t->repl_rev),
		    t->real_lean, env, problem_id) >= 0)
		rc = db_scalar(db, id, "SELECT t.id FROM toolchains t JOIN problems p ON p.header = t.header"
				       " WHERE p.id = ? AND t.env_key = ?", "It", problem_id, env);
	free(env);
	if (rc == 0)
		return error("problem %lld not in the corpus: no toolchain recorded for its check", problem_id);
	return rc < 0 ? -1 : 0;
}

int db_toolchain_of_record(sqlite3 *db, const json_t *rec, const char *version_key, long long problem_id,
			   long long *id)
{
	const json_t *tc = json_object_get(rec, "toolchain");
	struct db_toolchain t = { jsonl_str(rec, "checker"), jsonl_str(rec, version_key),
				  jsonl_str(tc, "lean_toolchain"), jsonl_str(tc, "mathlib_rev"),
				  jsonl_str(tc, "repl_rev"), json_is_true(json_object_get(rec, "real_lean")) };
	return db_toolchain_id(db, &t, problem_id, id);
}

/* Step st to its first row: 1 there, 0 when there is none, -1 after printing why. */
static int first_row(sqlite3 *db, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc != SQLITE_DONE)
		error("%s: %s", sqlite3_db_filename(db, "main"), db_errstr(db));
	return rc == SQLITE_DONE ? 0 : -1;
}

/* ?1 after, ?2 lemmas, ?3 env_key or NULL */
static const char q_next[] =
	"SELECT p.id AS problem_id, c.id AS corpus_id, p.name, p.header, p.formal_statement,"
	" coalesce(c.formal_proof, pr.code) AS code"
	" FROM problems p LEFT JOIN corpus c ON c.problem_id = p.id LEFT JOIN proofs pr ON pr.problem_id = p.id"
	" WHERE p.id > ?1 AND (c.id IS NOT NULL OR (?2 AND p.depth > 0 AND pr.problem_id IS NOT NULL))"
	" AND (?3 IS NULL OR NOT EXISTS (SELECT 1 FROM rechecks r JOIN toolchains t ON t.id = r.toolchain_id"
	"   WHERE r.problem_id = p.id AND r.origin = 'reverify' AND t.env_key = ?3"
	"   AND (r.corpus_id IS NULL) = (c.id IS NULL)))"
	" ORDER BY p.id LIMIT 1";

int db_reverify_next(sqlite3 *db, long long after, int lemmas, const char *env_key, json_t **row)
{
	sqlite3_stmt *st = db_query(db, q_next, "Iit", after, lemmas, env_key);
	int rc;
	*row = NULL;
	if (!st)
		return -1;
	if ((rc = first_row(db, st)) == 1)
		*row = db_row_json(st);
	sqlite3_finalize(st);
	return rc;
}

int db_recheck_store(sqlite3 *db, const struct db_recheck *r)
{
	return db_exec(db, "INSERT INTO rechecks (problem_id, corpus_id, toolchain_id, origin, verdict, why, code_hash,"
			   " elapsed) VALUES (?, nullif(?, 0), ?, ?, ?, ?, ?, ?)",
		       "IIIttttd", r->problem_id, r->corpus_id, r->toolchain_id, r->origin, r->verdict, r->why,
		       r->code_hash, r->elapsed) < 0 ? -1 : 0;
}

/* The latest verdict of each proof under env ?1 (corpus rows; lemma proofs when ?2). */
static const char q_latest[] =
	"SELECT r.problem_id, r.corpus_id, p.name, r.verdict, r.why, r.origin, r.created_at FROM rechecks r"
	" JOIN toolchains t ON t.id = r.toolchain_id JOIN problems p ON p.id = r.problem_id"
	" WHERE t.env_key = ?1 AND (r.corpus_id IS NOT NULL OR ?2)"
	" AND r.id = (SELECT max(b.id) FROM rechecks b JOIN toolchains u ON u.id = b.toolchain_id"
	"   WHERE b.problem_id = r.problem_id AND u.env_key = ?1 AND (b.corpus_id IS NULL) = (r.corpus_id IS NULL))"
	" AND r.verdict != 'pass' ORDER BY r.problem_id";

long db_reverify_broken(sqlite3 *db, const char *env_key, int lemmas, int (*emit)(json_t *row, void *ctx),
			void *ctx)
{
	sqlite3_stmt *st = db_query(db, q_latest, "ti", env_key, lemmas);
	return st ? db_rows(db, st, emit, ctx) : -1;
}

int db_toolchain_env(sqlite3 *db, long long id, char **env_key)
{
	sqlite3_stmt *st = db_query(db, "SELECT env_key FROM toolchains WHERE id = ?", "I", id);
	int rc;
	*env_key = NULL;
	if (!st)
		return -1;
	if ((rc = first_row(db, st)) == 1)
		*env_key = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return rc;
}

int db_toolchain_env_matching(sqlite3 *db, const struct db_toolchain *t, char **env_key)
{
	sqlite3_stmt *st = db_query(db, "SELECT env_key FROM toolchains WHERE checker = ? AND lean_toolchain = ?"
				    " AND mathlib_rev = ? AND repl_rev = ? ORDER BY id DESC LIMIT 1", "tttt",
				    unknown_as_empty(t->checker), unknown_as_empty(t->lean_toolchain),
				    unknown_as_empty(t->mathlib_rev), unknown_as_empty(t->repl_rev));
	int rc;
	*env_key = NULL;
	if (!st)
		return -1;
	if ((rc = first_row(db, st)) == 1)
		*env_key = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return rc;
}

json_t *db_toolchain_env_json(const char *env_key)
{
	static const char *const keys[] = { "checker", "lean_version", "lean_toolchain", "mathlib_rev", "repl_rev" };
	json_t *o = json_object();
	const char *p = env_key;
	for (size_t i = 0; i < CS_ARRAY_SIZE(keys); i++) {
		size_t n = strcspn(p, "\x1f");
		json_object_set_new(o, keys[i], n ? json_stringn(p, n) : json_null());
		p += n + (p[n] ? 1 : 0);
	}
	return o;
}

int db_export_set_toolchain(sqlite3 *db, const char *env_key)
{
	if (db_exec(db, "CREATE TEMP TABLE IF NOT EXISTS export_env (env_key TEXT NOT NULL)", "") < 0 ||
	    db_exec(db, "DELETE FROM temp.export_env", "") < 0 ||
	    db_exec(db, "INSERT INTO temp.export_env VALUES (?)", "t", env_key) < 0)
		return -1;
	return 0;
}
