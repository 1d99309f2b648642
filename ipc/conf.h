/* A table-driven reader for libconfig files, shared by the agent's policy
 * and the console's settings: each key has a path, a type, a range and a
 * place in the destination struct. Errors read "FILE:LINE: what is wrong";
 * an unknown key is only a warning, so an older program reads a newer file. */
#ifndef CAPCTL_CONF_H
#define CAPCTL_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum conf_type {
	CONF_UINT,        /* uint32_t, in [min, max] */
	CONF_INT,         /* int64_t, in [min, max] */
	CONF_BOOL,        /* bool */
	CONF_DOUBLE,      /* double, in [min, max]; an integer is accepted */
	CONF_STRING,      /* char *, heap; the old value is freed */
	CONF_ENUM,        /* int: the index of the string in values */
	CONF_UINT_LIST,   /* struct conf_uints, each in [min, max] */
	CONF_STRING_LIST, /* struct conf_strings */
};

struct conf_uints {
	uint32_t *v;
	size_t n;
};

struct conf_strings {
	char **v;
	size_t n;
};

struct conf_key {
	const char *path; /* "policy.max_pause_minutes" */
	enum conf_type type;
	double min, max;
	const char *const *values; /* CONF_ENUM: NULL-terminated */
	size_t offset;             /* into the destination struct */
	/* Optional extra check of the stored value: NULL if good, else a
	 * phrase completing "PATH ...", heap-allocated. */
	char *(*check)(const void *value);
};

typedef void (*conf_warn_fn)(const char *msg, void *data);

/* Reads path into dest through keys. 0 on success (dest updated), -ENOENT
 * if the file does not exist (dest untouched), or -EINVAL with *error set
 * to a heap "FILE:LINE: ..." message (dest may be partly updated: load into
 * a copy). Warnings go to warn. */
int conf_load(const char *path, const struct conf_key *keys, size_t n_keys, void *dest,
              char **error, conf_warn_fn warn, void *warn_data);

void conf_uints_free(struct conf_uints *u);
void conf_strings_free(struct conf_strings *s);
void conf_uints_copy(struct conf_uints *dst, const struct conf_uints *src);
void conf_strings_copy(struct conf_strings *dst, const struct conf_strings *src);

#endif
