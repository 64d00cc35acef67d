/* db.h: the SQLite corpus. All SQL of coldstart lives in db/: prepared
 * statements with bound parameters, every multi-row change in one transaction.
 * Strings returned through json_t records are owned by those records. */
#ifndef DB_H
#define DB_H

#include <sqlite3.h>
#include <jansson.h>

#define DB_SCHEMA_VERSION 3

/* Path of the corpus: CS_DB (default ./coldstart.db). Static string. */
const char *db_path(void);

/* Open (creating when allowed) the corpus at path: WAL, foreign keys, busy
 * timeout (CS_DB_BUSY_MS, default 30000), schema created or migrated forward.
 * readonly opens without creating or migrating. Returns NULL after printing why;
 * *code (if not NULL) receives the exit code to use (CS_ECONFIG or CS_EIO). */
sqlite3 *db_open(const char *path, int readonly, int *code);
void db_close(sqlite3 *db);
/* db_open of a corpus that must exist already (readers, cs-retry): a missing file is
 * reported ("no corpus here") with *code CS_ECONFIG instead of being created. */
sqlite3 *db_open_existing(const char *path, int readonly, int *code);

/* The last error of db in the user's words: "what it means (SQLite: its message)", or
 * the message alone when its code has no plainer meaning; into buf (n bytes), which
 * it returns. db_errstr(db): the same into a buffer living for the enclosing block. */
const char *db_strerror(sqlite3 *db, char *buf, size_t n);
#define db_errstr(db) db_strerror((db), (char[768]){ 0 }, 768)

/* What can be said of a corpus without creating or changing it (cs-doctor). */
struct db_probe {
	int exists;               /* the file exists */
	int dir_exists;           /* its directory exists */
	int version;              /* PRAGMA user_version; -1 when unreadable (why says) */
	int writable;             /* the file (when it exists) and its directory are writable */
	long long problems, rows; /* problems and corpus rows; -1 when unknown */
	char dir[4096];           /* the directory of the corpus */
	char why[512];
};
void db_probe(const char *path, struct db_probe *out);

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
/* Bind a JSON value: string, integer, real, boolean (0/1), null (or NULL), other JSON as text. */
void db_bind_json(sqlite3_stmt *st, int i, const json_t *v);
/* Statements with their parameters bound from fmt, one letter each: 'i' int, 'I' long
 * long, 't' const char * (NULL binds null), 'd' double, 'n' null (no argument), 'j' two
 * arguments (const json_t *obj, const char *key): obj's field key as db_bind_json.
 * A failure prints the database, the error and the start of the failing SQL.
 * db_exec runs sql to completion: the number of rows changed, or -1.
 * db_query prepares and binds: the statement (caller steps and finalizes), or NULL.
 * db_scalar: column 0 of the first row into *out (0 when none): 1 row, 0 none, -1. */
long db_exec(sqlite3 *db, const char *sql, const char *fmt, ...);
sqlite3_stmt *db_query(sqlite3 *db, const char *sql, const char *fmt, ...);
int db_scalar(sqlite3 *db, long long *out, const char *sql, const char *fmt, ...);
/* Step a statement to completion (no rows expected); 0 or -1 after printing why. */
int db_step_done(sqlite3 *db, sqlite3_stmt *st);
/* Column i of the current row as a new JSON value (string, integer, real or null). */
json_t *db_column_json(sqlite3_stmt *st, int i);
/* The current row as a JSON object keyed by column names; caller owns it. */
json_t *db_row_json(sqlite3_stmt *st);
/* Step st to its end, handing each row (db_row_json, freed after the call) to emit,
 * then finalize st. Rows emitted, -1 after printing a SQLite error, -2 when emit
 * returned non-zero. */
long db_rows(sqlite3 *db, sqlite3_stmt *st, int (*emit)(json_t *row, void *ctx), void *ctx);
/* The same, but rows for which skip(st, ctx) is true are passed over before any JSON
 * is built (and not counted). */
long db_rows_if(sqlite3 *db, sqlite3_stmt *st, int (*skip)(sqlite3_stmt *st, void *ctx),
		int (*emit)(json_t *row, void *ctx), void *ctx);

/* Problems */
struct db_problem {
	const char *name, *source, *split, *header, *informal, *formal_statement, *goal;
	const char *original_statement; /* the statement as published, when ingest normalised it */
	const char *source_key;         /* the dataset's id, when it is not the theorem's name */
	const char *stmt_key;  /* NULL: computed from name, header and statement */
	const char *fingerprint;        /* lean_fingerprint of the statement, or NULL */
	const char *benchmark;          /* the benchmark entries it reads as, or NULL */
	int set_benchmark;              /* an existing problem's benchmark becomes benchmark too */
	int depth;
	long long parent_subgoal_id; /* 0: none */
};
/* Insert unless a problem with the same stmt_key exists (then its fingerprint is
 * filled when it had none, and its benchmark set when set_benchmark). *id
 * receives the row id (new or existing), *inserted 1 when new. 0, or -1 after printing why.
 * Runs inside the caller's transaction if one is open. */
int db_problem_insert(sqlite3 *db, const struct db_problem *p, long long *id, int *inserted);

/* Fill problems.fingerprint where it is NULL (problems stored before schema 3):
 * fp(statement, hex, ctx) computes it (0, or -1 when the statement is unreadable:
 * left NULL). Batches of 256 in one transaction each. Problems filled, or -1
 * after printing why. */
long db_fingerprints_fill(sqlite3 *db, int (*fp)(const char *statement, char hex[65], void *ctx), void *ctx);

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

/* Runs */
/* Record a run start with the configuration JSON (no keys) and this coldstart's
 * version (cs_version). Returns the run id or -1.
 * The caller holds the run lock (CS_DB.lock): runs still 'running' died without
 * recording their end (SIGKILL, power loss) and are marked 'killed' first. A small
 * file CS_DB.reserve holds some disk space until db_run_end. */
long long db_run_start(sqlite3 *db, const char *config_json);
/* The counts of a run's end: original problems per status, merged into the object
 * extra_json (may be NULL). malloc'd JSON, or NULL after printing why. */
char *db_run_counts(sqlite3 *db, const char *extra_json);
/* Mark run finished with status and counts JSON; on a full disk, again after giving
 * back the run's reserve (so a run that filled the disk is not taken for killed).
 * 0 or -1. */
int db_run_end(sqlite3 *db, long long run_id, const char *status, const char *counts_json);

/* Pending work for a stage ("prove", "decompose", "recombine"), deepest first, one
 * JSON record per item handed to emit (the record is freed after the call; a
 * non-zero return stops). Problems with a failed request or a check that could not
 * run in run_id are left out (they wait for the next run). Call db_settle first.
 * Returns the number of records emitted, -1 after printing why, -2 when emit stopped. */
long db_pending(sqlite3 *db, const char *stage, int max_depth, long long run_id, long limit,
		int (*skip)(long long problem_id, void *ctx), int (*emit)(json_t *rec, void *ctx), void *ctx);
/* Move problems whose state follows from others: new at depth 0 -> unproved when
 * e2e_samples is 0, unproved at max depth -> failed, decomposed with a failed subgoal
 * -> failed, decomposed with all proved -> recombine. One transaction. Returns the
 * number of problems changed or -1. */
long db_settle(sqlite3 *db, int max_depth, int e2e_samples);
/* The same for problem pid and what follows from it upwards: the parents whose
 * accepted sketch holds it, recursively. Cheap: what one stored result needs. */
long db_settle_problem(sqlite3 *db, long long pid, int max_depth);

/* One line that changes whenever the pipeline makes progress (problems per status,
 * rows of sketches, proofs and corpus): the driver stops a run whose round changed
 * nothing. malloc'd, NULL after printing why. */
char *db_progress(sqlite3 *db);

/* Totals for a run's progress lines: original problems (depth 0) proved, failed
 * and open (any other status), and corpus rows. */
struct db_totals {
	long long proved, failed, open, corpus;
};
/* Fill t. 0, or -1 after printing why. */
int db_totals(sqlite3 *db, struct db_totals *t);

/* Store one result record written by a stage (its "type": attempt, prove, decompose,
 * recombine) in one transaction. 0; -1 for a bad record (why set, nothing stored);
 * -2 for a database error (printed; the caller should stop). */
int db_store(sqlite3 *db, const json_t *rec, long long run_id, char **why);

/* Cached answer of one sample: a JSON object {content, reasoning, finish_reason,
 * prompt_tokens, completion_tokens, ...} (caller owns), or NULL when not asked before. */
json_t *db_attempt_cached(sqlite3 *db, const char *cache_key);

/* What db_export admits (flags, or'ed). */
#define DB_EXPORT_UNVERIFIED 1 /* also rows not checked by a recognised Lean (real_lean = 0) */
#define DB_EXPORT_AUDITED 2    /* sft, corpus: only rows whose audit (v_corpus_audit) passed,
				* by a checker that is Lean unless DB_EXPORT_UNVERIFIED */
#define DB_EXPORT_TOOLCHAIN 4  /* sft, corpus: only rows whose latest check under the toolchain
				* of db_export_set_toolchain passed */
#define DB_EXPORT_BENCHMARKS 8 /* also rows of benchmark problems and of the lemmas below them */
/* Where an export's records go: CS_DONE, or CS_STOP to end the export (the callee
 * says why). rec is borrowed. */
typedef enum cs_outcome (*db_emit_fn)(json_t *rec, void *ctx);
/* Stream the rows of an export format ("sft", "curriculum", "unsolved", "corpus")
 * to emit (sft: {name, source, split, source_key, depth, messages, checked_by}), the
 * number emitted in *rows. flags: DB_EXPORT_UNVERIFIED, DB_EXPORT_AUDITED,
 * DB_EXPORT_TOOLCHAIN, DB_EXPORT_BENCHMARKS. name: a GLOB the rows' problem names match (curriculum: the
 * lemma's name), NULL for every row. CS_DONE, or CS_STOP after a database error
 * (printed) or when emit stopped. */
enum cs_outcome db_export(sqlite3 *db, const char *format, int flags, const char *name,
			  db_emit_fn emit, void *ctx, long *rows);
/* What a dataset card says about the rows export gives (flags DB_EXPORT_UNVERIFIED,
 * DB_EXPORT_TOOLCHAIN and DB_EXPORT_BENCHMARKS as for db_export): {rows, lean, doubles, first, last
 * (created_at), splits: [{split, depth, rows}], models: [{decomposer_model,
 * prover_model, checker, rows}], sources: [{source, rows}], toolchains: [{checker,
 * lean_version, lean_toolchain, mathlib_rev, repl_rev, rows}] (of the rows' own
 * checks), benchmarks: {problems, rows}}. Caller owns it; NULL after printing why. */
json_t *db_export_summary(sqlite3 *db, int flags);

/* Audits (db_audit.c): kernel replay of corpus rows by cs-audit. */
/* The next corpus row to audit after corpus id `after`, in id order: rows without
 * a pass or fail audit (all: every row) whose name matches the GLOB pattern glob
 * (NULL: any). 1 with *row {id, name, formal_proof, header, formal_statement}
 * (caller owns), 0 when there is none, -1 after printing why. */
int db_audit_next(sqlite3 *db, long long after, int all, const char *glob, json_t **row);
struct db_audit {
	long long corpus_id;
	const char *verdict;    /* pass | fail | error */
	const char *checker, *version, *why, *code_hash; /* version, why may be NULL */
	int real_lean;
	double elapsed;
};
/* Append one audit (a single-row insert: its own transaction). 0, or -1 after printing why. */
int db_audit_store(sqlite3 *db, const struct db_audit *a);

/* Corpus rows db_export(flags) leaves out, by cause. */
struct db_export_left {
	long long unverified;     /* real_lean = 0 (without DB_EXPORT_UNVERIFIED) */
	long long unaudited;      /* DB_EXPORT_AUDITED: no pass or fail audit yet */
	long long audit_failed;   /* DB_EXPORT_AUDITED: the audit said fail */
	long long audit_unverified; /* DB_EXPORT_AUDITED: passed, but by a checker not Lean */
	long long benchmark;      /* without DB_EXPORT_BENCHMARKS: rows of a benchmark problem */
	long long benchmark_lemmas; /* curriculum, without DB_EXPORT_BENCHMARKS: proved subgoal
				     * lemmas at or below a benchmark problem */
};
/* 0, or -1 after printing why. */
int db_export_left_out(sqlite3 *db, int flags, const char *name, struct db_export_left *out);

/* Toolchains (db_toolchain.c, issue 20): what each check ran under, and the verdict
 * of each stored proof per toolchain (table rechecks, never overwritten). */
struct db_toolchain {
	const char *checker;      /* repl | kimina */
	const char *lean_version; /* the checker's answer to Lean.versionString; NULL unknown */
	const char *lean_toolchain, *mathlib_rev, *repl_rev; /* from CS_LEAN_DIR; NULL unknown */
	int real_lean;
};
/* The environment key of t (checker, Lean version, lean-toolchain, Mathlib and REPL
 * revisions: the toolchain without its header), malloc'd. */
char *db_toolchain_env_key(const struct db_toolchain *t);
/* The id of toolchain t with the header of problem problem_id in *id, the row made
 * when new. 0, or -1 after printing why. In the caller's transaction if one is open. */
int db_toolchain_id(sqlite3 *db, const struct db_toolchain *t, long long problem_id, long long *id);
/* The same for a stage's record: its "checker", version_key ("version" or
 * "checker_version"), "real_lean" and "toolchain" {lean_toolchain, mathlib_rev, repl_rev}. */
int db_toolchain_of_record(sqlite3 *db, const json_t *rec, const char *version_key, long long problem_id,
			   long long *id);
/* The environment key of toolchain id (1, *env_key malloc'd), 0 when there is none, -1. */
int db_toolchain_env(sqlite3 *db, long long id, char **env_key);
/* The environment key of the latest toolchain whose checker, lean-toolchain, Mathlib
 * and REPL revisions are t's (its Lean version aside): 1 with *env_key malloc'd, 0 none, -1. */
int db_toolchain_env_matching(sqlite3 *db, const struct db_toolchain *t, char **env_key);
/* An environment key as {checker, lean_version, lean_toolchain, mathlib_rev, repl_rev}
 * (null: unknown). New reference. */
json_t *db_toolchain_env_json(const char *env_key);
/* The next proof for cs-reverify after problem id `after`, in problem id order: each
 * corpus row and, with lemmas, each proof of a subgoal lemma (depth > 0); with env_key
 * (not NULL), only those without a reverify verdict under that environment yet. 1 with
 * *row {problem_id, corpus_id (null: a lemma), name, header, formal_statement, code
 * (a corpus row's formal_proof, header included; a lemma's proof without it)} (caller
 * owns), 0 when there is none, -1 after printing why. */
int db_reverify_next(sqlite3 *db, long long after, int lemmas, const char *env_key, json_t **row);
struct db_recheck {
	long long problem_id, corpus_id; /* corpus_id 0: a lemma's proof */
	long long toolchain_id;
	const char *origin;              /* run | migrated | reverify */
	const char *verdict;             /* pass | fail | sorry | timeout | rejected */
	const char *why, *code_hash;     /* may be NULL */
	double elapsed;
};
/* Append one verdict (a single-row insert). 0, or -1 after printing why. */
int db_recheck_store(sqlite3 *db, const struct db_recheck *r);
/* The proofs whose latest verdict under env_key is not pass (corpus rows; with lemmas
 * also lemma proofs), each {problem_id, corpus_id, name, verdict, why, origin,
 * created_at} to emit. Rows emitted, -1 after printing why, -2 when emit failed. */
long db_reverify_broken(sqlite3 *db, const char *env_key, int lemmas, int (*emit)(json_t *row, void *ctx),
			void *ctx);
/* Choose the toolchain environment DB_EXPORT_TOOLCHAIN exports under (a temporary
 * table of this connection). 0, or -1 after printing why. */
int db_export_set_toolchain(sqlite3 *db, const char *env_key);
/* Corpus rows (real_lean unless flags has DB_EXPORT_UNVERIFIED; named by the GLOB name
 * unless NULL) left out by DB_EXPORT_TOOLCHAIN: whose latest check under it did not
 * pass (*broken), never checked under it (*unchecked). 0, or -1 after printing why. */
int db_export_toolchain_left(sqlite3 *db, int flags, const char *name, long long *broken, long long *unchecked);

/* Reports of cs-stats (db_stats.c): name ("progress", "failures", "refusals", "cost",
 * "verdicts", "corpus", "runs") and title, in the order shown. Static. */
struct db_report {
	const char *name, *title;
};
const struct db_report *db_reports(size_t *n);
/* Stream the rows of report name to emit, each a JSON object with the columns in
 * order (freed after the call). Rows emitted, -1 after printing why, -2 when emit
 * failed. */
long db_report(sqlite3 *db, const char *name, int (*emit)(json_t *row, void *ctx), void *ctx);

/* Retry (db_retry.c): which failed problems go back into the queue. */
struct db_retry_filter {
	const char *why_regex;  /* PCRE2 pattern searched in problems.why, or NULL */
	const char *name_glob;  /* SQLite GLOB on problems.name, or NULL */
	int depth;              /* exact depth, or -1 for any */
	int dry_run;            /* report what would change, change nothing */
};
/* One re-queued problem; strings valid during the callback only. */
struct db_retried {
	long long id;
	const char *name;
	int depth;
	const char *old_why;    /* may be NULL */
	const char *status;     /* its new status: "new", or "decomposed" for an ancestor */
};
/* In one transaction: the failed problems matching f go back to 'new' (why cleared,
 * e2e_tried, sketches_tried, attempts and sketches kept; an accepted sketch becomes
 * 'superseded', so that only a new decomposition is recombined), and the ancestors
 * that failed only because of them ("a subgoal failed: ...") go back to 'decomposed'
 * with their sketch, waiting for those subgoals again. Each is handed to emit (may be
 * NULL) before anything changes, deepest first. Returns how many, -1 after printing a
 * database error, -2 for a bad filter (printed). Answers cached in attempts are
 * reused by the next run wherever it asks the same question. */
long db_retry(sqlite3 *db, const struct db_retry_filter *f,
	      int (*emit)(const struct db_retried *r, void *ctx), void *ctx);

/* The whole tree of the problems named key (or of the problem with id key, when it
 * is a number), as a JSON array (empty when none): per problem its row, "attempts"
 * (metadata, verdict and why of every sample; not the answers), "checks"
 * (recombination checks), "sketches" (each with "subgoals", each with its "child"
 * problem's tree, or {id, name, depth, status, "shown_above": true} when it appeared
 * earlier) and "proof" (or null). Caller owns; NULL after printing why. */
json_t *db_show(sqlite3 *db, const char *key);
/* The problems of the corpus for cs-list: the original theorems (depth 0; all: the
 * subgoals' problems too), those of status only (NULL: every status; "pending": not
 * proved or failed), by depth and name. fn gets each (strings borrowed for the call;
 * why may be NULL) and stops the listing by returning non-zero (it says why). The
 * number listed, or -1 after printing why. */
typedef int (*db_list_fn)(const char *name, const char *status, int depth, const char *why, void *ctx);
long db_list(sqlite3 *db, const char *status, int all, db_list_fn fn, void *ctx);

#endif
