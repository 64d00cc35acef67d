/* cs-ingest: load theorems into the corpus, in the shapes the public datasets publish. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "conf.h"
#include "cs.h"
#include "db.h"
#include "jsonl.h"
#include "jsonl_array.h"
#include "lean_bench.h"
#include "lean_fingerprint.h"
#include "lean_input.h"

static const char usage[] =
	"[-q] [-s SOURCE] [--field NAME=KEY]... [FILE|DIR|-]...\n"
	"Load problems into the corpus (CS_DB, default ./coldstart.db).\n"
	"FILE is JSONL (or one JSON array) of records, or a .lean file holding one\n"
	"theorem after its header; DIR loads every .lean file below it, in sorted\n"
	"order; '-' or no FILE reads records on stdin. A record's fields, first found:\n"
	"  name              name, id, uuid, problem_id, full_name (the theorem keeps\n"
	"                    its own name; another id is kept as its source key)\n"
	"  formal_statement  formal_statement: `theorem ... := by` (or `:= by sorry`,\n"
	"                    `:= sorry`, `:=`), imports and options before it allowed\n"
	"  informal          informal_prefix, informal_statement,\n"
	"                    natural_language_statement, problem\n"
	"  header            header, src_header; without one, and without imports in\n"
	"                    the statement: CS_DEFAULT_HEADER, else import Mathlib,\n"
	"                    import Aesop, set_option maxHeartbeats 400000,\n"
	"                    open BigOperators Real Nat Topology Rat\n"
	"  split, goal       split, goal\n"
	"Loading the same problem twice adds nothing. Refused records are named\n"
	"(file:line) and recorded in the corpus (coldstart status counts them).\n"
	"A problem whose statement reads as a benchmark's (CS_BENCHMARKS: miniF2F,\n"
	"ProofNet, PutnamBench by default; names, comments and spacing aside) is marked\n"
	"(problems.benchmark) and counted; cs-export leaves it out (CS_VERBOSE names each).\n"
	"Takes the run lock (CS_DB.lock) as run and retry do: exit 3 while a run holds it.\n"
	"  -q, --quiet         no summary on stderr\n"
	"  -s, --source SOURCE name recorded as the problems' source (default: the file)\n"
	"  --field NAME=KEY    read field NAME (name, informal, header,\n"
	"                      formal_statement, split, goal, source_key) from KEY\n"
	"Exit: 0 all loaded, 1 some records bad, 2 usage, 3 configuration or a run\n"
	"holds the lock, 4 I/O.\n";

#define DEFAULT_HEADER \
	"import Mathlib\nimport Aesop\n\nset_option maxHeartbeats 400000\n\nopen BigOperators Real Nat Topology Rat\n\n"
#define BATCH 512

enum field { F_NAME, F_INFORMAL, F_HEADER, F_STATEMENT, F_SPLIT, F_GOAL, F_SOURCE_KEY, F_COUNT };
static const char *const field_names[F_COUNT] = {
	"name", "informal", "header", "formal_statement", "split", "goal", "source_key",
};
/* The keys each field is looked for under, first found wins (--field replaces them). */
static const char *const field_keys[F_COUNT][6] = {
	[F_NAME] = { "name", "id", "uuid", "problem_id", "full_name" },
	[F_INFORMAL] = { "informal_prefix", "informal_statement", "natural_language_statement", "problem" },
	[F_HEADER] = { "header", "src_header" },
	[F_STATEMENT] = { "formal_statement" },
	[F_SPLIT] = { "split" },
	[F_GOAL] = { "goal" },
	[F_SOURCE_KEY] = { NULL },
};

struct ingest {
	sqlite3 *db;
	const char *source;          /* -s, or NULL: each file's path */
	const char *field[F_COUNT];  /* --field overrides */
	const char *default_header;
	char *last_source;           /* whose earlier refusals were forgotten */
	int refusals;                /* the corpus may hold refusals (else nothing to forget) */
	int verbose;                 /* CS_VERBOSE: name each benchmark statement */
	struct lean_bench_set *bench;/* benchmark statements (CS_BENCHMARKS) */
	int check_bench;             /* any to check */
	long read, added, present, bad, in_tx, benchmarks;
};

/* One record to load: where it is, and what the dataset says. */
struct record {
	const char *path, *source;
	long line;                   /* of the record (JSONL), 0 for a .lean file */
	const char *id, *text, *header, *informal, *split, *goal, *source_key;
};

/* Commit every BATCH records: a crash loses at most a batch, memory stays flat. */
static int batch_step(struct ingest *g)
{
	if (++g->in_tx < BATCH)
		return 0;
	g->in_tx = 0;
	return db_commit(g->db) || db_begin(g->db) ? -1 : 0;
}

/* Record a refused record in the corpus. 0, or -1 on a database error. */
static int keep_refusal(struct ingest *g, const struct record *rec, const char *name, long at,
			const char *reason, const char *why)
{
	char *key = name ? NULL : xasprintf("line %ld", at);
	int rc = db_refusal_add(g->db, rec->source, name ? name : key, at, reason, why);
	g->bad++;
	g->refusals = 1;
	free(key);
	return rc || batch_step(g) ? -1 : 0;
}

/* Report a refused record on stderr (path:line, the record's name, why) and keep it. */
static int refuse(struct ingest *g, const struct record *rec, const char *name, int line,
		  const char *reason, const char *why)
{
	long at = rec->line ? rec->line : line > 0 ? line : 1;
	if (rec->line && name)
		error("%s:%ld: %s: %s", rec->path, at, name, why);
	else
		error("%s:%ld: %s", rec->path, at, why);
	return keep_refusal(g, rec, name, at, reason, why);
}

/* The header of a problem: what preceded the theorem (the record's header, then
 * what its statement brought), after the default header when there was neither a
 * header nor an import. Ends in a newline. */
static char *problem_header(const struct ingest *g, const struct record *rec, const struct lean_input *in)
{
	struct sbuf sb = SBUF_INIT;
	if (!rec->header && !in->header_imports) {
		sbuf_adds(&sb, g->default_header);
		if (sb.len && sb.buf[sb.len - 1] != '\n')
			sbuf_addch(&sb, '\n');
	}
	if (in->header[strspn(in->header, " \t\r\n")])
		sbuf_adds(&sb, in->header);
	return sbuf_detach(&sb);
}

/* Load one theorem. 0 (loaded, present or refused), -1 on a database error. */
static int load(struct ingest *g, const struct record *rec)
{
	struct lean_input in;
	char *why = NULL, *text, *header = NULL, *informal = NULL, *bench = NULL, hex[65] = "";
	int rc = -1, inserted;
	long long id;
	size_t n = rec->header ? strlen(rec->header) : 0;

	/* the record's header goes before its statement: a `sorry` or a second theorem
	 * there is found as in a .lean file */
	text = xasprintf("%s%s%s", rec->header ? rec->header : "",
			 n && rec->header[n - 1] != '\n' ? "\n" : "", rec->text);
	if (lean_input_parse(text, &in, &why)) {
		rc = refuse(g, rec, rec->id ? rec->id : in.name, in.why_line,
			    lean_input_reason(in.refusal), why);
		goto out;
	}
	header = problem_header(g, rec, &in);
	informal = lean_informal_doc(rec->informal ? rec->informal : in.doc ? in.doc : "");
	if (lean_fingerprint(in.statement, hex, &why)) {
		/* lean_input_parse read it: cannot happen; the problem loads unmarked */
		free(why);
		why = NULL;
	} else if (g->check_bench && (bench = lean_bench_match(g->bench, hex))) {
		g->benchmarks++;
		if (g->verbose)
			warning("%s:%ld: %s reads as benchmark statement %s: marked, left out of exports",
				rec->path, rec->line ? rec->line : 1, in.name, bench);
	}
	{
		const char *given = rec->line ? rec->text : in.decl;
		struct db_problem p = {
			.fingerprint = *hex ? hex : NULL, .benchmark = bench, .set_benchmark = g->check_bench,
			.name = in.name, .source = rec->source, .split = rec->split, .header = header,
			.informal = informal, .formal_statement = in.statement, .goal = rec->goal,
			.original_statement = strcmp(given, in.statement) ? given : NULL,
			.source_key = rec->source_key ? rec->source_key
				      : rec->id && strcmp(rec->id, in.name) ? rec->id : NULL,
		};
		if (db_problem_insert(g->db, &p, &id, &inserted) ||
		    (g->refusals && db_refusals_forget_name(g->db, rec->id, in.name)) || batch_step(g))
			goto out;
	}
	if (inserted)
		g->added++;
	else
		g->present++;
	rc = 0;
out:
	lean_input_release(&in);
	free(why);
	free(text);
	free(header);
	free(informal);
	free(bench);
	return rc;
}

/* Forget what an earlier ingest of source refused, once per run. */
static int start_source(struct ingest *g, const char *source)
{
	if (g->last_source && !strcmp(g->last_source, source))
		return 0;
	free(g->last_source);
	g->last_source = xstrdup(source);
	return db_refusals_forget_source(g->db, source);
}

static int ingest_lean(struct ingest *g, const char *path)
{
	struct record rec = { .path = path, .source = g->source ? g->source : path };
	char *text;
	size_t len, bad;
	int rc;

	if (!(text = cs_read_file(path, &len))) {
		error("%s: cannot read: %s", path, strerror(errno));
		g->bad++;
		return 0;
	}
	g->read++;
	rec.text = text;
	if (start_source(g, rec.source))
		rc = -1;
	else if (!cs_utf8_valid(text, len, &bad))
		rc = refuse(g, &rec, NULL, 1, "not-utf8", "not UTF-8");
	else
		rc = load(g, &rec);
	free(text);
	return rc;
}

/* Field f of a record: a string, not blank (or, for ids, an integer written out
 * into buf). *key: the (first) key it is looked for under. */
static const char *field(const struct ingest *g, const json_t *o, enum field f, char buf[32],
			 const char **key)
{
	const char *const *keys = field_keys[f], *one[2] = { g->field[f], NULL };
	if (g->field[f])
		keys = one;
	*key = keys[0] ? keys[0] : field_names[f];
	for (; *keys; keys++) {
		json_t *v = json_object_get(o, *keys);
		const char *s = json_string_value(v);
		if (s && s[strspn(s, " \t\r\n")])
			return s;
		if (buf && json_is_integer(v)) {
			snprintf(buf, 32, "%lld", (long long)json_integer_value(v));
			return buf;
		}
	}
	return NULL;
}

static int ingest_records(struct ingest *g, const char *path)
{
	struct jsonl_reader r;
	struct jsonl_array arr;
	json_t *o;
	int rc, ret = 0, is_array;

	if (jsonl_open(&r, path)) {
		g->bad++;
		return 0;
	}
	if (!cs_env("CS_MAX_LINE", NULL))
		r.max_line = 1 << 20;
	is_array = jsonl_array_begin(&arr, &r);
	struct record rec = { .path = r.path, .source = g->source ? g->source : r.path };
	if (start_source(g, rec.source)) {
		jsonl_close(&r);
		return -1;
	}
	while ((rc = is_array ? jsonl_array_next(&arr, &o) : jsonl_next(&r, &o)) != CS_END) {
		char idbuf[32], keybuf[32];
		const char *key;
		if (rc == CS_STOP)
			break;
		g->read++;
		rec.line = r.lineno;
		if (rc == CS_BAD_RECORD) {
			/* jsonl printed why */
			if ((ret = keep_refusal(g, &rec, NULL, rec.line, "unreadable-record",
						"not a JSON object (not JSON, not UTF-8, or too long)")))
				break;
			continue;
		}
		rec.id = field(g, o, F_NAME, idbuf, &key);
		rec.source_key = field(g, o, F_SOURCE_KEY, keybuf, &key);
		rec.header = field(g, o, F_HEADER, NULL, &key);
		rec.informal = field(g, o, F_INFORMAL, NULL, &key);
		rec.split = field(g, o, F_SPLIT, NULL, &key);
		rec.goal = field(g, o, F_GOAL, NULL, &key);
		if ((rec.text = field(g, o, F_STATEMENT, NULL, &key))) {
			ret = load(g, &rec);
		} else {
			char *why = xasprintf("missing string field '%s'", key);
			ret = refuse(g, &rec, rec.id, 0, "missing-field", why);
			free(why);
		}
		json_decref(o);
		if (ret)
			break;
	}
	if (rc == CS_STOP)
		g->bad++;
	jsonl_close(&r);
	return ret;
}

static int is_lean_file(const char *path)
{
	size_t n = strlen(path);
	return n > 5 && !strcmp(path + n - 5, ".lean");
}

static int by_path(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The .lean files below dir into *v (n, cap): hidden entries (.git, .lake) skipped,
 * symbolic links to directories not followed. 0, or -1 after naming what failed. */
static int find_lean(const char *dir, char ***v, size_t *n, size_t *cap)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int rc = 0;
	if (!d)
		return error("%s: cannot read the directory: %s", dir, strerror(errno));
	while ((e = readdir(d))) {
		struct stat st;
		char *path;
		if (e->d_name[0] == '.')
			continue;
		path = xasprintf("%s/%s", dir, e->d_name);
		if (lstat(path, &st) || (S_ISLNK(st.st_mode) && stat(path, &st))) {
			rc = error("%s: %s", path, strerror(errno));
		} else if (S_ISDIR(st.st_mode)) {
			struct stat l;
			if (!lstat(path, &l) && !S_ISLNK(l.st_mode) && find_lean(path, v, n, cap))
				rc = -1;
		} else if (S_ISREG(st.st_mode) && is_lean_file(path)) {
			*v = cs_grow(*v, cap, *n, sizeof **v);
			(*v)[(*n)++] = path;
			continue;
		}
		free(path);
	}
	closedir(d);
	return rc;
}

static int ingest_dir(struct ingest *g, const char *dir)
{
	char **v = NULL;
	size_t n = 0, cap = 0, i;
	int rc = 0;
	if (find_lean(dir, &v, &n, &cap))
		g->bad++;
	if (!n) {
		error("%s: no .lean file below it", dir);
		g->bad++;
	}
	qsort(v, n, sizeof(*v), by_path);
	for (i = 0; i < n; i++) {
		if (!rc)
			rc = ingest_lean(g, v[i]);
		free(v[i]);
	}
	free(v);
	return rc;
}

static int ingest_path(struct ingest *g, const char *path)
{
	struct stat st;
	if (!strcmp(path, "-"))
		return ingest_records(g, "-");
	if (stat(path, &st)) {
		error("%s: %s", path, strerror(errno));
		g->bad++;
		return 0;
	}
	if (S_ISDIR(st.st_mode))
		return ingest_dir(g, path);
	return is_lean_file(path) ? ingest_lean(g, path) : ingest_records(g, path);
}

static void set_field(struct ingest *g, const char *arg)
{
	const char *eq = strchr(arg, '=');
	for (int f = 0; eq && eq[1] && f < F_COUNT; f++)
		if (strlen(field_names[f]) == (size_t)(eq - arg) && !strncmp(arg, field_names[f], eq - arg)) {
			g->field[f] = eq + 1;
			return;
		}
	die(CS_EUSAGE, "--field %s: want NAME=KEY, NAME one of name, informal, header, "
	    "formal_statement, split, goal, source_key", arg);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "field", required_argument, NULL, 'F' },
		{ "source", required_argument, NULL, 's' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct ingest g = { 0 };
	int quiet = 0, opt, code, rc = 0;

	cs_init(argv[0]);
	while ((opt = getopt_long(argc, argv, "hqs:", longopts, NULL)) != -1) {
		switch (opt) {
		case 'h': cs_usage(usage, CS_OK);
		case 'V': cs_print_version();
		case 'q': quiet = 1; break;
		case 's': g.source = optarg; break;
		case 'F': set_field(&g, optarg); break;
		default: cs_usage(usage, CS_EUSAGE);
		}
	}
	g.default_header = cs_conf_str("CS_DEFAULT_HEADER") ? cs_conf_str("CS_DEFAULT_HEADER") : DEFAULT_HEADER;
	g.verbose = cs_conf_on("CS_VERBOSE");
	{
		char *why = NULL;
		size_t nsp;
		if (!(g.bench = lean_bench_setting(cs_conf_str("CS_BENCHMARKS"), &why)))
			die(CS_ECONFIG, "CS_BENCHMARKS: %s", why);
		lean_bench_splits(g.bench, &nsp);
		g.check_bench = nsp > 0;
	}
	if (!(g.db = db_open(db_path(), 0, &code))) {
		lean_bench_free(g.bench);
		return code;
	}
	/* the run lock, as run and retry take it: no run is reading what this adds
	 * (the driver's own lock, CS_LOCK_FD, is this one) */
	if (cs_lock_corpus(db_path(), &code) < 0) {
		db_close(g.db);
		lean_bench_free(g.bench);
		return code;
	}
	if (db_begin(g.db) || (g.refusals = db_refusals_any(g.db)) < 0)
		return CS_EIO;
	if (optind == argc && ingest_path(&g, "-"))
		rc = -1;
	for (int i = optind; i < argc && !rc; i++)
		if (ingest_path(&g, argv[i]))
			die(CS_EIO, "%s: cannot store problems of %s; nothing of its current batch was kept",
			    db_path(), argv[i]);
	if (rc || db_commit(g.db))
		die(CS_EIO, "%s: cannot store problems; nothing of the current batch was kept", db_path());
	db_close(g.db);
	free(g.last_source);
	lean_bench_free(g.bench);
	if (!quiet)
		fprintf(stderr, "%s: %ld read, %ld added, %ld already present, %ld bad; %ld benchmark statements%s\n",
			cs_progname, g.read, g.added, g.present, g.bad, g.benchmarks,
			g.check_bench ? "" : " (CS_BENCHMARKS=none: not checked)");
	return g.bad ? CS_EPARTIAL : CS_OK;
}
