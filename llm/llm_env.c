/* llm_env.c: endpoint configuration from the environment. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cs.h"
#include "llm.h"

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
	ep->timeout = cs_env_double("CS_LLM_TIMEOUT", 600, 0.001, 86400);
	ep->connect_timeout = cs_env_double("CS_LLM_CONNECT_TIMEOUT", 10, 0.001, 3600);
	ep->max_retries = (int)cs_env_long("CS_LLM_RETRIES", 6, 0, 1000);
	ep->backoff_base = cs_env_double("CS_LLM_BACKOFF", 1, 0, 3600);
	ep->backoff_max = cs_env_double("CS_LLM_BACKOFF_MAX", 60, 0, 86400);
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

void llm_sampling_from_env(struct llm_sampling *s, const char *role)
{
	int prover = !strcmp(role, "prover");
	memset(s, 0, sizeof *s);
	s->n = 1;
	s->temperature = cs_env_double(prover ? "CS_PROVER_TEMPERATURE" : "CS_DECOMPOSER_TEMPERATURE",
				       prover ? 1.0 : 0.6, 0, 2);
	s->top_p = cs_env_double(prover ? "CS_PROVER_TOP_P" : "CS_DECOMPOSER_TOP_P", 0.95, 0, 1);
	s->max_tokens = cs_env_long(prover ? "CS_PROVER_MAX_TOKENS" : "CS_DECOMPOSER_MAX_TOKENS",
				    8192, 1, 1 << 24);
}
