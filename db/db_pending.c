/* db_pending: what each stage has left to do, and the state changes that follow
 * from the children's states. */
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "cs.h"
#include "db.h"
#include "jsonl.h"

/* The parent's state from its accepted sketch's children, as one statement each;
 * WHERE holds the problems it looks at (all, or the one of ?1: the index on the
 * primary key then makes it cheap). */
#define FIRST_FAILED \
	"'a subgoal failed: ' ||" \
	" (SELECT g.lemma_name FROM sketches s JOIN subgoals g ON g.sketch_id = s.id" \
	"   JOIN problems c ON c.id = g.child_id" \
	"   WHERE s.problem_id = problems.id AND s.status = 'accepted' AND c.status = 'failed'" \
	"   ORDER BY g.idx LIMIT 1)"
#define SETTLE_FAILED(WHERE) \
	"UPDATE problems SET status = 'failed', why = " FIRST_FAILED \
	" WHERE status = 'decomposed'" WHERE " AND EXISTS (SELECT 1 FROM sketches s" \
	"   JOIN subgoals g ON g.sketch_id = s.id JOIN problems c ON c.id = g.child_id" \
	"   WHERE s.problem_id = problems.id AND s.status = 'accepted' AND c.status = 'failed')"
#define SETTLE_RECOMBINE(WHERE) \
	"UPDATE problems SET status = 'recombine' WHERE status = 'decomposed'" WHERE \
	" AND NOT EXISTS (SELECT 1 FROM sketches s JOIN subgoals g ON g.sketch_id = s.id" \
	"   LEFT JOIN problems c ON c.id = g.child_id" \
	"   WHERE s.problem_id = problems.id AND s.status = 'accepted'" \
	"   AND (c.id IS NULL OR c.status != 'proved'))"
#define SETTLE_DEPTH(WHERE) \
	"UPDATE problems SET status = 'failed', why = 'not proved at CS_MAX_DEPTH'" \
	" WHERE status = 'unproved' AND depth >= ?2" WHERE
/* A problem fails on its first failed subgoal, while its siblings still run; when a
 * sibling earlier in the sketch fails later, the why names it instead, so that a
 * finished run's whys do not depend on which answer came first. */
#define REFRESH_WHY(WHERE) \
	"UPDATE problems SET why = " FIRST_FAILED \
	" WHERE status = 'failed' AND why LIKE 'a subgoal failed: %'" WHERE \
	" AND why IS NOT " FIRST_FAILED
#define PARENT_OF " AND id IN (SELECT s.problem_id FROM subgoals g JOIN sketches s" \
	" ON s.id = g.sketch_id AND s.status = 'accepted' WHERE g.child_id = ?1)"
#define ONE " AND id = ?1"
#define ALL " AND ?1 = ?1"

long db_settle(sqlite3 *db, int max_depth, int e2e_samples)
{
	long total = 0, n, a, b;
	if (db_begin(db))
		return -1;
	if (e2e_samples == 0 &&
	    (n = db_exec(db, "UPDATE problems SET status = 'unproved' WHERE status = 'new' AND depth = 0", NULL)) >= 0)
		total += n;
	if ((n = db_exec(db, SETTLE_DEPTH(ALL), "Ii", 0LL, max_depth)) < 0)
		goto fail;
	total += n;
	do {
		a = db_exec(db, SETTLE_FAILED(ALL), "I", 0LL);
		b = db_exec(db, SETTLE_RECOMBINE(ALL), "I", 0LL);
		if (a < 0 || b < 0)
			goto fail;
		total += n = a + b;
	} while (n > 0);
	if (db_exec(db, REFRESH_WHY(ALL), "I", 0LL) < 0)
		goto fail;
	if (db_commit(db))
		goto fail;
	return total;
fail:
	db_rollback(db);
	return -1;
}

/* Settle problem pid, then, when it changed or is final, its parents (recursively). */
static long settle_up(sqlite3 *db, long long pid, int max_depth, int level)
{
	sqlite3_stmt *st;
	long total = 0, n;
	long long *parents = NULL;
	size_t np = 0, cap = 0;
	if (level > 64)
		return 0; /* deeper than CS_MAX_DEPTH can be: a cycle */
	if ((n = db_exec(db, SETTLE_DEPTH(ONE), "Ii", pid, max_depth)) < 0)
		return -1;
	total += n;
	if ((n = db_exec(db, SETTLE_FAILED(ONE), "I", pid)) < 0)
		return -1;
	total += n;
	if ((n = db_exec(db, SETTLE_RECOMBINE(ONE), "I", pid)) < 0)
		return -1;
	total += n;
	if (db_exec(db, REFRESH_WHY(PARENT_OF), "I", pid) < 0)
		return -1;
	st = db_query(db, "SELECT DISTINCT s.problem_id FROM subgoals g JOIN sketches s ON s.id = g.sketch_id"
			  " AND s.status = 'accepted' JOIN problems p ON p.id = s.problem_id"
			  " WHERE g.child_id = ? AND p.status = 'decomposed'", "I", pid);
	if (!st)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW) {
		parents = cs_grow(parents, &cap, np, sizeof *parents);
		parents[np++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	for (size_t i = 0; i < np && total >= 0; i++) {
		n = settle_up(db, parents[i], max_depth, level + 1);
		total = n < 0 ? -1 : total + n;
	}
	free(parents);
	return total;
}

long db_settle_problem(sqlite3 *db, long long pid, int max_depth)
{
	long n;
	if (db_begin(db))
		return -1;
	if ((n = settle_up(db, pid, max_depth, 0)) < 0 || db_commit(db)) {
		db_rollback(db);
		return -1;
	}
	return n;
}

/* Problems with a failed request or a check that could not run in this run (an
 * infrastructure fault) wait for the next run. The unary + keeps SQLite on the
 * problem's own rows (index on problem_id), not every row of the run. */
#define NOT_FAILED_THIS_RUN \
	" AND NOT EXISTS (SELECT 1 FROM attempts a WHERE a.problem_id = p.id" \
	" AND a.status = 'failed' AND +a.run_id = ?2)" \
	" AND NOT EXISTS (SELECT 1 FROM verifications v WHERE v.problem_id = p.id" \
	" AND v.verdict = 'error' AND +v.run_id = ?2)"

/* Nothing proved twice (?4: CS_REUSE): a subgoal lemma whose fingerprint a proved
 * problem shares carries that proof (reuse_*: the same header first), to be checked
 * in Lean in its own statement before the prover is asked; once that check failed
 * (a 'reuse' verification other than pass or error) it is not offered again. A
 * lemma waits while an earlier one of its fingerprint is still to be proved. */
#define REUSE_CAND(SAME) \
	" (SELECT q.id FROM problems q JOIN proofs qp ON qp.problem_id = q.id" \
	"  WHERE ?4 AND p.depth > 0 AND q.fingerprint = p.fingerprint AND q.id != p.id" SAME \
	"  AND q.status = 'proved' AND NOT EXISTS (SELECT 1 FROM verifications v" \
	"   WHERE v.problem_id = p.id AND v.kind = 'reuse' AND v.verdict NOT IN ('pass', 'error'))" \
	"  ORDER BY qp.real_lean DESC, q.id LIMIT 1)"
/* (SQLite cannot order a correlated subquery by the outer row: two of them) */
#define REUSE_OF " coalesce(" REUSE_CAND(" AND q.header = p.header") "," REUSE_CAND("") ")"
#define REUSE_WAIT \
	" AND NOT (?4 AND p.depth > 0 AND p.fingerprint IS NOT NULL AND EXISTS (SELECT 1 FROM problems w" \
	"  WHERE w.fingerprint = p.fingerprint AND w.id < p.id AND w.depth > 0 AND w.status = 'new'))"
static const char q_prove[] =
	"SELECT x.*, r.formal_statement AS reuse_statement, rp.body AS reuse_body FROM"
	" (SELECT p.id AS problem_id, p.name, p.header, p.formal_statement, p.informal, p.depth,"
	"  CASE WHEN p.depth = 0 THEN 'prove_e2e' ELSE 'prove' END AS stage," REUSE_OF " AS reuse_id"
	"  FROM problems p WHERE p.status = 'new'" NOT_FAILED_THIS_RUN REUSE_WAIT
	"  ORDER BY p.depth DESC, p.id LIMIT ?1) x"
	" LEFT JOIN problems r ON r.id = x.reuse_id LEFT JOIN proofs rp ON rp.problem_id = r.id"
	" ORDER BY x.depth DESC, x.problem_id";

static const char q_decompose[] =
	"SELECT p.id AS problem_id, p.name, p.header, p.formal_statement, p.informal, p.depth,"
	" 'decompose' AS stage FROM problems p WHERE p.status = 'unproved' AND p.depth < ?3"
	NOT_FAILED_THIS_RUN " ORDER BY p.depth DESC, p.id LIMIT ?1";

static const char q_recombine[] =
	"SELECT p.id AS problem_id, p.name, p.header, p.formal_statement, p.informal, p.depth,"
	" 'recombine' AS stage, s.id AS sketch_id, s.code AS sketch, s.reasoning, s.model AS decomposer_model,"
	" s.prompt_hash AS decompose_prompt_hash,"
	" (SELECT a.model FROM attempts a WHERE a.role = 'prover' ORDER BY a.id DESC LIMIT 1) AS prover_model"
	" FROM problems p JOIN sketches s ON s.problem_id = p.id AND s.status = 'accepted'"
	" WHERE p.status = 'recombine'" NOT_FAILED_THIS_RUN " ORDER BY p.depth DESC, p.id LIMIT ?1";

static const char q_subgoals[] =
	"SELECT g.idx, g.have_name, g.lemma_name, g.statement, g.lemma_b, g.is_final,"
	" pr.body, pr.code, pr.real_lean FROM subgoals g JOIN proofs pr ON pr.problem_id = g.child_id"
	" WHERE g.sketch_id = ? ORDER BY g.idx";

static json_t *subgoals_of(sqlite3 *db, long long sketch_id)
{
	sqlite3_stmt *st = db_prepare(db, q_subgoals);
	json_t *a = json_array();
	if (!st)
		return a;
	db_bind_int(st, 1, sketch_id);
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(a, db_row_json(st));
	sqlite3_finalize(st);
	return a;
}

/* A pending recombination carries the proven subgoals of its sketch; the caller's
 * skip sees the problem_id (column 0 of every pending query). */
struct pending {
	sqlite3 *db;
	int recombine;
	int (*skip)(long long problem_id, void *ctx);
	int (*emit)(json_t *rec, void *ctx);
	void *ctx;
};

static int pending_skip(sqlite3_stmt *st, void *ctx)
{
	struct pending *w = ctx;
	return w->skip && w->skip(sqlite3_column_int64(st, 0), w->ctx);
}

static int pending_emit(json_t *rec, void *ctx)
{
	struct pending *w = ctx;
	if (w->recombine)
		json_object_set_new(rec, "subgoals", subgoals_of(w->db, jsonl_int(rec, "sketch_id", 0)));
	return w->emit(rec, w->ctx);
}

long db_pending(sqlite3 *db, const char *stage, int max_depth, long long run_id, long limit,
		int (*skip)(long long problem_id, void *ctx), int (*emit)(json_t *rec, void *ctx), void *ctx)
{
	const char *sql = !strcmp(stage, "prove") ? q_prove : !strcmp(stage, "decompose") ? q_decompose
			: !strcmp(stage, "recombine") ? q_recombine : NULL;
	struct pending w = { db, sql == q_recombine, skip, emit, ctx };
	sqlite3_stmt *st;
	if (!sql)
		return error("unknown stage '%s' (prove, decompose or recombine)", stage), -1;
	if (!(st = db_query(db, sql, "IIii", limit > 0 ? (long long)limit : -1LL, run_id, max_depth,
			    sql == q_prove && cs_conf_on("CS_REUSE"))))
		return -1;
	return db_rows_if(db, st, pending_skip, pending_emit, &w);
}

json_t *db_attempt_cached(sqlite3 *db, const char *cache_key)
{
	sqlite3_stmt *st = db_prepare(db,
		"SELECT content, reasoning, finish_reason, sample_index, verdict FROM attempts"
		" WHERE cache_key = ? AND status = 'ok'");
	json_t *o = NULL;
	if (!st)
		return NULL;
	db_bind_text(st, 1, cache_key);
	if (sqlite3_step(st) == SQLITE_ROW)
		o = db_row_json(st);
	sqlite3_finalize(st);
	return o;
}

char *db_progress(sqlite3 *db)
{
	sqlite3_stmt *st = db_prepare(db,
		"SELECT coalesce((SELECT group_concat(status || '=' || n, ' ') FROM"
		"   (SELECT status, count(*) AS n FROM problems GROUP BY status ORDER BY status)), '')"
		" || ' sketches=' || (SELECT count(*) FROM sketches)"
		" || ' proofs=' || (SELECT count(*) FROM proofs)"
		" || ' corpus=' || (SELECT count(*) FROM corpus)");
	char *line = NULL;
	if (!st)
		return NULL;
	if (sqlite3_step(st) == SQLITE_ROW)
		line = xstrdup((const char *)sqlite3_column_text(st, 0));
	else
		error("%s: %s", sqlite3_db_filename(db, "main"), db_errstr(db));
	sqlite3_finalize(st);
	return line;
}

int db_totals(sqlite3 *db, struct db_totals *t)
{
	sqlite3_stmt *st = db_prepare(db,
		"SELECT coalesce(sum(status = 'proved'), 0), coalesce(sum(status = 'failed'), 0),"
		" coalesce(sum(status NOT IN ('proved', 'failed')), 0), (SELECT count(*) FROM corpus)"
		" FROM problems WHERE depth = 0");
	int rc = -1;
	memset(t, 0, sizeof *t);
	if (!st)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW) {
		t->proved = sqlite3_column_int64(st, 0);
		t->failed = sqlite3_column_int64(st, 1);
		t->open = sqlite3_column_int64(st, 2);
		t->corpus = sqlite3_column_int64(st, 3);
		rc = 0;
	} else {
		error("%s: %s", sqlite3_db_filename(db, "main"), db_errstr(db));
	}
	sqlite3_finalize(st);
	return rc;
}

char *db_run_counts(sqlite3 *db, const char *extra_json)
{
	json_t *counts = extra_json ? json_loads(extra_json, 0, NULL) : NULL;
	sqlite3_stmt *st = db_query(db, "SELECT status, count(*) FROM problems WHERE depth = 0 GROUP BY status", NULL);
	char *s;
	int rc = SQLITE_DONE;
	if (!json_is_object(counts)) {
		json_decref(counts);
		counts = json_object();
	}
	while (st && (rc = sqlite3_step(st)) == SQLITE_ROW)
		json_object_set_new(counts, (const char *)sqlite3_column_text(st, 0),
				    json_integer(sqlite3_column_int64(st, 1)));
	sqlite3_finalize(st);
	if (!st || rc != SQLITE_DONE) {
		if (st)
			error("%s: %s", sqlite3_db_filename(db, "main"), db_errstr(db));
		json_decref(counts);
		return NULL;
	}
	s = json_dumps(counts, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(counts);
	return s;
}
