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
 * Faults: a transfer that fails (5xx, a dropped connection, an answer that is not
 * JSON) is retried once, then ERROR. A snippet the server reports as crashing Lean
 * follows the local pool's rule (lean_pool.c "Who is at fault"): sent again up to
 * LEAN_CODE_TRIES times in all, then a canary snippet (the header and
 * LEAN_CANARY_CMD) decides: it passes, FAIL with the reason; it does not, ERROR. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>

#include "conf.h"
#include "cs.h"
#include "lean_internal.h"

struct xfer {
	struct xfer *next;
	struct lean_job *j;      /* NULL: the version query */
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
	char *url;
	double timeout;
	size_t max_reply;
	int version_state;       /* 0 not asked, 1 asking, 2 known (or given up) */
	int active;
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

struct lean_kimina *lean_kimina_new(struct lean_pool *p, const struct lean_pool_config *cfg)
{
	struct lean_kimina *k;
	const char *key = cs_conf_str("CS_LEAN_API_KEY");
	size_t n = strlen(cfg->url);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		error("cannot initialise libcurl");
		return NULL;
	}
	k = xcalloc(1, sizeof *k);
	k->p = p;
	while (n > 0 && cfg->url[n - 1] == '/')
		n--;
	k->url = xasprintf("%.*s/api/check", (int)n, cfg->url);
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
	free(x);
	k->active--;
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
	free(k->url);
	free(k);
	curl_global_cleanup();
}

int lean_kimina_active(const struct lean_kimina *k)
{
	return k->active;
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

static struct xfer *xfer_start(struct lean_kimina *k, struct lean_job *j, const char *code)
{
	struct xfer *x = xcalloc(1, sizeof *x);
	char id[32];
	json_t *req;
	if (j)
		snprintf(id, sizeof id, "%ld", j->seq);
	else
		snprintf(id, sizeof id, "version");
	req = json_pack("{s:[{s:s,s:s}],s:I}", "snippets", "id", id, "code", code,
			"timeout", (json_int_t)(k->timeout + 0.999));
	x->body = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	x->j = j;
	x->split = split_lines(code);
	x->max = k->max_reply;
	x->e = curl_easy_init();
	curl_easy_setopt(x->e, CURLOPT_URL, k->url);
	curl_easy_setopt(x->e, CURLOPT_HTTPHEADER, k->hdrs);
	curl_easy_setopt(x->e, CURLOPT_POSTFIELDS, x->body);
	curl_easy_setopt(x->e, CURLOPT_POSTFIELDSIZE, (long)strlen(x->body));
	curl_easy_setopt(x->e, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(x->e, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(x->e, CURLOPT_PRIVATE, x);
	curl_easy_setopt(x->e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(x->e, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
	/* The server enforces the Lean timeout; this bounds a server that hangs. */
	curl_easy_setopt(x->e, CURLOPT_TIMEOUT_MS, (long)((k->timeout + 60) * 1000));
	x->next = k->xfers;
	k->xfers = x;
	k->active++;
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
	int hl = 0, el = 0, bl, audit = 0;
	if (k->version_state == 0) {
		k->version_state = 1;
		xfer_start(k, NULL, "#eval Lean.versionString");
	}
	if (k->version_state == 1)
		return 0;
	if (j->header[strspn(j->header, " \t\r\n")])
		hl = add_part(&code, j->header);
	if (j->canary) { /* the known-good check alone */
		add_part(&code, LEAN_CANARY_CMD);
		x = xfer_start(k, j, sbuf_str(&code));
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
	x = xfer_start(k, j, sbuf_str(&code));
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
	if (x->audit_line)
		take(x, r, x->audit_line, INT_MAX, &aud);
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
	if (++j->code_crashes >= LEAN_CODE_TRIES)
		j->canary = 1;
	info("%s: %s; %s", lean_pool_checker(k->p), err,
	     j->canary ? "a canary snippet decides whose fault it is" : "sending the snippet again");
	lean_pool_retry(k->p, j);
}

/* The answer to a canary snippet (r: the response, NULL when there was none). */
static void canary_done(struct lean_kimina *k, struct lean_job *j, struct lean_reply *r, const char *what)
{
	if (r && !r->error && lean_reply_verdict(r) == LEAN_PASS)
		lean_pool_finish(k->p, j, LEAN_FAIL, NULL,
				 xasprintf("Lean died on the code %d times, while the server then passed a canary (the "
					   "header and `%s`): the code's fault: %s", j->code_crashes, LEAN_CANARY_CMD,
					   j->code_why ? j->code_why : "?"));
	else
		lean_pool_finish(k->p, j, LEAN_ERROR, NULL,
				 xasprintf("%s failed a canary too (%s) after Lean crashed on the code (%s): the "
					   "checker's fault, not the code's", lean_pool_checker(k->p), what,
					   j->code_why ? j->code_why : "?"));
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
		xfer_done(k, x, msg->data.result);
		xfer_free(k, x);
	}
}
