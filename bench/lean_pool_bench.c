/* lean_pool_bench: throughput of the Lean pool against the REPL test double.
 * P processes check N bodies under one header, each taking c seconds in the
 * double: the ideal is P/c checks per second once the header is imported. Then
 * the way DeepSeek-Prover-V1.5's verifier works, a fresh REPL per check that
 * imports the header every time (the pool with max_uses 1), for the speedup.
 * Prints "lean_pool P=.. c=.. checks/s=.. ideal=.. ratio=.." and
 * "lean_fresh P=.. c=.. i=.. checks/s=.. speedup=..". With -a, the same warm pool
 * with the audits (CS_LEAN_AXIOMS: the statement's declaration, the body, then the
 * type check and #print axioms): "lean_audit P=.. checks/s=.. of_plain=..". In the
 * double the statement's declaration costs a check delay like the body; in Lean
 * elaborating a statement with `sorry` is far cheaper than checking a proof.
 * With -u URLS, the pool checks through the kimina-lean-servers of URLS (a CS_LEAN_URL
 * list, P checks in flight per server) instead, for the N checks only:
 * "lean_kimina servers=.. P=.. n=.. checks/s=..". */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cs.h"
#include "lean_repl.h"

static const char usage[] =
	"[-a] [-P procs] [-n checks] [-f fresh-checks] [-c check-delay] [-i import-delay] [-u URLS] DOUBLE\n"
	"DOUBLE is tests/doubles/repl_double.py.\n";

#define HEADER "import Mathlib\nopen Real"

/* Submit n checks and wait for all of them; seconds taken, or -1 when one did not pass. */
static double run(struct lean_pool *pool, int n, int audit)
{
	double t0 = cs_now();
	int bad = 0;
	for (int i = 0; i < n; i++) {
		char *name = xasprintf("t%d", i);
		char *stmt = xasprintf("theorem %s (x : ℝ) : x = x := by", name);
		char *body = xasprintf("%s\n  rfl", stmt);
		struct lean_request rq = { HEADER, body, audit ? name : NULL, audit ? stmt : NULL };
		if (lean_pool_submit(pool, &rq, NULL))
			die(CS_EIO, "cannot submit");
		free(body);
		free(stmt);
		free(name);
	}
	while (lean_pool_pending(pool) > 0) {
		struct lean_check *c;
		lean_pool_poll(pool, 1000);
		while ((c = lean_pool_next(pool))) {
			if (c->verdict != LEAN_PASS) {
				error("check: %s: %s", lean_verdict_name(c->verdict), c->why ? c->why : "");
				bad++;
			}
			lean_check_free(c);
		}
	}
	return bad ? -1 : cs_now() - t0;
}

static const char *urls; /* -u */

static struct lean_pool *pool_new(const char *cmd, int procs, long max_uses, int audit)
{
	struct lean_pool_config cfg = { 0 };
	struct lean_pool *p;
	cfg.repl_cmd = xstrdup(cmd);
	cfg.url = xstrdup_or_null(urls);
	cfg.jobs = procs;
	cfg.max_headers = procs;
	cfg.timeout = 120;
	cfg.memory_mb = 8192;
	cfg.max_uses = max_uses;
	cfg.max_reply = 64UL << 20;
	cfg.max_msg = 65536;
	cfg.axioms = audit;
	p = lean_pool_new(&cfg);
	lean_pool_config_release(&cfg);
	if (!p)
		die(CS_ECONFIG, "cannot make a pool");
	return p;
}

int main(int argc, char **argv)
{
	int procs = 4, n = 400, nfresh = 0, audit = 0, opt;
	double delay = 0.02, import = 2, t, rate, fresh_rate;
	struct lean_pool *pool;
	char *cmd;
	cs_init(argv[0]);
	if (cs_wants_help(argc, argv))
		cs_usage(usage, CS_OK);
	while ((opt = getopt(argc, argv, "aP:n:f:c:i:u:")) != -1) {
		switch (opt) {
		case 'a': audit = 1; break;
		case 'P': procs = atoi(optarg); break;
		case 'n': n = atoi(optarg); break;
		case 'f': nfresh = atoi(optarg); break;
		case 'c': delay = atof(optarg); break;
		case 'i': import = atof(optarg); break;
		case 'u': urls = optarg; break;
		default: cs_usage(usage, CS_EUSAGE);
		}
	}
	if (optind + 1 != argc || procs < 1 || n < 1 || delay <= 0)
		cs_usage(usage, CS_EUSAGE);
	if (nfresh < 1)
		nfresh = 2 * procs;
	cmd = xasprintf("exec python3 %s --import-delay %g --check-delay %g", argv[optind], import, delay);

	pool = pool_new(cmd, procs, 1000000, 0);
	if (run(pool, procs, 0) < 0) /* start and import: not what is measured */
		die(CS_EIO, "warm-up failed");
	if ((t = run(pool, n, 0)) < 0)
		die(CS_EIO, "pool run failed");
	lean_pool_free(pool);
	rate = n / t;
	if (urls) {
		int servers = 1;
		for (const char *q = urls; (q = strstr(q, "://")); q += 3)
			servers += q != strstr(urls, "://");
		printf("lean_kimina servers=%d P=%d n=%d checks/s=%.1f\n", servers, procs, n, rate);
		free(cmd);
		return 0;
	}
	printf("lean_pool P=%d c=%.3f n=%d checks/s=%.1f ideal=%.1f ratio=%.3f\n", procs, delay, n, rate,
	       procs / delay, rate / (procs / delay));

	if (audit) {
		double ta;
		pool = pool_new(cmd, procs, 1000000, 1);
		if (run(pool, procs, 1) < 0 || (ta = run(pool, n, 1)) < 0)
			die(CS_EIO, "audited run failed");
		lean_pool_free(pool);
		printf("lean_audit P=%d c=%.3f n=%d checks/s=%.1f of_plain=%.3f\n", procs, delay, n, n / ta,
		       (n / ta) / rate);
	}

	pool = pool_new(cmd, procs, 1, 0);
	if ((t = run(pool, nfresh, 0)) < 0)
		die(CS_EIO, "fresh run failed");
	lean_pool_free(pool);
	fresh_rate = nfresh / t;
	printf("lean_fresh P=%d c=%.3f i=%.1f n=%d checks/s=%.2f speedup=%.1f\n", procs, delay, import, nfresh,
	       fresh_rate, rate / fresh_rate);
	free(cmd);
	return 0;
}
