/* lean_repl.h: checking Lean code with a pool of leanprover-community/repl
 * processes (or a kimina-lean-server over HTTP): reply parsing, verdicts, header
 * reuse, timeouts, memory limits, recycling, sandboxing. */
#ifndef LEAN_REPL_H
#define LEAN_REPL_H

#include <stddef.h>

struct lean_message {
	char *severity;           /* "error", "warning", "info"; owned */
	int line, col, end_line, end_col; /* end_* = -1 when absent */
	char *data;               /* owned */
};
struct lean_sorry {
	int line, col, end_line, end_col; /* -1 when absent (tactic-mode sorries have no pos) */
	char *goal;               /* pretty-printed goal, owned */
	long proof_state;         /* -1 when absent */
};
struct lean_reply {
	long env;                 /* -1 when absent */
	size_t nmsg, nsorry;
	struct lean_message *msgs;/* owned */
	struct lean_sorry *sorries;/* owned */
	long proof_state;         /* tactic-mode replies, else -1 */
	char **goals;             /* tactic-mode goals, owned, ngoals entries */
	size_t ngoals;
	char *error;              /* the REPL refused the command ({"message": "Unknown environment."},
				   * "Lean error: ..."), owned, else NULL */
};
/* Parse one REPL reply (JSON object; unknown fields ignored). 0, or -1 with why.
 * On -1 *out is empty (safe to release). */
int lean_reply_parse(const char *json, size_t len, struct lean_reply *out, char **why);
void lean_reply_release(struct lean_reply *r);
/* The reply's messages as a JSON array in the REPL's own shape
 * ([{"severity","pos":{"line","column"},"endPos":{..}|null,"data"}]), each data cut
 * to max_data bytes (0: uncut) at a UTF-8 boundary with a note of what was cut.
 * malloc'd, "[]" when there are none. */
char *lean_reply_messages_json(const struct lean_reply *r, size_t max_data);
/* Why a reply is not PASS: "L:C: <first error>" for FAIL, "N sorries" for SORRY;
 * malloc'd, NULL for PASS. */
char *lean_reply_why(const struct lean_reply *r);
/* The data of the first info message with line breaks trimmed and surrounding
 * quotes removed (how `#eval Lean.versionString` answers), malloc'd, or NULL. */
char *lean_reply_info_string(const struct lean_reply *r);
/* Axiom audit of name from the reply to the audit's `#print axioms` (only its
 * messages): exactly one message, info, at line:col (the `#print` token), whole
 * `'NAME' depends on axioms: [...]` or `'NAME' does not depend on any axioms`
 * (src/Lean/Elab/Print.lean printAxiomsOf) with NAME read as name is read; each
 * axiom read whole as Name.toString prints it, beyond propext, Classical.choice
 * and Quot.sound only (with native, also Lean.ofReduceBool, Lean.ofReduceNat,
 * Lean.trustCompiler and `<decl>._native.<kind>.ax_<n>_<m>` with <decl> name or a
 * declaration of body, which may be NULL). 0, or -1 with *why naming the axiom or
 * saying what was not understood. */
int lean_reply_axioms_ok(const struct lean_reply *r, const char *name, int native, const char *body, int line,
			 int col, char **why);
/* Move the messages and sorries of from whose line lies in [first, last] to the end
 * of to (NULL: drop them), their lines (and end lines) lowered by shift. Attributes
 * the parts of one multi-command reply to the commands they came from. */
void lean_reply_move_lines(struct lean_reply *from, int first, int last, int shift, struct lean_reply *to);
/* Is s what Lean.versionString says (src/Init/Meta.lean: "MAJOR.MINOR.PATCH",
 * then "-SPECIAL" such as "-rc2" or "-nightly-2025-01-01", or ", commit HASH")? 1 or 0. */
int lean_is_lean_version(const char *s);

/* Where one JSON object ends in a byte stream that arrives in pieces (the REPL
 * prints pretty-printed objects separated by blank lines): string, escape and
 * brace state carried across calls. Zero-initialise; lean_json_scan_reset between
 * objects. */
struct lean_json_scan {
	size_t pos;          /* bytes of the buffer already scanned */
	int depth, in_str, esc, started;
};
/* Scan buf[s->pos .. len). 1: an object ends at *end (offset just after its '}');
 * 0: more bytes needed; -1: not JSON (something before '{' other than whitespace,
 * or an unbalanced '}'). */
int lean_json_scan_feed(struct lean_json_scan *s, const char *buf, size_t len, size_t *end);
void lean_json_scan_reset(struct lean_json_scan *s);

enum lean_verdict {
	LEAN_PASS,     /* no error, no sorry, no "declaration uses 'sorry'" */
	LEAN_SORRY,    /* no error, but sorries: what a sketch must be */
	LEAN_FAIL,     /* Lean reported an error, or an audit failed */
	LEAN_TIMEOUT,  /* CS_LEAN_TIMEOUT expired; the process was killed */
	LEAN_ERROR,    /* the check could not run: the checker could not be started, crashed
			* twice outside the code's commands, broke the protocol, failed its
			* canary or was unreachable (never FAIL) */
};
const char *lean_verdict_name(enum lean_verdict v);
/* Verdict of a parsed reply: PASS, SORRY or FAIL. */
enum lean_verdict lean_reply_verdict(const struct lean_reply *r);

struct lean_pool_config {
	char *repl_cmd;     /* CS_LEAN_REPL, run by /bin/sh -c; owned */
	char *lean_dir;     /* CS_LEAN_DIR, working directory; owned, may be NULL */
	char *url;          /* CS_LEAN_URL: kimina-lean-servers instead of local REPLs (a list:
			     * lean_kimina_servers); owned */
	char *sandbox_bind; /* CS_LEAN_SANDBOX_BIND: extra read-only paths (colon-separated); owned */
	char *jobs_decision;/* how the default of jobs was chosen (lean_pool_default_jobs), printed
			     * once when the first REPL starts; NULL when CS_LEAN_JOBS was set; owned */
	int jobs;           /* CS_LEAN_JOBS (>= 1) */
	double timeout;     /* CS_LEAN_TIMEOUT, s, per command (> 0) */
	long memory_mb;     /* CS_LEAN_MEMORY in MiB (0: no limit) */
	long max_uses;      /* CS_LEAN_MAX_USES (>= 1) */
	long max_rss_mb;    /* CS_LEAN_MAX_RSS in MiB: a REPL whose resident memory grew past it
			     * is retired after its check (0: no limit) */
	int sandbox;        /* CS_LEAN_SANDBOX: 1 bwrap, 0 none (auto: 1 when bwrap exists) */
	int axioms;         /* CS_LEAN_AXIOMS: audit what passes (#print axioms, statement type) */
	int allow_native;   /* CS_ALLOW_NATIVE_DECIDE: the axiom audit admits native_decide's axioms */
	int max_headers;    /* CS_LEAN_MAX_HEADERS: distinct headers kept warm (LRU, >= 1) */
	int sandbox_explicit; /* CS_LEAN_SANDBOX=bwrap was asked for: a sandbox that does
			       * not work is a configuration error, not a warning */
	size_t max_reply;   /* CS_LEAN_MAX_REPLY bytes (>= 4096): a larger reply is a crash */
	long max_msg;       /* CS_LEAN_MAX_MSG bytes of each message kept in messages_json */
};
/* Fill from the settings (lib/conf.c holds every default). 0, or -1 after printing
 * why (e.g. no CS_LEAN_REPL). */
int lean_pool_config_from_env(struct lean_pool_config *cfg);
void lean_pool_config_release(struct lean_pool_config *cfg);
/* The default of CS_LEAN_JOBS: the smaller of cores and MemAvailable / CS_LEAN_MEMORY
 * (at least 1; cores for CS_LEAN_URL, whose memory is the server's). *decision
 * (malloc'd, may be NULL) says how: "Lean pool: N REPLs (cores C, M MiB available /
 * CS_LEAN_MEMORY L MiB)". For the effective configuration and the pool's reader. */
int lean_pool_default_jobs(char **decision);
/* The computed default of a setting of the pool (CS_LEAN_JOBS, CS_LEAN_MAX_HEADERS)
 * as text, malloc'd, or NULL for any other name: the fill of cs_conf_json. */
char *lean_pool_computed_setting(const char *name);

/* The servers of a CS_LEAN_URL list: URL[#JOBS] entries separated by commas or white
 * space. Returns how many (0 when none or an entry is bad, after printing why), with
 * base[i] each URL without #JOBS (trailing slashes off; malloc'd, as is the array)
 * and jobs[i] its checks in flight at most (#JOBS, else default_jobs; malloc'd). */
int lean_kimina_servers(const char *list, int default_jobs, char ***base, int **jobs);

struct lean_check {
	void *udata;
	enum lean_verdict verdict;
	struct lean_reply reply;  /* the body's reply, owned; empty unless Lean answered */
	char *checker;            /* "repl" or "kimina"; owned */
	char *server;             /* kimina: the server's URL (as in CS_LEAN_URL, no #JOBS);
				   * owned, NULL for the local pool */
	char *version;            /* what the checker answered to Lean.versionString, owned,
				   * NULL when it answered nothing understood */
	int real_lean;            /* 1 only when version is a Lean version string
				   * (lean_is_lean_version): not a test double, not unknown */
	int audited;              /* 1 when the audits this check asked for ran (#print axioms;
				   * the statement's type when a statement was given): PASS then
				   * means audited; 0 when CS_LEAN_AXIOMS=0, no theorem was
				   * named, or the body did not pass */
	int infra;                /* 1 when the check could not run (verdict ERROR): a fault
				   * of the checker (not started, died outside the code's
				   * commands, failed a canary, protocol broken, unreachable),
				   * not a verdict on the code */
	char *messages_json;      /* the reply's messages as a JSON array, owned */
	char *why;                /* for SORRY/FAIL/TIMEOUT/ERROR: the first error or the cause;
				   * ERROR names the checker; owned */
	double elapsed;           /* seconds of checking, queueing excluded */
};

/* What to check. */
struct lean_request {
	const char *header;    /* imports, options, opens; NULL or "" for none */
	const char *body;      /* the declarations to check (no imports) */
	const char *theorem;   /* the theorem whose axioms are audited, or NULL (no audit) */
	const char *statement; /* the problem's own statement (`theorem NAME binders : T := by`),
				* or NULL: then theorem's type must be definitionally equal to
				* it elaborated in the header's environment alone */
};

struct lean_pool;
/* Start nothing yet: processes are spawned on demand. NULL after printing why. */
struct lean_pool *lean_pool_new(const struct lean_pool_config *cfg);
/* Queue a check of rq->body in the environment of rq->header. With CS_LEAN_AXIOMS
 * and rq->theorem, a body that passes is audited: `#print axioms` of the theorem
 * (only propext, Classical.choice, Quot.sound), and with rq->statement its type
 * against the statement's (lean_pool.c says how). Strings are copied. Returns 0, or
 * -1 after printing why (not UTF-8, a statement that is not a theorem). */
int lean_pool_submit(struct lean_pool *p, const struct lean_request *rq, void *udata);
/* Drive processes for at most timeout_ms. Returns checks not yet handed out. */
int lean_pool_poll(struct lean_pool *p, int timeout_ms);
/* For a caller's own poll(2) over the pool and other work: the descriptors to wait
 * on (at most max into pf; returns how many) and *timeout_ms lowered to the next
 * deadline (0: checks are done and waiting). Then lean_pool_poll(p, 0) does the work. */
struct pollfd;
int lean_pool_pollfds(const struct lean_pool *p, struct pollfd *pf, int max, int *timeout_ms);
/* Processes (or, for kimina, transfers) the pool runs at most. */
int lean_pool_size(const struct lean_pool *p);
/* One finished check or NULL; free with lean_check_free. */
struct lean_check *lean_pool_next(struct lean_pool *p);
int lean_pool_pending(const struct lean_pool *p);
void lean_check_free(struct lean_check *c);
/* Kill every process group and reap them. */
void lean_pool_free(struct lean_pool *p);

/* What a Lean project is built with (the toolchain of its checks besides Lean's own
 * version string and the header): strings owned, NULL when unknown. */
struct lean_toolchain {
	char *lean_toolchain; /* first line of DIR/lean-toolchain ("leanprover/lean4:v4.9.0") */
	char *mathlib_rev;    /* DIR/lake-manifest.json: "rev" of the package named mathlib */
	char *repl_rev;       /* the same of the package named REPL (leanprover-community/repl) */
};
/* Read dir's lean-toolchain and lake-manifest.json (dir NULL, or files absent: all
 * unknown; a manifest that is not JSON is warned about). Returns 0. */
int lean_toolchain_read(const char *dir, struct lean_toolchain *out);
void lean_toolchain_release(struct lean_toolchain *t);
/* The toolchain of the pool's checks as read from CS_LEAN_DIR when the pool was made
 * (all unknown for a kimina-lean-server, whose API reports only what `#eval
 * Lean.versionString` answers: its /health says {"status": "ok"}, server/routers/
 * health.py of project-numina/kimina-lean-server). Owned by the pool. */
const struct lean_toolchain *lean_pool_toolchain(const struct lean_pool *p);

/* What a pool did so far (for benchmarks and verbose runs). */
struct lean_pool_stats {
	long starts;     /* REPL processes started */
	long imports;    /* header commands sent */
	long commands;   /* commands sent, of every kind */
	long checks;     /* checks finished */
	long crashes;    /* processes that died, answered garbage or too much */
	long timeouts;   /* processes killed for a timeout */
	long recycled;   /* processes retired after max_uses checks */
	long retired_memory; /* processes retired for growing past CS_LEAN_MAX_RSS */
	long code_faults;    /* checks settled FAIL/TIMEOUT after Lean died or hung on the
			      * code's commands on fresh processes and the slot's canary passed */
	long blamed_faults;  /* the deaths and timeouts of those checks (not the checker's record) */
	long canaries;       /* canaries run */
	long canary_failures;/* canaries that failed too: the checker's fault (ERROR) */
	long prewarmed;      /* replacement processes started in advance */
	long evictions;  /* idle processes restarted for another header */
	int sandboxed;   /* processes run under bwrap */
};
void lean_pool_get_stats(const struct lean_pool *p, struct lean_pool_stats *st);

#endif
