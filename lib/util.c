#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/ioctl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "cs.h"
#include "version.h" /* CS_VERSION, written by the Makefile */

const char *cs_progname = "coldstart";
int cs_verbose;

static void check_stdout(void)
{
	/* A failed write must not pass silently: flush and look at the error flag. */
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (errno == EPIPE)
			_exit(CS_OK);
		fprintf(stderr, "%s: write to standard output failed: %s\n",
			cs_progname, strerror(errno ? errno : EIO));
		_exit(CS_EIO);
	}
}

/* Under `coldstart run` (which exports CS_DRIVER_PID), a stage ends with the process
 * that started it: a driver killed by SIGKILL must not leave a pass running on without
 * it (holding the run lock, writing the corpus). Not for programs run by hand: a
 * `nohup cs-prove &` must survive its shell. */
static void end_with_parent(void)
{
	const char *s = getenv("CS_DRIVER_PID");
	char *end;
	long pid;
	if (!s || !*s)
		return;
	pid = strtol(s, &end, 10);
	if (*end || pid <= 1)
		return;
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (kill((pid_t)pid, 0) && errno == ESRCH) /* it died before prctl */
		raise(SIGTERM);
}

int cs_driver_gone(void)
{
	const char *s = getenv("CS_DRIVER_PID");
	char *end;
	long pid;
	if (!s || !*s)
		return 0;
	pid = strtol(s, &end, 10);
	return !*end && pid > 1 && kill((pid_t)pid, 0) && errno == ESRCH;
}

void cs_init(const char *argv0)
{
	const char *slash = argv0 ? strrchr(argv0, '/') : NULL;
	if (argv0)
		cs_progname = slash ? slash + 1 : argv0;
	signal(SIGPIPE, SIG_DFL);
	atexit(check_stdout);
	end_with_parent();
	if (getenv("CS_VERBOSE") && *getenv("CS_VERBOSE") && strcmp(getenv("CS_VERBOSE"), "0"))
		cs_verbose = 1;
}

/* The last error() or die() message (a stopped run records it as its cause) and
 * the live line now on the terminal (messages clear it first and draw it again). */
static char last_error[4096];
static char *live;

static void vreport(const char *prefix, const char *fmt, va_list ap)
{
	char msg[4096];
	vsnprintf(msg, sizeof msg, fmt, ap);
	if (!*prefix)
		snprintf(last_error, sizeof last_error, "%s", msg);
	if (live)
		fputs("\r\033[K", stderr);
	fprintf(stderr, "%s: %s%s\n", cs_progname, prefix, msg);
	if (live)
		fputs(live, stderr);
}

const char *cs_last_error(void)
{
	return *last_error ? last_error : NULL;
}

void cs_live_line(const char *text)
{
	struct winsize ws;
	fputs("\r\033[K", stderr);
	free(live);
	live = NULL;
	if (text) {
		/* one row of the terminal: a line that wraps could not be drawn over */
		size_t cols = ioctl(2, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1 ? ws.ws_col - 1u : 79, n = 0;
		const char *p = text;
		for (; *p; p++)
			if (((unsigned char)*p & 0xc0) != 0x80 && n++ == cols)
				break;
		live = xstrndup(text, (size_t)(p - text));
		fputs(live, stderr);
	}
	fflush(stderr);
}

void die(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport("", fmt, ap);
	va_end(ap);
	exit(code);
}

int error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport("", fmt, ap);
	va_end(ap);
	return -1;
}

void warning(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport("warning: ", fmt, ap);
	va_end(ap);
}

void info(const char *fmt, ...)
{
	va_list ap;
	if (!cs_verbose)
		return;
	va_start(ap, fmt);
	vreport("", fmt, ap);
	va_end(ap);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		die(CS_EIO, "out of memory (%zu bytes)", n);
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		die(CS_EIO, "out of memory (%zu x %zu bytes)", n, size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die(CS_EIO, "out of memory (%zu bytes)", n);
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xstrdup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

void cs_set_str(char **slot, char *owned)
{
	free(*slot);
	*slot = owned;
}

void *cs_grow(void *v, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return v;
	if (*cap > ((size_t)-1 / 2) / (size ? size : 1))
		die(CS_EIO, "out of memory (an array of %zu elements)", *cap);
	*cap = *cap ? 2 * *cap : 16;
	return xrealloc(v, *cap * size);
}

const char *cs_env(const char *name, const char *def)
{
	const char *v = getenv(name);
	return v && *v ? v : def;
}

double cs_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void cs_utc_iso(char out[32])
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int cs_utf8_valid(const char *s, size_t len, size_t *bad)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < len) {
		unsigned c = p[i];
		size_t n, k;
		unsigned cp;
		if (c == 0)
			goto fail;
		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			n = 1, cp = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			n = 2, cp = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			n = 3, cp = c & 0x07;
		} else {
			goto fail;
		}
		if (i + n >= len)
			goto fail;
		for (k = 1; k <= n; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				goto fail;
			cp = (cp << 6) | (p[i + k] & 0x3f);
		}
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			goto fail;
		i += n + 1;
	}
	return 1;
fail:
	if (bad)
		*bad = i;
	return 0;
}

void cs_usage(const char *text, int code)
{
	FILE *fp = code == CS_OK ? stdout : stderr;
	fprintf(fp, "usage: %s %s", cs_progname, text);
	exit(code);
}

const char *cs_version(void)
{
	return CS_VERSION;
}

void cs_print_version(void)
{
	printf("%s (coldstart) %s\n", cs_progname, CS_VERSION);
	exit(CS_OK);
}

long cs_arg_long(const char *arg, long min, long max, const char *usage)
{
	char *end;
	long n;
	errno = 0;
	n = strtol(arg, &end, 10);
	if (errno || end == arg || *end || n < min || n > max)
		cs_usage(usage, CS_EUSAGE);
	return n;
}

const char *cs_arg_file(int argc, char **argv, const char *usage)
{
	if (argc - optind > 1)
		cs_usage(usage, CS_EUSAGE);
	return optind < argc ? argv[optind] : "-";
}

int cs_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "--help"))
			return 1;
		if (!strcmp(argv[i], "--version"))
			cs_print_version();
	}
	return 0;
}
