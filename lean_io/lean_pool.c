/* lean_pool.c: a pool of leanprover-community/repl processes keyed by header.
 *
 * A process imports a header once ({"cmd": header} -> env N) and then checks
 * bodies in that environment ({"cmd": body, "env": N}). Queued checks go first
 * to an idle process that already holds their header, then to a free slot, then
 * to the least recently used idle process, which is restarted for the new header.
 * Each command has its own deadline; a process that misses it is killed (verdict
 * TIMEOUT), one that crashes, answers garbage or too much is killed and the check
 * retried once on a fresh process (then ERROR). A process is retired after
 * max_uses checks. Processes are started when needed, never in advance. */
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "conf.h"
#include "cs.h"
#include "lean_internal.h"

#define ERR_TAIL 4096           /* bytes of a REPL's stderr kept for diagnostics */
#define VERSION_CMD "#eval Lean.versionString"
#define DOUBLE_PREFIX "coldstart-test-double"

enum phase { PH_IDLE, PH_VERSION, PH_HEADER, PH_BODY, PH_AXIOMS };
static const char *const phase_name[] = { "idle", "version query", "header import", "check", "axiom audit" };

struct proc {
	int slot;
	struct lean_child ch;       /* ch.pid == 0: not running */
	char *key;                  /* header this process holds (or is importing), owned */
	int warm;                   /* key's environment is ready */
	long env;                   /* environment of key; -1: none (empty header) */
	long uses;
	double last_used;
	enum phase phase;
	struct lean_job *job;
	struct lean_reply body;     /* the body's reply while its axioms are audited */
	struct sbuf wbuf;           /* command bytes not yet written */
	size_t woff;
	struct sbuf rbuf;           /* reply bytes read so far */
	struct lean_json_scan scan;
	char err[ERR_TAIL];
	size_t errlen;
	double deadline;
	int version_asked;
};

struct done {
	struct done *next;
	struct lean_check *c;
};

struct lean_pool {
	struct lean_pool_config cfg;    /* strings owned */
	char *bwrap;                    /* bwrap path when sandboxed */
	char *scratch;                  /* sandbox scratch root (one directory per slot below) */
	long cpu_seconds;
	struct proc *procs;
	int nprocs;
	struct lean_job *queue, **queue_tail;
	struct done *done, **done_tail;
	int outstanding;                /* submitted, not yet handed out */
	long seq;
	char *version;
	int version_known, real_lean;
	struct lean_kimina *kimina;
	struct lean_pool_stats stats;
};

static char *dupnull(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

char *lean_utf8_clean(const char *s, size_t n)
{
	char *out = xstrndup(s, n);
	size_t off = 0, bad;
	while (!cs_utf8_valid(out + off, n - off, &bad)) {
		out[off + bad] = '?';
		off += bad + 1;
	}
	return out;
}

/* ---- configuration ---- */

int lean_pool_config_from_env(struct lean_pool_config *cfg)
{
	const char *repl = cs_conf_str("CS_LEAN_REPL"), *url = cs_conf_str("CS_LEAN_URL");
	const char *sb = cs_conf_str("CS_LEAN_SANDBOX");
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	memset(cfg, 0, sizeof *cfg);
	if (!repl && !url)
		return error("no Lean checker: set CS_LEAN_REPL (a command that runs the "
			     "leanprover-community/repl) or CS_LEAN_URL (a kimina-lean-server)");
	if (cores < 1)
		cores = 1;
	cfg->repl_cmd = dupnull(repl);
	cfg->url = dupnull(url);
	cfg->lean_dir = dupnull(cs_conf_str("CS_LEAN_DIR"));
	cfg->jobs = (int)cs_conf_long_or("CS_LEAN_JOBS", cores);
	cfg->timeout = cs_conf_double("CS_LEAN_TIMEOUT");
	cfg->memory_mb = cs_conf_long("CS_LEAN_MEMORY");
	cfg->max_uses = cs_conf_long("CS_LEAN_MAX_USES");
	cfg->axioms = cs_conf_on("CS_LEAN_AXIOMS");
	cfg->max_headers = (int)cs_conf_long_or("CS_LEAN_MAX_HEADERS", cfg->jobs);
	cfg->max_reply = (size_t)cs_conf_long("CS_LEAN_MAX_REPLY");
	cfg->max_msg = cs_conf_long("CS_LEAN_MAX_MSG");
	if (!strcmp(sb, "none")) {
		cfg->sandbox = 0;
	} else if (!strcmp(sb, "bwrap")) {
		cfg->sandbox = 1;
		cfg->sandbox_explicit = 1;
	} else if (!strcmp(sb, "auto")) {
		char *b = lean_which("bwrap");
		cfg->sandbox = b != NULL;
		free(b);
	} else {
		lean_pool_config_release(cfg);
		return error("CS_LEAN_SANDBOX=%s: not bwrap, none or auto", sb);
	}
	return 0;
}

void lean_pool_config_release(struct lean_pool_config *cfg)
{
	free(cfg->repl_cmd);
	free(cfg->lean_dir);
	free(cfg->url);
	cfg->repl_cmd = cfg->lean_dir = cfg->url = NULL;
}

/* ---- pool ---- */

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static int make_scratch(struct lean_pool *p)
{
	const char *tmp = cs_env("TMPDIR", "/tmp");
	char *dir = xasprintf("%s/cs-lean.XXXXXX", tmp);
	char *real;
	if (!mkdtemp(dir)) {
		error("cannot create a scratch directory in %s: %s", tmp, strerror(errno));
		free(dir);
		return -1;
	}
	real = realpath(dir, NULL);
	if (real) {
		free(dir);
		dir = real;
	}
	p->scratch = dir;
	return 0;
}

struct lean_pool *lean_pool_new(const struct lean_pool_config *cfg)
{
	struct lean_pool *p = xcalloc(1, sizeof *p);
	p->cfg = *cfg;
	p->cfg.repl_cmd = dupnull(cfg->repl_cmd);
	p->cfg.lean_dir = dupnull(cfg->lean_dir);
	p->cfg.url = dupnull(cfg->url);
	if (p->cfg.jobs < 1)
		p->cfg.jobs = 1;
	if (p->cfg.max_headers < 1)
		p->cfg.max_headers = p->cfg.jobs;
	if (p->cfg.max_uses < 1)
		p->cfg.max_uses = 200;
	if (p->cfg.timeout <= 0)
		p->cfg.timeout = 300;
	if (!p->cfg.max_reply)
		p->cfg.max_reply = 256UL << 20;
	p->queue_tail = &p->queue;
	p->done_tail = &p->done;
	p->real_lean = 1;
	if (p->cfg.url) {
		if (!(p->kimina = lean_kimina_new(p, &p->cfg)))
			goto fail;
		return p;
	}
	if (!p->cfg.repl_cmd) {
		error("no Lean checker: CS_LEAN_REPL is not set");
		goto fail;
	}
	if (p->cfg.lean_dir) {
		char *real = realpath(p->cfg.lean_dir, NULL);
		struct stat st;
		if (!real || stat(real, &st) || !S_ISDIR(st.st_mode)) {
			error("CS_LEAN_DIR=%s: not a directory", p->cfg.lean_dir);
			free(real);
			goto fail;
		}
		free(p->cfg.lean_dir);
		p->cfg.lean_dir = real;
	}
	if (p->cfg.sandbox) {
		char *why = NULL;
		p->bwrap = lean_which("bwrap");
		if (!p->bwrap)
			why = xstrdup("bwrap is not on PATH");
		else if (lean_sandbox_probe(p->bwrap, &why) == 0 && make_scratch(p) == 0)
			p->stats.sandboxed = 1;
		if (!p->stats.sandboxed) {
			if (p->cfg.sandbox_explicit) {
				error("CS_LEAN_SANDBOX=bwrap, but the sandbox does not work here: %s",
				      why ? why : "no scratch directory");
				free(why);
				goto fail;
			}
			warning("the Lean REPL runs without a sandbox: bwrap does not work here (%s); "
				"set CS_LEAN_SANDBOX=none to say that this is intended", why ? why : "?");
			free(p->bwrap);
			p->bwrap = NULL;
		}
		free(why);
	}
	/* RLIMIT_CPU is a backstop, not the timeout: CPU seconds of a long-lived REPL
	 * add up over its checks, so allow twice the wall-clock budget of all of them
	 * (Lean elaborates on several threads) plus ten minutes for the import. The
	 * wall-clock deadline of each command is what ends a slow check. */
	{
		double cpu = p->cfg.timeout * 2.0 * (double)(p->cfg.max_uses + 1) + 600.0;
		p->cpu_seconds = cpu > 1e8 ? 100000000L : (long)cpu;
	}
	p->nprocs = p->cfg.jobs;
	p->procs = xcalloc((size_t)p->nprocs, sizeof *p->procs);
	for (int i = 0; i < p->nprocs; i++) {
		p->procs[i].slot = i;
		p->procs[i].ch.in = p->procs[i].ch.out = p->procs[i].ch.err = p->procs[i].ch.life = -1;
		p->procs[i].env = -1;
		lean_reply_release(&p->procs[i].body);
	}
	return p;
fail:
	lean_pool_config_release(&p->cfg);
	free(p->bwrap);
	free(p);
	return NULL;
}

static void job_free(struct lean_job *j)
{
	if (!j)
		return;
	free(j->header);
	free(j->body);
	free(j->theorem);
	free(j->first_crash);
	free(j);
}

int lean_pool_submit(struct lean_pool *p, const char *header, const char *body,
		     const char *theorem_name, void *udata)
{
	struct lean_job *j;
	if (!header)
		header = "";
	if (!body)
		return error("lean_pool_submit: no code to check");
	if (!cs_utf8_valid(header, strlen(header), NULL) || !cs_utf8_valid(body, strlen(body), NULL))
		return error("lean_pool_submit: the code is not valid UTF-8");
	j = xcalloc(1, sizeof *j);
	j->header = xstrdup(header);
	j->body = xstrdup(body);
	j->theorem = dupnull(theorem_name);
	j->udata = udata;
	j->seq = p->seq++;
	*p->queue_tail = j;
	p->queue_tail = &j->next;
	p->outstanding++;
	return 0;
}

void lean_pool_retry(struct lean_pool *p, struct lean_job *j)
{
	j->next = p->queue;
	p->queue = j;
	if (p->queue_tail == &p->queue)
		p->queue_tail = &j->next;
}

void lean_pool_set_version(struct lean_pool *p, const char *version)
{
	p->version_known = 1;
	if (p->version || !version)
		return;
	p->version = xstrdup(version);
	p->real_lean = strncmp(version, DOUBLE_PREFIX, strlen(DOUBLE_PREFIX)) != 0;
}

void lean_pool_finish(struct lean_pool *p, struct lean_job *j, enum lean_verdict v,
		      struct lean_reply *reply, char *why)
{
	struct lean_check *c = xcalloc(1, sizeof *c);
	struct done *d = xcalloc(1, sizeof *d);
	c->udata = j->udata;
	c->verdict = v;
	if (reply) {
		c->reply = *reply;
		memset(reply, 0, sizeof *reply);
		reply->env = reply->proof_state = -1;
	} else {
		c->reply.env = c->reply.proof_state = -1;
	}
	c->checker = xstrdup(p->kimina ? "kimina" : "repl");
	c->version = dupnull(p->version);
	c->real_lean = p->real_lean;
	c->messages_json = lean_reply_messages_json(&c->reply, (size_t)p->cfg.max_msg);
	c->why = why;
	c->elapsed = j->t0 > 0 ? cs_now() - j->t0 : 0;
	d->c = c;
	*p->done_tail = d;
	p->done_tail = &d->next;
	p->stats.checks++;
	job_free(j);
}

struct lean_check *lean_pool_next(struct lean_pool *p)
{
	struct done *d = p->done;
	struct lean_check *c;
	if (!d)
		return NULL;
	p->done = d->next;
	if (!p->done)
		p->done_tail = &p->done;
	c = d->c;
	free(d);
	p->outstanding--;
	return c;
}

int lean_pool_pending(const struct lean_pool *p)
{
	return p->outstanding;
}

int lean_pool_size(const struct lean_pool *p)
{
	return p->kimina ? p->cfg.jobs : p->nprocs;
}

void lean_check_free(struct lean_check *c)
{
	if (!c)
		return;
	lean_reply_release(&c->reply);
	free(c->checker);
	free(c->version);
	free(c->messages_json);
	free(c->why);
	free(c);
}

void lean_pool_get_stats(const struct lean_pool *p, struct lean_pool_stats *st)
{
	*st = p->stats;
}

/* ---- one process ---- */

static void proc_reset(struct proc *pr)
{
	free(pr->key);
	pr->key = NULL;
	pr->warm = 0;
	pr->env = -1;
	pr->uses = 0;
	pr->phase = PH_IDLE;
	pr->version_asked = 0;
	lean_reply_release(&pr->body);
	sbuf_reset(&pr->wbuf);
	pr->woff = 0;
	sbuf_release(&pr->rbuf);
	lean_json_scan_reset(&pr->scan);
	pr->errlen = 0;
}

static void drain_stderr(struct proc *pr)
{
	char tmp[4096];
	while (pr->ch.err >= 0) {
		ssize_t n = read(pr->ch.err, tmp, sizeof tmp);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
				close(pr->ch.err);
				pr->ch.err = -1;
			}
			return;
		}
		if ((size_t)n >= ERR_TAIL) {
			memcpy(pr->err, tmp + n - ERR_TAIL, ERR_TAIL);
			pr->errlen = ERR_TAIL;
			continue;
		}
		if (pr->errlen + (size_t)n > ERR_TAIL) {
			size_t drop = pr->errlen + (size_t)n - ERR_TAIL;
			memmove(pr->err, pr->err + drop, pr->errlen - drop);
			pr->errlen -= drop;
		}
		memcpy(pr->err + pr->errlen, tmp, (size_t)n);
		pr->errlen += (size_t)n;
	}
}

/* Kill the process (its keeper kills the group) and reap it; *status_why tells how it ended. */
static void proc_kill(struct proc *pr, char **status_why)
{
	int status;
	if (pr->ch.pid <= 0) {
		if (status_why)
			*status_why = NULL;
		return;
	}
	status = lean_child_end(&pr->ch);
	if (status_why)
		*status_why = lean_child_status(status);
	proc_reset(pr);
}

/* The last lines (at most 3, 300 bytes) of the process's stderr, for a diagnostic
 * (malloc'd, may be ""). */
static char *stderr_tail(const struct proc *pr)
{
	size_t n = pr->errlen, start;
	int lines = 0;
	while (n > 0 && strchr("\n\r \t", pr->err[n - 1]))
		n--;
	for (start = n; start > 0 && n - start < 300; start--)
		if (pr->err[start - 1] == '\n' && ++lines == 3)
			break;
	while (start < n && ((unsigned char)pr->err[start] & 0xC0) == 0x80)
		start++;
	return lean_utf8_clean(pr->err + start, n - start);
}

/* The process died, answered garbage or too much: kill it; retry its check once. */
static void proc_crash(struct lean_pool *p, struct proc *pr, const char *cause)
{
	struct lean_job *j = pr->job;
	enum phase ph = pr->phase;
	char *status, *tail, *what, *why;
	drain_stderr(pr);
	tail = stderr_tail(pr);
	proc_kill(pr, &status);
	p->stats.crashes++;
	what = xasprintf("REPL %s during the %s (%s)", cause, phase_name[ph], status ? status : "?");
	why = xasprintf("%s%s%s", what, *tail ? "; its stderr ends: " : "", tail);
	free(status);
	free(tail);
	pr->job = NULL;
	if (!j) {
		info("idle REPL in slot %d ended: %s", pr->slot, why);
		free(what);
		free(why);
		return;
	}
	if (++j->attempts < 2) {
		info("%s; retrying the check on a fresh REPL", why);
		free(why);
		j->first_crash = what;
		lean_pool_retry(p, j);
		return;
	}
	{
		char *both = xasprintf("%s; it had crashed once before: %s", why,
				       j->first_crash ? j->first_crash : "?");
		free(what);
		free(why);
		lean_pool_finish(p, j, LEAN_ERROR, NULL, both);
	}
}

static void proc_flush(struct lean_pool *p, struct proc *pr)
{
	sigset_t pipeset, old;
	sigemptyset(&pipeset);
	sigaddset(&pipeset, SIGPIPE);
	/* A REPL that died makes write() raise SIGPIPE, whose default would end us. */
	sigprocmask(SIG_BLOCK, &pipeset, &old);
	while (pr->woff < pr->wbuf.len) {
		ssize_t n = write(pr->ch.in, pr->wbuf.buf + pr->woff, pr->wbuf.len - pr->woff);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			if (errno == EPIPE) {
				struct timespec zero = { 0, 0 };
				sigtimedwait(&pipeset, NULL, &zero);
			}
			sigprocmask(SIG_SETMASK, &old, NULL);
			{
				char *cause = xasprintf("could not be written to (%s)", strerror(errno));
				proc_crash(p, pr, cause);
				free(cause);
			}
			return;
		}
		pr->woff += (size_t)n;
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (pr->woff == pr->wbuf.len) {
		sbuf_reset(&pr->wbuf);
		pr->woff = 0;
	}
}

static void proc_send(struct lean_pool *p, struct proc *pr, enum phase ph, const char *cmd, long env)
{
	json_t *o = json_object();
	char *s;
	json_object_set_new(o, "cmd", json_string(cmd));
	if (env >= 0)
		json_object_set_new(o, "env", json_integer(env));
	s = json_dumps(o, JSON_COMPACT); /* one line: the REPL reads up to a blank line */
	json_decref(o);
	sbuf_adds(&pr->wbuf, s);
	sbuf_adds(&pr->wbuf, "\n\n");
	free(s);
	pr->phase = ph;
	pr->deadline = cs_now() + p->cfg.timeout;
	proc_flush(p, pr);
}

static int blank(const char *s)
{
	return s[strspn(s, " \t\r\n")] == '\0';
}

/* Send the next command the process's job needs. */
static void proc_advance(struct lean_pool *p, struct proc *pr)
{
	struct lean_job *j = pr->job;
	if (!p->version_known && !pr->version_asked) {
		pr->version_asked = 1;
		proc_send(p, pr, PH_VERSION, VERSION_CMD, -1);
		return;
	}
	if (!pr->key || strcmp(pr->key, j->header) || !pr->warm) {
		free(pr->key);
		pr->key = xstrdup(j->header);
		if (blank(j->header)) {
			pr->warm = 1;
			pr->env = -1;
		} else {
			p->stats.imports++;
			proc_send(p, pr, PH_HEADER, j->header, -1);
			return;
		}
	}
	proc_send(p, pr, PH_BODY, j->body, pr->env);
}

/* The process's job is over (finished or handed back): make it idle or retire it. */
static void proc_release(struct lean_pool *p, struct proc *pr)
{
	pr->job = NULL;
	pr->phase = PH_IDLE;
	pr->last_used = cs_now();
	if (pr->uses >= p->cfg.max_uses) {
		proc_kill(pr, NULL);
		p->stats.recycled++;
	}
}

static void job_done(struct lean_pool *p, struct proc *pr, enum lean_verdict v, struct lean_reply *r,
		     char *why)
{
	struct lean_job *j = pr->job;
	proc_release(p, pr);
	lean_pool_finish(p, j, v, r, why);
}

static void on_reply(struct lean_pool *p, struct proc *pr, const char *buf, size_t len)
{
	struct lean_reply r;
	char *why = NULL;
	enum lean_verdict v;
	if (lean_reply_parse(buf, len, &r, &why)) {
		char *cause = xasprintf("answered what is not a reply (%s)", why);
		free(why);
		proc_crash(p, pr, cause);
		free(cause);
		return;
	}
	if (!pr->job) {
		lean_reply_release(&r);
		proc_crash(p, pr, "spoke unasked");
		return;
	}
	switch (pr->phase) {
	case PH_VERSION: {
		char *v0 = r.error ? NULL : lean_reply_info_string(&r);
		lean_pool_set_version(p, v0);
		free(v0);
		lean_reply_release(&r);
		proc_advance(p, pr);
		return;
	}
	case PH_HEADER:
		if (lean_reply_verdict(&r) == LEAN_FAIL) {
			char *w = lean_reply_why(&r);
			why = xasprintf("header: %s", w);
			free(w);
			free(pr->key);
			pr->key = NULL;
			pr->warm = 0;
			job_done(p, pr, LEAN_FAIL, &r, why);
			lean_reply_release(&r);
			return;
		}
		if (r.env < 0) {
			lean_reply_release(&r);
			proc_crash(p, pr, "answered the header without an environment");
			return;
		}
		pr->env = r.env;
		pr->warm = 1;
		lean_reply_release(&r);
		proc_advance(p, pr);
		return;
	case PH_BODY:
		v = lean_reply_verdict(&r);
		if (v == LEAN_PASS && p->cfg.axioms && pr->job->theorem) {
			if (r.env < 0) {
				job_done(p, pr, LEAN_FAIL, &r, xstrdup("axiom audit: the reply has no environment"));
				lean_reply_release(&r);
				return;
			}
			char *cmd = xasprintf("#print axioms %s", pr->job->theorem);
			pr->body = r;
			proc_send(p, pr, PH_AXIOMS, cmd, r.env);
			free(cmd);
			return;
		}
		job_done(p, pr, v, &r, lean_reply_why(&r));
		lean_reply_release(&r);
		return;
	case PH_AXIOMS: {
		struct lean_reply body = pr->body;
		int ok = lean_reply_axioms_ok(&r, pr->job->theorem, &why);
		memset(&pr->body, 0, sizeof pr->body);
		lean_reply_release(&pr->body);
		lean_reply_release(&r);
		job_done(p, pr, ok == 0 ? LEAN_PASS : LEAN_FAIL, &body, why);
		lean_reply_release(&body);
		return;
	}
	case PH_IDLE:
		break;
	}
	lean_reply_release(&r);
	proc_crash(p, pr, "spoke unasked");
}

static void proc_read(struct lean_pool *p, struct proc *pr)
{
	for (;;) {
		ssize_t n;
		size_t end;
		int rc;
		sbuf_grow(&pr->rbuf, 256 * 1024);
		n = read(pr->ch.out, pr->rbuf.buf + pr->rbuf.len, pr->rbuf.cap - pr->rbuf.len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			proc_crash(p, pr, n == 0 ? "ended its output" : "could not be read from");
			return;
		}
		pr->rbuf.len += (size_t)n;
		pr->rbuf.buf[pr->rbuf.len] = '\0';
		/* A reply is one JSON object; the blank line after it is whitespace before the next. */
		while ((rc = lean_json_scan_feed(&pr->scan, pr->rbuf.buf, pr->rbuf.len, &end)) == 1) {
			struct sbuf reply = pr->rbuf;
			size_t rest = reply.len - end;
			if (end > p->cfg.max_reply)
				break; /* the last piece completed a reply that is too large */
			pr->rbuf = (struct sbuf)SBUF_INIT;
			sbuf_add(&pr->rbuf, reply.buf + end, rest);
			lean_json_scan_reset(&pr->scan);
			on_reply(p, pr, reply.buf, end);
			sbuf_release(&reply);
			if (pr->ch.pid <= 0 || pr->ch.out < 0)
				return; /* killed or retired meanwhile */
		}
		if (rc < 0) {
			proc_crash(p, pr, "printed what is not JSON");
			return;
		}
		if (rc == 1 || pr->rbuf.len > p->cfg.max_reply) {
			char *cause = xasprintf("answered more than %zu bytes (CS_LEAN_MAX_REPLY)", p->cfg.max_reply);
			proc_crash(p, pr, cause);
			free(cause);
			return;
		}
	}
}

static void proc_timeout(struct lean_pool *p, struct proc *pr)
{
	struct lean_job *j = pr->job;
	enum phase ph = pr->phase;
	char *why = xasprintf("no answer within %g s (CS_LEAN_TIMEOUT) during the %s; the REPL was killed",
			      p->cfg.timeout, phase_name[ph]);
	proc_kill(pr, NULL);
	p->stats.timeouts++;
	pr->job = NULL;
	lean_pool_finish(p, j, LEAN_TIMEOUT, NULL, why);
}

static int proc_spawn(struct lean_pool *p, struct proc *pr, char **why)
{
	struct lean_spawn s = { 0 };
	char *dir = NULL;
	int rc;
	s.cmd = p->cfg.repl_cmd;
	s.dir = p->cfg.lean_dir;
	s.memory_mb = p->cfg.memory_mb;
	s.cpu_seconds = p->cpu_seconds;
	if (p->bwrap) {
		dir = xasprintf("%s/%d", p->scratch, pr->slot);
		if (mkdir(dir, 0700) && errno != EEXIST) {
			*why = xasprintf("cannot create %s: %s", dir, strerror(errno));
			free(dir);
			return -1;
		}
		s.bwrap = p->bwrap;
		s.scratch = dir;
	}
	proc_reset(pr);
	rc = lean_child_spawn(&s, &pr->ch, why);
	free(dir);
	if (rc == 0)
		p->stats.starts++;
	return rc;
}

static void start_job(struct lean_pool *p, struct proc *pr, struct lean_job *j)
{
	char *why = NULL;
	if (j->t0 <= 0)
		j->t0 = cs_now();
	if (pr->ch.pid <= 0 && proc_spawn(p, pr, &why)) {
		char *msg = xasprintf("cannot start the REPL: %s", why);
		free(why);
		lean_pool_finish(p, j, LEAN_ERROR, NULL, msg);
		return;
	}
	pr->job = j;
	pr->uses++;
	proc_advance(p, pr);
}

/* ---- scheduling ---- */

static int proc_idle(const struct proc *pr)
{
	return pr->ch.pid > 0 && !pr->job;
}

static struct proc *find_warm(struct lean_pool *p, const char *header)
{
	struct proc *best = NULL;
	for (int i = 0; i < p->nprocs; i++) {
		struct proc *pr = &p->procs[i];
		if (proc_idle(pr) && pr->warm && pr->key && !strcmp(pr->key, header) &&
		    (!best || pr->last_used > best->last_used))
			best = pr;
	}
	return best;
}

static int header_live(const struct lean_pool *p, const char *header, int *distinct)
{
	int live = 0;
	*distinct = 0;
	for (int i = 0; i < p->nprocs; i++) {
		const struct proc *pr = &p->procs[i];
		int seen = 0;
		if (pr->ch.pid <= 0 || !pr->key)
			continue;
		if (!strcmp(pr->key, header))
			live = 1;
		for (int k = 0; k < i && !seen; k++)
			seen = p->procs[k].ch.pid > 0 && p->procs[k].key && !strcmp(p->procs[k].key, pr->key);
		*distinct += !seen;
	}
	return live;
}

static struct proc *find_slot(struct lean_pool *p, const char *header)
{
	struct proc *free_slot = NULL, *lru = NULL;
	int distinct;
	for (int i = 0; i < p->nprocs; i++) {
		struct proc *pr = &p->procs[i];
		if (pr->ch.pid <= 0 && !pr->job && !free_slot)
			free_slot = pr;
		if (proc_idle(pr) && (!lru || pr->last_used < lru->last_used))
			lru = pr;
	}
	if (free_slot && (header_live(p, header, &distinct) || distinct < p->cfg.max_headers))
		return free_slot;
	if (lru && lru->warm && lru->key && strcmp(lru->key, header)) {
		proc_kill(lru, NULL);
		p->stats.evictions++;
	}
	return lru;
}

static void unlink_job(struct lean_pool *p, struct lean_job **jp)
{
	struct lean_job *j = *jp;
	*jp = j->next;
	if (p->queue_tail == &j->next)
		p->queue_tail = jp;
	j->next = NULL;
}

static void schedule(struct lean_pool *p)
{
	struct lean_job **jp, *j;
	if (p->kimina) {
		while ((j = p->queue) && lean_kimina_active(p->kimina) < p->cfg.jobs) {
			unlink_job(p, &p->queue);
			if (j->t0 <= 0)
				j->t0 = cs_now();
			if (!lean_kimina_start(p->kimina, j)) {
				lean_pool_retry(p, j);
				break;
			}
		}
		return;
	}
	/* Warm processes first, even for checks queued behind others, unless the oldest
	 * check has been overtaken too often: then it alone may take the next process. */
	if (!p->queue || p->queue->overtaken < 2 * p->nprocs) {
		for (jp = &p->queue; (j = *jp);) {
			struct proc *pr = find_warm(p, j->header);
			if (!pr) {
				jp = &j->next;
				continue;
			}
			for (struct lean_job *o = p->queue; o != j; o = o->next)
				o->overtaken++;
			unlink_job(p, jp);
			start_job(p, pr, j);
		}
	}
	while ((j = p->queue)) {
		struct proc *pr = find_slot(p, j->header);
		if (!pr)
			break;
		unlink_job(p, &p->queue);
		start_job(p, pr, j);
	}
}

int lean_pool_poll(struct lean_pool *p, int timeout_ms)
{
	double until = cs_now() + (timeout_ms > 0 ? timeout_ms : 0) / 1000.0;
	struct pollfd *pf = xcalloc((size_t)p->nprocs * 3 + 1, sizeof *pf);
	int *owner = xcalloc((size_t)p->nprocs * 3 + 1, sizeof *owner);
	for (;;) {
		double now, wait;
		int nfds = 0, n;
		schedule(p);
		if (p->done)
			break;
		now = cs_now();
		wait = until - now;
		if (p->kimina) {
			if (!lean_kimina_active(p->kimina) && !p->queue)
				break;
			lean_kimina_poll(p->kimina, wait > 0 ? (int)(wait * 1000) : 0);
			if (p->done || cs_now() >= until)
				break;
			continue;
		}
		for (int i = 0; i < p->nprocs; i++) {
			struct proc *pr = &p->procs[i];
			if (pr->ch.pid <= 0)
				continue;
			if (pr->job && pr->deadline - now < wait)
				wait = pr->deadline - now;
			if (pr->ch.out >= 0) {
				pf[nfds] = (struct pollfd){ pr->ch.out, POLLIN, 0 };
				owner[nfds++] = i;
			}
			if (pr->ch.err >= 0) {
				pf[nfds] = (struct pollfd){ pr->ch.err, POLLIN, 0 };
				owner[nfds++] = i;
			}
			if (pr->woff < pr->wbuf.len && pr->ch.in >= 0) {
				pf[nfds] = (struct pollfd){ pr->ch.in, POLLOUT, 0 };
				owner[nfds++] = i;
			}
		}
		if (nfds == 0)
			break; /* nothing runs and nothing can start */
		if (wait < 0)
			wait = 0;
		n = poll(pf, (nfds_t)nfds, (int)(wait * 1000 + 0.999));
		if (n < 0 && errno != EINTR) {
			error("poll: %s", strerror(errno));
			break;
		}
		for (int k = 0; n > 0 && k < nfds; k++) {
			struct proc *pr = &p->procs[owner[k]];
			if (!pf[k].revents || pr->ch.pid <= 0)
				continue;
			if (pf[k].fd == pr->ch.err)
				drain_stderr(pr);
			else if (pf[k].fd == pr->ch.in)
				proc_flush(p, pr);
			else if (pf[k].fd == pr->ch.out)
				proc_read(p, pr);
		}
		now = cs_now();
		for (int i = 0; i < p->nprocs; i++) {
			struct proc *pr = &p->procs[i];
			if (pr->ch.pid > 0 && pr->job && now >= pr->deadline)
				proc_timeout(p, pr);
		}
		if (p->done || now >= until)
			break;
	}
	free(pf);
	free(owner);
	return p->outstanding;
}

int lean_pool_pollfds(const struct lean_pool *p, struct pollfd *pf, int max, int *timeout_ms)
{
	double now = cs_now();
	int n = 0;
	if (p->done) {
		*timeout_ms = 0;
		return 0;
	}
	if (p->kimina) {
		/* its transfers are libcurl's: look again soon */
		if (lean_kimina_active(p->kimina) && *timeout_ms > 5)
			*timeout_ms = 5;
		return 0;
	}
	for (int i = 0; i < p->nprocs && n + 3 <= max; i++) {
		const struct proc *pr = &p->procs[i];
		if (pr->ch.pid <= 0)
			continue;
		if (pr->job) {
			long ms = (long)((pr->deadline - now) * 1000 + 0.999);
			if (ms < *timeout_ms)
				*timeout_ms = ms < 0 ? 0 : (int)ms;
		}
		if (pr->ch.out >= 0)
			pf[n++] = (struct pollfd){ pr->ch.out, POLLIN, 0 };
		if (pr->ch.err >= 0)
			pf[n++] = (struct pollfd){ pr->ch.err, POLLIN, 0 };
		if (pr->woff < pr->wbuf.len && pr->ch.in >= 0)
			pf[n++] = (struct pollfd){ pr->ch.in, POLLOUT, 0 };
	}
	return n;
}

void lean_pool_free(struct lean_pool *p)
{
	struct lean_job *j;
	struct done *d;
	if (!p)
		return;
	/* Hang up on every keeper first, so that all groups die at once, then reap. */
	for (int i = 0; i < p->nprocs; i++)
		lean_child_hangup(&p->procs[i].ch);
	for (int i = 0; i < p->nprocs; i++) {
		struct proc *pr = &p->procs[i];
		lean_child_end(&pr->ch);
		if (pr->job)
			job_free(pr->job);
		proc_reset(pr);
		sbuf_release(&pr->wbuf);
	}
	free(p->procs);
	while ((j = p->queue)) {
		p->queue = j->next;
		job_free(j);
	}
	while ((d = p->done)) {
		p->done = d->next;
		lean_check_free(d->c);
		free(d);
	}
	if (p->kimina)
		lean_kimina_free(p->kimina);
	if (p->scratch) {
		nftw(p->scratch, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
		free(p->scratch);
	}
	free(p->bwrap);
	free(p->version);
	lean_pool_config_release(&p->cfg);
	free(p);
}
