/* prompt.h: prompt templates (prompts/NAME.txt) with {{name}} placeholders.
 * Templates are compiled in; CS_PROMPTS_DIR points at a directory whose files
 * override them. Every rendering reports the template's hash for provenance. */
#ifndef PROMPT_H
#define PROMPT_H

/* The template text of name ("prover-cot", "prover-noncot", "decompose"), malloc'd,
 * with its SHA-256 in hash; NULL after printing why. */
char *prompt_template(const char *name, char hash[65]);
/* Render template name replacing {{key}} by vals[i] for keys[i] (n pairs);
 * unknown placeholders are an error. malloc'd result, NULL after printing why. */
char *prompt_render(const char *name, const char *const *keys, const char *const *vals, int n,
		    char hash[65]);
/* Render a prover/decomposer prompt for a problem: header, informal statement
 * (a docstring, or "" when none) and formal statement. */
char *prompt_problem(const char *name, const char *header, const char *informal,
		     const char *statement, char hash[65]);

#endif
