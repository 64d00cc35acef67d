/* cs-export: stream the corpus as JSONL, or write it as a Hugging Face dataset folder. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "conf.h"
#include "cs.h"
#include "db.h"
#include "jsonl.h"
#include "lean_bench.h"
#include "lean_repl.h"

static const char usage[] =
	"[-q] [-f FORMAT] [-o DIR] [--name GLOB] [--include-unverified] [--require-audit]\n"
	"[--toolchain current|ID] [--include-benchmarks]\n"
	"Write the corpus (CS_DB) as JSONL on stdout, one row at a time; on stderr, how\n"
	"many rows were written and why the others were left out.\n"
	"  -f, --format FORMAT  one of the five below\n"
	"  -o, --output DIR     the folder of -f hf\n"
	"  -f sft         {\"name\",\"source\",\"split\",\"source_key\",\"depth\",\"messages\":\n"
	"                 [user: prompt, assistant: completion],\"checked_by\"} per\n"
	"                 cold-start example (default)\n"
	"  -f hf -o DIR   a Hugging Face dataset folder: DIR/data/SPLIT.jsonl (the sft\n"
	"                 rows, one file per split of the problems, train when none) and\n"
	"                 DIR/README.md, its dataset card (rows per split and depth,\n"
	"                 models, checker)\n"
	"  -f curriculum  subgoal theorems, forms (a) and (b), with their proofs\n"
	"  -f unsolved    the theorems not yet proved, in the miniF2F input format\n"
	"  -f corpus      every column of the corpus table, and the row's audit\n"
	"  -D, --include-unverified  also rows not checked by a recognised Lean (a test\n"
	"                 double's, real_lean = 0); refused by default (alias --include-doubles)\n"
	"  -A, --require-audit  (sft, corpus) only rows whose kernel replay (cs-audit)\n"
	"                 passed, by a checker that is Lean unless --include-unverified\n"
	"  --name GLOB    only the rows of problems whose name matches GLOB (not hf)\n"
	"  -T, --toolchain current|ID  (sft, hf, corpus) only rows whose latest check under\n"
	"                 that toolchain passed (coldstart reverify): current is the configured\n"
	"                 checker's (CS_LEAN_DIR's lean-toolchain and lake-manifest.json, or\n"
	"                 CS_LEAN_URL), as its latest check recorded it; ID a row of the\n"
	"                 toolchains table (coldstart status lists them)\n"
	"  -B, --include-benchmarks  also the rows of problems whose statement reads as a\n"
	"                 benchmark's (marked by cs-ingest: miniF2F, ProofNet, PutnamBench),\n"
	"                 and (curriculum) the subgoal lemmas below them; left out by default\n"
	"  -q, --quiet    no count on stderr (what was left out is still said)\n";

static enum cs_outcome emit(json_t *rec, void *ctx)
{
	(void)ctx;
	if (jsonl_write(stdout, rec))
		die(CS_EIO, "write to standard output failed: %s", strerror(errno));
	return CS_DONE;
}

/* Say how many corpus rows the export left out, and why. */
static void report_left_out(sqlite3 *db, int flags, const char *name, int curriculum)
{
	struct db_export_left l;
	if (db_export_left_out(db, flags, name, &l))
		return;
	if (l.unverified)
		warning("%lld rows checked by a test double or an unrecognised checker, not by Lean, "
			"left out (--include-unverified, alias --include-doubles, to export them)", l.unverified);
	if (l.unaudited)
		warning("%lld rows left out by --require-audit: not audited yet (cs-audit)", l.unaudited);
	if (l.audit_failed)
		warning("%lld rows left out by --require-audit: the audit checker refused them", l.audit_failed);
	if (flags & DB_EXPORT_TOOLCHAIN) {
		long long broken, unchecked;
		if (db_export_toolchain_left(db, flags, name, &broken, &unchecked) == 0) {
			if (broken)
				warning("%lld rows left out by --toolchain: their latest check under it did not pass", broken);
			if (unchecked)
				warning("%lld rows left out by --toolchain: never checked under it (coldstart reverify)",
					unchecked);
		}
	}
	if (l.audit_unverified)
		warning("%lld rows left out by --require-audit: audited by a checker that is not Lean "
			"(--include-unverified to admit them)", l.audit_unverified);
	if (curriculum ? l.benchmark_lemmas : l.benchmark)
		warning("%lld %s of benchmark problems left out (--include-benchmarks to export them)",
			curriculum ? l.benchmark_lemmas : l.benchmark, curriculum ? "proved subgoal lemmas" : "rows");
}

/* The environment key of the toolchain --toolchain names; dies when there is none. */
static char *toolchain_env(sqlite3 *db, const char *arg)
{
	char *env = NULL, *end;
	int rc;
	if (!strcmp(arg, "current")) {
		struct lean_toolchain files;
		const char *url = cs_conf_str("CS_LEAN_URL");
		struct db_toolchain t = { url ? "kimina" : "repl", NULL, NULL, NULL, NULL, 0 };
		lean_toolchain_read(url ? NULL : cs_conf_str("CS_LEAN_DIR"), &files);
		t.lean_toolchain = files.lean_toolchain;
		t.mathlib_rev = files.mathlib_rev;
		t.repl_rev = files.repl_rev;
		rc = db_toolchain_env_matching(db, &t, &env);
		if (rc == 0)
			die(CS_ECONFIG, "--toolchain current: no check recorded under the configured checker's toolchain "
			    "(%s, lean-toolchain %s, Mathlib %s, REPL %s): run `coldstart reverify` first", t.checker,
			    t.lean_toolchain ? t.lean_toolchain : "?", t.mathlib_rev ? t.mathlib_rev : "?",
			    t.repl_rev ? t.repl_rev : "?");
		lean_toolchain_release(&files);
	} else {
		long long id = strtoll(arg, &end, 10);
		if (*end || id < 1)
			die(CS_EUSAGE, "--toolchain %s: not 'current' nor the id of a toolchain", arg);
		if ((rc = db_toolchain_env(db, id, &env)) == 0)
			die(CS_EUSAGE, "--toolchain %s: no such toolchain (coldstart status lists them)", arg);
	}
	if (rc < 0 || db_export_set_toolchain(db, env))
		exit(CS_EIO);
	return env;
}

/* The files of an hf export, one per split. */
struct hf {
	const char *dir;
	struct hf_split {
		char *name, *tmp;
		FILE *fp;
		long rows;
	} *v;
	size_t n;
};

/* The Hugging Face split name of a problem's split: its word characters
 * (\w+ is what the Hub accepts), "train" when it has none. */
static char *split_name(const char *split)
{
	char *s = xstrdup(split && *split ? split : "train");
	for (char *p = s; *p; p++)
		if (!(*p == '_' || (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
			*p = '_';
	return s;
}

static struct hf_split *hf_split(struct hf *h, const char *split)
{
	char *name = split_name(split);
	size_t i;
	for (i = 0; i < h->n; i++)
		if (!strcmp(h->v[i].name, name)) {
			free(name);
			return &h->v[i];
		}
	h->v = xrealloc(h->v, (h->n + 1) * sizeof(*h->v));
	struct hf_split *s = &h->v[h->n++];
	s->name = name;
	s->tmp = xasprintf("%s/data/%s.jsonl.tmp", h->dir, name);
	s->rows = 0;
	if (!(s->fp = fopen(s->tmp, "w")))
		die(CS_EIO, "%s: %s", s->tmp, strerror(errno));
	return s;
}

static enum cs_outcome emit_hf(json_t *rec, void *ctx)
{
	struct hf_split *s = hf_split(ctx, jsonl_str(rec, "split"));
	s->rows++;
	if (jsonl_write(s->fp, rec))
		die(CS_EIO, "%s: %s", s->tmp, strerror(errno));
	return CS_DONE;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct hf_split *)a)->name, ((const struct hf_split *)b)->name);
}

/* Move tmp into place as path; dies on failure. */
static void commit_file(FILE *fp, const char *tmp, const char *path)
{
	if (fflush(fp) || ferror(fp) || fclose(fp) || rename(tmp, path))
		die(CS_EIO, "%s: %s", path, strerror(errno));
}

static const char *size_category(long long n)
{
	return n < 1000 ? "n<1K" : n < 10000 ? "1K<n<10K" : n < 100000 ? "10K<n<100K"
	     : n < 1000000 ? "100K<n<1M" : "1M<n<10M";
}

/* A table cell: the value, "none" for null, | escaped. */
static void cell(FILE *fp, const json_t *v)
{
	if (json_is_integer(v)) {
		fprintf(fp, " %lld |", (long long)json_integer_value(v));
		return;
	}
	fputc(' ', fp);
	for (const char *s = json_is_string(v) ? json_string_value(v) : "none"; *s; s++) {
		if (*s == '|')
			fputc('\\', fp);
		fputc(*s == '\n' ? ' ' : *s, fp);
	}
	fputs(" |", fp);
}

/* Rows of a summary table: keys as columns. */
static void table(FILE *fp, const json_t *rows, const char *const *keys, const char *const *titles)
{
	size_t i, k;
	json_t *r;
	fputc('|', fp);
	for (k = 0; keys[k]; k++)
		fprintf(fp, " %s |", titles[k]);
	fputs("\n|", fp);
	for (k = 0; keys[k]; k++)
		fputs("---|", fp);
	fputc('\n', fp);
	json_array_foreach(rows, i, r) {
		fputc('|', fp);
		for (k = 0; keys[k]; k++)
			cell(fp, json_object_get(r, keys[k]));
		fputc('\n', fp);
	}
}

/* The card's section on benchmarks: which were checked, what was found, what left out. */
static void card_benchmarks(FILE *fp, const json_t *sum, int flags)
{
	const json_t *b = json_object_get(sum, "benchmarks");
	long long problems = jsonl_int(b, "problems", 0), rows = jsonl_int(b, "rows", 0);
	struct lean_bench_set *set;
	char *why = NULL;
	size_t n;
	fputs("\n## Benchmarks kept out\n\n", fp);
	if (!(set = lean_bench_setting(cs_conf_str("CS_BENCHMARKS"), &why)))
		die(CS_ECONFIG, "CS_BENCHMARKS: %s", why);
	const struct lean_bench_split *sp = lean_bench_splits(set, &n);
	if (!n) {
		fputs("No benchmark was checked (CS_BENCHMARKS=none).\n", fp);
	} else {
		fputs("Every problem's statement was compared, as Lean reads it (names, comments and spacing\n"
		      "aside: coldstart's statement fingerprint), with the statements of these evaluation splits:\n\n"
		      "| benchmark | split | statements |\n|---|---|---|\n", fp);
		for (size_t i = 0; i < n; i++)
			fprintf(fp, "| %s | %s | %ld |\n", sp[i].benchmark, sp[i].split, sp[i].entries);
	}
	fprintf(fp, "\n%lld problems of the corpus read as one of them; their %lld rows (and their subgoal\n"
		"lemmas) %s.\n", problems, rows,
		flags & DB_EXPORT_BENCHMARKS ? "**are in this dataset** (exported with `--include-benchmarks`)"
					     : "were left out of this dataset");
	lean_bench_free(set);
}

static void card(FILE *fp, const struct hf *h, const json_t *sum, int doubles, int flags, const char *env)
{
	long long rows = jsonl_int(sum, "rows", 0), dbl = jsonl_int(sum, "doubles", 0);
	char now[32];
	size_t i;
	cs_utc_iso(now);
	fprintf(fp, "---\n"
		"license: other # set it: the rows derive from the input problems' datasets and from\n"
		"               # the outputs of the models below, each under its own terms\n"
		"pretty_name: coldstart cold-start proofs\n"
		"language:\n- en\n"
		"task_categories:\n- text-generation\n"
		"tags:\n- lean4\n- theorem-proving\n- formal-mathematics\n- coldstart\n"
		"size_categories:\n- %s\n"
		"configs:\n- config_name: default\n  data_files:\n", size_category(rows));
	for (i = 0; i < h->n; i++)
		fprintf(fp, "  - split: %s\n    path: data/%s.jsonl\n", h->v[i].name, h->v[i].name);
	fprintf(fp, "---\n\n# coldstart cold-start proofs\n\n");
	if (doubles && dbl)
		fprintf(fp, "**Not training data: %lld of these %lld rows were checked by a test double, "
			"not by Lean** (exported with `--include-doubles`).\n\n", dbl, rows);
	fprintf(fp,
		"Cold-start data for Lean 4 provers, made by coldstart the way DeepSeek-Prover-V2 made\n"
		"its own (arXiv 2504.21801, section 2): a decomposer model sketched each theorem as `have`\n"
		"steps, a prover model proved the steps as lemmas (decomposing again what it could not\n"
		"prove), Lean checked every piece, and the proofs were spliced into one complete proof.\n\n"
		"Each row is one theorem. `messages` holds two turns: the user turn is the prover's\n"
		"chain-of-thought prompt for the theorem, the assistant turn the decomposer's reasoning\n"
		"followed by the complete proof in a ```` ```lean4 ```` block.\n\n"
		"## Rows\n\n"
		"%lld rows: %lld checked by Lean, %lld by a test double.\n\n",
		rows, jsonl_int(sum, "lean", 0), dbl);
	fputs("| split | rows |\n|---|---|\n", fp);
	for (i = 0; i < h->n; i++)
		fprintf(fp, "| %s | %ld |\n", h->v[i].name, h->v[i].rows);
	fputs("\nBy the problems' own split and the depth of the decomposition (1: the sketch's\n"
	      "lemmas were proved directly; more: some were decomposed again):\n\n", fp);
	table(fp, json_object_get(sum, "splits"), (const char *const[]){ "split", "depth", "rows", NULL },
	      (const char *const[]){ "split", "depth", "rows" });
	fputs("\n## Models\n\n", fp);
	table(fp, json_object_get(sum, "models"),
	      (const char *const[]){ "decomposer_model", "prover_model", "checker", "rows", NULL },
	      (const char *const[]){ "decomposer", "prover", "checker", "rows" });
	fputs("\n## Toolchains\n\n"
	      "What each row's proof was checked with when it was made (null: not recorded):\n\n", fp);
	table(fp, json_object_get(sum, "toolchains"),
	      (const char *const[]){ "checker", "lean_version", "lean_toolchain", "mathlib_rev", "repl_rev", "rows", NULL },
	      (const char *const[]){ "checker", "Lean", "lean-toolchain", "Mathlib", "REPL", "rows" });
	if (env) {
		json_t *e = json_pack("[o]", db_toolchain_env_json(env));
		fputs("\nOnly rows whose latest check under this toolchain passed are included:\n\n", fp);
		table(fp, e, (const char *const[]){ "checker", "lean_version", "lean_toolchain",
			"mathlib_rev", "repl_rev", NULL },
		      (const char *const[]){ "checker", "Lean", "lean-toolchain", "Mathlib", "REPL" });
		json_decref(e);
	}
	fputs("\n## Sources\n\n", fp);
	table(fp, json_object_get(sum, "sources"), (const char *const[]){ "source", "rows", NULL },
	      (const char *const[]){ "problems loaded from", "rows" });
	card_benchmarks(fp, sum, flags);
	fprintf(fp,
		"\n## Fields\n\n"
		"- `name`: the theorem's name\n"
		"- `source`: the file its problem was loaded from\n"
		"- `split`: the problem's split as its dataset gave it (null: none; such rows are in `train`)\n"
		"- `source_key`: the dataset's id of the problem, when it is not the theorem's name\n"
		"- `depth`: the deepest recursion of the decomposition\n"
		"- `messages`: `[{\"role\": \"user\", \"content\"}, {\"role\": \"assistant\", \"content\"}]`\n"
		"- `checked_by`: `lean`, or `test-double` for a row no Lean checked\n"
		"- `toolchain`: what its proof was checked with: `checker`, `lean_version`, `lean_toolchain`,\n"
		"  `mathlib_rev`, `repl_rev` (null: not recorded)\n\n"
		"## Licence\n\n"
		"To be set by whoever publishes this folder (see `license` above).\n\n"
		"Written by coldstart %s on %s from rows made %s to %s.\n",
		cs_version(), now, jsonl_str(sum, "first") ? jsonl_str(sum, "first") : "-",
		jsonl_str(sum, "last") ? jsonl_str(sum, "last") : "-");
}

/* -f hf -o DIR. Returns rows written; dies on I/O errors. */
static long export_hf(sqlite3 *db, const char *dir, int flags, const char *env)
{
	struct hf h = { .dir = dir };
	char *data = xasprintf("%s/data", dir), *path, *tmp;
	json_t *sum;
	FILE *fp;
	long n;
	size_t i;
	if ((mkdir(dir, 0777) && errno != EEXIST) || (mkdir(data, 0777) && errno != EEXIST))
		die(CS_EIO, "%s: %s", data, strerror(errno));
	free(data);
	if (db_export(db, "sft", flags, NULL, emit_hf, &h, &n) != CS_DONE ||
	    !(sum = db_export_summary(db, flags)))
		exit(CS_EIO);
	if (!h.n)
		hf_split(&h, NULL); /* a card names at least one split, if empty */
	qsort(h.v, h.n, sizeof(*h.v), by_name);
	for (i = 0; i < h.n; i++) {
		path = xasprintf("%s/data/%s.jsonl", dir, h.v[i].name);
		commit_file(h.v[i].fp, h.v[i].tmp, path);
		free(path);
	}
	tmp = xasprintf("%s/README.md.tmp", dir);
	path = xasprintf("%s/README.md", dir);
	if (!(fp = fopen(tmp, "w")))
		die(CS_EIO, "%s: %s", tmp, strerror(errno));
	card(fp, &h, sum, flags & DB_EXPORT_UNVERIFIED, flags, env);
	commit_file(fp, tmp, path);
	free(tmp);
	free(path);
	json_decref(sum);
	for (i = 0; i < h.n; i++) {
		free(h.v[i].name);
		free(h.v[i].tmp);
	}
	free(h.v);
	return n;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "name", required_argument, NULL, 'N' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "include-unverified", no_argument, NULL, 'D' },
		{ "output", required_argument, NULL, 'o' },
		{ "include-doubles", no_argument, NULL, 'D' },
		{ "require-audit", no_argument, NULL, 'A' },
		{ "toolchain", required_argument, NULL, 'T' },
		{ "include-benchmarks", no_argument, NULL, 'B' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *format = "sft", *out = NULL, *name = NULL, *toolchain = NULL;
	char *env = NULL;
	int opt, flags = 0, code, hf, quiet = 0;
	long n;
	sqlite3 *db;

	cs_init(argv[0]);
	while ((opt = getopt_long(argc, argv, "hqf:o:DAT:B", longopts, NULL)) != -1) {
		switch (opt) {
		case 'h': cs_usage(usage, CS_OK);
		case 'V': cs_print_version();
		case 'f': format = optarg; break;
		case 'o': out = optarg; break;
		case 'N': name = optarg; break;
		case 'q': quiet = 1; break;
		case 'D': flags |= DB_EXPORT_UNVERIFIED; break;
		case 'A': flags |= DB_EXPORT_AUDITED; break;
		case 'T': toolchain = optarg; flags |= DB_EXPORT_TOOLCHAIN; break;
		case 'B': flags |= DB_EXPORT_BENCHMARKS; break;
		default: cs_usage(usage, CS_EUSAGE);
		}
	}
	if (optind != argc)
		cs_usage(usage, CS_EUSAGE);
	hf = !strcmp(format, "hf");
	if (!hf && strcmp(format, "sft") && strcmp(format, "curriculum") && strcmp(format, "unsolved") &&
	    strcmp(format, "corpus"))
		die(CS_EUSAGE, "unknown format '%s' (sft, hf, curriculum, unsolved, corpus)", format);
	if (hf != !!out)
		die(CS_EUSAGE, hf ? "-f hf needs -o DIR" : "-o DIR goes with -f hf");
	if ((flags & DB_EXPORT_AUDITED) && strcmp(format, "sft") && strcmp(format, "hf") && strcmp(format, "corpus"))
		die(CS_EUSAGE, "--require-audit applies to -f sft, hf and corpus (audits are of corpus rows)");
	if (hf && name)
		die(CS_EUSAGE, "--name goes with -f sft, curriculum, unsolved and corpus (a dataset is the whole corpus)");
	if (toolchain && strcmp(format, "sft") && strcmp(format, "hf") && strcmp(format, "corpus"))
		die(CS_EUSAGE, "--toolchain applies to -f sft, hf and corpus (its checks are of corpus rows)");
	quiet |= cs_conf_on("CS_QUIET");
	if (!(db = db_open_existing(db_path(), 1, &code)))
		return code;
	if (toolchain)
		env = toolchain_env(db, toolchain);
	if (hf)
		n = export_hf(db, out, flags, env);
	else if (db_export(db, format, flags, name, emit, NULL, &n) != CS_DONE)
		n = -1;
	/* The count first, then why the others were left out: on stderr, beside the data. */
	if (n >= 0 && fflush(stdout))
		die(CS_EIO, "write to standard output failed: %s", strerror(errno));
	if (hf && n >= 0 && !quiet)
		fprintf(stderr, "%s: %ld rows in %s/data, dataset card %s/README.md\n", cs_progname, n, out, out);
	else if (n >= 0 && !quiet)
		fprintf(stderr, "%s: %ld %s%s written (-f %s)%s%s%s\n", cs_progname, n,
			!strcmp(format, "unsolved") ? "theorem" : !strcmp(format, "curriculum") ? "lemma record" : "row",
			n == 1 ? "" : "s", format, name ? "; problems matching '" : "", name ? name : "", name ? "'" : "");
	if (n >= 0 && strcmp(format, "unsolved"))
		report_left_out(db, flags, name, !strcmp(format, "curriculum"));
	db_close(db);
	free(env);
	return n < 0 ? CS_EIO : CS_OK;
}
