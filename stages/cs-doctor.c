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
	"[--settings-only | -l [-f FORMAT]]\n"
	"Check what a real run needs before it pays for a request: every CS_* setting\n"
	"that is set (with the parsers the programs use; a bad one stops here), each\n"
	"endpoint (GET /models serves the model), the Lean checker (proves 1 + 1 = 2),\n"
	"the corpus (never created here). Each check waits at most CS_DOCTOR_TIMEOUT\n"
	"(60 s). Then the configuration in effect (secrets as (set) or (unset)), the\n"
	"sandbox and the audits. Exits 3 when a check fails.\n"
	"  --settings-only   the settings only, silent when they are valid (coldstart\n"
	"                    run does this)\n"
	"  -l, --list        list every setting with its type, default and meaning\n"
	"  -f, --format F    of the list: text (default), markdown (doc/configuration.md)\n"
	"                    or man (the ENVIRONMENT of coldstart(1))\n";

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

/* CS_BUDGET without a price for both roles cannot be kept: why (malloc'd), or NULL. */
static char *budget_without_price(void)
{
	double price[3];
	const char *budget = getenv("CS_BUDGET");
	if (!budget || !*budget)
		return NULL;
	if (!cs_conf_price("CS_PROVER_PRICE", price))
		return xstrdup("CS_BUDGET is set but CS_PROVER_PRICE is not: set both prices (IN OUT [CACHED])");
	if (!cs_conf_price("CS_DECOMPOSER_PRICE", price))
		return xstrdup("CS_BUDGET is set but CS_DECOMPOSER_PRICE is not: set both prices (IN OUT [CACHED])");
	return NULL;
}

/* Every setting of the table that is set, and every unknown CS_* variable. quiet:
 * report on stderr only what is wrong (for -s). Returns the number of bad values. */
static int check_settings(int quiet)
{
	size_t n, nunknown = 0;
	const struct cs_conf *t = cs_conf_table(&n);
	char **unknown = NULL, *msg_budget;
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
	if (!bad && (msg_budget = budget_without_price())) {
		if (quiet)
			error("%s", msg_budget);
		else
			line("FAIL", "settings", "%s", msg_budget);
		free(msg_budget);
		bad++;
	}
	if (nunknown)
		qsort(unknown, nunknown, sizeof *unknown, by_name);
	for (size_t i = 0; i < nunknown; i++) {
		const char *near = cs_conf_nearest(unknown[i]);
		char *msg = near ? xasprintf("unknown setting %s: did you mean %s?", unknown[i], near)
				 : xasprintf("unknown setting %s (typo? cs-doctor -l lists them all)", unknown[i]);
		if (quiet)
			warning("%s", msg);
		else
			line("warn", "settings", "%s", msg);
		free(msg);
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

/* Check 1 + 1 = 2 with the pool of cfg (one REPL, or the one server cfg.url names):
 * 0, or -1 after its FAIL line. what: the line's label. */
static int check_lean_one(const struct lean_pool_config *base, const char *url, double limit, const char *what)
{
	struct lean_pool *pool;
	struct lean_check *chk = NULL;
	struct lean_pool_stats st;
	double start = cs_now();
	int rc = -1;
	{
		struct lean_pool_config cfg = *base;
		cfg.jobs = 1;
		cfg.jobs_decision = NULL; /* one REPL: the default's decision does not apply */
		cfg.url = (char *)url;
		if (cfg.timeout > limit) /* a REPL that never answers must not hold doctor for 300 s */
			cfg.timeout = limit;
		pool = lean_pool_new(&cfg);
	}
	if (!pool) {
		line("FAIL", what, "cannot set up the pool (see above)");
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
		line("ok", what, "%s%s%s %s checks 1 + 1 = 2%s", url ? url : "", url ? ": " : "", chk->checker,
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
		line("FAIL", what, "%s%sno answer within %g s (CS_DOCTOR_TIMEOUT)", url ? url : "", url ? ": " : "",
		     limit);
	} else {
		line("FAIL", what, "%s%s%s: %s", url ? url : "", url ? ": " : "", lean_verdict_name(chk->verdict),
		     chk->why ? chk->why : "see the messages above");
	}
	if (chk)
		lean_check_free(chk);
	lean_pool_free(pool);
	return rc;
}

/* The local REPL, or each kimina-lean-server of CS_LEAN_URL on its own (a run goes on
 * while one answers, but doctor says which do not). */
static int check_lean(double limit)
{
	char **base;
	int *jobs, *rcs, n, nbad = 0;
	checking("lean");
	if (lean_pool_config_from_env(&lean_cfg)) {
		line("FAIL", "lean", "configuration (CS_LEAN_REPL or CS_LEAN_URL, see above)");
		return -1;
	}
	lean_configured = 1;
	if (!lean_cfg.url)
		return check_lean_one(&lean_cfg, NULL, limit, "lean");
	if (!(n = lean_kimina_servers(lean_cfg.url, lean_cfg.jobs, &base, &jobs))) {
		line("FAIL", "lean", "CS_LEAN_URL (see above)");
		return -1;
	}
	rcs = xcalloc((size_t)n, sizeof *rcs);
	for (int i = 0; i < n; i++) {
		rcs[i] = check_lean_one(&lean_cfg, base[i], limit, "lean");
		free(base[i]);
	}
	for (int i = 0; i < n; i++)
		nbad += rcs[i] != 0;
	if (n > 1 && nbad == n)
		line("FAIL", "lean", "none of the %d kimina-lean-servers answers", n);
	else if (n > 1 && nbad)
		line("warn", "lean", "%d of %d kimina-lean-servers do not answer: a run sets them aside and "
		     "probes them again", nbad, n);
	else if (n > 1)
		line("ok", "lean", "%d kimina-lean-servers, every one answers", n);
	free(rcs);
	free(base);
	free(jobs);
	return nbad == n ? -1 : 0;
}

static int check_corpus(void)
{
	const char *path = db_path();
	struct db_probe pr;
	checking("corpus");
	db_probe(path, &pr);
	if (!pr.exists) {
		if (!pr.dir_exists) {
			line("FAIL", "corpus", "%s cannot be created: directory %s does not exist", path, pr.dir);
			return -1;
		}
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
		printf("Sandbox: none by coldstart (a kimina-lean-server of %s runs wherever it runs)\n",
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

/* A setting's type and range in words: "integer 1..4096", "one of auto|bwrap|none". */
static char *type_text(const struct cs_conf *c)
{
	static const char *const types[] = { [CS_CONF_INT] = "integer", [CS_CONF_NUM] = "number",
		[CS_CONF_BOOL] = "0 or 1", [CS_CONF_CHOICE] = "one of", [CS_CONF_STR] = "text",
		[CS_CONF_URL] = "http(s) URL", [CS_CONF_SECRET] = "secret", [CS_CONF_FLAG] = "set or not",
		[CS_CONF_PRICE] = "IN OUT [CACHED]", [CS_CONF_URLS] = "http(s) URLs" };
	if (c->type == CS_CONF_INT && c->max >= 9e18)
		return xasprintf("%s >= %.0f", types[c->type], c->min);
	if (c->type == CS_CONF_INT)
		return xasprintf("%s %.0f..%.0f", types[c->type], c->min, c->max);
	if (c->type == CS_CONF_NUM)
		return xasprintf("%s %g..%g", types[c->type], c->min, c->max);
	if (c->type == CS_CONF_CHOICE)
		return xasprintf("%s %s", types[c->type], c->choices);
	return xstrdup(types[c->type]);
}

/* s for roff: backslashes as \e, hyphens as \- (copy-paste safe), a leading dot or
 * quote neutralised. */
static void put_roff(const char *s)
{
	if (*s == '.' || *s == '\'')
		fputs("\\&", stdout);
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\e", stdout);
		else if (*s == '-')
			fputs("\\-", stdout);
		else
			putchar(*s);
	}
}

/* s for a markdown table cell: | escaped. */
static void put_md(const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			putchar('\\');
		putchar(*s);
	}
}

enum list_format { LIST_TEXT, LIST_MARKDOWN, LIST_MAN };

/* -l: every setting, its type, default and meaning; as text (one setting in two
 * lines), markdown (doc/configuration.md) or roff (the man page's ENVIRONMENT). */
static void list_settings(enum list_format f)
{
	size_t n;
	const struct cs_conf *t = cs_conf_table(&n);
	if (f == LIST_MARKDOWN)
		printf("# Configuration\n\n"
		       "<!-- generated by `cs-doctor --list --format markdown` from lib/conf.c; do not edit -->\n\n"
		       "Every setting of coldstart is an environment variable. `coldstart doctor`\n"
		       "checks the values set (with the parsers the programs use) and prints those in\n"
		       "effect; a bad value stops `coldstart run` before anything is asked or stored\n"
		       "(exit 3); an unknown `CS_*` name is warned about, with the nearest setting.\n"
		       "`cs-doctor -l` prints this table on a terminal.\n\n"
		       "| Setting | Type | Default | Meaning |\n"
		       "|---|---|---|---|\n");
	for (size_t i = 0; i < n; i++) {
		const struct cs_conf *c = &t[i];
		char *type;
		if (c->internal)
			continue;
		type = type_text(c);
		if (f == LIST_TEXT) {
			printf("%s=%s%s (%s)\n    %s\n", c->name, !c->def ? "" : c->def[0] == '=' ? "$" : "",
			       !c->def ? "" : c->def[0] == '=' ? c->def + 1 : c->def, type, c->doc);
		} else if (f == LIST_MARKDOWN) {
			printf("| `%s` | ", c->name);
			put_md(type);
			if (!c->def)
				printf(" | | ");
			else if (c->def[0] == '=')
				printf(" | as `%s` | ", c->def + 1);
			else
				printf(" | `%s` | ", c->def);
			put_md(c->doc);
			printf(" |\n");
		} else {
			printf(".TP\n.B ");
			put_roff(c->name);
			printf("\n(");
			put_roff(type);
			if (c->def && c->def[0] == '=') {
				printf("; default: as ");
				put_roff(c->def + 1);
			} else if (c->def) {
				printf("; default: ");
				put_roff(c->def);
			}
			printf(")\n");
			put_roff(c->doc);
			putchar('\n');
		}
		free(type);
	}
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "settings-only", no_argument, NULL, 'S' },
		{ "list", no_argument, NULL, 'l' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int opt, bad = 0, settings_only = 0, list = 0;
	enum list_format format = LIST_TEXT;
	double limit;
	cs_init(argv[0]);
	while ((opt = getopt_long(argc, argv, "hlf:", longopts, NULL)) != -1) {
		switch (opt) {
		case 'h': cs_usage(usage, CS_OK);
		case 'V': cs_print_version();
		case 'S': settings_only = 1; break;
		case 'l': list = 1; break;
		case 'f':
			if (!strcmp(optarg, "text"))
				format = LIST_TEXT;
			else if (!strcmp(optarg, "markdown") || !strcmp(optarg, "md"))
				format = LIST_MARKDOWN;
			else if (!strcmp(optarg, "man"))
				format = LIST_MAN;
			else
				die(CS_EUSAGE, "unknown format '%s' (text, markdown, man)", optarg);
			break;
		default: cs_usage(usage, CS_EUSAGE);
		}
	}
	if (optind != argc || (settings_only && list))
		cs_usage(usage, CS_EUSAGE);
	if (list) {
		list_settings(format);
		return CS_OK;
	}
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
