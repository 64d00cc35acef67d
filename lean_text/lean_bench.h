/* lean_bench.h: the benchmark statements kept out of a corpus, as fingerprints
 * (lean_fingerprint.h): data/benchmarks/fingerprints.tsv compiled in, and files of
 * the same form (`benchmark<TAB>split<TAB>entry<TAB>fingerprint` lines, `#`
 * comments). Pure text. */
#ifndef LEAN_BENCH_H
#define LEAN_BENCH_H

#include <stddef.h>

struct lean_bench_set;

/* One split of one benchmark, and its number of entries. */
struct lean_bench_split {
	char *benchmark, *split;
	long entries;
};

/* The built-in fingerprints (none when builtin is 0), then those of file path (NULL:
 * none). NULL with why (malloc'd) when path cannot be read or a line is malformed
 * (path:line named). Free with lean_bench_free. */
struct lean_bench_set *lean_bench_load(int builtin, const char *path, char **why);
/* The set a CS_BENCHMARKS value names: NULL or "" the built-in fingerprints,
 * "none" no fingerprint at all, else the built-in ones and those of that file. */
struct lean_bench_set *lean_bench_setting(const char *value, char **why);
void lean_bench_free(struct lean_bench_set *s);
/* The entries of fingerprint hex, "benchmark/split/entry" comma-separated in the
 * files' order; NULL when none. malloc'd. */
char *lean_bench_match(const struct lean_bench_set *s, const char *hex);
/* The splits checked, in the files' order; *n of them. Owned by s. */
const struct lean_bench_split *lean_bench_splits(const struct lean_bench_set *s, size_t *n);

#endif
