#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "cs.h"
#include "jsonl.h"

int jsonl_open(struct jsonl_reader *r, const char *path)
{
	memset(r, 0, sizeof *r);
	r->path = xstrdup(path);
	r->max_line = (size_t)cs_conf_long("CS_MAX_LINE");
	if (!strcmp(path, "-")) {
		r->fp = stdin;
		free(r->path);
		r->path = xstrdup("<stdin>");
	} else {
		r->fp = fopen(path, "r");
		if (!r->fp) {
			error("%s: cannot open: %s", path, strerror(errno));
			free(r->path);
			r->path = NULL;
			return -1;
		}
		r->own_fp = 1;
	}
	return 0;
}

int jsonl_open_fp(struct jsonl_reader *r, FILE *fp, const char *name)
{
	memset(r, 0, sizeof *r);
	r->path = xstrdup(name);
	r->max_line = (size_t)cs_conf_long("CS_MAX_LINE");
	r->fp = fp;
	return 0;
}

int jsonl_next_line(struct jsonl_reader *r)
{
	for (;;) {
		int c, toolong = 0;
		r->len = 0;
		if (feof(r->fp))
			return 0;
		while ((c = getc(r->fp)) != EOF && c != '\n') {
			if (r->len >= r->max_line) {
				toolong = 1;
				continue;
			}
			if (r->len + 2 > r->cap) {
				r->cap = r->cap ? r->cap * 2 : 4096;
				r->buf = xrealloc(r->buf, r->cap);
			}
			r->buf[r->len++] = (char)c;
		}
		if (c == EOF && ferror(r->fp))
			return error("%s:%ld: read error: %s", r->path, r->lineno + 1, strerror(errno)), -1;
		if (c == EOF && r->len == 0 && !toolong)
			return 0;
		r->lineno++;
		if (r->buf)
			r->buf[r->len] = '\0';
		if (toolong) {
			error("%s:%ld: line longer than %zu bytes (CS_MAX_LINE), skipped", r->path,
			      r->lineno, r->max_line);
			return -2;
		}
		if (r->len && r->buf[r->len - 1] == '\r')
			r->buf[--r->len] = '\0';
		size_t i = 0;
		while (i < r->len && (r->buf[i] == ' ' || r->buf[i] == '\t'))
			i++;
		if (i < r->len)
			return 1;
	}
}

enum cs_outcome jsonl_next(struct jsonl_reader *r, json_t **out)
{
	json_error_t err;
	size_t bad;
	int rc = jsonl_next_line(r);
	*out = NULL;
	if (rc <= 0)
		return rc == 0 ? CS_END : rc == -1 ? CS_STOP : CS_BAD_RECORD;
	if (!cs_utf8_valid(r->buf, r->len, &bad)) {
		error("%s:%ld: not UTF-8 (byte %zu is 0x%02x)", r->path, r->lineno, bad + 1,
		      (unsigned char)r->buf[bad]);
		return CS_BAD_RECORD;
	}
	json_t *j = json_loadb(r->buf, r->len, JSON_REJECT_DUPLICATES, &err);
	if (!j) {
		error("%s:%ld: not JSON: %s (column %d)", r->path, r->lineno, err.text, err.column);
		return CS_BAD_RECORD;
	}
	if (!json_is_object(j)) {
		json_decref(j);
		error("%s:%ld: not a JSON object", r->path, r->lineno);
		return CS_BAD_RECORD;
	}
	*out = j;
	return CS_DONE;
}

void jsonl_close(struct jsonl_reader *r)
{
	if (r->own_fp && r->fp)
		fclose(r->fp);
	free(r->buf);
	free(r->path);
	memset(r, 0, sizeof *r);
}

int jsonl_write(FILE *fp, const json_t *obj)
{
	char *s = json_dumps(obj, JSON_COMPACT | JSON_ENSURE_ASCII * 0);
	int rc = 0;
	if (!s)
		return error("cannot encode a record as JSON");
	if (fputs(s, fp) == EOF || putc('\n', fp) == EOF)
		rc = -1;
	free(s);
	return rc;
}

const char *jsonl_str(const json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

long long jsonl_int(const json_t *obj, const char *key, long long def)
{
	json_t *v = json_object_get(obj, key);
	return json_is_integer(v) ? json_integer_value(v) : def;
}
