/* lean_proc.c: starting a REPL process and ending it without leftovers.
 *
 * pipeline ── keeper (fork, no exec; PR_SET_CHILD_SUBREAPER; ignores terminal signals)
 *               └── REPL group: /bin/sh -c "$CS_LEAN_REPL" [under bwrap], setpgid,
 *                   PR_SET_PDEATHSIG(SIGKILL), rlimits, every fd but 0-2 closed,
 *                   the environment without secrets (names with API_KEY, TOKEN, ...)
 *
 * The keeper waits on the lifeline, a pipe whose only write end the pipeline holds.
 * It reads EOF when the pipeline closes it (lean_child_hangup) or dies, even by
 * SIGKILL; it then kills the REPL's process group, reaps every descendant that was
 * orphaned onto it (lake's children, say) and exits. When the REPL exits on its own,
 * the keeper kills what is left of the group, reaps and exits with its status. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cs.h"
#include "lean_internal.h"

#define FSIZE_LIMIT (1024L * 1024 * 1024) /* RLIMIT_FSIZE of a REPL: 1 GiB */
#define REAP_TRIES 100                   /* keeper: 100 x 20 ms for killed descendants */

/* A pipe whose ends are CLOEXEC and above 2, so that dup2 onto 0-2 never clobbers them. */
static int pipe_hi(int fd[2])
{
	if (pipe2(fd, O_CLOEXEC))
		return -1;
	for (int i = 0; i < 2; i++) {
		if (fd[i] < 3) {
			int n = fcntl(fd[i], F_DUPFD_CLOEXEC, 3);
			if (n < 0) {
				int e = errno;
				close(fd[0]);
				close(fd[1]);
				errno = e;
				return -1;
			}
			close(fd[i]);
			fd[i] = n;
		}
	}
	return 0;
}

static void close_from(int lo)
{
#ifdef SYS_close_range
	if (syscall(SYS_close_range, (unsigned)lo, ~0U, 0) == 0)
		return;
#endif
	long max = sysconf(_SC_OPEN_MAX);
	if (max < 0 || max > 65536)
		max = 65536;
	for (int fd = lo; fd < max; fd++)
		close(fd);
}

static void set_limit(int res, rlim_t soft, rlim_t hard)
{
	struct rlimit rl;
	if (getrlimit(res, &rl))
		return;
	if (rl.rlim_max != RLIM_INFINITY && hard > rl.rlim_max)
		hard = rl.rlim_max;
	if (soft > hard)
		soft = hard;
	rl.rlim_cur = soft;
	rl.rlim_max = hard;
	setrlimit(res, &rl);
}

/* In the REPL child, between fork and exec: only async-signal-safe calls. */
static void repl_exec(const struct lean_spawn *s, char *const argv[], char *const envp[], const int in[2],
		      const int out[2], const int err[2], pid_t keeper)
{
	static const int sigs[] = { SIGPIPE, SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGCHLD, SIGTTOU, SIGTTIN };
	sigset_t none;
	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != keeper) /* the keeper is gone already */
		_exit(127);
	if (dup2(in[0], 0) < 0 || dup2(out[1], 1) < 0 || dup2(err[1], 2) < 0)
		_exit(127);
	close_from(3);
	for (size_t i = 0; i < CS_ARRAY_SIZE(sigs); i++)
		signal(sigs[i], SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	set_limit(RLIMIT_CORE, 0, 0);
	set_limit(RLIMIT_FSIZE, FSIZE_LIMIT, FSIZE_LIMIT);
	if (s->memory_mb > 0)
		set_limit(RLIMIT_AS, (rlim_t)s->memory_mb << 20, (rlim_t)s->memory_mb << 20);
	if (s->cpu_seconds > 0)
		set_limit(RLIMIT_CPU, (rlim_t)s->cpu_seconds, (rlim_t)s->cpu_seconds + 30);
	if (s->dir && chdir(s->dir)) {
		dprintf(2, "%s: cannot enter %s: %s\n", cs_progname, s->dir, strerror(errno));
		_exit(127);
	}
	execve(argv[0], argv, envp);
	dprintf(2, "%s: cannot run %s: %s\n", cs_progname, argv[0], strerror(errno));
	_exit(127);
}

static void keeper_main(int life, pid_t repl) CS_NORETURN;
static void keeper_main(int life, pid_t repl)
{
	int status = 0, exited = 0, pidfd = -1;
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	if (dup2(life, 0) < 0) {
		kill(-repl, SIGKILL);
		_exit(127);
	}
	close_from(1);
#ifdef SYS_pidfd_open
	pidfd = (int)syscall(SYS_pidfd_open, repl, 0);
#endif
	for (;;) {
		struct pollfd pf[2] = { { 0, POLLIN, 0 }, { pidfd, POLLIN, 0 } };
		int n = poll(pf, pidfd >= 0 ? 2 : 1, pidfd >= 0 ? -1 : 100);
		if (n < 0 && errno != EINTR)
			break;
		if (waitpid(repl, &status, WNOHANG) == repl) {
			exited = 1;
			break;
		}
		if (n > 0 && pf[0].revents)
			break; /* lifeline: EOF (the pipeline hung up or died) */
	}
	kill(-repl, SIGKILL);
	for (int i = 0; i < REAP_TRIES; i++) {
		pid_t w;
		int st;
		struct timespec ts = { 0, 20 * 1000 * 1000 };
		while ((w = waitpid(-1, &st, WNOHANG)) > 0)
			if (w == repl) {
				status = st;
				exited = 1;
			}
		if (w < 0 && errno == ECHILD)
			break;
		kill(-repl, SIGKILL);
		nanosleep(&ts, NULL);
	}
	if (!exited)
		_exit(128 + SIGKILL);
	if (WIFSIGNALED(status))
		_exit(128 + WTERMSIG(status));
	_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 127);
}

static void close_pair(int fd[2])
{
	if (fd[0] >= 0)
		close(fd[0]);
	if (fd[1] >= 0)
		close(fd[1]);
}

/* The sandbox's private /tmp hides whatever the command names under /tmp (a REPL
 * built there, the test doubles of a checkout there): bind the directories of such
 * absolute paths back, read-only, at most max of them. Returns the new argc. */
static int bind_tmp_words(const char *cmd, char **argv, int n, int max)
{
	const char *p = cmd;
	while (*p && max > 0) {
		size_t len = strcspn(p, " \t\n'\"");
		struct stat st;
		if (len > 5 && !strncmp(p, "/tmp/", 5)) {
			char *path = xstrndup(p, len), *slash;
			if (stat(path, &st) == 0) {
				if (!S_ISDIR(st.st_mode) && (slash = strrchr(path, '/')) && slash > path + 4)
					*slash = 0;
				argv[n++] = xstrdup("--ro-bind");
				argv[n++] = xstrdup(path);
				argv[n++] = path;
				max--;
			} else {
				free(path);
			}
		}
		p += len;
		p += strspn(p, " \t\n'\"");
	}
	return n;
}

static char **build_argv(const struct lean_spawn *s)
{
	char **argv = xcalloc(64, sizeof *argv);
	int n = 0;
	if (s->bwrap) {
		const char *chdir_to = s->dir ? s->dir : s->scratch;
		argv[n++] = xstrdup(s->bwrap);
		const char *fixed[] = { "--unshare-all", "--unshare-net", "--die-with-parent", "--new-session",
					"--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
					"--tmpfs", "/tmp" };
		for (size_t i = 0; i < CS_ARRAY_SIZE(fixed); i++)
			argv[n++] = xstrdup(fixed[i]);
		if (s->dir) { /* visible again if it lies under /tmp */
			argv[n++] = xstrdup("--ro-bind");
			argv[n++] = xstrdup(s->dir);
			argv[n++] = xstrdup(s->dir);
		}
		n = bind_tmp_words(s->cmd, argv, n, 8);
		argv[n++] = xstrdup("--bind");
		argv[n++] = xstrdup(s->scratch);
		argv[n++] = xstrdup(s->scratch);
		argv[n++] = xstrdup("--setenv");
		argv[n++] = xstrdup("TMPDIR");
		argv[n++] = xstrdup(s->scratch);
		argv[n++] = xstrdup("--chdir");
		argv[n++] = xstrdup(chdir_to);
		argv[n++] = xstrdup("--");
	}
	argv[n++] = xstrdup("/bin/sh");
	argv[n++] = xstrdup("-c");
	argv[n++] = xstrdup(s->cmd);
	argv[n] = NULL;
	return argv;
}

/* The environment of the REPL: ours without secrets (names holding API_KEY, TOKEN,
 * SECRET or PASSWORD), which code run by the REPL could print into a record. */
static char **build_envp(void)
{
	static const char *const secret[] = { "API_KEY", "TOKEN", "SECRET", "PASSWORD" };
	size_t n = 0, k = 0;
	char **envp;
	while (environ[n])
		n++;
	envp = xcalloc(n + 1, sizeof *envp);
	for (size_t i = 0; i < n; i++) {
		size_t len = strcspn(environ[i], "=");
		char *name = xstrndup(environ[i], len);
		int drop = 0;
		for (size_t j = 0; j < CS_ARRAY_SIZE(secret) && !drop; j++)
			drop = strcasestr(name, secret[j]) != NULL;
		free(name);
		if (!drop)
			envp[k++] = xstrdup(environ[i]);
	}
	return envp;
}

static void free_argv(char **argv)
{
	for (char **a = argv; *a; a++)
		free(*a);
	free(argv);
}

int lean_child_spawn(const struct lean_spawn *s, struct lean_child *c, char **why)
{
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, err[2] = { -1, -1 }, life[2] = { -1, -1 };
	char **argv, **envp;
	pid_t k;
	memset(c, 0, sizeof *c);
	c->in = c->out = c->err = c->life = -1;
	*why = NULL;
	if (pipe_hi(in) || pipe_hi(out) || pipe_hi(err) || pipe_hi(life)) {
		*why = xasprintf("pipe: %s", strerror(errno));
		goto fail;
	}
	argv = build_argv(s);
	envp = build_envp();
	k = fork();
	if (k < 0) {
		*why = xasprintf("fork: %s", strerror(errno));
		free_argv(argv);
		free_argv(envp);
		goto fail;
	}
	if (k == 0) {
		pid_t self = getpid(), r;
		prctl(PR_SET_CHILD_SUBREAPER, 1);
		r = fork();
		if (r == 0)
			repl_exec(s, argv, envp, in, out, err, self);
		if (r < 0)
			_exit(127);
		setpgid(r, r); /* as the child does: whichever runs first */
		keeper_main(life[0], r);
	}
	free_argv(argv);
	free_argv(envp);
	close(in[0]);
	close(out[1]);
	close(err[1]);
	close(life[0]);
	c->pid = k;
	c->in = in[1];
	c->out = out[0];
	c->err = err[0];
	c->life = life[1];
	fcntl(c->in, F_SETFL, fcntl(c->in, F_GETFL) | O_NONBLOCK);
	fcntl(c->out, F_SETFL, fcntl(c->out, F_GETFL) | O_NONBLOCK);
	fcntl(c->err, F_SETFL, fcntl(c->err, F_GETFL) | O_NONBLOCK);
	return 0;
fail:
	close_pair(in);
	close_pair(out);
	close_pair(err);
	close_pair(life);
	return -1;
}

void lean_child_hangup(struct lean_child *c)
{
	int *fds[] = { &c->life, &c->in, &c->out, &c->err };
	for (size_t i = 0; i < CS_ARRAY_SIZE(fds); i++)
		if (*fds[i] >= 0) {
			close(*fds[i]);
			*fds[i] = -1;
		}
}

int lean_child_end(struct lean_child *c)
{
	int status = -1;
	lean_child_hangup(c);
	if (c->pid > 0) {
		while (waitpid(c->pid, &status, 0) < 0 && errno == EINTR)
			;
		c->pid = 0;
	}
	return status;
}

char *lean_child_status(int status)
{
	int code;
	if (status < 0)
		return xstrdup("not started");
	if (!WIFEXITED(status))
		return xasprintf("its keeper was killed by signal %d", WTERMSIG(status));
	code = WEXITSTATUS(status);
	if (code > 128 && code < 128 + 65)
		return xasprintf("killed by signal %d (%s)", code - 128, strsignal(code - 128));
	return xasprintf("exited with status %d", code);
}

char *lean_which(const char *prog)
{
	const char *path = getenv("PATH"), *p;
	if (strchr(prog, '/'))
		return access(prog, X_OK) == 0 ? xstrdup(prog) : NULL;
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path;;) {
		size_t n = strcspn(p, ":");
		char *cand = n ? xasprintf("%.*s/%s", (int)n, p, prog) : xasprintf("./%s", prog);
		struct stat st;
		if (stat(cand, &st) == 0 && S_ISREG(st.st_mode) && access(cand, X_OK) == 0)
			return cand;
		free(cand);
		if (!p[n])
			return NULL;
		p += n + 1;
	}
}

int lean_sandbox_probe(const char *bwrap, char **why)
{
	char scratch[] = "/tmp/cs-probe.XXXXXX";
	const char *tmp = getenv("TMPDIR");
	char *dir = NULL;
	struct lean_spawn s = { "exit 0", NULL, bwrap, NULL, 0, 0 };
	struct lean_child c;
	struct sbuf err = SBUF_INIT;
	int status, rc = -1;
	*why = NULL;
	if (tmp && *tmp) {
		dir = xasprintf("%s/cs-probe.XXXXXX", tmp);
		if (!mkdtemp(dir)) {
			free(dir);
			dir = NULL;
		}
	}
	if (!dir) {
		if (!mkdtemp(scratch)) {
			*why = xasprintf("mkdtemp: %s", strerror(errno));
			return -1;
		}
		dir = xstrdup(scratch);
	}
	s.scratch = dir;
	if (lean_child_spawn(&s, &c, why))
		goto out;
	close(c.in);
	c.in = -1;
	/* Read stderr to EOF: bwrap and its children hold it until they exit. */
	fcntl(c.err, F_SETFL, fcntl(c.err, F_GETFL) & ~O_NONBLOCK);
	for (;;) {
		char buf[1024];
		ssize_t n = read(c.err, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (err.len < 4096)
			sbuf_add(&err, buf, (size_t)n);
	}
	/* The REPL has exited: its keeper exits without a hangup. */
	while (waitpid(c.pid, &status, 0) < 0 && errno == EINTR)
		;
	c.pid = 0;
	lean_child_end(&c);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		rc = 0;
	} else {
		char *st = lean_child_status(status);
		size_t n = err.len;
		while (n > 0 && strchr("\n\r ", err.buf[n - 1]))
			n--;
		char *msg = lean_utf8_clean(sbuf_str(&err), n);
		*why = xasprintf("%s %s%s%s", bwrap, st, n ? ": " : "", msg);
		free(st);
		free(msg);
	}
out:
	sbuf_release(&err);
	rmdir(dir);
	free(dir);
	return rc;
}
