/* The agent's one top-level context, passed down explicitly, and the glue
 * between the pure cores (control, filter, synth) and the edges (the bus,
 * the state files, the source). */
#ifndef CAPTURED_AGENT_H
#define CAPTURED_AGENT_H

#include <dbus/dbus.h>
#include <stdbool.h>
#include <stdint.h>

#include "bus.h"
#include "control/consent.h"
#include "control/control.h"
#include "control/filter.h"
#include "control/history.h"
#include "loop.h"
#include "phrase.h"
#include "control/policy.h"
#include "power/power.h"
#include "source/source.h"
#include "store/activity.h"
#include "store/spool.h"
#include "store/state.h"
#include "upload/upload.h"

enum source_kind { SOURCE_NONE, SOURCE_SYNTHETIC, SOURCE_REPLAY, SOURCE_EVDEV, SOURCE_X11 };

/* The properties, in the contract's order. */
enum prop {
	P_VERSION,
	P_STATE,
	P_STATE_REASON,
	P_PAUSED_UNTIL,
	P_MAX_PAUSE,
	P_BUDGET,
	P_BUDGET_LEFT,
	P_STREAMS,
	P_EXEMPTIONS,
	P_UPLOAD,
	P_POWER,
	P_RETENTION,
	P_NOTICE,
	P_PERSONAL_LIMITS,
	P_CONSENT,
	N_PROPS
};

struct refusal; /* service.c */

/* A storage fault episode (agent.c): from the first write the spool could
 * not make to the checkpoint that wrote everything again. */
struct storage_fault {
	bool failed;       /* an episode is in force */
	bool unlogged;     /* its storage-failed entry could not be written yet */
	int err;           /* the failure it began with (-errno) */
	uint64_t since;    /* realtime µs it began */
	uint64_t retry_at; /* mono µs of the next try by the backoff */
	uint64_t backoff;  /* µs, 1 s doubling to 60 s */
	uint64_t dropped;  /* spool_dropped() when it began */
};

#define RECENT_MAX 1000
#define CHECKPOINT_USEC (1 * USEC_PER_SEC) /* a SIGKILL loses at most this much */

struct agent {
	struct loop *loop;
	DBusConnection *bus;
	struct uid_cache *uids;
	uint32_t own_uid;
	bool system_bus; /* polkit is asked on it (polkit.h) */

	struct policy written;  /* the policy file as it is written */
	struct consent consent; /* what the person acknowledged and limited */
	struct policy policy;   /* in force: written, held to consent (agent-policy.c) */
	char *policy_path;      /* the file in force, or NULL for the defaults */
	const char *config_arg; /* --config, or NULL */

	char *state_path;
	struct state_store *store; /* the state file */
	struct control control;
	struct history *history;
	struct filter filter;
	uint64_t counts[N_STREAMS]; /* events kept, all time */

	enum source_kind source_kind;
	uint64_t seed;        /* synthetic */
	double speed;         /* replay: 1 as recorded, 0 as fast as possible */
	struct evemu *replay; /* the recording, parsed, until the source takes it */
	bool exit_at_end;     /* replay: stop when the recording ends */
	struct source *source;
	char *source_lost;                /* why the source has no input now, or NULL */
	struct loop_timer *control_timer; /* pause end, expiries, midnight */
	struct loop_timer *stats_timer;   /* counters, at most once a second */
	struct loop_timer *flush_timer;   /* a held reduced-motion position */
	uint64_t stats_sent_at;           /* mono_usec of the last counters check */

	struct spool *spool;
	struct uploader *uploader;
	struct power_watch *power;
	struct state_upload *upload_saved;   /* the uploader's part of the state, until it runs */
	struct loop_timer *checkpoint_timer; /* journals, while events flow */
	struct loop_timer *segment_timer;    /* the next open segment to close */
	struct loop_timer *retention_timer;  /* the next segment to expire */
	struct storage_fault storage;
	struct activity *activity; /* the minutes of Activity */
	int act_state;             /* the state it was last told */
	bool act_known;

	/* The last events kept, for RecentEvents: a ring, newest at head-1. */
	struct event recent[RECENT_MAX];
	size_t recent_head, recent_len;

	char *sent[N_PROPS]; /* fingerprints of what was last announced */
	bool ticked;         /* control_tick reported something */
	struct refusal *refusals;
	char *introspect_xml;
	bool started; /* on the bus: agent_free stops it as it stops */
};

/* What the command line asks of the agent. */
/* The build's LOCALSTATEDIR (make LOCALSTATEDIR=...), under which the
 * system agent keeps its state by default; /var when compiled by hand. */
#ifndef CAPCTL_LOCALSTATEDIR
#define CAPCTL_LOCALSTATEDIR "/var"
#endif

struct agent_options {
	bool system;           /* the system bus, not the session bus */
	const char *config;    /* --config, or NULL */
	const char *state_dir; /* --state-dir, or NULL: $STATE_DIRECTORY, else the bus's default */
	const char *source_spec; /* the source as given or chosen, for History */
	enum source_kind source;
	uint64_t seed;        /* synthetic */
	double speed;         /* replay */
	struct evemu *replay; /* replay: the recording, parsed */
	bool exit_at_end;
};

/* The agent, started in an order that touches nothing before the policy is
 * known good and the bus name is ours: recording and on the bus when it
 * returns. NULL, said on stderr or in the log, with the exit status in
 * *code (2 for a bad policy, 1 otherwise). Takes o->replay either way. */
struct agent *agent_new(const struct agent_options *o, int *code);
/* Runs the loop until a signal or the end of a replay; its exit status. */
int agent_run(struct agent *a);
/* Stops a started agent (keeps what the filter holds, saves the state,
 * says so in History, leaves the bus) and frees it. */
void agent_free(struct agent *a);

/* The state in words ("collecting", …) and its one-sentence reason (heap). */
const char *agent_state(struct agent *a, uint64_t now, char **reason);
/* Whether stream s is recorded now, and the sentence for Streams (heap). */
bool agent_stream(struct agent *a, enum stream s, uint64_t now, char **description);

/* After the control state changed: save it, re-arm its timer, set the
 * filter's gates, announce what changed. */
void agent_control_changed(struct agent *a);
/* Advances control to now (auto-resume, expiries) with its History. */
void agent_tick(struct agent *a);
/* One History entry and one log line. */
void agent_log(struct agent *a, const char *action, uint32_t uid, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The same with a phrase of ipc/phrase.h as its text (that a client can
 * show in its person's language). */
void agent_log_phrase(struct agent *a, const char *action, uint32_t uid, enum phrase id, ...);
/* Marks the counters (Streams, Upload, Power, Retention) for a check. */
void agent_counters_touch(struct agent *a);
/* agent-policy.c. SIGHUP: reload the policy; a bad file keeps the old
 * one. A change of the consent keys is a policy-changed in History. */
void agent_reload(struct agent *a);
/* The values of the written policy's consent keys. */
void agent_consent_values(const struct agent *a, struct consent_values *out);
/* Whether a change of the policy waits for the person's acknowledgment
 * (or nothing was ever acknowledged). */
bool agent_change_waits(const struct agent *a);
/* Makes a->policy from a->written and a->consent. */
void agent_apply_consent(struct agent *a);
/* After the policy in force changed: announce, re-arm, re-gate. */
void agent_policy_followups(struct agent *a);

enum ack_result { ACK_OK, ACK_STALE, ACK_NOT_SAVED };
/* AcknowledgePolicy of the written policy whose digest is digest. */
enum ack_result agent_acknowledge(struct agent *a, const char *digest, uint32_t uid, int *err);

enum limit_result { LIMIT_OK, LIMIT_NOT_ALLOWED, LIMIT_BAD_LEVEL, LIMIT_NOT_SAVED };
/* LimitStream: level is one of s's values, or "" to lift the limit. */
enum limit_result agent_limit_stream(struct agent *a, enum stream s, const char *level,
                                     uint32_t uid, int *err);
/* Saves the state file: 0, or -errno (logged) with the file as it was. */
int agent_save_state(struct agent *a);
/* A change of consent state, made on a copy: next is saved, then becomes
 * the control state (followed as agent_control_changed does). -errno when
 * it cannot be saved, and nothing changed. next is taken either way. */
int agent_commit_control(struct agent *a, struct control *next);
/* Saves the state with a deletion request for ids queued, before the
 * caller queues it: 0, or -errno and nothing is to be deleted. */
int agent_save_deletion(struct agent *a, const uint64_t *ids, size_t n);
/* Creates the control timer; starts the source of source_kind (a replay
 * takes over a->replay). -1 with *error set when it cannot start. */
void agent_init_control_timer(struct agent *a);
int agent_start_source(struct agent *a, char **error);
/* Keeps what the filter still holds; before saving at exit. */
void agent_stop_source(struct agent *a);

/* Starts watching battery and network, for the saver and deferrals. */
void agent_watch_power(struct agent *a);

/* Opens the spool under state_dir and arms its timers. -1 with *error. */
int agent_open_spool(struct agent *a, const char *state_dir, char **error);
/* Removes every event since cutoff from the ring, the filter and the
 * spool; returns how many. */
uint64_t agent_forget(struct agent *a, uint64_t cutoff, int *err);
/* After segments were deleted: announce and re-arm. */
void agent_spool_changed(struct agent *a);
/* Deletes segment id, in memory or on disk, and its events from
 * RecentEvents' ring. 0 or -ENOENT. */
int agent_delete_segment(struct agent *a, uint64_t id);
/* Retention.last_error: "" or the storage failure in force, in words
 * (heap). */
char *agent_storage_error(const struct agent *a);
/* The i-th newest event kept (i < recent_len). */
const struct event *agent_recent(const struct agent *a, size_t i);

/* agent-activity.c: opens dir/activity: 0 or -1 (logged). */
int agent_open_activity(struct agent *a, const char *dir);
/* Tells the activity minutes the state now, when it changed. */
void agent_note_state(struct agent *a);
/* Takes segment id's events (of stream st) out of the counts, before it
 * is deleted. */
void agent_uncount_segment(struct agent *a, uint64_t id, enum stream st);

/* service.c: the D-Bus object. */
int service_start(struct agent *a);
void service_stop(struct agent *a);
/* Sends PropertiesChanged for the listed properties whose value differs
 * from what was last sent (Exemptions: as invalidated, when listed). */
void service_announce(struct agent *a, const enum prop *props, size_t n);
/* Makes the next announcement of p send it even if unchanged: clients
 * count PauseBudgetLeft down themselves and resynchronise when a pause
 * starts or ends. */
void service_resend(struct agent *a, enum prop p);

#endif
