/* llm_check.c: does the endpoint serve the configured model? (GET <url>/models) */
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "cs.h"
#include "llm.h"

static size_t on_write(char *data, size_t size, size_t nmemb, void *arg)
{
	struct sbuf *sb = arg;
	if (sb->len + size * nmemb > (16u << 20))
		return 0;
	sbuf_add(sb, data, size * nmemb);
	return size * nmemb;
}

int llm_check_model(const struct llm_endpoint *ep, char **why)
{
	CURL *e;
	CURLcode rc;
	struct curl_slist *hdrs = NULL;
	struct sbuf body = SBUF_INIT, seen = SBUF_INIT;
	char errbuf[CURL_ERROR_SIZE] = "", *url, *auth = NULL;
	long code = 0;
	json_t *j = NULL, *data;
	int ret = -1;
	*why = NULL;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) || !(e = curl_easy_init())) {
		*why = xstrdup("cannot initialise libcurl");
		return -1;
	}
	url = xasprintf("%s/models", ep->url);
	hdrs = curl_slist_append(hdrs, "Accept: application/json");
	if (ep->api_key) {
		auth = xasprintf("Authorization: Bearer %s", ep->api_key);
		hdrs = curl_slist_append(hdrs, auth);
	}
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, &body);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)(ep->connect_timeout > 0 ? ep->connect_timeout * 1000 : 10000));
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)(ep->timeout > 0 && ep->timeout < 60 ? ep->timeout * 1000 : 60000));
	curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "coldstart/1");
	rc = curl_easy_perform(e);
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &code);
	if (rc != CURLE_OK) {
		*why = xasprintf("GET /models: %s", errbuf[0] ? errbuf : curl_easy_strerror(rc));
	} else if (code != 200) {
		char *m = llm_reply_error(body.buf, body.len, 200);
		*why = xasprintf("GET /models: HTTP %ld%s%s", code, m ? ": " : "", m ? m : "");
		free(m);
	} else if (!(j = json_loadb(body.buf, body.len, 0, NULL)) ||
		   !json_is_array(data = json_object_get(j, "data"))) {
		*why = xstrdup("GET /models: the answer is not a model list");
	} else {
		size_t i;
		json_t *m;
		json_array_foreach(data, i, m) {
			const char *id = json_string_value(json_object_get(m, "id"));
			if (!id)
				continue;
			if (!strcmp(id, ep->model))
				ret = 0;
			if (seen.len < 300)
				sbuf_addf(&seen, "%s%.80s", seen.len ? ", " : "", id);
		}
		if (ret)
			*why = xasprintf("model %s is not served (served: %s)", ep->model,
					 seen.len ? seen.buf : "none");
	}
	if (*why && ep->api_key && strlen(ep->api_key) >= 4 && strstr(*why, ep->api_key)) {
		free(*why);
		*why = xasprintf("GET /models failed (HTTP %ld; the answer quoted the API key)", code);
	}
	json_decref(j);
	sbuf_release(&body);
	sbuf_release(&seen);
	curl_slist_free_all(hdrs);
	if (auth) {
		memset(auth, 0, strlen(auth));
		free(auth);
	}
	free(url);
	curl_easy_cleanup(e);
	return ret;
}
