/* lean_internal.h: what lean_pool.c, lean_job.c, lean_proc.c and lean_kimina.c
 * share. Not for callers: they use lean_repl.h. The files call down only: lean_pool.c
 * (the REPL processes and the dispatch) uses lean_kimina.c, lean_proc.c and lean_job.c;
 * lean_kimina.c uses lean_job.c; lean_job.c and lean_proc.c use neither. */
#ifndef LEAN_INTERNAL_H
#define LEAN_INTERNAL_H

#include <sys/types.h>

#include "lean_repl.h"

/* How to start one REPL (lean_proc.c). */
struct lean_spawn {
	const char *cmd;      /* run by /bin/sh -c */
	const char *dir;      /* working directory, or NULL */
	const char *bwrap;    /* path of bwrap: run under the sandbox; NULL: no sandbox */
	const char *scratch;  /* sandbox: the one writable directory (also TMPDIR) */
	long memory_mb;       /* RLIMIT_AS, 0: unlimited */
	long cpu_seconds;     /* RLIMIT_CPU soft limit, 0: unlimited */
	const char *extra_binds; /* sandbox: more read-only paths, colon-separated
				  * (CS_LEAN_SANDBOX_BIND), or NULL */
};

/* A running REPL. pid is its keeper: a small process of ours (fork without exec)
 * that forks the REPL into its own process group, reaps everything below it
 * (PR_SET_CHILD_SUBREAPER) and, when `life` is closed (by lean_child_end or by
 * the death of the pipeline), kills that group with SIGKILL and exits. */
struct lean_child {
	pid_t pid;            /* the keeper; 0 when nothing runs */
	int in, out, err;     /* REPL stdin (write), stdout and stderr (read); non-blocking, CLOEXEC */
	int life;             /* lifeline to the keeper; CLOEXEC */
};

/* Start a REPL. 0, or -1 with *why (malloc'd). */
int lean_child_spawn(const struct lean_spawn *s, struct lean_child *c, char **why);
/* Close the lifeline and the pipes (the keeper kills the REPL group) without waiting. */
void lean_child_hangup(struct lean_child *c);
/* Hang up if not done yet and reap the keeper. Returns its wait status (-1 if none). */
int lean_child_end(struct lean_child *c);
/* "exited with status N" / "killed by signal N (NAME)" for a keeper's wait status
 * (the keeper passes the REPL's status on: exit code, or 128 + signal). */
char *lean_child_status(int status);
/* Resident memory of the REPL: the sum of VmRSS (/proc/PID/status) over every
 * process below the keeper, KiB; 0 when nothing runs or /proc says nothing. */
long lean_child_rss_kb(const struct lean_child *c);

/* CS_LEAN_SANDBOX (auto, bwrap, none) as the pool and the audits read it: *sandbox 1
 * when bwrap is to be used, *explicit_ 1 when it was asked for by name. 0. */
int lean_sandbox_from_env(int *sandbox, int *explicit_);
/* A new directory parent/prefix.XXXXXX (mkdtemp), its real path, malloc'd; NULL with
 * errno set. */
char *lean_make_dir(const char *parent, const char *prefix);
/* Remove dir and everything below it, links not followed; errors ignored. */
void lean_rm_tree(const char *dir);
/* Absolute path of prog found on PATH, malloc'd, or NULL. */
char *lean_which(const char *prog);
/* Does `bwrap ... /bin/sh -c true` run here, with the mounts s would get (s->cmd
 * decides what is bound, `exit 0` runs instead)? 0, or -1 with *why (malloc'd). */
int lean_sandbox_probe_spawn(const struct lean_spawn *s, char **why);
/* lean_sandbox_probe_spawn of a bare sandbox (no command, no project). */
int lean_sandbox_probe(const char *bwrap, char **why);
/* The bwrap command line s runs under, up to "--" (what the sandbox shows: lean_proc.c,
 * SANDBOX.md), for CS_VERBOSE. malloc'd. */
char *lean_sandbox_describe(const struct lean_spawn *s);

/* A queued check (lean_pool.c owns the queue). */
struct lean_job {
	struct lean_job *next;
	char *header, *body;
	char *theorem;        /* audited when it passes, or NULL */
	char *expected;       /* `theorem <expected_name> <the statement's binders and type> := by
			       * sorry`, elaborated before the body; NULL without a statement */
	char *expected_name;  /* coldstart_expected_<8 hex>, unguessable (a per-pool salt) */
	int audited;          /* the audits ran (lean_check.audited) */
	void *udata;
	long seq;
	int attempts;         /* checker faults so far (a broken protocol, a crash outside
			       * the code's own commands, a failed transfer) */
	int overtaken;        /* later jobs started before it */
	double t0;            /* when checking began (0: still queued) */
	char *first_crash;    /* why the first attempt failed, for the report of the second */
	const char *server;   /* the kimina-lean-server it was last sent to (owned by the
			       * backend, which outlives the job), NULL for the local pool */
	/* Faults that followed the code (lean_pool.c "Who is at fault"): */
	int code_crashes;     /* Lean died during one of the code's commands */
	int code_timeouts;    /* ... or missed the deadline there */
	char *code_why;       /* each such try's cause, "; "-separated, owned */
	int fault_phase;      /* the command (lean_pool.c's phase) the code's faults struck;
			       * a fault on another command starts the count again */
	int canary;           /* 1: the code is suspected; a canary runs on a fresh process
			       * of the same slot before the verdict (settle) is given */
	enum lean_verdict settle; /* FAIL or TIMEOUT, given when the canary passes */
};

/* Tries a code gets before it is suspected (README "Who is at fault"): Lean died on
 * the same command of the code LEAN_CODE_TRIES times (the first wherever it ran, then
 * on 3 fresh processes), or missed the deadline there LEAN_CODE_TIMEOUT_TRIES times
 * (then on 1 fresh process: each try costs a whole CS_LEAN_TIMEOUT). A checker fault
 * (outside the code's commands) gets LEAN_CHECKER_TRIES. */
#define LEAN_CODE_TRIES 4
#define LEAN_CODE_TIMEOUT_TRIES 2
#define LEAN_CHECKER_TRIES 3
/* Those are floors. A checker that also fails on other commands (faults among
 * commands, the code's own left out) gives a code more: as many as make chance alone
 * strike one command that often in a row less than once in a million, up to
 * LEAN_CODE_TRIES_MAX; past that, 0: no number of tries could tell (the checker's
 * fault). */
#define LEAN_CODE_TRIES_MAX 12
int lean_code_tries(int floor, long faults, long commands);
/* The known-good check of a canary, run in the header's environment
 * (`trivial : True`, src/Init/Core.lean). */
#define LEAN_CANARY_CMD "example : True := trivial"
/* Why Lean died from its exit (lean_child_status's words) and its stderr: out of
 * memory (Lean's runtime prints "INTERNAL PANIC: out of memory", RLIMIT_AS of
 * CS_LEAN_MEMORY), a CPU limit (SIGXCPU: RLIMIT_CPU), a stack overflow, a signal;
 * malloc'd. memory_mb: CS_LEAN_MEMORY (0: none). */
char *lean_death_reason(const char *status, const char *stderr_tail, long memory_mb);

#define LEAN_VERSION_CMD "#eval Lean.versionString"
#define LEAN_DOUBLE_PREFIX "coldstart-test-double" /* the version the test doubles answer */

/* The pool both backends hand their verdicts to (lean_job.c: lean_pool_finish). A
 * process of the local pool (struct proc) is lean_pool.c's alone. */
struct proc;
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
	char *checker;                  /* lean_pool_checker */
	struct lean_toolchain toolchain;/* read from CS_LEAN_DIR at lean_pool_new */
	unsigned char salt[16];         /* of expected-declaration names */
	struct lean_kimina *kimina;
	struct lean_pool_stats stats;
};

/* s cut to max bytes at a UTF-8 boundary, with " …" when cut; malloc'd (lean_job.c). */
char *lean_excerpt(const char *s, size_t max);

/* The job-level functions of both backends (lean_job.c). */
/* The audit commands of j, run in the environment after its body: "example : type_of%
 * @EXPECTED := @THEOREM" (only with a statement) on line 1, "#print axioms THEOREM"
 * on the last line. malloc'd. */
char *lean_audit_cmd(const struct lean_job *j);
/* Judge the reply to lean_audit_cmd (lines as sent). 0 when both audits pass; -1
 * with *why ("type check: ...; axiom audit: ..."). r is consumed. */
int lean_audit_judge(const struct lean_pool *p, const struct lean_job *j, struct lean_reply *r, char **why);
/* Why the statement's own declaration failed to elaborate (from its reply), malloc'd. */
char *lean_expected_why(const struct lean_job *j, const struct lean_reply *r);
/* The reply to a header: PASS (go on), FAIL ("header: L:C: error") or ERROR (the
 * REPL refused it, or Lean could not load an import: the project lacks it). *why
 * malloc'd unless PASS. */
enum lean_verdict lean_header_judge(const struct lean_pool *p, const struct lean_reply *r, char **why);
/* "the REPL (CS_LEAN_REPL=...)" or "the kimina-lean-server at URL": who could not
 * check, for ERROR whys and warnings. */
const char *lean_pool_checker(const struct lean_pool *p);
/* Free a job and what it owns. */
void lean_job_free(struct lean_job *j);
/* Hand a finished job over to lean_pool_next (reply moved when not NULL; why taken). */
void lean_pool_finish(struct lean_pool *p, struct lean_job *j, enum lean_verdict v,
		      struct lean_reply *reply, char *why);
/* Put j back at the head of the queue (a retry after a crash). */
void lean_pool_retry(struct lean_pool *p, struct lean_job *j);
/* Record the checker's version string (first one wins). */
void lean_pool_set_version(struct lean_pool *p, const char *version);
/* Bytes of s made valid UTF-8 (bad bytes become '?'), malloc'd. */
char *lean_utf8_clean(const char *s, size_t n);

/* The kimina-lean-server backend (lean_kimina.c). */
struct lean_kimina;
struct lean_kimina *lean_kimina_new(struct lean_pool *p, const struct lean_pool_config *cfg);
void lean_kimina_free(struct lean_kimina *k);
/* Start j (taken: 1), or 0 when the version query must be answered first (j not taken).
 * The caller keeps at most jobs transfers active. */
int lean_kimina_start(struct lean_kimina *k, struct lean_job *j);
/* Drive transfers for at most timeout_ms; finished jobs go to lean_pool_finish. */
void lean_kimina_poll(struct lean_kimina *k, int timeout_ms);
int lean_kimina_active(const struct lean_kimina *k);
/* May a check start now: a server (up, or any when every one is down) has a free slot. */
int lean_kimina_has_room(const struct lean_kimina *k);
/* Checks in flight at most, over every server. */
int lean_kimina_capacity(const struct lean_kimina *k);

#endif
