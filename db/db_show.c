/* db_show: one problem's whole tree (attempts, sketches, subgoals and their
 * problems, recombination checks, proof) as JSON, for cs-show. */
#include <stdlib.h>
#include <string.h>

#include "cs.h"
#include "db.h"

static const char q_problem[] =
	"SELECT id, name, depth, status, how, why, source, split, formal_statement,"
	" e2e_tried, sketches_tried, created_at, updated_at FROM problems WHERE id = ?";
/* Model answers themselves are left out: the tree is the overview. */
static const char q_attempts[] =
	"SELECT id, run_id, stage, role, model, sample_index, status, http_status, error, finish_reason,"
	" verdict, why, prompt_tokens, completion_tokens, cache_hit_tokens, elapsed, created_at"
	" FROM attempts WHERE problem_id = ? ORDER BY id";
static const char q_sketches[] =
	"SELECT id, attempt_id, status, why, model, reasoning, code, created_at FROM sketches"
	" WHERE problem_id = ? ORDER BY id";
static const char q_subgoals[] =
	"SELECT idx, have_name, lemma_name, statement, lemma_b, is_final, extracted_by, child_id"
	" FROM subgoals WHERE sketch_id = ? ORDER BY idx";
/* Checks not tied to a model answer: recombined proofs and their fallback. */
static const char q_checks[] =
	"SELECT kind, checker, version, real_lean, verdict, why, elapsed, created_at FROM verifications"
	" WHERE problem_id = ? AND attempt_id IS NULL ORDER BY id";
static const char q_proof[] =
	"SELECT pr.how, pr.body, pr.code, pr.real_lean, pr.run_id, pr.attempt_id,"
	" (SELECT v.checker || ' ' || coalesce(v.version, '') FROM verifications v WHERE v.problem_id = pr.problem_id"
	"   AND v.verdict = 'pass' AND (v.attempt_id = pr.attempt_id OR (pr.attempt_id IS NULL"
	"   AND v.kind IN ('recombined', 'fallback'))) ORDER BY v.id DESC LIMIT 1) AS checked_by"
	" FROM proofs pr WHERE pr.problem_id = ?";

static int append(json_t *row, void *ctx)
{
	return json_array_append(ctx, row);
}

/* Rows of sql with ?1 = id, as an array of objects. NULL after printing why. */
static json_t *rows(sqlite3 *db, const char *sql, long long id)
{
	sqlite3_stmt *st = db_prepare(db, sql);
	json_t *a = json_array();
	if (!st || (db_bind_int(st, 1, id), db_rows(db, st, append, a) < 0)) {
		json_decref(a);
		return NULL;
	}
	return a;
}

/* The tree under problem id; seen holds the ids already shown (a lemma shared by
 * several sketches appears once, later mentions only name it). */
static json_t *tree(sqlite3 *db, long long id, json_t *seen)
{
	json_t *p = rows(db, q_problem, id), *node, *sketches, *sk, *proof;
	char key[32];
	size_t i, j;
	if (!p)
		return NULL;
	if (!json_array_size(p)) {
		json_decref(p);
		error("problem %lld is not in the corpus", id);
		return NULL;
	}
	node = json_incref(json_array_get(p, 0));
	json_decref(p);
	snprintf(key, sizeof key, "%lld", id);
	json_object_set_new(seen, key, json_true());
	json_object_set_new(node, "attempts", rows(db, q_attempts, id));
	json_object_set_new(node, "checks", rows(db, q_checks, id));
	sketches = rows(db, q_sketches, id);
	json_array_foreach(sketches, i, sk) {
		json_t *goals = rows(db, q_subgoals, json_integer_value(json_object_get(sk, "id"))), *g;
		json_array_foreach(goals, j, g) {
			json_t *c = json_object_get(g, "child_id");
			char ck[32];
			if (!json_is_integer(c))
				continue;
			snprintf(ck, sizeof ck, "%lld", (long long)json_integer_value(c));
			if (json_object_get(seen, ck)) {
				json_t *again = rows(db, "SELECT id, name, depth, status FROM problems WHERE id = ?",
						     json_integer_value(c));
				json_t *ref = json_incref(json_array_get(again, 0));
				json_decref(again);
				if (ref)
					json_object_set_new(ref, "shown_above", json_true());
				json_object_set_new(g, "child", ref ? ref : json_null());
			} else {
				json_t *child = tree(db, json_integer_value(c), seen);
				json_object_set_new(g, "child", child ? child : json_null());
			}
		}
		json_object_set_new(sk, "subgoals", goals ? goals : json_array());
	}
	json_object_set_new(node, "sketches", sketches ? sketches : json_array());
	proof = rows(db, q_proof, id);
	json_object_set(node, "proof", proof && json_array_size(proof) ? json_array_get(proof, 0) : json_null());
	json_decref(proof);
	return node;
}

json_t *db_show(sqlite3 *db, const char *key)
{
	char *end;
	long long id = strtoll(key, &end, 10);
	int by_id = *key && !*end;
	sqlite3_stmt *st = db_prepare(db, by_id ? "SELECT id FROM problems WHERE id = ?"
						: "SELECT id FROM problems WHERE name = ? ORDER BY depth, id");
	json_t *out, *ids = json_array(), *v;
	size_t i;
	if (!st) {
		json_decref(ids);
		return NULL;
	}
	if (by_id)
		db_bind_int(st, 1, id);
	else
		db_bind_text(st, 1, key);
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(ids, json_integer(sqlite3_column_int64(st, 0)));
	sqlite3_finalize(st);
	out = json_array();
	json_array_foreach(ids, i, v) {
		json_t *seen = json_object(), *t = tree(db, json_integer_value(v), seen);
		json_decref(seen);
		if (!t) {
			json_decref(out);
			json_decref(ids);
			return NULL;
		}
		json_array_append_new(out, t);
	}
	json_decref(ids);
	return out;
}

long db_list(sqlite3 *db, const char *status, int all, db_list_fn fn, void *ctx)
{
	sqlite3_stmt *st = db_query(db,
		"SELECT name, status, depth, why FROM problems"
		" WHERE (?1 OR depth = 0) AND (?2 IS NULL OR status = ?2"
		"  OR (?2 = 'pending' AND status NOT IN ('proved', 'failed')))"
		" ORDER BY depth, name, id", "it", all, status);
	long n = 0;
	int rc;
	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (fn((const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
		       sqlite3_column_int(st, 2), (const char *)sqlite3_column_text(st, 3), ctx)) {
			sqlite3_finalize(st);
			return -1;
		}
		n++;
	}
	if (rc != SQLITE_DONE) {
		error("%s: %s", sqlite3_db_filename(db, "main"), db_errstr(db));
		n = -1;
	}
	sqlite3_finalize(st);
	return n;
}
