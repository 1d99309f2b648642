/* The check of History's hash chain that capctl history --verify and the
 * console make: the entries fed newest first (History and HistoryChain
 * side by side), every hash recomputed, every link followed, and the
 * newest entry this user saw last time (history-seen, one line per bus)
 * found unchanged. Pure but for the history-seen file. */
#ifndef CAPCTL_VERIFY_H
#define CAPCTL_VERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chain.h"

/* The newest entry a check on one bus found intact, and when. */
struct verify_seen {
	bool have;
	uint64_t seq, time, checked;
	char hash[CHAIN_HEX + 1];
};

enum verify_fault {
	VERIFY_OK,
	VERIFY_HASH,     /* an entry is not what its hash was made of */
	VERIFY_LINK,     /* an entry's prev is not the hash of the one before */
	VERIFY_GAP,      /* its seq is not one more than the one before */
	VERIFY_FIRST,    /* entry 1's prev is not 64 zeros */
	VERIFY_OUTSIDE,  /* a line the agent holds outside the chain (seq 0) */
	VERIFY_REPLACED, /* the entry seen last time has another hash now */
	VERIFY_GONE,     /* entries seen last time are not there any more */
};

struct verify {
	struct verify_seen seen; /* what the user saw last time, borrowed in */
	uint64_t n;              /* entries fed */
	/* The newest chained entry, and the oldest one fed so far. */
	bool any;
	uint64_t newest_seq, newest_time;
	char newest_hash[CHAIN_HEX + 1];
	uint64_t oldest_seq, oldest_time;
	char oldest_prev[CHAIN_HEX + 1];
	bool seen_found, seen_differs;
	uint64_t seen_now_time; /* the time of the entry at the seen seq now */
	/* The oldest fault in the chain so far (n_at: its place, newest 1). */
	enum verify_fault fault;
	uint64_t fault_n, fault_seq, fault_time, fault_before;
	char *fault_detail; /* heap: the agent's words for an entry it cannot read */
};

void verify_init(struct verify *v, const struct verify_seen *seen);
/* One entry and its link, newest first. The strings are borrowed. */
void verify_feed(struct verify *v, uint64_t time, const char *action, const char *detail,
                 uint32_t uid, uint64_t seq, const char *prev, const char *hash);
/* After the last entry: the first entry's prev, and what was seen. */
void verify_finish(struct verify *v);
void verify_fini(struct verify *v);
/* The outcome as one sentence for a person (without a final stop). */
void verify_sentence(const struct verify *v, bool local, char *buf, size_t size);
/* What to keep as seen after a check that passed (have false: nothing,
 * History is empty). */
struct verify_seen verify_newest(const struct verify *v, uint64_t now);

/* $XDG_STATE_HOME/capctl/history-seen, or ~/.local/state/...; heap, or
 * NULL when neither is set. */
char *verify_seen_path(void);
/* What the user saw on bus ("session" or "system"): 0 (have false when the
 * file or its line is not there), or -1 with *why a heap sentence naming
 * the file and what is wrong. */
int verify_seen_load(const char *path, const char *bus, struct verify_seen *out, char **why);
/* Keeps seen for bus, the other bus's line as it was: the file written
 * whole (temporary file, fsync, rename; 0600) in a directory made 0700.
 * 0, or -1 with *why a heap sentence. */
int verify_seen_store(const char *path, const char *bus, const struct verify_seen *seen,
                      char **why);

#endif
