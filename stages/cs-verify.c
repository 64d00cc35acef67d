/* cs-verify: policy + Lean check of arbitrary code, JSONL in, JSONL out. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cs.h"
#include "jsonl.h"
#include "lean_repl.h"
#include "lean_text.h"

static const char usage[] =
	"[-j N] [FILE]\n"
	"Check Lean code. Reads JSONL records (FILE or standard input)\n"
	"  {\"id\": ..., \"header\": \"import ...\", \"code\": \"theorem ...\",\n"
	"   \"formal_statement\": \"theorem NAME ... := by\" (optional: the statement must be kept),\n"
	"   \"theorem\": NAME (optional: the theorem the axiom audit looks at),\n"
	"   \"allow_sorry\": true (optional: a sketch)}\n"
	"and writes each record back, in the order checks finish, with \"verdict\" (pass,\n"
	"sorry, fail, timeout, error or rejected), \"why\", \"checker\", \"version\", \"real_lean\",\n"
	"\"messages\", \"sorries\" and \"elapsed\"; with a formal_statement also \"statement\"\n"
	"(\"kept\", or \"changed: ...\": the code's copy of it compared). Code with a forbidden\n"
	"construct or a changed statement is rejected without reaching Lean. With a\n"
	"formal_statement, Lean checks that statement with the code's proof grafted on (the\n"
	"code's helper declarations before it), never the code's copy of the statement;\n"
	"what the code has after its proof (a command Lean would read there, at any column)\n"
	"is not compiled and is recorded as \"cut\".\n"
	"  -j, --jobs N  checks in flight (default CS_LEAN_JOBS)\n"
	"Environment: CS_LEAN_REPL, CS_LEAN_DIR or CS_LEAN_URL; CS_LEAN_JOBS, CS_LEAN_TIMEOUT,\n"
	"CS_LEAN_MEMORY, CS_LEAN_MAX_USES, CS_LEAN_SANDBOX, CS_LEAN_AXIOMS; CS_ALLOW_NATIVE_DECIDE,\n"
	"CS_MAX_HEARTBEATS. Exit status 1 when a record was bad or its check ended in error.\n";

static void emit(json_t *rec)
{
	if (jsonl_write(stdout, rec) || fflush(stdout))
		die(CS_EIO, "write to standard output failed: %s", strerror(errno));
}

static json_t *sorries_json(const struct lean_reply *r)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < r->nsorry; i++) {
		const struct lean_sorry *s = &r->sorries[i];
		json_t *goal = json_string(s->goal);
		json_array_append_new(arr, json_pack("{s:i,s:i,s:i,s:i,s:o}", "line", s->line, "col", s->col,
						     "end_line", s->end_line, "end_col", s->end_col,
						     "goal", goal ? goal : json_string("")));
	}
	return arr;
}

static void emit_rejected(json_t *rec, const char *why)
{
	json_object_set_new(rec, "verdict", json_string("rejected"));
	json_object_set_new(rec, "why", json_string(why));
	json_object_set_new(rec, "checker", json_string("policy"));
	json_object_set_new(rec, "version", json_null());
	json_object_set_new(rec, "real_lean", json_false());
	json_object_set_new(rec, "messages", json_array());
	json_object_set_new(rec, "sorries", json_array());
	json_object_set_new(rec, "elapsed", json_real(0));
	emit(rec);
}

static void emit_check(json_t *rec, const struct lean_check *c)
{
	json_t *msgs = c->messages_json ? json_loads(c->messages_json, 0, NULL) : NULL;
	json_object_set_new(rec, "verdict", json_string(lean_verdict_name(c->verdict)));
	json_object_set_new(rec, "why", c->why ? json_string(c->why) : json_null());
	json_object_set_new(rec, "checker", json_string(c->checker ? c->checker : "repl"));
	json_object_set_new(rec, "version", c->version ? json_string(c->version) : json_null());
	json_object_set_new(rec, "real_lean", json_boolean(c->real_lean));
	json_object_set_new(rec, "audited", json_boolean(c->audited));
	json_object_set_new(rec, "messages", msgs ? msgs : json_array());
	json_object_set_new(rec, "sorries", sorries_json(&c->reply));
	json_object_set_new(rec, "elapsed", json_real(c->elapsed));
	emit(rec);
}

/* The theorem the axiom audit looks at: the record's, the statement's, the code's last. */
static char *theorem_name(const json_t *rec, const char *code, const char *formal)
{
	const char *given = jsonl_str(rec, "theorem");
	const char *srcs[2] = { formal, code };
	if (given)
		return xstrdup(given);
	for (int i = 0; i < 2; i++) {
		struct lean_theorem t;
		char *why = NULL;
		if (srcs[i] && lean_parse_theorem(srcs[i], NULL, &t, &why) == 0) {
			char *name = xstrdup(t.name);
			lean_theorem_release(&t);
			return name;
		}
		free(why);
	}
	return NULL;
}

/* The code Lean checks for code answering formal: its proof grafted onto formal
 * (NULL with *why when refused, or when why is NULL: only the record wanted).
 * Records in rec whether the code's copy of the statement is formal's. */
static char *graft(json_t *rec, const char *code, const char *formal, char **why)
{
	static const char changed[] = "statement changed: ";
	char *sw = NULL, *g = NULL, *gw = NULL;
	if (lean_check_statement(code, formal, &sw) == 0)
		json_object_set_new(rec, "statement", json_string("kept"));
	else
		json_object_set_new(rec, "statement", json_string(strncmp(sw, changed, sizeof(changed) - 1)
			? sw : sw + sizeof(changed) - 1 - strlen("changed: ")));
	if (why && sw) {
		*why = sw;
		return NULL;
	}
	free(sw);
	if (why && !(g = lean_graft_statement(code, formal, &gw))) {
		*why = xasprintf("statement graft refused: %s", gw);
		free(gw);
	}
	if (g) {
		/* what Lean would read after the proof is not compiled: recorded as cut */
		struct lean_theorem t;
		char *after = NULL;
		if (lean_parse_theorem(formal, NULL, &t, &gw) == 0) {
			after = lean_after_proof(code, t.name);
			lean_theorem_release(&t);
		}
		free(gw);
		if (after)
			json_object_set_new(rec, "cut", json_string(after));
		free(after);
	}
	return g;
}

/* Policy, then the pool. 1: submitted; 0: answered here (rejected); -1: bad record. */
static int start(struct lean_pool *pool, const struct lean_policy *policy, json_t *rec,
		 const char *where)
{
	const char *code = jsonl_str(rec, "code"), *header = jsonl_str(rec, "header");
	const char *formal = jsonl_str(rec, "formal_statement");
	json_t *hv = json_object_get(rec, "header"), *as = json_object_get(rec, "allow_sorry");
	struct lean_policy pol = *policy;
	char *why = NULL, *name, *checked = NULL;
	int rc;
	if (!code)
		return error("%s: record without a \"code\" string", where);
	if (hv && !json_is_null(hv) && !header)
		return error("%s: \"header\" is not a string", where);
	if (as && !json_is_boolean(as))
		return error("%s: \"allow_sorry\" is not true or false", where);
	pol.allow_sorry = json_is_true(as);
	if (lean_check_forbidden(code, &pol, &why) == 0 && formal)
		checked = graft(rec, code, formal, &why);
	else if (formal)
		free(graft(rec, code, formal, NULL));
	if (why) {
		emit_rejected(rec, why);
		free(why);
		free(checked);
		return 0;
	}
	name = theorem_name(rec, code, formal);
	rc = lean_pool_submit(pool, &(struct lean_request){ header ? header : "", checked ? checked : code, name, formal }, rec);
	free(name);
	free(checked);
	if (rc)
		return error("%s: cannot queue the check", where);
	json_incref(rec);
	return 1;
}

int main(int argc, char **argv)
{
	struct lean_pool_config cfg;
	struct lean_pool *pool;
	struct lean_policy policy;
	struct jsonl_reader r;
	const char *path;
	int opt, eof = 0, inflight = 0, failed = 0;
	long max_inflight = 0;
	static const struct option longopts[] = {
		{ "jobs", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	cs_init(argv[0]);
	while ((opt = getopt_long(argc, argv, "hj:", longopts, NULL)) != -1) {
		switch (opt) {
		case 'V': cs_print_version();
		case 'j': max_inflight = cs_arg_long(optarg, 1, 100000, usage); break;
		default: cs_usage(usage, opt == 'h' ? CS_OK : CS_EUSAGE);
		}
	}
	path = cs_arg_file(argc, argv, usage);
	if (lean_pool_config_from_env(&cfg))
		return CS_ECONFIG;
	if (!max_inflight)
		max_inflight = cfg.jobs;
	lean_policy_from_env(&policy);
	if (!(pool = lean_pool_new(&cfg))) {
		lean_pool_config_release(&cfg);
		return CS_ECONFIG;
	}
	if (jsonl_open(&r, path)) {
		lean_pool_free(pool);
		lean_pool_config_release(&cfg);
		return CS_EIO;
	}
	for (;;) {
		struct lean_check *c;
		while (!eof && inflight < max_inflight) {
			json_t *rec;
			int rc = jsonl_next(&r, &rec);
			if (rc == CS_END || rc == CS_STOP) {
				eof = 1;
				failed += rc == CS_STOP;
				break;
			}
			if (rc == CS_BAD_RECORD) {
				failed++;
				continue;
			}
			char *where = xasprintf("%s:%ld", r.path, r.lineno);
			rc = start(pool, &policy, rec, where);
			free(where);
			if (rc < 0)
				failed++;
			inflight += rc > 0;
			json_decref(rec);
		}
		if (eof && inflight == 0)
			break;
		lean_pool_poll(pool, 1000);
		while ((c = lean_pool_next(pool))) {
			json_t *rec = c->udata;
			emit_check(rec, c);
			if (c->verdict == LEAN_ERROR)
				failed++;
			json_decref(rec);
			lean_check_free(c);
			inflight--;
		}
	}
	if (cs_verbose) {
		struct lean_pool_stats st;
		lean_pool_get_stats(pool, &st);
		info("pool: %ld starts, %ld imports, %ld checks, %ld crashes, %ld timeouts, %ld recycled, "
		     "%ld retired for memory, %ld evictions, %ld started in advance, %ld canaries (%ld failed), "
		     "%ld code faults%s", st.starts, st.imports, st.checks, st.crashes, st.timeouts, st.recycled,
		     st.retired_memory, st.evictions, st.prewarmed, st.canaries, st.canary_failures, st.code_faults,
		     st.sandboxed ? ", sandboxed" : "");
	}
	jsonl_close(&r);
	lean_pool_free(pool);
	lean_pool_config_release(&cfg);
	return failed ? CS_EPARTIAL : CS_OK;
}
