#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "cs.h"
#include "embed.h"
#include "prompt.h"

char *prompt_template(const char *name, char hash[65])
{
	const char *dir = cs_conf_str("CS_PROMPTS_DIR");
	char *path = xasprintf("prompts/%s.txt", name), *text = NULL;
	if (dir) {
		char *p = xasprintf("%s/%s.txt", dir, name);
		FILE *fp = fopen(p, "r");
		if (fp) {
			struct sbuf sb = SBUF_INIT;
			char buf[4096];
			size_t n;
			while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
				sbuf_add(&sb, buf, n);
			if (ferror(fp))
				error("%s: read error: %s", p, strerror(errno));
			else
				text = sbuf_detach(&sb);
			sbuf_release(&sb);
			fclose(fp);
		} else if (errno != ENOENT) {
			error("%s: %s", p, strerror(errno));
		}
		free(p);
	}
	if (!text) {
		const char *t = cs_embedded(path);
		if (!t)
			error("no prompt template '%s'", name);
		else
			text = xstrdup(t);
	}
	free(path);
	if (text)
		cs_sha256_hex(text, strlen(text), hash);
	return text;
}

char *prompt_render(const char *name, const char *const *keys, const char *const *vals, int n,
		    char hash[65])
{
	char *t = prompt_template(name, hash);
	struct sbuf sb = SBUF_INIT;
	const char *p, *open;
	if (!t)
		return NULL;
	for (p = t; (open = strstr(p, "{{")); ) {
		const char *close = strstr(open + 2, "}}");
		int i;
		if (!close)
			break;
		sbuf_add(&sb, p, (size_t)(open - p));
		for (i = 0; i < n; i++)
			if (strlen(keys[i]) == (size_t)(close - open - 2) &&
			    !memcmp(keys[i], open + 2, (size_t)(close - open - 2)))
				break;
		if (i == n) {
			error("prompt %s: unknown placeholder %.*s", name, (int)(close - open + 2), open);
			free(t);
			sbuf_release(&sb);
			return NULL;
		}
		sbuf_adds(&sb, vals[i] ? vals[i] : "");
		p = close + 2;
	}
	sbuf_adds(&sb, p);
	free(t);
	return sbuf_detach(&sb);
}

char *prompt_problem(const char *name, const char *header, const char *informal,
		     const char *statement, char hash[65])
{
	static const char *const keys[] = { "header", "informal", "statement" };
	struct sbuf doc = SBUF_INIT;
	char *out;
	size_t n;
	if (informal && *informal) {
		n = strlen(informal);
		sbuf_adds(&doc, informal);
		if (informal[n - 1] != '\n')
			sbuf_addch(&doc, '\n');
	}
	const char *vals[] = { header ? header : "", sbuf_str(&doc), statement };
	out = prompt_render(name, keys, vals, 3, hash);
	sbuf_release(&doc);
	return out;
}
