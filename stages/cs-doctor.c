/* cs-doctor: is everything a real run needs in place? A line as each check starts
 * and one as it ends, then the configuration in effect. Changes nothing on disk. */
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "cs.h"
#include "db.h"
#include "lean_repl.h"
#include "llm.h"

static const char usage[] =
	"[-s | -l]\n"
	"Check what a real run needs before it pays for a request: every CS_* setting\n"
	"that is set (with the parsers the programs use; a bad one stops here), each\n"
	"endpoint (GET /models serves the model), the Lean checker (proves 1 + 1 = 2),\n"
	"the corpus (never created here). Each check waits at most CS_DOCTOR_TIMEOUT\n"
	"(60 s). Then the configuration in effect (secrets as (set) or (unset)), the\n"
	"sandbox and the audits. Exits 3 when a check fails.\n"
	"  -s  the settings only, silent when they are valid (coldstart run does this)\n"
	"  -l  list every setting with its type, default and meaning\n";

#define HEADER "import Mathlib\n"
#define PROBE "theorem coldstart_doctor : 1 + 1 = 2 := by norm_num\n"

extern char **environ;

/* What the Lean check learnt, for the summary at the end. */
static struct lean_pool_config lean_cfg;
static int lean_configured, lean_sandboxed = -1;

static void line(const char *verdict, const char *what, const char *fmt, ...) CS_PRINTF(3, 4);
static void line(const char *verdict, const char *what, const char *fmt, ...)
{
	va_list ap;
	printf("%-4s %-10s ", verdict, what);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static void checking(const char *what)
{
	printf("checking %s ...\n", what);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Endpoints whose key must be set when they name DeepSeek's API. */
static const struct {
	const char *role, *url, *key, *fallback;
} roles[] = {
	{ "decomposer", "CS_DECOMPOSER_URL", "CS_DECOMPOSER_API_KEY", "DEEPSEEK_API_KEY" },
	{ "prover", "CS_PROVER_URL", "CS_PROVER_API_KEY", NULL },
};

/* The endpoint of roles[i] (a valid URL) is DeepSeek's API and no key is set: every
 * request would be refused (401). */
static int missing_key(size_t i)
{
	const struct cs_conf *c = cs_conf_find(roles[i].url);
	const char *url = cs_env(c->name, c->def);
	char *why = NULL;
	if (!url || cs_conf_check(c, url, &why)) {
		free(why);
		return 0;
	}
	return strstr(url, "://api.deepseek.com") && !cs_env(roles[i].key, NULL) &&
	       !(roles[i].fallback && cs_env(roles[i].fallback, NULL));
}

/* Every setting of the table that is set, and every unknown CS_* variable. quiet:
 * report on stderr only what is wrong (for -s). Returns the number of bad values. */
static int check_settings(int quiet)
{
	size_t n, nunknown = 0;
	const struct cs_conf *t = cs_conf_table(&n);
	char **unknown = NULL;
	int bad = 0, set = 0;
	for (size_t i = 0; i < n; i++) {
		const char *v = getenv(t[i].name);
		char *why;
		if (!v || !*v)
			continue;
		set++;
		if (cs_conf_check(&t[i], v, &why)) {
			if (quiet)
				error("%s", why);
			else
				line("FAIL", "settings", "%s", why);
			free(why);
			bad++;
		}
	}
	for (char **e = environ; *e; e++) {
		size_t len = strcspn(*e, "=");
		char *name;
		if (strncmp(*e, "CS_", 3))
			continue;
		name = xstrndup(*e, len);
		if (cs_conf_find(name)) {
			free(name);
			continue;
		}
		unknown = xrealloc(unknown, (nunknown + 1) * sizeof *unknown);
		unknown[nunknown++] = name;
	}
	for (size_t i = 0; i < CS_ARRAY_SIZE(roles); i++) {
		char *msg;
		if (!missing_key(i))
			continue;
		msg = xasprintf("no %s API key for DeepSeek's API (set %s%s%s)", roles[i].role, roles[i].key,
				roles[i].fallback ? " or " : "", roles[i].fallback ? roles[i].fallback : "");
		if (quiet)
			warning("%s", msg);
		else
			line("warn", "settings", "%s", msg);
		free(msg);
	}
	if (nunknown)
		qsort(unknown, nunknown, sizeof *unknown, by_name);
	for (size_t i = 0; i < nunknown; i++) {
		if (quiet)
			warning("unknown setting %s (typo?)", unknown[i]);
		else
			line("warn", "settings", "unknown setting %s (typo?)", unknown[i]);
		free(unknown[i]);
	}
	free(unknown);
	if (!bad && !quiet)
		line("ok", "settings", "%d set, all valid", set);
	return bad;
}

static int check_endpoint(const char *role, double limit)
{
	struct llm_endpoint ep;
	char *why = NULL;
	int rc;
	checking(role);
	if (llm_endpoint_from_env(&ep, role)) {
		line("FAIL", role, "endpoint configuration (see above)");
		return -1;
	}
	if (ep.timeout > limit)
		ep.timeout = limit;
	if (ep.connect_timeout > limit)
		ep.connect_timeout = limit;
	rc = llm_check_model(&ep, &why);
	if (rc == 0)
		line("ok", role, "%s serves %s", ep.url, ep.model);
	else
		line("FAIL", role, "%s: %s", ep.url, why ? why : "?");
	free(why);
	llm_endpoint_release(&ep);
	return rc;
}

static int check_lean(double limit)
{
	struct lean_pool *pool;
	struct lean_check *chk = NULL;
	struct lean_pool_stats st;
	double start = cs_now();
	int rc = -1;
	checking("lean");
	if (lean_pool_config_from_env(&lean_cfg)) {
		line("FAIL", "lean", "configuration (CS_LEAN_REPL or CS_LEAN_URL, see above)");
		return -1;
	}
	lean_configured = 1;
	{
		struct lean_pool_config cfg = lean_cfg;
		cfg.jobs = 1;
		cfg.jobs_decision = NULL; /* one REPL: the default's decision does not apply */
		if (cfg.timeout > limit) /* a REPL that never answers must not hold doctor for 300 s */
			cfg.timeout = limit;
		pool = lean_pool_new(&cfg);
	}
	if (!pool) {
		line("FAIL", "lean", "cannot set up the pool (see above)");
		return -1;
	}
	if (lean_pool_submit(pool, &(struct lean_request){ HEADER, PROBE, "coldstart_doctor", PROBE }, NULL) == 0) {
		while (!(chk = lean_pool_next(pool)) && cs_now() - start < limit)
			if (lean_pool_poll(pool, 100) == 0 && !(chk = lean_pool_next(pool)))
				break;
	}
	lean_pool_get_stats(pool, &st);
	lean_sandboxed = st.sandboxed > 0;
	if (chk && chk->verdict == LEAN_PASS) {
		line("ok", "lean", "%s %s checks 1 + 1 = 2%s", chk->checker,
		     chk->version ? chk->version : "(version unknown)",
		     chk->real_lean ? "" : " (a test double, not Lean)");
		rc = 0;
		/* A checker on another Lean than the prover's training toolchain: proofs the
		 * prover writes may fail for the version's sake (renamed lemmas, tactics). */
		const char *want = cs_conf_str("CS_LEAN_EXPECTED_VERSION");
		if (chk->real_lean && want && *want && strcmp(chk->version, want) != 0)
			line("warn", "lean", "the checker runs Lean %s, not %s (CS_LEAN_EXPECTED_VERSION, the prover's "
			     "training toolchain): its proofs may fail for the version's sake; "
			     "`coldstart setup-lean DIR` builds that toolchain", chk->version, want);
	} else if (!chk) {
		line("FAIL", "lean", "no answer within %g s (CS_DOCTOR_TIMEOUT)", limit);
	} else {
		line("FAIL", "lean", "%s: %s", lean_verdict_name(chk->verdict),
		     chk->why ? chk->why : "see the messages above");
	}
	if (chk)
		lean_check_free(chk);
	lean_pool_free(pool);
	return rc;
}

static int check_corpus(void)
{
	const char *path = db_path();
	struct db_probe pr;
	checking("corpus");
	db_probe(path, &pr);
	if (!pr.exists) {
		if (!pr.writable) {
			line("FAIL", "corpus", "%s does not exist and cannot be created: %s is not writable",
			     path, pr.dir);
			return -1;
		}
		line("ok", "corpus", "%s does not exist yet: the first run creates it (%s is writable)",
		     path, pr.dir);
		return 0;
	}
	if (pr.version < 0) {
		line("FAIL", "corpus", "%s: %s", path, pr.why);
		return -1;
	}
	if (pr.version > DB_SCHEMA_VERSION) {
		line("FAIL", "corpus", "%s: schema version %d is newer than this coldstart (%d)", path,
		     pr.version, DB_SCHEMA_VERSION);
		return -1;
	}
	if (!pr.writable) {
		line("FAIL", "corpus", "%s is not writable (the file or its directory %s)", path, pr.dir);
		return -1;
	}
	if (pr.version == 0)
		line("ok", "corpus", "%s is an empty SQLite database: the first run makes it a corpus", path);
	else if (pr.version < DB_SCHEMA_VERSION)
		line("ok", "corpus", "%s is writable, schema %d: the next run migrates it to %d", path,
		     pr.version, DB_SCHEMA_VERSION);
	else
		line("ok", "corpus", "%s is writable (schema %d): %lld problems, %lld corpus rows", path,
		     pr.version, pr.problems, pr.rows);
	return 0;
}

static void print_value(const char *name, const json_t *v)
{
	if (json_is_string(v))
		printf("%s=%s\n", name, json_string_value(v));
	else if (json_is_integer(v))
		printf("%s=%lld\n", name, (long long)json_integer_value(v));
	else if (json_is_real(v))
		printf("%s=%g\n", name, json_real_value(v));
	else
		printf("%s=\n", name);
}

static void print_configuration(void)
{
	size_t n;
	const struct cs_conf *t = cs_conf_table(&n);
	char *s = cs_conf_json(lean_pool_computed_setting);
	json_t *conf = json_loads(s, 0, NULL);
	const char *audit = cs_conf_str("CS_LEAN_AUDIT_CMD");
	free(s);
	printf("\nConfiguration in effect (secrets shown as (set) or (unset)):\n");
	for (size_t i = 0; i < n; i++) {
		if (t[i].internal)
			continue;
		if (t[i].type == CS_CONF_SECRET)
			printf("%s=%s\n", t[i].name, cs_env(t[i].name, NULL) ? "(set)" : "(unset)");
		else
			print_value(t[i].name, json_object_get(conf, t[i].name));
	}
	json_decref(conf);
	printf("\n");
	if (!lean_configured)
		printf("Sandbox: unknown (no Lean checker configured)\n");
	else if (lean_cfg.url)
		printf("Sandbox: none by coldstart (the kimina-lean-server at %s runs wherever it runs)\n",
		       lean_cfg.url);
	else if (lean_sandboxed > 0)
		printf("Sandbox: on (the REPL ran under bubblewrap; lean_io/SANDBOX.md)\n");
	else if (lean_cfg.sandbox)
		printf("Sandbox: on (bubblewrap), not exercised: the check did not start a REPL\n");
	else if (!strcmp(cs_conf_str("CS_LEAN_SANDBOX"), "none"))
		printf("Sandbox: off (CS_LEAN_SANDBOX=none): model output runs unconfined\n");
	else
		printf("Sandbox: off (bwrap not found: apt-get install bubblewrap)\n");
	printf("Axiom audit (CS_LEAN_AXIOMS): %s\n", cs_conf_on("CS_LEAN_AXIOMS") ? "on" : "off");
	printf("Kernel audit (CS_LEAN_AUDIT_CMD): %s%s\n", audit ? "on: " : "off", audit ? audit : "");
}

/* -l: every setting, its type, default and meaning. */
static void list_settings(void)
{
	size_t n;
	const struct cs_conf *t = cs_conf_table(&n);
	static const char *const types[] = { [CS_CONF_INT] = "integer", [CS_CONF_NUM] = "number",
		[CS_CONF_BOOL] = "0 or 1", [CS_CONF_CHOICE] = "one of", [CS_CONF_STR] = "text",
		[CS_CONF_URL] = "http(s) URL", [CS_CONF_SECRET] = "secret", [CS_CONF_FLAG] = "set or not" };
	for (size_t i = 0; i < n; i++) {
		const struct cs_conf *c = &t[i];
		if (c->internal)
			continue;
		printf("%s=%s%s (%s", c->name, !c->def ? "" : c->def[0] == '=' ? "$" : "",
		       !c->def ? "" : c->def[0] == '=' ? c->def + 1 : c->def, types[c->type]);
		if (c->type == CS_CONF_INT && c->max >= 9e18)
			printf(" >= %.0f", c->min);
		else if (c->type == CS_CONF_INT)
			printf(" %.0f..%.0f", c->min, c->max);
		else if (c->type == CS_CONF_NUM)
			printf(" %g..%g", c->min, c->max);
		else if (c->type == CS_CONF_CHOICE)
			printf(" %s", c->choices);
		printf(")\n    %s\n", c->doc);
	}
}

int main(int argc, char **argv)
{
	int opt, bad = 0, settings_only = 0;
	double limit;
	cs_init(argv[0]);
	if (cs_wants_help(argc, argv))
		cs_usage(usage, CS_OK);
	while ((opt = getopt(argc, argv, "hsl")) != -1) {
		switch (opt) {
		case 'h': cs_usage(usage, CS_OK);
		case 's': settings_only = 1; break;
		case 'l': list_settings(); return CS_OK;
		default: cs_usage(usage, CS_EUSAGE);
		}
	}
	if (optind != argc)
		cs_usage(usage, CS_EUSAGE);
	if (settings_only)
		return check_settings(1) ? CS_ECONFIG : CS_OK;
	setvbuf(stdout, NULL, _IOLBF, 0); /* each line as it happens, even into a pipe */
	checking("settings");
	if (check_settings(0))
		return CS_ECONFIG;
	limit = cs_conf_double("CS_DOCTOR_TIMEOUT");
	bad |= check_endpoint("decomposer", limit);
	bad |= check_endpoint("prover", limit);
	bad |= check_lean(limit);
	bad |= check_corpus();
	print_configuration();
	lean_pool_config_release(&lean_cfg);
	return bad ? CS_ECONFIG : CS_OK;
}
