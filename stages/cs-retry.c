/* cs-retry: put failed problems back in the queue for the next run. */
#include <getopt.h>
#include <stdlib.h>

#include "cs.h"
#include "db.h"

static const char usage[] =
	"[-n] [--failed] [--why REGEX] [--name GLOB] [--depth N]\n"
	"Re-queue failed problems of the corpus (CS_DB) for the next `coldstart run`,\n"
	"e.g. after a change of model, budget or Lean. Their earlier attempts and sketches\n"
	"stay as history; answers already in the corpus are reused wherever the run asks\n"
	"the same question again. A problem that failed only because a subgoal failed is\n"
	"re-queued with its sketch when its failed subgoals are. Prints one line per\n"
	"problem (new status, name, depth, why it had failed) and a count.\n"
	"  --failed      every failed problem (the default selection)\n"
	"  --why REGEX   only those whose reason matches REGEX (PCRE2)\n"
	"  --name GLOB   only those whose name matches GLOB (e.g. 'mathd_*')\n"
	"  --depth N     only those of depth N (0: the original theorems)\n"
	"  -n, --dry-run show what would be re-queued, change nothing\n";

static int show(const struct db_retried *r, void *ctx)
{
	long *waiting = ctx;
	*waiting += r->status[0] == 'd';
	printf("%-10s %s (depth %d): %s\n", r->status, r->name, r->depth, r->old_why ? r->old_why : "?");
	return ferror(stdout) ? -1 : 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "failed", no_argument, NULL, 'f' },
		{ "why", required_argument, NULL, 'w' },
		{ "name", required_argument, NULL, 'N' },
		{ "depth", required_argument, NULL, 'd' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct db_retry_filter f = { .depth = -1 };
	int opt, code;
	long n, waiting = 0;
	sqlite3 *db;
	char *end;

	cs_init(argv[0]);
	while ((opt = getopt_long(argc, argv, "hn", longopts, NULL)) != -1) {
		switch (opt) {
		case 'h': cs_usage(usage, CS_OK);
		case 'V': cs_print_version();
		case 'f': break;
		case 'w': f.why_regex = optarg; break;
		case 'N': f.name_glob = optarg; break;
		case 'd':
			f.depth = (int)strtol(optarg, &end, 10);
			if (*end || end == optarg || f.depth < 0)
				die(CS_EUSAGE, "--depth %s: not a depth (0, 1, ...)", optarg);
			break;
		case 'n': f.dry_run = 1; break;
		default: cs_usage(usage, CS_EUSAGE);
		}
	}
	if (optind != argc)
		cs_usage(usage, CS_EUSAGE);
	if (!(db = db_open_existing(db_path(), 0, &code)))
		return code;
	n = db_retry(db, &f, show, &waiting);
	db_close(db);
	if (n == -2)
		return CS_EUSAGE;
	if (n < 0)
		return CS_EIO;
	printf("%ld problem%s %s (%ld new, %ld waiting for their subgoals)%s\n", n, n == 1 ? "" : "s",
	       f.dry_run ? "would be re-queued" : "re-queued", n - waiting, waiting,
	       f.dry_run ? "; dry run: nothing changed" : n ? "; the next `coldstart run` does the work" : "");
	return CS_OK;
}
