/* cs-decompose: the decomposer writes a proof sketch; its sorries become subgoal lemmas. */
#include "cs.h"
#include "stage.h"

static const char usage[] =
	"[FILE]\n"
	"Decompose the problems of JSONL records from cs-pending decompose: ask the\n"
	"decomposer (CS_DECOMPOSER_URL, CS_DECOMPOSER_MODEL) for a natural-language\n"
	"analysis and a Lean 4 sketch of `have ... := by sorry` steps, up to CS_SKETCHES\n"
	"(2) times, until a sketch keeps the statement, holds at least one step, passes\n"
	"the policy and elaborates in Lean with nothing but sorries. Its subgoals become\n"
	"lemmas (forms (a) and (b)), each stated the first way that works of\n"
	"CS_EXTRACT: syntax (the faithful lemma, then the lemma read from the text),\n"
	"goals (from Lean's goal state at its sorry) or auto (faithful, goal state,\n"
	"text); every lemma is elaborated (`:= by sorry`) before it is accepted, and one\n"
	"that does not elaborate goes to the next way.\n"
	"Writes attempt, verification and decompose records for cs-store on stdout.\n";

int main(int argc, char **argv)
{
	const char *path = pipe_args(argc, argv, usage);
	struct pipe *p = pipe_new(PIPE_ROLE(PIPE_DECOMPOSER));
	int rc = pipe_run(p, path, 2 * pipe_endpoint(p, PIPE_DECOMPOSER)->jobs, &stage_decompose);
	pipe_free(p);
	return rc;
}
