/* db_store: apply one stage result record to the corpus, in one transaction. */
#include <stdlib.h>
#include <string.h>

#include "cs.h"
#include "db.h"
#include "jsonl.h"
#include "lean_text.h"

#define BAD(...) do { *why = xasprintf(__VA_ARGS__); return -1; } while (0)

static const char *str(const json_t *o, const char *k)
{
	return jsonl_str(o, k);
}

/* Bind a JSON value of rec[key] (string, integer, real, bool, null, or other JSON as text). */
static void bind_json(sqlite3_stmt *st, int i, const json_t *rec, const char *key)
{
	json_t *v = json_object_get(rec, key);
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

/* Run sql with the record's fields bound in order (NULL-terminated key list). */
static int run(sqlite3 *db, const char *sql, const json_t *rec, const char *const *keys)
{
	sqlite3_stmt *st = db_prepare(db, sql);
	int rc;
	if (!st)
		return -2;
	for (int i = 0; keys[i]; i++)
		bind_json(st, i + 1, rec, keys[i]);
	rc = db_step_done(db, st) ? -2 : 0;
	sqlite3_finalize(st);
	return rc;
}

static int set_status(sqlite3 *db, long long pid, const char *status, const char *how, const char *reason)
{
	sqlite3_stmt *st = db_prepare(db,
		"UPDATE problems SET status = ?, how = coalesce(?, how), why = ?,"
		" updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id = ?");
	int rc;
	if (!st)
		return -2;
	db_bind_text(st, 1, status);
	db_bind_text(st, 2, how);
	db_bind_text(st, 3, reason);
	db_bind_int(st, 4, pid);
	rc = db_step_done(db, st) ? -2 : 0;
	sqlite3_finalize(st);
	return rc;
}

static long long attempt_id(sqlite3 *db, const char *cache_key)
{
	sqlite3_stmt *st;
	long long id = 0;
	if (!cache_key || !(st = db_prepare(db, "SELECT id FROM attempts WHERE cache_key = ?")))
		return 0;
	db_bind_text(st, 1, cache_key);
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return id;
}

static int store_attempt(sqlite3 *db, const json_t *rec, long long run_id, char **why)
{
	static const char *const keys[] = { "problem_id", "run_id", "stage", "role", "model", "endpoint",
		"cache_key", "prompt_name", "prompt_hash", "request", "sample_index", "content",
		"reasoning", "finish_reason", "status", "http_status", "error", "prompt_tokens",
		"completion_tokens", "cache_hit_tokens", "cache_miss_tokens", "elapsed", NULL };
	static const char *const need[] = { "stage", "role", "model", "endpoint", "cache_key",
		"prompt_name", "prompt_hash", "request", "status", NULL };
	json_t *r = json_deep_copy(rec);
	int rc;
	for (int i = 0; need[i]; i++)
		if (!str(rec, need[i])) {
			json_decref(r);
			BAD("attempt record without '%s'", need[i]);
		}
	if (run_id > 0)
		json_object_set_new(r, "run_id", json_integer(run_id));
	for (const char *const *k = keys + 17; *k; k++)
		if (!json_object_get(r, *k))
			json_object_set_new(r, *k, json_integer(0));
	rc = run(db,
		 "INSERT INTO attempts (problem_id, run_id, stage, role, model, endpoint, cache_key,"
		 " prompt_name, prompt_hash, request, sample_index, content, reasoning, finish_reason,"
		 " status, http_status, error, prompt_tokens, completion_tokens, cache_hit_tokens,"
		 " cache_miss_tokens, elapsed) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
		 " ON CONFLICT (cache_key) DO NOTHING", r, keys);
	json_decref(r);
	return rc;
}

static long long store_verification(sqlite3 *db, const json_t *rec, char **why)
{
	static const char *const keys[] = { "problem_id", "attempt_id", "kind", "code_hash", "checker",
		"version", "real_lean", "verdict", "why", "messages", "elapsed", NULL };
	json_t *r;
	long long aid = attempt_id(db, str(rec, "cache_key"));
	int rc;
	if (!str(rec, "kind") || !str(rec, "code_hash") || !str(rec, "checker") || !str(rec, "verdict")) {
		*why = xstrdup("verification record without kind, code_hash, checker or verdict");
		return -1;
	}
	r = json_deep_copy(rec);
	json_object_set_new(r, "attempt_id", aid ? json_integer(aid) : json_null());
	if (!json_object_get(r, "real_lean"))
		json_object_set_new(r, "real_lean", json_false());
	rc = run(db,
		 "INSERT INTO verifications (problem_id, attempt_id, kind, code_hash, checker, version,"
		 " real_lean, verdict, why, messages, elapsed) VALUES (?,?,?,?,?,?,?,?,?,?,?)", r, keys);
	json_decref(r);
	if (rc)
		return rc;
	long long vid = sqlite3_last_insert_rowid(db);
	if (aid) {
		sqlite3_stmt *st = db_prepare(db, "UPDATE attempts SET verdict = ?, why = ? WHERE id = ?");
		if (!st)
			return -2;
		db_bind_text(st, 1, str(rec, "verdict"));
		db_bind_text(st, 2, str(rec, "why"));
		db_bind_int(st, 3, aid);
		rc = db_step_done(db, st) ? -2 : 0;
		sqlite3_finalize(st);
		if (rc)
			return rc;
	}
	return vid;
}

static int store_proof(sqlite3 *db, long long pid, const char *how, const json_t *proof,
		       long long run_id, char **why)
{
	sqlite3_stmt *st;
	int rc;
	if (!json_is_object(proof) || !str(proof, "code") || !str(proof, "body"))
		BAD("proof without code or body");
	st = db_prepare(db, "INSERT INTO proofs (problem_id, how, body, code, attempt_id, real_lean, run_id)"
			    " VALUES (?,?,?,?,?,?,?) ON CONFLICT (problem_id) DO NOTHING");
	if (!st)
		return -2;
	db_bind_int(st, 1, pid);
	db_bind_text(st, 2, how);
	db_bind_text(st, 3, str(proof, "body"));
	db_bind_text(st, 4, str(proof, "code"));
	long long aid = attempt_id(db, str(proof, "cache_key"));
	if (aid)
		db_bind_int(st, 5, aid);
	else
		sqlite3_bind_null(st, 5);
	db_bind_int(st, 6, json_is_true(json_object_get(proof, "real_lean")));
	if (run_id > 0)
		db_bind_int(st, 7, run_id);
	else
		sqlite3_bind_null(st, 7);
	rc = db_step_done(db, st) ? -2 : 0;
	sqlite3_finalize(st);
	return rc;
}

/* stmt_key of a subgoal lemma: identical statements (name and whitespace aside)
 * under the same header are one problem, proven once. */
static void lemma_key(const char *header, const char *lemma, char out[65])
{
	struct cs_sha256 c;
	char *norm = lean_decl_key(lemma);
	cs_sha256_init(&c);
	cs_sha256_update(&c, "lemma", 6);
	cs_sha256_update(&c, header, strlen(header) + 1);
	cs_sha256_update(&c, norm, strlen(norm));
	cs_sha256_final_hex(&c, out);
	free(norm);
}

static int problem_row(sqlite3 *db, long long pid, char **header, int *depth)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT header, depth FROM problems WHERE id = ?");
	int rc = -1;
	if (!st)
		return -2;
	db_bind_int(st, 1, pid);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*header = xstrdup((const char *)sqlite3_column_text(st, 0));
		*depth = sqlite3_column_int(st, 1);
		rc = 0;
	}
	sqlite3_finalize(st);
	return rc;
}

static int store_subgoals(sqlite3 *db, long long pid, long long sketch_id, const json_t *goals,
			  char **why)
{
	char *header = NULL;
	int depth, rc = 0;
	size_t i;
	json_t *g;
	if ((rc = problem_row(db, pid, &header, &depth)))
		BAD("problem %lld not in the corpus", pid);
	json_array_foreach(goals, i, g) {
		const char *lemma_b = str(g, "lemma_b"), *name = str(g, "lemma_name");
		char key[65];
		long long child;
		int inserted;
		if (!lemma_b || !name || !str(g, "lemma_a") || !str(g, "statement")) {
			*why = xasprintf("subgoal %zu without lemma_name, statement, lemma_a or lemma_b", i);
			rc = -1;
			break;
		}
		lemma_key(header, lemma_b, key);
		struct db_problem p = { .name = name, .source = "subgoal", .header = header,
					.formal_statement = lemma_b, .stmt_key = key, .depth = depth + 1 };
		sqlite3_stmt *st = db_prepare(db,
			"INSERT INTO subgoals (sketch_id, idx, have_name, lemma_name, statement, lemma_a,"
			" lemma_b, is_final, extracted_by) VALUES (?,?,?,?,?,?,?,?,?)");
		if (!st) {
			rc = -2;
			break;
		}
		db_bind_int(st, 1, sketch_id);
		db_bind_int(st, 2, (long long)i);
		db_bind_text(st, 3, str(g, "have_name"));
		db_bind_text(st, 4, name);
		db_bind_text(st, 5, str(g, "statement"));
		db_bind_text(st, 6, str(g, "lemma_a"));
		db_bind_text(st, 7, lemma_b);
		db_bind_int(st, 8, json_is_true(json_object_get(g, "is_final")));
		db_bind_text(st, 9, str(g, "extracted_by") ? str(g, "extracted_by") : "syntax");
		rc = db_step_done(db, st) ? -2 : 0;
		sqlite3_finalize(st);
		if (rc)
			break;
		long long sg = sqlite3_last_insert_rowid(db);
		p.parent_subgoal_id = sg;
		if (db_problem_insert(db, &p, &child, &inserted)) {
			rc = -2;
			break;
		}
		if (child == pid) {
			*why = xasprintf("subgoal %s restates the goal it should help prove", name);
			rc = -1;
			break;
		}
		if (!(st = db_prepare(db, "UPDATE subgoals SET child_id = ? WHERE id = ?"))) {
			rc = -2;
			break;
		}
		db_bind_int(st, 1, child);
		db_bind_int(st, 2, sg);
		rc = db_step_done(db, st) ? -2 : 0;
		sqlite3_finalize(st);
		if (rc)
			break;
	}
	free(header);
	return rc;
}

static int store_decompose(sqlite3 *db, long long pid, const json_t *rec, char **why)
{
	const char *result = str(rec, "result");
	json_t *sketches = json_object_get(rec, "sketches"), *sk;
	size_t i;
	int rc, accepted = 0;
	if (!result)
		BAD("decompose record without result");
	json_array_foreach(sketches, i, sk) {
		const char *status = str(sk, "status");
		sqlite3_stmt *st;
		if (!status || !str(sk, "code") || !str(sk, "model") || !str(sk, "prompt_hash"))
			BAD("sketch %zu without status, code, model or prompt_hash", i);
		if (!(st = db_prepare(db, "INSERT INTO sketches (problem_id, attempt_id, reasoning, code,"
					  " status, why, model, prompt_hash) VALUES (?,?,?,?,?,?,?,?)")))
			return -2;
		long long aid = attempt_id(db, str(sk, "cache_key"));
		db_bind_int(st, 1, pid);
		if (aid)
			db_bind_int(st, 2, aid);
		else
			sqlite3_bind_null(st, 2);
		db_bind_text(st, 3, str(sk, "reasoning") ? str(sk, "reasoning") : "");
		db_bind_text(st, 4, str(sk, "code"));
		db_bind_text(st, 5, status);
		db_bind_text(st, 6, str(sk, "why"));
		db_bind_text(st, 7, str(sk, "model"));
		db_bind_text(st, 8, str(sk, "prompt_hash"));
		rc = db_step_done(db, st) ? -2 : 0;
		sqlite3_finalize(st);
		if (rc)
			return rc;
		if (!strcmp(status, "accepted")) {
			if (accepted++)
				BAD("more than one accepted sketch");
			if ((rc = store_subgoals(db, pid, sqlite3_last_insert_rowid(db),
						 json_object_get(sk, "subgoals"), why)))
				return rc;
		}
	}
	{
		sqlite3_stmt *st = db_prepare(db, "UPDATE problems SET sketches_tried = sketches_tried + ? WHERE id = ?");
		if (!st)
			return -2;
		db_bind_int(st, 1, (long long)json_array_size(sketches));
		db_bind_int(st, 2, pid);
		rc = db_step_done(db, st) ? -2 : 0;
		sqlite3_finalize(st);
		if (rc)
			return rc;
	}
	if (!strcmp(result, "accepted")) {
		if (!accepted)
			BAD("decompose result 'accepted' without an accepted sketch");
		return set_status(db, pid, "decomposed", NULL, NULL);
	}
	if (!strcmp(result, "rejected"))
		return set_status(db, pid, "failed", NULL, str(rec, "why") ? str(rec, "why") : "no acceptable sketch");
	return 0; /* request failures: the problem stays pending for the next run */
}

static int store_corpus(sqlite3 *db, long long pid, const json_t *c, long long run_id, char **why)
{
	static const char *const need[] = { "name", "formal_proof", "cot", "prompt", "completion", "checker", NULL };
	sqlite3_stmt *st;
	int rc;
	for (int i = 0; need[i]; i++)
		if (!str(c, need[i]))
			BAD("corpus record without '%s'", need[i]);
	st = db_prepare(db,
		"WITH RECURSIVE tree(id) AS (SELECT ?1 UNION SELECT g.child_id FROM tree"
		"   JOIN sketches s ON s.problem_id = tree.id AND s.status = 'accepted'"
		"   JOIN subgoals g ON g.sketch_id = s.id WHERE g.child_id IS NOT NULL)"
		" INSERT INTO corpus (problem_id, name, formal_proof, cot, prompt, completion,"
		"  decomposer_model, prover_model, prompt_hashes, checker, checker_version, real_lean,"
		"  depth, prompt_tokens, completion_tokens, run_id)"
		" SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,"
		"  (SELECT max(depth) FROM problems WHERE id IN tree),"
		"  (SELECT coalesce(sum(prompt_tokens), 0) FROM attempts WHERE problem_id IN tree),"
		"  (SELECT coalesce(sum(completion_tokens), 0) FROM attempts WHERE problem_id IN tree), ?13"
		" ON CONFLICT (problem_id) DO NOTHING");
	if (!st)
		return -2;
	db_bind_int(st, 1, pid);
	bind_json(st, 2, c, "name");
	bind_json(st, 3, c, "formal_proof");
	bind_json(st, 4, c, "cot");
	bind_json(st, 5, c, "prompt");
	bind_json(st, 6, c, "completion");
	bind_json(st, 7, c, "decomposer_model");
	bind_json(st, 8, c, "prover_model");
	bind_json(st, 9, c, "prompt_hashes");
	bind_json(st, 10, c, "checker");
	bind_json(st, 11, c, "checker_version");
	db_bind_int(st, 12, json_is_true(json_object_get(c, "real_lean")));
	if (run_id > 0)
		db_bind_int(st, 13, run_id);
	else
		sqlite3_bind_null(st, 13);
	rc = db_step_done(db, st) ? -2 : 0;
	sqlite3_finalize(st);
	return rc;
}

static int store_result(sqlite3 *db, const json_t *rec, long long run_id, char **why)
{
	const char *type = str(rec, "type"), *result = str(rec, "result");
	long long pid = jsonl_int(rec, "problem_id", 0);
	if (!type)
		BAD("record without 'type'");
	if (pid <= 0)
		BAD("%s record without problem_id", type);
	if (!strcmp(type, "attempt"))
		return store_attempt(db, rec, run_id, why);
	if (!strcmp(type, "verification")) {
		long long v = store_verification(db, rec, why);
		return v < 0 ? (int)v : 0;
	}
	if (!result)
		BAD("%s record without 'result'", type);
	if (!strcmp(type, "prove")) {
		int e2e = str(rec, "stage") && !strcmp(str(rec, "stage"), "prove_e2e");
		int rc;
		if (e2e) {
			sqlite3_stmt *st = db_prepare(db, "UPDATE problems SET e2e_tried = 1 WHERE id = ?");
			if (!st)
				return -2;
			db_bind_int(st, 1, pid);
			rc = db_step_done(db, st) ? -2 : 0;
			sqlite3_finalize(st);
			if (rc)
				return rc;
		}
		if (!strcmp(result, "proved")) {
			const char *how = e2e ? "e2e" : "prover";
			if ((rc = store_proof(db, pid, how, json_object_get(rec, "proof"), run_id, why)))
				return rc;
			return set_status(db, pid, "proved", how, NULL);
		}
		if (!strcmp(result, "unproved"))
			return set_status(db, pid, "unproved", NULL, str(rec, "why"));
		return 0;
	}
	if (!strcmp(type, "decompose"))
		return store_decompose(db, pid, rec, why);
	if (!strcmp(type, "recombine")) {
		int rc;
		if (!strcmp(result, "proved")) {
			json_t *c = json_object_get(rec, "corpus");
			if ((rc = store_proof(db, pid, "decomposition", json_object_get(rec, "proof"), run_id, why)))
				return rc;
			if (json_is_object(c) && (rc = store_corpus(db, pid, c, run_id, why)))
				return rc;
			return set_status(db, pid, "proved", "decomposition", NULL);
		}
		return set_status(db, pid, "failed", NULL, str(rec, "why") ? str(rec, "why") : "recombination failed");
	}
	BAD("unknown record type '%s'", type);
}

int db_store(sqlite3 *db, const json_t *rec, long long run_id, char **why)
{
	int rc;
	*why = NULL;
	if (db_begin(db))
		return -2;
	rc = store_result(db, rec, run_id, why);
	if (rc) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db) ? -2 : 0;
}
