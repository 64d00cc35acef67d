/* lean_fingerprint.h: a theorem statement's fingerprint, the statement as Lean
 * reads it (pure text, on the tokens of lean_scan.h): comments and spacing
 * dropped, the keyword and the theorem's name dropped, the proof dropped, the
 * ASCII spellings Lean takes for one token made one (`->` `→`, `fun` `λ`, ...),
 * «» removed, a binder group of several names split into one group a name
 * (`(a b : ℕ)` reads as `(a : ℕ) (b : ℕ)`), and every bound name (the theorem's
 * binders, those of ∀ ∃ λ ∑ ∏ ⋃ ⋂ and set-builder braces) renamed by its order of
 * appearance, each use to its innermost binding in scope. Two statements that
 * differ as propositions as written (another numeral, another hypothesis, another
 * order of hypotheses) do not share a fingerprint; the same statement under other
 * names (of the theorem, its hypotheses, its variables) does.
 * Used to keep benchmark problems out of a corpus (data/benchmarks/) and to prove
 * a subgoal lemma once whatever its names. */
#ifndef LEAN_FINGERPRINT_H
#define LEAN_FINGERPRINT_H

#include <stddef.h>

/* The version of the canonical form; part of every hash (a change of the rules
 * changes every fingerprint: data/benchmarks/ must be made again). */
#define LEAN_FINGERPRINT_VERSION "coldstart-fingerprint-1"

/* The canonical text of declaration decl (`theorem NAME binders : T := …`, a
 * docstring, attributes or a header before it allowed; without a theorem, lemma
 * or example keyword the whole text is read as `binders : T`): tokens one space
 * apart, bound names written $1, $2, … When sig_names is not NULL it receives
 * the theorem's own binder names in order (malloc'd array of malloc'd strings,
 * *n_sig of them; "_" for an anonymous one) — the names a proof of the statement
 * may use. malloc'd; NULL with why when the text is unreadable (lean_scan.h). */
char *lean_fingerprint_text(const char *decl, char ***sig_names, size_t *n_sig, char **why);

/* The fingerprint: hex sha256 of LEAN_FINGERPRINT_VERSION, a newline and the
 * canonical text, into hex (65 bytes). 0, or -1 with why (unreadable text). */
int lean_fingerprint(const char *decl, char hex[65], char **why);

/* Free what lean_fingerprint_text put in *sig_names. */
void lean_fingerprint_names_free(char **names, size_t n);

/* code with every identifier whose first part is from[i] (`h`, `h.le`, `h.1`)
 * written with to[i] in its place instead, all at once (a swap stays a swap);
 * comments, strings and spacing byte for byte. Used to carry a proof over to a
 * statement that names its hypotheses otherwise; Lean is the judge of the result.
 * malloc'd; NULL with why when code is unreadable. */
char *lean_rename_idents(const char *code, const char *const *from, const char *const *to, size_t n,
			 char **why);

#endif
