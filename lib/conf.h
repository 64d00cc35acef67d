/* conf.h: every CS_* setting of coldstart in one table: its type, default, range
 * and meaning. Programs read settings through it (so that a default is written
 * once), cs-doctor validates the environment with the same parsers, and runs record
 * the effective configuration from it (secrets redacted). lib/ layer: the table
 * knows names and values only, nothing of the subsystems that use them. */
#ifndef CONF_H
#define CONF_H

#include <stddef.h>

enum cs_conf_type {
	CS_CONF_INT,     /* integer in [min, max] */
	CS_CONF_NUM,     /* number in [min, max] */
	CS_CONF_BOOL,    /* 0 or 1 */
	CS_CONF_CHOICE,  /* one of choices ("a|b|c") */
	CS_CONF_STR,     /* any text */
	CS_CONF_URL,     /* http:// or https:// */
	CS_CONF_SECRET,  /* a key: never printed, never recorded */
	CS_CONF_FLAG,    /* set (non-empty) or not */
	CS_CONF_PRICE,   /* "IN OUT [CACHED]": currency per million prompt, completion and
			  * cache-hit prompt tokens, each a number >= 0 */
	CS_CONF_URLS,    /* one or more http(s):// URLs, separated by commas or white space */
};

struct cs_conf {
	const char *name;
	enum cs_conf_type type;
	const char *def;      /* default as text; "=NAME": the value of setting NAME;
			       * NULL: none, or computed by its reader (doc says how) */
	double min, max;      /* INT, NUM */
	const char *choices;  /* CHOICE */
	int internal;         /* set by coldstart itself, not by users: not recorded */
	const char *doc;      /* one line */
};

/* The whole table (n entries in *n). Static. */
const struct cs_conf *cs_conf_table(size_t *n);
/* The entry of name, or NULL. */
const struct cs_conf *cs_conf_find(const char *name);
/* The setting of the table nearest to name (a typo: at most max(2, length / 4)
 * edits away), or NULL. Static. */
const char *cs_conf_nearest(const char *name);
/* Is value (the text of the environment variable) valid for c? 0, or -1 with *why
 * (malloc'd, names the variable; never shows a secret). */
int cs_conf_check(const struct cs_conf *c, const char *value, char **why);

/* Readers: the value from the environment, else the table's default (following
 * "=NAME"). A value that does not parse or is out of range dies CS_ECONFIG naming
 * the variable. Asking for a name not in the table is a program error (dies). */
long cs_conf_long(const char *name);
/* As cs_conf_long, with def when the variable is unset and the table has no default. */
long cs_conf_long_or(const char *name, long def);
double cs_conf_double(const char *name);
/* The text value, the default, or NULL. Static or environment-owned. */
const char *cs_conf_str(const char *name);
/* Index of the value among the choices of a CHOICE setting. */
int cs_conf_choice(const char *name);
/* A FLAG or BOOL setting: 1 when set (BOOL: to 1). */
int cs_conf_on(const char *name);
/* A PRICE setting: 1 with price[0..2] = IN, OUT, CACHED (CACHED = IN when not
 * given), or 0 when unset (price zeroed). Dies CS_ECONFIG on a bad value. */
int cs_conf_price(const char *name, double price[3]);

/* The effective configuration as a JSON object {NAME: value, ...} over every
 * setting not internal (secrets as "(set)" or absent; computed defaults given by
 * fill, which may be NULL: fill(name) returns a malloc'd value text or NULL).
 * Values parse as their type: numbers are JSON numbers. malloc'd. */
char *cs_conf_json(char *(*fill)(const char *name));

/* Memory the kernel says is available (MemAvailable), in MiB; -1 when unknown. */
long cs_mem_available_mb(void);
/* Online processors (at least 1). */
long cs_cores(void);

#endif
