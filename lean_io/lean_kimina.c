/* lean_kimina.c: checking through a kimina-lean-server (CS_LEAN_URL): one
 * POST {url}/api/check per check, {"snippets":[{"id","code"}],"timeout":T}, up to
 * jobs transfers at once on one libcurl multi handle. The server runs the REPL;
 * its reply is judged as the local pool judges its own.
 *
 * One snippet holds what the local pool sends as up to four commands, one part
 * after another, each starting on a line of its own:
 *   header | expected declaration (with a statement) | body | blank line, audit
 * The server cuts the leading import and blank lines off as the REPL's header and
 * runs the rest as one command (split_snippet in kimina-lean-server's app/split.py
 * and server/split.py), so its positions count from the first other line. Messages
 * and sorries are given back to the part their line lies in; the body's are shifted
 * so that line 1 is the body's first line, as with the local pool.
 *
 * Several servers (CS_LEAN_URL is a list, lean_kimina_servers): each has its own
 * number of checks in flight (#JOBS after its URL, else CS_LEAN_JOBS; the server does
 * not report its capacity: kimina-lean-server's GET /health answers {"status": "ok"}
 * only, server/routers/health.py). A check goes to a server that checked its header
 * lately and has a free slot (the server keeps that header's REPL warm), else to the
 * one with the most free slots. A server whose transfer fails at the transport level
 * (refused, reset, no answer within CS_LEAN_TIMEOUT + 60 s) is set aside: its checks
 * go to the others, uncounted as attempts, and it is probed (GET /health; any HTTP
 * answer brings it back) after 1, 2, 4 ... 60 s. When every server is set aside,
 * checks go to them all as to one server (a failed transfer retried once, then
 * ERROR), so the run stops (CS_MAX_INFRA_FAULTS) only when none answers.
 *
 * Faults: a transfer that fails (5xx, a dropped connection, an answer that is not
 * JSON) is retried once, then ERROR. A snippet the server reports as crashing Lean
 * follows the local pool's rule (lean_pool.c "Who is at fault"): sent again up to
 * LEAN_CODE_TRIES times in all (more on a server that crashes on other snippets too,
 * lean_code_tries), then a canary snippet (the header and
 * LEAN_CANARY_CMD) decides: it passes, FAIL with the reason; it does not, ERROR. */
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>

#include "conf.h"
#include "cs.h"
#include "lean_internal.h"

#define WARM_MAX 8             /* headers remembered per server */
#define BACKOFF_FIRST 1.0      /* s before a set-aside server is first probed */
#define BACKOFF_MAX 60.0

struct server {
	char *base;              /* URL as given, no #JOBS, no trailing slash */
	char *check_url, *health_url;
	int cap, active;         /* checks in flight at most, now */
	int down;                /* set aside after a transport failure */
	double probe_at, backoff;
	int probing;             /* a GET /health in flight */
	unsigned long long warm[WARM_MAX]; /* hashes of headers sent here lately, newest first */
	long checks, failures;
};

struct xfer {
	struct xfer *next;
	struct lean_job *j;      /* NULL: the version query or a probe */
	struct server *srv;
	int probe;               /* a GET /health */
	CURL *e;
	char *body;
	struct sbuf resp;
	int too_big;
	int hl, el, bl;          /* lines of the header, the expected declaration, the body */
	int audit_line;          /* first line of the audit command, 0: none */
	int split;               /* leading lines the server takes as its header */
	size_t max;              /* largest answer accepted */
};

struct lean_kimina {
	struct lean_pool *p;
	CURLM *m;
	struct curl_slist *hdrs;
	struct server *srv;
	int nsrv, cap;
	double timeout;
	size_t max_reply;
	int version_state;       /* 0 not asked, 1 asking, 2 known (or given up) */
	int active;
	long snippets, crashes, blamed; /* snippets sent, reported crashing Lean, and of
					 * those the ones blamed on a code (lean_code_tries) */
	struct xfer *xfers;
};

static size_t on_data(char *ptr, size_t size, size_t n, void *ud)
{
	struct xfer *x = ud;
	size_t len = size * n;
	if (x->resp.len + len > x->max) {
		x->too_big = 1;
		return 0;
	}
	sbuf_add(&x->resp, ptr, len);
	return len;
}

int lean_kimina_servers(const char *list, int default_jobs, char ***base, int **jobs)
{
	int n = 0;
	*base = NULL;
	*jobs = NULL;
	for (const char *p = list ? list : ""; *p;) {
		size_t len, ulen;
		const char *hash;
		long cap = default_jobs;
		p += strspn(p, ", \t\r\n");
		if (!*p)
			break;
		len = strcspn(p, ", \t\r\n");
		hash = memchr(p, '#', len);
		ulen = hash ? (size_t)(hash - p) : len;
		if (hash) {
			char *end;
			cap = strtol(hash + 1, &end, 10);
			if (end != p + len || !isdigit((unsigned char)hash[1]) || cap < 1 || cap > 1024) {
				error("CS_LEAN_URL: `%.*s`: #JOBS must be a number of checks in flight, 1 to 1024",
				      (int)len, p);
				goto bad;
			}
		}
		if (strncmp(p, "http://", 7) && strncmp(p, "https://", 8)) {
			error("CS_LEAN_URL: `%.*s` is not an http:// or https:// URL", (int)len, p);
			goto bad;
		}
		while (ulen > 0 && p[ulen - 1] == '/')
			ulen--;
		*base = xrealloc(*base, (size_t)(n + 1) * sizeof **base);
		*jobs = xrealloc(*jobs, (size_t)(n + 1) * sizeof **jobs);
		(*base)[n] = xstrndup(p, ulen);
		(*jobs)[n++] = (int)cap;
		p += len;
	}
	if (n == 0)
		error("CS_LEAN_URL holds no URL");
	return n;
bad:
	while (n > 0)
		free((*base)[--n]);
	free(*base);
	free(*jobs);
	*base = NULL;
	*jobs = NULL;
	return 0;
}

struct lean_kimina *lean_kimina_new(struct lean_pool *p, const struct lean_pool_config *cfg)
{
	struct lean_kimina *k;
	const char *key = cs_conf_str("CS_LEAN_API_KEY");
	char **base;
	int *jobs, n = lean_kimina_servers(cfg->url, cfg->jobs, &base, &jobs);
	if (n == 0)
		return NULL;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		error("cannot initialise libcurl");
		return NULL;
	}
	k = xcalloc(1, sizeof *k);
	k->p = p;
	k->srv = xcalloc((size_t)n, sizeof *k->srv);
	k->nsrv = n;
	for (int i = 0; i < n; i++) {
		struct server *sv = &k->srv[i];
		sv->base = base[i];
		sv->check_url = xasprintf("%s/api/check", base[i]);
		sv->health_url = xasprintf("%s/health", base[i]);
		sv->cap = jobs[i];
		sv->backoff = BACKOFF_FIRST;
		k->cap += jobs[i];
	}
	free(base);
	free(jobs);
	k->timeout = cfg->timeout;
	k->max_reply = cfg->max_reply;
	k->m = curl_multi_init();
	k->hdrs = curl_slist_append(NULL, "Content-Type: application/json");
	if (key) {
		char *h = xasprintf("Authorization: Bearer %s", key);
		k->hdrs = curl_slist_append(k->hdrs, h);
		free(h);
	}
	return k;
}

static void xfer_free(struct lean_kimina *k, struct xfer *x)
{
	struct xfer **xp;
	for (xp = &k->xfers; *xp; xp = &(*xp)->next)
		if (*xp == x) {
			*xp = x->next;
			break;
		}
	curl_multi_remove_handle(k->m, x->e);
	curl_easy_cleanup(x->e);
	free(x->body);
	sbuf_release(&x->resp);
	if (x->probe)
		x->srv->probing = 0;
	else
		k->active--;
	if (x->j)
		x->srv->active--;
	free(x);
}

void lean_kimina_free(struct lean_kimina *k)
{
	if (!k)
		return;
	while (k->xfers) {
		struct lean_job *j = k->xfers->j;
		xfer_free(k, k->xfers);
		lean_job_free(j);
	}
	curl_multi_cleanup(k->m);
	curl_slist_free_all(k->hdrs);
	for (int i = 0; i < k->nsrv; i++) {
		free(k->srv[i].base);
		free(k->srv[i].check_url);
		free(k->srv[i].health_url);
	}
	free(k->srv);
	free(k);
	curl_global_cleanup();
}

int lean_kimina_active(const struct lean_kimina *k)
{
	return k->active;
}

int lean_kimina_capacity(const struct lean_kimina *k)
{
	return k->cap;
}

/* FNV-1a of a header, its key for affinity. */
static unsigned long long header_hash(const char *h)
{
	unsigned long long x = 1469598103934665603ULL;
	for (; *h; h++)
		x = (x ^ (unsigned char)*h) * 1099511628211ULL;
	return x;
}

static int all_down(const struct lean_kimina *k)
{
	for (int i = 0; i < k->nsrv; i++)
		if (!k->srv[i].down)
			return 0;
	return 1;
}

/* Where a check of header hash h goes: a server that is up (any, when all are down)
 * with a free slot, warm for h first (the most recently), else the most free slots.
 * NULL when none has room. */
static struct server *pick(const struct lean_kimina *k, unsigned long long h)
{
	int any = all_down(k), warm_rank = WARM_MAX;
	struct server *best = NULL, *warm = NULL;
	for (int i = 0; i < k->nsrv; i++) {
		struct server *sv = &k->srv[i];
		if ((sv->down && !any) || sv->active >= sv->cap)
			continue;
		for (int r = 0; r < warm_rank; r++)
			if (sv->warm[r] == h) {
				warm = sv;
				warm_rank = r;
				break;
			}
		if (!best || sv->cap - sv->active > best->cap - best->active)
			best = sv;
	}
	return warm ? warm : best;
}

int lean_kimina_has_room(const struct lean_kimina *k)
{
	return pick(k, 0) != NULL;
}

/* Remember that header hash h was sent to sv (newest first). */
static void mark_warm(struct server *sv, unsigned long long h)
{
	int r;
	for (r = 0; r < WARM_MAX - 1 && sv->warm[r] != h; r++)
		;
	memmove(sv->warm + 1, sv->warm, (size_t)r * sizeof *sv->warm);
	sv->warm[0] = h;
}

/* Set sv aside after a transport failure; it is probed after its backoff. */
static void server_down(struct lean_kimina *k, struct server *sv, const char *why)
{
	if (sv->down)
		return;
	sv->down = 1;
	sv->probe_at = cs_now() + sv->backoff;
	memset(sv->warm, 0, sizeof sv->warm);
	warning("the kimina-lean-server at %s failed (%s): set aside, probed again in %g s; %s", sv->base, why,
		sv->backoff, all_down(k) ? "no other server answers" : "its checks go to the others");
}

static int count_lines(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* Lines of code the server's split_snippet takes as the header: from the top, each
 * line that is blank or, stripped, starts with "import ". */
static int split_lines(const char *code)
{
	int n = 0;
	for (const char *p = code; *p;) {
		const char *s = p + strspn(p, " \t\r\v\f");
		size_t len = strcspn(p, "\n");
		if (*s != '\n' && *s && strncmp(s, "import ", 7))
			break;
		n++;
		p += len + (p[len] == '\n');
	}
	return n;
}

/* A transfer to sv: a check of code (j, or the version query when j is NULL), or a
 * probe (GET /health) when code is NULL. */
static struct xfer *xfer_start(struct lean_kimina *k, struct server *sv, struct lean_job *j, const char *code)
{
	struct xfer *x = xcalloc(1, sizeof *x);
	char id[32];
	json_t *req;
	x->srv = sv;
	x->j = j;
	x->max = k->max_reply;
	x->e = curl_easy_init();
	if (code) {
		if (j)
			snprintf(id, sizeof id, "%ld", j->seq);
		else
			snprintf(id, sizeof id, "version");
		req = json_pack("{s:[{s:s,s:s}],s:I}", "snippets", "id", id, "code", code,
				"timeout", (json_int_t)(k->timeout + 0.999));
		x->body = json_dumps(req, JSON_COMPACT);
		json_decref(req);
		x->split = split_lines(code);
		curl_easy_setopt(x->e, CURLOPT_URL, sv->check_url);
		curl_easy_setopt(x->e, CURLOPT_POSTFIELDS, x->body);
		curl_easy_setopt(x->e, CURLOPT_POSTFIELDSIZE, (long)strlen(x->body));
		k->active++;
		if (j) {
			sv->active++;
			k->snippets++;
		}
	} else {
		x->probe = 1;
		sv->probing = 1;
		curl_easy_setopt(x->e, CURLOPT_URL, sv->health_url);
	}
	curl_easy_setopt(x->e, CURLOPT_HTTPHEADER, k->hdrs);
	curl_easy_setopt(x->e, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(x->e, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(x->e, CURLOPT_PRIVATE, x);
	curl_easy_setopt(x->e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(x->e, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
	/* The server enforces the Lean timeout; this bounds a server that hangs. */
	curl_easy_setopt(x->e, CURLOPT_TIMEOUT_MS, x->probe ? 10000L : (long)((k->timeout + 60) * 1000));
	x->next = k->xfers;
	k->xfers = x;
	curl_multi_add_handle(k->m, x->e);
	return x;
}

/* Append s to code, ending it with a line break; the lines it took. */
static int add_part(struct sbuf *code, const char *s)
{
	int n = count_lines(s);
	sbuf_adds(code, s);
	if (!*s || s[strlen(s) - 1] != '\n') {
		sbuf_addch(code, '\n');
		n++;
	}
	return n;
}

int lean_kimina_start(struct lean_kimina *k, struct lean_job *j)
{
	struct sbuf code = SBUF_INIT;
	struct xfer *x;
	struct server *sv;
	unsigned long long h = header_hash(j->header);
	int hl = 0, el = 0, bl, audit = 0;
	if (k->version_state == 0 && (sv = pick(k, 0))) {
		k->version_state = 1;
		xfer_start(k, sv, NULL, "#eval Lean.versionString");
	}
	if (k->version_state != 2 || !(sv = pick(k, h)))
		return 0;
	mark_warm(sv, h);
	j->server = sv->base;
	if (j->header[strspn(j->header, " \t\r\n")])
		hl = add_part(&code, j->header);
	if (j->canary) { /* the known-good check alone */
		add_part(&code, LEAN_CANARY_CMD);
		x = xfer_start(k, sv, j, sbuf_str(&code));
		x->hl = hl;
		sbuf_release(&code);
		return 1;
	}
	if (j->expected)
		el = add_part(&code, j->expected);
	bl = add_part(&code, j->body);
	if (j->theorem) {
		char *cmd = lean_audit_cmd(j);
		sbuf_addch(&code, '\n');
		audit = hl + el + bl + 2;
		add_part(&code, cmd);
		free(cmd);
	}
	x = xfer_start(k, sv, j, sbuf_str(&code));
	x->hl = hl;
	x->el = el;
	x->bl = bl;
	x->audit_line = audit;
	sbuf_release(&code);
	return 1;
}

/* Move the messages and sorries of r on snippet lines [first, last] (the server
 * reports line - x->split; unpositioned ones stay) to part, numbered from 1 there. */
static void take(const struct xfer *x, struct lean_reply *r, int first, int last, struct lean_reply *part)
{
	int lo = first - x->split, hi = last == INT_MAX ? INT_MAX : last - x->split;
	if (lo < 1)
		lo = 1;
	if (lo <= hi)
		lean_reply_move_lines(r, lo, hi, first - 1 - x->split, part);
}

/* Judge one snippet's reply r (consumed): give each part its messages, then judge
 * header, statement, body and audit in that order, as the local pool does. */
static void judge(struct lean_kimina *k, struct xfer *x, struct lean_reply *r)
{
	struct lean_job *j = x->j;
	struct lean_reply hdr = { 0 }, exp = { 0 }, aud = { 0 }, body = { 0 };
	int body_first = x->hl + x->el + 1;
	enum lean_verdict v;
	char *why = NULL;
	hdr.env = exp.env = aud.env = hdr.proof_state = exp.proof_state = aud.proof_state = -1;
	body.env = r->env;
	body.proof_state = -1;
	take(x, r, 1, x->hl, &hdr);
	take(x, r, x->hl + 1, x->hl + x->el, &exp);
	take(x, r, body_first, body_first + x->bl - 1, &body);
	/* The audit's messages are those on its own lines, where Lean places them (the
	 * type check's on its line, #print axioms' at its `#print` token): a message
	 * the body makes elsewhere stays the body's; one it makes there is judged as
	 * the audit's, and an audit line with more than its one answer fails. */
	if (x->audit_line)
		take(x, r, x->audit_line, x->audit_line + (j->expected ? 1 : 0), &aud);
	lean_reply_move_lines(r, INT_MIN, INT_MAX, 0, &body); /* no position, blank lines */
	lean_reply_release(r);
	if ((v = lean_header_judge(k->p, &hdr, &why)) != LEAN_PASS) {
		lean_pool_finish(k->p, j, v, v == LEAN_FAIL ? &hdr : NULL, why);
	} else if (j->expected && lean_reply_verdict(&exp) == LEAN_FAIL) {
		j->audited = 1;
		lean_pool_finish(k->p, j, LEAN_FAIL, NULL, lean_expected_why(j, &exp));
	} else if ((v = lean_reply_verdict(&body)) == LEAN_PASS && j->theorem) {
		int bad = lean_audit_judge(k->p, j, &aud, &why);
		j->audited = 1;
		lean_pool_finish(k->p, j, bad ? LEAN_FAIL : LEAN_PASS, &body, why);
	} else {
		lean_pool_finish(k->p, j, v, &body, lean_reply_why(&body));
	}
	lean_reply_release(&hdr);
	lean_reply_release(&exp);
	lean_reply_release(&aud);
	lean_reply_release(&body);
}

/* A failed transfer: retried once, then ERROR. */
static void xfer_failed(struct lean_kimina *k, struct lean_job *j, char *why)
{
	if (++j->attempts < 2) {
		info("%s: %s; retrying", lean_pool_checker(k->p), why);
		j->first_crash = why;
		lean_pool_retry(k->p, j);
		return;
	}
	char *both = xasprintf("%s: %s; the retry too: %s", lean_pool_checker(k->p),
			       j->first_crash ? j->first_crash : "?", why);
	free(why);
	lean_pool_finish(k->p, j, LEAN_ERROR, NULL, both);
}

/* The server reported that Lean crashed on j's snippet (err): the code's rule. */
static void code_crashed(struct lean_kimina *k, struct lean_job *j, const char *err)
{
	char *all = j->code_why ? xasprintf("%s; %s", j->code_why, err) : xstrdup(err);
	free(j->code_why);
	j->code_why = all;
	k->crashes++;
	j->code_crashes++;
	long others = k->crashes - k->blamed - j->code_crashes, sent = k->snippets - j->code_crashes;
	int tries = lean_code_tries(LEAN_CODE_TRIES, others, sent);
	if (!tries) {
		lean_pool_finish(k->p, j, LEAN_ERROR, NULL,
				 xasprintf("%s crashed on the code (%s) while it also crashes on %ld of %ld other "
					   "snippets: too often to tell whose fault it is; the checker's",
					   lean_pool_checker(k->p), j->code_why, others, sent));
		return;
	}
	if (j->code_crashes >= tries)
		j->canary = 1;
	info("%s: %s; %s", lean_pool_checker(k->p), err,
	     j->canary ? "a canary snippet decides whose fault it is" : "sending the snippet again");
	lean_pool_retry(k->p, j);
}

/* The answer to a canary snippet (r: the response, NULL when there was none). */
static void canary_done(struct lean_kimina *k, struct lean_job *j, struct lean_reply *r, const char *what)
{
	if (r && !r->error && lean_reply_verdict(r) == LEAN_PASS) {
		k->blamed += j->code_crashes;
		lean_pool_finish(k->p, j, LEAN_FAIL, NULL,
				 xasprintf("Lean died on the code %d times, while the server then passed a canary (the "
					   "header and `%s`): the code's fault: %s", j->code_crashes, LEAN_CANARY_CMD,
					   j->code_why ? j->code_why : "?"));
	} else {
		lean_pool_finish(k->p, j, LEAN_ERROR, NULL,
				 xasprintf("%s failed a canary too (%s) after Lean crashed on the code (%s): the "
					   "checker's fault, not the code's", lean_pool_checker(k->p), what,
					   j->code_why ? j->code_why : "?"));
	}
}

static int crash_report(const char *err)
{
	return err && (strcasestr(err, "crash") || strstr(err, "out of memory") || strstr(err, "killed"));
}

static void xfer_done(struct lean_kimina *k, struct xfer *x, CURLcode cc)
{
	struct lean_job *j = x->j;
	long status = 0;
	json_t *o = NULL, *res, *resp;
	json_error_t jerr;
	struct lean_reply r;
	char *why = NULL;
	const char *err;
	curl_easy_getinfo(x->e, CURLINFO_RESPONSE_CODE, &status);
	if (cc == CURLE_OK && status / 100 == 2)
		o = json_loadb(x->resp.buf ? x->resp.buf : "", x->resp.len, 0, &jerr);
	res = json_array_get(json_object_get(o, "results"), 0);
	resp = json_object_get(res, "response");
	err = json_string_value(json_object_get(res, "error"));
	if (x->probe) { /* any HTTP answer: the server is back */
		struct server *sv = x->srv;
		if (cc == CURLE_OK && status > 0) {
			sv->down = 0;
			sv->backoff = BACKOFF_FIRST;
			info("the kimina-lean-server at %s answers again: checks go to it", sv->base);
		} else {
			sv->backoff = sv->backoff * 2 > BACKOFF_MAX ? BACKOFF_MAX : sv->backoff * 2;
			sv->probe_at = cs_now() + sv->backoff;
		}
		json_decref(o);
		return;
	}
	if (cc != CURLE_OK && !x->too_big && (!j || !all_down(k))) {
		/* the transport failed: set the server aside; the work goes to the others */
		server_down(k, x->srv, curl_easy_strerror(cc));
		x->srv->failures++;
		if (!all_down(k)) {
			if (j)
				lean_pool_retry(k->p, j);
			else
				k->version_state = 0; /* asked again of another server */
			return;
		}
	}
	if (!j) { /* the version query */
		char *v = NULL;
		k->version_state = 2;
		if (json_is_object(resp)) {
			char *s = json_dumps(resp, JSON_COMPACT);
			if (s && lean_reply_parse(s, strlen(s), &r, &why) == 0) {
				v = lean_reply_info_string(&r);
				lean_reply_release(&r);
			}
			free(s);
		}
		lean_pool_set_version(k->p, v);
		free(v);
		free(why);
		json_decref(o);
		return;
	}
	if (j->canary) {
		char *s = json_is_object(resp) ? json_dumps(resp, JSON_COMPACT) : NULL;
		int ok = s && lean_reply_parse(s, strlen(s), &r, &why) == 0;
		char *what = ok ? xstrdup("its answer") : xasprintf("%s", err ? err : cc != CURLE_OK ? curl_easy_strerror(cc) : "no response");
		canary_done(k, j, ok ? &r : NULL, what);
		if (ok)
			lean_reply_release(&r);
		free(what);
		free(why);
		free(s);
		json_decref(o);
		return;
	}
	if (cc == CURLE_OPERATION_TIMEDOUT) { /* the server enforces the Lean timeout: it hangs */
		lean_pool_finish(k->p, j, LEAN_ERROR, NULL,
				 xasprintf("%s gave no answer within %g s (CS_LEAN_TIMEOUT + 60 s)",
					   lean_pool_checker(k->p), k->timeout + 60));
	} else if (cc != CURLE_OK) {
		xfer_failed(k, j, xstrdup(x->too_big ? "answer too large (CS_LEAN_MAX_REPLY)" : curl_easy_strerror(cc)));
	} else if (status / 100 != 2) {
		xfer_failed(k, j, xasprintf("HTTP %ld: %.200s", status, sbuf_str(&x->resp)));
	} else if (!o) {
		xfer_failed(k, j, xasprintf("the answer is not JSON: %s", jerr.text));
	} else if (!json_is_object(resp)) {
		if (err && strstr(err, "header command timed out")) /* app/routers/check.py: the import */
			lean_pool_finish(k->p, j, LEAN_ERROR, NULL, xasprintf("%s: %s", lean_pool_checker(k->p), err));
		else if (err && (strstr(err, "timed out") || strstr(err, "timeout") || strstr(err, "Timeout")))
			lean_pool_finish(k->p, j, LEAN_TIMEOUT, NULL, xasprintf("kimina: %s", err));
		else if (crash_report(err))
			code_crashed(k, j, err);
		else
			xfer_failed(k, j, xstrdup(err ? err : "no results[0].response"));
	} else {
		char *s = json_dumps(resp, JSON_COMPACT);
		if (!s || lean_reply_parse(s, strlen(s), &r, &why)) {
			xfer_failed(k, j, xasprintf("unreadable response: %s", why ? why : "?"));
			free(why);
		} else if (r.error) { /* the server's REPL refused the command: not the code's fault */
			xfer_failed(k, j, xasprintf("its REPL refused the snippet: %.300s", r.error));
			lean_reply_release(&r);
		} else {
			judge(k, x, &r);
		}
		free(s);
	}
	json_decref(o);
}

/* Probe the set-aside servers whose backoff has passed. */
static void probe_due(struct lean_kimina *k)
{
	double now = cs_now();
	for (int i = 0; i < k->nsrv; i++) {
		struct server *sv = &k->srv[i];
		if (sv->down && !sv->probing && now >= sv->probe_at)
			xfer_start(k, sv, NULL, NULL);
	}
}

void lean_kimina_poll(struct lean_kimina *k, int timeout_ms)
{
	int running;
	CURLMsg *msg;
	int left;
	curl_multi_perform(k->m, &running);
	curl_multi_poll(k->m, NULL, 0, timeout_ms, NULL);
	curl_multi_perform(k->m, &running);
	while ((msg = curl_multi_info_read(k->m, &left))) {
		struct xfer *x;
		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&x);
		if (x->j && msg->data.result == CURLE_OK)
			x->srv->checks++;
		xfer_done(k, x, msg->data.result);
		xfer_free(k, x);
	}
	probe_due(k);
}
