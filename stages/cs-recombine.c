/* cs-recombine: splice proven subgoals into their sketch and verify the whole proof. */
#include "cs.h"
#include "stage.h"

static const char usage[] =
	"[FILE]\n"
	"Recombine the problems of JSONL records from cs-pending recombine: splice each\n"
	"proven subgoal's proof into its sorry (re-indented, everything else byte for\n"
	"byte), check the policy and the statement, verify with Lean; when the splice does\n"
	"not verify, try the fallback form (proven lemmas before the theorem, each sorry\n"
	"closed by its lemma). For an original theorem, the cold-start example is built:\n"
	"prompt = the prover's CoT prompt, completion = the decomposer's reasoning and\n"
	"the complete verified proof. Writes verification and recombine records.\n";

int main(int argc, char **argv)
{
	const char *path = pipe_args(argc, argv, usage);
	struct pipe *p = pipe_new(0);
	int rc = pipe_run(p, path, 2 * pipe_lean_jobs(p), &stage_recombine);
	pipe_free(p);
	return rc;
}
