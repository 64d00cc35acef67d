/* db_retry: put failed problems back in the queue, keeping their history. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <string.h>

#include "cs.h"
#include "db.h"
#include "jsonl.h"

static int exec(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = db_prepare(db, sql);
	int rc;
	if (!st)
		return -1;
	rc = db_step_done(db, st);
	sqlite3_finalize(st);
	return rc;
}

static pcre2_code *compile(const char *re)
{
	int err;
	PCRE2_SIZE off;
	pcre2_code *code = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED,
					 PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &err, &off, NULL);
	if (!code) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(err, msg, sizeof msg);
		error("--why '%s': %s at offset %zu", re, (const char *)msg, (size_t)off);
	}
	return code;
}

/* The failed problems the filter selects, into temp.retry_sel. */
static int select_failed(sqlite3 *db, const struct db_retry_filter *f, pcre2_code *re)
{
	sqlite3_stmt *st = db_prepare(db,
		"SELECT id, coalesce(why, '') FROM problems WHERE status = 'failed'"
		" AND (?1 IS NULL OR name GLOB ?1) AND (?2 < 0 OR depth = ?2)");
	sqlite3_stmt *ins = db_prepare(db, "INSERT INTO temp.retry_sel (id) VALUES (?)");
	pcre2_match_data *md = re ? pcre2_match_data_create_from_pattern(re, NULL) : NULL;
	int rc = -1, step;
	if (!st || !ins)
		goto out;
	db_bind_text(st, 1, f->name_glob);
	db_bind_int(st, 2, f->depth);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *why = (const char *)sqlite3_column_text(st, 1);
		if (re && pcre2_match(re, (PCRE2_SPTR)why, strlen(why), 0, 0, md, NULL) < 0)
			continue;
		sqlite3_reset(ins);
		db_bind_int(ins, 1, sqlite3_column_int64(st, 0));
		if (db_step_done(db, ins))
			goto out;
	}
	if (step != SQLITE_DONE) {
		error("%s: %s", sqlite3_db_filename(db, "main"), db_errstr(db));
		goto out;
	}
	rc = 0;
out:
	pcre2_match_data_free(md);
	sqlite3_finalize(st);
	sqlite3_finalize(ins);
	return rc;
}

/* The ancestors that failed only because of re-queued problems ("a subgoal failed:"
 * and every failed subgoal of their accepted sketch re-queued): they keep that sketch
 * and wait for the subgoals again. Added level by level until none is left. */
static const char q_ancestors[] =
	"INSERT INTO temp.retry_anc (id)"
	" SELECT DISTINCT p.id FROM problems p JOIN sketches s ON s.problem_id = p.id AND s.status = 'accepted'"
	"  JOIN subgoals g ON g.sketch_id = s.id"
	" WHERE p.status = 'failed' AND p.why LIKE 'a subgoal failed: %'"
	"  AND p.id NOT IN (SELECT id FROM temp.retry_anc)"
	"  AND (g.child_id IN (SELECT id FROM temp.retry_sel) OR g.child_id IN (SELECT id FROM temp.retry_anc))"
	"  AND NOT EXISTS (SELECT 1 FROM subgoals g2 JOIN problems c ON c.id = g2.child_id"
	"   WHERE g2.sketch_id = s.id AND c.status = 'failed'"
	"   AND c.id NOT IN (SELECT id FROM temp.retry_sel) AND c.id NOT IN (SELECT id FROM temp.retry_anc))";

static const char q_report[] =
	"SELECT p.id, p.name, p.depth, p.why, CASE WHEN a.id IS NULL THEN 'new' ELSE 'decomposed' END AS status"
	" FROM problems p LEFT JOIN temp.retry_anc a ON a.id = p.id"
	" WHERE p.id IN (SELECT id FROM temp.retry_sel) OR a.id IS NOT NULL"
	" ORDER BY p.depth DESC, p.name, p.id";

/* Selected problems that are not ancestors go back to 'new': their accepted sketch is
 * superseded (kept as history), so a new decomposition is the only accepted one. */
static const char *const q_apply[] = {
	"UPDATE sketches SET status = 'superseded' WHERE status = 'accepted' AND problem_id IN"
	" (SELECT id FROM temp.retry_sel WHERE id NOT IN (SELECT id FROM temp.retry_anc))",
	"UPDATE problems SET status = 'new', why = NULL, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now')"
	" WHERE id IN (SELECT id FROM temp.retry_sel WHERE id NOT IN (SELECT id FROM temp.retry_anc))",
	"UPDATE problems SET status = 'decomposed', why = NULL, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now')"
	" WHERE id IN (SELECT id FROM temp.retry_anc)",
};

struct reporter {
	int (*emit)(const struct db_retried *r, void *ctx);
	void *ctx;
};

static int report(json_t *row, void *ctx)
{
	struct reporter *rep = ctx;
	struct db_retried r = {
		.id = jsonl_int(row, "id", 0),
		.name = jsonl_str(row, "name"),
		.depth = (int)jsonl_int(row, "depth", 0),
		.old_why = jsonl_str(row, "why"),
		.status = jsonl_str(row, "status"),
	};
	return rep->emit ? rep->emit(&r, rep->ctx) : 0;
}

long db_retry(sqlite3 *db, const struct db_retry_filter *f,
	      int (*emit)(const struct db_retried *r, void *ctx), void *ctx)
{
	pcre2_code *re = NULL;
	sqlite3_stmt *st;
	long n, added;
	if (f->why_regex && !(re = compile(f->why_regex)))
		return -2;
	if (db_begin(db))
		goto fail;
	if (exec(db, "CREATE TEMP TABLE IF NOT EXISTS retry_sel (id INTEGER PRIMARY KEY)") ||
	    exec(db, "CREATE TEMP TABLE IF NOT EXISTS retry_anc (id INTEGER PRIMARY KEY)") ||
	    exec(db, "DELETE FROM temp.retry_sel") || exec(db, "DELETE FROM temp.retry_anc") ||
	    select_failed(db, f, re))
		goto fail;
	do {
		if (exec(db, q_ancestors))
			goto fail;
		added = sqlite3_changes(db);
	} while (added > 0);
	if (!(st = db_prepare(db, q_report)))
		goto fail;
	n = db_rows(db, st, report, &(struct reporter){ emit, ctx });
	if (n < 0)
		goto fail;
	if (f->dry_run) {
		db_rollback(db);
	} else {
		for (size_t i = 0; i < CS_ARRAY_SIZE(q_apply); i++)
			if (exec(db, q_apply[i]))
				goto fail;
		if (db_commit(db))
			goto fail;
	}
	pcre2_code_free(re);
	return n;
fail:
	db_rollback(db);
	pcre2_code_free(re);
	return -1;
}
