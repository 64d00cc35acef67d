/* cs-ingest: load theorems into the corpus. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cs.h"
#include "db.h"
#include "jsonl.h"
#include "lean_text.h"

static const char usage[] =
	"[-q] [-s SOURCE] [FILE...]\n"
	"Load problems into the corpus (CS_DB, default ./coldstart.db).\n"
	"FILE is JSONL in the miniF2F format of DeepSeek-Prover-V1.5 (name, split,\n"
	"informal_prefix, formal_statement ending in ':= by', goal, header) or a .lean\n"
	"file holding one theorem with its header; '-' or no FILE reads JSONL on stdin.\n"
	"Loading the same problem twice adds nothing.\n"
	"  -q         no summary on stderr\n"
	"  -s SOURCE  name recorded as the problems' source (default: the file name)\n"
	"Exit: 0 all loaded, 1 some records bad, 2 usage, 3 configuration, 4 I/O.\n";

/* Header of problems that come without one (JSONL records lacking "header"). */
#define DEFAULT_HEADER \
	"import Mathlib\nimport Aesop\n\nset_option maxHeartbeats 400000\n\nopen BigOperators Real Nat Topology Rat\n\n"
#define BATCH 512

struct counts {
	long read, added, present, bad;
};

static int is_ident(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	if (!*p || (*p >= '0' && *p <= '9') || *p == '.')
		return 0;
	for (; *p; p++)
		if (!(*p >= 0x80 || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '\'' || *p == '.' || *p == '!' || *p == '?'))
			return 0;
	return 1;
}

static int ends_with_by(const char *s)
{
	size_t n = strlen(s);
	while (n && strchr(" \t\r\n", s[n - 1]))
		n--;
	return n >= 5 && !memcmp(s + n - 5, ":= by", 5);
}

/* Check one problem; NULL when acceptable, else why (static or malloc'd into *owned). */
static const char *check_problem(const struct db_problem *p, char **owned)
{
	struct lean_theorem t;
	char *why = NULL;
	size_t bad;
	*owned = NULL;
	if (!is_ident(p->name))
		return "name is not a Lean identifier";
	if (!ends_with_by(p->formal_statement))
		return "formal_statement does not end in ':= by'";
	if (!cs_utf8_valid(p->header, strlen(p->header), &bad))
		return "header is not UTF-8";
	if (lean_parse_theorem(p->formal_statement, NULL, &t, &why)) {
		*owned = xasprintf("formal_statement: %s", why ? why : "no theorem");
		free(why);
		return *owned;
	}
	if (strcmp(t.name, p->name)) {
		*owned = xasprintf("formal_statement declares '%s', not '%s'", t.name, p->name);
		lean_theorem_release(&t);
		return *owned;
	}
	lean_theorem_release(&t);
	return NULL;
}

static int store(sqlite3 *db, const struct db_problem *p, struct counts *c)
{
	long long id;
	int inserted;
	if (db_problem_insert(db, p, &id, &inserted))
		return -1;
	if (inserted)
		c->added++;
	else
		c->present++;
	return 0;
}

/* A .lean file: header = what precedes the theorem (its docstring is the informal
 * statement), formal_statement = the declaration up to ':= by'. */
static int ingest_lean(sqlite3 *db, const char *path, const char *source, struct counts *c)
{
	struct lean_theorem t;
	char *text, *why = NULL, *owned = NULL;
	size_t len, bad;
	int rc = 0;

	if (!(text = cs_read_file(path, &len)))
		return error("%s: cannot read: %m", path), c->bad++, 0;
	c->read++;
	if (!cs_utf8_valid(text, len, &bad)) {
		error("%s: not UTF-8 (byte %zu)", path, bad + 1);
		c->bad++;
	} else if (lean_parse_theorem(text, NULL, &t, &why)) {
		error("%s: %s", path, why ? why : "no theorem");
		c->bad++;
	} else {
		const char *s = text, *doc = NULL, *kw;
		char *header, *stmt, *informal = NULL;
		size_t hdr_end = t.decl_start;
		kw = strstr(s + t.decl_start, t.keyword);
		/* a docstring right before the declaration is the informal statement */
		if (!strncmp(s + t.decl_start, "/--", 3)) {
			const char *close = strstr(s + t.decl_start, "-/");
			if (close && close < kw) {
				doc = s + t.decl_start;
				informal = xstrndup(doc, (size_t)(close + 2 - doc));
			}
		}
		header = xstrndup(s, hdr_end);
		stmt = xstrndup(kw, (size_t)(s + t.by_end - kw));
		struct db_problem p = { .name = t.name, .source = source, .header = header,
					.informal = informal, .formal_statement = stmt };
		const char *bad_why = check_problem(&p, &owned);
		if (bad_why) {
			error("%s: %s", path, bad_why);
			c->bad++;
		} else if (store(db, &p, c)) {
			rc = -1;
		}
		free(owned);
		free(header);
		free(stmt);
		free(informal);
		lean_theorem_release(&t);
	}
	free(why);
	free(text);
	return rc;
}

static int ingest_jsonl(sqlite3 *db, const char *path, const char *source, struct counts *c)
{
	struct jsonl_reader r;
	json_t *rec;
	int rc, ret = 0;
	long in_tx = 0;

	if (jsonl_open(&r, path)) {
		c->bad++;
		return 0;
	}
	if (!cs_env("CS_MAX_LINE", NULL))
		r.max_line = 1 << 20;
	if (db_begin(db))
		goto fail;
	while ((rc = jsonl_next(&r, &rec)) != 0) {
		if (rc == -1)
			break;
		c->read++;
		if (rc == -2) {
			c->bad++;
			continue;
		}
		struct db_problem p = {
			.name = jsonl_str(rec, "name"),
			.source = source ? source : r.path,
			.split = jsonl_str(rec, "split"),
			.header = jsonl_str(rec, "header"),
			.informal = jsonl_str(rec, "informal_prefix"),
			.formal_statement = jsonl_str(rec, "formal_statement"),
			.goal = jsonl_str(rec, "goal"),
		};
		const char *missing = !p.name ? "name" : !p.formal_statement ? "formal_statement" : NULL;
		char *owned = NULL;
		const char *why = NULL;
		if (!p.header)
			p.header = DEFAULT_HEADER;
		if (missing) {
			error("%s:%ld: missing string field '%s'", r.path, r.lineno, missing);
			c->bad++;
		} else if ((why = check_problem(&p, &owned))) {
			error("%s:%ld: %s: %s", r.path, r.lineno, p.name, why);
			c->bad++;
		} else if (store(db, &p, c)) {
			free(owned);
			json_decref(rec);
			goto fail;
		} else if (++in_tx >= BATCH) {
			if (db_commit(db) || db_begin(db)) {
				free(owned);
				json_decref(rec);
				goto fail;
			}
			in_tx = 0;
		}
		free(owned);
		json_decref(rec);
	}
	if (db_commit(db))
		goto fail;
	if (rc == -1)
		c->bad++;
	jsonl_close(&r);
	return ret;
fail:
	db_rollback(db);
	jsonl_close(&r);
	return -1;
}

static int is_lean_file(const char *path)
{
	size_t n = strlen(path);
	return n > 5 && !strcmp(path + n - 5, ".lean");
}

int main(int argc, char **argv)
{
	struct counts c = { 0 };
	const char *source = NULL;
	int quiet = 0, opt, code;
	sqlite3 *db;

	cs_init(argv[0]);
	if (cs_wants_help(argc, argv))
		cs_usage(usage, CS_OK);
	while ((opt = getopt(argc, argv, "hqs:")) != -1) {
		switch (opt) {
		case 'h': cs_usage(usage, CS_OK);
		case 'q': quiet = 1; break;
		case 's': source = optarg; break;
		default: cs_usage(usage, CS_EUSAGE);
		}
	}
	if (!(db = db_open(db_path(), 0, &code)))
		return code;
	if (optind == argc) {
		if (ingest_jsonl(db, "-", source, &c))
			die(CS_EIO, "%s: cannot store problems; nothing of the current batch was kept", db_path());
	}
	for (int i = optind; i < argc; i++) {
		int rc = is_lean_file(argv[i]) ? ingest_lean(db, argv[i], source ? source : argv[i], &c)
					       : ingest_jsonl(db, argv[i], source, &c);
		if (rc)
			die(CS_EIO, "%s: cannot store problems of %s; nothing of its current batch was kept",
			    db_path(), argv[i]);
	}
	db_close(db);
	if (!quiet)
		fprintf(stderr, "%s: %ld read, %ld added, %ld already present, %ld bad\n", cs_progname,
			c.read, c.added, c.present, c.bad);
	return c.bad ? CS_EPARTIAL : CS_OK;
}
