/* cs.h: what every coldstart program shares: exit codes, diagnostics,
 * allocation that dies on failure, growable buffers, hashing, configuration
 * from the environment, clocks. */
#ifndef CS_H
#define CS_H

#include <stddef.h>
#include <stdio.h>
#include <stdarg.h>

/* The one exit-code table of every coldstart program (README "Exit codes"). */
enum cs_exit {
	CS_OK = 0,       /* everything done */
	CS_EPARTIAL = 1, /* some records failed; the rest were processed */
	CS_EUSAGE = 2,   /* bad command line */
	CS_ECONFIG = 3,  /* environment or configuration unusable (missing endpoint, bad CS_* value, corpus too new) */
	CS_EIO = 4,      /* fatal I/O: corpus unwritable, disk full, write to stdout failed */
	CS_EPAYMENT = 5, /* an endpoint refused for lack of balance (HTTP 402): the run stops */
};

/* What one record of a record loop came to (jsonl_next, db_store, db_export). */
enum cs_outcome {
	CS_DONE = 0,       /* handled */
	CS_BAD_RECORD = 1, /* refused with a reason naming it; the loop goes on */
	CS_STOP = 2,       /* a fault that stops the loop (read error, database error) */
	CS_END = 3,        /* no record left */
};

#ifdef __GNUC__
#define CS_NORETURN __attribute__((noreturn))
#define CS_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define CS_NORETURN
#define CS_PRINTF(a, b)
#endif

/* Program name used as prefix of every diagnostic; set by cs_init. */
extern const char *cs_progname;

/* Set the program name from argv[0], restore default SIGPIPE (a closed pipe
 * ends the program quietly) and register the stdout check run at exit:
 * a failed write or flush of stdout makes the program exit CS_EIO. With
 * CS_DRIVER_PID set (by `coldstart run`), the program gets SIGTERM when its
 * parent dies (PR_SET_PDEATHSIG), and at once if that driver is gone already. */
void cs_init(const char *argv0);
/* Has the driver of CS_DRIVER_PID ended? (A stage whose parent is not the driver
 * itself, a subshell of it, asks this in its event loop.) 0 when not under one. */
int cs_driver_gone(void);

/* Print "prog: message" on stderr and exit with code. */
void die(int code, const char *fmt, ...) CS_PRINTF(2, 3) CS_NORETURN;
/* Print "prog: message" on stderr; returns -1 so callers can `return error(...)`. */
int error(const char *fmt, ...) CS_PRINTF(1, 2);
/* Print "prog: warning: message" on stderr. */
void warning(const char *fmt, ...) CS_PRINTF(1, 2);
/* The last message of error() or die() (no program name), or NULL: a run that stops
 * records it as its cause. Static storage. */
const char *cs_last_error(void);
/* Show text as the terminal's live line (no newline; replaces the one shown), NULL
 * to erase it. While one is shown, every message erases it first and draws it again
 * after, so the two never share a line. */
void cs_live_line(const char *text);
/* Print "prog: message" only when CS_VERBOSE is set or cs_verbose > 0. */
void info(const char *fmt, ...) CS_PRINTF(1, 2);
extern int cs_verbose;

/* Allocation that dies with CS_EIO on exhaustion; results are the caller's to free. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* xstrdup(s), or NULL for NULL. */
char *xstrdup_or_null(const char *s);
/* Free *slot and keep owned (taken; may be NULL) there instead. */
void cs_set_str(char **slot, char *owned);
/* The array v of elements of size bytes, holding n of *cap, with room for one more:
 * grown (doubled, from 16) when n == *cap. v may be NULL when *cap is 0. */
void *cs_grow(void *v, size_t *cap, size_t n, size_t size);
/* Formatted string in fresh memory, caller frees. */
char *xasprintf(const char *fmt, ...) CS_PRINTF(1, 2);

/* Growable byte buffer, always NUL-terminated. The buffer owns buf;
 * sbuf_detach hands it to the caller and leaves the sbuf empty. */
struct sbuf {
	char *buf;
	size_t len, cap;
};
#define SBUF_INIT { NULL, 0, 0 }
void sbuf_grow(struct sbuf *sb, size_t extra);
void sbuf_add(struct sbuf *sb, const void *data, size_t len);
void sbuf_adds(struct sbuf *sb, const char *s);
void sbuf_addch(struct sbuf *sb, int c);
void sbuf_addf(struct sbuf *sb, const char *fmt, ...) CS_PRINTF(2, 3);
void sbuf_vaddf(struct sbuf *sb, const char *fmt, va_list ap);
void sbuf_reset(struct sbuf *sb);            /* len = 0, memory kept */
void sbuf_release(struct sbuf *sb);          /* frees memory */
char *sbuf_detach(struct sbuf *sb);          /* caller owns result; never NULL */
const char *sbuf_str(const struct sbuf *sb); /* "" when empty; owned by sb */

/* The whole file at path, NUL-terminated, malloc'd (its length in *len when len is
 * not NULL), or NULL with errno set when it cannot be opened or read. */
char *cs_read_file(const char *path, size_t *len);

/* Take the run lock of corpus db (flock on db.lock; CS_LOCK_FD: the driver's,
 * inherited). The descriptor (held until exit), or -1 after printing why with
 * *code CS_ECONFIG (another run holds it) or CS_EIO. */
int cs_lock_corpus(const char *db, int *code);

/* SHA-256 of data as 64 lowercase hex digits plus NUL in out. */
void cs_sha256_hex(const void *data, size_t len, char out[65]);
struct cs_sha256 {
	unsigned int h[8];
	unsigned char buf[64];
	unsigned long long total;
	size_t fill;
};
void cs_sha256_init(struct cs_sha256 *c);
void cs_sha256_update(struct cs_sha256 *c, const void *data, size_t len);
void cs_sha256_final_hex(struct cs_sha256 *c, char out[65]);

/* The value of environment variable name, or def when unset or empty (the string
 * belongs to the environment or to the caller). Settings are read through conf.h. */
const char *cs_env(const char *name, const char *def);

/* Monotonic clock in seconds. */
double cs_now(void);
/* Wall clock as ISO-8601 UTC "YYYY-MM-DDTHH:MM:SSZ" into out. */
void cs_utc_iso(char out[32]);

/* Is s (len bytes) valid UTF-8 without NUL bytes? On failure *bad (if not NULL)
 * receives the offset of the first offending byte. */
int cs_utf8_valid(const char *s, size_t len, size_t *bad);

/* Print "prog: usage text" and exit: CS_OK to stdout for -h, CS_EUSAGE to stderr otherwise. */
void cs_usage(const char *text, int code) CS_NORETURN;
/* An option's number within [min, max], or the usage and exit CS_EUSAGE. */
long cs_arg_long(const char *arg, long min, long max, const char *usage);
/* After getopt: the one optional FILE operand, "-" (stdin) without one; more than one
 * is the usage and exit CS_EUSAGE. */
const char *cs_arg_file(int argc, char **argv, const char *usage);
/* The standard long options every program takes, before its getopt loop: true if
 * argv holds "--help" (programs also take -h via getopt); "--version" prints
 * "PROG (coldstart) VERSION" on stdout and exits CS_OK. */
int cs_wants_help(int argc, char **argv);
/* The version of this coldstart (CS_VERSION, set by the Makefile: `git describe
 * --always --dirty` in a git checkout, else the file VERSION). Static. */
const char *cs_version(void);
/* Print "PROG (coldstart) VERSION" on stdout and exit CS_OK. */
void cs_print_version(void) CS_NORETURN;

#define CS_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
