/* fuzz-jsonl.c: the JSONL reader (lib/jsonl.h) over arbitrary bytes.
 * Invariants: every record returned is an object that jsonl_write writes as one
 * line which reads back equal; line numbers only grow; the reader ends at EOF. */
#include <string.h>

#include <jansson.h>

#include "cs.h"
#include "fuzz.h"
#include "jsonl.h"

static void check_roundtrip(const json_t *obj)
{
	char *out = NULL;
	size_t outlen = 0;
	FILE *mem = open_memstream(&out, &outlen);
	json_t *back;
	FUZZ_CHECK(mem);
	FUZZ_CHECK(jsonl_write(mem, obj) == 0);
	FUZZ_CHECK(fclose(mem) == 0);
	FUZZ_CHECK(outlen > 0 && out[outlen - 1] == '\n');
	FUZZ_CHECK(memchr(out, '\n', outlen) == out + outlen - 1);
	back = json_loadb(out, outlen - 1, JSON_REJECT_DUPLICATES, NULL);
	FUZZ_CHECK(back && json_equal(back, obj));
	json_decref(back);
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* fmemopen wants a non-empty writable-typed buffer: give it a copy. */
	char *buf = xmalloc(size + 1);
	struct jsonl_reader r;
	json_t *obj;
	long last = 0;
	int rc, nrec = 0;
	FILE *fp;
	memcpy(buf, data, size);
	buf[size] = 0;
	fp = fmemopen(buf, size ? size : 1, "r");
	FUZZ_CHECK(fp);
	if (!size)
		(void)getc(fp); /* an empty stream */
	FUZZ_CHECK(jsonl_open_fp(&r, fp, "fuzz") == 0);
	r.max_line = 1024; /* the smallest CS_MAX_LINE: reach the over-long path */
	while ((rc = jsonl_next(&r, &obj)) != CS_END) {
		FUZZ_CHECK(rc == CS_DONE || rc == CS_BAD_RECORD);
		FUZZ_CHECK(r.lineno > last);
		last = r.lineno;
		if (rc == CS_DONE) {
			FUZZ_CHECK(json_is_object(obj));
			FUZZ_CHECK(r.len > 0 && r.len <= r.max_line);
			(void)jsonl_str(obj, "name");
			(void)jsonl_int(obj, "id", -1);
			check_roundtrip(obj);
			json_decref(obj);
			nrec++;
		} else {
			FUZZ_CHECK(obj == NULL);
		}
		FUZZ_CHECK(nrec <= (long)size);
	}
	FUZZ_CHECK(obj == NULL);
	FUZZ_CHECK(jsonl_next(&r, &obj) == CS_END); /* EOF stays EOF */
	jsonl_close(&r);
	fclose(fp);
	free(buf);
	return 0;
}
