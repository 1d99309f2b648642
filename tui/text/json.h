/* A streaming JSON writer for the CLI's --json output: one document,
 * pretty-printed, strings escaped per RFC 8259, and the agent's a{sv}
 * properties as the decoder (contract.h) read them. */
#ifndef CAPCTL_JSON_H
#define CAPCTL_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "contract.h"

#define JSON_MAX_DEPTH 32

struct json {
	FILE *f;
	int depth;
	bool first[JSON_MAX_DEPTH]; /* nothing written yet at this level */
	bool after_key;
};

/* Starts a document on f (borrowed). */
void json_init(struct json *j, FILE *f);
/* Ends the document with a newline. */
void json_finish(struct json *j);

void json_object_begin(struct json *j);
void json_object_end(struct json *j);
void json_array_begin(struct json *j);
void json_array_end(struct json *j);
void json_key(struct json *j, const char *key);

void json_string(struct json *j, const char *s);
void json_uint(struct json *j, uint64_t v);
void json_int(struct json *j, int64_t v);
/* Non-finite numbers are written as null: JSON has no NaN. */
void json_double(struct json *j, double v);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);

/* An a{sv} property (dict points at its struct: struct contract_upload
 * for CONTRACT_PROP_UPLOAD, ...) as an object: the keys the agent sent,
 * by their contract names, in the contract's order. */
void json_contract_dict(struct json *j, enum contract_prop p, const void *dict);

#endif
