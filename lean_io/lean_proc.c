/* lean_proc.c: starting a REPL process and ending it without leftovers.
 *
 * pipeline ── keeper (fork, no exec; PR_SET_CHILD_SUBREAPER; ignores terminal signals)
 *               └── REPL group: /bin/sh -c "$CS_LEAN_REPL" [under bwrap, below], setpgid,
 *                   PR_SET_PDEATHSIG(SIGKILL), rlimits, every fd but 0-2 closed,
 *                   the environment without secrets (names with API_KEY, TOKEN, ...)
 *
 * The keeper waits on the lifeline, a pipe whose only write end the pipeline holds.
 * It reads EOF when the pipeline closes it (lean_child_hangup) or dies, even by
 * SIGKILL; it then kills the REPL's process group, reaps every descendant that was
 * orphaned onto it (lake's children, say) and exits. When the REPL exits on its own,
 * the keeper kills what is left of the group, reaps and exits with its status. */
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <fcntl.h>
#include <limits.h>
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

#include "conf.h"
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

/* ---- the sandbox ----
 *
 * bwrap starts from an empty root and shows only what is bound into it (SANDBOX.md):
 * the system's programs and libraries (/usr and the merged-/usr links or
 * directories /bin, /sbin, /lib*), the dynamic loader's files in /etc, the toolchain
 * of each command the REPL command runs, the paths it names, CS_LEAN_DIR with its
 * .lake, CS_LEAN_SANDBOX_BIND, all read-only; a private /tmp, the scratch directory
 * (writable), and an empty home. The root itself is then made read-only. */

struct args {
	char **v;
	size_t n, cap;
	char **dest;     /* read-only destinations bound so far, to skip what they cover */
	size_t ndest;
};

static void add_arg(struct args *a, const char *s)
{
	if (a->n + 2 > a->cap) {
		a->cap = a->cap ? 2 * a->cap : 64;
		a->v = xrealloc(a->v, a->cap * sizeof *a->v);
	}
	a->v[a->n++] = xstrdup(s);
	a->v[a->n] = NULL;
}

static void add3(struct args *a, const char *op, const char *x, const char *y)
{
	add_arg(a, op);
	add_arg(a, x);
	add_arg(a, y);
}

/* Is path dir itself or below it? */
static int under(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	if (n == 1 && dir[0] == '/')
		return 1;
	return !strncmp(path, dir, n) && (path[n] == '\0' || path[n] == '/');
}

/* Bind path read-only where it is named (the file found there: its real path). A
 * path that does not exist, or that an earlier bind covers, is skipped. */
static void bind_ro(struct args *a, const char *path)
{
	char *real;
	if (!path || path[0] != '/')
		return;
	for (size_t i = 0; i < a->ndest; i++)
		if (under(path, a->dest[i]))
			return;
	if (!(real = realpath(path, NULL)))
		return;
	if (strstr(path, "/./") || strstr(path, "/../") || strstr(path, "//"))
		path = real; /* not a place to create inside the sandbox */
	add3(a, "--ro-bind", real, path);
	a->dest = xrealloc(a->dest, (a->ndest + 1) * sizeof *a->dest);
	a->dest[a->ndest++] = xstrdup(path);
	free(real);
}

/* The directory part of path (malloc'd); "/" for "/x". */
static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash || slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

/* The elan home: $ELAN_HOME, else ~/.elan; real path, malloc'd, or NULL. */
static char *elan_home(void)
{
	const char *e = getenv("ELAN_HOME"), *home = getenv("HOME");
	char *path = e && *e ? xstrdup(e) : home && *home ? xasprintf("%s/.elan", home) : NULL;
	char *real = path ? realpath(path, NULL) : NULL;
	free(path);
	return real;
}

/* Bind the toolchain of program word (found on PATH, or a path relative to dir):
 * the elan home when its real file lies there (and say so in *elan), else the
 * parent of its directory (/opt/lean/bin/lean -> /opt/lean), or the directory
 * itself when that parent is / or holds the home directory. */
static void bind_toolchain(struct args *a, const char *word, const char *dir, char **elan)
{
	const char *home = getenv("HOME");
	char *found, *real, *bin, *root, *eh;
	if (strchr(word, '/'))
		found = word[0] == '/' || !dir ? xstrdup(word) : xasprintf("%s/%s", dir, word);
	else
		found = lean_which(word);
	real = found ? realpath(found, NULL) : NULL;
	free(found);
	if (!real)
		return;
	if ((eh = elan_home()) && under(real, eh)) {
		bind_ro(a, eh);
		if (!*elan)
			*elan = xstrdup(eh);
	} else {
		bin = dir_of(real);
		root = dir_of(bin);
		if (!strcmp(root, "/") || (home && home[0] == '/' && under(home, root)))
			bind_ro(a, bin);
		else
			bind_ro(a, root);
		free(bin);
		free(root);
	}
	free(eh);
	free(real);
}

/* The words of a shell command, split at blanks and quotes (a rough cut: enough to
 * find the program and the paths it names). NULL-terminated, malloc'd. */
static char **shell_words(const char *cmd, const char *seps)
{
	struct args w = { 0 };
	for (const char *p = cmd + strspn(cmd, seps); *p; p += strspn(p, seps)) {
		size_t n = strcspn(p, seps);
		char *word = xstrndup(p, n);
		add_arg(&w, word);
		free(word);
		p += n;
	}
	if (!w.v)
		w.v = xcalloc(1, sizeof *w.v);
	return w.v;
}

static void free_words(char **v)
{
	for (char **p = v; p && *p; p++)
		free(*p);
	free(v);
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* The programs the command runs: its first word (after VAR=value words and exec or
 * env), and for `lake env PROG`, lean and PROG (what lake env puts on PATH). */
static void bind_programs(struct args *a, const struct lean_spawn *s, char **elan)
{
	char **w = shell_words(s->cmd, " \t\n'\"");
	size_t i = 0;
	while (w[i] && (strchr(w[i], '=') || !strcmp(w[i], "exec") || !strcmp(w[i], "env")))
		i++;
	if (w[i]) {
		bind_toolchain(a, w[i], s->dir, elan);
		if (!strcmp(base_name(w[i]), "lake") && w[i + 1] && !strcmp(w[i + 1], "env")) {
			bind_toolchain(a, "lean", s->dir, elan);
			if (w[i + 2])
				bind_toolchain(a, w[i + 2], s->dir, elan);
		}
	}
	free_words(w);
}

/* Every path the command names (a word holding '/', relative ones from dir), at most 32. */
static void bind_named_paths(struct args *a, const struct lean_spawn *s)
{
	char **w = shell_words(s->cmd, " \t\n'\"=:;|&<>()");
	int max = 32;
	for (size_t i = 0; w[i] && max > 0; i++) {
		char *path;
		struct stat st;
		if (!strchr(w[i], '/') || !strcmp(w[i], "/")) /* `cd /` does not mean "show everything" */
			continue;
		path = w[i][0] == '/' ? xstrdup(w[i]) : s->dir ? xasprintf("%s/%s", s->dir, w[i]) : NULL;
		if (path && stat(path, &st) == 0) {
			char *real = realpath(path, NULL);
			/* relative ones at their real place: the path as named means nothing outside dir */
			bind_ro(a, w[i][0] == '/' ? path : real);
			free(real);
			max--;
		}
		free(path);
	}
	free_words(w);
}

/* CS_LEAN_DIR and its .lake (bound again when it is a link to elsewhere). */
static void bind_project(struct args *a, const char *dir)
{
	char *lake, *real;
	if (!dir)
		return;
	bind_ro(a, dir);
	lake = xasprintf("%s/.lake", dir);
	real = realpath(lake, NULL);
	if (real && !under(real, dir))
		bind_ro(a, real);
	free(real);
	free(lake);
}

static void bind_extra(struct args *a, const char *list)
{
	char **w = list ? shell_words(list, ":") : NULL;
	for (size_t i = 0; w && w[i]; i++)
		bind_ro(a, w[i]);
	free_words(w);
}

/* The system: /usr, the merged-/usr links (or directories) and the loader's /etc files. */
static void bind_system(struct args *a)
{
	static const char *const top[] = { "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32" };
	static const char *const etc[] = { "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d" };
	bind_ro(a, "/usr");
	for (size_t i = 0; i < CS_ARRAY_SIZE(top); i++) {
		struct stat st;
		char link[PATH_MAX];
		ssize_t n;
		if (lstat(top[i], &st))
			continue;
		if (S_ISLNK(st.st_mode) && (n = readlink(top[i], link, sizeof link - 1)) > 0) {
			link[n] = '\0';
			add3(a, "--symlink", link, top[i]);
		} else if (S_ISDIR(st.st_mode)) {
			bind_ro(a, top[i]);
		}
	}
	for (size_t i = 0; i < CS_ARRAY_SIZE(etc); i++)
		bind_ro(a, etc[i]);
}

static void sandbox_args(struct args *a, const struct lean_spawn *s)
{
	static const char *const fixed[] = { "--unshare-all", "--unshare-net", "--die-with-parent",
					     "--new-session", "--dev", "/dev", "--proc", "/proc",
					     "--tmpfs", "/tmp" };
	const char *home = getenv("HOME");
	/* a home inside the project or the system is shown as part of them */
	int own_home = home && home[0] == '/' && strcmp(home, "/") && !(s->dir && under(home, s->dir)) &&
		       !under(home, "/usr");
	char *elan = NULL;
	add_arg(a, s->bwrap);
	for (size_t i = 0; i < CS_ARRAY_SIZE(fixed); i++)
		add_arg(a, fixed[i]);
	if (own_home) { /* at its own path: empty but for what is bound below it; read-only */
		add_arg(a, "--tmpfs");
		add_arg(a, home);
	}
	bind_system(a);
	bind_programs(a, s, &elan);
	bind_project(a, s->dir);
	bind_named_paths(a, s);
	bind_extra(a, s->extra_binds);
	add3(a, "--bind", s->scratch, s->scratch);
	add3(a, "--setenv", "TMPDIR", s->scratch);
	add3(a, "--setenv", "HOME", own_home ? home : s->scratch);
	if (elan)
		add3(a, "--setenv", "ELAN_HOME", elan);
	add_arg(a, "--chdir");
	add_arg(a, s->dir ? s->dir : s->scratch);
	if (own_home) {
		add_arg(a, "--remount-ro");
		add_arg(a, home);
	}
	add_arg(a, "--remount-ro");
	add_arg(a, "/");
	add_arg(a, "--");
	free(elan);
	for (size_t i = 0; i < a->ndest; i++)
		free(a->dest[i]);
	free(a->dest);
	a->dest = NULL;
	a->ndest = 0;
}

char *lean_sandbox_describe(const struct lean_spawn *s)
{
	struct args a = { 0 };
	struct sbuf sb = SBUF_INIT;
	sandbox_args(&a, s);
	for (size_t i = 0; i < a.n; i++) {
		sbuf_adds(&sb, i ? " " : "");
		sbuf_adds(&sb, a.v[i]);
		free(a.v[i]);
	}
	free(a.v);
	return sbuf_detach(&sb);
}

/* argv of the REPL: [bwrap ... --] /bin/sh -c run. */
static char **build_argv(const struct lean_spawn *s, const char *run)
{
	struct args a = { 0 };
	if (s->bwrap)
		sandbox_args(&a, s);
	add_arg(&a, "/bin/sh");
	add_arg(&a, "-c");
	add_arg(&a, run);
	return a.v;
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

/* lean_child_spawn running run (by /bin/sh -c) in the sandbox s describes. */
static int spawn_run(const struct lean_spawn *s, const char *run, struct lean_child *c, char **why)
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
	argv = build_argv(s, run);
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

int lean_child_spawn(const struct lean_spawn *s, struct lean_child *c, char **why)
{
	return spawn_run(s, s->cmd, c, why);
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

/* VmRSS of process pid in KiB (/proc/PID/status), or 0. */
static long rss_kb(long pid)
{
	char path[64], line[256];
	long kb = 0;
	FILE *f;
	snprintf(path, sizeof path, "/proc/%ld/status", pid);
	if (!(f = fopen(path, "re")))
		return 0;
	while (fgets(line, sizeof line, f))
		if (!strncmp(line, "VmRSS:", 6)) {
			kb = strtol(line + 6, NULL, 10);
			break;
		}
	fclose(f);
	return kb;
}

/* Sum of VmRSS over the descendants of pid (each thread's children, from
 * /proc/PID/task/TID/children), depth-limited; pid itself not counted. */
static long tree_rss_kb(long pid, int depth)
{
	char path[64];
	long sum = 0;
	DIR *d;
	struct dirent *e;
	if (depth > 16)
		return 0;
	snprintf(path, sizeof path, "/proc/%ld/task", pid);
	if (!(d = opendir(path)))
		return 0;
	while ((e = readdir(d))) {
		char cpath[320];
		FILE *f;
		long child;
		if (e->d_name[0] == '.')
			continue;
		snprintf(cpath, sizeof cpath, "/proc/%ld/task/%s/children", pid, e->d_name);
		if (!(f = fopen(cpath, "re")))
			continue;
		while (fscanf(f, "%ld", &child) == 1)
			sum += rss_kb(child) + tree_rss_kb(child, depth + 1);
		fclose(f);
	}
	closedir(d);
	return sum;
}

long lean_child_rss_kb(const struct lean_child *c)
{
	/* The keeper is a fork of ours without exec: its pages are ours, not Lean's. */
	return c->pid > 0 ? tree_rss_kb((long)c->pid, 0) : 0;
}

char *lean_death_reason(const char *status, const char *tail, long memory_mb)
{
	int sig = 0;
	/* src/runtime/object.cpp lean_internal_panic_out_of_memory: "INTERNAL PANIC: out
	 * of memory", then exit(1); a C++ allocation that fails says std::bad_alloc. */
	if (tail && (strstr(tail, "out of memory") || strstr(tail, "bad_alloc"))) {
		if (memory_mb > 0)
			return xasprintf("Lean ran out of memory (CS_LEAN_MEMORY=%ld MiB, RLIMIT_AS; %s)", memory_mb,
					 status);
		return xasprintf("Lean ran out of memory (%s)", status);
	}
	/* src/runtime/stack_overflow.cpp: "Stack overflow detected. Aborting." */
	if (tail && strstr(tail, "Stack overflow"))
		return xasprintf("Lean overflowed its stack (%s)", status);
	if (sscanf(status, "killed by signal %d", &sig) == 1 && sig == SIGXCPU)
		return xasprintf("Lean exceeded its CPU time limit (RLIMIT_CPU; %s)", status);
	if (sig == SIGKILL)
		return xasprintf("Lean was %s (the kernel's out-of-memory killer, or RLIMIT_CPU's hard limit)",
				 status);
	return xasprintf("Lean %s", status);
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

int lean_sandbox_probe_spawn(const struct lean_spawn *s, char **why)
{
	struct lean_child c;
	struct sbuf err = SBUF_INIT;
	int status, rc = -1;
	*why = NULL;
	if (spawn_run(s, "exit 0", &c, why))
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
		*why = xasprintf("%s %s%s%s", s->bwrap, st, n ? ": " : "", msg);
		free(st);
		free(msg);
	}
out:
	sbuf_release(&err);
	return rc;
}

int lean_sandbox_probe(const char *bwrap, char **why)
{
	char scratch[] = "/tmp/cs-probe.XXXXXX";
	const char *tmp = getenv("TMPDIR");
	char *dir = NULL;
	struct lean_spawn s = { 0 };
	int rc;
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
	s.cmd = "exit 0";
	s.bwrap = bwrap;
	s.scratch = dir;
	rc = lean_sandbox_probe_spawn(&s, why);
	rmdir(dir);
	free(dir);
	return rc;
}

int lean_sandbox_from_env(int *sandbox, int *explicit_)
{
	*sandbox = *explicit_ = 0;
	switch (cs_conf_choice("CS_LEAN_SANDBOX")) { /* auto|bwrap|none */
	case 0: {
		char *b = lean_which("bwrap");
		*sandbox = b != NULL;
		free(b);
		break;
	}
	case 1:
		*sandbox = *explicit_ = 1;
		break;
	}
	return 0;
}

char *lean_make_dir(const char *parent, const char *prefix)
{
	char *dir = xasprintf("%s/%s.XXXXXX", parent, prefix), *real;
	if (!mkdtemp(dir)) {
		free(dir);
		return NULL;
	}
	if ((real = realpath(dir, NULL))) {
		free(dir);
		dir = real;
	}
	return dir;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

void lean_rm_tree(const char *dir)
{
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}
