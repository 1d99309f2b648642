/* The hash chain of History (doc/dbus-api.md, HistoryChain): the hash of
 * one entry, as the agent writes it and any client checks it. Pure: bytes
 * in, hex out, through libcrypto's EVP SHA-256. */
#ifndef CAPCTL_CHAIN_H
#define CAPCTL_CHAIN_H

#include <stdbool.h>
#include <stdint.h>

#define CHAIN_HEX 64 /* a hash in lowercase hex, without its NUL */

/* The PREV of entry 1: 64 '0'. */
extern const char chain_zero[CHAIN_HEX + 1];

/* hash = lowercase hex of SHA-256 over
 * PREV "\n" SEQ "\t" TIME "\t" ACTION "\t" DETAIL "\t" UID, the integers in
 * decimal, into out (NUL-terminated). The strings are borrowed. */
void chain_hash(const char *prev, uint64_t seq, uint64_t time, const char *action,
                const char *detail, uint32_t uid, char out[CHAIN_HEX + 1]);

/* Whether s is exactly 64 lowercase hex digits. */
bool chain_hex_valid(const char *s);

#endif
