/* jsonl.h: streaming JSON Lines in and out, one record in memory at a time. */
#ifndef JSONL_H
#define JSONL_H

#include <stdio.h>
#include <jansson.h>

#include "cs.h"

#define JSONL_MAX_LINE_DEFAULT (64L << 20) /* CS_MAX_LINE overrides */

struct jsonl_reader {
	FILE *fp;
	char *path;      /* "-" reads stdin; owned */
	long lineno;     /* line of the record last returned */
	size_t max_line; /* longer lines are rejected, their bytes skipped */
	char *buf;       /* current line, owned */
	size_t cap, len;
	int own_fp;
};

/* Open path ("-" for stdin). Returns 0, or -1 after printing why. */
int jsonl_open(struct jsonl_reader *r, const char *path);
/* Read an already open fp (a pipe, an fmemopen buffer), named name in messages.
 * fp stays the caller's: jsonl_close does not close it. Always returns 0. */
int jsonl_open_fp(struct jsonl_reader *r, FILE *fp, const char *name);
/* Next raw line (without its newline) into r->buf/r->len; blank lines skipped.
 * Returns 1, 0 at EOF, -1 on a read error, -2 for an over-long line
 * (error printed as "path:line: ..."; the reader stays usable). */
int jsonl_next_line(struct jsonl_reader *r);
/* Next record as a JSON object: CS_DONE with *out (caller owns, json_decref),
 * CS_END at EOF, CS_STOP on a read error, CS_BAD_RECORD for a bad record (error
 * printed naming path:line and the cause: not UTF-8, not JSON, not an object, too
 * long; the reader goes on). */
enum cs_outcome jsonl_next(struct jsonl_reader *r, json_t **out);
void jsonl_close(struct jsonl_reader *r);

/* Write obj compactly on one line of fp. Returns 0 or -1 on a write error. */
int jsonl_write(FILE *fp, const json_t *obj);

/* Field helpers: the string at key, or NULL when absent or not a string. */
const char *jsonl_str(const json_t *obj, const char *key);
/* The integer at key, or def. */
long long jsonl_int(const json_t *obj, const char *key, long long def);

#endif
