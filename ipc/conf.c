/* libconfig behind a key table: type and range checks with the line of the
 * offending setting, and a walk of the whole tree for unknown keys. The
 * file's text passes a scanner first that makes every integer 64-bit. */
#include "conf.h"
#include "i18n.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libconfig.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* An integer literal no 64-bit integer holds, kept for the message. */
struct huge {
	unsigned line;
	char *text;
};

struct ctx {
	const char *file;
	const struct conf_key *keys;
	size_t n_keys;
	char *error;
	struct huge *huge;
	size_t n_huge;
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

/* The value of an integer setting as written: the scanner made every
 * literal 64-bit and put the extremes in for those beyond. */
static void int_text(const struct ctx *c, const config_setting_t *s, int64_t v, char *buf,
                     size_t size)
{
	unsigned line = config_setting_source_line(s);
	if (v == INT64_MAX || v == INT64_MIN)
		for (size_t i = 0; i < c->n_huge; i++)
			if (c->huge[i].line == line) {
				snprintf(buf, size, "%s", c->huge[i].text);
				return;
			}
	snprintf(buf, size, "%" PRId64, v);
}

/* An integer in [min, max], checked at 64 bits before anyone narrows it. */
static bool get_int(struct ctx *c, const config_setting_t *s, const struct conf_key *k,
                    int64_t *out)
{
	char text[48];
	if (!is_int(s)) {
		fail(c, s, _("%s must be a whole number"), k->path);
		return false;
	}
	int64_t v = config_setting_get_int64(s), lo = (int64_t)k->min, hi = (int64_t)k->max;
	if (v < lo || v > hi) {
		int_text(c, s, v, text, sizeof text);
		fail(c, s, _("%s must be from %" PRId64 " to %" PRId64 ", not %s"), k->path, lo, hi,
		     text);
		return false;
	}
	*out = v;
	return true;
}

static bool get_double(struct ctx *c, const config_setting_t *s, const struct conf_key *k,
                       double *out)
{
	int64_t v;
	if (config_setting_type(s) != CONFIG_TYPE_FLOAT) {
		if (!is_int(s)) {
			fail(c, s, _("%s must be a number"), k->path);
			return false;
		}
		v = config_setting_get_int64(s);
		/* Within the range at 64 bits first: a double rounds huge ones. */
		if (v >= (int64_t)k->min && v <= (int64_t)k->max) {
			*out = (double)v;
			return true;
		}
		char text[48];
		int_text(c, s, v, text, sizeof text);
		fail(c, s, _("%s must be from %.15g to %.15g, not %s"), k->path, k->min, k->max,
		     text);
		return false;
	}
	*out = config_setting_get_float(s);
	if (isnan(*out)) {
		fail(c, s, _("%s must be a number"), k->path);
		return false;
	}
	if (*out < k->min || *out > k->max) {
		fail(c, s, _("%s must be from %.15g to %.15g, not %.15g"), k->path, k->min, k->max,
		     *out);
		return false;
	}
	return true;
}

/* A string value: UTF-8, as everything the programs show or send is. */
static const char *get_string(struct ctx *c, const config_setting_t *s, const struct conf_key *k,
                              const char *what)
{
	const char *v = config_setting_get_string(s);
	if (!v)
		fail(c, s, _("%s must %s"), k->path, what);
	else if (!utf8_valid(v, strlen(v)))
		fail(c, s, _("%s must be UTF-8 text"), k->path);
	else
		return v;
	return NULL;
}

static void store_list(struct ctx *c, const config_setting_t *s, const struct conf_key *k, char *p)
{
	int n = config_setting_length(s);
	if (!config_setting_is_aggregate(s) || config_setting_is_group(s)) {
		fail(c, s, _("%s must be a list in [ ]"), k->path);
		return;
	}
	if (k->type == CONF_UINT_LIST) {
		struct conf_uints *u = (struct conf_uints *)p,
		                  nu = {xcalloc((size_t)n, sizeof(uint32_t)), 0};
		for (int i = 0; i < n && !c->error; i++) {
			const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
			int64_t v;
			if (get_int(c, e, k, &v))
				nu.v[nu.n++] = (uint32_t)v;
		}
		conf_uints_free(u);
		*u = nu;
		return;
	}
	struct conf_strings *l = (struct conf_strings *)p,
	                    nl = {xcalloc((size_t)n, sizeof(char *)), 0};
	for (int i = 0; i < n && !c->error; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		const char *v = get_string(c, e, k, _("hold only strings"));
		if (v)
			nl.v[nl.n++] = xstrdup(v);
	}
	conf_strings_free(l);
	*l = nl;
}

static void store_enum(struct ctx *c, const config_setting_t *s, const struct conf_key *k, char *p)
{
	const char *v = config_setting_get_string(s);
	char list[256] = "";
	int idx = -1;
	for (int i = 0; k->values[i]; i++) {
		if (v && strcmp(v, k->values[i]) == 0)
			idx = i;
		snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "",
		         k->values[i]);
	}
	if (!v)
		fail(c, s, _("%s must be a string: one of %s"), k->path, list);
	else if (idx < 0 && !utf8_valid(v, strlen(v)))
		fail(c, s, _("%s must be one of %s"), k->path, list);
	else if (idx < 0)
		fail(c, s, _("%s must be one of %s, not '%s'"), k->path, list, v);
	else
		*(int *)p = idx;
}

static void store(struct ctx *c, const config_setting_t *s, const struct conf_key *k, void *dest)
{
	char *p = (char *)dest + k->offset;
	int64_t v;
	const char *str;

	switch (k->type) {
	case CONF_UINT:
		if (get_int(c, s, k, &v))
			*(uint32_t *)p = (uint32_t)v;
		break;
	case CONF_INT:
		if (get_int(c, s, k, &v))
			*(int64_t *)p = v;
		break;
	case CONF_DOUBLE: {
		double d;
		if (get_double(c, s, k, &d))
			*(double *)p = d;
		break;
	}
	case CONF_BOOL:
		if (config_setting_type(s) != CONFIG_TYPE_BOOL)
			fail(c, s, _("%s must be true or false"), k->path);
		else
			*(bool *)p = config_setting_get_bool(s);
		break;
	case CONF_STRING:
		if ((str = get_string(c, s, k, _("be a string in double quotes")))) {
			free(*(char **)p);
			*(char **)p = xstrdup(str);
		}
		break;
	case CONF_ENUM:
		store_enum(c, s, k, p);
		break;
	case CONF_UINT_LIST:
	case CONF_STRING_LIST:
		store_list(c, s, k, p);
		break;
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
			fail(c, s, _("%s must be a group in { }"), path);
		else if (k == 2)
			walk(c, s, path, warn, warn_data);
		else if (k == 0 && warn) {
			char *msg = xasprintf(_("%s:%u: unknown key '%s' ignored"), c->file,
			                      config_setting_source_line(s), path);
			warn(msg, warn_data);
			free(msg);
		}
		free(path);
	}
}

/* ---- the scanner ---- */

/* libconfig 1.5 reads an integer literal without the L suffix into an int
 * and wraps what does not fit (4294967326 becomes 30, 4294967296 becomes
 * uid 0), and saturates or wraps those with it. So every integer literal
 * outside strings and comments is rewritten as the 64-bit literal of its
 * exact value before libconfig sees the text; one beyond 64 bits becomes
 * the nearest extreme, its text kept for the message. Lines stay as they
 * were, so libconfig's line numbers are the file's. */
struct scan {
	const char *t;
	size_t len, i;
	unsigned line;
	FILE *out;
	struct ctx *c;
};

static bool is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

static int hex_value(char ch)
{
	if (is_digit(ch))
		return ch - '0';
	if ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'f')
		return (ch | 0x20) - 'a' + 10;
	return -1;
}

static char at(const struct scan *sc, size_t i)
{
	return i < sc->len ? sc->t[i] : '\0';
}

/* The end of a float's fraction and exponent that start at j. */
static size_t float_end(const struct scan *sc, size_t j)
{
	while (is_digit(at(sc, j)))
		j++;
	if (at(sc, j) == '.')
		for (j++; is_digit(at(sc, j)); j++)
			;
	if ((at(sc, j) | 0x20) == 'e') {
		j += 1 + (at(sc, j + 1) == '-' || at(sc, j + 1) == '+');
		while (is_digit(at(sc, j)))
			j++;
	}
	return j;
}

static bool is_name_char(char ch)
{
	return ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'z') || is_digit(ch) || ch == '-' ||
	       ch == '_' || ch == '*';
}

/* Copies the text from sc->i up to end, counting lines. */
static void copy_to(struct scan *sc, size_t end)
{
	for (; sc->i < end && sc->i < sc->len; sc->i++) {
		sc->line += sc->t[sc->i] == '\n';
		fputc(sc->t[sc->i], sc->out);
	}
}

/* A number token at sc->i: an integer is rewritten, a float copied. */
static void scan_number(struct scan *sc)
{
	size_t j = sc->i;
	bool neg = at(sc, j) == '-', hex, huge = false;
	uint64_t mag = 0, limit;
	if (at(sc, j) == '-' || at(sc, j) == '+')
		j++;
	hex = at(sc, j) == '0' && (at(sc, j + 1) | 0x20) == 'x' && hex_value(at(sc, j + 2)) >= 0;
	j = hex ? j + 2 : j;
	for (; hex ? hex_value(at(sc, j)) >= 0 : is_digit(at(sc, j)); j++) {
		unsigned d = (unsigned)(hex ? hex_value(at(sc, j)) : at(sc, j) - '0');
		huge = huge || mag > (UINT64_MAX - d) / (hex ? 16 : 10);
		mag = huge ? 0 : mag * (hex ? 16 : 10) + d;
	}
	if (!hex && (at(sc, j) == '.' || (at(sc, j) | 0x20) == 'e')) {
		copy_to(sc, float_end(sc, j)); /* a float, as written */
		return;
	}
	limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	if (huge || mag > limit) {
		sc->c->huge = xrealloc(sc->c->huge, (sc->c->n_huge + 1) * sizeof *sc->c->huge);
		sc->c->huge[sc->c->n_huge++] =
		    (struct huge){sc->line, xasprintf("%.*s", (int)(j - sc->i), sc->t + sc->i)};
		mag = limit;
	}
	int64_t v = !neg ? (int64_t)mag : mag == limit ? INT64_MIN : -(int64_t)mag;
	fprintf(sc->out, "%" PRId64 "L", v);
	/* The old suffix, if any, is replaced by ours. */
	for (int n = 0; n < 2 && at(sc, j) == 'L'; n++)
		j++;
	sc->i = j;
}
/* The end of the string, comment or name that starts at i, or i. */
static size_t skip_other(const struct scan *sc, size_t i)
{
	char ch = at(sc, i);
	if (ch == '"') {
		for (i++; i < sc->len && sc->t[i] != '"'; i++)
			if (sc->t[i] == '\\')
				i++;
		return i + 1;
	}
	if (ch == '#' || (ch == '/' && at(sc, i + 1) == '/'))
		return i + strcspn(sc->t + i, "\n");
	if (ch == '/' && at(sc, i + 1) == '*') {
		const char *end = strstr(sc->t + i + 2, "*/");
		return end ? (size_t)(end - sc->t) + 2 : sc->len;
	}
	/* A name may hold digits and '-': "key-2" is no number. */
	if (((ch | 0x20) >= 'a' && (ch | 0x20) <= 'z') || ch == '*')
		while (is_name_char(at(sc, i)))
			i++;
	return i;
}

/* The file's text with every integer 64-bit, or NULL with c->error set. */
static char *widen(struct ctx *c, const char *text, size_t len)
{
	struct scan sc = {.t = text, .len = len, .line = 1, .c = c};
	char *out = NULL;
	size_t out_len = 0;
	sc.out = open_memstream(&out, &out_len);
	if (!sc.out)
		abort();
	while (sc.i < len && !c->error) {
		char ch = text[sc.i], next = at(&sc, sc.i + 1);
		size_t end = skip_other(&sc, sc.i);
		if (end > sc.i) {
			copy_to(&sc, end);
		} else if (ch == '@' && strncmp(text + sc.i, "@include", 8) == 0) {
			c->error =
			    xasprintf(_("%s:%u: @include is not supported: every setting is in "
			                "this one file"),
			              c->file, sc.line);
		} else if (is_digit(ch) || ((ch == '-' || ch == '+') && is_digit(next))) {
			scan_number(&sc);
		} else if ((ch == '.' && is_digit(next)) ||
		           ((ch == '-' || ch == '+') && next == '.' &&
		            is_digit(at(&sc, sc.i + 2)))) {
			/* ".5", "-.5": a float; its digits are no integer. */
			copy_to(&sc, float_end(&sc, sc.i + (ch == '.' ? 0 : 1)));
		} else {
			copy_to(&sc, sc.i + 1);
		}
	}
	fclose(sc.out);
	if (c->error) {
		free(out);
		return NULL;
	}
	return out;
}

/* The whole file; 0, or -errno. */
static int read_all(const char *path, char **text, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t cap = 4096, n = 0;
	char *buf;
	if (fd < 0)
		return -errno;
	buf = xmalloc(cap);
	for (;;) {
		if (n + 1 >= cap)
			buf = xrealloc(buf, cap *= 2);
		ssize_t r = read(fd, buf + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = -errno;
			free(buf);
			close(fd);
			return e;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return 0;
}

/* Reads and widens the file, then lets libconfig parse it. 0, or -ENOENT,
 * or -EINVAL with c->error set. */
static int parse(struct ctx *c, config_t *cfg)
{
	char *text = NULL, *wide;
	size_t len = 0;
	int r = read_all(c->file, &text, &len);
	if (r == -ENOENT)
		return r;
	if (r < 0) {
		c->error = xasprintf(_("%s: cannot read: %s"), c->file, strerror(-r));
		return -EINVAL;
	}
	const char *nul = memchr(text, '\0', len);
	if (nul) {
		/* libconfig would stop there and never read the rest. */
		unsigned line = 1;
		for (const char *q = text; q < nul; q++)
			line += *q == '\n';
		c->error = xasprintf(_("%s:%u: the file holds a NUL byte"), c->file, line);
		free(text);
		return -EINVAL;
	}
	wide = widen(c, text, len);
	free(text);
	if (!wide)
		return -EINVAL;
	r = config_read_string(cfg, wide) ? 0 : -EINVAL;
	free(wide);
	if (r < 0)
		c->error =
		    xasprintf("%s:%d: %s", c->file, config_error_line(cfg), config_error_text(cfg));
	return r;
}

/* A table whose range does not fit its type is the program's own bug. */
static void check_table(const struct conf_key *keys, size_t n_keys)
{
	for (size_t i = 0; i < n_keys; i++) {
		const struct conf_key *k = &keys[i];
		bool u = k->type == CONF_UINT || k->type == CONF_UINT_LIST;
		if ((u && (k->min < 0 || k->max > UINT32_MAX)) ||
		    (k->type == CONF_INT &&
		     (k->min < -9007199254740992.0 || k->max > 9007199254740992.0)))
			abort();
	}
}

int conf_load(const char *path, const struct conf_key *keys, size_t n_keys, void *dest,
              char **error, conf_warn_fn warn, void *warn_data)
{
	struct ctx c = {.file = path, .keys = keys, .n_keys = n_keys};
	config_t cfg;

	*error = NULL;
	check_table(keys, n_keys);
	config_init(&cfg);
	int r = parse(&c, &cfg);
	if (r == 0) {
		walk(&c, config_root_setting(&cfg), "", warn, warn_data);
		for (size_t i = 0; i < n_keys && !c.error; i++) {
			const config_setting_t *s = config_lookup(&cfg, keys[i].path);
			if (s)
				store(&c, s, &keys[i], dest);
		}
	}
	config_destroy(&cfg);
	for (size_t i = 0; i < c.n_huge; i++)
		free(c.huge[i].text);
	free(c.huge);
	if (r == -ENOENT)
		return r;
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
