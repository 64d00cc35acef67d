/* lean_audit.c: running the external kernel checker of CS_LEAN_AUDIT_CMD on proof
 * files, several at a time, through the REPL's process machinery (lean_proc.c:
 * keeper, process group, rlimits, bwrap, an environment without secrets). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "conf.h"
#include "cs.h"
#include "lean_audit.h"
#include "lean_internal.h"

#define TAIL_MAX 4096        /* bytes of output kept as the reason */
#define FIRST_LINE_MAX 512   /* bytes of the first stdout line kept */

struct task;
struct lean_audit {
	struct lean_audit_config cfg; /* own copies */
	char *bwrap;                  /* bwrap path when sandboxed */
	char *root;                   /* scratch root: one directory per audit below */
	long cpu_seconds;
	struct task *running;         /* commands under way */
	int nrunning;
	struct task *done, **done_tail; /* ended, in the order they ended */
};

int lean_audit_config_from_env(struct lean_audit_config *cfg)
{
	const char *cmd = cs_conf_str("CS_LEAN_AUDIT_CMD");
	memset(cfg, 0, sizeof *cfg);
	if (!cmd)
		return error("CS_LEAN_AUDIT_CMD is not set: no kernel checker to audit with "
			     "(e.g. scripts/audit-lean4checker.sh; README \"Kernel replay\")");
	if (lean_sandbox_from_env(&cfg->sandbox, &cfg->sandbox_explicit))
		return -1;
	cfg->cmd = xstrdup(cmd);
	cfg->dir = xstrdup_or_null(cs_conf_str("CS_LEAN_DIR"));
	cfg->timeout = cs_conf_double("CS_LEAN_AUDIT_TIMEOUT");
	cfg->memory_mb = cs_conf_long("CS_LEAN_MEMORY");
	return 0;
}

void lean_audit_config_release(struct lean_audit_config *cfg)
{
	free(cfg->cmd);
	free(cfg->dir);
	cfg->cmd = cfg->dir = NULL;
}

char *lean_audit_checker_name(const char *cmd)
{
	static const char *const launchers[] = { "sh", "bash", "dash", "env", "exec", "nice", "nohup",
						 "timeout", "python", "python3", "perl", "lake" };
	const char *p = cmd, *last = NULL;
	size_t lastn = 0;
	for (;;) {
		size_t n;
		int skip = 0;
		p += strspn(p, " \t\n'\"");
		if (!*p)
			break;
		n = strcspn(p, " \t\n'\"");
		const char *base = memrchr(p, '/', n);
		base = base ? base + 1 : p;
		size_t bn = n - (size_t)(base - p);
		last = base;
		lastn = bn;
		if (memchr(p, '=', n) || *p == '-')
			skip = 1; /* VAR=value, or a launcher's option */
		for (size_t i = 0; i < CS_ARRAY_SIZE(launchers) && !skip; i++)
			skip = strlen(launchers[i]) == bn && !strncmp(base, launchers[i], bn);
		if (!skip)
			return xstrndup(base, bn);
		p += n;
	}
	return last ? xstrndup(last, lastn) : xstrdup("?");
}

int lean_audit_is_lean(const char *version)
{
	const char *v = version ? strstr(version, "Lean (version ") : NULL;
	return v && v[14] >= '0' && v[14] <= '9';
}

const char *lean_audit_verdict_name(enum lean_audit_verdict v)
{
	return v == LEAN_AUDIT_PASS ? "pass" : v == LEAN_AUDIT_FAIL ? "fail" : "error";
}

void lean_audit_result_release(struct lean_audit_result *r)
{
	free(r->why);
	r->why = NULL;
}

struct lean_audit *lean_audit_new(const struct lean_audit_config *cfg)
{
	struct lean_audit *a = xcalloc(1, sizeof *a);
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	const char *tmp = cs_env("TMPDIR", "/tmp");
	a->done_tail = &a->done;
	a->cfg = *cfg;
	a->cfg.cmd = xstrdup(cfg->cmd);
	a->cfg.dir = NULL;
	if (cfg->dir) {
		struct stat st;
		a->cfg.dir = realpath(cfg->dir, NULL);
		if (!a->cfg.dir || stat(a->cfg.dir, &st) || !S_ISDIR(st.st_mode)) {
			error("CS_LEAN_DIR=%s: not a directory", cfg->dir);
			goto fail;
		}
	}
	if (a->cfg.timeout <= 0)
		a->cfg.timeout = 600;
	/* A backstop only: the wall-clock deadline ends a slow check; a checker may
	 * keep every core busy until then. */
	a->cpu_seconds = (long)(a->cfg.timeout * (double)(cores > 0 ? cores : 1)) + 60;
	if (!(a->root = lean_make_dir(tmp, "cs-audit"))) {
		error("cannot create a scratch directory in %s: %s", tmp, strerror(errno));
		goto fail;
	}
	if (a->cfg.sandbox) {
		char *why = NULL;
		int ok = 0;
		if (!(a->bwrap = lean_which("bwrap")))
			why = xstrdup("bwrap is not on PATH");
		else
			ok = lean_sandbox_probe(a->bwrap, &why) == 0;
		if (!ok) {
			free(a->bwrap);
			a->bwrap = NULL;
			if (a->cfg.sandbox_explicit) {
				error("CS_LEAN_SANDBOX=bwrap, but the sandbox does not work here: %s", why);
				free(why);
				goto fail;
			}
			warning("the audit checker runs without a sandbox: bwrap does not work here (%s); "
				"set CS_LEAN_SANDBOX=none to say that this is intended", why);
		}
		free(why);
	}
	return a;
fail:
	lean_audit_free(a);
	return NULL;
}

int lean_audit_sandboxed(const struct lean_audit *a)
{
	return a->bwrap != NULL;
}

/* Keep the last TAIL_MAX bytes (at most twice that in memory) of what arrives. */
static void tail_add(struct sbuf *t, const char *buf, size_t n)
{
	if (n >= TAIL_MAX) {
		sbuf_reset(t);
		sbuf_add(t, buf + n - TAIL_MAX, TAIL_MAX);
		return;
	}
	sbuf_add(t, buf, n);
	if (t->len > 2 * TAIL_MAX) {
		memmove(t->buf, t->buf + t->len - TAIL_MAX, TAIL_MAX);
		t->len = TAIL_MAX;
		t->buf[t->len] = 0;
	}
}

/* The last TAIL_MAX bytes of output (total of them arrived) as text: from a UTF-8
 * boundary, bad bytes made '?', surrounding blanks trimmed, "[...] " in front when
 * something was left out. NULL when there is nothing but blanks. */
static char *tail_text(const struct sbuf *t, size_t total)
{
	const char *s = sbuf_str(t);
	size_t n = t->len, off = n > TAIL_MAX ? n - TAIL_MAX : 0, cut;
	char *clean, *out;
	while (off < n && ((unsigned char)s[off] & 0xC0) == 0x80)
		off++;
	cut = total - n + off;
	while (off < n && strchr(" \t\r\n", s[off]))
		off++;
	while (n > off && strchr(" \t\r\n", s[n - 1]))
		n--;
	if (n == off)
		return NULL;
	clean = lean_utf8_clean(s + off, n - off);
	out = cut ? xasprintf("[...] %s", clean) : xstrdup(clean);
	free(clean);
	return out;
}

/* One running command: the version query or the audit of one proof. */
struct task {
	struct task *next;
	struct lean_child c;
	int pidfd, open_out, open_err, exited, status, timed_out;
	int code;             /* the command's exit status, 128 + N for signal N; -1: unknown */
	char *cause;          /* "exited with status 3", "killed by signal ...", "timed out ..." */
	double t0, deadline;
	struct sbuf tail;     /* stdout and stderr in arrival order, the last bytes */
	size_t total;         /* bytes that arrived */
	struct sbuf first;    /* first stdout line */
	int first_done;
	char *dir;            /* its scratch directory, removed when it ends */
	void *udata;
	struct lean_audit_result res;
};

static void take_first(struct task *t, const char *buf, size_t n)
{
	const char *nl;
	if (t->first_done)
		return;
	nl = memchr(buf, '\n', n);
	if (nl) {
		n = (size_t)(nl - buf);
		t->first_done = 1;
	}
	if (t->first.len + n > FIRST_LINE_MAX) {
		n = FIRST_LINE_MAX - t->first.len;
		t->first_done = 1;
	}
	sbuf_add(&t->first, buf, n);
}

/* Read what is there on fd; 1 at EOF or on an error other than EAGAIN. */
static int drain(struct task *t, int fd, int is_stdout)
{
	char buf[8192];
	for (;;) {
		ssize_t n = read(fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno != EAGAIN && errno != EWOULDBLOCK;
		if (n == 0)
			return 1;
		if (is_stdout)
			take_first(t, buf, (size_t)n);
		tail_add(&t->tail, buf, (size_t)n);
		t->total += (size_t)n;
	}
}

static int open_pidfd(pid_t pid)
{
#ifdef SYS_pidfd_open
	return (int)syscall(SYS_pidfd_open, pid, 0);
#else
	(void)pid;
	return -1;
#endif
}

static void task_free(struct task *t)
{
	if (!t)
		return;
	if (t->c.pid > 0 || t->c.life >= 0)
		lean_child_end(&t->c);
	if (t->pidfd >= 0)
		close(t->pidfd);
	if (t->dir) {
		lean_rm_tree(t->dir);
		free(t->dir);
	}
	free(t->cause);
	sbuf_release(&t->tail);
	sbuf_release(&t->first);
	lean_audit_result_release(&t->res);
	free(t);
}

static struct task *task_new(char *dir, void *udata)
{
	struct task *t = xcalloc(1, sizeof *t);
	t->c.in = t->c.out = t->c.err = t->c.life = -1;
	t->pidfd = -1;
	t->code = -1;
	t->dir = dir;
	t->udata = udata;
	t->res.verdict = LEAN_AUDIT_ERROR;
	return t;
}

/* Start the command for t in t->dir, the CS_AUDIT_* variables already in the
 * environment (the child copies it now). 0, or -1 with *why. */
static int task_spawn(struct lean_audit *a, struct task *t, char **why)
{
	struct lean_spawn s;
	memset(&s, 0, sizeof s);
	s.cmd = a->cfg.cmd;
	s.dir = a->cfg.dir ? a->cfg.dir : t->dir;
	s.memory_mb = a->cfg.memory_mb;
	s.cpu_seconds = a->cpu_seconds;
	if (a->bwrap) {
		s.bwrap = a->bwrap;
		s.scratch = t->dir;
	}
	t->t0 = cs_now();
	t->deadline = t->t0 + a->cfg.timeout;
	if (lean_child_spawn(&s, &t->c, why))
		return -1;
	close(t->c.in);
	t->c.in = -1;
	t->open_out = t->open_err = 1;
	t->pidfd = open_pidfd(t->c.pid);
	return 0;
}

/* Read what t printed; has it ended (exited, or past its deadline)? */
static int task_check(struct task *t, double now)
{
	if (t->open_out && drain(t, t->c.out, 1))
		t->open_out = 0;
	if (t->open_err && drain(t, t->c.err, 0))
		t->open_err = 0;
	if (waitpid(t->c.pid, &t->status, WNOHANG) == t->c.pid)
		t->exited = 1;
	else if (now >= t->deadline)
		t->timed_out = 1;
	return t->exited || t->timed_out;
}

static char *task_output(const struct task *t)
{
	return tail_text(&t->tail, t->total);
}

/* t has ended: reap it (a timed-out one is killed, with its process group, by its
 * keeper) and say how it ended. */
static void task_reap(struct lean_audit *a, struct task *t)
{
	if (t->exited) {
		/* what was written before the exit is still in the pipes */
		if (t->open_out)
			drain(t, t->c.out, 1);
		if (t->open_err)
			drain(t, t->c.err, 0);
		t->c.pid = 0;
		lean_child_end(&t->c);
	} else {
		t->status = lean_child_end(&t->c);
	}
	t->res.elapsed = cs_now() - t->t0;
	if (t->timed_out) {
		t->cause = xasprintf("timed out after %g s (CS_LEAN_AUDIT_TIMEOUT)", a->cfg.timeout);
	} else {
		t->cause = lean_child_status(t->status);
		if (t->status >= 0 && WIFEXITED(t->status))
			t->code = WEXITSTATUS(t->status);
	}
}

/* An audit's verdict from how its command ended. */
static void task_verdict(struct task *t)
{
	char *out = task_output(t);
	if (!t->timed_out && t->code == 0) {
		t->res.verdict = LEAN_AUDIT_PASS;
	} else if (!t->timed_out && t->code == 1) {
		t->res.verdict = LEAN_AUDIT_FAIL;
		t->res.why = out ? xstrdup(out) : xstrdup("the checker exited with status 1 and said nothing");
	} else {
		t->res.why = xasprintf("%s%s%s", t->cause, out ? ": " : "", out ? out : "");
	}
	free(out);
}

static void push_done(struct lean_audit *a, struct task *t)
{
	t->next = NULL;
	*a->done_tail = t;
	a->done_tail = &t->next;
}

int lean_audit_poll(struct lean_audit *a, int timeout_ms)
{
	struct pollfd *pf;
	struct task **tp, *t;
	size_t np = 0;
	double now = cs_now();
	int ms = timeout_ms, all_pidfd = 1;
	if (!a->running)
		return 0;
	pf = xcalloc((size_t)a->nrunning * 3, sizeof *pf);
	for (t = a->running; t; t = t->next) {
		double left = t->deadline - now;
		int tms = left <= 0 ? 0 : left > 3600 ? 3600000 : (int)(left * 1000) + 1;
		if (tms < ms)
			ms = tms;
		if (t->open_out)
			pf[np++] = (struct pollfd){ t->c.out, POLLIN, 0 };
		if (t->open_err)
			pf[np++] = (struct pollfd){ t->c.err, POLLIN, 0 };
		if (t->pidfd >= 0)
			pf[np++] = (struct pollfd){ t->pidfd, POLLIN, 0 };
		else
			all_pidfd = 0;
	}
	if (!all_pidfd && ms > 100)
		ms = 100; /* an exit is seen by waitpid only */
	if (poll(pf, (nfds_t)np, ms) < 0 && errno != EINTR)
		ms = 0;
	free(pf);
	now = cs_now();
	for (tp = &a->running; (t = *tp);) {
		if (!task_check(t, now)) {
			tp = &t->next;
			continue;
		}
		*tp = t->next;
		a->nrunning--;
		task_reap(a, t);
		task_verdict(t);
		push_done(a, t);
	}
	return a->nrunning;
}

void lean_audit_cancel(struct lean_audit *a)
{
	struct task *t;
	while ((t = a->running)) {
		a->running = t->next;
		a->nrunning--;
		t->status = lean_child_end(&t->c); /* the keeper kills the group */
		t->res.elapsed = cs_now() - t->t0;
		t->res.why = xstrdup("cancelled");
		push_done(a, t);
	}
}

int lean_audit_running(const struct lean_audit *a)
{
	return a->nrunning;
}

int lean_audit_next(struct lean_audit *a, struct lean_audit_result *res, void **udata)
{
	struct task *t = a->done;
	if (!t)
		return 0;
	if (!(a->done = t->next))
		a->done_tail = &a->done;
	*res = t->res;
	*udata = t->udata;
	memset(&t->res, 0, sizeof t->res);
	task_free(t);
	return 1;
}

static char *first_line(const struct task *t)
{
	size_t n = t->first.len;
	const char *s = sbuf_str(&t->first);
	while (n > 0 && strchr(" \t\r", s[n - 1]))
		n--;
	return n ? lean_utf8_clean(s, n) : NULL;
}

static const char *const audit_vars[] = { "CS_AUDIT_FILE", "CS_AUDIT_DIR", "CS_AUDIT_MODULE",
					  "CS_AUDIT_THEOREM", "CS_AUDIT_STATEMENT_FILE", "CS_AUDIT_VERSION" };

static void unset_vars(void)
{
	for (size_t i = 0; i < CS_ARRAY_SIZE(audit_vars); i++)
		unsetenv(audit_vars[i]);
}

int lean_audit_version(struct lean_audit *a, char **version, char **why)
{
	char *dir = lean_make_dir(a->root, "version");
	struct task *t;
	int rc = -1;
	*version = *why = NULL;
	if (!dir) {
		*why = xasprintf("cannot create a directory in %s: %s", a->root, strerror(errno));
		return -1;
	}
	t = task_new(dir, NULL);
	unset_vars();
	setenv("CS_AUDIT_VERSION", "1", 1);
	setenv("CS_AUDIT_DIR", dir, 1);
	rc = task_spawn(a, t, why);
	unset_vars();
	if (rc == 0) {
		struct task **tp;
		t->next = a->running;
		a->running = t;
		a->nrunning++;
		while (!t->exited && !t->timed_out)
			lean_audit_poll(a, 1000); /* moves t to done when it ends */
		for (tp = &a->done; *tp != t; tp = &(*tp)->next)
			;
		if (!(*tp = t->next))
			a->done_tail = tp;
		rc = -1;
		if (t->timed_out || t->code < 0 || t->code == 126 || t->code == 127 || t->code > 128) {
			char *out = task_output(t);
			*why = xasprintf("%s%s%s", t->cause, out ? ": " : "", out ? out : "");
			free(out);
		} else {
			rc = 0;
			if (t->code == 0)
				*version = first_line(t);
		}
	}
	task_free(t);
	return rc;
}

static int write_file(const char *path, const char *text, char **why)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	size_t n = strlen(text), off = 0;
	if (fd < 0) {
		*why = xasprintf("cannot create %s: %s", path, strerror(errno));
		return -1;
	}
	while (off < n) {
		ssize_t w = write(fd, text + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			*why = xasprintf("cannot write %s: %s", path, w < 0 ? strerror(errno) : "short write");
			close(fd);
			return -1;
		}
		off += (size_t)w;
	}
	if (close(fd)) {
		*why = xasprintf("cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

static int module_ok(const char *m)
{
	if (!m || !(*m == '_' || (*m >= 'A' && *m <= 'Z') || (*m >= 'a' && *m <= 'z')))
		return 0;
	return strspn(m, "_0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") == strlen(m);
}

int lean_audit_submit(struct lean_audit *a, const struct lean_audit_job *job, void *udata)
{
	char *dir = NULL, *file = NULL, *stmt = NULL, *why = NULL;
	struct task *t;
	int rc = -1;
	if (!module_ok(job->module)) {
		why = xasprintf("bad module name '%s'", job->module ? job->module : "");
	} else if (!(dir = lean_make_dir(a->root, job->module))) {
		why = xasprintf("cannot create a directory in %s: %s", a->root, strerror(errno));
	} else {
		file = xasprintf("%s/%s.lean", dir, job->module);
		stmt = xasprintf("%s/%s.statement.lean", dir, job->module);
	}
	t = task_new(dir, udata);
	if (!why && !write_file(file, job->proof, &why) && !write_file(stmt, job->statement, &why)) {
		char *spawn_why = NULL;
		unset_vars();
		setenv("CS_AUDIT_FILE", file, 1);
		setenv("CS_AUDIT_DIR", dir, 1);
		setenv("CS_AUDIT_MODULE", job->module, 1);
		setenv("CS_AUDIT_THEOREM", job->theorem, 1);
		setenv("CS_AUDIT_STATEMENT_FILE", stmt, 1);
		rc = task_spawn(a, t, &spawn_why);
		unset_vars();
		if (rc)
			why = xasprintf("cannot start the checker: %s", spawn_why);
		free(spawn_why);
	}
	free(file);
	free(stmt);
	if (rc == 0) {
		t->next = a->running;
		a->running = t;
		a->nrunning++;
		return 0;
	}
	t->res.why = why;
	push_done(a, t);
	return -1;
}

void lean_audit_free(struct lean_audit *a)
{
	if (!a)
		return;
	for (struct task *t; (t = a->running) || (t = a->done);) {
		if (t == a->running)
			a->running = t->next;
		else
			a->done = t->next;
		task_free(t); /* a running command is killed with its process group */
	}
	if (a->root) {
		lean_rm_tree(a->root);
		free(a->root);
	}
	free(a->bwrap);
	lean_audit_config_release(&a->cfg);
	free(a);
}
