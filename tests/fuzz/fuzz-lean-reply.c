/* fuzz-lean-reply.c: the REPL-reply parser and what reads a parsed reply
 * (lean_io/lean_reply.c), and the streaming object scanner lean_json_scan_feed
 * fed the same bytes in pieces chosen by the input, as lean_pool.c feeds it.
 * Invariants: the verdict agrees with lean_reply_why; messages_json is a JSON
 * array of nmsg entries; the scanner finds the same objects whatever the pieces. */
#include <string.h>

#include <jansson.h>

#include "cs.h"
#include "fuzz.h"
#include "lean_repl.h"

static void check_reply(const char *buf, size_t len, size_t max_data)
{
	struct lean_reply r;
	char *why = NULL, *s;
	json_t *arr;
	enum lean_verdict v;
	if (lean_reply_parse(buf, len, &r, &why) < 0) {
		FUZZ_CHECK(why && *why);
		FUZZ_CHECK(r.nmsg == 0 && r.nsorry == 0 && r.ngoals == 0 && !r.error);
		free(why);
		lean_reply_release(&r);
		return;
	}
	FUZZ_CHECK(why == NULL);
	v = lean_reply_verdict(&r);
	FUZZ_CHECK(v == LEAN_PASS || v == LEAN_SORRY || v == LEAN_FAIL);
	FUZZ_CHECK(strcmp(lean_verdict_name(v), "error"));
	s = lean_reply_why(&r);
	FUZZ_CHECK((s == NULL) == (v == LEAN_PASS));
	free(s);
	for (int k = 0; k < 2; k++) {
		s = lean_reply_messages_json(&r, k ? max_data : 0);
		FUZZ_CHECK(s);
		arr = json_loads(s, 0, NULL);
		FUZZ_CHECK(json_is_array(arr) && json_array_size(arr) == r.nmsg);
		json_decref(arr);
		free(s);
	}
	free(lean_reply_info_string(&r));
	if (lean_reply_axioms_ok(&r, "fuzz_thm", (int)(len & 1), "theorem fuzz_thm : True := trivial", 1, 0, &why) < 0)
		FUZZ_CHECK(why && *why);
	else
		FUZZ_CHECK(why == NULL);
	free(why);
	lean_reply_release(&r);
	lean_reply_release(&r); /* released replies stay safe to release */
}

/* The objects lean_json_scan_feed finds in data when it arrives in pieces of the
 * given sizes (0: all at once), as offsets into data, and how the stream ended
 * (0: more bytes wanted, -1: garbage). */
static int scan_stream(const char *data, size_t size, const uint8_t *pieces, size_t npieces,
		       size_t *ends, size_t *nends)
{
	struct lean_json_scan s;
	size_t base = 0, avail = 0, k = 0, end;
	int rc;
	lean_json_scan_reset(&s);
	*nends = 0;
	while (avail < size) {
		size_t step = npieces ? (size_t)pieces[k++ % npieces] % 23 + 1 : size;
		avail = avail + step < size ? avail + step : size;
		/* The pool hands the scanner its buffer from the start of the reply. */
		while ((rc = lean_json_scan_feed(&s, data + base, avail - base, &end)) == 1) {
			FUZZ_CHECK(end > 0 && end <= avail - base);
			FUZZ_CHECK(data[base + end - 1] == '}');
			base += end;
			ends[(*nends)++] = base;
			lean_json_scan_reset(&s);
		}
		if (rc < 0)
			return -1;
		FUZZ_CHECK(s.pos == avail - base);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The whole input is the reply text; the cut for messages_json and the sizes
	 * of the pieces the scanner gets are derived from it. */
	const char *text = (const char *)data;
	size_t max_data = size % 97, *ends1, *ends2, n1, n2;
	int rc1, rc2;

	check_reply(text, size, max_data);

	ends1 = xcalloc(size + 1, sizeof *ends1);
	ends2 = xcalloc(size + 1, sizeof *ends2);
	rc1 = scan_stream(text, size, NULL, 0, ends1, &n1);
	rc2 = scan_stream(text, size, data, size, ends2, &n2);
	FUZZ_CHECK(rc1 == rc2 && n1 == n2);
	FUZZ_CHECK(!memcmp(ends1, ends2, n1 * sizeof *ends1));
	/* What the pool hands on: each object, leading whitespace included. */
	for (size_t i = 0; i < n1; i++)
		check_reply(text + (i ? ends1[i - 1] : 0), ends1[i] - (i ? ends1[i - 1] : 0), max_data);
	free(ends1);
	free(ends2);
	return 0;
}
