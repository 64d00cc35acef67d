/* db.h: the SQLite corpus. All SQL of coldstart lives in db/: prepared
 * statements with bound parameters, every multi-row change in one transaction.
 * Strings returned through json_t records are owned by those records. */
#ifndef DB_H
#define DB_H

#include <sqlite3.h>
#include <jansson.h>

#define DB_SCHEMA_VERSION 2
#define DB_DEFAULT_PATH "coldstart.db"

/* Path of the corpus: CS_DB or ./coldstart.db. Static string. */
const char *db_path(void);

/* Open (creating when allowed) the corpus at path: WAL, foreign keys, busy
 * timeout (CS_DB_BUSY_MS, default 30000), schema created or migrated forward.
 * readonly opens without creating or migrating. Returns NULL after printing why;
 * *code (if not NULL) receives the exit code to use (CS_ECONFIG or CS_EIO). */
sqlite3 *db_open(const char *path, int readonly, int *code);
void db_close(sqlite3 *db);

/* Transactions. Each returns 0 or -1 after printing the SQLite error. */
int db_begin(sqlite3 *db);   /* BEGIN IMMEDIATE: writers queue here, not mid-way */
int db_commit(sqlite3 *db);
void db_rollback(sqlite3 *db);

/* Prepare fixed SQL text; NULL after printing why. Caller finalizes. */
sqlite3_stmt *db_prepare(sqlite3 *db, const char *sql);
/* Bind a NULL-able string / integer / double to parameter i (1-based). */
void db_bind_text(sqlite3_stmt *st, int i, const char *s);
void db_bind_int(sqlite3_stmt *st, int i, long long v);
void db_bind_double(sqlite3_stmt *st, int i, double v);
/* Step a statement to completion (no rows expected); 0 or -1 after printing why. */
int db_step_done(sqlite3 *db, sqlite3_stmt *st);
/* Column i of the current row as a new JSON value (string, integer, real or null). */
json_t *db_column_json(sqlite3_stmt *st, int i);
/* The current row as a JSON object keyed by column names; caller owns it. */
json_t *db_row_json(sqlite3_stmt *st);

/* Problems */
struct db_problem {
	const char *name, *source, *split, *header, *informal, *formal_statement, *goal;
	const char *original_statement; /* the statement as published, when ingest normalised it */
	const char *source_key;         /* the dataset's id, when it is not the theorem's name */
	const char *stmt_key;  /* NULL: computed from name, header and statement */
	int depth;
	long long parent_subgoal_id; /* 0: none */
};
/* Insert unless a problem with the same stmt_key exists. *id receives the row id
 * (new or existing), *inserted 1 when new. 0, or -1 after printing why.
 * Runs inside the caller's transaction if one is open. */
int db_problem_insert(sqlite3 *db, const struct db_problem *p, long long *id, int *inserted);

/* Records refused by cs-ingest (table ingest_refusals), one row per (source, name):
 * name is the record's id, else its theorem's name, else "line N". Each returns 0,
 * or -1 after printing why; each runs inside the caller's transaction if one is open. */
int db_refusal_add(sqlite3 *db, const char *source, const char *name, long line,
		   const char *reason, const char *why);
/* Forget the refusals of source (before it is ingested again). */
int db_refusals_forget_source(sqlite3 *db, const char *source);
/* Forget the refusals named a or b (either may be NULL), from any source: a problem
 * of that id or theorem name has loaded. */
int db_refusals_forget_name(sqlite3 *db, const char *a, const char *b);
/* Are there refusals at all? 1, 0, or -1 after printing why. */
int db_refusals_any(sqlite3 *db);
/* Refusals per reason, most first: emit gets {reason, refused, example} (example: the
 * why of one of them; the record is freed after the call). Returns the number of
 * refused records (the sum), or -1 after printing why; -2 when emit failed. */
long db_refusal_counts(sqlite3 *db, int (*emit)(json_t *rec, void *ctx), void *ctx);

/* Runs */
/* Record a run start with the configuration JSON (no keys). Returns the run id or -1.
 * The caller holds the run lock (CS_DB.lock): runs still 'running' died without
 * recording their end (SIGKILL, power loss) and are marked 'killed' first. */
long long db_run_start(sqlite3 *db, const char *config_json);
/* Mark run finished with status and counts JSON. 0 or -1. */
int db_run_end(sqlite3 *db, long long run_id, const char *status, const char *counts_json);

/* Pending work for a stage ("prove", "decompose", "recombine"), one JSON record per
 * item handed to emit (which takes ownership of nothing: the record is freed after
 * the call). settle first moves problems whose state follows from their children.
 * Returns the number of records emitted, or -1 after printing why. */
long db_pending(sqlite3 *db, const char *stage, int max_depth, long limit,
		int (*emit)(json_t *rec, void *ctx), void *ctx);
/* Move problems whose state follows from others: unproved at max depth -> failed,
 * decomposed with a failed subgoal -> failed, decomposed with all proved -> recombine.
 * Returns the number of problems changed or -1. */
long db_settle(sqlite3 *db, int max_depth);

/* One line that changes whenever the pipeline makes progress (problems per status,
 * rows of sketches, proofs and corpus): the driver stops a run whose round changed
 * nothing. malloc'd, NULL after printing why. */
char *db_progress(sqlite3 *db);

/* Store one result record written by a stage (its "type": attempt, prove, decompose,
 * recombine) in one transaction. 0; -1 for a bad record (why set, nothing stored);
 * -2 for a database error (printed; the caller should stop). */
int db_store(sqlite3 *db, const json_t *rec, long long run_id, char **why);

/* Cached answer of one sample: a JSON object {content, reasoning, finish_reason,
 * prompt_tokens, completion_tokens, ...} (caller owns), or NULL when not asked before. */
json_t *db_attempt_cached(sqlite3 *db, const char *cache_key);

/* Stream the rows of an export format ("sft", "curriculum", "unsolved", "corpus")
 * to emit (sft: {name, source, split, source_key, depth, messages, checked_by}).
 * include_doubles admits rows not checked by a real Lean. Returns rows emitted,
 * -1 on a database error, or -2 when emit failed (e.g. write error). */
long db_export(sqlite3 *db, const char *format, int include_doubles,
	       int (*emit)(json_t *rec, void *ctx), void *ctx);
/* Rows of the corpus checked by a test double rather than by Lean, or -1. */
long long db_corpus_doubles(sqlite3 *db);
/* What a dataset card says about the rows export gives (include_doubles as for
 * db_export): {rows, lean, doubles, first, last (created_at), splits: [{split, depth,
 * rows}], models: [{decomposer_model, prover_model, checker, rows}], sources:
 * [{source, rows}]}. Caller owns it; NULL after printing why. */
json_t *db_export_summary(sqlite3 *db, int include_doubles);

#endif
