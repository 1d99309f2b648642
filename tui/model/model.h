/* The console's model: the agent as the client last heard from it, built
 * only from D-Bus messages as the decoder (contract.h) reads them (GetAll,
 * Get, PropertiesChanged, and the replies to History, ListSegments,
 * ReadSegment and RecentEvents) and the time passed in. Views draw from it
 * and never call D-Bus; every update returns dirty bits saying what needs
 * redrawing. */
#ifndef CAPCTL_MODEL_H
#define CAPCTL_MODEL_H

#include <dbus/dbus.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/pages.h"
#include "text/strip.h"

struct contract_props;

enum model_link {
	MODEL_LINK_CONNECTING, /* asking the bus whether the agent is there */
	MODEL_LINK_LIVE,       /* the agent has the name; properties follow */
	MODEL_LINK_GONE,       /* nobody owns the name: waiting for the agent */
	MODEL_LINK_NO_BUS,     /* the connection to the bus itself is lost */
};

/* The properties of the contract, in its order. */
enum model_prop {
	MODEL_PROP_VERSION,
	MODEL_PROP_STATE,
	MODEL_PROP_STATE_REASON,
	MODEL_PROP_PAUSED_UNTIL,
	MODEL_PROP_MAX_PAUSE,
	MODEL_PROP_BUDGET,
	MODEL_PROP_BUDGET_LEFT,
	MODEL_PROP_STREAMS,
	MODEL_PROP_EXEMPTIONS,
	MODEL_PROP_UPLOAD,
	MODEL_PROP_POWER,
	MODEL_PROP_RETENTION,
	MODEL_PROP_NOTICE,
	MODEL_PROP_PERSONAL_LIMITS,
	MODEL_PROP_CONSENT,
	N_MODEL_PROPS
};
#define MODEL_ALL_PROPS ((1u << N_MODEL_PROPS) - 1)

/* What changed. Everything but COUNTERS and SPOOL is drawn at once;
 * those are coalesced to one redraw per refresh_ms. */
#define MODEL_DIRTY_STATE (1u << 0)
#define MODEL_DIRTY_COUNTERS (1u << 1)
#define MODEL_DIRTY_EXEMPTIONS (1u << 2)
#define MODEL_DIRTY_NOTICE (1u << 3)
#define MODEL_DIRTY_HISTORY (1u << 4)
#define MODEL_DIRTY_LINK (1u << 5)
#define MODEL_DIRTY_DATA (1u << 6) /* a page of segments or of events arrived */
#define MODEL_DIRTY_LIVE (1u << 7) /* recent events arrived */
/* The spool changed (a segment closed, went, was uploaded or rewritten):
 * the lists of segments shown are stale. */
#define MODEL_DIRTY_SPOOL (1u << 8)
/* Consent or the person's limits changed: the "What changed" page, the
 * banner and the Overview's levels. */
#define MODEL_DIRTY_CONSENT (1u << 9)
/* Activity for today arrived: the Overview's strip. */
#define MODEL_DIRTY_TODAY (1u << 10)
#define MODEL_DIRTY_URGENT (~(MODEL_DIRTY_COUNTERS | MODEL_DIRTY_SPOOL))

enum model_state {
	MODEL_STATE_UNKNOWN, /* not heard yet, or a word this version does not know */
	MODEL_STATE_COLLECTING,
	MODEL_STATE_PAUSED,
	MODEL_STATE_EXEMPT,
	MODEL_STATE_SUSPENDED,
	MODEL_STATE_IDLE,
};

struct model_stream {
	char *id, *fidelity, *description;
	bool recording;
	uint64_t events, bytes;
	unsigned stream; /* its enum stream: stream_rate's index */
};

struct model_exemption {
	char *id, *scope, *category, *status, *reason, *note;
	uint64_t created, expires;
};

struct model_upload {
	char *endpoint, *deferred, *last_error;
	uint64_t bytes_today, bytes_total, daily_cap, pending_bytes, next_upload, last_upload;
	double rate_bps, compression_ratio;
	uint64_t held_bytes, next_release;
	uint32_t hold_seconds; /* 0: no hold, or an agent that does not say */
};

struct model_power {
	bool on_battery, saver;
	double battery_percent, cpu_seconds, cpu_percent, wakeups_per_second, estimated_mw;
	double measured_mw; /* -1: the agent does not measure it (no RAPL) */
};

struct model_retention {
	uint32_t days, segments;
	uint64_t bytes, oldest;
	bool deletion_allowed;
	char *last_error; /* NULL or "": the spool is written */
};

struct model_notice {
	char *purpose, *retention, *anonymization, *model_access, *contact, *version;
};

/* One line of Consent.changes: the key as captured.conf writes it, its
 * value when last acknowledged ("" never) and now. */
struct model_change {
	char *key, *then, *now;
};

struct model_consent {
	char *digest, *acknowledged_digest; /* NULL until heard */
	uint64_t acknowledged;
	bool wait, waiting;
	struct model_change *changes;
	size_t n_changes;
};

/* A stream the person keeps less of: its id and the level they chose. */
struct model_limit {
	char *stream, *level;
};

/* Lists paged from the agent (pages.h): History, ListSegments, and the
 * events of one segment (ReadSegment). */
#define MODEL_HIST_PAGE_SIZE 100
#define MODEL_HIST_PAGES PAGES_SLOTS
#define MODEL_SEGS_PAGE_SIZE 100
#define MODEL_SEGEV_PAGE_SIZE 200

struct model_hist_entry {
	uint64_t time;
	char *action, *detail;
	uint32_t uid;
};

struct model_segment {
	uint64_t id, start, end, bytes, expires;
	uint32_t events;
	char *stream;
	bool uploaded;
};

/* An event as ReadSegment and RecentEvents give it. */
struct model_event {
	uint64_t time;
	char *stream, *kind, *text;
	int32_t x, y, code;
};

/* The last values of a figure the agent re-sends as it changes (the
 * estimated power), in slots of MODEL_SPARK_SLOT_USEC:
 * the largest value heard in each. A slot no update came in holds the
 * value before it, since the agent sends a figure only when it changes. */
#define MODEL_SPARK_SLOTS 90
#define MODEL_SPARK_SLOT_USEC (10 * 1000000ULL)

struct model_spark {
	double v[MODEL_SPARK_SLOTS];
	int64_t first, last; /* slot numbers of the first and last update */
	double latest;
	bool any;
};

/* How far a counter the agent re-sends (a stream's events, the bytes
 * uploaded) moved in each of the last MODEL_TALLY_SLOTS buckets of width
 * µs. The agent sends a counter within a second of its change and at most
 * once a second, so what it moved by since the value before happened in
 * the second before it arrived (or since the value before, if that is
 * nearer): the move is spread over that time. A counter that went down
 * was reset (the agent started again): it counts from 0. The first value
 * heard, and the first after the agent was away (model_tally_gap), is
 * where counting starts; the buckets before are unknown (NaN). */
#define MODEL_TALLY_SLOTS 60
#define MODEL_TALLY_SETTLE_USEC 1000000ULL
#define MODEL_RATE_USEC 1000000ULL    /* the Live view: events a second */
#define MODEL_UPLOAD_USEC 60000000ULL /* the upload panel: bytes a minute */

struct model_tally {
	double v[MODEL_TALLY_SLOTS];
	uint64_t width;   /* µs a bucket */
	uint64_t since;   /* when counting started: the first value heard */
	uint64_t counter; /* the last value heard, and when */
	uint64_t at;
	int64_t last;       /* the newest bucket written */
	int64_t known;      /* the first bucket counted since the last gap */
	bool any, counting; /* a value was heard; and since the last gap */
};

struct model {
	enum model_link link;
	char *owner;     /* the agent's unique bus name while it has one */
	char *refusal;   /* why the agent would not give its properties, or NULL */
	char *fault;     /* model_take_fault's */
	uint32_t loaded; /* a bit per model_prop heard since it appeared */

	char *version, *state, *state_reason;
	uint64_t paused_until;
	uint32_t max_pause_seconds, budget_seconds, budget_left;
	uint64_t budget_left_at; /* realtime when budget_left arrived */
	struct model_stream *streams;
	size_t n_streams;
	struct model_exemption *ex;
	size_t n_ex;
	struct model_upload upload;
	struct model_power power;
	struct model_retention retention;
	struct model_notice notice;
	struct model_consent consent;
	struct model_limit *limits;
	size_t n_limits;
	struct pages hist; /* of struct model_hist_entry */

	/* The Data view: the segments, newest first; and the events of the
	 * one opened, oldest first. */
	struct pages segs;  /* of struct model_segment */
	struct pages segev; /* of struct model_event */
	uint64_t segev_id;  /* the segment segev holds, 0: none */

	/* The Live view: RecentEvents' last answer, newest first. */
	struct model_event *recent;
	size_t n_recent;
	bool recent_known;
	char *recent_error;

	/* The Overview's "Today": Activity's last answer for the day, or
	 * the agent's refusal or the decoder's sentence in error. */
	struct model_today {
		struct strip_day day;
		struct contract_step *steps;
		size_t n;
		bool known;
		char *error;
	} today;
	/* The Data view's strip: Activity for the selected segment's day. */
	struct model_today data_day;

	struct model_spark power_mw; /* Power's estimated_mw */
	/* Kept while the agent is away, so its restart leaves a gap. */
	struct model_tally stream_rate[N_STREAMS]; /* Streams' events */
	struct model_tally uploaded;               /* Upload's bytes_total */
};

void model_init(struct model *m);
void model_fini(struct model *m);

/* consent.c: Consent and PersonalLimits as the decoder read them, and
 * forgotten. */
struct contract_consent;
struct contract_limit;
unsigned model_set_consent(struct model *m, const struct contract_consent *c);
unsigned model_set_limits(struct model *m, const struct contract_limit *l, size_t n);
void model_consent_clear(struct model *m);
/* The person's limit of stream id, or NULL. */
const char *model_limit_of(const struct model *m, const char *id);

/* The agent appeared (owner = its unique name), went away, or the bus
 * connection broke. Anything but LIVE forgets every property, so nothing
 * stale is ever shown as current. */
unsigned model_set_link(struct model *m, enum model_link link, const char *owner);

/* Properties as the decoder read them (contract.h; p stays the
 * caller's): those in p->has are taken, those in p->bad are forgotten and
 * shown as unknown, the others keep their values. */
unsigned model_update(struct model *m, const struct contract_props *p, uint64_t now);
/* A GetAll reply: the properties, or the agent's refusal (refusal). */
unsigned model_get_all_reply(struct model *m, DBusMessage *reply, uint64_t now);
/* A Get reply for property p; a refusal changes nothing. */
unsigned model_get_reply(struct model *m, enum model_prop p, DBusMessage *reply, uint64_t now);
/* The agent answered GetAll with an error (msg), or NULL: it answered. */
unsigned model_set_refusal(struct model *m, const char *msg);
/* A PropertiesChanged signal of the agent's interface; *invalidated gets
 * a bit per model_prop the signal named without a value (re-read them). */
unsigned model_changed(struct model *m, DBusMessage *sig, uint64_t now, uint32_t *invalidated);
/* Every function here that takes a message keeps, when the message is not
 * of the contract's shape, the decoder's sentence for the status line:
 * taken here (heap), NULL when there is none. */
char *model_take_fault(struct model *m);
enum model_prop model_prop_by_name(const char *name);
const char *model_prop_name(enum model_prop p);

enum model_state model_state(const struct model *m);
/* Whole seconds left of the pause, rounded up; 0 when not paused. */
uint64_t model_pause_left(const struct model *m, uint64_t now);
/* Pause budget left now: the agent re-sends it when a pause starts and
 * ends and the client counts it down while paused. */
uint32_t model_budget_left(const struct model *m, uint64_t now);
/* The longest pause the agent would accept now. */
uint32_t model_pause_limit(const struct model *m, uint64_t now);
/* The configured default pause, clamped to MaxPauseSeconds and to the
 * budget left (unless none is left: then the agent is left to refuse). */
uint32_t model_default_pause(const struct model *m, uint32_t minutes, uint64_t now);
/* Index of the exemption with this id, or -1. */
long model_exemption_find(const struct model *m, const char *id);

/* The entry at index i (0 = newest), or NULL if its page is not here. */
const struct model_hist_entry *model_hist_entry(const struct model *m, uint64_t i);
/* The view shows entries first..first+count-1: returns the page numbers to
 * request now (up to max), marking them as being loaded. */
size_t model_hist_want(struct model *m, uint64_t first, uint64_t count, uint64_t *pages,
                       size_t max);
/* A History reply (or error) for page number page of generation gen. When
 * the total moved, the other pages no longer line up and are dropped;
 * *shift gets by how much it moved (new entries come first). */
unsigned model_hist_reply(struct model *m, uint64_t page, unsigned gen, DBusMessage *reply,
                          int64_t *shift);
/* New entries may exist: pages are kept on screen but fetched again. */
void model_hist_refresh(struct model *m);
/* Forgets every page. */
void model_hist_reset(struct model *m);

/* The segments, as for History: entry i (0 = newest), the pages to fetch
 * for rows first..first+count-1, a ListSegments reply (or error) for page
 * number page of generation gen; *shift as for History. */
const struct model_segment *model_segs_entry(const struct model *m, uint64_t i);
size_t model_segs_want(struct model *m, uint64_t first, uint64_t count, uint64_t *pages,
                       size_t max);
unsigned model_segs_reply(struct model *m, uint64_t page, unsigned gen, DBusMessage *reply,
                          int64_t *shift);
/* Index of the segment with this id among the pages at hand, or -1. */
int64_t model_segs_find(const struct model *m, uint64_t id);

/* The events of segment id (0: none): opening another forgets the old. */
void model_segev_open(struct model *m, uint64_t id);
const struct model_event *model_segev_entry(const struct model *m, uint64_t i);
size_t model_segev_want(struct model *m, uint64_t first, uint64_t count, uint64_t *pages,
                        size_t max);
/* A ReadSegment reply for page number page of segment id. NoSuchSegment
 * leaves the pages empty with the agent's message in segev.error. A
 * reply of the wrong shape, in the lists above too, leaves the decoder's
 * sentence there. */
unsigned model_segev_reply(struct model *m, uint64_t id, uint64_t page, unsigned gen,
                           DBusMessage *reply);

/* A RecentEvents reply (or error). */
unsigned model_recent_reply(struct model *m, DBusMessage *reply);
/* Forgets the recent events (the Live view was left: they go stale). */
void model_recent_reset(struct model *m);

/* today.c: an Activity reply (or error) to the question for day d, from
 * its start to asked_to (realtime µs); and forgotten. */
unsigned model_today_reply(struct model *m, const struct strip_day *d, uint64_t asked_to,
                           DBusMessage *reply);
void model_today_reset(struct model *m);
/* The same for the Data view's day (its strip, above the segments). */
unsigned model_data_day_reply(struct model *m, const struct strip_day *d, uint64_t asked_to,
                              DBusMessage *reply);
void model_data_day_reset(struct model *m);
/* The segment among the pages at hand that overlaps from..to (realtime
 * µs; a segment still open lasts until now), the earliest of them; when
 * none does, the nearest to it (*covers false). -1 when no page is here. */
int64_t model_segs_at(const struct model *m, uint64_t from, uint64_t to, uint64_t now,
                      bool *covers);

/* Records a value heard at now. */
void model_spark_add(struct model_spark *s, uint64_t now, double value);
/* The n slots up to now's, oldest first, into out; NaN for a slot before
 * the first value heard. Returns how many are not NaN. */
size_t model_spark_values(const struct model_spark *s, uint64_t now, double *out, size_t n);

/* An empty tally of buckets width µs long. */
void model_tally_init(struct model_tally *t, uint64_t width);
/* The counter's value heard at now. */
void model_tally_count(struct model_tally *t, uint64_t now, uint64_t counter);
/* The agent went away: what it counted after the last value heard, until
 * it is heard again, is unknown (the model is told no time, and an agent
 * that counts nothing sends nothing). */
void model_tally_gap(struct model_tally *t);
/* The n whole buckets before now, oldest first, into out: a bucket is
 * whole once it ended MODEL_TALLY_SETTLE_USEC ago (nothing more can come
 * for it). NaN for one before counting started or in a gap. Returns how
 * many are not NaN; *end (if not NULL) gets when the last one ends. */
size_t model_tally_values(const struct model_tally *t, uint64_t now, double *out, size_t n,
                          uint64_t *end);

#endif
