/* lean_pool.c: a pool of leanprover-community/repl processes keyed by header.
 *
 * A process imports a header once ({"cmd": header} -> env H) and then checks
 * bodies in that environment ({"cmd": body, "env": H}). With the audits on
 * (CS_LEAN_AXIOMS) and a theorem named, a check is up to three commands after the
 * header, each in the environment the one before returned:
 *   1. with the problem's statement: `theorem coldstart_expected_XXXXXXXX binders :
 *      T := by sorry` in H -> E (the statement elaborated without the model's code;
 *      its sorry is this command's, not the body's);
 *   2. the body in E (or H) -> M: PASS, SORRY or FAIL as Lean says;
 *   3. for a PASS, in M: `example : type_of% @coldstart_expected_XXXXXXXX := @NAME`
 *      on line 1 and `#print axioms NAME` on line 2, one command whose messages are
 *      told apart by line: NAME's type must be definitionally equal to the
 *      statement's, and NAME may depend on propext, Classical.choice and Quot.sound
 *      only (a body that uses the expected constant depends on sorryAx).
 * The statement's environment E is kept per process and per statement: the samples of
 * one problem that land on the same process elaborate it once (find_warm prefers such
 * a process).
 * Queued checks go first to an idle process that already holds their header, then
 * to a free slot, then to the least recently used idle process, which is restarted
 * for the new header. Each command has its own deadline.
 *
 * Who is at fault (README "Who is at fault"). Lean dying (the process ends) or missing
 * the deadline during one of the code's commands (statement, body, audit) is a fault
 * that followed the code. The slot is restarted at once and the check goes on there,
 * on the fresh process, from the lost command (the header and the statement are
 * elaborated again there; other processes keep their warm environments). After
 * LEAN_CODE_TRIES deaths (or LEAN_CODE_TIMEOUT_TRIES timeouts; more when the checker
 * also fails on other commands, lean_code_tries; ERROR when it fails on too many for
 * any number of tries to tell) the code is suspected:
 * a fresh process of the same slot runs the canary, the header import and then
 * LEAN_CANARY_CMD. It passes: the verdict is the code's, FAIL (TIMEOUT for timeouts)
 * with the reason (out of memory, killed by signal N, no answer within N s). It fails
 * too: ERROR, the checker's fault. A fault outside the code's commands (the version
 * query, the header import, the canary) or a broken protocol (garbage, a reply too
 * large, a refused command) is the checker's: retried once on a fresh process, then
 * ERROR (a timeout of the version query or the import: ERROR at once).
 * A process is retired after max_uses checks or when its resident memory (summed over
 * its processes, /proc/PID/status VmRSS) exceeds CS_LEAN_MAX_RSS; a process that dies
 * or is retired while work is queued or running is replaced at once, its header
 * imported in advance. */
#include <errno.h>
#include <fcntl.h>
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
#include "lean_text.h"

#define ERR_TAIL 4096           /* bytes of a REPL's stderr kept for diagnostics */

enum phase { PH_IDLE, PH_VERSION, PH_HEADER, PH_EXPECTED, PH_BODY, PH_AUDIT, PH_CANARY };
static const char *const phase_name[] = { "idle", "version query", "header import",
					  "statement elaboration", "check", "audit", "canary" };
/* The code's own commands: a fault there follows the code. */
#define CODE_PHASE(ph) ((ph) == PH_EXPECTED || (ph) == PH_BODY || (ph) == PH_AUDIT)

struct proc {
	int slot;
	struct lean_child ch;       /* ch.pid == 0: not running */
	char *key;                  /* header this process holds (or is importing), owned */
	int warm;                   /* key's environment is ready */
	long env;                   /* environment of key; -1: none (empty header) */
	long jenv;                  /* environment after the expected declaration jstmt; -1: none */
	char *jstmt;                /* the expected declaration jenv holds, owned, or NULL */
	long uses;
	double last_used;
	enum phase phase;
	struct lean_job *job;
	struct lean_reply body;     /* the body's reply while it is audited */
	struct sbuf wbuf;           /* command bytes not yet written */
	size_t woff;
	struct sbuf rbuf;           /* reply bytes read so far */
	struct lean_json_scan scan;
	char err[ERR_TAIL];
	size_t errlen;
	double deadline;
	int version_asked;
};

/* ---- configuration ---- */

char *lean_pool_computed_setting(const char *name)
{
	/* CS_LEAN_MAX_HEADERS defaults to CS_LEAN_JOBS, and so to its computed default */
	if (strcmp(name, "CS_LEAN_JOBS") && strcmp(name, "CS_LEAN_MAX_HEADERS"))
		return NULL;
	return xasprintf("%d", lean_pool_default_jobs(NULL));
}

int lean_pool_default_jobs(char **decision)
{
	long cores = cs_cores(), mem = cs_mem_available_mb(), per = cs_conf_long("CS_LEAN_MEMORY");
	long jobs = cores;
	char *d;
	if (cs_conf_str("CS_LEAN_URL")) {
		d = xasprintf("Lean: %ld checks in flight to CS_LEAN_URL (cores %ld)", jobs, cores);
	} else if (per <= 0) {
		d = xasprintf("Lean pool: %ld REPL%s (cores %ld; CS_LEAN_MEMORY=0: no memory bound)", jobs,
			      jobs == 1 ? "" : "s", cores);
	} else if (mem < 0) {
		d = xasprintf("Lean pool: %ld REPL%s (cores %ld; available memory unknown)", jobs,
			      jobs == 1 ? "" : "s", cores);
	} else {
		if (mem / per < jobs)
			jobs = mem / per;
		if (jobs < 1)
			jobs = 1;
		d = xasprintf("Lean pool: %ld REPL%s (cores %ld, %ld MiB available / CS_LEAN_MEMORY %ld MiB)",
			      jobs, jobs == 1 ? "" : "s", cores, mem, per);
	}
	if (jobs > 1024) /* CS_LEAN_JOBS's range */
		jobs = 1024;
	if (decision)
		*decision = d;
	else
		free(d);
	return (int)jobs;
}

int lean_pool_config_from_env(struct lean_pool_config *cfg)
{
	const char *repl = cs_conf_str("CS_LEAN_REPL"), *url = cs_conf_str("CS_LEAN_URL");
	memset(cfg, 0, sizeof *cfg);
	if (!repl && !url)
		return error("no Lean checker: set CS_LEAN_REPL (a command that runs the "
			     "leanprover-community/repl) or CS_LEAN_URL (a kimina-lean-server)");
	cfg->repl_cmd = xstrdup_or_null(repl);
	cfg->url = xstrdup_or_null(url);
	cfg->lean_dir = xstrdup_or_null(cs_conf_str("CS_LEAN_DIR"));
	cfg->sandbox_bind = xstrdup_or_null(cs_conf_str("CS_LEAN_SANDBOX_BIND"));
	cfg->jobs = (int)cs_conf_long_or("CS_LEAN_JOBS", 0); /* its range starts at 1: 0 is unset */
	if (!cfg->jobs)
		cfg->jobs = lean_pool_default_jobs(&cfg->jobs_decision);
	cfg->timeout = cs_conf_double("CS_LEAN_TIMEOUT");
	cfg->memory_mb = cs_conf_long("CS_LEAN_MEMORY");
	cfg->max_uses = cs_conf_long("CS_LEAN_MAX_USES");
	cfg->max_rss_mb = cs_conf_long("CS_LEAN_MAX_RSS");
	cfg->axioms = cs_conf_on("CS_LEAN_AXIOMS");
	cfg->allow_native = cs_conf_on("CS_ALLOW_NATIVE_DECIDE");
	cfg->max_headers = (int)cs_conf_long_or("CS_LEAN_MAX_HEADERS", cfg->jobs);
	cfg->max_reply = (size_t)cs_conf_long("CS_LEAN_MAX_REPLY");
	cfg->max_msg = cs_conf_long("CS_LEAN_MAX_MSG");
	return lean_sandbox_from_env(&cfg->sandbox, &cfg->sandbox_explicit);
}

void lean_pool_config_release(struct lean_pool_config *cfg)
{
	free(cfg->repl_cmd);
	free(cfg->lean_dir);
	free(cfg->url);
	free(cfg->sandbox_bind);
	free(cfg->jobs_decision);
	cfg->repl_cmd = cfg->lean_dir = cfg->url = cfg->sandbox_bind = cfg->jobs_decision = NULL;
}

/* ---- pool ---- */

static int make_scratch(struct lean_pool *p)
{
	const char *tmp = cs_env("TMPDIR", "/tmp");
	if (!(p->scratch = lean_make_dir(tmp, "cs-lean")))
		return error("cannot create a scratch directory in %s: %s", tmp, strerror(errno));
	return 0;
}

/* The salt of expected-declaration names: what a model cannot know in advance. */
static void make_salt(struct lean_pool *p)
{
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, p->salt, sizeof p->salt) : -1;
	if (fd >= 0)
		close(fd);
	if (n != (ssize_t)sizeof p->salt) {
		double t = cs_now();
		pid_t pid = getpid();
		memcpy(p->salt, &t, sizeof t);
		memcpy(p->salt + sizeof t, &pid, sizeof pid);
	}
}

/* The sandbox of one REPL of p (scratch: its slot's directory, or NULL for the probe). */
static struct lean_spawn spawn_of(const struct lean_pool *p, const char *scratch)
{
	struct lean_spawn s = { 0 };
	s.cmd = p->cfg.repl_cmd;
	s.dir = p->cfg.lean_dir;
	s.memory_mb = p->cfg.memory_mb;
	s.cpu_seconds = p->cpu_seconds;
	s.bwrap = p->bwrap;
	s.scratch = scratch;
	s.extra_binds = p->cfg.sandbox_bind;
	return s;
}

/* Sandbox or not: 0, or -1 when CS_LEAN_SANDBOX=bwrap and it does not work. */
static int setup_sandbox(struct lean_pool *p)
{
	char *why = NULL;
	p->bwrap = lean_which("bwrap");
	if (!p->bwrap) {
		why = xstrdup("bwrap is not on PATH");
	} else if (make_scratch(p) == 0) {
		struct lean_spawn s = spawn_of(p, p->scratch);
		if (lean_sandbox_probe_spawn(&s, &why) == 0) {
			p->stats.sandboxed = 1;
			if (cs_verbose) {
				char *d = lean_sandbox_describe(&s);
				info("sandbox: %s -- /bin/sh -c CS_LEAN_REPL", d);
				free(d);
			}
		}
	}
	if (!p->stats.sandboxed) {
		if (p->cfg.sandbox_explicit) {
			error("CS_LEAN_SANDBOX=bwrap, but the sandbox does not work here: %s",
			      why ? why : "no scratch directory");
			free(why);
			return -1;
		}
		warning("the Lean REPL runs without a sandbox: bwrap does not work here (%s); "
			"set CS_LEAN_SANDBOX=none to say that this is intended", why ? why : "?");
		free(p->bwrap);
		p->bwrap = NULL;
	}
	free(why);
	return 0;
}

struct lean_pool *lean_pool_new(const struct lean_pool_config *cfg)
{
	struct lean_pool *p;
	if (cfg->jobs < 1 || cfg->max_headers < 1 || cfg->max_uses < 1 || !(cfg->timeout > 0) ||
	    cfg->max_reply < 4096 || cfg->max_msg < 0 || cfg->memory_mb < 0) {
		error("internal error: a Lean pool configuration out of range (jobs %d, max_headers %d, "
		      "max_uses %ld, timeout %g, max_reply %zu): fill it with lean_pool_config_from_env",
		      cfg->jobs, cfg->max_headers, cfg->max_uses, cfg->timeout, cfg->max_reply);
		return NULL;
	}
	p = xcalloc(1, sizeof *p);
	p->cfg = *cfg;
	p->cfg.repl_cmd = xstrdup_or_null(cfg->repl_cmd);
	p->cfg.lean_dir = xstrdup_or_null(cfg->lean_dir);
	p->cfg.url = xstrdup_or_null(cfg->url);
	p->cfg.sandbox_bind = xstrdup_or_null(cfg->sandbox_bind);
	p->cfg.jobs_decision = xstrdup_or_null(cfg->jobs_decision);
	p->queue_tail = &p->queue;
	p->done_tail = &p->done;
	make_salt(p);
	if (p->cfg.url) {
		p->checker = xasprintf("the kimina-lean-server at %s", p->cfg.url);
		if (!(p->kimina = lean_kimina_new(p, &p->cfg)))
			goto fail;
		return p;
	}
	if (!p->cfg.repl_cmd) {
		error("no Lean checker: CS_LEAN_REPL is not set");
		goto fail;
	}
	{
		char *cmd = lean_excerpt(p->cfg.repl_cmd, 80);
		p->checker = xasprintf("the REPL (CS_LEAN_REPL=%s)", cmd);
		free(cmd);
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
		lean_toolchain_read(real, &p->toolchain);
	}
	/* RLIMIT_CPU is a backstop, not the timeout: CPU seconds of a long-lived REPL
	 * add up over its checks, so allow twice the wall-clock budget of all of them
	 * (Lean elaborates on several threads; a check is up to four commands) plus ten
	 * minutes for the import. The deadline of each command is what ends a slow check. */
	{
		double cpu = p->cfg.timeout * 2.0 * (double)(p->cfg.max_uses + 1) + 600.0;
		p->cpu_seconds = cpu > 1e8 ? 100000000L : (long)cpu;
	}
	if (p->cfg.sandbox && setup_sandbox(p))
		goto fail;
	p->nprocs = p->cfg.jobs;
	p->procs = xcalloc((size_t)p->nprocs, sizeof *p->procs);
	for (int i = 0; i < p->nprocs; i++) {
		p->procs[i].slot = i;
		p->procs[i].ch.in = p->procs[i].ch.out = p->procs[i].ch.err = p->procs[i].ch.life = -1;
		p->procs[i].env = p->procs[i].jenv = -1;
		lean_reply_release(&p->procs[i].body);
	}
	return p;
fail:
	lean_pool_config_release(&p->cfg);
	lean_toolchain_release(&p->toolchain);
	if (p->scratch) {
		lean_rm_tree(p->scratch);
		free(p->scratch);
	}
	free(p->checker);
	free(p->bwrap);
	free(p);
	return NULL;
}

/* ---- the audits ---- */

/* The statement's own declaration under a fresh name, to be elaborated in the header's
 * environment before the body: its type is what the theorem must prove. The binders
 * and conclusion are kept verbatim; `:=` goes on a line of its own so that a line
 * comment ending the conclusion cannot swallow it. */
static int make_expected(const struct lean_pool *p, struct lean_job *j, const char *statement)
{
	struct lean_theorem t;
	struct cs_sha256 h;
	char *why = NULL, hex[65], *b;
	size_t pe;
	if (lean_parse_theorem(statement, NULL, &t, &why)) {
		error("lean_pool_submit: the statement is not a theorem: %s", why);
		free(why);
		return -1;
	}
	cs_sha256_init(&h);
	cs_sha256_update(&h, p->salt, sizeof p->salt);
	cs_sha256_update(&h, statement, strlen(statement));
	cs_sha256_final_hex(&h, hex);
	j->expected_name = xasprintf("coldstart_expected_%.8s", hex);
	/* A statement that brings its own definitions (`def secret := 42` before the
	 * theorem: PutnamBench, Goedel-Pset) is elaborated with them, in the header's
	 * environment alone; the body (lean_graft_statement puts the problem's prelude
	 * first) then finds them there: its own copy is blanked, line breaks kept so
	 * that positions stay the body's. */
	b = lean_blank_prelude_repeats(j->body, statement, &pe);
	if (pe) {
		j->expected = xasprintf("%.*s%stheorem %s%s%s :\n    %s\n    := by\n  sorry", (int)pe, statement,
					statement[pe - 1] == '\n' ? "" : "\n", j->expected_name,
					*t.binders ? " " : "", t.binders, t.conclusion);
		free(j->body);
		j->body = b;
	} else {
		free(b);
		j->expected = xasprintf("theorem %s%s%s :\n    %s\n    := by\n  sorry", j->expected_name,
					*t.binders ? " " : "", t.binders, t.conclusion);
	}
	lean_theorem_release(&t);
	return 0;
}

/* ---- jobs ---- */

int lean_pool_submit(struct lean_pool *p, const struct lean_request *rq, void *udata)
{
	struct lean_job *j;
	const char *header = rq->header ? rq->header : "";
	const char *const texts[] = { header, rq->body, rq->theorem, rq->statement };
	if (!rq->body)
		return error("lean_pool_submit: no code to check");
	for (size_t i = 0; i < CS_ARRAY_SIZE(texts); i++)
		if (texts[i] && !cs_utf8_valid(texts[i], strlen(texts[i]), NULL))
			return error("lean_pool_submit: the code is not valid UTF-8");
	j = xcalloc(1, sizeof *j);
	j->header = xstrdup(header);
	j->body = xstrdup(rq->body);
	if (p->cfg.axioms && rq->theorem && *rq->theorem) {
		j->theorem = xstrdup(rq->theorem);
		if (rq->statement && make_expected(p, j, rq->statement)) {
			lean_job_free(j);
			return -1;
		}
	}
	j->udata = udata;
	j->seq = p->seq++;
	*p->queue_tail = j;
	p->queue_tail = &j->next;
	p->outstanding++;
	return 0;
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
	return p->kimina ? lean_kimina_capacity(p->kimina) : p->nprocs;
}

void lean_check_free(struct lean_check *c)
{
	if (!c)
		return;
	lean_reply_release(&c->reply);
	free(c->checker);
	free(c->server);
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
	pr->env = pr->jenv = -1;
	free(pr->jstmt);
	pr->jstmt = NULL;
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

static int proc_spawn(struct lean_pool *p, struct proc *pr, char **why);
static void proc_advance(struct lean_pool *p, struct proc *pr);

/* Give the slot of pr a fresh process and go on with j there (from its first command
 * the process lacks: the header, the statement, then the lost one). */
static void proc_rebind(struct lean_pool *p, struct proc *pr, struct lean_job *j)
{
	char *why = NULL;
	if (proc_spawn(p, pr, &why)) {
		char *msg = xasprintf("%s could not be started: %s", p->checker, why);
		free(why);
		lean_pool_finish(p, j, LEAN_ERROR, NULL, msg);
		return;
	}
	pr->job = j;
	pr->uses = 1;
	proc_advance(p, pr);
}

/* Is any check queued or running (so that a replacement started now will be used)? */
static int pool_busy(const struct lean_pool *p)
{
	if (p->queue)
		return 1;
	for (int i = 0; i < p->nprocs; i++)
		if (p->procs[i].job)
			return 1;
	return 0;
}

/* A slot whose process died or was retired: when work is about, start its replacement
 * now and import the header it held, so that the next check finds it warm. */
static void proc_replace(struct lean_pool *p, struct proc *pr, const char *key)
{
	char *why = NULL;
	if (!key || !pool_busy(p) || proc_spawn(p, pr, &why)) {
		free(why);
		return;
	}
	p->stats.prewarmed++;
	pr->key = xstrdup(key);
	pr->last_used = cs_now();
	proc_advance(p, pr); /* no job: the version query if needed, then the header */
}

/* Lean died or missed the deadline during one of j's own commands on pr's slot (kind:
 * LEAN_FAIL for a death, LEAN_TIMEOUT; reason: what happened, taken). The process is
 * gone. Go on with j on a fresh process of the same slot, or, once j has had its
 * tries, run the canary there first. */
static void code_fault(struct lean_pool *p, struct proc *pr, struct lean_job *j, enum lean_verdict kind,
		       enum phase ph, char *reason)
{
	char *all;
	if (j->fault_phase != (int)ph + 1) { /* another command: not the same fault */
		j->fault_phase = (int)ph + 1;
		j->code_crashes = j->code_timeouts = 0;
		free(j->code_why);
		j->code_why = NULL;
	}
	all = j->code_why ? xasprintf("%s; %s", j->code_why, reason) : xstrdup(reason);
	free(j->code_why);
	j->code_why = all;
	if (kind == LEAN_TIMEOUT)
		j->code_timeouts++;
	else
		j->code_crashes++;
	/* the checker's record on the other commands sets how many tries are enough */
	long others = p->stats.crashes + p->stats.timeouts - p->stats.blamed_faults - j->code_crashes -
		      j->code_timeouts;
	long sent = p->stats.commands - j->code_crashes - j->code_timeouts;
	int tries = lean_code_tries(LEAN_CODE_TRIES, others, sent);
	int ttries = lean_code_tries(LEAN_CODE_TIMEOUT_TRIES, others, sent);
	if (!tries || !ttries) {
		lean_pool_finish(p, j, LEAN_ERROR, NULL,
				 xasprintf("%s failed on the code (%s) while it also fails on %ld of %ld other "
					   "commands: too often to tell whose fault it is; the checker's", p->checker,
					   j->code_why, others, sent));
		free(reason);
		return;
	}
	if (j->code_timeouts < ttries && j->code_crashes + j->code_timeouts < tries) {
		info("%s; trying the check again on a fresh REPL (try %d of %d)", reason,
		     j->code_crashes + j->code_timeouts + 1, tries);
		free(reason);
		proc_rebind(p, pr, j);
		return;
	}
	free(reason);
	j->canary = 1;
	j->settle = j->code_timeouts >= LEAN_CODE_TIMEOUT_TRIES ? LEAN_TIMEOUT : LEAN_FAIL;
	p->stats.canaries++;
	info("Lean failed on the same code %d times; a canary (the header import and `%s`) on a fresh REPL "
	     "in slot %d decides whose fault it is", j->code_crashes + j->code_timeouts, LEAN_CANARY_CMD, pr->slot);
	proc_rebind(p, pr, j);
}

/* The canary of j failed (cause, taken): the checker's fault. */
static void canary_failed(struct lean_pool *p, struct lean_job *j, char *cause)
{
	p->stats.canary_failures++;
	lean_pool_finish(p, j, LEAN_ERROR, NULL,
			 xasprintf("%s failed a canary too (%s) after Lean failed on the code (%s): the checker's "
				   "fault, not the code's", p->checker, cause, j->code_why ? j->code_why : "?"));
	free(cause);
}

/* The process died (died: 1), or answered garbage or too much, or broke the protocol
 * (died: 0): kill it. A death during the code's own commands follows the code
 * (code_fault); anything else is the checker's: retried once on a fresh process of the
 * same slot, then ERROR naming the checker. */
static void proc_crash_as(struct lean_pool *p, struct proc *pr, const char *cause, int died)
{
	struct lean_job *j = pr->job;
	enum phase ph = pr->phase;
	char *status, *tail, *what, *why, *key = xstrdup_or_null(pr->key);
	drain_stderr(pr);
	tail = stderr_tail(pr);
	proc_kill(pr, &status);
	p->stats.crashes++;
	what = xasprintf("%s %s during the %s (%s%s)", p->checker, cause, phase_name[ph], status ? status : "?",
			 status && !strcmp(status, "exited with status 127")
				 ? ": the command was not found or could not be run" : "");
	why = xasprintf("%s%s%s", what, *tail ? "; its stderr ends: " : "", tail);
	pr->job = NULL;
	if (!j) {
		info("%s REPL in slot %d ended: %s", ph == PH_IDLE ? "idle" : "replacement", pr->slot, why);
		if (ph == PH_IDLE)
			proc_replace(p, pr, key);
		goto out;
	}
	if (j->canary) {
		canary_failed(p, j, why);
		why = NULL;
		goto out;
	}
	if (died && CODE_PHASE(ph)) {
		char *r = lean_death_reason(status ? status : "?", tail, p->cfg.memory_mb);
		info("%s", why);
		code_fault(p, pr, j, LEAN_FAIL, ph, xasprintf("%s during the %s", r, phase_name[ph]));
		free(r);
		goto out;
	}
	if (++j->attempts < LEAN_CHECKER_TRIES) {
		info("%s; retrying the check on a fresh REPL", why);
		if (!j->first_crash) {
			j->first_crash = what;
			what = NULL;
		}
		proc_rebind(p, pr, j);
		goto out;
	}
	lean_pool_finish(p, j, LEAN_ERROR, NULL,
			 xasprintf("%s; it had crashed %d time%s before, first: %s", why, j->attempts - 1,
				   j->attempts == 2 ? "" : "s", j->first_crash ? j->first_crash : "?"));
out:
	free(status);
	free(tail);
	free(what);
	free(why);
	free(key);
}

/* A broken protocol: the checker's fault wherever it happens. */
static void proc_crash(struct lean_pool *p, struct proc *pr, const char *cause)
{
	proc_crash_as(p, pr, cause, 0);
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
				proc_crash_as(p, pr, cause, 1);
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
	p->stats.commands++;
	proc_flush(p, pr);
}

static int blank(const char *s)
{
	return s[strspn(s, " \t\r\n")] == '\0';
}

/* Send the next command the process's job needs (no job: a replacement importing its
 * header in advance; then it goes idle). */
static void proc_advance(struct lean_pool *p, struct proc *pr)
{
	struct lean_job *j = pr->job;
	const char *header = j ? j->header : pr->key;
	if (!p->version_known && !pr->version_asked) {
		pr->version_asked = 1;
		proc_send(p, pr, PH_VERSION, LEAN_VERSION_CMD, -1);
		return;
	}
	if (!header) {
		pr->phase = PH_IDLE;
		return;
	}
	if (!pr->key || strcmp(pr->key, header) || !pr->warm) {
		char *h = xstrdup(header);
		free(pr->key);
		pr->key = h;
		pr->jenv = -1;
		if (blank(h)) {
			pr->warm = 1;
			pr->env = -1;
		} else {
			p->stats.imports++;
			proc_send(p, pr, PH_HEADER, h, -1);
			return;
		}
	}
	if (!j) {
		pr->phase = PH_IDLE;
		pr->last_used = cs_now();
		return;
	}
	if (j->canary) {
		proc_send(p, pr, PH_CANARY, LEAN_CANARY_CMD, pr->env);
		return;
	}
	if (j->expected && (pr->jenv < 0 || !pr->jstmt || strcmp(pr->jstmt, j->expected))) {
		proc_send(p, pr, PH_EXPECTED, j->expected, pr->env);
		return;
	}
	proc_send(p, pr, PH_BODY, j->body, j->expected ? pr->jenv : pr->env);
}

/* The process's job is over (finished or handed back): make it idle or retire it. */
static void proc_release(struct lean_pool *p, struct proc *pr)
{
	long rss_kb = 0;
	pr->job = NULL;
	pr->phase = PH_IDLE;
	pr->last_used = cs_now();
	if (pr->ch.pid <= 0)
		return;
	if (pr->uses >= p->cfg.max_uses) {
		char *key = xstrdup_or_null(pr->key);
		proc_kill(pr, NULL);
		p->stats.recycled++;
		proc_replace(p, pr, key);
		free(key);
	} else if (p->cfg.max_rss_mb > 0 && (rss_kb = lean_child_rss_kb(&pr->ch)) > p->cfg.max_rss_mb * 1024) {
		char *key = xstrdup_or_null(pr->key);
		info("REPL in slot %d holds %ld MiB (CS_LEAN_MAX_RSS=%ld): restarting it", pr->slot, rss_kb / 1024,
		     p->cfg.max_rss_mb);
		proc_kill(pr, NULL);
		p->stats.retired_memory++;
		proc_replace(p, pr, key);
		free(key);
	}
}

static void job_done(struct lean_pool *p, struct proc *pr, enum lean_verdict v, struct lean_reply *r,
		     char *why)
{
	struct lean_job *j = pr->job;
	pr->job = NULL; /* not busy: a replacement started by proc_release waits for no one */
	lean_pool_finish(p, j, v, r, why);
	proc_release(p, pr);
}

/* One handler per phase: the reply r to the command of that phase (the handler may
 * move it; the caller releases what is left). */
typedef void (*reply_fn)(struct lean_pool *p, struct proc *pr, struct lean_reply *r);

static void on_version(struct lean_pool *p, struct proc *pr, struct lean_reply *r)
{
	char *v = r->error ? NULL : lean_reply_info_string(r);
	(void)pr;
	lean_pool_set_version(p, v);
	free(v);
	proc_advance(p, pr);
}

static void on_header(struct lean_pool *p, struct proc *pr, struct lean_reply *r)
{
	char *why;
	enum lean_verdict v = lean_header_judge(p, r, &why);
	if (v != LEAN_PASS) {
		free(pr->key);
		pr->key = NULL;
		pr->warm = 0;
		if (!pr->job) { /* a replacement: the header passed before; let a check find out */
			free(why);
			proc_kill(pr, NULL);
			return;
		}
		if (pr->job->canary) { /* the canary's import failed where it passed before */
			struct lean_job *j = pr->job;
			pr->job = NULL;
			proc_kill(pr, NULL);
			canary_failed(p, j, xasprintf("header import: %s", why ? why : "?"));
			free(why);
			return;
		}
		job_done(p, pr, v, v == LEAN_FAIL ? r : NULL, why);
		return;
	}
	if (r->env < 0) {
		proc_crash(p, pr, "answered the header without an environment");
		return;
	}
	pr->env = r->env;
	pr->warm = 1;
	proc_advance(p, pr);
}

static void on_expected(struct lean_pool *p, struct proc *pr, struct lean_reply *r)
{
	if (lean_reply_verdict(r) == LEAN_FAIL) {
		pr->job->audited = 1;
		job_done(p, pr, LEAN_FAIL, NULL, lean_expected_why(pr->job, r));
		return;
	}
	if (r->env < 0) {
		proc_crash(p, pr, "answered the statement without an environment");
		return;
	}
	pr->jenv = r->env;
	free(pr->jstmt);
	pr->jstmt = xstrdup(pr->job->expected);
	proc_advance(p, pr);
}

/* The canary's known-good check: PASS shows the slot healthy, and the code's faults
 * are the code's. */
static void on_canary(struct lean_pool *p, struct proc *pr, struct lean_reply *r)
{
	struct lean_job *j = pr->job;
	if (lean_reply_verdict(r) != LEAN_PASS) {
		char *w = lean_reply_why(r);
		pr->job = NULL;
		proc_kill(pr, NULL);
		canary_failed(p, j, xasprintf("`%s` did not pass: %s", LEAN_CANARY_CMD, w ? w : "?"));
		free(w);
		return;
	}
	p->stats.code_faults++;
	p->stats.blamed_faults += j->code_crashes + j->code_timeouts;
	job_done(p, pr, j->settle,  NULL,
		 xasprintf("%s on the code %d time%s, each on a fresh REPL after the first, while a fresh REPL "
			   "in the same slot then passed a canary (the header import and `%s`): the code's fault: %s",
			   j->settle == LEAN_TIMEOUT ? "Lean missed the deadline" : "Lean died",
			   j->code_crashes + j->code_timeouts, j->code_crashes + j->code_timeouts == 1 ? "" : "s",
			   LEAN_CANARY_CMD, j->code_why ? j->code_why : "?"));
}

static void on_body(struct lean_pool *p, struct proc *pr, struct lean_reply *r)
{
	enum lean_verdict v = lean_reply_verdict(r);
	char *cmd;
	if (v != LEAN_PASS || !pr->job->theorem) {
		job_done(p, pr, v, r, lean_reply_why(r));
		return;
	}
	if (r->env < 0) {
		proc_crash(p, pr, "answered the check without an environment");
		return;
	}
	pr->body = *r;
	memset(r, 0, sizeof *r);
	cmd = lean_audit_cmd(pr->job);
	proc_send(p, pr, PH_AUDIT, cmd, pr->body.env);
	free(cmd);
}

static void on_audit(struct lean_pool *p, struct proc *pr, struct lean_reply *r)
{
	struct lean_reply body = pr->body;
	char *why = NULL;
	int bad = lean_audit_judge(p, pr->job, r, &why);
	memset(&pr->body, 0, sizeof pr->body);
	lean_reply_release(&pr->body);
	pr->job->audited = 1;
	job_done(p, pr, bad ? LEAN_FAIL : LEAN_PASS, &body, why);
	lean_reply_release(&body);
}

static const reply_fn on_phase[] = {
	[PH_VERSION] = on_version, [PH_HEADER] = on_header, [PH_EXPECTED] = on_expected,
	[PH_BODY] = on_body, [PH_AUDIT] = on_audit, [PH_CANARY] = on_canary,
};

static void on_reply(struct lean_pool *p, struct proc *pr, const char *buf, size_t len)
{
	struct lean_reply r;
	char *why = NULL;
	if (lean_reply_parse(buf, len, &r, &why)) {
		char *cause = xasprintf("answered what is not a reply (%s)", why);
		free(why);
		proc_crash(p, pr, cause);
		free(cause);
		return;
	}
	if (pr->phase == PH_IDLE || (!pr->job && pr->phase != PH_VERSION && pr->phase != PH_HEADER)) {
		lean_reply_release(&r);
		proc_crash(p, pr, "spoke unasked");
		return;
	}
	/* A command of ours refused ({"message": "Unknown environment."}, an exception):
	 * the protocol is broken, which says nothing about the code. The version query
	 * and the header judge their own refusals. */
	if (r.error && pr->phase != PH_VERSION && pr->phase != PH_HEADER) {
		char *e = lean_excerpt(r.error, 300);
		char *cause = xasprintf("refused our command (%s)", e);
		free(e);
		lean_reply_release(&r);
		proc_crash(p, pr, cause);
		free(cause);
		return;
	}
	on_phase[pr->phase](p, pr, &r);
	lean_reply_release(&r);
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
			proc_crash_as(p, pr, n == 0 ? "ended its output" : "could not be read from", 1);
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

/* A command missed its deadline: kill the process. TIMEOUT is a verdict on the code;
 * a REPL that does not answer the version query or finish the header's import in time
 * says nothing about the code (a wrong command, a timeout too short for the import):
 * ERROR. */
static void proc_timeout(struct lean_pool *p, struct proc *pr)
{
	struct lean_job *j = pr->job;
	enum phase ph = pr->phase;
	int infra = !CODE_PHASE(ph);
	char *why = infra ? xasprintf("%s gave no answer within %g s (CS_LEAN_TIMEOUT) during the %s and was "
				      "killed%s", p->checker, p->cfg.timeout, phase_name[ph],
				      ph == PH_HEADER ? " (importing a large header can take minutes)" : "")
			  : xasprintf("Lean exceeded %g s (CS_LEAN_TIMEOUT): no answer within %g s during the %s; "
				      "the REPL was killed", p->cfg.timeout, p->cfg.timeout, phase_name[ph]);
	proc_kill(pr, NULL);
	p->stats.timeouts++;
	pr->job = NULL;
	if (!j) {
		info("replacement REPL in slot %d: %s", pr->slot, why);
		free(why);
	} else if (j->canary) {
		canary_failed(p, j, why);
	} else if (infra) {
		lean_pool_finish(p, j, LEAN_ERROR, NULL, why);
	} else {
		code_fault(p, pr, j, LEAN_TIMEOUT, ph, why);
	}
}

static int proc_spawn(struct lean_pool *p, struct proc *pr, char **why)
{
	static int jobs_told; /* once per program, however many pools */
	struct lean_spawn s;
	char *dir = NULL;
	int rc;
	if (p->cfg.jobs_decision && !jobs_told) {
		jobs_told = 1;
		if (!cs_conf_on("CS_QUIET"))
			fprintf(stderr, "%s: %s\n", cs_progname, p->cfg.jobs_decision);
	}
	if (p->bwrap) {
		dir = xasprintf("%s/%d", p->scratch, pr->slot);
		if (mkdir(dir, 0700) && errno != EEXIST) {
			*why = xasprintf("cannot create %s: %s", dir, strerror(errno));
			free(dir);
			return -1;
		}
	}
	s = spawn_of(p, dir);
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
		char *msg = xasprintf("%s could not be started: %s", p->checker, why);
		free(why);
		lean_pool_finish(p, j, LEAN_ERROR, NULL, msg);
		return;
	}
	pr->job = j;
	pr->uses++;
	if (pr->phase == PH_IDLE)
		proc_advance(p, pr);
	/* else a replacement still importing this header: on_header goes on with j */
}

/* ---- scheduling ---- */

static int proc_idle(const struct proc *pr)
{
	return pr->ch.pid > 0 && !pr->job && pr->phase == PH_IDLE;
}

/* An idle process warm with header, or a replacement importing it; among them one
 * that holds j's statement elaborated, then the most recently used. */
static struct proc *find_warm(struct lean_pool *p, const struct lean_job *j)
{
	struct proc *best = NULL;
	int best_stmt = 0;
	for (int i = 0; i < p->nprocs; i++) {
		struct proc *pr = &p->procs[i];
		int ready = proc_idle(pr) && pr->warm, coming = pr->ch.pid > 0 && !pr->job && pr->phase == PH_HEADER;
		int stmt = j->expected && pr->jstmt && !strcmp(pr->jstmt, j->expected);
		if (!(ready || coming) || !pr->key || strcmp(pr->key, j->header))
			continue;
		if (!best || stmt > best_stmt || (stmt == best_stmt && pr->last_used > best->last_used)) {
			best = pr;
			best_stmt = stmt;
		}
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
		while ((j = p->queue) && lean_kimina_has_room(p->kimina)) {
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
			struct proc *pr = find_warm(p, j);
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
			if (pr->phase != PH_IDLE && pr->deadline - now < wait)
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
			if (pr->ch.pid > 0 && pr->phase != PH_IDLE && now >= pr->deadline)
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
		if (pr->phase != PH_IDLE) {
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
			lean_job_free(pr->job);
		proc_reset(pr);
		sbuf_release(&pr->wbuf);
	}
	free(p->procs);
	while ((j = p->queue)) {
		p->queue = j->next;
		lean_job_free(j);
	}
	while ((d = p->done)) {
		p->done = d->next;
		lean_check_free(d->c);
		free(d);
	}
	if (p->kimina)
		lean_kimina_free(p->kimina);
	if (p->scratch) {
		lean_rm_tree(p->scratch);
		free(p->scratch);
	}
	free(p->bwrap);
	free(p->version);
	free(p->checker);
	lean_toolchain_release(&p->toolchain);
	lean_pool_config_release(&p->cfg);
	free(p);
}

const struct lean_toolchain *lean_pool_toolchain(const struct lean_pool *p)
{
	return &p->toolchain;
}
