/* test-llm-reply: the chat-completions answer parser, request body and cache key. */
#include <stdlib.h>
#include <string.h>

#include "cs.h"
#include "llm.h"
#include "tap.h"

static int parse(const char *body, struct llm_result *r, char **why)
{
	memset(r, 0, sizeof *r);
	return llm_reply_parse(body, strlen(body), r, why);
}

static void clear(struct llm_result *r)
{
	llm_choices_free(r);
	free(r->model);
	memset(r, 0, sizeof *r);
}

int main(void)
{
	struct llm_result r;
	char *why = NULL;
	int rc;

	/* two choices given out of order, reasoning, finish_reason length, DeepSeek usage */
	rc = parse("\n\n   \n{\"id\":\"x\",\"model\":\"deepseek-chat\",\"choices\":["
		   "{\"index\":1,\"message\":{\"role\":\"assistant\",\"content\":\"second\"},\"finish_reason\":\"length\"},"
		   "{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"first \\u00e9\",\"reasoning_content\":\"think\"},"
		   "\"finish_reason\":\"stop\"}],"
		   "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":20,\"total_tokens\":30,"
		   "\"prompt_cache_hit_tokens\":6,\"prompt_cache_miss_tokens\":4}}\n", &r, &why);
	is_int(rc, 0, "answer after keep-alive blank lines parses");
	is_str(why, NULL, "no why on success");
	is_int(r.nchoices, 2, "two choices");
	is_str(r.choices[0].content, "first é", "choices sorted by index");
	is_str(r.choices[0].reasoning, "think", "reasoning_content kept");
	is_str(r.choices[0].finish_reason, "stop", "finish_reason stop");
	is_int(r.choices[0].truncated, 0, "stop is not truncated");
	is_str(r.choices[1].content, "second", "second choice");
	is_str(r.choices[1].reasoning, NULL, "no reasoning when absent");
	is_int(r.choices[1].truncated, 1, "finish_reason length: truncated");
	is_int(r.prompt_tokens, 10, "prompt tokens");
	is_int(r.completion_tokens, 20, "completion tokens");
	is_int(r.cache_hit_tokens, 6, "DeepSeek cache hit tokens");
	is_int(r.cache_miss_tokens, 4, "DeepSeek cache miss tokens");
	is_str(r.model, "deepseek-chat", "model");

	/* a second part appends and adds usage */
	{
		const char *b = "{\"choices\":[{\"message\":{\"content\":null},\"finish_reason\":null}],"
				"\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2}}";
		rc = llm_reply_parse(b, strlen(b), &r, &why);
	}
	is_int(rc, 0, "second body parses");
	is_int(r.nchoices, 3, "choices appended");
	if (r.nchoices == 3) {
		is_str(r.choices[2].content, "", "null content becomes empty");
		is_str(r.choices[2].finish_reason, NULL, "null finish_reason");
	}
	is_int(r.prompt_tokens, 11, "usage added up");
	is_int(r.cache_hit_tokens, 6, "cache tokens stay without fields");
	clear(&r);

	/* SSE comment keep-alive lines, NUL in content */
	rc = parse(": keep-alive\n\n{\"choices\":[{\"message\":{\"content\":\"a\\u0000b\"}}]}", &r, &why);
	is_int(rc, 0, "SSE comment keep-alive skipped");
	is_str(r.nchoices ? r.choices[0].content : NULL, "ab", "NUL bytes dropped from content");
	clear(&r);

	/* OpenAI/DeepSeek error shape */
	rc = parse("{\"error\":{\"message\":\"Insufficient Balance\",\"type\":\"unknown_error\",\"param\":null,\"code\":\"invalid_request_error\"}}",
		   &r, &why);
	is_int(rc, -2, "nested error shape recognised");
	ok(why && strstr(why, "Insufficient Balance"), "error message reported: %s", why ? why : "(null)");
	is_int(r.nchoices, 0, "no choices from an error");
	free(why);
	why = NULL;

	/* vLLM's flat error shape */
	rc = parse("{\"object\":\"error\",\"message\":\"This model's maximum context length is 4096 tokens.\","
		   "\"type\":\"BadRequestError\",\"param\":null,\"code\":400}", &r, &why);
	is_int(rc, -2, "flat vLLM error shape recognised");
	ok(why && strstr(why, "maximum context length"), "flat error message: %s", why ? why : "(null)");
	free(why);
	why = NULL;

	/* truncated JSON */
	rc = parse("{\"choices\":[{\"message\":{\"content\":\"abc", &r, &why);
	is_int(rc, -1, "truncated body is a fault");
	ok(why && strstr(why, "truncated"), "why names truncation: %s", why ? why : "(null)");
	free(why);
	why = NULL;

	/* not JSON, empty, wrong types */
	rc = parse("<html>502 Bad Gateway</html>", &r, &why);
	is_int(rc, -1, "HTML body is a fault");
	ok(why && strstr(why, "not JSON"), "why: %s", why ? why : "(null)");
	free(why);
	why = NULL;
	rc = parse("\n\n  \n", &r, &why);
	is_int(rc, -1, "only keep-alive bytes is a fault");
	free(why);
	why = NULL;
	rc = parse("[1,2]", &r, &why);
	is_int(rc, -1, "array is not an answer");
	free(why);
	why = NULL;
	rc = parse("{\"choices\":[{\"message\":{\"content\":5}}]}", &r, &why);
	is_int(rc, -1, "numeric content rejected");
	is_int(r.nchoices, 0, "result unchanged on failure");
	free(why);
	why = NULL;
	rc = parse("{\"choices\":[{\"text\":\"x\"}]}", &r, &why);
	is_int(rc, -1, "choice without message rejected");
	free(why);
	why = NULL;
	rc = llm_reply_parse(NULL, 0, &r, &why);
	is_int(rc, -1, "NULL body");
	free(why);
	why = NULL;

	/* llm_reply_error: both shapes, and an excerpt of anything else */
	{
		const char *b1 = "{\"error\":{\"message\":\"Rate limit\\nreached\",\"type\":\"rate_limit\"}}";
		const char *b2 = "\n{\"object\":\"error\",\"message\":\"bad n\"}";
		const char *b3 = "oops\x01\xff tail";
		char *m = llm_reply_error(b1, strlen(b1), 100);
		is_str(m, "Rate limit reached (rate_limit)", "nested error message, control chars replaced");
		free(m);
		m = llm_reply_error(b2, strlen(b2), 100);
		is_str(m, "bad n", "flat error message");
		free(m);
		m = llm_reply_error(b3, strlen(b3), 100);
		is_str(m, "oops ? tail", "excerpt of a non-JSON body is printable");
		free(m);
		m = llm_reply_error("", 0, 100);
		is_str(m, NULL, "empty body: no message");
	}

	/* request body: every sampling value, no best_of; cache key */
	{
		struct llm_endpoint ep = { .role = (char *)"prover", .url = (char *)"http://h/v1",
					   .model = (char *)"m", .api_key = (char *)"sk-secret" };
		json_t *msgs = json_pack("[{s:s,s:s}]", "role", "user", "content", "hi");
		json_t *stop = json_pack("[s]", "```");
		struct llm_sampling s = { .n = 3, .temperature = 0.7, .top_p = 0.9, .max_tokens = 100,
					  .seed = 42, .has_seed = 1, .stop = stop };
		char *body = llm_request_json(&ep, msgs, &s);
		char k0[65], k1[65], k0b[65], k2[65];
		is_str(body, "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"n\":3,"
		       "\"temperature\":0.69999999999999996,\"top_p\":0.90000000000000002,\"max_tokens\":100,"
		       "\"seed\":42,\"stop\":[\"```\"],\"stream\":false}", "request body");
		ok(!strstr(body, "best_of") && !strstr(body, "sk-secret"), "no best_of, no key in the body");
		free(body);
		llm_cache_key(&ep, msgs, &s, 0, k0);
		llm_cache_key(&ep, msgs, &s, 1, k1);
		s.n = 7;
		llm_cache_key(&ep, msgs, &s, 0, k0b);
		s.temperature = 0.8;
		llm_cache_key(&ep, msgs, &s, 0, k2);
		is_int(strlen(k0), 64, "cache key is 64 hex digits");
		ok(strcmp(k0, k1) != 0, "sample index changes the key");
		is_str(k0b, k0, "n does not change the key");
		ok(strcmp(k0, k2) != 0, "temperature changes the key");
		json_decref(msgs);
		json_decref(stop);
	}

	printf("1..%d\n", tap_n);
	return tap_fail != 0;
}
