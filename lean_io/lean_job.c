/* lean_job.c: what the two backends (the local REPL pool, lean_pool.c, and the
 * kimina-lean-server client, lean_kimina.c) share about a check: the audit commands
 * and the judging of their replies, and a job's end (lean_pool_finish hands its
 * verdict to lean_pool_next; lean_pool_retry queues it again). Both backends call
 * down to this file, so neither calls the other's internals. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "conf.h"
#include "cs.h"
#include "lean_internal.h"
#include "lean_text.h"

/* The audit reads its own answer only, in a scope the answer cannot shape: the
 * REPL runs the audit in the command state the body left (its `open`s included),
 * so both names are resolved from the root (`_root_.`, src/Lean/ResolveName.lean
 * resolveGlobalName: `_root_` drops every namespace and `open`), and the axioms
 * are printed under pp.fullNames and pp.privateNames: newer Leans print them with
 * MessageData.ofConstName, which follows the user's pp.fullNames and would
 * shorten a name an `open` reaches (src/Lean/Message.lean ofConstName). The one
 * message `#print axioms` gives is positioned at its `#print` token (withRef tk,
 * src/Lean/Elab/Print.lean elabPrintAxioms): line LINE, column AUDIT_COL. */
#define AUDIT_PRINT "set_option pp.fullNames true in set_option pp.privateNames true in "

/* Lean's answers when an import cannot be loaded (src/Lean/Util/Path.lean
 * findOLean, src/Lean/Environment.lean importModules): the Lean project lacks what
 * the header needs, which says nothing about the code. */
static const char *const import_failures[] = {
	"unknown module prefix", "unknown package", "object file", "failed to read file",
};

/* s cut to max bytes at a UTF-8 boundary, with " …" when cut; malloc'd. */
int lean_code_tries(int floor, long faults, long commands)
{
	double rate = commands > 0 && faults > 0 ? (double)faults / commands : 0, chance = 1;
	int k = 0;
	if (rate <= 0)
		return floor;
	if (rate >= 1)
		return 0;
	while (chance >= 1e-6 && k <= LEAN_CODE_TRIES_MAX) {
		chance *= rate;
		k++;
	}
	if (k > LEAN_CODE_TRIES_MAX)
		return 0;
	return k > floor ? k : floor;
}

char *lean_excerpt(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n <= max)
		return xstrdup(s);
	while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	return xasprintf("%.*s …", (int)max, s);
}

const char *lean_pool_checker(const struct lean_pool *p)
{
	return p->checker;
}

void lean_job_free(struct lean_job *j)
{
	if (!j)
		return;
	free(j->header);
	free(j->body);
	free(j->theorem);
	free(j->expected);
	free(j->expected_name);
	free(j->first_crash);
	free(j->code_why);
	free(j);
}

static char *root_name(const char *name)
{
	return strncmp(name, "_root_.", 7) ? xasprintf("_root_.%s", name) : xstrdup(name);
}

char *lean_audit_cmd(const struct lean_job *j)
{
	/* type_of% (src/Lean/Parser/Term.lean `typeOf`, elaborated by `elabTypeOf` in
	 * src/Lean/Elab/BuiltinNotation.lean) is the inferred type of its argument; the
	 * example then elaborates @THEOREM against it, which fails with "type mismatch"
	 * unless the two types are definitionally equal (isDefEq). */
	char *thm = root_name(j->theorem), *out;
	if (j->expected)
		out = xasprintf("example : type_of%% @_root_.%s := @%s\n" AUDIT_PRINT "#print axioms %s",
				j->expected_name, thm, thm);
	else
		out = xasprintf(AUDIT_PRINT "#print axioms %s", thm);
	free(thm);
	return out;
}

/* The first error of r as "L:C: data" (data cut), or NULL. */
static char *first_error(const struct lean_reply *r)
{
	for (size_t i = 0; i < r->nmsg; i++)
		if (!strcmp(r->msgs[i].severity, "error")) {
			char *d = lean_excerpt(r->msgs[i].data, 2000), *w;
			w = xasprintf("%d:%d: %s", r->msgs[i].line, r->msgs[i].col, d);
			free(d);
			return w;
		}
	return NULL;
}

/* "L:C: severity: data" of message m, cut. */
static char *message_text(const struct lean_message *m)
{
	char *d = lean_excerpt(m->data, 500), *w;
	w = xasprintf("%d:%d: %s: %s", m->line, m->col, m->severity, d);
	free(d);
	return w;
}

int lean_audit_judge(const struct lean_pool *p, const struct lean_job *j, struct lean_reply *r, char **why)
{
	struct lean_reply type = { 0 }, ax = { 0 };
	char *twhy = NULL, *awhy = NULL, *err;
	int print_line = j->expected ? 2 : 1;
	type.env = type.proof_state = ax.env = ax.proof_state = -1;
	*why = NULL;
	if (j->expected) {
		/* the example elaborates silently when the types agree: any message fails */
		lean_reply_move_lines(r, 1, 1, 0, &type);
		for (size_t i = 0; i < type.nmsg && !twhy; i++)
			if (!strcmp(type.msgs[i].severity, "error")) {
				err = lean_excerpt(type.msgs[i].data, 2000);
				twhy = xasprintf("type check: %s does not prove the problem's statement: %s",
						 j->theorem, err);
				free(err);
			}
		if (!twhy && type.nmsg) {
			err = message_text(&type.msgs[0]);
			twhy = xasprintf("type check of %s: unexpected message in the audit command: %s", j->theorem, err);
			free(err);
		}
		lean_reply_release(&type);
	}
	lean_reply_move_lines(r, print_line, print_line, 0, &ax);
	if (r->error) {
		awhy = xasprintf("axiom audit of %s: REPL: %s", j->theorem, r->error);
	} else if (r->nmsg) {
		/* a message on no line of ours: not the audit's answer */
		err = message_text(&r->msgs[0]);
		awhy = xasprintf("axiom audit of %s: unexpected message in the audit command: %s", j->theorem, err);
		free(err);
	} else if (lean_reply_axioms_ok(&ax, j->theorem, p->cfg.allow_native, j->body, print_line,
					(int)strlen(AUDIT_PRINT), &awhy) == 0) {
		free(awhy);
		awhy = NULL;
	}
	lean_reply_release(&ax);
	lean_reply_release(r);
	if (!twhy && !awhy)
		return 0;
	*why = twhy && awhy ? xasprintf("%s; %s", twhy, awhy) : xstrdup(twhy ? twhy : awhy);
	free(twhy);
	free(awhy);
	return -1;
}

char *lean_expected_why(const struct lean_job *j, const struct lean_reply *r)
{
	char *e = first_error(r), *w;
	(void)j;
	w = xasprintf("type check: the problem's statement does not elaborate in the header's "
		      "environment: %s", e ? e : (r->error ? r->error : "?"));
	free(e);
	return w;
}

enum lean_verdict lean_header_judge(const struct lean_pool *p, const struct lean_reply *r, char **why)
{
	char *e;
	*why = NULL;
	if (r->error) {
		*why = xasprintf("%s could not import the header: REPL: %s", p->checker, r->error);
		return LEAN_ERROR;
	}
	if (lean_reply_verdict(r) != LEAN_FAIL)
		return LEAN_PASS;
	e = first_error(r);
	for (size_t i = 0; e && i < CS_ARRAY_SIZE(import_failures); i++)
		if (strstr(e, import_failures[i])) {
			*why = xasprintf("%s could not import the header (is it the Lean project the "
					 "problems need? CS_LEAN_DIR=%s): %s",
					 p->checker, p->cfg.lean_dir ? p->cfg.lean_dir : "(unset)", e);
			free(e);
			return LEAN_ERROR;
		}
	*why = xasprintf("header: %s", e ? e : "error");
	free(e);
	return LEAN_FAIL;
}

void lean_pool_retry(struct lean_pool *p, struct lean_job *j)
{
	j->next = p->queue;
	p->queue = j;
	if (p->queue_tail == &p->queue)
		p->queue_tail = &j->next;
}

void lean_pool_set_version(struct lean_pool *p, const char *version)
{
	if (p->version_known)
		return; /* the first answer wins */
	p->version_known = 1;
	p->version = xstrdup_or_null(version);
	p->real_lean = lean_is_lean_version(version);
	if (!p->real_lean && !(version && !strncmp(version, LEAN_DOUBLE_PREFIX, strlen(LEAN_DOUBLE_PREFIX)))) {
		char *said = version ? lean_excerpt(version, 200) : NULL;
		warning("%s did not answer `%s` with a Lean version (it said %s%s%s): its checks are "
			"recorded as not Lean (real_lean 0)", p->checker, LEAN_VERSION_CMD, said ? "\"" : "",
			said ? said : "nothing understood", said ? "\"" : "");
		free(said);
	}
}

void lean_pool_finish(struct lean_pool *p, struct lean_job *j, enum lean_verdict v,
		      struct lean_reply *reply, char *why)
{
	struct lean_check *c = xcalloc(1, sizeof *c);
	struct done *d = xcalloc(1, sizeof *d);
	c->udata = j->udata;
	c->verdict = v;
	if (reply) {
		c->reply = *reply;
		memset(reply, 0, sizeof *reply);
		reply->env = reply->proof_state = -1;
	} else {
		c->reply.env = c->reply.proof_state = -1;
	}
	c->checker = xstrdup(p->kimina ? "kimina" : "repl");
	c->server = xstrdup_or_null(j->server);
	c->audited = j->audited;
	c->infra = v == LEAN_ERROR;
	c->version = xstrdup_or_null(p->version);
	c->real_lean = p->real_lean;
	c->messages_json = lean_reply_messages_json(&c->reply, (size_t)p->cfg.max_msg);
	c->why = why ? lean_utf8_clean(why, strlen(why)) : NULL; /* a cut excerpt stays valid UTF-8 */
	free(why);
	c->elapsed = j->t0 > 0 ? cs_now() - j->t0 : 0;
	d->c = c;
	*p->done_tail = d;
	p->done_tail = &d->next;
	p->stats.checks++;
	lean_job_free(j);
}
