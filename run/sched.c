/* sched.c: the streaming scheduler: every stage at once over the corpus.
 *
 *   corpus ──db_pending──► start a task ──► pipe (prover, decomposer, Lean pool)
 *      ▲                                          │ attempt, verification, result
 *      └──── db_store + db_settle_problem ◄───────┘ records, one transaction each
 *
 * A stage takes new work whenever it has room: the prover and the decomposer as
 * long as fewer than their CS_*_JOBS requests are waiting (a task checking its
 * samples in Lean holds no request, so up to TASKS_PER_JOB tasks a request slot
 * are kept), recombination while fewer than two checks per REPL are queued. A
 * stored result settles its problem and its ancestors at once, so a failed proof is
 * decomposed, an accepted sketch's lemmas proved and a finished tree recombined
 * without waiting for anything else. This process is the corpus's one writer. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "cs.h"
#include "db.h"
#include "jsonl.h"
#include "stage.h"

#define TASKS_PER_JOB 4
#define NSTAGES 3

struct flight {
	long long pid;
	int stage;
};

struct sched {
	sqlite3 *db;
	struct pipe *p;
	const struct sched_opts *o;
	const struct pipe_stage *stages[NSTAGES];
	int cap[NSTAGES], active[NSTAGES], dirty[NSTAGES];
	long started[NSTAGES], ended[NSTAGES];
	struct flight *fl;          /* problems with a task now */
	size_t nfl, capfl;
	long long *skip;            /* problems deferred in this run */
	size_t nskip, capskip;
	long bad;                   /* records the corpus refused */
	long corpus;                /* corpus rows added */
	long long tokens;           /* asked of the endpoints */
	/* the batch of pending records being started */
	json_t **batch;
	size_t nbatch, capbatch, want;
	double t0, shown;
	/* where the run stands (progress lines) */
	struct db_totals first, totals;
	double totals_at, every, logged;
	int tty, have_totals;
	long nlogged;
};

static long flight_find(const struct sched *s, long long pid)
{
	for (size_t i = 0; i < s->nfl; i++)
		if (s->fl[i].pid == pid)
			return (long)i;
	return -1;
}

static int skipped(const struct sched *s, long long pid)
{
	for (size_t i = 0; i < s->nskip; i++)
		if (s->skip[i] == pid)
			return 1;
	return 0;
}

/* Leave problem pid alone for the rest of the run. */
static void skip(struct sched *s, long long pid)
{
	s->skip = cs_grow(s->skip, &s->capskip, s->nskip, sizeof *s->skip);
	s->skip[s->nskip++] = pid;
}

static int is_result(const char *type)
{
	return type && (!strcmp(type, "prove") || !strcmp(type, "decompose") || !strcmp(type, "recombine"));
}

static void done(struct pipe *p, long long pid, enum pipe_outcome o, void *ctx)
{
	struct sched *s = ctx;
	long i = flight_find(s, pid);
	(void)p;
	if (i < 0)
		return;
	s->active[s->fl[i].stage]--;
	s->ended[s->fl[i].stage]++;
	s->fl[i] = s->fl[--s->nfl];
	if (o == PIPE_DEFERRED)
		skip(s, pid);
}

/* The sink: store each record as it comes; a result settles its problem upwards. */
static int store(struct pipe *p, json_t *rec, void *ctx)
{
	struct sched *s = ctx;
	const char *type = jsonl_str(rec, "type");
	long long pid = jsonl_int(rec, "problem_id", 0);
	char *why = NULL;
	int rc = db_store(s->db, rec, s->o->run_id, &why);
	(void)p;
	if (rc == CS_STOP) {
		/* the database's own message (printed just now) goes into this one: a run that
		 * stops records its last message as its cause */
		const char *cause = cs_last_error();
		char *c = cause ? xstrdup(cause) : NULL;
		error("cannot store a %s record of problem %lld (%s); stopping (it will be redone)",
		      type ? type : "", pid, c ? c : db_path());
		free(c);
		return -1;
	}
	if (rc == CS_BAD_RECORD) {
		/* its problem keeps its state: asked again, it would say the same */
		error("problem %lld: %s record refused by the corpus: %s", pid, type ? type : "?", why);
		free(why);
		s->bad++;
		if (is_result(type))
			skip(s, pid);
		return 0;
	}
	if (type && !strcmp(type, "attempt"))
		s->tokens += jsonl_int(rec, "prompt_tokens", 0) + jsonl_int(rec, "completion_tokens", 0);
	if (is_result(type)) {
		if (db_settle_problem(s->db, pid, s->o->max_depth) < 0)
			return -1;
		for (int k = 0; k < NSTAGES; k++)
			s->dirty[k] = 1;
		if (!strcmp(type, "recombine") && json_object_get(rec, "corpus"))
			s->corpus++;
	}
	return 0;
}

/* How many more tasks stage k may start now. */
static int room(const struct sched *s, int k)
{
	const struct pipe_stage *st = s->stages[k];
	int r = s->cap[k] - s->active[k], waiting;
	if (st->role >= 0)
		waiting = pipe_endpoint(s->p, st->role)->jobs - pipe_llm_pending(s->p, st->role);
	else
		waiting = 2 * pipe_lean_jobs(s->p) - pipe_lean_pending(s->p);
	return r < waiting ? r : waiting;
}

static int busy(long long pid, void *ctx)
{
	struct sched *s = ctx;
	return flight_find(s, pid) >= 0 || skipped(s, pid);
}

static int collect(json_t *rec, void *ctx)
{
	struct sched *s = ctx;
	s->batch = cs_grow(s->batch, &s->capbatch, s->nbatch, sizeof *s->batch);
	s->batch[s->nbatch++] = json_incref(rec);
	return s->nbatch >= s->want;
}

/* Start up to room(k) tasks of stage k from its pending work; the stage is clean
 * (not dirty) once the corpus had fewer than that. 0, or -1 on a database error. */
static int fill(struct sched *s, int k)
{
	int r = room(s, k);
	long n;
	size_t i;
	if (r <= 0 || !s->dirty[k] || pipe_budget_out(s->p))
		return 0;
	s->nbatch = 0;
	s->want = (size_t)r;
	n = db_pending(s->db, s->stages[k]->name, s->o->max_depth, s->o->run_id, r + s->active[k], busy, collect, s);
	if (n == -1)
		return -1;
	if (s->nbatch < s->want)
		s->dirty[k] = 0; /* nothing more until another result is stored */
	for (i = 0; i < s->nbatch; i++) {
		json_t *rec = s->batch[i];
		long long pid = jsonl_int(rec, "problem_id", 0);
		char *where = xasprintf("%s %s", s->stages[k]->name, jsonl_str(rec, "name") ? jsonl_str(rec, "name") : "?");
		if (pipe_stopped(s->p)) {
			free(where);
			json_decref(rec);
			continue;
		}
		s->fl = cs_grow(s->fl, &s->capfl, s->nfl, sizeof *s->fl);
		s->fl[s->nfl++] = (struct flight){ pid, k };
		s->active[k]++;
		s->started[k]++;
		if (pipe_start(s->p, s->stages[k], rec, where)) {
			/* a record the stage cannot use (nothing started: its entry is the last):
			 * it stays out of this run */
			s->nfl--;
			s->active[k]--;
			skip(s, pid);
		}
		free(where);
		json_decref(rec);
	}
	s->nbatch = 0;
	return 0;
}

/* d seconds as "3h05m", "4m10s" or "12s". */
static void duration(struct sbuf *sb, double d)
{
	long t = (long)(d + 0.5);
	if (t >= 3600)
		sbuf_addf(sb, "%ldh%02ldm", t / 3600, t / 60 % 60);
	else if (t >= 60)
		sbuf_addf(sb, "%ldm%02lds", t / 60, t % 60);
	else
		sbuf_addf(sb, "%lds", t);
}

/* What the run has spent beyond tokens: the hook for money and a budget (issue 21,
 * prices and CS_BUDGET); nothing yet. */
static void spend(const struct sched *s, struct sbuf *sb)
{
	sbuf_addf(sb, "tokens %lld", s->tokens);
}

/* The corpus's totals (read at most every 2 s) and, from the original problems this
 * run settled, its rate and the time the open ones would take at that rate. */
static void standing(struct sched *s, struct sbuf *sb, double now, int final)
{
	long long settled, all;
	double rate;
	if (!s->have_totals || now - s->totals_at >= 2 || final) {
		if (db_totals(s->db, &s->totals) == 0) {
			if (!s->have_totals)
				s->first = s->totals;
			s->have_totals = 1;
		}
		s->totals_at = now;
	}
	if (!s->have_totals)
		return;
	all = s->totals.proved + s->totals.failed + s->totals.open;
	settled = s->totals.proved + s->totals.failed - s->first.proved - s->first.failed;
	rate = now > s->t0 ? (double)settled / (now - s->t0) : 0;
	if (s->tty) /* one terminal row: the totals and the ETA first */
		sbuf_addf(sb, "%lld/%lld done (%lld failed), corpus %lld (+%lld), ", s->totals.proved + s->totals.failed,
			  all, s->totals.failed, s->totals.corpus, s->totals.corpus - s->first.corpus);
	else
		sbuf_addf(sb, "%lld problems: %lld proved, %lld failed, %lld pending; corpus %lld rows (+%lld); ", all,
			  s->totals.proved, s->totals.failed, s->totals.open, s->totals.corpus,
			  s->totals.corpus - s->first.corpus);
	if (settled > 0) {
		sbuf_addf(sb, s->tty ? "%.1f/h, ETA " : "%.1f problems/h; ETA ", rate * 3600);
		if (s->totals.open)
			duration(sb, (double)s->totals.open / rate);
		else
			sbuf_adds(sb, "0s");
	} else {
		sbuf_adds(sb, s->tty ? "ETA ?" : "ETA unknown (nothing settled yet)");
	}
}

/* On a terminal, the live line (at most every 0.5 s; kept at the end); off one, a
 * progress line every CS_PROGRESS_EVERY seconds (cron, systemd, nohup) and, after
 * any, one at the end. */
static void progress(struct sched *s, int final)
{
	double now = cs_now();
	struct sbuf sb = SBUF_INIT;
	if (s->tty) {
		if (s->o->quiet || (!final && now - s->shown < 0.5))
			return;
		s->shown = now;
		standing(s, &sb, now, final);
		/* tasks ended/started per stage; requests and checks waiting now */
		sbuf_adds(&sb, "  ");
		duration(&sb, now - s->t0);
		sbuf_addf(&sb, "  | prove %ld/%ld  decompose %ld/%ld  recombine %ld/%ld  waiting: prover %d decomposer %d "
			  "lean %d  ", s->ended[1], s->started[1], s->ended[2], s->started[2], s->ended[0], s->started[0],
			  pipe_llm_pending(s->p, PIPE_PROVER), pipe_llm_pending(s->p, PIPE_DECOMPOSER),
			  pipe_lean_pending(s->p));
		spend(s, &sb);
		if (final) {
			cs_live_line(NULL);
			fprintf(stderr, "%s\n", sbuf_str(&sb));
		} else {
			cs_live_line(sbuf_str(&sb));
		}
	} else if (s->every > 0 && (final ? s->nlogged > 0 : now - s->logged >= s->every)) {
		/* and, after any, one at the end: where the run left the corpus */
		s->logged = now;
		s->nlogged++;
		sbuf_addf(&sb, "%s: progress after ", cs_progname);
		duration(&sb, now - s->t0);
		sbuf_adds(&sb, ": ");
		standing(s, &sb, now, final);
		sbuf_addf(&sb, "; in flight: prove %d, decompose %d, recombine %d; ", s->active[1], s->active[2],
			  s->active[0]);
		spend(s, &sb);
		fprintf(stderr, "%s\n", sbuf_str(&sb));
		fflush(stderr);
	}
	sbuf_release(&sb);
}

int sched_run(sqlite3 *db, const struct sched_opts *o)
{
	struct sched s = { 0 };
	int rc = CS_OK, idle;
	s.db = db;
	s.o = o;
	s.stages[0] = &stage_recombine; /* finishing a tree first keeps the fewest open */
	s.stages[1] = &stage_prove;
	s.stages[2] = &stage_decompose;
	s.p = pipe_new(PIPE_ROLE(PIPE_PROVER) | PIPE_ROLE(PIPE_DECOMPOSER));
	pipe_set_db(s.p, db);
	pipe_set_sink(s.p, store, &s);
	pipe_on_done(s.p, done, &s);
	s.cap[0] = 2 * pipe_lean_jobs(s.p);
	s.cap[1] = TASKS_PER_JOB * pipe_endpoint(s.p, PIPE_PROVER)->jobs;
	s.cap[2] = TASKS_PER_JOB * pipe_endpoint(s.p, PIPE_DECOMPOSER)->jobs;
	for (int k = 0; k < NSTAGES; k++)
		s.dirty[k] = 1;
	s.t0 = s.logged = cs_now();
	s.tty = isatty(2);
	s.every = cs_conf_double("CS_PROGRESS_EVERY");
	if (db_settle(db, o->max_depth, (int)cs_conf_long("CS_E2E_SAMPLES")) < 0)
		rc = CS_EIO;
	while (rc == CS_OK && !*o->signalled && !pipe_stopped(s.p)) {
		for (int k = 0; k < NSTAGES && rc == CS_OK; k++)
			if (fill(&s, k) < 0)
				rc = CS_EIO;
		if (rc != CS_OK || pipe_stopped(s.p))
			break;
		idle = 1;
		for (int k = 0; k < NSTAGES; k++)
			idle &= !s.dirty[k];
		if (pipe_active(s.p) == 0 && (idle || pipe_budget_out(s.p)))
			break; /* every stage is drained (or the budget spent) and nothing runs */
		if (!pipe_poll(s.p, 50) && pipe_active(s.p) > 0 && idle) {
			error("internal error: %d tasks wait for nothing", pipe_active(s.p));
			rc = CS_EIO;
		}
		progress(&s, 0);
	}
	progress(&s, 1);
	if (rc == CS_OK && pipe_stopped(s.p))
		rc = pipe_stopped(s.p);
	if (rc == CS_OK && !*o->signalled && pipe_budget_out(s.p)) {
		error("run stopped: the budget (CS_BUDGET=%s) is reached: %.6g spent; the work left stays pending "
		      "for the next run", cs_conf_str("CS_BUDGET"), pipe_spent(s.p));
		rc = CS_EPAYMENT;
	}
	if (rc == CS_OK && !*o->signalled) {
		if (s.nskip)
			warning("%zu problems are left pending after infrastructure faults or unusable records (see "
				"above); the next run takes them up again", s.nskip);
		if (s.bad || pipe_failed(s.p) || s.nskip)
			rc = CS_EPARTIAL;
	}
	if (o->counts) {
		json_t *c = json_pack("{s:I, s:I, s:I, s:I}", "cached_answers", (json_int_t)pipe_cached_answers(s.p),
				      "left_pending", (json_int_t)s.nskip, "bad_records", (json_int_t)s.bad,
				      "corpus_added", (json_int_t)s.corpus);
		if (cs_env("CS_BUDGET", NULL)) { /* the budget estimate: worst cases admitted versus spent */
			json_object_set_new(c, "budget", json_real(cs_conf_double("CS_BUDGET")));
			json_object_set_new(c, "worst_case", json_real(pipe_worst_case(s.p)));
			json_object_set_new(c, "spent", json_real(pipe_spent(s.p)));
			json_object_set_new(c, "budget_reached", json_boolean(pipe_budget_out(s.p)));
		}
		json_object_set_new(c, "lean", pipe_lean_counts(s.p));
		*o->counts = json_dumps(c, JSON_COMPACT | JSON_SORT_KEYS);
		json_decref(c);
	}
	for (size_t i = 0; i < s.nbatch; i++)
		json_decref(s.batch[i]);
	pipe_free(s.p); /* what is in flight now is dropped: its answers are stored already */
	free(s.batch);
	free(s.fl);
	free(s.skip);
	return rc;
}
