/* The console's model: the agent as the client last heard from it, built
 * only from D-Bus messages (GetAll, Get, PropertiesChanged, History
 * replies) and the time passed in. Views draw from it and never call D-Bus;
 * every update returns dirty bits saying what needs redrawing. */
#ifndef CAPCTL_MODEL_H
#define CAPCTL_MODEL_H

#include <dbus/dbus.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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
	N_MODEL_PROPS
};
#define MODEL_ALL_PROPS ((1u << N_MODEL_PROPS) - 1)

/* What changed. Everything but COUNTERS is drawn at once; counters are
 * coalesced to one redraw per refresh_ms. */
#define MODEL_DIRTY_STATE (1u << 0)
#define MODEL_DIRTY_COUNTERS (1u << 1)
#define MODEL_DIRTY_EXEMPTIONS (1u << 2)
#define MODEL_DIRTY_NOTICE (1u << 3)
#define MODEL_DIRTY_HISTORY (1u << 4)
#define MODEL_DIRTY_LINK (1u << 5)
#define MODEL_DIRTY_URGENT (~MODEL_DIRTY_COUNTERS)

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
};

struct model_exemption {
	char *id, *scope, *category, *status, *reason, *note;
	uint64_t created, expires;
};

struct model_upload {
	char *endpoint, *deferred, *last_error;
	uint64_t bytes_today, bytes_total, daily_cap, pending_bytes, next_upload, last_upload;
	double rate_bps, compression_ratio;
};

struct model_power {
	bool on_battery, saver;
	double battery_percent, cpu_seconds, cpu_percent, wakeups_per_second, estimated_mw;
};

struct model_retention {
	uint32_t days, segments;
	uint64_t bytes, oldest;
	bool deletion_allowed;
};

struct model_notice {
	char *purpose, *retention, *anonymization, *model_access, *contact, *version;
};

/* History is paged from the agent and cached here a page at a time: a
 * view asks for the rows it shows, the model says which pages to fetch. */
#define MODEL_HIST_PAGE_SIZE 100
#define MODEL_HIST_PAGES 16

struct model_hist_entry {
	uint64_t time;
	char *action, *detail;
	uint32_t uid;
};

struct model_hist_page {
	uint64_t number; /* entries number*PAGE_SIZE .. +n-1, newest first */
	struct model_hist_entry *e;
	size_t n;
	bool used, loaded, loading, stale;
	uint64_t stamp; /* when a view last wanted it, for eviction */
};

struct model_hist {
	uint64_t total;
	bool known;   /* total has been heard */
	unsigned gen; /* replies to requests of an older generation are dropped */
	uint64_t clock;
	char *error; /* the agent's refusal of the last request, or NULL */
	struct model_hist_page pages[MODEL_HIST_PAGES];
};

struct model {
	enum model_link link;
	char *owner;     /* the agent's unique bus name while it has one */
	char *refusal;   /* why the agent would not give its properties, or NULL */
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
	struct model_hist hist;
};

void model_init(struct model *m);
void model_fini(struct model *m);

/* The agent appeared (owner = its unique name), went away, or the bus
 * connection broke. Anything but LIVE forgets every property, so nothing
 * stale is ever shown as current. */
unsigned model_set_link(struct model *m, enum model_link link, const char *owner);

/* One property: it points at the variant holding the value. Unknown names
 * and values of the wrong type change nothing and return 0. */
unsigned model_set(struct model *m, const char *name, DBusMessageIter *it, uint64_t now);
/* The agent answered GetAll with an error (msg), or NULL: it answered. */
unsigned model_set_refusal(struct model *m, const char *msg);
/* A GetAll reply's a{sv}. */
unsigned model_set_all(struct model *m, DBusMessageIter *dict, uint64_t now);
/* A PropertiesChanged signal of the agent's interface; *invalidated gets
 * a bit per model_prop the signal named without a value (re-read them). */
unsigned model_changed(struct model *m, DBusMessage *sig, uint64_t now, uint32_t *invalidated);
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

#endif
