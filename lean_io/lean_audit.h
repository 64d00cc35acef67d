/* lean_audit.h: replaying a finished proof through an external kernel checker
 * (CS_LEAN_AUDIT_CMD: a wrapper around Lean's leanchecker/lean4checker, comparator,
 * ...), run like the REPL: /bin/sh -c in CS_LEAN_DIR (unset: in the proof's scratch
 * directory), under bwrap when
 * CS_LEAN_SANDBOX allows, CS_LEAN_MEMORY, its process group killed at the deadline.
 *
 * The command's interface (README "Kernel replay"):
 *   CS_AUDIT_FILE            absolute path of CS_AUDIT_DIR/<module>.lean: the proof
 *                            file (header + proof) exactly as stored
 *   CS_AUDIT_DIR             the scratch directory holding it (writable; the only
 *                            writable place under the sandbox; also TMPDIR there)
 *   CS_AUDIT_MODULE          the module name of that file
 *   CS_AUDIT_THEOREM         the theorem it must prove
 *   CS_AUDIT_STATEMENT_FILE  header + the problem's own statement closed by `sorry`
 *                            (the "challenge" of a comparator-style check)
 *   exit 0: pass; exit 1: fail (the kernel or the checker refused the proof);
 *   anything else, a signal or the timeout: an error of the checker, no verdict.
 * Version query, once before the first row: the same command with CS_AUDIT_VERSION=1
 * and only CS_AUDIT_DIR of the above; the first line it prints on stdout is the
 * checker's version. */
#ifndef LEAN_AUDIT_H
#define LEAN_AUDIT_H

struct lean_audit_config {
	char *cmd;          /* CS_LEAN_AUDIT_CMD; owned */
	char *dir;          /* CS_LEAN_DIR, working directory; owned, may be NULL */
	double timeout;     /* CS_LEAN_AUDIT_TIMEOUT, s, default 600 */
	long memory_mb;     /* CS_LEAN_MEMORY in MiB, default 8192 (0: unlimited) */
	int sandbox;        /* CS_LEAN_SANDBOX: 1 bwrap, 0 none (default: 1 when bwrap exists) */
	int sandbox_explicit; /* CS_LEAN_SANDBOX=bwrap: a sandbox that does not work is an error */
};
/* Fill from the environment. 0; -1 after printing why (CS_LEAN_AUDIT_CMD unset, a
 * bad CS_LEAN_SANDBOX; bad numbers die CS_ECONFIG as cs_env_* do). */
int lean_audit_config_from_env(struct lean_audit_config *cfg);
void lean_audit_config_release(struct lean_audit_config *cfg);

/* What the audits of a corpus record as their checker: the base name of the first
 * word of cmd that is neither an assignment (VAR=value) nor a launcher (sh, bash,
 * env, exec, nice, python3, ...), e.g. "audit-lean4checker.sh"; malloc'd. */
char *lean_audit_checker_name(const char *cmd);
/* Does a version line name Lean as `lean --version` does ("Lean (version 4.…")? */
int lean_audit_is_lean(const char *version);


struct lean_audit;
/* Set up the scratch root and the sandbox (probed once). NULL after printing why
 * (the caller exits CS_ECONFIG). */
struct lean_audit *lean_audit_new(const struct lean_audit_config *cfg);
/* Kills the audits under way (their results are lost) and removes the scratch root. */
void lean_audit_free(struct lean_audit *a);
int lean_audit_sandboxed(const struct lean_audit *a);

enum lean_audit_verdict {
	LEAN_AUDIT_PASS,  /* exit 0 */
	LEAN_AUDIT_FAIL,  /* exit 1 */
	LEAN_AUDIT_ERROR, /* no verdict: could not start, other status, signal, timeout */
};
const char *lean_audit_verdict_name(enum lean_audit_verdict v); /* "pass", "fail", "error" */

struct lean_audit_result {
	enum lean_audit_verdict verdict;
	char *why;        /* NULL for PASS; FAIL: the checker's last 4 KiB of output; ERROR:
			   * the cause ("exited with status 127", "killed by signal 11 (...)",
			   * "timed out after 600 s") then that output; owned */
	double elapsed;   /* seconds */
};
void lean_audit_result_release(struct lean_audit_result *r);

/* The checker's version: 0 with *version (malloc'd; NULL when the command answered
 * the query with a status other than 0 or printed nothing: unknown), or -1 with
 * *why (malloc'd) when the command cannot run at all (exit 126/127, a signal, the
 * timeout): a configuration error. Asked before any audit is submitted. */
int lean_audit_version(struct lean_audit *a, char **version, char **why);

struct lean_audit_job {
	const char *module;    /* [A-Za-z_][A-Za-z0-9_]*: the file is <module>.lean */
	const char *theorem;
	const char *proof;     /* header + proof, written byte for byte */
	const char *statement; /* header + statement + sorry */
};
/* Start auditing one proof in a fresh scratch directory (removed when it ends); the
 * job's strings are copied to files at once. udata comes back with the result. 0;
 * -1 when it could not be started (bad module name, files, spawn): its ERROR result
 * is queued all the same, so every submitted job is handed out once. */
int lean_audit_submit(struct lean_audit *a, const struct lean_audit_job *job, void *udata);
/* Drive the audits under way for at most timeout_ms (less when a deadline comes
 * first). Returns how many are still under way. */
int lean_audit_poll(struct lean_audit *a, int timeout_ms);
int lean_audit_running(const struct lean_audit *a);
/* Kill every audit under way (with its process group); each is handed out by
 * lean_audit_next as an ERROR "cancelled". */
void lean_audit_cancel(struct lean_audit *a);
/* One finished audit, in the order they ended: 1 with *res (the caller releases it)
 * and *udata, 0 when none has ended. */
int lean_audit_next(struct lean_audit *a, struct lean_audit_result *res, void **udata);

#endif
