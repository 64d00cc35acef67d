/* db_store: apply one stage result record to the corpus, in one transaction.
 * Every function returns an enum cs_outcome: CS_DONE, CS_BAD_RECORD (with *why) or
 * CS_STOP (a database error, printed). */
#include <stdlib.h>
#include <string.h>

#include "cs.h"
#include "db.h"
#include "jsonl.h"

#define BAD(...) do { *why = xasprintf(__VA_ARGS__); return CS_BAD_RECORD; } while (0)
/* A statement's result as an outcome: -1 (printed) stops. */
#define RUN(x) ((x) < 0 ? CS_STOP : CS_DONE)

static const char *str(const json_t *o, const char *k)
{
	return jsonl_str(o, k);
}

static int set_status(sqlite3 *db, long long pid, const char *status, const char *how, const char *reason)
{
	return RUN(db_exec(db, "UPDATE problems SET status = ?, how = coalesce(?, how), why = ?,"
			       " updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id = ?",
			   "tttI", status, how, reason, pid));
}

/* Row id of the attempt of cache_key: 1 (*id set), 0 none, -1 database error. */
static int attempt_id(sqlite3 *db, const char *cache_key, long long *id)
{
	*id = 0;
	if (!cache_key)
		return 0;
	return db_scalar(db, id, "SELECT id FROM attempts WHERE cache_key = ?", "t", cache_key);
}

static int store_attempt(sqlite3 *db, const json_t *rec, long long run_id, char **why)
{
	static const char *const need[] = { "stage", "role", "model", "endpoint", "cache_key",
		"prompt_name", "prompt_hash", "request", "status", NULL };
	for (int i = 0; need[i]; i++)
		if (!str(rec, need[i]))
			BAD("attempt record without '%s'", need[i]);
	return RUN(db_exec(db,
		"INSERT INTO attempts (problem_id, run_id, stage, role, model, endpoint, cache_key,"
		" prompt_name, prompt_hash, request, sample_index, content, reasoning, finish_reason,"
		" status, http_status, error, prompt_tokens, completion_tokens, cache_hit_tokens,"
		" cache_miss_tokens, elapsed, cost) VALUES (?, nullif(?, 0), ?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,"
		" coalesce(?, 0), coalesce(?, 0), coalesce(?, 0), coalesce(?, 0), ?, ?)"
		" ON CONFLICT (cache_key) DO NOTHING",
		"jIjjjjjjjjjjjjjjjjjjjjj", rec, "problem_id", run_id, rec, "stage", rec, "role",
		rec, "model", rec, "endpoint", rec, "cache_key", rec, "prompt_name", rec, "prompt_hash",
		rec, "request", rec, "sample_index", rec, "content", rec, "reasoning", rec, "finish_reason",
		rec, "status", rec, "http_status", rec, "error", rec, "prompt_tokens", rec, "completion_tokens",
		rec, "cache_hit_tokens", rec, "cache_miss_tokens", rec, "elapsed", rec, "cost"));
}

static int store_verification(sqlite3 *db, const json_t *rec, long long run_id, char **why)
{
	long long aid;
	if (!str(rec, "kind") || !str(rec, "code_hash") || !str(rec, "checker") || !str(rec, "verdict"))
		BAD("verification record without kind, code_hash, checker or verdict");
	if (attempt_id(db, str(rec, "cache_key"), &aid) < 0 ||
	    db_exec(db, "INSERT INTO verifications (problem_id, attempt_id, kind, code_hash, checker, version,"
			" real_lean, verdict, why, messages, elapsed, run_id, audited, server) VALUES (?, nullif(?, 0), ?,?,?,?,"
			" coalesce(?, 0), ?,?,?,?, nullif(?, 0), coalesce(?, 0), ?)",
		    "jIjjjjjjjjjIjj", rec, "problem_id", aid, rec, "kind", rec, "code_hash",
		    rec, "checker", rec, "version", rec, "real_lean", rec, "verdict", rec, "why", rec, "messages",
		    rec, "elapsed", run_id, rec, "audited", rec, "server") < 0)
		return CS_STOP;
	/* the toolchain of a check Lean (or a double) ran: not of a policy refusal, not of a
	 * check that could not run */
	if (strcmp(str(rec, "checker"), "policy") && strcmp(str(rec, "verdict"), "error")) {
		long long vid = sqlite3_last_insert_rowid(db), tid;
		if (db_toolchain_of_record(db, rec, "version", jsonl_int(rec, "problem_id", 0), &tid) ||
		    db_exec(db, "UPDATE verifications SET toolchain_id = ? WHERE id = ?", "II", tid, vid) < 0)
			return CS_STOP;
	}
	if (!aid)
		return CS_DONE;
	return RUN(db_exec(db, "UPDATE attempts SET verdict = ?, why = ? WHERE id = ?", "ttI",
			   str(rec, "verdict"), str(rec, "why"), aid));
}

static int store_proof(sqlite3 *db, long long pid, const char *how, const json_t *proof,
		       long long run_id, char **why)
{
	long long aid;
	if (!json_is_object(proof) || !str(proof, "code") || !str(proof, "body"))
		BAD("proof without code or body");
	if (attempt_id(db, str(proof, "cache_key"), &aid) < 0)
		return CS_STOP;
	return RUN(db_exec(db, "INSERT INTO proofs (problem_id, how, body, code, attempt_id, real_lean, run_id,"
			       " reused_from) VALUES (?,?,?,?, nullif(?, 0), ?, nullif(?, 0), nullif(?, 0))"
			       " ON CONFLICT (problem_id) DO NOTHING",
			   "Ittt" "IiII", pid, how, str(proof, "body"), str(proof, "code"), aid,
			   json_is_true(json_object_get(proof, "real_lean")), run_id,
			   (long long)jsonl_int(proof, "reused_from", 0)));
}

static int store_subgoals(sqlite3 *db, long long pid, long long sketch_id, const json_t *goals,
			  char **why)
{
	long long depth;
	size_t i;
	json_t *g;
	/* db_scalar's -1 is a database error, its 0 a missing problem */
	int rc = db_scalar(db, &depth, "SELECT depth FROM problems WHERE id = ?", "I", pid);
	if (rc < 0)
		return CS_STOP;
	if (rc == 0)
		BAD("problem %lld not in the corpus", pid);
	json_array_foreach(goals, i, g) {
		const char *lemma_b = str(g, "lemma_b"), *name = str(g, "lemma_name");
		long long child, sg;
		int inserted;
		if (!lemma_b || !name || !str(g, "lemma_a") || !str(g, "statement") || !str(g, "stmt_key"))
			BAD("subgoal %zu without lemma_name, statement, lemma_a, lemma_b or stmt_key", i);
		if (db_exec(db, "INSERT INTO subgoals (sketch_id, idx, have_name, lemma_name, statement, lemma_a,"
				" lemma_b, is_final, extracted_by) VALUES (?,?,?,?,?,?,?,?, coalesce(?, 'syntax'))",
			    "Iitttttit", sketch_id, (int)i, str(g, "have_name"), name, str(g, "statement"),
			    str(g, "lemma_a"), lemma_b, json_is_true(json_object_get(g, "is_final")),
			    str(g, "extracted_by")) < 0)
			return CS_STOP;
		sg = sqlite3_last_insert_rowid(db);
		/* the header of a lemma is its parent's */
		if (db_exec(db, "INSERT INTO problems (name, source, header, formal_statement, stmt_key, depth,"
				" parent_subgoal_id, fingerprint) SELECT ?, 'subgoal', header, ?, ?, depth + 1, ?, ? FROM problems"
				" WHERE id = ? ON CONFLICT (stmt_key) DO NOTHING",
			    "tttItI", name, lemma_b, str(g, "stmt_key"), sg, str(g, "fingerprint"), pid) < 0)
			return CS_STOP;
		inserted = sqlite3_changes(db) > 0;
		if (inserted)
			child = sqlite3_last_insert_rowid(db);
		else if (db_scalar(db, &child, "SELECT id FROM problems WHERE stmt_key = ?", "t", str(g, "stmt_key")) != 1)
			return CS_STOP;
		if (child == pid)
			BAD("subgoal %s restates the goal it should help prove", name);
		if (db_exec(db, "UPDATE subgoals SET child_id = ? WHERE id = ?", "II", child, sg) < 0)
			return CS_STOP;
	}
	return CS_DONE;
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
		long long aid;
		if (!status || !str(sk, "code") || !str(sk, "model") || !str(sk, "prompt_hash"))
			BAD("sketch %zu without status, code, model or prompt_hash", i);
		if (attempt_id(db, str(sk, "cache_key"), &aid) < 0 ||
		    db_exec(db, "INSERT INTO sketches (problem_id, attempt_id, reasoning, code, status, why, model,"
				" prompt_hash) VALUES (?, nullif(?, 0), coalesce(?, ''), ?, ?, ?, ?, ?)",
			    "IItttttt", pid, aid, str(sk, "reasoning"), str(sk, "code"), status, str(sk, "why"),
			    str(sk, "model"), str(sk, "prompt_hash")) < 0)
			return CS_STOP;
		if (!strcmp(status, "accepted")) {
			if (accepted++)
				BAD("more than one accepted sketch");
			if ((rc = store_subgoals(db, pid, sqlite3_last_insert_rowid(db),
						 json_object_get(sk, "subgoals"), why)))
				return rc;
		}
	}
	if (db_exec(db, "UPDATE problems SET sketches_tried = sketches_tried + ? WHERE id = ?", "II",
		    (long long)json_array_size(sketches), pid) < 0)
		return CS_STOP;
	if (!strcmp(result, "accepted")) {
		if (!accepted)
			BAD("decompose result 'accepted' without an accepted sketch");
		return set_status(db, pid, "decomposed", NULL, NULL);
	}
	if (!strcmp(result, "rejected"))
		return set_status(db, pid, "failed", NULL, str(rec, "why") ? str(rec, "why") : "no acceptable sketch");
	return CS_DONE; /* deferred: the problem stays pending for the next run */
}

static int store_corpus(sqlite3 *db, long long pid, const json_t *c, long long run_id, char **why)
{
	static const char *const need[] = { "name", "formal_proof", "cot", "prompt", "completion", "checker", NULL };
	long long tid;
	char hash[65];
	for (int i = 0; need[i]; i++)
		if (!str(c, need[i]))
			BAD("corpus record without '%s'", need[i]);
	if (db_toolchain_of_record(db, c, "checker_version", pid, &tid))
		return CS_STOP;
	if (db_exec(db,
		"WITH RECURSIVE tree(id) AS (SELECT ?1 UNION SELECT g.child_id FROM tree"
		"   JOIN sketches s ON s.problem_id = tree.id AND s.status = 'accepted'"
		"   JOIN subgoals g ON g.sketch_id = s.id WHERE g.child_id IS NOT NULL)"
		" INSERT INTO corpus (problem_id, name, formal_proof, cot, prompt, completion,"
		"  decomposer_model, prover_model, prompt_hashes, checker, checker_version, real_lean,"
		"  depth, prompt_tokens, completion_tokens, run_id, audited, toolchain_id)"
		" SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,"
		"  (SELECT max(depth) FROM problems WHERE id IN tree),"
		"  (SELECT coalesce(sum(prompt_tokens), 0) FROM attempts WHERE problem_id IN tree),"
		"  (SELECT coalesce(sum(completion_tokens), 0) FROM attempts WHERE problem_id IN tree), nullif(?13, 0), ?14, ?15"
		" ON CONFLICT (problem_id) DO NOTHING",
		"Ijjjjjjjjjj" "iIiI", pid, c, "name", c, "formal_proof", c, "cot", c, "prompt", c, "completion",
		c, "decomposer_model", c, "prover_model", c, "prompt_hashes", c, "checker", c, "checker_version",
		json_is_true(json_object_get(c, "real_lean")), run_id, json_is_true(json_object_get(c, "audited")), tid) < 0)
		return CS_STOP;
	if (sqlite3_changes(db) == 0)
		return CS_DONE;
	/* the row's first verdict, under the toolchain of the check that made it */
	cs_sha256_hex(str(c, "formal_proof"), strlen(str(c, "formal_proof")), hash);
	return RUN(db_recheck_store(db, &(struct db_recheck){ pid, sqlite3_last_insert_rowid(db), tid, "run", "pass",
							       NULL, hash, 0 }));
}

static int store_prove(sqlite3 *db, long long pid, const json_t *rec, long long run_id, char **why)
{
	const char *result = str(rec, "result"), *stage = str(rec, "stage");
	int e2e = stage && !strcmp(stage, "prove_e2e"), rc;
	if (e2e && db_exec(db, "UPDATE problems SET e2e_tried = 1 WHERE id = ?", "I", pid) < 0)
		return CS_STOP;
	if (!strcmp(result, "proved")) {
		/* reused: another problem's proof of the same statement, checked in Lean here */
		const char *how = e2e ? "e2e" : jsonl_int(json_object_get(rec, "proof"), "reused_from", 0) > 0 ? "reused"
			: "prover";
		if ((rc = store_proof(db, pid, how, json_object_get(rec, "proof"), run_id, why)))
			return rc;
		return set_status(db, pid, "proved", how, NULL);
	}
	if (!strcmp(result, "unproved"))
		return set_status(db, pid, "unproved", NULL, str(rec, "why"));
	return CS_DONE; /* deferred: pending for the next run */
}

/* How the subgoals of pid's accepted sketch went back into it: proof.by_lemma lists
 * those closed by their lemma; the others were spliced. */
static int store_recombined_as(sqlite3 *db, long long pid, const json_t *proof)
{
#define OF_SKETCH " WHERE sketch_id IN (SELECT id FROM sketches WHERE problem_id = ? AND status = 'accepted')"
	const json_t *by = json_object_get(proof, "by_lemma"), *i;
	size_t k;
	if (db_exec(db, "UPDATE subgoals SET recombined_as = 'splice'" OF_SKETCH, "I", pid) < 0)
		return CS_STOP;
	json_array_foreach(by, k, i)
		if (json_is_integer(i) &&
		    db_exec(db, "UPDATE subgoals SET recombined_as = 'lemma'" OF_SKETCH " AND idx = ?", "II", pid,
			    (long long)json_integer_value(i)) < 0)
			return CS_STOP;
	return CS_DONE;
#undef OF_SKETCH
}

static int store_recombine(sqlite3 *db, long long pid, const json_t *rec, long long run_id, char **why)
{
	const char *result = str(rec, "result");
	int rc;
	if (!strcmp(result, "proved")) {
		json_t *c = json_object_get(rec, "corpus");
		if ((rc = store_proof(db, pid, "decomposition", json_object_get(rec, "proof"), run_id, why)) ||
		    (rc = store_recombined_as(db, pid, json_object_get(rec, "proof"))))
			return rc;
		if (json_is_object(c) && (rc = store_corpus(db, pid, c, run_id, why)))
			return rc;
		return set_status(db, pid, "proved", "decomposition", NULL);
	}
	if (!strcmp(result, "deferred"))
		return CS_DONE;
	return set_status(db, pid, "failed", NULL, str(rec, "why") ? str(rec, "why") : "recombination failed");
}

static int store_result(sqlite3 *db, const json_t *rec, long long run_id, char **why)
{
	const char *type = str(rec, "type");
	long long pid = jsonl_int(rec, "problem_id", 0);
	if (!type)
		BAD("record without 'type'");
	if (pid <= 0)
		BAD("%s record without problem_id", type);
	if (!strcmp(type, "attempt"))
		return store_attempt(db, rec, run_id, why);
	if (!strcmp(type, "verification"))
		return store_verification(db, rec, run_id, why);
	if (!str(rec, "result"))
		BAD("%s record without 'result'", type);
	if (!strcmp(type, "prove"))
		return store_prove(db, pid, rec, run_id, why);
	if (!strcmp(type, "decompose"))
		return store_decompose(db, pid, rec, why);
	if (!strcmp(type, "recombine"))
		return store_recombine(db, pid, rec, run_id, why);
	BAD("unknown record type '%s'", type);
}

int db_store(sqlite3 *db, const json_t *rec, long long run_id, char **why)
{
	int rc;
	*why = NULL;
	if (db_begin(db))
		return CS_STOP;
	rc = store_result(db, rec, run_id, why);
	if (rc != CS_DONE) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db) ? CS_STOP : CS_DONE;
}
