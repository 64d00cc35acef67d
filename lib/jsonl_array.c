/* jsonl_array.c: split a JSON array into its elements by bracket depth (strings
 * and their escapes skipped), then parse each with jsonl_next, so that a bad
 * element reads as a bad JSONL line does. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cs.h"
#include "jsonl_array.h"

/* Next byte after blanks, counting newlines. */
static int skip_blanks(struct jsonl_array *a)
{
	int c;
	while ((c = getc(a->r->fp)) == ' ' || c == '\t' || c == '\r' || c == '\n')
		if (c == '\n')
			a->line++;
	return c;
}

int jsonl_array_begin(struct jsonl_array *a, struct jsonl_reader *r)
{
	int c;
	memset(a, 0, sizeof(*a));
	a->r = r;
	a->line = 1;
	c = skip_blanks(a);
	if (c == '[')
		return 1;
	if (c != EOF)
		ungetc(c, r->fp);
	r->lineno += a->line - 1;
	return 0;
}

static void keep(struct jsonl_reader *r, int c, int *toolong)
{
	if (r->len >= r->max_line) {
		*toolong = 1;
		return;
	}
	if (r->len + 2 > r->cap) {
		r->cap = r->cap ? r->cap * 2 : 4096;
		r->buf = xrealloc(r->buf, r->cap);
	}
	/* outside strings a newline is a blank; inside one it is invalid JSON either way */
	r->buf[r->len++] = c == '\n' ? ' ' : (char)c;
}

enum cs_outcome jsonl_array_next(struct jsonl_array *a, json_t **out)
{
	struct jsonl_reader *r = a->r, one;
	int c, depth = 0, instr = 0, esc = 0, toolong = 0, scalar, rc;
	long start;
	FILE *m;
	*out = NULL;
	if (a->done)
		return CS_END;
	c = skip_blanks(a);
	if (c == ']') {
		a->done = 1;
		return CS_END;
	}
	if (a->need_sep) {
		if (c != ',')
			goto malformed;
		c = skip_blanks(a);
	}
	if (c == EOF || c == ']' || c == ',')
		goto malformed;
	start = a->line;
	r->len = 0;
	scalar = c != '{' && c != '[';
	for (;; c = getc(r->fp)) {
		if (c == EOF)
			goto malformed;
		if (scalar && !instr && strchr(", \t\r\n]", c)) {
			ungetc(c, r->fp);
			break;
		}
		keep(r, c, &toolong);
		if (c == '\n')
			a->line++;
		if (instr) {
			if (esc)
				esc = 0;
			else if (c == '\\')
				esc = 1;
			else if (c == '"')
				instr = 0;
		} else if (c == '"') {
			instr = 1;
		} else if (c == '{' || c == '[') {
			depth++;
		} else if ((c == '}' || c == ']') && --depth == 0) {
			break;
		}
	}
	a->need_sep = 1;
	r->lineno = start;
	if (toolong) {
		error("%s:%ld: record longer than %zu bytes (CS_MAX_LINE), skipped", r->path, start, r->max_line);
		return CS_BAD_RECORD;
	}
	if (!(m = fmemopen(r->buf, r->len, "r"))) {
		error("%s:%ld: %s", r->path, start, strerror(errno));
		return CS_STOP;
	}
	jsonl_open_fp(&one, m, r->path);
	one.max_line = r->max_line;
	one.lineno = start - 1;
	rc = jsonl_next(&one, out);
	jsonl_close(&one);
	fclose(m);
	return rc == CS_END ? CS_BAD_RECORD : (enum cs_outcome)rc;
malformed:
	if (ferror(r->fp))
		error("%s:%ld: read error: %s", r->path, a->line, strerror(errno));
	else
		error("%s:%ld: not a JSON array of records (%s)", r->path, a->line,
		      c == EOF ? "it ends before its closing `]`" : "expected `,` or `]` between records");
	return CS_STOP;
}
