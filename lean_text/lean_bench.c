/* lean_bench.c: benchmark fingerprints in memory, looked up by binary search. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cs.h"
#include "embed.h"
#include "lean_bench.h"

struct entry {
	char hex[65];
	size_t order;   /* line order, for stable output */
	char *label;    /* benchmark/split/entry */
};

struct lean_bench_set {
	struct entry *e;
	size_t n, cap;
	struct lean_bench_split *sp;
	size_t nsp, spcap;
};

static int by_hex(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int c = strcmp(x->hex, y->hex);
	return c ? c : x->order < y->order ? -1 : x->order > y->order;
}

static int is_hex64(const char *s, size_t n)
{
	if (n != 64)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

static void count_split(struct lean_bench_set *s, const char *bench, size_t nb, const char *split, size_t ns)
{
	for (size_t i = 0; i < s->nsp; i++)
		if (strlen(s->sp[i].benchmark) == nb && !memcmp(s->sp[i].benchmark, bench, nb) &&
		    strlen(s->sp[i].split) == ns && !memcmp(s->sp[i].split, split, ns)) {
			s->sp[i].entries++;
			return;
		}
	s->sp = cs_grow(s->sp, &s->spcap, s->nsp, sizeof *s->sp);
	s->sp[s->nsp].benchmark = xstrndup(bench, nb);
	s->sp[s->nsp].split = xstrndup(split, ns);
	s->sp[s->nsp++].entries = 1;
}

/* Add the lines of text (named where for messages). 0, or -1 with why. */
static int add(struct lean_bench_set *s, const char *text, const char *where, char **why)
{
	long line = 0;
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n'), *e = nl ? nl : p + strlen(p), *f[4];
		size_t len[4];
		int k = 0;
		line++;
		if (*p != '#' && e > p) {
			for (const char *q = p; k < 4; k++) {
				const char *t = memchr(q, '\t', (size_t)(e - q));
				f[k] = q;
				len[k] = (size_t)((t && k < 3 ? t : e) - q);
				if (k < 3 && !t)
					break;
				q = t + 1;
			}
			if (k < 4 || !len[0] || !len[2] || !is_hex64(f[3], len[3] - (len[3] && f[3][len[3] - 1] == '\r'))) {
				*why = xasprintf("%s:%ld: not `benchmark<TAB>split<TAB>entry<TAB>fingerprint`", where, line);
				return -1;
			}
			s->e = cs_grow(s->e, &s->cap, s->n, sizeof *s->e);
			memcpy(s->e[s->n].hex, f[3], 64);
			s->e[s->n].hex[64] = 0;
			s->e[s->n].order = s->n;
			s->e[s->n].label = xasprintf("%.*s/%.*s/%.*s", (int)len[0], f[0], (int)len[1], f[1],
						     (int)len[2], f[2]);
			s->n++;
			count_split(s, f[0], len[0], f[1], len[1]);
		}
		p = nl ? nl + 1 : e;
	}
	return 0;
}

struct lean_bench_set *lean_bench_load(int builtin, const char *path, char **why)
{
	struct lean_bench_set *s = xcalloc(1, sizeof *s);
	const char *text;
	*why = NULL;
	if (builtin && (text = cs_embedded("data/benchmarks/fingerprints.tsv")) &&
	    add(s, text, "data/benchmarks/fingerprints.tsv", why))
		goto fail;
	if (path) {
		size_t len;
		char *t = cs_read_file(path, &len);
		int rc;
		if (!t) {
			*why = xasprintf("%s: %s", path, strerror(errno));
			goto fail;
		}
		rc = add(s, t, path, why);
		free(t);
		if (rc)
			goto fail;
	}
	if (s->n)
		qsort(s->e, s->n, sizeof *s->e, by_hex);
	return s;
fail:
	lean_bench_free(s);
	return NULL;
}

struct lean_bench_set *lean_bench_setting(const char *value, char **why)
{
	if (!value || !*value)
		return lean_bench_load(1, NULL, why);
	if (!strcmp(value, "none"))
		return lean_bench_load(0, NULL, why);
	return lean_bench_load(1, value, why);
}

void lean_bench_free(struct lean_bench_set *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		free(s->e[i].label);
	for (size_t i = 0; i < s->nsp; i++) {
		free(s->sp[i].benchmark);
		free(s->sp[i].split);
	}
	free(s->e);
	free(s->sp);
	free(s);
}

char *lean_bench_match(const struct lean_bench_set *s, const char *hex)
{
	size_t lo = 0, hi = s->n;
	struct sbuf sb = SBUF_INIT;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(s->e[mid].hex, hex) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < s->n && !strcmp(s->e[lo].hex, hex); lo++) {
		if (sb.len)
			sbuf_addch(&sb, ',');
		sbuf_adds(&sb, s->e[lo].label);
	}
	return sb.len ? sbuf_detach(&sb) : NULL;
}

const struct lean_bench_split *lean_bench_splits(const struct lean_bench_set *s, size_t *n)
{
	*n = s->nsp;
	return s->sp;
}
