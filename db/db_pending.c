/* db_pending: what each stage has left to do, and the state changes that follow
 * from the children's states. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "cs.h"
#include "db.h"

static long changes(sqlite3 *db, const char *sql, long long a)
{
	sqlite3_stmt *st = db_prepare(db, sql);
	long n;
	if (!st)
		return -1;
	if (sqlite3_bind_parameter_count(st) >= 1)
		db_bind_int(st, 1, a);
	n = db_step_done(db, st) ? -1 : sqlite3_changes(db);
	sqlite3_finalize(st);
	return n;
}

long db_settle(sqlite3 *db, int max_depth)
{
	long total = 0, n;
	long e2e = cs_conf_long("CS_E2E_SAMPLES");
	if (db_begin(db))
		return -1;
	if (e2e == 0 &&
	    (n = changes(db, "UPDATE problems SET status = 'unproved' WHERE status = 'new' AND depth = 0", 0)) >= 0)
		total += n;
	n = changes(db, "UPDATE problems SET status = 'failed', why = 'not proved at CS_MAX_DEPTH'"
			" WHERE status = 'unproved' AND depth >= ?", max_depth);
	if (n < 0)
		goto fail;
	total += n;
	do {
		long a = changes(db,
			"UPDATE problems SET status = 'failed', why = 'a subgoal failed: ' ||"
			" (SELECT g.lemma_name FROM sketches s JOIN subgoals g ON g.sketch_id = s.id"
			"   JOIN problems c ON c.id = g.child_id"
			"   WHERE s.problem_id = problems.id AND s.status = 'accepted' AND c.status = 'failed' LIMIT 1)"
			" WHERE status = 'decomposed' AND EXISTS (SELECT 1 FROM sketches s"
			"   JOIN subgoals g ON g.sketch_id = s.id JOIN problems c ON c.id = g.child_id"
			"   WHERE s.problem_id = problems.id AND s.status = 'accepted' AND c.status = 'failed')", 0);
		long b = changes(db,
			"UPDATE problems SET status = 'recombine' WHERE status = 'decomposed'"
			" AND NOT EXISTS (SELECT 1 FROM sketches s JOIN subgoals g ON g.sketch_id = s.id"
			"   LEFT JOIN problems c ON c.id = g.child_id"
			"   WHERE s.problem_id = problems.id AND s.status = 'accepted'"
			"   AND (c.id IS NULL OR c.status != 'proved'))", 0);
		if (a < 0 || b < 0)
			goto fail;
		n = a + b;
		total += n;
	} while (n > 0);
	if (db_commit(db))
		goto fail;
	return total;
fail:
	db_rollback(db);
	return -1;
}

/* Problems with a failed request in this run (CS_RUN_ID) wait for the next run. */
#define NOT_FAILED_THIS_RUN \
	" AND NOT EXISTS (SELECT 1 FROM attempts a WHERE a.problem_id = p.id" \
	" AND a.status = 'failed' AND a.run_id = ?2)"

static const char q_prove[] =
	"SELECT p.id AS problem_id, p.name, p.header, p.formal_statement, p.informal, p.depth,"
	" CASE WHEN p.depth = 0 THEN 'prove_e2e' ELSE 'prove' END AS stage"
	" FROM problems p WHERE p.status = 'new'" NOT_FAILED_THIS_RUN
	" ORDER BY p.depth DESC, p.id LIMIT ?1";

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
	" WHERE p.status = 'recombine' AND ?2 = ?2 ORDER BY p.depth DESC, p.id LIMIT ?1";

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

long db_pending(sqlite3 *db, const char *stage, int max_depth, long limit,
		int (*emit)(json_t *rec, void *ctx), void *ctx)
{
	const char *sql = !strcmp(stage, "prove") ? q_prove : !strcmp(stage, "decompose") ? q_decompose
			: !strcmp(stage, "recombine") ? q_recombine : NULL;
	long long run_id = cs_conf_long("CS_RUN_ID");
	sqlite3_stmt *st;
	long n = 0;
	int rc;
	if (!sql)
		return error("unknown stage '%s' (prove, decompose or recombine)", stage), -1;
	if (db_settle(db, max_depth) < 0)
		return -1;
	if (!(st = db_prepare(db, sql)))
		return -1;
	db_bind_int(st, 1, limit > 0 ? limit : -1);
	db_bind_int(st, 2, run_id);
	if (sqlite3_bind_parameter_count(st) >= 3)
		db_bind_int(st, 3, max_depth);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *rec = db_row_json(st);
		if (!strcmp(stage, "recombine"))
			json_object_set_new(rec, "subgoals",
					    subgoals_of(db, sqlite3_column_int64(st, 7)));
		rc = emit(rec, ctx);
		json_decref(rec);
		if (rc) {
			sqlite3_finalize(st);
			return -2;
		}
		n++;
	}
	if (rc != SQLITE_DONE)
		n = error("%s: %s", sqlite3_db_filename(db, "main"), sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return n;
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
		error("%s: %s", sqlite3_db_filename(db, "main"), sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return line;
}
