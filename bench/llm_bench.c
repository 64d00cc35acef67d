/* llm_bench: throughput and CPU cost of the chat-completions client.
 * Usage: llm_bench J N L — N requests (n = 1) with at most J in flight against
 * CS_PROVER_URL, whose answers take L seconds; prints
 * "llm J=.. L=.. N=.. req/s=.. ideal=.. ratio=.. cpu_ms_per_req=.. max_inflight=.. failed=.." */
#include <stdlib.h>
#include <sys/resource.h>

#include "cs.h"
#include "llm.h"

static double cpu_seconds(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

int main(int argc, char **argv)
{
	struct llm_endpoint ep;
	struct llm_client *c;
	struct llm_sampling s = { .n = 1, .temperature = 1.0, .top_p = 0.95, .max_tokens = 256 };
	struct llm_result *r;
	int jobs, n, failed = 0, done = 0;
	double lat, t0, cpu0, wall, cpu;
	cs_init(argv[0]);
	if (argc != 4 || (jobs = atoi(argv[1])) < 1 || (n = atoi(argv[2])) < 1 || (lat = atof(argv[3])) <= 0)
		die(CS_EUSAGE, "usage: llm_bench J N L");
	if (llm_endpoint_from_env(&ep, "prover"))
		return CS_ECONFIG;
	ep.jobs = jobs;
	if (!(c = llm_client_new(&ep)))
		return CS_ECONFIG;
	t0 = cs_now();
	cpu0 = cpu_seconds();
	for (int i = 0; i < n; i++) {
		char *p = xasprintf("benchmark prompt %d", i);
		json_t *m = json_pack("[{s:s,s:s}]", "role", "user", "content", p);
		if (llm_submit(c, m, &s, NULL))
			die(CS_EIO, "submit failed");
		json_decref(m);
		free(p);
	}
	while (done < n) {
		llm_poll(c, 100);
		while ((r = llm_next_result(c))) {
			failed += r->status != LLM_OK;
			done++;
			llm_result_free(r);
		}
	}
	wall = cs_now() - t0;
	cpu = cpu_seconds() - cpu0;
	printf("llm J=%d L=%.3f N=%d req/s=%.1f ideal=%.1f ratio=%.3f cpu_ms_per_req=%.3f max_inflight=%d failed=%d\n",
	       jobs, lat, n, n / wall, jobs / lat, (n / wall) / (jobs / lat), 1000 * cpu / n,
	       llm_max_inflight(c), failed);
	llm_client_free(c);
	llm_endpoint_release(&ep);
	return failed ? CS_EPARTIAL : CS_OK;
}
