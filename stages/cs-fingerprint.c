/* cs-fingerprint: the fingerprints of theorem statements (lean_fingerprint.h), one
 * line each, as data/benchmarks/fingerprints.tsv holds them. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cs.h"
#include "jsonl.h"
#include "jsonl_array.h"
#include "lean_fingerprint.h"

static const char usage[] =
	"-b BENCHMARK [-S SPLIT] [-n KEY] [-k KEY] [-s KEY] FILE|DIR...\n"
	"Print one line per theorem statement, tab-separated: BENCHMARK, split, entry\n"
	"name and fingerprint (the statement as Lean reads it: comments, spacing, the\n"
	"theorem's name and its bound names aside; see README \"Benchmarks kept out\").\n"
	"FILE is JSONL (or one JSON array) of records, or a .lean file (its name is the\n"
	"entry's; its first theorem the statement); DIR: every .lean file below it, in\n"
	"sorted order. Refused statements are named on stderr.\n"
	"  -b BENCHMARK  the benchmark's name, first column\n"
	"  -S SPLIT      the split (default: the record's split key, else '-')\n"
	"  -n KEY        the entry's name key (default name)\n"
	"  -k KEY        the statement key (default formal_statement)\n"
	"  -s KEY        the split key (default split)\n"
	"Exit: 0 every statement printed, 1 some refused, 2 usage, 4 I/O.\n";

struct opts {
	const char *bench, *split, *name_key, *stmt_key, *split_key;
	long bad;
};

/* A field may hold tabs or newlines no line of the file can: they become spaces. */
static void field(const char *s)
{
	for (; *s; s++)
		putchar(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s);
}

static void print(struct opts *o, const char *where, const char *split, const char *name, const char *text)
{
	char hex[65], *why = NULL;
	if (lean_fingerprint(text, hex, &why)) {
		error("%s: %s: %s", where, name, why);
		free(why);
		o->bad++;
		return;
	}
	field(o->bench);
	putchar('\t');
	field(split && *split ? split : "-");
	putchar('\t');
	field(name);
	printf("\t%s\n", hex);
}

static void lean_file(struct opts *o, const char *path)
{
	size_t len;
	char *text = cs_read_file(path, &len), *name;
	const char *base = strrchr(path, '/');
	if (!text) {
		error("%s: cannot read: %s", path, strerror(errno));
		o->bad++;
		return;
	}
	name = xstrdup(base ? base + 1 : path);
	name[strlen(name) - 5] = 0; /* .lean */
	print(o, path, o->split, name, text);
	free(name);
	free(text);
}

static void records(struct opts *o, const char *path)
{
	struct jsonl_reader r;
	struct jsonl_array arr;
	json_t *rec;
	int rc, is_array;
	if (jsonl_open(&r, path)) {
		o->bad++;
		return;
	}
	r.max_line = 1 << 20;
	is_array = jsonl_array_begin(&arr, &r);
	while ((rc = is_array ? jsonl_array_next(&arr, &rec) : jsonl_next(&r, &rec)) != CS_END) {
		const char *name, *stmt;
		char *where;
		if (rc == CS_STOP) {
			o->bad++;
			break;
		}
		if (rc == CS_BAD_RECORD) {
			o->bad++;
			continue;
		}
		name = jsonl_str(rec, o->name_key);
		stmt = jsonl_str(rec, o->stmt_key);
		where = xasprintf("%s:%ld", r.path, r.lineno);
		if (!name || !stmt) {
			error("%s: no string '%s' or '%s'", where, o->name_key, o->stmt_key);
			o->bad++;
		} else {
			print(o, where, o->split ? o->split : jsonl_str(rec, o->split_key), name, stmt);
		}
		free(where);
		json_decref(rec);
	}
	jsonl_close(&r);
}

static int by_path(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void dir(struct opts *o, const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	char **v = NULL;
	size_t n = 0, cap = 0;
	if (!d) {
		error("%s: %s", path, strerror(errno));
		o->bad++;
		return;
	}
	while ((e = readdir(d)))
		if (e->d_name[0] != '.') {
			v = cs_grow(v, &cap, n, sizeof *v);
			v[n++] = xasprintf("%s/%s", path, e->d_name);
		}
	closedir(d);
	qsort(v, n, sizeof *v, by_path);
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		size_t len = strlen(v[i]);
		if (!lstat(v[i], &st) && S_ISDIR(st.st_mode))
			dir(o, v[i]);
		else if (S_ISREG(st.st_mode) && len > 5 && !strcmp(v[i] + len - 5, ".lean"))
			lean_file(o, v[i]);
		free(v[i]);
	}
	free(v);
}

int main(int argc, char **argv)
{
	struct opts o = { .name_key = "name", .stmt_key = "formal_statement", .split_key = "split" };
	int opt;
	cs_init(argv[0]);
	if (cs_wants_help(argc, argv))
		cs_usage(usage, CS_OK);
	while ((opt = getopt(argc, argv, "hb:S:n:k:s:")) != -1) {
		switch (opt) {
		case 'h': cs_usage(usage, CS_OK);
		case 'b': o.bench = optarg; break;
		case 'S': o.split = optarg; break;
		case 'n': o.name_key = optarg; break;
		case 'k': o.stmt_key = optarg; break;
		case 's': o.split_key = optarg; break;
		default: cs_usage(usage, CS_EUSAGE);
		}
	}
	if (!o.bench || optind == argc)
		cs_usage(usage, CS_EUSAGE);
	for (int i = optind; i < argc; i++) {
		struct stat st;
		size_t len = strlen(argv[i]);
		if (stat(argv[i], &st)) {
			error("%s: %s", argv[i], strerror(errno));
			o.bad++;
		} else if (S_ISDIR(st.st_mode)) {
			dir(&o, argv[i]);
		} else if (len > 5 && !strcmp(argv[i] + len - 5, ".lean")) {
			lean_file(&o, argv[i]);
		} else {
			records(&o, argv[i]);
		}
	}
	if (fflush(stdout) || ferror(stdout))
		die(CS_EIO, "cannot write the output: %s", strerror(errno));
	return o.bad ? CS_EPARTIAL : CS_OK;
}
