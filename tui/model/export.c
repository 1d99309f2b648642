/* The merge: every stream's segments follow one another in time, so the
 * next line of the export is the earliest of the events each stream has
 * at hand; a stream with nothing at hand is read further first. A segment
 * that went away between listing and reading (deleted, expired) is
 * skipped: it is not the agent's to give any more. */
#include "model/export.h"
#include "contract.h"
#include "i18n.h"
#include "names.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

const char *const export_format_names[N_EXPORT_FORMATS] = {"jsonl", "csv"};

void export_init(struct export *x, FILE *out, uint64_t since, uint64_t only, uint32_t page)
{
	memset(x, 0, sizeof *x);
	x->out = out;
	x->since = since;
	x->only = only;
	x->page = page ? page : 1000;
	x->list_page = EXPORT_LIST_PAGE;
	x->listing = !only;
	if (only) {
		/* One segment: its stream is told by its events' kinds. */
		x->segs = xcalloc(1, sizeof *x->segs);
		x->segs[0] = (struct export_seg){.id = only};
		x->n_segs = x->cap_segs = 1;
		x->cur = xcalloc(1, sizeof *x->cur);
		x->n_cur = 1;
		x->cur[0].stream = xstrdup("");
		x->cur[0].segs = xcalloc(1, sizeof(size_t));
		x->cur[0].n_segs = 1;
	}
}

static void drop_page(struct export_cursor *c)
{
	contract_events_fini(&c->page);
	free(c->ev);
	c->ev = NULL;
	c->n_ev = c->pos = 0;
}

void export_fini(struct export *x)
{
	for (size_t i = 0; i < x->n_cur; i++) {
		drop_page(&x->cur[i]);
		free(x->cur[i].stream);
		free(x->cur[i].segs);
	}
	free(x->cur);
	free(x->segs);
	free(x->error);
	memset(x, 0, sizeof *x);
}

size_t export_segments(const struct export *x)
{
	return x->listing ? 0 : x->n_segs;
}

/* Keeps the first reason (heap) why the export stopped. */
static void fail(struct export *x, char *why)
{
	if (x->error)
		free(why);
	else
		x->error = why;
}

static int by_id(const void *a, const void *b)
{
	const struct export_seg *p = a, *q = b;
	return p->id < q->id ? -1 : p->id > q->id;
}

static int by_start(const void *a, const void *b)
{
	const struct export_seg *p = a, *q = b;
	if (p->start != q->start)
		return p->start < q->start ? -1 : 1;
	return p->id < q->id ? -1 : p->id > q->id;
}

static size_t cursor_for(struct export *x, const char *stream)
{
	for (size_t i = 0; i < x->n_cur; i++)
		if (strcmp(x->cur[i].stream, stream) == 0)
			return i;
	x->cur = xrealloc(x->cur, (x->n_cur + 1) * sizeof *x->cur);
	x->cur[x->n_cur] = (struct export_cursor){.stream = xstrdup(stream)};
	return x->n_cur++;
}

/* Listing done: the segments to read, oldest first, each in its stream's
 * queue. A listing that moved under the pages (a segment closed or
 * deleted meanwhile) may name one twice: once is enough. */
static void plan(struct export *x)
{
	size_t n = 0;
	x->listing = false;
	if (!x->n_segs)
		return;
	qsort(x->segs, x->n_segs, sizeof *x->segs, by_id);
	for (size_t i = 0; i < x->n_segs; i++) {
		if (n && x->segs[n - 1].id == x->segs[i].id)
			continue;
		/* An open segment (end 0) is still being written: it ends now. */
		if (x->since && x->segs[i].end && x->segs[i].end < x->since)
			continue;
		x->segs[n++] = x->segs[i];
	}
	x->n_segs = n;
	qsort(x->segs, n, sizeof *x->segs, by_start);
	for (size_t i = 0; i < n; i++) {
		struct export_cursor *c = &x->cur[x->segs[i].cursor];
		c->segs = xrealloc(c->segs, (c->n_segs + 1) * sizeof *c->segs);
		c->segs[c->n_segs++] = i;
		x->events_expected += x->segs[i].events;
	}
	x->listing = false;
}

/* The agent's answer was not of the contract's shape: its sentence. */
static void fail_malformed(struct export *x, struct contract_fault *f)
{
	if (!x->error)
		x->malformed = true;
	fail(x, f->message);
	f->message = NULL;
}

static void list_reply(struct export *x, DBusMessage *reply)
{
	struct contract_segments s;
	struct contract_fault f;
	enum contract_result r = contract_read_segments(reply, x->pending.limit, &s, &f);
	if (r == CONTRACT_REFUSED)
		fail(x, xasprintf(_("the agent would not list the segments: %s (%s)"), f.message,
		                  f.name));
	else if (r == CONTRACT_MALFORMED)
		fail_malformed(x, &f);
	contract_fault_fini(&f);
	if (r != CONTRACT_OK)
		return;
	for (size_t i = 0; i < s.n; i++) {
		const struct contract_segment *g = &s.rows[i];
		if (x->n_segs == x->cap_segs) {
			x->cap_segs = x->cap_segs ? 2 * x->cap_segs : 256;
			x->segs = xrealloc(x->segs, x->cap_segs * sizeof *x->segs);
		}
		x->segs[x->n_segs++] =
		    (struct export_seg){g->id, g->start, g->end, g->events,
		                        cursor_for(x, contract_stream_name(g->stream))};
	}
	x->list_total = s.total;
	x->pending.offset += s.n;
	/* The total is what the agent claims: a short page is the end too. */
	if (s.n < x->pending.limit || x->pending.offset >= s.total)
		plan(x);
	contract_segments_fini(&s);
}

static void read_reply(struct export *x, DBusMessage *reply)
{
	struct export_cursor *c = NULL;
	struct contract_events page;
	struct contract_fault f;
	for (size_t i = 0; i < x->n_cur && !c; i++)
		if (x->cur[i].reading &&
		    x->segs[x->cur[i].segs[x->cur[i].next - 1]].id == x->pending.id)
			c = &x->cur[i];
	if (!c)
		return;
	enum contract_result r = contract_read_segment(reply, x->pending.limit, &page, &f);
	if (r == CONTRACT_REFUSED && strcmp(f.name, CAPCTL_ERR_NO_SUCH_SEGMENT) == 0) {
		c->reading = false;
		x->segs_done++;
	} else if (r == CONTRACT_REFUSED) {
		fail(x, xasprintf(_("the agent would not give the events: %s (%s)"), f.message,
		                  f.name));
	} else if (r == CONTRACT_MALFORMED) {
		fail_malformed(x, &f);
	}
	contract_fault_fini(&f);
	if (r != CONTRACT_OK)
		return;
	drop_page(c);
	c->page = page;
	c->ev = xcalloc(page.n, sizeof *c->ev);
	for (size_t i = 0; i < page.n; i++) {
		const struct contract_event *e = &page.rows[i];
		if (x->since && e->time < x->since)
			continue;
		c->ev[c->n_ev++] = (struct evjson_event){
		    .time = e->time,
		    .stream = *c->stream ? c->stream : contract_stream_name(e->stream),
		    .kind = contract_kind_name(e->kind),
		    .x = e->x,
		    .y = e->y,
		    .code = e->code,
		    .text = e->text,
		};
	}
	x->pending.offset += page.n;
	c->offset = x->pending.offset;
	if (x->only && !x->events_expected)
		x->events_expected = page.total;
	/* The last page; or a short or empty one, from a segment that shrank
	 * (Forget) while it was read, or from an agent whose total is not
	 * true: the total is a number, not a promise. */
	if (c->offset >= page.total || page.n < x->pending.limit) {
		c->reading = false;
		x->segs_done++;
	}
}

void export_reply(struct export *x, DBusMessage *reply)
{
	if (!x->waiting)
		return;
	x->waiting = false;
	if (x->pending.kind == EXPORT_REQ_LIST)
		list_reply(x, reply);
	else
		read_reply(x, reply);
}

int export_next(struct export *x, struct export_req *req)
{
	if (!x->error && ferror(x->out))
		fail(x, xstrdup(_("the file could not be written")));
	if (x->error)
		return -1;
	if (x->done)
		return 0;
	if (!x->started) {
		x->started = true;
		if (x->format == EXPORT_CSV)
			evjson_csv_header(x->out);
	}
	if (x->listing) {
		/* pending.offset counts what was listed so far. */
		x->pending.kind = EXPORT_REQ_LIST;
		x->pending.limit = x->list_page;
		*req = x->pending;
		x->waiting = true;
		return 1;
	}
	for (;;) {
		/* Every stream with more to give must have something at hand
		 * before the earliest event can be told. */
		struct export_cursor *best = NULL;
		for (size_t i = 0; i < x->n_cur; i++) {
			struct export_cursor *c = &x->cur[i];
			if (c->pos < c->n_ev) {
				if (!best || c->ev[c->pos].time < best->ev[best->pos].time)
					best = c;
				continue;
			}
			drop_page(c);
			if (!c->reading && c->next == c->n_segs)
				continue; /* this stream is done */
			if (!c->reading) {
				c->next++;
				c->reading = true;
				c->offset = 0;
			}
			x->pending = (struct export_req){.kind = EXPORT_REQ_READ,
			                                 .id = x->segs[c->segs[c->next - 1]].id,
			                                 .offset = c->offset,
			                                 .limit = x->page};
			*req = x->pending;
			x->waiting = true;
			return 1;
		}
		if (!best) {
			x->done = true;
			if (!ferror(x->out))
				return 0;
			fail(x, xstrdup(_("the file could not be written")));
			return -1;
		}
		if (x->format == EXPORT_CSV)
			evjson_csv_line(x->out, &best->ev[best->pos++]);
		else
			evjson_line(x->out, &best->ev[best->pos++], NULL);
		x->events_written++;
	}
}
