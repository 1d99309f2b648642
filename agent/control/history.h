/* The audit log: append-only, one tab-separated line per entry, with an
 * in-memory index of line offsets so a page costs the page. */
#ifndef CAPTURED_HISTORY_H
#define CAPTURED_HISTORY_H

#include <stddef.h>
#include <stdint.h>

struct history;

struct history_entry {
	uint64_t time;
	uint32_t uid;
	char *action; /* heap, freed by history_entry_fini */
	char *detail;
};

/* Opens (creating, 0600) and indexes path. A torn last line from a crash
 * is cut off; a file of which not one line reads is renamed to
 * path.damaged-TIME and a new one begun. NULL with *err = -errno on
 * failure. */
struct history *history_open(const char *path, int *err);
/* When open kept the file aside: a sentence saying where, for History's
 * state-recovered entry; else NULL. Borrowed. */
const char *history_recovered(const struct history *h);
void history_free(struct history *h);

/* 0 or -errno. */
int history_append(struct history *h, uint64_t time, const char *action, const char *detail,
                   uint32_t uid);
size_t history_count(const struct history *h);
/* Entry i counted from the newest (0 = newest): 0, or -ERANGE past the
 * oldest. A line that cannot be read is the entry "unreadable" (time 0,
 * the agent's uid), its detail saying which line of which file and why. */
int history_get(struct history *h, size_t newest_index, struct history_entry *out);
void history_entry_fini(struct history_entry *e);

#endif
