/* llm_client.c: many chat completions in flight on one libcurl multi handle, with
 * retries, backoff timers and splitting of large n. */
#include <math.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include "cs.h"
#include "llm.h"

#define MAX_BODY (256L << 20) /* larger answers are refused, not buffered */

struct req;

/* One HTTP request of at most LLM_MAX_N samples; retried on its own. */
struct part {
	struct part *next; /* in the ready queue or the backoff list */
	struct req *req;
	int n;
	char *body;
	CURL *easy;        /* while on the wire */
	struct sbuf resp;
	int too_big;
	char errbuf[CURL_ERROR_SIZE];
	int attempts;
	double wake;       /* backoff: due time (cs_now) */
	struct llm_result got; /* choices and usage of this part */
	int finished;
	enum llm_status status;
	int http_status;
	char *error;
};

/* One llm_submit: its parts, in sample order. */
struct req {
	struct req *prev, *next;
	void *udata;
	json_t *messages, *stop;
	struct llm_sampling s;
	struct part **parts;
	int nparts, cap, open, failed;
	double t0;
};

struct llm_client {
	struct llm_endpoint ep;
	char *where;       /* "prover endpoint http://host/v1": for messages */
	char *chat_url;
	CURLM *multi;
	struct curl_slist *hdrs; /* holds the Authorization header: never printed */
	CURL **idle;
	size_t nidle, idle_cap;
	struct part *ready, **ready_tail;
	struct part *sleeping;
	struct req *reqs;
	struct llm_result **done;
	size_t ndone, done_head, done_cap;
	int pending, inflight, max_inflight, payment, https;
	uint64_t rng;
};

static double rand01(struct llm_client *c)
{
	uint64_t x = c->rng;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	c->rng = x;
	return (double)((x * 0x2545F4914F6CDD1DULL) >> 11) / 9007199254740992.0;
}

/* Replace every copy of the key in s by "[key]" (servers do echo keys in errors). */
static char *scrub(const struct llm_client *c, char *s)
{
	const char *key = c->ep.api_key;
	size_t kl = key ? strlen(key) : 0;
	struct sbuf sb = SBUF_INIT;
	const char *p = s, *q;
	if (!s || kl < 4 || !strstr(s, key))
		return s;
	while ((q = strstr(p, key))) {
		sbuf_add(&sb, p, (size_t)(q - p));
		sbuf_adds(&sb, "[key]");
		p = q + kl;
	}
	sbuf_adds(&sb, p);
	free(s);
	return sbuf_detach(&sb);
}

/* The URL without user:password@ and without a query string. */
static char *url_shown(const char *url)
{
	const char *h = strstr(url, "://"), *at, *slash;
	char *out, *q;
	if (!h)
		return xstrdup(url);
	h += 3;
	slash = h + strcspn(h, "/?#");
	at = memchr(h, '@', (size_t)(slash - h));
	out = at ? xasprintf("%.*s%s", (int)(h - url), url, at + 1) : xstrdup(url);
	if ((q = strpbrk(out + (h - url), "?#")))
		*q = 0;
	return out;
}

static void add_header(struct curl_slist **l, const char *h)
{
	struct curl_slist *n = curl_slist_append(*l, h);
	if (!n)
		die(CS_EIO, "out of memory");
	*l = n;
}

struct llm_client *llm_client_new(const struct llm_endpoint *ep)
{
	static int curl_ready;
	struct llm_client *c;
	char *shown;
	/* the values come from llm_endpoint_from_env, which owns the defaults */
	if (!ep || !ep->url || !ep->model || !ep->role || ep->jobs < 1 || ep->timeout <= 0 ||
	    ep->connect_timeout <= 0 || ep->max_retries < 0) {
		error("llm_client_new: incomplete endpoint");
		return NULL;
	}
	if (!curl_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT)) {
			error("cannot initialise libcurl");
			return NULL;
		}
		curl_ready = 1;
	}
	c = xcalloc(1, sizeof *c);
	c->ep.role = xstrdup(ep->role);
	c->ep.url = xstrdup(ep->url);
	c->ep.model = xstrdup(ep->model);
	c->ep.api_key = xstrdup_or_null(ep->api_key);
	c->ep.jobs = ep->jobs;
	c->ep.timeout = ep->timeout;
	c->ep.connect_timeout = ep->connect_timeout;
	c->ep.max_retries = ep->max_retries;
	c->ep.backoff_base = ep->backoff_base;
	c->ep.backoff_max = ep->backoff_max;
	shown = url_shown(ep->url);
	c->where = xasprintf("%s endpoint %s", ep->role, shown);
	free(shown);
	c->chat_url = xasprintf("%s/chat/completions", ep->url);
	c->https = !strncmp(ep->url, "https:", 6);
	c->ready_tail = &c->ready;
	c->rng = ((uint64_t)(cs_now() * 1e9)) ^ ((uint64_t)getpid() << 32) ^ (uint64_t)(uintptr_t)c;
	if (!c->rng)
		c->rng = 0x9E3779B97F4A7C15ULL;
	if (!(c->multi = curl_multi_init())) {
		error("%s: cannot create a libcurl multi handle", c->where);
		llm_client_free(c);
		return NULL;
	}
	/* HTTP/2 multiplexes everything over few connections; HTTP/1.1 needs one each */
	curl_multi_setopt(c->multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
	curl_multi_setopt(c->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)c->ep.jobs);
	curl_multi_setopt(c->multi, CURLMOPT_MAXCONNECTS, (long)c->ep.jobs + 4);
	add_header(&c->hdrs, "Content-Type: application/json");
	add_header(&c->hdrs, "Accept: application/json");
	add_header(&c->hdrs, "Expect:");
	if (c->ep.api_key) {
		char *h = xasprintf("Authorization: Bearer %s", c->ep.api_key);
		add_header(&c->hdrs, h);
		memset(h, 0, strlen(h));
		free(h);
	}
	return c;
}

static size_t on_write(char *data, size_t size, size_t nmemb, void *arg)
{
	struct part *p = arg;
	size_t n = size * nmemb;
	if (p->resp.len + n > (size_t)MAX_BODY) {
		p->too_big = 1;
		return 0;
	}
	sbuf_add(&p->resp, data, n);
	return n;
}

static void req_add_part(struct llm_client *c, struct req *r, int n)
{
	struct part *p = xcalloc(1, sizeof *p);
	struct llm_sampling s = r->s;
	p->req = r;
	p->n = n;
	s.n = n;
	s.stop = r->stop;
	p->body = llm_request_json(&c->ep, r->messages, &s);
	if (r->nparts == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 4;
		r->parts = xrealloc(r->parts, (size_t)r->cap * sizeof *r->parts);
	}
	r->parts[r->nparts++] = p;
	r->open++;
	*c->ready_tail = p;
	c->ready_tail = &p->next;
}

int llm_submit(struct llm_client *c, const json_t *messages, const struct llm_sampling *s,
	       void *udata)
{
	struct req *r;
	if (!c || !s || !json_is_array(messages) || json_array_size(messages) == 0)
		return error("llm_submit: messages must be a non-empty JSON array");
	if (s->n < 1)
		return error("llm_submit: n = %d, need at least 1", s->n);
	if (s->stop && !json_is_array(s->stop))
		return error("llm_submit: stop must be a JSON array");
	r = xcalloc(1, sizeof *r);
	r->udata = udata;
	r->messages = json_deep_copy(messages);
	r->stop = s->stop ? json_deep_copy(s->stop) : NULL;
	r->s = *s;
	r->s.stop = NULL;
	r->t0 = cs_now();
	r->next = c->reqs;
	if (c->reqs)
		c->reqs->prev = r;
	c->reqs = r;
	for (int left = s->n; left > 0; left -= LLM_MAX_N)
		req_add_part(c, r, left < LLM_MAX_N ? left : LLM_MAX_N);
	c->pending++;
	return 0;
}

static void part_free(struct part *p)
{
	free(p->body);
	sbuf_release(&p->resp);
	llm_choices_free(&p->got);
	free(p->got.model);
	free(p->error);
	free(p);
}

static void req_free(struct llm_client *c, struct req *r)
{
	if (r->prev)
		r->prev->next = r->next;
	else
		c->reqs = r->next;
	if (r->next)
		r->next->prev = r->prev;
	for (int i = 0; i < r->nparts; i++)
		part_free(r->parts[i]);
	free(r->parts);
	json_decref(r->messages);
	json_decref(r->stop);
	free(r);
}

static void push_done(struct llm_client *c, struct llm_result *res)
{
	if (c->done_head + c->ndone == c->done_cap) {
		if (c->done_head > 0) {
			memmove(c->done, c->done + c->done_head, c->ndone * sizeof *c->done);
			c->done_head = 0;
		}
		c->done = cs_grow(c->done, &c->done_cap, c->ndone, sizeof *c->done);
	}
	c->done[c->done_head + c->ndone++] = res;
}

/* All parts of r finished: merge them into one result, in part order. */
static void req_finish(struct llm_client *c, struct req *r)
{
	struct llm_result *res = xcalloc(1, sizeof *res);
	struct part *bad = NULL;
	size_t total = 0;
	res->udata = r->udata;
	for (int i = 0; i < r->nparts; i++) {
		struct part *p = r->parts[i];
		res->attempts += p->attempts;
		res->prompt_tokens += p->got.prompt_tokens;
		res->completion_tokens += p->got.completion_tokens;
		res->cache_hit_tokens += p->got.cache_hit_tokens;
		res->cache_miss_tokens += p->got.cache_miss_tokens;
		total += p->got.nchoices;
		if (p->status != LLM_OK && (!bad || (p->status == LLM_PAYMENT && bad->status != LLM_PAYMENT) ||
					    (bad->attempts == 0 && p->attempts > 0)))
			bad = p;
		if (p->http_status)
			res->http_status = p->http_status;
		if (!res->model && p->got.model) {
			res->model = p->got.model;
			p->got.model = NULL;
		}
	}
	if (bad) {
		res->status = bad->status;
		res->http_status = bad->http_status;
		res->error = bad->error;
		bad->error = NULL;
	} else {
		res->choices = xcalloc(total + 1, sizeof *res->choices);
		for (int i = 0; i < r->nparts; i++) {
			struct part *p = r->parts[i];
			memcpy(res->choices + res->nchoices, p->got.choices, p->got.nchoices * sizeof *p->got.choices);
			res->nchoices += p->got.nchoices;
			free(p->got.choices);
			p->got.choices = NULL;
			p->got.nchoices = 0;
		}
	}
	res->elapsed = cs_now() - r->t0;
	req_free(c, r);
	push_done(c, res);
}

/* The part is over for good; error (if any) is taken over. */
static void part_finish(struct llm_client *c, struct part *p, enum llm_status st, char *err)
{
	struct req *r = p->req;
	p->finished = 1;
	p->status = st;
	free(p->error);
	p->error = err ? scrub(c, err) : NULL;
	if (st != LLM_OK) {
		r->failed = 1;
		llm_choices_free(&p->got);
	}
	if (--r->open == 0)
		req_finish(c, r);
}

static void part_start(struct llm_client *c, struct part *p)
{
	CURL *e = c->nidle ? c->idle[--c->nidle] : curl_easy_init();
	if (!e)
		die(CS_EIO, "%s: cannot create a libcurl handle", c->where);
	curl_easy_reset(e);
	p->easy = e;
	p->errbuf[0] = 0;
	p->too_big = 0;
	sbuf_reset(&p->resp);
	curl_easy_setopt(e, CURLOPT_URL, c->chat_url);
	curl_easy_setopt(e, CURLOPT_PRIVATE, p);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, c->hdrs);
	curl_easy_setopt(e, CURLOPT_POSTFIELDS, p->body);
	curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(p->body));
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, p);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, p->errbuf);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	/* an absolute deadline: keep-alive bytes would defeat a low-speed limit */
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)ceil(c->ep.timeout * 1000));
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)ceil(c->ep.connect_timeout * 1000));
	curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
	/* wait for a connection that may multiplex rather than open another: only
	 * where HTTP/2 can be offered (TLS); plain HTTP/1.1 would just queue behind it */
	if (c->https)
		curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
	curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(e, CURLOPT_USERAGENT, "coldstart/1");
	p->attempts++;
	if (curl_multi_add_handle(c->multi, e) != CURLM_OK)
		die(CS_EIO, "%s: cannot queue a transfer", c->where);
	if (++c->inflight > c->max_inflight)
		c->max_inflight = c->inflight;
}

static void start_ready(struct llm_client *c)
{
	while (c->ready && c->inflight < c->ep.jobs) {
		struct part *p = c->ready;
		c->ready = p->next;
		if (!c->ready)
			c->ready_tail = &c->ready;
		p->next = NULL;
		if (c->payment)
			part_finish(c, p, LLM_PAYMENT,
				    xasprintf("%s: not sent, the endpoint refused an earlier request for lack of balance (HTTP 402)",
					      c->where));
		else if (p->req->failed)
			part_finish(c, p, LLM_FAILED,
				    xasprintf("%s: not sent, another part of the request failed", c->where));
		else
			part_start(c, p);
	}
}

static void wake_sleepers(struct llm_client *c, double now)
{
	struct part **pp = &c->sleeping;
	while (*pp) {
		struct part *p = *pp;
		if (p->wake <= now) {
			*pp = p->next;
			p->next = NULL;
			*c->ready_tail = p;
			c->ready_tail = &p->next;
		} else {
			pp = &p->next;
		}
	}
}

static int retryable_curl(CURLcode rc)
{
	switch (rc) {
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
	case CURLE_NOT_BUILT_IN:
	case CURLE_OUT_OF_MEMORY:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_FUNCTION_NOT_FOUND:
	case CURLE_BAD_FUNCTION_ARGUMENT:
	case CURLE_TOO_MANY_REDIRECTS:
		return 0;
	default:
		return 1;
	}
}

/* A retryable fault (cause is taken over): back off, or give up after the last retry. */
static void part_retry(struct llm_client *c, struct part *p, char *cause, curl_off_t retry_after)
{
	double delay, cap;
	if (p->attempts > c->ep.max_retries || p->req->failed || c->payment) {
		part_finish(c, p, LLM_FAILED,
			    xasprintf("%s: %s; gave up after %d attempt%s", c->where, cause, p->attempts,
				      p->attempts == 1 ? "" : "s"));
		free(cause);
		return;
	}
	cap = c->ep.backoff_base * ldexp(1.0, p->attempts - 1 > 60 ? 60 : p->attempts - 1);
	if (cap > c->ep.backoff_max)
		cap = c->ep.backoff_max;
	delay = rand01(c) * cap; /* full jitter */
	if (retry_after > 0)
		delay = (double)retry_after > c->ep.backoff_max ? c->ep.backoff_max : (double)retry_after;
	cause = scrub(c, cause);
	info("%s: %s; retry %d of %d in %.2f s", c->where, cause, p->attempts, c->ep.max_retries, delay);
	free(cause);
	llm_choices_free(&p->got);
	p->got.prompt_tokens = p->got.completion_tokens = 0;
	p->got.cache_hit_tokens = p->got.cache_miss_tokens = 0;
	p->wake = cs_now() + delay;
	p->next = c->sleeping;
	c->sleeping = p;
}

static void part_done(struct llm_client *c, struct part *p, CURLcode rc)
{
	long code = 0;
	curl_off_t ra = 0;
	char *why = NULL;
	struct sbuf body = p->resp; /* p may be freed below */
	int too_big = p->too_big;
	p->resp = (struct sbuf)SBUF_INIT;
	curl_easy_getinfo(p->easy, CURLINFO_RESPONSE_CODE, &code);
	if (curl_easy_getinfo(p->easy, CURLINFO_RETRY_AFTER, &ra) != CURLE_OK || ra < 0)
		ra = 0;
	curl_multi_remove_handle(c->multi, p->easy);
	c->idle = cs_grow(c->idle, &c->idle_cap, c->nidle, sizeof *c->idle);
	c->idle[c->nidle++] = p->easy;
	p->easy = NULL;
	c->inflight--;
	p->http_status = (int)code;

	if (rc != CURLE_OK) {
		const char *e = too_big ? "answer larger than 256 MiB" :
				p->errbuf[0] ? p->errbuf : curl_easy_strerror(rc);
		char *cause = code ? xasprintf("HTTP %ld, transfer failed: %s", code, e) : xasprintf("%s", e);
		if (retryable_curl(rc) && !too_big)
			part_retry(c, p, cause, 0);
		else {
			part_finish(c, p, LLM_FAILED, xasprintf("%s: %s", c->where, cause));
			free(cause);
		}
	} else if (code >= 200 && code < 300) {
		int prc = llm_reply_parse(body.buf, body.len, &p->got, &why);
		if (prc == -2) {
			part_retry(c, p, xasprintf("HTTP %ld with an error: %s", code, why), 0);
		} else if (prc < 0) {
			part_retry(c, p, xasprintf("HTTP %ld but %s", code, why), 0);
		} else if (p->got.nchoices == 0) {
			part_retry(c, p, xasprintf("HTTP %ld but the answer holds no choices", code), 0);
		} else {
			size_t want = (size_t)p->n;
			while (p->got.nchoices > want) { /* more than asked: keep the first n */
				struct llm_choice *ch = &p->got.choices[--p->got.nchoices];
				free(ch->content);
				free(ch->reasoning);
				free(ch->finish_reason);
			}
			/* fewer than asked (an endpoint that ignores n): ask for the rest */
			if (p->got.nchoices < want && !p->req->failed)
				req_add_part(c, p->req, (int)(want - p->got.nchoices));
			part_finish(c, p, LLM_OK, NULL);
		}
	} else {
		char *msg = llm_reply_error(body.buf, body.len, 300);
		char *cause = xasprintf("HTTP %ld%s%s", code, msg ? ": " : "", msg ? msg : "");
		free(msg);
		if (code == 402) {
			c->payment = 1;
			part_finish(c, p, LLM_PAYMENT, xasprintf("%s: %s (out of balance)", c->where, cause));
			free(cause);
		} else if (code == 408 || code == 409 || code == 429 || code >= 500) {
			part_retry(c, p, cause, ra);
		} else {
			part_finish(c, p, LLM_FAILED, xasprintf("%s: %s (not retried)", c->where, cause));
			free(cause);
		}
	}
	free(why);
	sbuf_release(&body);
}

/* Finished transfers; returns how many. */
static int reap(struct llm_client *c)
{
	CURLMsg *m;
	int left, n = 0;
	while ((m = curl_multi_info_read(c->multi, &left))) {
		struct part *p = NULL;
		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&p);
		part_done(c, p, m->data.result);
		n++;
	}
	return n;
}

int llm_poll(struct llm_client *c, int timeout_ms)
{
	double end = cs_now() + (timeout_ms > 0 ? timeout_ms / 1000.0 : 0);
	for (;;) {
		int running;
		double now, next;
		long wait, ct = -1;
		do {
			wake_sleepers(c, cs_now());
			start_ready(c);
			if (c->inflight)
				curl_multi_perform(c->multi, &running);
		} while (reap(c) > 0);
		if (c->ndone || c->pending == 0)
			break;
		now = cs_now();
		if (now >= end)
			break;
		next = end;
		for (struct part *p = c->sleeping; p; p = p->next)
			if (p->wake < next)
				next = p->wake;
		wait = (long)ceil((next - now) * 1000);
		if (c->inflight && curl_multi_timeout(c->multi, &ct) == CURLM_OK && ct >= 0 && ct < wait)
			wait = ct;
		if (c->ready && c->inflight < c->ep.jobs)
			wait = 0;
		if (wait > 0)
			curl_multi_poll(c->multi, NULL, 0, (int)(wait > 3600000 ? 3600000 : wait), NULL);
	}
	return c->pending;
}

int llm_pollfds(struct llm_client *c, struct pollfd *pf, int max, int *timeout_ms)
{
	fd_set r, w, x;
	int maxfd = -1, n = 0;
	long ct = -1;
	double now = cs_now();
	if (!c || c->pending == 0)
		return 0;
	if (c->ndone || (c->ready && c->inflight < c->ep.jobs)) {
		*timeout_ms = 0;
		return 0;
	}
	for (struct part *p = c->sleeping; p; p = p->next) {
		long ms = (long)ceil((p->wake - now) * 1000);
		if (ms < *timeout_ms)
			*timeout_ms = ms < 0 ? 0 : (int)ms;
	}
	if (!c->inflight)
		return 0;
	if (curl_multi_timeout(c->multi, &ct) == CURLM_OK && ct >= 0 && ct < *timeout_ms)
		*timeout_ms = (int)ct;
	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_ZERO(&x);
	if (curl_multi_fdset(c->multi, &r, &w, &x, &maxfd) != CURLM_OK || maxfd < 0) {
		/* curl has no socket to wait on yet (resolving, say): come back soon */
		if (*timeout_ms > 10)
			*timeout_ms = 10;
		return 0;
	}
	/* curl_multi_fdset leaves out sockets at or above FD_SETSIZE: near it, look again soon */
	if (maxfd >= FD_SETSIZE - 16 && *timeout_ms > 10)
		*timeout_ms = 10;
	for (int fd = 0; fd <= maxfd && n < max; fd++) {
		short ev = (short)((FD_ISSET(fd, &r) ? POLLIN : 0) | (FD_ISSET(fd, &w) ? POLLOUT : 0) |
				   (FD_ISSET(fd, &x) ? POLLPRI : 0));
		if (ev)
			pf[n++] = (struct pollfd){ fd, ev, 0 };
	}
	return n;
}

struct llm_result *llm_next_result(struct llm_client *c)
{
	struct llm_result *r;
	if (!c || !c->ndone)
		return NULL;
	r = c->done[c->done_head++];
	c->ndone--;
	if (!c->ndone)
		c->done_head = 0;
	c->pending--;
	return r;
}

int llm_pending(const struct llm_client *c) { return c ? c->pending : 0; }
int llm_inflight(const struct llm_client *c) { return c ? c->inflight : 0; }
int llm_max_inflight(const struct llm_client *c) { return c ? c->max_inflight : 0; }

void llm_client_free(struct llm_client *c)
{
	if (!c)
		return;
	while (c->reqs) {
		struct req *r = c->reqs;
		for (int i = 0; i < r->nparts; i++)
			if (r->parts[i]->easy) {
				curl_multi_remove_handle(c->multi, r->parts[i]->easy);
				curl_easy_cleanup(r->parts[i]->easy);
				r->parts[i]->easy = NULL;
			}
		req_free(c, r);
	}
	while (c->ndone)
		llm_result_free(llm_next_result(c));
	free(c->done);
	for (size_t i = 0; i < c->nidle; i++)
		curl_easy_cleanup(c->idle[i]);
	free(c->idle);
	if (c->multi)
		curl_multi_cleanup(c->multi);
	for (struct curl_slist *h = c->hdrs; h; h = h->next)
		memset(h->data, 0, strlen(h->data));
	curl_slist_free_all(c->hdrs);
	free(c->where);
	free(c->chat_url);
	llm_endpoint_release(&c->ep);
	free(c);
}
