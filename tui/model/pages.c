/* The page cache. Replies may arrive in any order, and after the list
 * changed under them: the generation number tells the stale ones apart. */
#include "model/pages.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

void pages_init(struct pages *p, size_t page_size, size_t row_size, void (*row_free)(void *))
{
	memset(p, 0, sizeof *p);
	p->page_size = page_size;
	p->row_size = row_size;
	p->row_free = row_free;
}

static void page_clear(struct pages *p, struct pages_page *pg)
{
	for (size_t i = 0; i < pg->n; i++)
		p->row_free((char *)pg->rows + i * p->row_size);
	free(pg->rows);
	*pg = (struct pages_page){0};
}

void pages_fini(struct pages *p)
{
	pages_reset(p);
}

static struct pages_page *find(const struct pages *p, uint64_t number)
{
	for (size_t i = 0; i < PAGES_SLOTS; i++) {
		const struct pages_page *pg = &p->page[i];
		if (pg->used && pg->number == number)
			return (struct pages_page *)pg;
	}
	return NULL;
}

const void *pages_row(const struct pages *p, uint64_t i)
{
	const struct pages_page *pg = find(p, i / p->page_size);
	size_t k = (size_t)(i % p->page_size);
	if (!pg || !pg->loaded || k >= pg->n)
		return NULL;
	return (const char *)pg->rows + k * p->row_size;
}

/* A free slot, else the least recently wanted page that is not loading
 * and not among the pages [lo, hi] the view needs now. */
static struct pages_page *slot(struct pages *p, uint64_t lo, uint64_t hi)
{
	struct pages_page *best = NULL;
	for (size_t i = 0; i < PAGES_SLOTS; i++) {
		struct pages_page *pg = &p->page[i];
		if (!pg->used)
			return pg;
		if (pg->loading || (pg->number >= lo && pg->number <= hi))
			continue;
		if (!best || pg->stamp < best->stamp)
			best = pg;
	}
	if (best)
		page_clear(p, best);
	return best;
}

size_t pages_want(struct pages *p, uint64_t first, uint64_t count, uint64_t *numbers, size_t max)
{
	size_t n = 0;
	if (count == 0)
		count = 1;
	if (p->known && first + count > p->total)
		count = p->total > first ? p->total - first : 0;
	/* Nothing of the list is shown there, as far as the last reply
	 * said: its last page (the first, for an empty list) is what tells
	 * whether that is still so, so it is fetched again when refreshed.
	 * Else a list once seen empty stays empty on screen for good. */
	if (p->known && count == 0) {
		first = p->total ? p->total - 1 : 0;
		count = 1;
	}
	uint64_t lo = first / p->page_size, hi = (first + count - 1) / p->page_size;
	p->clock++;
	for (uint64_t num = lo; num <= hi && n < max; num++) {
		struct pages_page *pg = find(p, num);
		if (pg) {
			pg->stamp = p->clock;
			if (pg->loading || (pg->loaded && !pg->stale))
				continue;
		} else {
			pg = slot(p, lo, hi);
			if (!pg)
				break; /* every slot busy: ask again on the next draw */
			*pg = (struct pages_page){.number = num, .used = true};
			pg->stamp = p->clock;
		}
		pg->loading = true;
		numbers[n++] = num;
	}
	return n;
}

bool pages_fill(struct pages *p, uint64_t number, unsigned gen, uint64_t total, void *rows,
                size_t n, int64_t *shift)
{
	struct pages_page *pg = gen == p->gen ? find(p, number) : NULL;
	*shift = 0;
	if (!pg) {
		for (size_t i = 0; i < n; i++)
			p->row_free((char *)rows + i * p->row_size);
		free(rows);
		return false;
	}
	free(p->error);
	p->error = NULL;
	if (p->known && total != p->total) {
		*shift = (int64_t)(total - p->total);
		/* Every other page now holds different rows: drop them, and
		 * let replies still on their way be ignored. */
		for (size_t i = 0; i < PAGES_SLOTS; i++)
			if (&p->page[i] != pg)
				page_clear(p, &p->page[i]);
		p->gen++;
	}
	p->total = total;
	p->known = true;
	uint64_t stamp = pg->stamp;
	page_clear(p, pg);
	*pg = (struct pages_page){
	    .number = number, .rows = rows, .n = n, .used = true, .loaded = true, .stamp = stamp};
	return true;
}

bool pages_fail(struct pages *p, uint64_t number, unsigned gen, const char *msg)
{
	struct pages_page *pg = gen == p->gen ? find(p, number) : NULL;
	if (!pg)
		return false;
	pg->loading = false;
	pg->loaded = true;
	pg->stale = false;
	if (msg) {
		free(p->error);
		p->error = xstrdup(msg);
	}
	return true;
}

void pages_refresh(struct pages *p)
{
	for (size_t i = 0; i < PAGES_SLOTS; i++)
		if (p->page[i].loaded)
			p->page[i].stale = true;
}

void pages_reset(struct pages *p)
{
	for (size_t i = 0; i < PAGES_SLOTS; i++)
		page_clear(p, &p->page[i]);
	free(p->error);
	p->error = NULL;
	p->total = 0;
	p->known = false;
	p->gen++;
}
