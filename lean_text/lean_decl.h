/* lean_decl.h: a theorem located on the tokens of lean_scan.h (lean_text/ only:
 * shared by lean_theorem.c and the other lean_text.h functions). */
#ifndef LEAN_DECL_H
#define LEAN_DECL_H

#include <stddef.h>

#include "lean_scan.h"

/* Token indices of one theorem/lemma declaration. */
struct lean_decl {
	size_t first;  /* docstring, @[attribute] or modifier before the keyword, else kw */
	size_t kw;     /* `theorem` or `lemma` */
	size_t name;
	size_t colon;  /* the `:` at bracket depth 0 before the conclusion */
	size_t assign; /* the `:=` */
	size_t by;     /* the `by` after `:=`; 0 for a term proof */
	size_t last;   /* last token of the proof (comments at column 0 before the next command excluded) */
};

/* Find theorem or lemma `name` (NULL: the last one) in tokens v[0..n) of src,
 * as from lean_tokenize with comments kept. need_by: fail unless the proof is
 * `:= by`. 0, or -1 with *why (malloc'd). */
int lean_find_theorem(const char *src, const struct lean_tok *v, size_t n, const char *name,
		      int need_by, struct lean_decl *d, char **why);

/* 1 if token t opens a bracket ( [ { ⦃ ⟨ @[ %[, -1 if it closes one, else 0. */
int lean_bracket(const char *src, const struct lean_tok *t);

/* Does token t start a command (theorem, def, #eval, @[..], docstring, end, ...)? */
int lean_is_command_start(const char *src, const struct lean_tok *t);

/* lean_check_audit_names (lean_text.h) on the tokens v[0..n) of code (comments
 * kept or not) and theorem d, found by the name theorem. 0, or -1 with *why. */
int lean_audit_names_ok(const char *code, const struct lean_tok *v, size_t n, const struct lean_decl *d,
			const char *theorem, char **why);

#endif
