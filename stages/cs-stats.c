/* cs-stats: what is done, pending and failed, and what it cost. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cs.h"
#include "db.h"

static const char usage[] =
	"[-r REPORT]...\n"
	"Print the state of the corpus (CS_DB): problems per depth and status, why\n"
	"problems failed, what the policy refused, samples and tokens per model and\n"
	"stage, verdicts, the corpus, the corpus rows valid under each toolchain (the\n"
	"view v_toolchains), spending (at CS_*_PRICE: total, per corpus row, the last\n"
	"run), checks per kimina-lean-server, and the last runs (requests, tokens, cache\n"
	"hits, seconds, rows added, cost: the view v_runs).\n"
	"  -r, --report REPORT  only this report (repeatable): progress, failures,\n"
	"             refusals, ingest, subgoals, cost, verdicts, corpus, toolchains,\n"
	"             money, servers, runs\n";

/* The rows of one report, kept to align the columns (reports are a few rows). */
struct table {
	json_t *rows;
};

static int keep(json_t *row, void *ctx)
{
	struct table *t = ctx;
	json_array_append(t->rows, row);
	return 0;
}

static char *cell(const json_t *v)
{
	if (json_is_string(v))
		return xstrdup(json_string_value(v));
	if (json_is_integer(v))
		return xasprintf("%lld", (long long)json_integer_value(v));
	if (json_is_real(v))
		return xasprintf("%.10g", json_real_value(v));
	return xstrdup("-");
}

/* Display width: UTF-8 continuation bytes take no column. */
static size_t width(const char *s)
{
	size_t w = 0;
	for (; *s; s++)
		w += ((unsigned char)*s & 0xc0) != 0x80;
	return w;
}

static void print_padded(const char *s, size_t w, int last)
{
	fputs(s, stdout);
	if (!last)
		for (size_t i = width(s); i < w + 2; i++)
			putchar(' ');
}

static int report(sqlite3 *db, const struct db_report *r)
{
	struct table t = { json_array() };
	size_t ncol = 0, *w = NULL, i, j;
	json_t *row, *v;
	const char *key;
	long n = db_report(db, r->name, keep, &t);
	if (n < 0) {
		json_decref(t.rows);
		return -1;
	}
	printf("%s\n", r->title);
	if (n == 0)
		printf("  (none)\n");
	json_array_foreach(t.rows, i, row) {
		ncol = json_object_size(row);
		if (!w) {
			w = xcalloc(ncol, sizeof *w);
			j = 0;
			json_object_foreach(row, key, v)
				w[j++] = width(key);
		}
		j = 0;
		json_object_foreach(row, key, v) {
			char *c = cell(v);
			if (j < ncol && width(c) > w[j])
				w[j] = width(c);
			j++;
			free(c);
		}
	}
	json_array_foreach(t.rows, i, row) {
		if (i == 0) {
			j = 0;
			fputs("  ", stdout);
			json_object_foreach(row, key, v) {
				print_padded(key, w[j], j + 1 == ncol);
				j++;
			}
			putchar('\n');
		}
		j = 0;
		fputs("  ", stdout);
		json_object_foreach(row, key, v) {
			char *c = cell(v);
			print_padded(c, w[j], j + 1 == ncol);
			free(c);
			j++;
		}
		putchar('\n');
	}
	printf("\n");
	free(w);
	json_decref(t.rows);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "report", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char **only = NULL;
	size_t nonly = 0, n;
	const struct db_report *reports;
	int opt, code, bad = 0;
	sqlite3 *db;

	cs_init(argv[0]);
	reports = db_reports(&n);
	while ((opt = getopt_long(argc, argv, "hr:", longopts, NULL)) != -1) {
		switch (opt) {
		case 'h': cs_usage(usage, CS_OK);
		case 'V': cs_print_version();
		case 'r': {
			size_t i;
			for (i = 0; i < n && strcmp(reports[i].name, optarg); i++)
				;
			if (i == n)
				die(CS_EUSAGE, "no report '%s' (progress, failures, refusals, cost, verdicts, corpus, toolchains, runs)",
				    optarg);
			only = xrealloc(only, (nonly + 1) * sizeof *only);
			only[nonly++] = reports[i].name;
			break;
		}
		default: cs_usage(usage, CS_EUSAGE);
		}
	}
	if (optind != argc)
		cs_usage(usage, CS_EUSAGE);
	if (!(db = db_open_existing(db_path(), 1, &code))) {
		free(only);
		return code;
	}
	for (size_t i = 0; i < n; i++) {
		int wanted = !nonly;
		for (size_t k = 0; k < nonly; k++)
			wanted |= !strcmp(only[k], reports[i].name);
		if (wanted && report(db, &reports[i]))
			bad = 1;
	}
	free(only);
	db_close(db);
	return bad ? CS_EIO : CS_OK;
}
