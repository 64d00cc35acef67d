/* stage.h: the three model-driven stages as library code (runtime layer, on
 * pipe.h), and the streaming scheduler that runs them all at once.
 * A stage task takes one record of `cs-pending STAGE` and ends with one result
 * record of its type (prove, decompose, recombine) after its attempt and
 * verification records; stages/cs-prove.c and friends run one stage over JSONL. */
#ifndef STAGE_H
#define STAGE_H

#include <signal.h>
#include <sqlite3.h>

#include "pipe.h"

/* cs-prove: prover samples in batches of CS_SAMPLE_BATCH up to CS_SAMPLES
 * (CS_E2E_SAMPLES for an original theorem), checked in order; the first that
 * verifies ends the task and no further batch is asked. */
extern const struct pipe_stage stage_prove;
/* cs-decompose: up to CS_SKETCHES sketches until one is acceptable. */
extern const struct pipe_stage stage_decompose;
/* cs-recombine: splice the proven subgoals into the sketch and verify. */
extern const struct pipe_stage stage_recombine;

struct sched_opts {
	int quiet;           /* no progress line */
	long long run_id;    /* the run records belong to */
	int max_depth;       /* CS_MAX_DEPTH */
	volatile const sig_atomic_t *signalled; /* set to a signal number: end now (in-flight work dropped) */
	char **counts;       /* not NULL: receives the run's counts as JSON (malloc'd) */
};
/* Run every stage at once over the corpus db (opened read-write; the caller holds
 * the run lock) until no stage has work left, the pipe stops or *o->signalled.
 * A problem moves on the moment its task ends. Results are stored as they come,
 * one transaction each. Returns the exit code: 0; 1 when a record was bad or some
 * problems were left pending by infrastructure faults; the pipe's stop code. */
int sched_run(sqlite3 *db, const struct sched_opts *o);

#endif
