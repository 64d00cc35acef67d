/* cs-prove: the prover on theorems and subgoal lemmas, until a sample verifies. */
#include "cs.h"
#include "stage.h"

static const char usage[] =
	"[FILE]\n"
	"Prove the problems of JSONL records from cs-pending prove: ask the prover\n"
	"(CS_PROVER_URL, CS_PROVER_MODEL) for up to CS_SAMPLES samples (CS_E2E_SAMPLES for\n"
	"the end-to-end attempt on an original theorem) in batches of CS_SAMPLE_BATCH,\n"
	"check each with the policy and Lean in order, stop at the first that verifies:\n"
	"no further batch is asked. Writes attempt, verification and prove records for\n"
	"cs-store on stdout. Answers already in the corpus (CS_DB) are not asked again.\n"
	"Environment: CS_PROVER_JOBS (CS_JOBS), CS_SAMPLES (8), CS_SAMPLE_BATCH (8),\n"
	"CS_E2E_SAMPLES, CS_PROVER_PROMPT\n"
	"(prover-noncot or prover-cot), CS_PROVER_TEMPERATURE, CS_PROVER_TOP_P,\n"
	"CS_PROVER_MAX_TOKENS, and the CS_LEAN_* settings of the Lean pool.\n";

int main(int argc, char **argv)
{
	const char *path = pipe_args(argc, argv, usage);
	struct pipe *p = pipe_new(PIPE_ROLE(PIPE_PROVER));
	int rc = pipe_run(p, path, 2 * pipe_endpoint(p, PIPE_PROVER)->jobs, &stage_prove);
	pipe_free(p);
	return rc;
}
