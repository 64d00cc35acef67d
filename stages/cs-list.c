/* cs-list: the problems of the corpus, one per line, with their status. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cs.h"
#include "db.h"

static const char usage[] =
	"[-a] [--status STATUS]\n"
	"Print the problems of the corpus (CS_DB), one per line: name, a tab, status\n"
	"(and, for a failed one, a tab and why). The original theorems only, unless -a.\n"
	"  -a, --all        also the problems made of subgoals (depth 1 and deeper), with\n"
	"                   their depth after the status\n"
	"  --status STATUS  only those of STATUS: proved, failed, pending (not proved nor\n"
	"                   failed yet), or a stage's: new, unproved, decomposed, recombine\n"
	"`coldstart show NAME` prints one problem's whole tree.\n";

static const char *const statuses[] = { "new", "unproved", "decomposed", "recombine", "proved", "failed",
					 "pending" };

struct list_ctx {
	int all;
};

static int put(const char *name, const char *status, int depth, const char *why, void *ctx)
{
	const struct list_ctx *x = ctx;
	fputs(name, stdout);
	putchar('\t');
	fputs(status, stdout);
	if (x->all)
		printf("\tdepth %d", depth);
	if (why && !strcmp(status, "failed")) {
		putchar('\t');
		for (const char *p = why; *p; p++) /* one problem, one line */
			putchar(*p == '\n' || *p == '\t' ? ' ' : *p);
	}
	putchar('\n');
	if (ferror(stdout))
		die(CS_EIO, "write to standard output failed: %s", strerror(errno));
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "status", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct list_ctx x = { 0 };
	const char *status = NULL;
	int opt, code;
	long n;
	sqlite3 *db;

	cs_init(argv[0]);
	while ((opt = getopt_long(argc, argv, "ha", longopts, NULL)) != -1) {
		switch (opt) {
		case 'h': cs_usage(usage, CS_OK);
		case 'V': cs_print_version();
		case 'a': x.all = 1; break;
		case 'T': {
			size_t i;
			for (i = 0; i < CS_ARRAY_SIZE(statuses) && strcmp(statuses[i], optarg); i++)
				;
			if (i == CS_ARRAY_SIZE(statuses))
				die(CS_EUSAGE, "--status %s: not a status (proved, failed, pending, new, unproved, "
				    "decomposed, recombine)", optarg);
			status = optarg;
			break;
		}
		default: cs_usage(usage, CS_EUSAGE);
		}
	}
	if (optind != argc)
		cs_usage(usage, CS_EUSAGE);
	if (!(db = db_open_existing(db_path(), 1, &code)))
		return code;
	n = db_list(db, status, x.all, put, &x);
	db_close(db);
	if (n >= 0 && fflush(stdout))
		die(CS_EIO, "write to standard output failed: %s", strerror(errno));
	return n < 0 ? CS_EIO : CS_OK;
}
