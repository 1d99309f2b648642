/* A list the agent serves a page at a time — History, ListSegments,
 * ReadSegment — cached here a few pages at a time: a view says which rows
 * it shows, the cache says which pages to fetch, replies fill them in, and
 * the least recently wanted page makes room for a new one. So a list of
 * any length scrolls at once and costs the console a few pages of memory.
 * Rows are opaque here: the owner parses replies and frees rows. */
#ifndef CAPCTL_PAGES_H
#define CAPCTL_PAGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PAGES_SLOTS 16

struct pages_page {
	uint64_t number; /* rows number*page_size .. +n-1 */
	void *rows;      /* n rows of row_size bytes, heap */
	size_t n;
	bool used, loaded, loading, stale;
	uint64_t stamp; /* when a view last wanted it, for eviction */
};

struct pages {
	size_t page_size, row_size;
	void (*row_free)(void *row); /* frees what a row holds, not the row */
	uint64_t total;
	bool known;   /* total has been heard */
	unsigned gen; /* replies to requests of an older generation are dropped */
	uint64_t clock;
	char *error; /* the agent's refusal of the last request, or NULL */
	struct pages_page page[PAGES_SLOTS];
};

void pages_init(struct pages *p, size_t page_size, size_t row_size, void (*row_free)(void *));
void pages_fini(struct pages *p);

/* Row i, or NULL if its page is not here (yet). */
const void *pages_row(const struct pages *p, uint64_t i);
/* The view shows rows first..first+count-1: returns the page numbers to
 * request now (up to max), marking them as being loaded. Where the list
 * as last heard has no such rows (it is empty, or shorter), its last
 * page stands for them: refreshed, it is asked for again and says
 * whether rows have come. */
size_t pages_want(struct pages *p, uint64_t first, uint64_t count, uint64_t *numbers, size_t max);
/* A page arrived for generation gen, with the list's total: rows (n of
 * them, heap) become the cache's. When the total moved, the other pages no
 * longer line up (offsets count from the newest) and are dropped; *shift
 * gets by how much it moved. Returns false when the reply was stale (rows
 * are freed then). */
bool pages_fill(struct pages *p, uint64_t number, unsigned gen, uint64_t total, void *rows,
                size_t n, int64_t *shift);
/* The agent refused the request (msg), or sent what could not be read
 * (msg NULL): the page is kept empty and not asked for again until
 * pages_refresh, so a refusal never becomes a stream of retries. Returns
 * false for a stale reply. */
bool pages_fail(struct pages *p, uint64_t number, unsigned gen, const char *msg);
/* The list may have changed: pages stay on screen but are fetched again. */
void pages_refresh(struct pages *p);
/* Forgets every page and the total. */
void pages_reset(struct pages *p);

#endif
