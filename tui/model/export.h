/* Exporting what the agent keeps as JSON Lines or CSV (evjson.h), one
 * timeline:
 * the segments are listed (ListSegments, a page at a time), then read
 * (ReadSegment, a page at a time) stream by stream and merged by time, so
 * the file is in time order across streams while at most one page per
 * stream is held in memory. A state machine with no I/O of its own but the
 * FILE it writes: export_next says which call to make, export_reply takes
 * the answer. `capctl data export` drives it with blocking calls, the
 * console with asynchronous ones, so both write exactly the same lines. */
#ifndef CAPCTL_EXPORT_H
#define CAPCTL_EXPORT_H

#include <dbus/dbus.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "contract.h"
#include "text/evtext.h"

#define EXPORT_LIST_PAGE 1000 /* ListSegments' largest page */

/* What the file is written in: JSON Lines (the default) or CSV with its
 * header row. */
enum export_format { EXPORT_JSONL, EXPORT_CSV, N_EXPORT_FORMATS };
/* How --format names them: "jsonl", "csv". */
extern const char *const export_format_names[N_EXPORT_FORMATS];

/* A call to make. */
struct export_req {
	enum { EXPORT_REQ_LIST, EXPORT_REQ_READ } kind;
	uint64_t offset; /* ListSegments: the offset; ReadSegment: the event offset */
	uint64_t id;     /* ReadSegment: the segment */
	uint32_t limit;
};

struct export_seg {
	uint64_t id, start, end;
	uint32_t events;
	size_t cursor; /* index of its stream's cursor */
};

/* One stream's place in the merge. */
struct export_cursor {
	char *stream;
	size_t *segs; /* indexes into segs, oldest first */
	size_t n_segs, next;
	bool reading;                /* segs[next - 1] is being read */
	uint64_t offset;             /* the next event of it to ask for */
	struct contract_events page; /* the events held: ev's texts point into it */
	struct evjson_event *ev;
	size_t n_ev, pos;
};

struct export
{
	/* Set before the first export_next: */
	uint64_t since;            /* leave out events before this; 0: none */
	uint64_t only;             /* nonzero: only this segment, without listing */
	uint32_t page;             /* ReadSegment's limit, 1..10000 */
	uint32_t list_page;        /* ListSegments' limit, 1..1000: EXPORT_LIST_PAGE */
	FILE *out;                 /* borrowed */
	enum export_format format; /* EXPORT_JSONL unless set */

	bool started; /* the header (CSV) is written */
	bool listing, done, waiting;
	struct export_req pending;
	uint64_t list_total;
	struct export_seg *segs;
	size_t n_segs, cap_segs;
	struct export_cursor *cur;
	size_t n_cur;

	/* Progress. */
	size_t segs_done;
	uint64_t events_expected; /* the listed events of the segments to read */
	uint64_t events_written;
	char *error;    /* why it stopped, for a person; NULL while all is well */
	bool malformed; /* error is the decoder's: the agent's answer was not of
	                 * the contract's shape */
};

/* since, only and page as above. out is written to as replies arrive. */
void export_init(struct export *x, FILE *out, uint64_t since, uint64_t only, uint32_t page);
void export_fini(struct export *x);

/* Writes every line it can and says what to ask next: 1 with *req set
 * (pass the answer to export_reply), 0 when the export is complete, or
 * -1 when it failed (error says why). */
int export_next(struct export *x, struct export_req *req);
/* The answer to the last request (a method return or an error). */
void export_reply(struct export *x, DBusMessage *reply);

/* The segments to read (known once listed), and those read so far. */
size_t export_segments(const struct export *x);

#endif
