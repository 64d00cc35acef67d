/* fuzz-llm-reply.c: the chat-completions answer parser llm_reply_parse and the
 * error-body reader llm_reply_error (llm/llm_reply.c) over arbitrary bodies.
 * Invariants: on failure *why is set and the result untouched; a body parsed
 * twice into one result (two parts of a split request) doubles its choices; every
 * choice has content; error excerpts are valid UTF-8 without control bytes and
 * within their bound. */
#include <string.h>

#include "cs.h"
#include "fuzz.h"
#include "llm.h"

static void check_printable(const char *s, size_t max)
{
	size_t bad, n = strlen(s);
	FUZZ_CHECK(cs_utf8_valid(s, n, &bad));
	for (size_t i = 0; i < n; i++)
		FUZZ_CHECK((unsigned char)s[i] >= 0x20 && s[i] != 0x7f);
	/* max bytes, "…", and " (TYPE)" with TYPE cut to 40 bytes */
	FUZZ_CHECK(n <= max + 48 + 3);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *body = (const char *)data;
	struct llm_result r;
	char *why = NULL, *e;
	size_t max = size % 301 + 1, nfirst;
	int rc;

	memset(&r, 0, sizeof r);
	rc = llm_reply_parse(body, size, &r, &why);
	FUZZ_CHECK(rc == 0 || rc == -1 || rc == -2);
	if (rc < 0) {
		FUZZ_CHECK(why && *why);
		FUZZ_CHECK(r.nchoices == 0 && !r.choices && !r.model);
		FUZZ_CHECK(!r.prompt_tokens && !r.completion_tokens);
		free(why);
	} else {
		FUZZ_CHECK(why == NULL);
		for (size_t i = 0; i < r.nchoices; i++) {
			struct llm_choice *c = &r.choices[i];
			FUZZ_CHECK(c->content);
			FUZZ_CHECK(c->truncated == (c->finish_reason && !strcmp(c->finish_reason, "length")));
		}
		FUZZ_CHECK(r.prompt_tokens >= 0 && r.completion_tokens >= 0);
		FUZZ_CHECK(r.cache_hit_tokens >= 0 && r.cache_miss_tokens >= 0);
		if (r.model)
			check_printable(r.model, 200);
		/* The second part of a split request answers into the same result. */
		nfirst = r.nchoices;
		FUZZ_CHECK(llm_reply_parse(body, size, &r, &why) == 0 && !why);
		FUZZ_CHECK(r.nchoices == 2 * nfirst);
		for (size_t i = 0; i < nfirst; i++)
			FUZZ_CHECK(!strcmp(r.choices[i].content, r.choices[nfirst + i].content));
	}
	llm_choices_free(&r);
	FUZZ_CHECK(r.nchoices == 0 && !r.choices);
	free(r.model);

	e = llm_reply_error(body, size, max);
	if (e)
		check_printable(e, max);
	free(e);
	return 0;
}
