/* jsonl_array.h: the records of a file holding one JSON array of objects (as
 * some datasets are published, e.g. Lean Workbook's lean_workbook.json), read one
 * element at a time through a jsonl_reader: memory stays that of one record. */
#ifndef JSONL_ARRAY_H
#define JSONL_ARRAY_H

#include "jsonl.h"

struct jsonl_array {
	struct jsonl_reader *r; /* borrowed: its stream, buffer, path and max_line */
	long line;              /* line of the input being read (1-based) */
	int need_sep, done;
};

/* Look at the start of r's input: 1 when it is a JSON array (its `[` consumed;
 * read the elements with jsonl_array_next), 0 otherwise (nothing consumed but
 * leading blanks, counted in r->lineno: read it with jsonl_next). */
int jsonl_array_begin(struct jsonl_array *a, struct jsonl_reader *r);
/* Next element as a JSON object, as jsonl_next: CS_DONE with *out (caller owns),
 * CS_END after the closing `]`, CS_STOP when the array is malformed or unreadable,
 * CS_BAD_RECORD for a bad element (printed as "path:line: ..." with the line it
 * starts on; the reader goes on). r->lineno is set to the element's first line. */
enum cs_outcome jsonl_array_next(struct jsonl_array *a, json_t **out);

#endif
