/* conf.c: the table of settings and its readers. */
#include <errno.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "conf.h"
#include "cs.h"

#define BIG 9.2e18 /* about LONG_MAX, exactly representable as a bound */

static const struct cs_conf table[] = {
	/* corpus */
	{ "CS_DB", CS_CONF_STR, "./coldstart.db", 0, 0, NULL, 0, "the corpus (SQLite)" },
	{ "CS_DB_BUSY_MS", CS_CONF_INT, "30000", 0, 3600000, NULL, 0, "wait for a locked corpus, ms" },
	/* endpoints */
	{ "CS_DECOMPOSER_URL", CS_CONF_URL, "https://api.deepseek.com/v1", 0, 0, NULL, 0, "decomposer endpoint (OpenAI-compatible)" },
	{ "CS_DECOMPOSER_MODEL", CS_CONF_STR, "deepseek-chat", 0, 0, NULL, 0, "decomposer model" },
	{ "CS_DECOMPOSER_API_KEY", CS_CONF_SECRET, "=DEEPSEEK_API_KEY", 0, 0, NULL, 0, "decomposer API key" },
	{ "DEEPSEEK_API_KEY", CS_CONF_SECRET, NULL, 0, 0, NULL, 0, "fallback decomposer API key" },
	{ "CS_PROVER_URL", CS_CONF_URL, "http://127.0.0.1:8000/v1", 0, 0, NULL, 0, "prover endpoint (vLLM or SGLang)" },
	{ "CS_PROVER_MODEL", CS_CONF_STR, "deepseek-ai/DeepSeek-Prover-V2-7B", 0, 0, NULL, 0, "prover model" },
	{ "CS_PROVER_API_KEY", CS_CONF_SECRET, NULL, 0, 0, NULL, 0, "prover API key" },
	{ "CS_JOBS", CS_CONF_INT, "16", 1, 4096, NULL, 0, "requests in flight per endpoint" },
	{ "CS_PROVER_JOBS", CS_CONF_INT, "=CS_JOBS", 1, 4096, NULL, 0, "requests in flight to the prover" },
	{ "CS_DECOMPOSER_JOBS", CS_CONF_INT, "=CS_JOBS", 1, 4096, NULL, 0, "requests in flight to the decomposer" },
	{ "CS_LLM_TIMEOUT", CS_CONF_NUM, "600", 0.001, 86400, NULL, 0, "deadline of one HTTP attempt, s" },
	{ "CS_LLM_CONNECT_TIMEOUT", CS_CONF_NUM, "10", 0.001, 3600, NULL, 0, "connect timeout, s" },
	{ "CS_LLM_RETRIES", CS_CONF_INT, "6", 0, 1000, NULL, 0, "retries after the first attempt" },
	{ "CS_LLM_BACKOFF", CS_CONF_NUM, "1", 0, 3600, NULL, 0, "first backoff, s" },
	{ "CS_LLM_BACKOFF_MAX", CS_CONF_NUM, "60", 0, 86400, NULL, 0, "largest backoff and Retry-After honoured, s" },
	{ "CS_MAX_INFRA_FAULTS", CS_CONF_INT, "5", 1, 100000, NULL, 0, "infrastructure faults in a row on one endpoint or checker before the run stops" },
	/* sampling */
	{ "CS_SAMPLES", CS_CONF_INT, "8", 1, 4096, NULL, 0, "prover samples per lemma" },
	{ "CS_SAMPLE_BATCH", CS_CONF_INT, "8", 1, 4096, NULL, 0, "prover samples asked at once; no more once one verifies" },
	{ "CS_E2E_SAMPLES", CS_CONF_INT, "=CS_SAMPLES", 0, 4096, NULL, 0, "samples of the end-to-end attempt on an original theorem (0 skips it)" },
	{ "CS_SKETCHES", CS_CONF_INT, "2", 1, 64, NULL, 0, "decomposition attempts per problem" },
	{ "CS_REUSE", CS_CONF_BOOL, "1", 0, 1, NULL, 0, "a subgoal lemma stated like a proved one (the same fingerprint) gets that proof, checked in Lean, before any prover request (0: off)" },
	{ "CS_MAX_DEPTH", CS_CONF_INT, "3", 0, 64, NULL, 0, "deepest recursion (the original theorem is depth 0)" },
	{ "CS_EXTRACT", CS_CONF_CHOICE, "auto", 0, 0, "syntax|goals|auto", 0, "how subgoal lemmas are stated" },
	{ "CS_PROVER_PROMPT", CS_CONF_STR, "prover-noncot", 0, 0, NULL, 0, "prompt of the prover (prover-noncot or prover-cot)" },
	{ "CS_PROMPTS_DIR", CS_CONF_STR, NULL, 0, 0, NULL, 0, "directory of prompt templates overriding the built-in ones" },
	{ "CS_PROVER_TEMPERATURE", CS_CONF_NUM, "1.0", 0, 2, NULL, 0, "prover temperature" },
	{ "CS_PROVER_TOP_P", CS_CONF_NUM, "0.95", 0, 1, NULL, 0, "prover top_p" },
	{ "CS_PROVER_MAX_TOKENS", CS_CONF_INT, "8192", 1, 1 << 24, NULL, 0, "prover max_tokens" },
	{ "CS_DECOMPOSER_TEMPERATURE", CS_CONF_NUM, "0.6", 0, 2, NULL, 0, "decomposer temperature" },
	{ "CS_DECOMPOSER_TOP_P", CS_CONF_NUM, "0.95", 0, 1, NULL, 0, "decomposer top_p" },
	{ "CS_DECOMPOSER_MAX_TOKENS", CS_CONF_INT, "8192", 1, 1 << 24, NULL, 0, "decomposer max_tokens" },
	/* money */
	{ "CS_PROVER_PRICE", CS_CONF_PRICE, NULL, 0, 0, NULL, 0, "prover price: IN OUT [CACHED], currency per million prompt, completion and cache-hit prompt tokens" },
	{ "CS_DECOMPOSER_PRICE", CS_CONF_PRICE, NULL, 0, 0, NULL, 0, "decomposer price: IN OUT [CACHED], as CS_PROVER_PRICE" },
	{ "CS_BUDGET", CS_CONF_NUM, NULL, 0, 1e15, NULL, 0, "most one run may spend, in the prices' currency (needs both prices); a request whose worst case could pass it is not sent: the run stops, exit 5" },
	/* Lean */
	{ "CS_LEAN_REPL", CS_CONF_STR, NULL, 0, 0, NULL, 0, "command running the leanprover-community/repl (/bin/sh -c, in CS_LEAN_DIR)" },
	{ "CS_LEAN_DIR", CS_CONF_STR, NULL, 0, 0, NULL, 0, "the Lean project (working directory of the REPL)" },
	{ "CS_LEAN_EXPECTED_VERSION", CS_CONF_STR, "4.9.0-rc2", 0, 0, NULL, 0, "the Lean version the prover was trained with (doctor warns when the checker's differs; coldstart setup-lean prints it)" },
	{ "CS_LEAN_URL", CS_CONF_URLS, NULL, 0, 0, NULL, 0, "kimina-lean-servers instead of local REPLs: URL[#JOBS], several separated by commas or white space" },
	{ "CS_LEAN_API_KEY", CS_CONF_SECRET, NULL, 0, 0, NULL, 0, "kimina-lean-server API key" },
	{ "CS_LEAN_JOBS", CS_CONF_INT, NULL, 1, 1024, NULL, 0, "REPL processes (default: the smaller of cores and MemAvailable / CS_LEAN_MEMORY, at least 1); with CS_LEAN_URL, checks in flight per server without #JOBS (default: cores)" },
	{ "CS_LEAN_TIMEOUT", CS_CONF_NUM, "300", 1e-6, 1e9, NULL, 0, "deadline of one Lean command, s" },
	{ "CS_LEAN_MEMORY", CS_CONF_INT, "8192", 0, 1L << 30, NULL, 0, "memory limit of one REPL, MiB (0: none)" },
	{ "CS_LEAN_MAX_RSS", CS_CONF_INT, "0", 0, 1L << 30, NULL, 0, "resident memory (MiB) past which a REPL is restarted after its check (0: no limit)" },
	{ "CS_LEAN_MAX_USES", CS_CONF_INT, "200", 1, BIG, NULL, 0, "checks before a REPL is restarted" },
	{ "CS_LEAN_MAX_HEADERS", CS_CONF_INT, "=CS_LEAN_JOBS", 1, 1024, NULL, 0, "distinct headers kept warm" },
	{ "CS_LEAN_MAX_REPLY", CS_CONF_INT, "268435456", 4096, BIG, NULL, 0, "largest REPL reply, bytes" },
	{ "CS_LEAN_MAX_MSG", CS_CONF_INT, "65536", 0, BIG, NULL, 0, "bytes of each Lean message kept" },
	{ "CS_LEAN_SANDBOX", CS_CONF_CHOICE, "auto", 0, 0, "auto|bwrap|none", 0, "run the REPL under bubblewrap" },
	{ "CS_LEAN_SANDBOX_BIND", CS_CONF_STR, NULL, 0, 0, NULL, 0, "more paths the sandboxed REPL may read (colon-separated)" },
	{ "CS_LEAN_AXIOMS", CS_CONF_BOOL, "1", 0, 1, NULL, 0, "audit every passing theorem: #print axioms, and its type against the problem's statement (0: off, rows marked not audited)" },
	{ "CS_LEAN_AUDIT_CMD", CS_CONF_STR, NULL, 0, 0, NULL, 0, "external kernel-replay checker run on corpus rows (cs-audit)" },
	{ "CS_LEAN_AUDIT_TIMEOUT", CS_CONF_NUM, "600", 1e-6, 1e9, NULL, 0, "deadline of one kernel replay, s" },
	{ "CS_ALLOW_NATIVE_DECIDE", CS_CONF_BOOL, "0", 0, 1, NULL, 0, "admit native_decide and other native evaluation" },
	{ "CS_MAX_HEARTBEATS", CS_CONF_INT, "400000", 0, BIG, NULL, 0, "largest maxHeartbeats a proof may set" },
	/* inputs */
	{ "CS_DEFAULT_HEADER", CS_CONF_STR, NULL, 0, 0, NULL, 0, "header of problems that come without one" },
	{ "CS_BENCHMARKS", CS_CONF_STR, NULL, 0, 0, NULL, 0, "benchmark statements cs-ingest marks and cs-export leaves out: the bundled ones (unset), none, or a fingerprint file added to them" },
	{ "CS_MAX_LINE", CS_CONF_INT, "67108864", 1024, 1099511627776.0, NULL, 0, "longest JSONL record, bytes" },
	/* the driver */
	{ "CS_WORKERS", CS_CONF_INT, "1", 1, 1024, NULL, 0, "stage processes per pass (GNU parallel when > 1)" },
	{ "CS_SSHLOGINFILE", CS_CONF_STR, NULL, 0, 0, NULL, 0, "GNU parallel --sshloginfile: spread the stages over hosts" },
	{ "CS_MAX_ROUNDS", CS_CONF_INT, "1000", 1, 1e9, NULL, 0, "most passes of a run in rounds (CS_WORKERS > 1)" },
	{ "CS_DOCTOR_TIMEOUT", CS_CONF_NUM, "60", 1e-3, 86400, NULL, 0, "how long doctor waits for each check, s" },
	{ "CS_QUIET", CS_CONF_FLAG, NULL, 0, 0, NULL, 0, "no live line on a terminal, no summary" },
	{ "CS_PROGRESS_EVERY", CS_CONF_NUM, "600", 0, 1e9, NULL, 0, "seconds between the progress lines a run logs off a terminal (cron, systemd, nohup); 0: none" },
	{ "CS_VERBOSE", CS_CONF_FLAG, NULL, 0, 0, NULL, 0, "more messages on stderr" },
	/* set by coldstart for its own programs */
	{ "CS_RUN_ID", CS_CONF_INT, "0", 0, BIG, NULL, 1, "the run records belong to" },
	{ "CS_DRIVER_PID", CS_CONF_INT, "0", 0, BIG, NULL, 1, "the driver whose death ends a stage" },
	{ "CS_SHARE", CS_CONF_STR, NULL, 0, 0, NULL, 1, "where the bundled data and doubles are" },
	{ "CS_LOCK_FD", CS_CONF_INT, NULL, 0, 1 << 20, NULL, 1, "descriptor of the run lock the driver holds" },
};

const struct cs_conf *cs_conf_table(size_t *n)
{
	*n = CS_ARRAY_SIZE(table);
	return table;
}

const struct cs_conf *cs_conf_find(const char *name)
{
	for (size_t i = 0; i < CS_ARRAY_SIZE(table); i++)
		if (!strcmp(table[i].name, name))
			return &table[i];
	return NULL;
}

/* Levenshtein distance of a and b (insertions, deletions, substitutions), up to
 * 64 characters of b compared; longer names are far from every setting anyway. */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), row[65];
	if (lb > 64)
		return (size_t)-1;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0], up;
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t best = diag + (a[i - 1] != b[j - 1]);
			up = row[j];
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	return row[lb];
}

const char *cs_conf_nearest(const char *name)
{
	const char *best = NULL;
	size_t best_d = (size_t)-1, len = strlen(name);
	size_t limit = len / 4 > 2 ? len / 4 : 2;
	for (size_t i = 0; i < CS_ARRAY_SIZE(table); i++) {
		size_t d = edit_distance(name, table[i].name);
		if (d < best_d) {
			best_d = d;
			best = table[i].name;
		}
	}
	return best_d <= limit ? best : NULL;
}

static const struct cs_conf *need(const char *name)
{
	const struct cs_conf *c = cs_conf_find(name);
	if (!c)
		die(CS_ECONFIG, "internal error: setting %s is not in lib/conf.c", name);
	return c;
}

static int choice_index(const char *choices, const char *v)
{
	size_t n = strlen(v);
	int i = 0;
	for (const char *p = choices; *p; i++) {
		const char *bar = strchr(p, '|');
		size_t len = bar ? (size_t)(bar - p) : strlen(p);
		if (len == n && !memcmp(p, v, n))
			return i;
		p += len + (bar ? 1 : 0);
	}
	return -1;
}

/* Parse v as c's type; 0 with *num set for numeric types, or -1 with *why. */
static int parse(const struct cs_conf *c, const char *v, double *num, char **why)
{
	char *end;
	*num = 0;
	switch (c->type) {
	case CS_CONF_INT:
	case CS_CONF_BOOL: {
		long long n;
		double lo = c->type == CS_CONF_BOOL ? 0 : c->min, hi = c->type == CS_CONF_BOOL ? 1 : c->max;
		errno = 0;
		n = strtoll(v, &end, 10);
		if (errno || end == v || *end) {
			*why = xasprintf("%s=%s: not an integer", c->name, v);
			return -1;
		}
		if ((double)n < lo || (double)n > hi) {
			*why = xasprintf("%s=%lld: out of range [%.0f, %.0f]", c->name, n, lo, hi);
			return -1;
		}
		*num = (double)n;
		return 0;
	}
	case CS_CONF_NUM:
		errno = 0;
		*num = strtod(v, &end);
		if (errno || end == v || *end || !(*num >= c->min && *num <= c->max)) {
			*why = xasprintf("%s=%s: not a number in [%g, %g]", c->name, v, c->min, c->max);
			return -1;
		}
		return 0;
	case CS_CONF_CHOICE:
		if (choice_index(c->choices, v) < 0) {
			char *alts = xstrdup(c->choices);
			for (char *p = alts; *p; p++)
				if (*p == '|')
					*p = ',';
			*why = xasprintf("%s=%s: not one of %s", c->name, v, alts);
			free(alts);
			return -1;
		}
		return 0;
	case CS_CONF_URL:
		if (strncmp(v, "http://", 7) && strncmp(v, "https://", 8)) {
			*why = xasprintf("%s=%s: not an http:// or https:// URL", c->name, v);
			return -1;
		}
		return 0;
	case CS_CONF_SECRET:
		if (strpbrk(v, "\r\n")) {
			*why = xasprintf("%s holds a line break", c->name); /* the key itself is not shown */
			return -1;
		}
		return 0;
	case CS_CONF_PRICE: {
		const char *p = v;
		int k = 0;
		double x[4];
		while (*p) {
			p += strspn(p, " \t");
			if (!*p)
				break;
			errno = 0;
			x[k < 3 ? k : 3] = strtod(p, &end);
			if (errno || end == p || (*end && !strchr(" \t", *end)) || !(x[k < 3 ? k : 3] >= 0) ||
			    x[k < 3 ? k : 3] > 1e12) {
				*why = xasprintf("%s=%s: not IN OUT [CACHED] (numbers >= 0, per million tokens)",
						 c->name, v);
				return -1;
			}
			k++;
			p = end;
		}
		if (k < 2 || k > 3) {
			*why = xasprintf("%s=%s: %d number%s; want IN OUT [CACHED] (per million prompt, "
					 "completion and cache-hit prompt tokens)", c->name, v, k, k == 1 ? "" : "s");
			return -1;
		}
		return 0;
	}
	case CS_CONF_URLS: {
		int k = 0;
		for (const char *p = v; *p;) {
			size_t n;
			p += strspn(p, ", \t\r\n");
			if (!*p)
				break;
			n = strcspn(p, ", \t\r\n");
			const char *hash = memchr(p, '#', n);
			if (strncmp(p, "http://", 7) && strncmp(p, "https://", 8)) {
				*why = xasprintf("%s: `%.*s` is not an http:// or https:// URL", c->name, (int)n, p);
				return -1;
			}
			if (hash) { /* URL#JOBS: checks in flight to that server */
				long jobs = strtol(hash + 1, &end, 10);
				if (end != p + n || hash[1] < '0' || hash[1] > '9' || jobs < 1 || jobs > 1024) {
					*why = xasprintf("%s: `%.*s`: #JOBS must be a number of checks in flight, "
							 "1 to 1024", c->name, (int)n, p);
					return -1;
				}
			}
			k++;
			p += n;
		}
		if (!k) {
			*why = xasprintf("%s holds no URL", c->name);
			return -1;
		}
		return 0;
	}
	case CS_CONF_STR:
	case CS_CONF_FLAG:
		return 0;
	}
	return 0;
}

int cs_conf_check(const struct cs_conf *c, const char *value, char **why)
{
	double num;
	*why = NULL;
	if (!value || !*value)
		return 0;
	return parse(c, value, &num, why);
}

/* The text of c: environment, else default (following "=NAME"), else NULL. */
static const char *text_of(const struct cs_conf *c)
{
	const char *v = cs_env(c->name, NULL);
	int hops = 0;
	while (!v && c->def && c->def[0] == '=' && hops++ < 8) {
		c = need(c->def + 1);
		v = cs_env(c->name, NULL);
	}
	return v ? v : c->def && c->def[0] != '=' ? c->def : NULL;
}

static double number(const char *name, int *found)
{
	const struct cs_conf *c = need(name);
	const char *v = text_of(c);
	char *why = NULL;
	double num;
	*found = v != NULL;
	if (!v)
		return 0;
	if (parse(c, v, &num, &why))
		die(CS_ECONFIG, "%s", why);
	return num;
}

long cs_conf_long(const char *name)
{
	int found;
	double d = number(name, &found);
	if (!found)
		die(CS_ECONFIG, "internal error: setting %s has no default", name);
	return (long)d;
}

long cs_conf_long_or(const char *name, long def)
{
	int found;
	double d = number(name, &found);
	return found ? (long)d : def;
}

double cs_conf_double(const char *name)
{
	int found;
	double d = number(name, &found);
	if (!found)
		die(CS_ECONFIG, "internal error: setting %s has no default", name);
	return d;
}

const char *cs_conf_str(const char *name)
{
	const struct cs_conf *c = need(name);
	const char *v = text_of(c);
	char *why = NULL;
	double num;
	if (v && parse(c, v, &num, &why))
		die(CS_ECONFIG, "%s", why);
	return v;
}

int cs_conf_choice(const char *name)
{
	const struct cs_conf *c = need(name);
	const char *v = cs_conf_str(name);
	return v ? choice_index(c->choices, v) : 0;
}

int cs_conf_on(const char *name)
{
	const struct cs_conf *c = need(name);
	if (c->type == CS_CONF_FLAG) {
		const char *v = cs_env(name, NULL);
		return v && strcmp(v, "0");
	}
	return cs_conf_long(name) != 0;
}

int cs_conf_price(const char *name, double price[3])
{
	const struct cs_conf *c = need(name);
	const char *v = cs_conf_str(name); /* dies on a bad value */
	char *end;
	int k = 0;
	price[0] = price[1] = price[2] = 0;
	if (!v || !*v || c->type != CS_CONF_PRICE)
		return 0;
	for (const char *p = v; k < 3; k++, p = end) {
		price[k] = strtod(p, &end);
		if (end == p)
			break;
	}
	if (k < 3)
		price[2] = price[0];
	return 1;
}

char *cs_conf_json(char *(*fill)(const char *name))
{
	json_t *o = json_object();
	char *s;
	for (size_t i = 0; i < CS_ARRAY_SIZE(table); i++) {
		const struct cs_conf *c = &table[i];
		const char *v;
		char *computed = NULL, *why = NULL;
		double num;
		json_t *val;
		if (c->internal)
			continue;
		if (c->type == CS_CONF_SECRET) {
			if (cs_env(c->name, NULL))
				json_object_set_new(o, c->name, json_string("(set)"));
			continue;
		}
		v = text_of(c);
		if (!v && fill)
			v = computed = fill(c->name);
		if (!v) {
			val = json_null();
		} else if (parse(c, v, &num, &why)) {
			val = json_string(v); /* recorded as given; the reader refuses it */
		} else if (c->type == CS_CONF_INT || c->type == CS_CONF_BOOL) {
			val = json_integer((json_int_t)num);
		} else if (c->type == CS_CONF_NUM) {
			val = json_real(num);
		} else {
			val = json_string(v);
		}
		json_object_set_new(o, c->name, val ? val : json_string("(not UTF-8)"));
		free(why);
		free(computed);
	}
	s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(15)); /* 0.6, not 0.59999999999999998 */
	json_decref(o);
	if (!s)
		die(CS_EIO, "cannot encode the configuration");
	return s;
}

long cs_mem_available_mb(void)
{
	FILE *fp = fopen("/proc/meminfo", "r");
	char line[256];
	long kb = -1;
	if (!fp)
		return -1;
	while (fgets(line, sizeof line, fp))
		if (sscanf(line, "MemAvailable: %ld kB", &kb) == 1)
			break;
	fclose(fp);
	return kb < 0 ? -1 : kb / 1024;
}

long cs_cores(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n;
}
