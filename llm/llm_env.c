/* llm_env.c: endpoint configuration from the environment. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
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
	url = cs_conf_str(name);
	snprintf(name, sizeof name, "CS_%s_MODEL", dec ? "DECOMPOSER" : "PROVER");
	model = cs_conf_str(name);
	snprintf(name, sizeof name, "CS_%s_API_KEY", dec ? "DECOMPOSER" : "PROVER");
	key = cs_conf_str(name);
	ep->role = xstrdup(role);
	ep->url = xstrdup(url);
	while (strlen(ep->url) > 8 && ep->url[strlen(ep->url) - 1] == '/')
		ep->url[strlen(ep->url) - 1] = 0;
	ep->model = xstrdup(model);
	ep->api_key = xstrdup_or_null(key);
	snprintf(name, sizeof name, "CS_%s_JOBS", dec ? "DECOMPOSER" : "PROVER");
	ep->jobs = (int)cs_conf_long(name);
	ep->timeout = cs_conf_double("CS_LLM_TIMEOUT");
	ep->connect_timeout = cs_conf_double("CS_LLM_CONNECT_TIMEOUT");
	ep->max_retries = (int)cs_conf_long("CS_LLM_RETRIES");
	ep->backoff_base = cs_conf_double("CS_LLM_BACKOFF");
	ep->backoff_max = cs_conf_double("CS_LLM_BACKOFF_MAX");
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
	s->temperature = cs_conf_double(prover ? "CS_PROVER_TEMPERATURE" : "CS_DECOMPOSER_TEMPERATURE");
	s->top_p = cs_conf_double(prover ? "CS_PROVER_TOP_P" : "CS_DECOMPOSER_TOP_P");
	s->max_tokens = cs_conf_long(prover ? "CS_PROVER_MAX_TOKENS" : "CS_DECOMPOSER_MAX_TOKENS");
}
