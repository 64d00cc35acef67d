/* lean_text_bench: the Lean-text round trip over real DeepSeek-Prover-V2 proofs.
 * Usage: lean_text_bench [DIR [REPS]] (default tests/fixtures/dsp2, 5). Every
 * proof with top-level `have … := by` blocks is cut to a sketch (those blocks
 * become `sorry`), analyzed (lean_sketch_analyze), the blocks spliced back
 * (lean_recombine) and compared with the original. Files are read first; the
 * time is of cut + analyze + recombine + compare over all files, best of REPS.
 * Prints "lean_text files=.. with_haves=.. haves=.. exact=.. blanks=.. ms=.. ms_per_proof=.." */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cs.h"
#include "lean_decl.h"
#include "lean_scan.h"
#include "lean_text.h"
#include "../tests/unit/sketch_cut.h"

#define MAXCUT 512

/* One round trip of src; 2 exact, 1 equal but for blank lines, 0 differs, -1 no haves. */
static int round_trip(const char *src, int *nhaves)
{
	struct cut cuts[MAXCUT];
	const char *proofs[MAXCUT];
	struct lean_sketch sk;
	size_t ncut = 0;
	char *thname = NULL, *why = NULL, *sk_code, *back;
	int res = 0;
	sk_code = make_sketch(src, cuts, &ncut, MAXCUT, &thname);
	if (!sk_code || !ncut) {
		res = -1;
	} else if (lean_sketch_analyze(sk_code, thname, &sk, &why)) {
		free(why);
	} else {
		if (sk.n == ncut) {
			for (size_t i = 0; i < ncut; i++)
				proofs[i] = cuts[i].proof;
			back = lean_recombine(sk_code, &sk, proofs, &why);
			if (back && !strcmp(back, src)) {
				res = 2;
			} else if (back) {
				char *b1 = blank_lines(back), *b2 = blank_lines(src);
				res = !strcmp(b1, b2);
				free(b1);
				free(b2);
			}
			free(why);
			free(back);
		}
		lean_sketch_release(&sk);
	}
	*nhaves = (int)ncut;
	cuts_release(cuts, ncut);
	free(sk_code);
	free(thname);
	return res;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	const char *dirname = argc > 1 ? argv[1] : "tests/fixtures/dsp2";
	int reps = argc > 2 ? atoi(argv[2]) : 5;
	DIR *dir;
	struct dirent *de;
	char **src = NULL, **names = NULL;
	size_t n = 0, cap = 0;
	double best = -1;
	int files, with_haves = 0, haves = 0, exact = 0, blanks = 0;
	cs_init(argv[0]);
	if (reps < 1)
		die(CS_EUSAGE, "usage: lean_text_bench [DIR [REPS]]");
	if (!(dir = opendir(dirname)))
		die(CS_EIO, "cannot open %s", dirname);
	while ((de = readdir(dir))) {
		size_t len = strlen(de->d_name);
		if (len < 6 || strcmp(de->d_name + len - 5, ".lean"))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 256;
			names = realloc(names, cap * sizeof *names);
			if (!names)
				die(CS_EIO, "out of memory");
		}
		names[n++] = xasprintf("%s/%s", dirname, de->d_name);
	}
	closedir(dir);
	qsort(names, n, sizeof *names, by_name);
	src = xmalloc((n ? n : 1) * sizeof *src);
	for (size_t i = 0; i < n; i++)
		if (!(src[i] = cs_read_file(names[i], NULL)))
			die(CS_EIO, "cannot read %s", names[i]);
	files = (int)n;
	for (int r = 0; r < reps; r++) {
		double t0 = cs_now(), t;
		int w = 0, h = 0, e = 0, b = 0;
		for (size_t i = 0; i < n; i++) {
			int nh, res = round_trip(src[i], &nh);
			if (res < 0)
				continue;
			w++;
			h += nh;
			e += res == 2;
			b += res == 1;
		}
		t = cs_now() - t0;
		if (best < 0 || t < best)
			best = t;
		with_haves = w, haves = h, exact = e, blanks = b;
	}
	printf("lean_text files=%d with_haves=%d haves=%d exact=%d blanks=%d ms=%.2f ms_per_proof=%.3f\n",
	       files, with_haves, haves, exact, blanks, 1000 * best, with_haves ? 1000 * best / with_haves : 0);
	for (size_t i = 0; i < n; i++) {
		free(src[i]);
		free(names[i]);
	}
	free(src);
	free(names);
	return exact + blanks == with_haves ? CS_OK : CS_EPARTIAL;
}
