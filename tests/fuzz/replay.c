/* replay.c: main of the replay binaries: every file argument (or every file in a
 * directory argument) goes once through LLVMFuzzerTestOneInput. Built with the
 * normal compiler and ASan+UBSan, so `make test` replays seeds and regressions
 * without clang or libFuzzer. */
#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "cs.h"
#include "fuzz.h"

static long nrun;

static void replay_file(const char *path)
{
	FILE *fp = fopen(path, "rb");
	struct sbuf sb = SBUF_INIT;
	char chunk[65536];
	size_t n;
	if (!fp)
		die(CS_EIO, "%s: cannot open: %s", path, strerror(errno));
	while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
		sbuf_add(&sb, chunk, n);
	if (ferror(fp))
		die(CS_EIO, "%s: read error", path);
	fclose(fp);
	/* An exact-size copy, so that ASan sees any read past the input's end. */
	uint8_t *data = xmalloc(sb.len ? sb.len : 1);
	memcpy(data, sb.buf ? sb.buf : "", sb.len);
	LLVMFuzzerTestOneInput(data, sb.len);
	free(data);
	sbuf_release(&sb);
	nrun++;
}

static void replay(const char *path)
{
	struct stat st;
	if (stat(path, &st) < 0)
		die(CS_EIO, "%s: %s", path, strerror(errno));
	if (S_ISDIR(st.st_mode)) {
		struct dirent **ents;
		int n = scandir(path, &ents, NULL, alphasort);
		if (n < 0)
			die(CS_EIO, "%s: cannot list: %s", path, strerror(errno));
		for (int i = 0; i < n; i++) {
			if (ents[i]->d_name[0] != '.') {
				char *sub = xasprintf("%s/%s", path, ents[i]->d_name);
				replay(sub);
				free(sub);
			}
			free(ents[i]);
		}
		free(ents);
	} else {
		replay_file(path);
	}
}

int main(int argc, char **argv)
{
	cs_init(argv[0]);
	if (cs_wants_help(argc, argv) || argc < 2)
		cs_usage("usage: replay-TARGET FILE|DIR...\n"
			 "Run every input once through the fuzz target (no fuzzing).", argc < 2 ? CS_EUSAGE : CS_OK);
	for (int i = 1; i < argc; i++)
		replay(argv[i]);
	printf("%s: %ld inputs replayed\n", cs_progname, nrun);
	return 0;
}
