/* libconfig behind a key table: type and range checks with the line of the
 * offending setting, and a walk of the whole tree for unknown keys. */
#include "conf.h"
#include "util.h"

#include <errno.h>
#include <libconfig.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct ctx {
	const char *file;
	const struct conf_key *keys;
	size_t n_keys;
	char *error;
};

static void fail(struct ctx *c, const config_setting_t *s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void fail(struct ctx *c, const config_setting_t *s, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	if (c->error)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	c->error = xasprintf("%s:%u: %s", c->file, s ? config_setting_source_line(s) : 0, msg);
}

static bool is_int(const config_setting_t *s)
{
	int t = config_setting_type(s);
	return t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64;
}

static bool get_number(struct ctx *c, const config_setting_t *s, const struct conf_key *k,
                       double *out)
{
	if (k->type == CONF_DOUBLE && config_setting_type(s) == CONFIG_TYPE_FLOAT) {
		*out = config_setting_get_float(s);
		if (isnan(*out)) {
			fail(c, s, "%s must be a number", k->path);
			return false;
		}
	} else if (is_int(s)) {
		*out = (double)config_setting_get_int64(s);
	} else {
		fail(c, s, "%s must be %s", k->path,
		     k->type == CONF_DOUBLE ? "a number" : "a whole number");
		return false;
	}
	if (*out < k->min || *out > k->max) {
		fail(c, s, "%s must be from %.15g to %.15g, not %.15g", k->path, k->min, k->max,
		     *out);
		return false;
	}
	return true;
}

static void store(struct ctx *c, const config_setting_t *s, const struct conf_key *k, void *dest)
{
	char *p = (char *)dest + k->offset;
	double num;

	switch (k->type) {
	case CONF_UINT:
		if (get_number(c, s, k, &num))
			*(uint32_t *)p = (uint32_t)num;
		break;
	case CONF_INT:
		if (get_number(c, s, k, &num))
			*(int64_t *)p = (int64_t)num;
		break;
	case CONF_DOUBLE:
		if (get_number(c, s, k, &num))
			*(double *)p = num;
		break;
	case CONF_BOOL:
		if (config_setting_type(s) != CONFIG_TYPE_BOOL)
			fail(c, s, "%s must be true or false", k->path);
		else
			*(bool *)p = config_setting_get_bool(s);
		break;
	case CONF_STRING: {
		const char *v = config_setting_get_string(s);
		if (!v) {
			fail(c, s, "%s must be a string in double quotes", k->path);
			break;
		}
		free(*(char **)p);
		*(char **)p = xstrdup(v);
		break;
	}
	case CONF_ENUM: {
		const char *v = config_setting_get_string(s);
		char list[256] = "";
		int idx = -1;
		for (int i = 0; k->values[i]; i++) {
			if (v && strcmp(v, k->values[i]) == 0)
				idx = i;
			snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
			         i ? ", " : "", k->values[i]);
		}
		if (!v)
			fail(c, s, "%s must be a string: one of %s", k->path, list);
		else if (idx < 0)
			fail(c, s, "%s must be one of %s, not '%s'", k->path, list, v);
		else
			*(int *)p = idx;
		break;
	}
	case CONF_UINT_LIST:
	case CONF_STRING_LIST: {
		if (!config_setting_is_aggregate(s) || config_setting_is_group(s)) {
			fail(c, s, "%s must be a list in [ ]", k->path);
			break;
		}
		int n = config_setting_length(s);
		if (k->type == CONF_UINT_LIST) {
			struct conf_uints *u = (struct conf_uints *)p,
			                  nu = {xcalloc((size_t)n, sizeof(uint32_t)), 0};
			for (int i = 0; i < n && !c->error; i++) {
				const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
				if (get_number(c, e, k, &num))
					nu.v[nu.n++] = (uint32_t)num;
			}
			conf_uints_free(u);
			*u = nu;
		} else {
			struct conf_strings *l = (struct conf_strings *)p,
			                    nl = {xcalloc((size_t)n, sizeof(char *)), 0};
			for (int i = 0; i < n && !c->error; i++) {
				const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
				const char *v = config_setting_get_string(e);
				if (!v)
					fail(c, e, "%s must hold only strings", k->path);
				else
					nl.v[nl.n++] = xstrdup(v);
			}
			conf_strings_free(l);
			*l = nl;
		}
		break;
	}
	}
	if (!c->error && k->check) {
		char *why = k->check(p);
		if (why) {
			fail(c, s, "%s %s", k->path, why);
			free(why);
		}
	}
}

/* 1 if path names a key, 2 if it names a group that holds keys, else 0. */
static int known(const struct ctx *c, const char *path)
{
	size_t len = strlen(path);
	int r = 0;
	for (size_t i = 0; i < c->n_keys; i++) {
		const char *kp = c->keys[i].path;
		if (strcmp(kp, path) == 0)
			return 1;
		if (strncmp(kp, path, len) == 0 && kp[len] == '.')
			r = 2;
	}
	return r;
}

static void walk(struct ctx *c, const config_setting_t *g, const char *prefix, conf_warn_fn warn,
                 void *warn_data)
{
	int n = config_setting_length(g);
	for (int i = 0; i < n && !c->error; i++) {
		const config_setting_t *s = config_setting_get_elem(g, (unsigned)i);
		const char *name = config_setting_name(s);
		if (!name)
			continue;
		char *path = *prefix ? xasprintf("%s.%s", prefix, name) : xstrdup(name);
		int k = known(c, path);
		if (k == 2 && !config_setting_is_group(s))
			fail(c, s, "%s must be a group in { }", path);
		else if (k == 2)
			walk(c, s, path, warn, warn_data);
		else if (k == 0 && warn) {
			char *msg = xasprintf("%s:%u: unknown key '%s' ignored", c->file,
			                      config_setting_source_line(s), path);
			warn(msg, warn_data);
			free(msg);
		}
		free(path);
	}
}

int conf_load(const char *path, const struct conf_key *keys, size_t n_keys, void *dest,
              char **error, conf_warn_fn warn, void *warn_data)
{
	struct ctx c = {.file = path, .keys = keys, .n_keys = n_keys};
	config_t cfg;
	struct stat st;

	*error = NULL;
	if (stat(path, &st) < 0 && errno == ENOENT)
		return -ENOENT;
	config_init(&cfg);
	if (!config_read_file(&cfg, path)) {
		if (config_error_type(&cfg) == CONFIG_ERR_FILE_IO)
			*error =
			    xasprintf("%s: cannot read: %s", path, strerror(errno ? errno : EIO));
		else
			*error = xasprintf("%s:%d: %s", path, config_error_line(&cfg),
			                   config_error_text(&cfg));
		config_destroy(&cfg);
		return -EINVAL;
	}
	walk(&c, config_root_setting(&cfg), "", warn, warn_data);
	for (size_t i = 0; i < n_keys && !c.error; i++) {
		const config_setting_t *s = config_lookup(&cfg, keys[i].path);
		if (s)
			store(&c, s, &keys[i], dest);
	}
	config_destroy(&cfg);
	if (c.error) {
		*error = c.error;
		return -EINVAL;
	}
	return 0;
}

void conf_uints_free(struct conf_uints *u)
{
	free(u->v);
	u->v = NULL;
	u->n = 0;
}

void conf_strings_free(struct conf_strings *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

void conf_uints_copy(struct conf_uints *dst, const struct conf_uints *src)
{
	dst->n = src->n;
	dst->v = xcalloc(src->n, sizeof *dst->v);
	if (src->n)
		memcpy(dst->v, src->v, src->n * sizeof *dst->v);
}

void conf_strings_copy(struct conf_strings *dst, const struct conf_strings *src)
{
	dst->n = src->n;
	dst->v = xcalloc(src->n, sizeof *dst->v);
	for (size_t i = 0; i < src->n; i++)
		dst->v[i] = xstrdup(src->v[i]);
}
