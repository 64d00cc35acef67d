/* llm_request.c: request bodies and cache keys. */
#include <stdlib.h>
#include <string.h>

#include "cs.h"
#include "llm.h"

char *llm_request_json(const struct llm_endpoint *ep, const json_t *messages,
		       const struct llm_sampling *s)
{
	json_t *o = json_object();
	char *out;
	/* every sampling value explicit: server defaults differ (vLLM, SGLang, DeepSeek) */
	json_object_set_new(o, "model", json_string(ep->model));
	json_object_set_new(o, "messages", json_deep_copy(messages));
	json_object_set_new(o, "n", json_integer(s->n));
	json_object_set_new(o, "temperature", json_real(s->temperature));
	json_object_set_new(o, "top_p", json_real(s->top_p));
	json_object_set_new(o, "max_tokens", json_integer(s->max_tokens));
	if (s->has_seed)
		json_object_set_new(o, "seed", json_integer(s->seed));
	if (s->stop && json_array_size(s->stop))
		json_object_set_new(o, "stop", json_deep_copy(s->stop));
	json_object_set_new(o, "stream", json_false());
	out = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(o);
	if (!out)
		die(CS_EIO, "cannot encode a request to the %s endpoint", ep->role);
	return out;
}

void llm_cache_key(const struct llm_endpoint *ep, const json_t *messages,
		   const struct llm_sampling *s, int sample_index, char out[65])
{
	struct cs_sha256 c;
	char *m = json_dumps(messages, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
	char *stop = s->stop ? json_dumps(s->stop, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
	char seed[32];
	char *vals;
	if (s->has_seed)
		snprintf(seed, sizeof seed, "%lld", s->seed);
	else
		strcpy(seed, "none");
	vals = xasprintf("temperature=%.17g\ntop_p=%.17g\nmax_tokens=%ld\nseed=%s\nstop=%s\nindex=%d\n",
			 s->temperature, s->top_p, s->max_tokens, seed,
			 stop && json_array_size(s->stop) ? stop : "[]", sample_index);
	cs_sha256_init(&c);
	cs_sha256_update(&c, "coldstart-llm-v1\n", 17);
	/* NUL separators: no field can run into the next */
	cs_sha256_update(&c, ep->url, strlen(ep->url) + 1);
	cs_sha256_update(&c, ep->model, strlen(ep->model) + 1);
	cs_sha256_update(&c, m ? m : "null", strlen(m ? m : "null") + 1);
	cs_sha256_update(&c, vals, strlen(vals));
	cs_sha256_final_hex(&c, out);
	free(m);
	free(stop);
	free(vals);
}
