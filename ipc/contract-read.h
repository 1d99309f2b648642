/* Inside the decoder (contract.c, contract-props.c) only: the reading
 * machinery both halves share. Every getter past the signature check
 * reads a value the signature promised and moves on to the next. */
#ifndef CAPCTL_CONTRACT_READ_H
#define CAPCTL_CONTRACT_READ_H

#include "contract.h"

/* What is being read, for the sentence: "the agent's <kind> <name> ...". */
struct contract_ctx {
	const char *kind, *name;
	char *error; /* the first sentence, heap */
};

/* Keeps the first sentence, "the agent's <kind> <name> " + fmt; returns
 * -EBADMSG. */
int contract_bad(struct contract_ctx *x, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The signature of the value at it (dbus_free it). */
char *contract_signature(DBusMessageIter *it);

uint64_t contract_get_u64(DBusMessageIter *it);
uint32_t contract_get_u32(DBusMessageIter *it);
int32_t contract_get_i32(DBusMessageIter *it);
bool contract_get_bool(DBusMessageIter *it);
double contract_get_double(DBusMessageIter *it);
/* A string, checked as UTF-8, into *out (heap). 0 or -EBADMSG. */
int contract_get_str(struct contract_ctx *x, DBusMessageIter *it, char **out);
/* Words of the contract's closed lists. what names the word in the
 * sentence ("a status"), or is NULL where the value is the word itself. */
int contract_get_stream(struct contract_ctx *x, DBusMessageIter *it, enum stream *out);
int contract_get_status(struct contract_ctx *x, DBusMessageIter *it, enum contract_status *out);
int contract_get_state(struct contract_ctx *x, DBusMessageIter *it, bool with_off, const char *what,
                       enum contract_state *out);
/* A SHA-256 in lowercase hex, or "" where empty_ok. */
int contract_get_hash(struct contract_ctx *x, DBusMessageIter *it, bool empty_ok, char **out);

typedef int (*contract_row_fn)(struct contract_ctx *x, DBusMessageIter *st, void *row);
/* The structs of the array at it into a heap array (*rows, *n) of
 * elements of size bytes, zeroed, each read by row; more than limit of
 * them (when limit is not 0) is malformed. On failure nothing is kept. */
int contract_rows(struct contract_ctx *x, DBusMessageIter *it, size_t size, contract_row_fn row,
                  void (*row_free)(void *), uint32_t limit, void **rows, size_t *n);
void contract_rows_free(void *rows, size_t n, size_t size, void (*row_free)(void *));

/* f becomes MALFORMED with sentence (heap, taken). */
enum contract_result contract_malformed(struct contract_fault *f, char *sentence);
/* An error reply (contract_read_error), or a method return of exactly the
 * signature the table gives method. */
enum contract_result contract_check_reply(DBusMessage *reply, const char *method,
                                          struct contract_fault *f);

#endif
