/* The one decoder of org.capctl.Agent1 for clients: every reply, property
 * and signal is checked against the contract's exact signature before
 * anything in it is read, and becomes a typed struct that its caller owns
 * and frees with the matching _fini. What does not fit is refused with one
 * sentence naming the method or property and what was expected. */
#ifndef CAPCTL_CONTRACT_H
#define CAPCTL_CONTRACT_H

#include <dbus/dbus.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "names.h"

enum contract_result {
	CONTRACT_OK,        /* a method return of the contract's shape: the struct is filled */
	CONTRACT_REFUSED,   /* an error reply: the fault holds its name and message */
	CONTRACT_MALFORMED, /* not the contract's shape: the fault holds the sentence */
};

/* Why a reply was not a good answer. Both heap; zeroed on CONTRACT_OK. */
struct contract_fault {
	char *name;    /* REFUSED: the error's name; MALFORMED: NULL */
	char *message; /* REFUSED: the error's message ("" without one);
	                * MALFORMED: "the agent's reply to History is not ta(tssu)" */
};
void contract_fault_fini(struct contract_fault *f);

/* The words of the contract that the client acts on. A word that is not
 * one of these is malformed: only dictionary keys may be unknown. */
enum contract_state {
	CONTRACT_STATE_COLLECTING,
	CONTRACT_STATE_PAUSED,
	CONTRACT_STATE_EXEMPT,
	CONTRACT_STATE_SUSPENDED,
	CONTRACT_STATE_IDLE,
	CONTRACT_STATE_OFF, /* Activity only: the agent was not running */
};
enum contract_status {
	CONTRACT_STATUS_PENDING,
	CONTRACT_STATUS_APPROVED,
	CONTRACT_STATUS_DENIED,
	CONTRACT_STATUS_WITHDRAWN,
	CONTRACT_STATUS_EXPIRED,
};
enum contract_kind {
	CONTRACT_KIND_MOTION,
	CONTRACT_KIND_BUTTON_PRESS,
	CONTRACT_KIND_BUTTON_RELEASE,
	CONTRACT_KIND_SCROLL,
	CONTRACT_KIND_KEY_PRESS,
	CONTRACT_KIND_KEY_RELEASE,
	CONTRACT_KIND_FOCUS,
};
const char *contract_stream_name(enum stream s);
const char *contract_state_name(enum contract_state s);
const char *contract_status_name(enum contract_status s);
const char *contract_kind_name(enum contract_kind k);
enum stream contract_kind_stream(enum contract_kind k);

/* ---- properties ---- */

enum contract_prop {
	CONTRACT_PROP_VERSION,
	CONTRACT_PROP_STATE,
	CONTRACT_PROP_STATE_REASON,
	CONTRACT_PROP_PAUSED_UNTIL,
	CONTRACT_PROP_MAX_PAUSE_SECONDS,
	CONTRACT_PROP_PAUSE_BUDGET_SECONDS,
	CONTRACT_PROP_PAUSE_BUDGET_LEFT,
	CONTRACT_PROP_STREAMS,
	CONTRACT_PROP_EXEMPTIONS,
	CONTRACT_PROP_UPLOAD,
	CONTRACT_PROP_POWER,
	CONTRACT_PROP_RETENTION,
	CONTRACT_PROP_NOTICE,
	CONTRACT_PROP_PERSONAL_LIMITS,
	CONTRACT_PROP_CONSENT,
	N_CONTRACT_PROPS
};
const char *contract_prop_name(enum contract_prop p);
/* N_CONTRACT_PROPS for a name the contract does not have. */
enum contract_prop contract_prop_by_name(const char *name);

struct contract_stream {
	enum stream stream;
	bool recording;
	char *fidelity, *description;
	uint64_t events, bytes;
};

struct contract_exemption {
	char *id, *scope, *category;
	enum contract_status status;
	char *reason, *note;
	uint64_t created, expires;
};

/* The a{sv} properties. Each starts with has: a bit per key of the
 * contract's table (contract_dict_key) that the agent sent; the keys it must
 * send are always there. Fields of keys not sent are 0 or NULL. */
struct contract_upload {
	uint32_t has;
	char *endpoint;
	uint64_t bytes_today, bytes_total, daily_cap;
	double rate_bps;
	uint64_t pending_bytes, next_upload, last_upload;
	char *deferred, *last_error;
	double compression_ratio;
	uint64_t held_bytes, next_release;
	uint32_t hold_seconds; /* the reference agent's; 0 when not sent */
};

struct contract_power {
	uint32_t has;
	bool on_battery;
	double battery_percent, cpu_seconds, cpu_percent, wakeups_per_second, estimated_mw;
	bool saver;
	double measured_mw; /* the reference agent's own: only while it can measure it */
};

struct contract_retention {
	uint32_t has;
	uint32_t days, segments;
	uint64_t bytes, oldest;
	bool deletion_allowed;
	char *last_error;
};

struct contract_notice {
	uint32_t has;
	char *purpose, *retention, *anonymization, *model_access, *contact, *version;
};

struct contract_change {
	char *key, *then, *now;
};

struct contract_consent {
	uint32_t has;
	char *digest, *acknowledged_digest;
	uint64_t acknowledged;
	bool wait_for_acknowledgment, waiting;
	struct contract_change *changes;
	size_t n_changes;
};

struct contract_limit {
	enum stream stream;
	char *fidelity;
};

/* Any set of properties: has holds a bit per contract_prop read well, bad
 * a bit per one that came in the wrong shape (or, in GetAll, not at all):
 * its field is left empty. */
struct contract_props {
	uint32_t has, bad;
	char *version;
	enum contract_state state;
	char *state_reason;
	uint64_t paused_until;
	uint32_t max_pause_seconds, pause_budget_seconds, pause_budget_left;
	struct contract_stream *streams;
	size_t n_streams;
	struct contract_exemption *exemptions;
	size_t n_exemptions;
	struct contract_upload upload;
	struct contract_power power;
	struct contract_retention retention;
	struct contract_notice notice;
	struct contract_limit *limits;
	size_t n_limits;
	struct contract_consent consent;
};
void contract_props_fini(struct contract_props *p);

/* One entry of the contract's table: a property, a key of an a{sv}
 * property, or a method and the signature of its reply. required: the
 * agent always serves it, so its absence (a missing key or property,
 * UnknownProperty, UnknownMethod) is malformed; false for what the agent
 * does not serve yet, which is read exactly when it comes. */
struct contract_key {
	const char *name; /* the key, property or method */
	const char *sig;
	bool required;
	size_t offset; /* a key's field in its dictionary's struct */
};
/* The keys of an a{sv} property in the contract's order: bit i of its
 * has is key i. 0 keys for the other properties. */
size_t contract_dict_size(enum contract_prop p);
const struct contract_key *contract_dict_key(enum contract_prop p, size_t i);
/* Whether the key whose field is at offset (offsetof) was sent. */
bool contract_key_present(enum contract_prop p, uint32_t has, size_t offset);
/* The table's entry for a property or a method, or NULL. */
const struct contract_key *contract_entry(const char *name);

/* Properties.GetAll: every required property, each of its shape. The
 * good ones are in p even when others are malformed (p->bad says which,
 * the fault names the first). */
enum contract_result contract_read_get_all(DBusMessage *reply, struct contract_props *p,
                                           struct contract_fault *f);
/* Properties.Get of property prop. */
enum contract_result contract_read_get(DBusMessage *reply, enum contract_prop prop,
                                       struct contract_props *p, struct contract_fault *f);

/* A PropertiesChanged signal: the changed values as in GetAll, and a bit
 * per contract_prop named as invalidated (names the contract does not
 * have are ignored). A signal about another interface leaves both empty. */
struct contract_changed {
	struct contract_props props;
	uint32_t invalidated;
};
enum contract_result contract_read_changed(DBusMessage *sig, struct contract_changed *c,
                                           struct contract_fault *f);
void contract_changed_fini(struct contract_changed *c);

/* ---- methods ---- */

/* An error reply: REFUSED with its name and message, MALFORMED when its
 * arguments are not one string (or none); OK for any other reply, with
 * nothing read. method names the call in the sentence. */
enum contract_result contract_read_error(DBusMessage *reply, const char *method,
                                         struct contract_fault *f);
/* Resume, WithdrawExemption, DecideExemption, LimitStream,
 * AcknowledgePolicy: a reply with nothing in it. method must be one of
 * the contract's. */
enum contract_result contract_read_empty(DBusMessage *reply, const char *method,
                                         struct contract_fault *f);
enum contract_result contract_read_pause(DBusMessage *reply, uint64_t *until,
                                         struct contract_fault *f);
enum contract_result contract_read_forget(DBusMessage *reply, uint32_t *removed,
                                          struct contract_fault *f);
enum contract_result contract_read_delete(DBusMessage *reply, uint32_t *deleted,
                                          struct contract_fault *f);
/* The new request's id (heap). */
enum contract_result contract_read_request(DBusMessage *reply, char **id, struct contract_fault *f);

/* The paged replies take the limit asked for: a page of more rows than
 * that is malformed. total is what the agent claims, a number only: it
 * bounds nothing here, and a client that pages stops at a short page. */
struct contract_history_entry {
	uint64_t time;
	char *action, *detail;
	uint32_t uid;
};
struct contract_history {
	uint64_t total;
	struct contract_history_entry *rows;
	size_t n;
};
enum contract_result contract_read_history(DBusMessage *reply, uint32_t limit,
                                           struct contract_history *h, struct contract_fault *f);
void contract_history_fini(struct contract_history *h);

struct contract_chain_entry {
	uint64_t seq;
	char *prev, *hash;
};
struct contract_chain {
	uint64_t total;
	struct contract_chain_entry *rows;
	size_t n;
};
enum contract_result contract_read_history_chain(DBusMessage *reply, uint32_t limit,
                                                 struct contract_chain *c,
                                                 struct contract_fault *f);
void contract_chain_fini(struct contract_chain *c);

struct contract_segment {
	uint64_t id;
	enum stream stream;
	uint64_t start, end; /* end 0: the segment is being written */
	uint32_t events;
	uint64_t bytes, expires;
	bool uploaded;
};
struct contract_segments {
	uint64_t total;
	struct contract_segment *rows;
	size_t n;
};
enum contract_result contract_read_segments(DBusMessage *reply, uint32_t limit,
                                            struct contract_segments *s, struct contract_fault *f);
void contract_segments_fini(struct contract_segments *s);

/* An event of ReadSegment or RecentEvents. stream is the one RecentEvents
 * names, for ReadSegment the one its kind belongs to; with_stream says
 * which. */
struct contract_event {
	enum stream stream;
	uint64_t time;
	enum contract_kind kind;
	int32_t x, y, code;
	char *text;
};
struct contract_events {
	uint32_t total; /* ReadSegment's; RecentEvents: n */
	bool with_stream;
	struct contract_event *rows;
	size_t n;
};
enum contract_result contract_read_segment(DBusMessage *reply, uint32_t limit,
                                           struct contract_events *e, struct contract_fault *f);
enum contract_result contract_read_recent(DBusMessage *reply, uint32_t limit,
                                          struct contract_events *e, struct contract_fault *f);
void contract_events_fini(struct contract_events *e);

struct contract_step {
	uint64_t start;
	uint32_t events[N_STREAMS];
	enum contract_state state;
};
struct contract_activity {
	struct contract_step *rows;
	size_t n;
};
/* steps: how many were asked for (from, to, step): more is malformed. */
enum contract_result contract_read_activity(DBusMessage *reply, uint32_t steps,
                                            struct contract_activity *a, struct contract_fault *f);
void contract_activity_fini(struct contract_activity *a);

#endif
