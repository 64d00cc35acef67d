/* db_export: stream corpus rows in the export formats, one row in memory at a time. */
#include <stdlib.h>
#include <string.h>

#include "cs.h"
#include "db.h"
#include "jsonl.h"

/* ?1: DB_EXPORT_UNVERIFIED, ?2: DB_EXPORT_AUDITED; a: the row's audit (v_corpus_audit);
 * ?4: a GLOB the row's problem name matches (NULL: every row). */
#define AUDIT_FILTER " AND (NOT ?2 OR (a.verdict = 'pass' AND (a.real_lean OR ?1)))"
#define NAME_FILTER(col) " AND (?4 IS NULL OR " col " GLOB ?4)"
/* ?5: DB_EXPORT_BENCHMARKS. Problems that are benchmark statements or stand below one
 * stay out (issue 20). */
#define BENCH_FILTER(ID) " AND (?5 OR " ID " NOT IN (SELECT problem_id FROM v_benchmark_tree))"
/* The verdict of corpus row c under the toolchain db_export_set_toolchain chose: its
 * latest check under a toolchain of that environment (NULL: none). */
#define LATEST_UNDER_EXPORT_ENV "(SELECT r.verdict FROM rechecks r JOIN toolchains t ON t.id = r.toolchain_id" \
	" WHERE r.corpus_id = c.id AND t.env_key = (SELECT env_key FROM temp.export_env) ORDER BY r.id DESC LIMIT 1)"
/* ?3: DB_EXPORT_TOOLCHAIN */
#define TOOLCHAIN_FILTER " AND (NOT ?3 OR " LATEST_UNDER_EXPORT_ENV " = 'pass')"
/* The toolchain of the row's own check, as sft rows name it. */
#define ROW_TOOLCHAIN "(SELECT json_object('id', t.id, 'checker', t.checker, 'lean_version', nullif(t.lean_version, '')," \
	" 'lean_toolchain', nullif(t.lean_toolchain, ''), 'mathlib_rev', nullif(t.mathlib_rev, '')," \
	" 'repl_rev', nullif(t.repl_rev, '')) FROM toolchains t WHERE t.id = c.toolchain_id)"
static const char q_sft[] =
	"SELECT c.name, c.prompt, c.completion, c.real_lean, p.source, p.split, p.source_key, c.depth,"
	" " ROW_TOOLCHAIN " AS toolchain"
	" FROM corpus c JOIN problems p ON p.id = c.problem_id LEFT JOIN v_corpus_audit a ON a.corpus_id = c.id"
	" WHERE (c.real_lean OR ?1)" AUDIT_FILTER TOOLCHAIN_FILTER NAME_FILTER("c.name") BENCH_FILTER("c.problem_id")
	" ORDER BY c.id";
static const char q_corpus[] =
	"SELECT c.*, p.split, p.formal_statement, a.verdict AS audit_verdict, a.checker AS audit_checker,"
	" a.version AS audit_version, a.real_lean AS audit_real_lean, a.audited_at, " ROW_TOOLCHAIN " AS toolchain"
	" FROM corpus c JOIN problems p ON p.id = c.problem_id"
	" LEFT JOIN v_corpus_audit a ON a.corpus_id = c.id"
	" WHERE (c.real_lean OR ?1)" AUDIT_FILTER TOOLCHAIN_FILTER NAME_FILTER("c.name") BENCH_FILTER("c.problem_id")
	" ORDER BY c.id";
static const char q_curriculum[] =
	"SELECT g.lemma_name AS name, g.lemma_a, g.lemma_b, g.is_final, g.extracted_by, c.header,"
	" c.depth, pr.body, pr.real_lean, parent.name AS parent"
	" FROM subgoals g JOIN sketches s ON s.id = g.sketch_id AND s.status = 'accepted'"
	" JOIN problems parent ON parent.id = s.problem_id"
	" JOIN problems c ON c.id = g.child_id LEFT JOIN proofs pr ON pr.problem_id = c.id"
	" WHERE (pr.real_lean IS NULL OR pr.real_lean OR ?1) AND ?2 = ?2 AND ?3 = ?3" NAME_FILTER("g.lemma_name")
	BENCH_FILTER("c.id") " ORDER BY g.id";
static const char q_unsolved[] =
	"SELECT name, split, informal AS informal_prefix, formal_statement, goal, header FROM problems"
	" WHERE depth = 0 AND status != 'proved' AND ?1 = ?1 AND ?2 = ?2 AND ?3 = ?3 AND ?5 = ?5" NAME_FILTER("name") " ORDER BY id";

/* The temporary table LATEST_UNDER_EXPORT_ENV reads (empty unless db_export_set_toolchain). */
static int export_env_ready(sqlite3 *db)
{
	return db_exec(db, "CREATE TEMP TABLE IF NOT EXISTS export_env (env_key TEXT NOT NULL)", "") < 0 ? -1 : 0;
}

/* Indent every non-empty line of body by two spaces after a statement ending in ":= by". */
static char *with_proof(const char *header, const char *stmt, const char *body)
{
	struct sbuf sb = SBUF_INIT;
	const char *p = body, *nl;
	sbuf_adds(&sb, header);
	sbuf_adds(&sb, stmt);
	sbuf_addch(&sb, '\n');
	while (*p) {
		nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		if (n)
			sbuf_adds(&sb, "  ");
		sbuf_add(&sb, p, n);
		sbuf_addch(&sb, '\n');
		p += n + (nl ? 1 : 0);
	}
	return sbuf_detach(&sb);
}

static enum cs_outcome emit_curriculum(sqlite3_stmt *st, db_emit_fn emit, void *ctx)
{
	json_t *row = db_row_json(st);
	const char *body = jsonl_str(row, "body"), *header = jsonl_str(row, "header");
	enum cs_outcome rc = CS_DONE;
	for (int form = 0; form < 2 && rc == CS_DONE; form++) {
		const char *stmt = jsonl_str(row, form ? "lemma_b" : "lemma_a");
		json_t *o = json_object();
		json_object_set(o, "name", json_object_get(row, "name"));
		json_object_set_new(o, "form", json_string(form ? "b" : "a"));
		json_object_set(o, "parent", json_object_get(row, "parent"));
		json_object_set(o, "depth", json_object_get(row, "depth"));
		json_object_set(o, "header", json_object_get(row, "header"));
		json_object_set_new(o, "formal_statement", json_string(stmt));
		/* form (b) is what the prover proved; form (a) lacks the earlier haves,
		 * so it carries a proof only when the two forms coincide */
		if (body && (form || !strcmp(stmt, jsonl_str(row, "lemma_b")))) {
			char *full = with_proof(header, stmt, body);
			json_object_set_new(o, "proof", json_string(full));
			json_object_set_new(o, "real_lean", json_boolean(json_integer_value(json_object_get(row, "real_lean"))));
			free(full);
		} else {
			json_object_set_new(o, "proof", json_null());
		}
		rc = emit(o, ctx);
		json_decref(o);
	}
	json_decref(row);
	return rc;
}

enum cs_outcome db_export(sqlite3 *db, const char *format, int flags, const char *name,
			  db_emit_fn emit, void *ctx, long *rows)
{
	const char *sql = !strcmp(format, "sft") ? q_sft : !strcmp(format, "corpus") ? q_corpus
			: !strcmp(format, "curriculum") ? q_curriculum
			: !strcmp(format, "unsolved") ? q_unsolved : NULL;
	enum cs_outcome out = CS_DONE;
	sqlite3_stmt *st;
	int rc;
	*rows = 0;
	if (!sql) {
		error("unknown export format '%s' (sft, curriculum, unsolved, corpus)", format);
		return CS_STOP;
	}
	if (export_env_ready(db))
		return CS_STOP;
	if (!(st = db_query(db, sql, "iiiti", (flags & DB_EXPORT_UNVERIFIED) != 0, (flags & DB_EXPORT_AUDITED) != 0,
			    (flags & DB_EXPORT_TOOLCHAIN) != 0, name, (flags & DB_EXPORT_BENCHMARKS) != 0)))
		return CS_STOP;
	while (out == CS_DONE && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sql == q_curriculum) {
			out = emit_curriculum(st, emit, ctx);
		} else if (sql == q_sft) {
			json_t *tc = sqlite3_column_type(st, 8) == SQLITE_NULL ? NULL
				   : json_loads((const char *)sqlite3_column_text(st, 8), 0, NULL);
			json_t *o = json_pack("{s:o, s:o, s:o, s:o, s:o, s:[{s:s, s:o}, {s:s, s:o}], s:s, s:o}",
				"name", db_column_json(st, 0), "source", db_column_json(st, 4),
				"split", db_column_json(st, 5), "source_key", db_column_json(st, 6),
				"depth", db_column_json(st, 7), "messages", "role", "user", "content",
				db_column_json(st, 1), "role", "assistant", "content", db_column_json(st, 2),
				"checked_by", sqlite3_column_int(st, 3) ? "lean" : "test-double",
				"toolchain", tc ? tc : json_null());
			out = emit(o, ctx);
			json_decref(o);
		} else {
			json_t *o = db_row_json(st), *tc;
			const char *t = jsonl_str(o, "toolchain");
			if (t && (tc = json_loads(t, 0, NULL)))
				json_object_set_new(o, "toolchain", tc);
			out = emit(o, ctx);
			json_decref(o);
		}
		*rows += out == CS_DONE ? (sql == q_curriculum ? 2 : 1) : 0;
	}
	if (out == CS_DONE && rc != SQLITE_DONE) {
		error("%s: %s", sqlite3_db_filename(db, "main"), db_errstr(db));
		out = CS_STOP;
	}
	sqlite3_finalize(st);
	return out;
}

/* The rows of sql (bound: ?1 = DB_EXPORT_UNVERIFIED, ?3 = DB_EXPORT_TOOLCHAIN, ?5 =
 * DB_EXPORT_BENCHMARKS of flags) as an array of objects, or NULL. */
static json_t *rows(sqlite3 *db, const char *sql, int flags)
{
	sqlite3_stmt *st = db_prepare(db, sql);
	json_t *a;
	int rc;
	if (!st)
		return NULL;
	a = json_array();
	db_bind_int(st, 1, (flags & DB_EXPORT_UNVERIFIED) != 0);
	db_bind_int(st, 3, (flags & DB_EXPORT_TOOLCHAIN) != 0);
	db_bind_int(st, 5, (flags & DB_EXPORT_BENCHMARKS) != 0);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(a, db_row_json(st));
	if (rc != SQLITE_DONE) {
		error("%s: %s", sqlite3_db_filename(db, "main"), db_errstr(db));
		json_decref(a);
		a = NULL;
	}
	sqlite3_finalize(st);
	return a;
}

json_t *db_export_summary(sqlite3 *db, int flags)
{
	static const struct {
		const char *key, *sql;
	} parts[] = {
		{ "totals", "SELECT count(*) AS rows, coalesce(sum(real_lean), 0) AS lean,"
			    " count(*) - coalesce(sum(real_lean), 0) AS doubles, min(created_at) AS first,"
			    " max(created_at) AS last FROM corpus c WHERE (real_lean OR ?1)" TOOLCHAIN_FILTER BENCH_FILTER("c.problem_id") },
		{ "splits", "SELECT p.split, c.depth, count(*) AS rows FROM corpus c"
			    " JOIN problems p ON p.id = c.problem_id WHERE (c.real_lean OR ?1)" TOOLCHAIN_FILTER BENCH_FILTER("c.problem_id")
			    " GROUP BY p.split, c.depth ORDER BY p.split, c.depth" },
		{ "models", "SELECT decomposer_model, prover_model, checker, count(*) AS rows FROM corpus c"
			    " WHERE (real_lean OR ?1)" TOOLCHAIN_FILTER BENCH_FILTER("c.problem_id") " GROUP BY 1, 2, 3 ORDER BY rows DESC, 1, 2, 3" },
		{ "sources", "SELECT p.source, count(*) AS rows FROM corpus c JOIN problems p ON p.id = c.problem_id"
			     " WHERE (c.real_lean OR ?1)" TOOLCHAIN_FILTER BENCH_FILTER("c.problem_id") " GROUP BY p.source ORDER BY rows DESC, p.source" },
		/* the toolchains of the rows' own checks (a version 2 corpus knew only the
		 * checker and its version) */
		{ "toolchains", "SELECT t.checker, nullif(t.lean_version, '') AS lean_version,"
				" nullif(t.lean_toolchain, '') AS lean_toolchain, nullif(t.mathlib_rev, '') AS mathlib_rev,"
				" nullif(t.repl_rev, '') AS repl_rev, count(*) AS rows FROM corpus c"
				" LEFT JOIN toolchains t ON t.id = c.toolchain_id WHERE (c.real_lean OR ?1)" TOOLCHAIN_FILTER BENCH_FILTER("c.problem_id")
				" GROUP BY t.env_key ORDER BY rows DESC, t.env_key" },
		/* the corpus's benchmark problems: their rows, whether exported or not */
		{ "benchmarks", "SELECT (SELECT count(*) FROM problems WHERE benchmark IS NOT NULL AND ?1 = ?1 AND ?3 = ?3"
				" AND ?5 = ?5) AS problems, (SELECT count(*) FROM corpus c WHERE (c.real_lean OR ?1)"
				" AND c.problem_id IN (SELECT problem_id FROM v_benchmark_tree)) AS rows" },
	};
	json_t *o;
	if (export_env_ready(db))
		return NULL;
	o = json_object();
	for (size_t i = 0; i < CS_ARRAY_SIZE(parts); i++) {
		json_t *a = rows(db, parts[i].sql, flags);
		if (!a) {
			json_decref(o);
			return NULL;
		}
		if (i == 0) {
			json_object_update(o, json_array_get(a, 0));
			json_decref(a);
		} else if (!strcmp(parts[i].key, "benchmarks")) {
			json_object_set(o, "benchmarks", json_array_get(a, 0));
			json_decref(a);
		} else {
			json_object_set_new(o, parts[i].key, a);
		}
	}
	return o;
}

int db_export_toolchain_left(sqlite3 *db, int flags, const char *name, long long *broken, long long *unchecked)
{
	int unverified = (flags & DB_EXPORT_UNVERIFIED) != 0;
	*broken = *unchecked = 0;
	if (export_env_ready(db) ||
	    db_scalar(db, broken, "SELECT count(*) FROM corpus c WHERE (c.real_lean OR ?1) AND (?2 IS NULL OR "
		      "c.name GLOB ?2) AND " LATEST_UNDER_EXPORT_ENV " != 'pass'", "it", unverified, name) < 0 ||
	    db_scalar(db, unchecked, "SELECT count(*) FROM corpus c WHERE (c.real_lean OR ?1) AND (?2 IS NULL OR "
		      "c.name GLOB ?2) AND " LATEST_UNDER_EXPORT_ENV " IS NULL", "it", unverified, name) < 0)
		return -1;
	return 0;
}
