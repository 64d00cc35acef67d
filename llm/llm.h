/* llm.h: client for OpenAI-compatible chat-completions endpoints (the decomposer,
 * e.g. DeepSeek's API, and the prover, DeepSeek-Prover-V2-7B under vLLM or SGLang).
 * One thread drives many transfers with libcurl's multi interface; callers submit
 * requests, call llm_poll in their event loop and collect finished results.
 * API keys live only in struct llm_endpoint and the Authorization header: they are
 * never part of a result, an error string or anything printed. */
#ifndef LLM_H
#define LLM_H

#include <stddef.h>
#include <jansson.h>

#define LLM_MAX_N 64 /* larger sample counts are split into several requests */

struct llm_endpoint {
	char *role;            /* "decomposer" or "prover"; owned */
	char *url;             /* base URL, e.g. http://127.0.0.1:8000/v1; owned */
	char *model;           /* owned */
	char *api_key;         /* owned, may be NULL; never printed */
	int jobs;              /* most requests in flight (CS_JOBS, default 16) */
	double timeout;        /* absolute deadline of one HTTP attempt, s (CS_LLM_TIMEOUT, 600) */
	double connect_timeout;/* s (CS_LLM_CONNECT_TIMEOUT, 10) */
	int max_retries;       /* retries after the first attempt (CS_LLM_RETRIES, 6) */
	double backoff_base;   /* first backoff cap, s (CS_LLM_BACKOFF, 1) */
	double backoff_max;    /* largest backoff and largest Retry-After honoured, s (60) */
};

/* Fill ep for role "decomposer" or "prover" from CS_<ROLE>_URL, CS_<ROLE>_MODEL,
 * CS_<ROLE>_API_KEY (DEEPSEEK_API_KEY as fallback for the decomposer), CS_JOBS and the
 * CS_LLM_* knobs. Defaults: decomposer https://api.deepseek.com/v1 model deepseek-chat;
 * prover http://127.0.0.1:8000/v1 model deepseek-ai/DeepSeek-Prover-V2-7B.
 * Returns 0, or -1 after printing why. Release with llm_endpoint_release. */
int llm_endpoint_from_env(struct llm_endpoint *ep, const char *role);
void llm_endpoint_release(struct llm_endpoint *ep);

struct llm_sampling {
	int n;              /* samples wanted (split into requests of at most LLM_MAX_N) */
	double temperature;
	double top_p;
	long max_tokens;
	long long seed;     /* sent only when has_seed */
	int has_seed;
	const json_t *stop; /* JSON array of strings or NULL; borrowed */
};

/* Sampling of role ("prover" or "decomposer") from CS_<ROLE>_TEMPERATURE (prover 1.0,
 * decomposer 0.6), CS_<ROLE>_TOP_P (0.95) and CS_<ROLE>_MAX_TOKENS (8192); n = 1,
 * no seed, no stop. Dies CS_ECONFIG on a bad value. */
void llm_sampling_from_env(struct llm_sampling *s, const char *role);

struct llm_choice {
	char *content;       /* message.content; owned, "" when null */
	char *reasoning;     /* message.reasoning_content or NULL; owned */
	char *finish_reason; /* owned, NULL when absent */
	int truncated;       /* finish_reason == "length" */
};

enum llm_status {
	LLM_OK = 0,
	LLM_FAILED,  /* gave up: retries exhausted, or a status that is never retried */
	LLM_PAYMENT, /* HTTP 402: out of balance; the caller should stop the run */
};

struct llm_result {
	void *udata;               /* as given to llm_submit */
	enum llm_status status;
	int http_status;           /* of the last attempt; 0 when no HTTP answer */
	char *error;               /* why it failed, owned, NULL on success; holds no key */
	int attempts;              /* HTTP attempts made over all parts */
	size_t nchoices;
	struct llm_choice *choices;/* owned array of nchoices */
	long prompt_tokens, completion_tokens;
	long cache_hit_tokens, cache_miss_tokens; /* DeepSeek's prompt_cache_*_tokens, else 0 */
	double elapsed;            /* seconds from submit to completion, retries included */
	char *model;               /* model named in the answer, owned, may be NULL */
};

struct llm_client;

/* A client for one endpoint; ep is copied. Returns NULL after printing why. */
struct llm_client *llm_client_new(const struct llm_endpoint *ep);
/* Queue a chat completion of messages (JSON array of {role, content}; copied).
 * Returns 0, or -1 on a bad argument. */
int llm_submit(struct llm_client *c, const json_t *messages, const struct llm_sampling *s,
	       void *udata);
/* Drive transfers and backoff timers for at most timeout_ms (0: do what is ready).
 * Returns the number of submitted requests not yet handed out by llm_next_result. */
int llm_poll(struct llm_client *c, int timeout_ms);
/* For a caller's own poll(2) over several clients and other work: the sockets to
 * wait on (at most max into pf; returns how many) and *timeout_ms lowered to when
 * this client needs llm_poll again (0: now). Then llm_poll(c, 0) does the work. */
struct pollfd;
int llm_pollfds(struct llm_client *c, struct pollfd *pf, int max, int *timeout_ms);
/* One finished result or NULL; the caller frees it with llm_result_free. */
struct llm_result *llm_next_result(struct llm_client *c);
/* Requests submitted but not yet returned by llm_next_result. */
int llm_pending(const struct llm_client *c);
/* Transfers on the wire right now, and the most there ever were at once. */
int llm_inflight(const struct llm_client *c);
int llm_max_inflight(const struct llm_client *c);
void llm_result_free(struct llm_result *r);
/* Abort what is in flight and free everything. */
void llm_client_free(struct llm_client *c);

/* The request body llm_submit would send (one part, n as given), caller frees.
 * Used for recording what was asked. */
char *llm_request_json(const struct llm_endpoint *ep, const json_t *messages,
		       const struct llm_sampling *s);
/* Cache key of one sample: SHA-256 over the endpoint URL, model, canonical JSON of
 * messages, the sampling values except n, and sample_index. */
void llm_cache_key(const struct llm_endpoint *ep, const json_t *messages,
		   const struct llm_sampling *s, int sample_index, char out[65]);

/* GET <url>/models and check that ep->model is served. Returns 0, or -1 with a
 * message in *why (owned by caller; no key in it). Blocking; for `coldstart doctor`. */
int llm_check_model(const struct llm_endpoint *ep, char **why);

/* Parse the body of a chat-completions answer (llm_reply.c). Leading whitespace and
 * SSE comment lines (keep-alive bytes some endpoints send while they work) are skipped.
 * On success appends every choice in index order to r->choices (content "" when null,
 * reasoning from message.reasoning_content, finish_reason; "length" sets truncated),
 * adds usage (incl. DeepSeek's prompt_cache_hit/miss_tokens) to r's counters, sets
 * r->model when unset, and returns 0. Returns -1 for a body that is truncated, not
 * JSON or not an answer, -2 for an error object ({"error":{"message":...}} or vLLM's
 * {"object":"error","message":...}); then *why (caller frees) says what, r is
 * unchanged. Any input is safe (model and server output are hostile). */
int llm_reply_parse(const char *body, size_t len, struct llm_result *r, char **why);
/* The message of an error body in either shape, cut to at most max bytes and with
 * control characters replaced; or a printable excerpt of a non-JSON body; or NULL
 * for an empty body. Caller frees. */
char *llm_reply_error(const char *body, size_t len, size_t max);
/* Free the choices of r (and set nchoices 0). */
void llm_choices_free(struct llm_result *r);

#endif
