/* cs-llm: the endpoint client on its own: JSONL chat requests in, completions out. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cs.h"
#include "jsonl.h"
#include "llm.h"

static const char usage[] =
	"[--role decomposer|prover] [-j N] [FILE]\n"
	"Send chat completions to an endpoint. Reads JSONL records (FILE or standard input)\n"
	"  {\"id\": ..., \"messages\": [{\"role\": ..., \"content\": ...}, ...] or \"prompt\": \"...\",\n"
	"   optional \"n\", \"temperature\", \"top_p\", \"max_tokens\", \"seed\", \"stop\"}\n"
	"and writes one record per input, in the order answers arrive:\n"
	"  {\"id\", \"choices\": [{\"content\", \"reasoning\", \"finish_reason\", \"truncated\"}],\n"
	"   \"usage\", \"model\", \"attempts\", \"http_status\", \"elapsed\", \"error\"}\n"
	"  --role ROLE   endpoint: prover (default) or decomposer\n"
	"  -j, --jobs N  requests in flight (default CS_JOBS, 16)\n"
	"Environment: CS_<ROLE>_URL, CS_<ROLE>_MODEL, CS_<ROLE>_API_KEY (DEEPSEEK_API_KEY),\n"
	"CS_<ROLE>_TEMPERATURE, CS_<ROLE>_TOP_P, CS_<ROLE>_MAX_TOKENS (sampling defaults),\n"
	"CS_JOBS, CS_LLM_TIMEOUT, CS_LLM_CONNECT_TIMEOUT, CS_LLM_RETRIES, CS_LLM_BACKOFF,\n"
	"CS_LLM_BACKOFF_MAX. Exit status 1 when some records failed, 5 when the endpoint\n"
	"refused for lack of balance (HTTP 402; no further record is sent).\n";

struct rec {
	json_t *id;
	char *where; /* "file:line: id X" */
};

static void emit(json_t *o)
{
	if (jsonl_write(stdout, o) || fflush(stdout))
		die(CS_EIO, "write to standard output failed: %s", strerror(errno));
}

static json_t *out_record(const json_t *id)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", id ? json_deep_copy(id) : json_null());
	return o;
}

static void emit_bad(const json_t *id, const char *where, const char *why)
{
	json_t *o = out_record(id);
	error("%s: %s", where, why);
	json_object_set_new(o, "choices", json_array());
	json_object_set_new(o, "attempts", json_integer(0));
	json_object_set_new(o, "http_status", json_integer(0));
	json_object_set_new(o, "elapsed", json_real(0));
	json_object_set_new(o, "error", json_string(why));
	emit(o);
	json_decref(o);
}

static void emit_result(const struct rec *rc, const struct llm_result *r)
{
	json_t *o = out_record(rc->id), *ch = json_array();
	for (size_t i = 0; i < r->nchoices; i++) {
		const struct llm_choice *c = &r->choices[i];
		json_t *content = json_string(c->content);
		json_t *reasoning = c->reasoning ? json_string(c->reasoning) : NULL;
		json_array_append_new(ch, json_pack("{s:o,s:o,s:o,s:b}",
			"content", content ? content : json_string("(not UTF-8)"),
			"reasoning", reasoning ? reasoning : json_null(),
			"finish_reason", c->finish_reason ? json_string(c->finish_reason) : json_null(),
			"truncated", c->truncated));
	}
	json_object_set_new(o, "choices", ch);
	json_object_set_new(o, "usage", json_pack("{s:I,s:I,s:I,s:I}",
		"prompt_tokens", (json_int_t)r->prompt_tokens, "completion_tokens", (json_int_t)r->completion_tokens,
		"cache_hit_tokens", (json_int_t)r->cache_hit_tokens, "cache_miss_tokens", (json_int_t)r->cache_miss_tokens));
	json_object_set_new(o, "model", r->model ? json_string(r->model) : json_null());
	json_object_set_new(o, "attempts", json_integer(r->attempts));
	json_object_set_new(o, "http_status", json_integer(r->http_status));
	json_object_set_new(o, "elapsed", json_real(r->elapsed));
	json_object_set_new(o, "error", r->error ? json_string(r->error) : json_null());
	emit(o);
	json_decref(o);
}

/* A number field of rec in [min, max] into *out; 0 when absent, -1 (with *why) when bad. */
static int num_field(const json_t *rec, const char *key, double min, double max, double *out, char **why)
{
	const json_t *v = json_object_get(rec, key);
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_number(v) || !(json_number_value(v) >= min && json_number_value(v) <= max)) {
		*why = xasprintf("\"%s\" must be a number in [%g, %g]", key, min, max);
		return -1;
	}
	*out = json_number_value(v);
	return 1;
}

/* The request of rec: messages (new reference) and sampling; NULL with *why when bad. */
static json_t *request_of(const json_t *rec, struct llm_sampling *s, json_t **stop, char **why)
{
	const json_t *m = json_object_get(rec, "messages"), *p = json_object_get(rec, "prompt");
	const json_t *st = json_object_get(rec, "stop");
	json_t *msgs;
	double d;
	size_t i;
	json_t *e;
	*stop = NULL;
	if (m) {
		if (!json_is_array(m) || !json_array_size(m)) {
			*why = xstrdup("\"messages\" must be a non-empty array");
			return NULL;
		}
		json_array_foreach(m, i, e) {
			if (!json_is_string(json_object_get(e, "role")) || !json_is_string(json_object_get(e, "content"))) {
				*why = xasprintf("message %zu needs string \"role\" and \"content\"", i);
				return NULL;
			}
		}
		msgs = json_deep_copy(m);
	} else if (json_is_string(p)) {
		msgs = json_pack("[{s:s,s:O}]", "role", "user", "content", p);
	} else {
		*why = xstrdup("record has neither \"messages\" nor a string \"prompt\"");
		return NULL;
	}
	if (json_object_get(rec, "n")) {
		const json_t *n = json_object_get(rec, "n");
		if (!json_is_integer(n) || json_integer_value(n) < 1 || json_integer_value(n) > 100000) {
			*why = xstrdup("\"n\" must be an integer in [1, 100000]");
			goto bad;
		}
		s->n = (int)json_integer_value(n);
	}
	if (num_field(rec, "temperature", 0, 2, &s->temperature, why) < 0 ||
	    num_field(rec, "top_p", 0, 1, &s->top_p, why) < 0)
		goto bad;
	if (num_field(rec, "max_tokens", 1, 1 << 24, &d, why) < 0)
		goto bad;
	if (json_object_get(rec, "max_tokens"))
		s->max_tokens = (long)d;
	if (json_object_get(rec, "seed") && !json_is_null(json_object_get(rec, "seed"))) {
		if (!json_is_integer(json_object_get(rec, "seed"))) {
			*why = xstrdup("\"seed\" must be an integer");
			goto bad;
		}
		s->seed = json_integer_value(json_object_get(rec, "seed"));
		s->has_seed = 1;
	}
	if (json_is_string(st)) {
		*stop = json_pack("[O]", st);
	} else if (st && !json_is_null(st)) {
		if (!json_is_array(st))
			goto badstop;
		json_array_foreach(st, i, e)
			if (!json_is_string(e))
				goto badstop;
		*stop = json_deep_copy(st);
	}
	s->stop = *stop;
	return msgs;
badstop:
	*why = xstrdup("\"stop\" must be a string or an array of strings");
bad:
	json_decref(msgs);
	return NULL;
}

static char *where_of(const struct jsonl_reader *r, const json_t *id)
{
	char *ids = id ? json_dumps(id, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
	char *w = xasprintf("%s:%ld: id %.80s", r->path, r->lineno, ids ? ids : "(none)");
	free(ids);
	return w;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "role", required_argument, NULL, 'R' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct llm_endpoint ep;
	struct llm_client *c;
	struct llm_sampling defaults = { 0 };
	struct jsonl_reader r;
	const char *path, *role = "prover";
	int opt, eof = 0, outstanding = 0, failed = 0, payment = 0;
	long jobs = 0;
	cs_init(argv[0]);
	while ((opt = getopt_long(argc, argv, "hj:", longopts, NULL)) != -1) {
		switch (opt) {
		case 'V': cs_print_version();
		case 'R':
			role = optarg;
			if (strcmp(role, "prover") && strcmp(role, "decomposer"))
				cs_usage(usage, CS_EUSAGE);
			break;
		case 'j': jobs = cs_arg_long(optarg, 1, 4096, usage); break;
		default: cs_usage(usage, opt == 'h' ? CS_OK : CS_EUSAGE);
		}
	}
	path = cs_arg_file(argc, argv, usage);
	if (llm_endpoint_from_env(&ep, role))
		return CS_ECONFIG;
	if (jobs)
		ep.jobs = (int)jobs;
	llm_sampling_from_env(&defaults, role);
	if (!(c = llm_client_new(&ep))) {
		llm_endpoint_release(&ep);
		return CS_ECONFIG;
	}
	if (jsonl_open(&r, path)) {
		llm_client_free(c);
		llm_endpoint_release(&ep);
		return CS_EIO;
	}
	for (;;) {
		struct llm_result *res;
		/* a bounded window of records keeps memory flat */
		while (!eof && !payment && outstanding < 2 * ep.jobs) {
			json_t *rec, *msgs, *stop = NULL;
			struct llm_sampling s = defaults;
			char *why = NULL, *where;
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
			where = where_of(&r, json_object_get(rec, "id"));
			if (!(msgs = request_of(rec, &s, &stop, &why))) {
				emit_bad(json_object_get(rec, "id"), where, why);
				failed++;
			} else {
				struct rec *rc_ = xcalloc(1, sizeof *rc_);
				rc_->id = json_incref(json_object_get(rec, "id"));
				rc_->where = xstrdup(where);
				if (llm_submit(c, msgs, &s, rc_)) {
					emit_bad(rc_->id, where, "request refused by the client");
					json_decref(rc_->id);
					free(rc_->where);
					free(rc_);
					failed++;
				} else {
					outstanding++;
				}
			}
			free(why);
			json_decref(stop);
			json_decref(msgs);
			free(where);
			json_decref(rec);
		}
		if (llm_pending(c) == 0 && (eof || payment))
			break;
		llm_poll(c, 1000);
		while ((res = llm_next_result(c))) {
			struct rec *rc = res->udata;
			emit_result(rc, res);
			if (res->status != LLM_OK) {
				error("%s: %s", rc->where, res->error ? res->error : "failed");
				failed++;
			}
			if (res->status == LLM_PAYMENT)
				payment = 1;
			json_decref(rc->id);
			free(rc->where);
			free(rc);
			llm_result_free(res);
			outstanding--;
		}
	}
	if (cs_verbose)
		info("%s endpoint: at most %d requests in flight", role, llm_max_inflight(c));
	jsonl_close(&r);
	llm_client_free(c);
	llm_endpoint_release(&ep);
	if (payment)
		return CS_EPAYMENT;
	return failed ? CS_EPARTIAL : CS_OK;
}
