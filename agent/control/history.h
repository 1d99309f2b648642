/* The audit log: append-only, one tab-separated line per entry, each
 * chained to the one before by its hash (ipc/chain.h), with an in-memory
 * index of line offsets so a page costs the page. */
#ifndef CAPTURED_HISTORY_H
#define CAPTURED_HISTORY_H

#include <stddef.h>
#include <stdint.h>

#include "chain.h"

struct history;

struct history_entry {
	uint64_t time;
	uint32_t uid;
	char *action; /* heap, freed by history_entry_fini */
	char *detail;
	/* Its place in the chain, as stored: seq 0 (and prev, hash 64 '0')
	 * when its line holds none that reads. */
	uint64_t seq;
	char prev[CHAIN_HEX + 1], hash[CHAIN_HEX + 1];
};

/* Opens (creating, 0600) and indexes path. A torn last line from a crash
 * is cut off; a file of which not one line reads is renamed to
 * path.damaged-TIME and a new one begun. Entries without a link (lines of
 * four fields, before the first chained line or after the last) are
 * chained once: the file is rewritten with their seq, prev and hash. A
 * stored hash is never recomputed; a line of four fields between chained
 * lines stays outside the chain. NULL with *err = -errno on failure. */
struct history *history_open(const char *path, int *err);
/* How many entries open chained (0 once the file is chained). */
size_t history_chained_on_open(const struct history *h);
/* When open kept the file aside: a sentence saying where, for History's
 * state-recovered entry; else NULL. Borrowed. */
const char *history_recovered(const struct history *h);
void history_free(struct history *h);

/* Appends the entry as the next in the chain (seq one more than the
 * newest chained line's, prev its hash). 0 or -errno. */
int history_append(struct history *h, uint64_t time, const char *action, const char *detail,
                   uint32_t uid);
size_t history_count(const struct history *h);
/* Entry i counted from the newest (0 = newest): 0, or -ERANGE past the
 * oldest. A line that cannot be read is the entry "unreadable" (time 0,
 * the agent's uid), its detail saying which line of which file and why. */
int history_get(struct history *h, size_t newest_index, struct history_entry *out);
void history_entry_fini(struct history_entry *e);

#endif
