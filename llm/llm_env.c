/* llm_env.c: endpoint configuration from the environment. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cs.h"
#include "llm.h"

/* Seconds in [min, max]; unlike cs_env_seconds 0 may be allowed. Dies CS_ECONFIG. */
static double env_secs(const char *name, double def, double min, double max)
{
	const char *v = cs_env(name, NULL);
	char *end;
	double d;
	if (!v)
		return def;
	errno = 0;
	d = strtod(v, &end);
	if (errno || end == v || *end || !(d >= min && d <= max))
		die(CS_ECONFIG, "%s=%s: not a number of seconds in [%g, %g]", name, v, min, max);
	return d;
}

int llm_endpoint_from_env(struct llm_endpoint *ep, const char *role)
{
	int dec;
	char name[64];
	const char *url, *model, *key;
	memset(ep, 0, sizeof *ep);
	if (!role || (strcmp(role, "decomposer") && strcmp(role, "prover")))
		return error("unknown endpoint role '%s' (decomposer or prover)", role ? role : "");
	dec = !strcmp(role, "decomposer");
	snprintf(name, sizeof name, "CS_%s_URL", dec ? "DECOMPOSER" : "PROVER");
	url = cs_env(name, dec ? "https://api.deepseek.com/v1" : "http://127.0.0.1:8000/v1");
	if (strncmp(url, "http://", 7) && strncmp(url, "https://", 8))
		return error("%s=%s: not an http:// or https:// URL", name, url);
	snprintf(name, sizeof name, "CS_%s_MODEL", dec ? "DECOMPOSER" : "PROVER");
	model = cs_env(name, dec ? "deepseek-chat" : "deepseek-ai/DeepSeek-Prover-V2-7B");
	snprintf(name, sizeof name, "CS_%s_API_KEY", dec ? "DECOMPOSER" : "PROVER");
	key = cs_env(name, dec ? cs_env("DEEPSEEK_API_KEY", NULL) : NULL);
	if (key && strpbrk(key, "\r\n"))
		return error("%s holds a line break", name); /* the key itself is not shown */
	ep->role = xstrdup(role);
	ep->url = xstrdup(url);
	while (strlen(ep->url) > 8 && ep->url[strlen(ep->url) - 1] == '/')
		ep->url[strlen(ep->url) - 1] = 0;
	ep->model = xstrdup(model);
	ep->api_key = key ? xstrdup(key) : NULL;
	ep->jobs = (int)cs_env_long("CS_JOBS", 16, 1, 4096);
	ep->timeout = env_secs("CS_LLM_TIMEOUT", 600, 0.001, 86400);
	ep->connect_timeout = env_secs("CS_LLM_CONNECT_TIMEOUT", 10, 0.001, 3600);
	ep->max_retries = (int)cs_env_long("CS_LLM_RETRIES", 6, 0, 1000);
	ep->backoff_base = env_secs("CS_LLM_BACKOFF", 1, 0, 3600);
	ep->backoff_max = env_secs("CS_LLM_BACKOFF_MAX", 60, 0, 86400);
	return 0;
}

void llm_endpoint_release(struct llm_endpoint *ep)
{
	if (!ep)
		return;
	free(ep->role);
	free(ep->url);
	free(ep->model);
	if (ep->api_key) {
		memset(ep->api_key, 0, strlen(ep->api_key));
		free(ep->api_key);
	}
	memset(ep, 0, sizeof *ep);
}
