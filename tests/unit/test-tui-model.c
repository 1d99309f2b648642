/* The console's model, fed the messages the agent sends: GetAll,
 * PropertiesChanged (with and without values), History pages. Messages
 * are built with libdbus itself; no bus is needed. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "model/model.h"
#include "names.h"
#include "util.h"

#define T0 (1700000000ULL * USEC_PER_SEC)

struct stream_row {
	const char *id;
	bool rec;
	const char *fid, *desc;
	uint64_t events, bytes;
};

static const struct stream_row rows[] = {
    {"pointer.motion", true, "reduced", "position, downsampled to 20 Hz", 10, 100},
    {"pointer.button", true, "full", "button and pointer position", 2, 20},
    {"pointer.scroll", true, "full", "direction and pointer position", 0, 0},
    {"keyboard", true, "timing", "timing only; which key is never recorded", 5, 50},
    {"window.focus", true, "app", "application only", 1, 10},
};

static void entry_open(DBusMessageIter *dict, const char *key, const char *sig, DBusMessageIter *e,
                       DBusMessageIter *v)
{
	dbus_message_iter_open_container(dict, DBUS_TYPE_DICT_ENTRY, NULL, e);
	dbus_message_iter_append_basic(e, DBUS_TYPE_STRING, &key);
	dbus_message_iter_open_container(e, DBUS_TYPE_VARIANT, sig, v);
}

static void entry_close(DBusMessageIter *dict, DBusMessageIter *e, DBusMessageIter *v)
{
	dbus_message_iter_close_container(e, v);
	dbus_message_iter_close_container(dict, e);
}

static void add_basic(DBusMessageIter *dict, const char *key, int type, const void *val)
{
	DBusMessageIter e, v;
	char sig[2] = {(char)type, 0};
	entry_open(dict, key, sig, &e, &v);
	dbus_message_iter_append_basic(&v, type, val);
	entry_close(dict, &e, &v);
}

static void add_str(DBusMessageIter *dict, const char *key, const char *s)
{
	add_basic(dict, key, DBUS_TYPE_STRING, &s);
}

static void add_u32(DBusMessageIter *dict, const char *key, uint32_t u)
{
	add_basic(dict, key, DBUS_TYPE_UINT32, &u);
}

static void add_u64(DBusMessageIter *dict, const char *key, uint64_t u)
{
	add_basic(dict, key, DBUS_TYPE_UINT64, &u);
}

static void add_streams(DBusMessageIter *dict, bool recording)
{
	DBusMessageIter e, v, arr, st;
	entry_open(dict, "Streams", "a(sbsstt)", &e, &v);
	dbus_message_iter_open_container(&v, DBUS_TYPE_ARRAY, "(sbsstt)", &arr);
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		dbus_bool_t rec = recording && rows[i].rec;
		dbus_message_iter_open_container(&arr, DBUS_TYPE_STRUCT, NULL, &st);
		dbus_message_iter_append_basic(&st, DBUS_TYPE_STRING, &rows[i].id);
		dbus_message_iter_append_basic(&st, DBUS_TYPE_BOOLEAN, &rec);
		dbus_message_iter_append_basic(&st, DBUS_TYPE_STRING, &rows[i].fid);
		dbus_message_iter_append_basic(&st, DBUS_TYPE_STRING, &rows[i].desc);
		dbus_message_iter_append_basic(&st, DBUS_TYPE_UINT64, &rows[i].events);
		dbus_message_iter_append_basic(&st, DBUS_TYPE_UINT64, &rows[i].bytes);
		dbus_message_iter_close_container(&arr, &st);
	}
	dbus_message_iter_close_container(&v, &arr);
	entry_close(dict, &e, &v);
}

static void add_exemptions(DBusMessageIter *dict)
{
	static const char *const ex[][6] = {
	    {"EX-2", "all", "medical", "pending", "line one\nline two", ""},
	    {"EX-1", "keyboard", "legal", "approved", "court order", "ok"},
	};
	DBusMessageIter e, v, arr, st;
	entry_open(dict, "Exemptions", "a(sssssstt)", &e, &v);
	dbus_message_iter_open_container(&v, DBUS_TYPE_ARRAY, "(sssssstt)", &arr);
	for (size_t i = 0; i < 2; i++) {
		uint64_t created = T0 - i, expires = i ? T0 + 86400 * USEC_PER_SEC : 0;
		dbus_message_iter_open_container(&arr, DBUS_TYPE_STRUCT, NULL, &st);
		for (int k = 0; k < 6; k++)
			dbus_message_iter_append_basic(&st, DBUS_TYPE_STRING, &ex[i][k]);
		dbus_message_iter_append_basic(&st, DBUS_TYPE_UINT64, &created);
		dbus_message_iter_append_basic(&st, DBUS_TYPE_UINT64, &expires);
		dbus_message_iter_close_container(&arr, &st);
	}
	dbus_message_iter_close_container(&v, &arr);
	entry_close(dict, &e, &v);
}

static void add_upload(DBusMessageIter *dict)
{
	DBusMessageIter e, v, d;
	entry_open(dict, "Upload", "a{sv}", &e, &v);
	dict_open(&v, &d);
	dict_add_str(&d, "endpoint", "collector.example");
	dict_add_u64(&d, "bytes_today", 1200000);
	dict_add_u64(&d, "bytes_total", 3400000);
	dict_add_u64(&d, "daily_cap", 50000000);
	dict_add_double(&d, "rate_bps", 12.5);
	dict_add_u64(&d, "pending_bytes", 0);
	dict_add_u64(&d, "next_upload", 0);
	dict_add_u64(&d, "last_upload", 0);
	dict_add_str(&d, "deferred", "metered");
	dict_add_str(&d, "last_error", "");
	dict_add_double(&d, "compression_ratio", 8);
	dict_add_u64(&d, "held_bytes", 0);
	dict_add_u64(&d, "next_release", 0);
	dict_add_str(&d, "something_new", "ignored"); /* a key from a newer agent */
	dict_close(&v, &d);
	entry_close(dict, &e, &v);
}

static void add_power(DBusMessageIter *dict)
{
	DBusMessageIter e, v, d;
	entry_open(dict, "Power", "a{sv}", &e, &v);
	dict_open(&v, &d);
	dict_add_bool(&d, "on_battery", true);
	dict_add_double(&d, "battery_percent", 54);
	dict_add_double(&d, "cpu_seconds", 1.5);
	dict_add_double(&d, "cpu_percent", 0.3);
	dict_add_double(&d, "wakeups_per_second", 0.5);
	dict_add_double(&d, "estimated_mw", 40);
	dict_add_bool(&d, "saver", false);
	dict_close(&v, &d);
	entry_close(dict, &e, &v);
}

static void add_notice(DBusMessageIter *dict)
{
	DBusMessageIter e, v, d;
	entry_open(dict, "Notice", "a{sv}", &e, &v);
	dict_open(&v, &d);
	dict_add_str(&d, "purpose", "Ergonomics research.");
	dict_add_str(&d, "retention", "30 days");
	dict_add_str(&d, "anonymization", "");
	dict_add_str(&d, "model_access", "");
	dict_add_str(&d, "contact", "");
	dict_add_str(&d, "version", "2");
	dict_close(&v, &d);
	entry_close(dict, &e, &v);
}

static uint32_t ret_segments = 3;
static uint64_t ret_bytes = 1000, ret_oldest = T0;

static void fill_retention(DBusMessageIter *dict)
{
	DBusMessageIter e, v, d;
	entry_open(dict, "Retention", "a{sv}", &e, &v);
	dict_open(&v, &d);
	dict_add_u32(&d, "days", 30);
	dict_add_u32(&d, "segments", ret_segments);
	dict_add_u64(&d, "bytes", ret_bytes);
	dict_add_u64(&d, "oldest", ret_oldest);
	dict_add_bool(&d, "deletion_allowed", true);
	dict_add_str(&d, "last_error", "");
	dict_close(&v, &d);
	entry_close(dict, &e, &v);
}

static void add_limits(DBusMessageIter *dict)
{
	DBusMessageIter e, v, arr, st;
	const char *id = "keyboard", *level = "timing";
	entry_open(dict, "PersonalLimits", "a(ss)", &e, &v);
	dbus_message_iter_open_container(&v, DBUS_TYPE_ARRAY, "(ss)", &arr);
	dbus_message_iter_open_container(&arr, DBUS_TYPE_STRUCT, NULL, &st);
	dbus_message_iter_append_basic(&st, DBUS_TYPE_STRING, &id);
	dbus_message_iter_append_basic(&st, DBUS_TYPE_STRING, &level);
	dbus_message_iter_close_container(&arr, &st);
	dbus_message_iter_close_container(&v, &arr);
	entry_close(dict, &e, &v);
}

#define DIGEST "5242f4de306905a93f284f1a087e6b1fa2940ff8fa0fddb495cf4b12e55f033b"

static void add_consent(DBusMessageIter *dict)
{
	DBusMessageIter e, v, d, ce, cv, arr, st;
	const char *key = "changes", *k = "retention.days", *then = "30", *now = "90";
	entry_open(dict, "Consent", "a{sv}", &e, &v);
	dict_open(&v, &d);
	dict_add_str(&d, "digest", DIGEST);
	dict_add_str(&d, "acknowledged_digest", "");
	dict_add_u64(&d, "acknowledged", 0);
	dict_add_bool(&d, "wait_for_acknowledgment", true);
	dict_add_bool(&d, "waiting", true);
	dbus_message_iter_open_container(&d, DBUS_TYPE_DICT_ENTRY, NULL, &ce);
	dbus_message_iter_append_basic(&ce, DBUS_TYPE_STRING, &key);
	dbus_message_iter_open_container(&ce, DBUS_TYPE_VARIANT, "a(sss)", &cv);
	dbus_message_iter_open_container(&cv, DBUS_TYPE_ARRAY, "(sss)", &arr);
	dbus_message_iter_open_container(&arr, DBUS_TYPE_STRUCT, NULL, &st);
	dbus_message_iter_append_basic(&st, DBUS_TYPE_STRING, &k);
	dbus_message_iter_append_basic(&st, DBUS_TYPE_STRING, &then);
	dbus_message_iter_append_basic(&st, DBUS_TYPE_STRING, &now);
	dbus_message_iter_close_container(&arr, &st);
	dbus_message_iter_close_container(&cv, &arr);
	dbus_message_iter_close_container(&ce, &cv);
	dbus_message_iter_close_container(&d, &ce);
	dict_close(&v, &d);
	entry_close(dict, &e, &v);
}

/* A GetAll reply's body, in a message. */
static DBusMessage *get_all(const char *state, uint64_t paused_until, uint32_t budget,
                            uint32_t left)
{
	DBusMessage *m = dbus_message_new_signal("/x", "x.y", "Z");
	DBusMessageIter it, dict;
	dbus_message_iter_init_append(m, &it);
	dict_open(&it, &dict);
	add_str(&dict, "Version", "0.1.0");
	add_str(&dict, "State", state);
	add_str(&dict, "StateReason", "because");
	add_u64(&dict, "PausedUntil", paused_until);
	add_u32(&dict, "MaxPauseSeconds", 1800);
	add_u32(&dict, "PauseBudgetSeconds", budget);
	add_u32(&dict, "PauseBudgetLeft", left);
	add_streams(&dict, strcmp(state, "collecting") == 0);
	add_exemptions(&dict);
	add_upload(&dict);
	add_power(&dict);
	fill_retention(&dict);
	add_notice(&dict);
	add_limits(&dict);
	add_consent(&dict);
	dict_close(&it, &dict);
	return m;
}

static unsigned feed_all(struct model *m, DBusMessage *msg, uint64_t now)
{
	unsigned d = model_get_all_reply(m, msg, now);
	dbus_message_unref(msg);
	return d;
}

/* The sentence the model kept, compared and dropped. */
static void fault_is(struct model *m, const char *want)
{
	char *got = model_take_fault(m);
	if (want) {
		assert_non_null(got);
		assert_string_equal(got, want);
	} else {
		assert_null(got);
	}
	free(got);
}

/* A PropertiesChanged signal; fill adds the changed values. */
static DBusMessage *changed(const char *iface, void (*fill)(DBusMessageIter *),
                            const char *const *invalid)
{
	DBusMessage *m =
	    dbus_message_new_signal(CAPCTL_PATH, DBUS_PROPS_IFACE, "PropertiesChanged");
	DBusMessageIter it, dict, arr;
	dbus_message_iter_init_append(m, &it);
	dbus_message_iter_append_basic(&it, DBUS_TYPE_STRING, &iface);
	dict_open(&it, &dict);
	if (fill)
		fill(&dict);
	dict_close(&it, &dict);
	dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, "s", &arr);
	for (size_t i = 0; invalid && invalid[i]; i++)
		dbus_message_iter_append_basic(&arr, DBUS_TYPE_STRING, &invalid[i]);
	dbus_message_iter_close_container(&it, &arr);
	return m;
}

static unsigned feed_changed(struct model *m, DBusMessage *sig, uint64_t now, uint32_t *inv)
{
	unsigned d = model_changed(m, sig, now, inv);
	dbus_message_unref(sig);
	return d;
}

static void live(struct model *m)
{
	model_init(m);
	model_set_link(m, MODEL_LINK_LIVE, ":1.7");
}

static void test_get_all(void **state)
{
	struct model m;
	(void)state;
	live(&m);
	unsigned d = feed_all(&m, get_all("collecting", 0, 0, 1800), T0);
	assert_true(d & MODEL_DIRTY_STATE);
	assert_true(d & MODEL_DIRTY_COUNTERS);
	assert_true(d & MODEL_DIRTY_EXEMPTIONS);
	assert_true(d & MODEL_DIRTY_NOTICE);
	assert_int_equal(m.loaded, MODEL_ALL_PROPS);
	fault_is(&m, NULL);
	assert_int_equal(model_state(&m), MODEL_STATE_COLLECTING);
	assert_string_equal(m.state_reason, "because");
	assert_int_equal(m.max_pause_seconds, 1800);
	assert_int_equal(m.n_streams, 5);
	assert_string_equal(m.streams[3].id, "keyboard");
	assert_string_equal(m.streams[3].fidelity, "timing");
	assert_true(m.streams[3].recording);
	assert_int_equal(m.streams[3].events, 5);
	assert_int_equal(m.n_ex, 2);
	assert_string_equal(m.ex[0].id, "EX-2");
	assert_string_equal(m.ex[0].reason, "line one\nline two");
	assert_int_equal(m.ex[1].expires, T0 + 86400 * USEC_PER_SEC);
	assert_int_equal(model_exemption_find(&m, "EX-1"), 1);
	assert_int_equal(model_exemption_find(&m, "EX-9"), -1);
	assert_string_equal(m.upload.endpoint, "collector.example");
	assert_int_equal(m.upload.daily_cap, 50000000);
	assert_string_equal(m.upload.deferred, "metered");
	assert_true(m.power.on_battery);
	assert_true(m.power.battery_percent == 54);
	assert_string_equal(m.notice.purpose, "Ergonomics research.");
	assert_string_equal(m.notice.version, "2");
	assert_string_equal(m.notice.contact, "");
	assert_true(m.power.measured_mw < 0); /* not sent */
	model_fini(&m);

	/* A property of the wrong shape is forgotten, shown as unknown; the
	 * others are taken. Then an empty GetAll: every property missing. */
	live(&m);
	feed_all(&m, get_all("frobbing", 0, 0, 1800), T0);
	fault_is(&m, "the agent's property State is not collecting, paused, exempt, suspended or "
	             "idle");
	assert_string_equal(m.state, "unknown");
	assert_int_equal(model_state(&m), MODEL_STATE_UNKNOWN);
	assert_int_equal(m.loaded, MODEL_ALL_PROPS & ~(1u << MODEL_PROP_STATE));
	assert_string_equal(m.state_reason, "because");
	assert_int_equal(m.n_streams, 5);
	DBusMessage *empty = dbus_message_new_signal("/x", "x.y", "Z");
	DBusMessageIter it, dict;
	dbus_message_iter_init_append(empty, &it);
	dict_open(&it, &dict);
	dict_close(&it, &dict);
	feed_all(&m, empty, T0);
	fault_is(&m, "the agent's reply to GetAll has no property Version");
	assert_int_equal(m.loaded, 0);
	assert_int_equal(m.n_streams, 0);
	model_fini(&m);
}

static void fill_upload(DBusMessageIter *d)
{
	add_upload(d);
}

static void fill_streams_same(DBusMessageIter *d)
{
	add_streams(d, true);
}

static void fill_streams_off(DBusMessageIter *d)
{
	add_streams(d, false);
}

static void fill_paused(DBusMessageIter *d)
{
	add_str(d, "State", "paused");
	add_u64(d, "PausedUntil", T0 + 600 * USEC_PER_SEC);
}

static void fill_bad_type(DBusMessageIter *d)
{
	add_u32(d, "State", 7);
	add_str(d, "PausedUntil", "soon");
	add_str(d, "NoSuchProperty", "x");
}

static void test_changed(void **state)
{
	struct model m;
	uint32_t inv;
	(void)state;
	live(&m);
	feed_all(&m, get_all("collecting", 0, 0, 1800), T0);

	/* Counters alone are not urgent: they are coalesced. */
	assert_int_equal(feed_changed(&m, changed(CAPCTL_IFACE, fill_upload, NULL), T0, &inv),
	                 MODEL_DIRTY_COUNTERS);
	assert_int_equal(inv, 0);
	assert_int_equal(feed_changed(&m, changed(CAPCTL_IFACE, fill_streams_same, NULL), T0, &inv),
	                 MODEL_DIRTY_COUNTERS);
	/* A stream that stops recording is state: drawn at once. */
	assert_int_equal(feed_changed(&m, changed(CAPCTL_IFACE, fill_streams_off, NULL), T0, &inv),
	                 MODEL_DIRTY_COUNTERS | MODEL_DIRTY_STATE);
	assert_false(m.streams[0].recording);

	assert_int_equal(feed_changed(&m, changed(CAPCTL_IFACE, fill_paused, NULL), T0, &inv),
	                 MODEL_DIRTY_STATE);
	assert_int_equal(model_state(&m), MODEL_STATE_PAUSED);
	assert_int_equal(m.paused_until, T0 + 600 * USEC_PER_SEC);

	/* Exemptions come only as invalidated: the caller re-reads them. */
	const char *const invalid[] = {"Exemptions", "Unknown", NULL};
	assert_int_equal(feed_changed(&m, changed(CAPCTL_IFACE, NULL, invalid), T0, &inv), 0);
	assert_int_equal(inv, 1u << MODEL_PROP_EXEMPTIONS);

	/* Values of the wrong type: forgotten, shown as unknown, and the
	 * first one named; the rest stays. Unknown names and other
	 * interfaces: ignored. */
	assert_int_equal(feed_changed(&m, changed(CAPCTL_IFACE, fill_bad_type, NULL), T0, &inv),
	                 MODEL_DIRTY_STATE);
	fault_is(&m, "the agent's property State is not s");
	assert_string_equal(m.state, "unknown");
	assert_int_equal(m.paused_until, 0);
	assert_false(m.loaded & (1u << MODEL_PROP_PAUSED_UNTIL));
	assert_string_equal(m.state_reason, "because");
	assert_int_equal(m.n_streams, 5);
	assert_int_equal(
	    feed_changed(&m, changed("org.example.Other", fill_paused, invalid), T0, &inv), 0);
	assert_int_equal(inv, 0);
	fault_is(&m, NULL);
	assert_int_equal(feed_changed(&m, changed(CAPCTL_IFACE, fill_paused, NULL), T0, &inv),
	                 MODEL_DIRTY_STATE);
	/* The same value again is no change. */
	assert_int_equal(feed_changed(&m, changed(CAPCTL_IFACE, fill_paused, NULL), T0, &inv), 0);
	model_fini(&m);
}

static void test_link(void **state)
{
	struct model m;
	(void)state;
	live(&m);
	feed_all(&m, get_all("collecting", 0, 0, 1800), T0);
	assert_int_equal(model_set_link(&m, MODEL_LINK_LIVE, ":1.7"), 0);
	/* The agent went: nothing it said is shown as current any more. */
	assert_true(model_set_link(&m, MODEL_LINK_GONE, NULL) & MODEL_DIRTY_LINK);
	assert_int_equal(model_state(&m), MODEL_STATE_UNKNOWN);
	assert_null(m.state);
	assert_int_equal(m.n_streams, 0);
	assert_int_equal(m.n_ex, 0);
	assert_int_equal(m.loaded, 0);
	assert_null(m.owner);
	/* Back, under a new name. */
	assert_true(model_set_link(&m, MODEL_LINK_LIVE, ":1.9") & MODEL_DIRTY_LINK);
	assert_string_equal(m.owner, ":1.9");
	assert_int_equal(model_state(&m), MODEL_STATE_UNKNOWN); /* until GetAll answers */
	feed_all(&m, get_all("idle", 0, 0, 1800), T0);
	assert_int_equal(model_state(&m), MODEL_STATE_IDLE);
	/* An agent that will not answer says why; a new one starts afresh. */
	assert_int_equal(model_set_refusal(&m, "not for you"), MODEL_DIRTY_STATE);
	assert_int_equal(model_set_refusal(&m, "not for you"), 0);
	assert_string_equal(m.refusal, "not for you");
	/* A replacement agent is a new agent too. */
	assert_true(model_set_link(&m, MODEL_LINK_LIVE, ":1.10") & MODEL_DIRTY_STATE);
	assert_null(m.state);
	assert_null(m.refusal);
	model_fini(&m);
}

static void test_pause_figures(void **state)
{
	struct model m;
	(void)state;
	live(&m);
	/* Not paused, no daily limit. */
	feed_all(&m, get_all("collecting", 0, 0, 1800), T0);
	assert_int_equal(model_pause_left(&m, T0), 0);
	assert_int_equal(model_budget_left(&m, T0 + 100 * USEC_PER_SEC), 1800);
	assert_int_equal(model_default_pause(&m, 30, T0), 1800);
	assert_int_equal(model_default_pause(&m, 60, T0), 1800); /* clamped to the maximum */
	assert_int_equal(model_default_pause(&m, 5, T0), 300);
	assert_int_equal(model_pause_limit(&m, T0), 1800);

	/* Paused for 90.5 s with an hour a day, 600 s of it left. */
	feed_all(&m, get_all("paused", T0 + 90500000, 3600, 600), T0);
	assert_int_equal(model_pause_left(&m, T0), 91); /* rounded up */
	assert_int_equal(model_pause_left(&m, T0 + 90 * USEC_PER_SEC), 1);
	assert_int_equal(model_pause_left(&m, T0 + 91 * USEC_PER_SEC), 0);
	/* The budget counts down while paused, and stops at the pause end. */
	assert_int_equal(model_budget_left(&m, T0), 600);
	assert_int_equal(model_budget_left(&m, T0 + 30 * USEC_PER_SEC), 570);
	assert_int_equal(model_budget_left(&m, T0 + 200 * USEC_PER_SEC), 510);
	assert_int_equal(model_default_pause(&m, 30, T0 + 30 * USEC_PER_SEC), 570);
	assert_int_equal(model_pause_limit(&m, T0 + 30 * USEC_PER_SEC), 570);

	/* Budget used up: ask for the default anyway, the agent says why not. */
	feed_all(&m, get_all("collecting", 0, 3600, 0), T0);
	assert_int_equal(model_budget_left(&m, T0), 0);
	assert_int_equal(model_default_pause(&m, 30, T0), 1800);
	assert_int_equal(model_pause_limit(&m, T0), 0);

	/* Before the limits are known, the configured value as it is. */
	model_set_link(&m, MODEL_LINK_GONE, NULL);
	assert_int_equal(model_default_pause(&m, 45, T0), 2700);
	model_fini(&m);
}

/* A History reply: total, then n entries starting at number first
 * (entry i has time T0 - i and detail "#i"). */
static DBusMessage *history_reply(uint64_t total, uint64_t first, size_t n)
{
	DBusMessage *call =
	    dbus_message_new_method_call(CAPCTL_BUS_NAME, CAPCTL_PATH, CAPCTL_IFACE, "History");
	dbus_message_set_serial(call, 1); /* a reply needs a call that was sent */
	DBusMessage *m = dbus_message_new_method_return(call);
	DBusMessageIter it, arr, st;
	dbus_message_unref(call);
	dbus_message_iter_init_append(m, &it);
	dbus_message_iter_append_basic(&it, DBUS_TYPE_UINT64, &total);
	dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, "(tssu)", &arr);
	for (size_t i = 0; i < n; i++) {
		uint64_t t = T0 - (first + i);
		const char *action = "pause";
		char detail[32];
		const char *d = detail;
		uint32_t uid = 1000;
		snprintf(detail, sizeof detail, "#%llu", (unsigned long long)(first + i));
		dbus_message_iter_open_container(&arr, DBUS_TYPE_STRUCT, NULL, &st);
		dbus_message_iter_append_basic(&st, DBUS_TYPE_UINT64, &t);
		dbus_message_iter_append_basic(&st, DBUS_TYPE_STRING, &action);
		dbus_message_iter_append_basic(&st, DBUS_TYPE_STRING, &d);
		dbus_message_iter_append_basic(&st, DBUS_TYPE_UINT32, &uid);
		dbus_message_iter_close_container(&arr, &st);
	}
	dbus_message_iter_close_container(&it, &arr);
	return m;
}

static unsigned feed_hist(struct model *m, uint64_t page, unsigned gen, DBusMessage *r,
                          int64_t *shift)
{
	unsigned d = model_hist_reply(m, page, gen, r, shift);
	dbus_message_unref(r);
	return d;
}

static void test_history(void **state)
{
	struct model m;
	uint64_t pages[MODEL_HIST_PAGES];
	int64_t shift;
	(void)state;
	live(&m);
	unsigned gen = m.hist.gen;

	assert_int_equal(model_hist_want(&m, 0, 20, pages, MODEL_HIST_PAGES), 1);
	assert_int_equal(pages[0], 0);
	/* Asked already: not again while it is on its way. */
	assert_int_equal(model_hist_want(&m, 0, 20, pages, MODEL_HIST_PAGES), 0);
	assert_null(model_hist_entry(&m, 0));
	assert_int_equal(feed_hist(&m, 0, gen, history_reply(250, 0, 100), &shift),
	                 MODEL_DIRTY_HISTORY);
	assert_int_equal(shift, 0);
	assert_true(m.hist.known);
	assert_int_equal(m.hist.total, 250);
	assert_string_equal(model_hist_entry(&m, 0)->detail, "#0");
	assert_string_equal(model_hist_entry(&m, 99)->detail, "#99");
	assert_null(model_hist_entry(&m, 100));
	assert_int_equal(model_hist_want(&m, 0, 20, pages, MODEL_HIST_PAGES), 0);

	/* Rows 150..249 and beyond the end: only page 1 and 2 exist. */
	assert_int_equal(model_hist_want(&m, 150, 500, pages, MODEL_HIST_PAGES), 2);
	assert_int_equal(pages[0], 1);
	assert_int_equal(pages[1], 2);
	feed_hist(&m, 2, gen, history_reply(250, 200, 50), &shift);
	assert_string_equal(model_hist_entry(&m, 249)->detail, "#249");
	assert_null(model_hist_entry(&m, 250));

	/* Three entries were logged since: page 1 comes back with a new
	 * total; the other pages no longer line up and go, and the reply
	 * still due for the old generation is ignored. */
	assert_int_equal(feed_hist(&m, 1, gen, history_reply(253, 100, 100), &shift),
	                 MODEL_DIRTY_HISTORY);
	assert_int_equal(shift, 3);
	assert_int_equal(m.hist.total, 253);
	assert_string_equal(model_hist_entry(&m, 100)->detail, "#100");
	assert_null(model_hist_entry(&m, 0));
	assert_null(model_hist_entry(&m, 249));
	assert_int_not_equal(m.hist.gen, gen);
	assert_int_equal(feed_hist(&m, 0, gen, history_reply(253, 0, 100), &shift), 0);
	assert_null(model_hist_entry(&m, 0));

	/* A refusal is kept and not asked again until a refresh. */
	gen = m.hist.gen;
	assert_int_equal(model_hist_want(&m, 0, 10, pages, MODEL_HIST_PAGES), 1);
	DBusMessage *call =
	    dbus_message_new_method_call(CAPCTL_BUS_NAME, CAPCTL_PATH, CAPCTL_IFACE, "History");
	dbus_message_set_serial(call, 2);
	DBusMessage *err = dbus_message_new_error(call, DBUS_ERR_ACCESS_DENIED, "not for you");
	dbus_message_unref(call);
	assert_int_equal(feed_hist(&m, 0, gen, err, &shift), MODEL_DIRTY_HISTORY);
	assert_string_equal(m.hist.error, "not for you");
	assert_int_equal(model_hist_want(&m, 0, 10, pages, MODEL_HIST_PAGES), 0);
	model_hist_refresh(&m);
	assert_int_equal(model_hist_want(&m, 0, 10, pages, MODEL_HIST_PAGES), 1);
	feed_hist(&m, 0, gen, history_reply(253, 0, 100), &shift);
	assert_null(m.hist.error);
	assert_string_equal(model_hist_entry(&m, 5)->detail, "#5");

	/* A refresh keeps what is shown while it is fetched again. */
	model_hist_refresh(&m);
	assert_string_equal(model_hist_entry(&m, 5)->detail, "#5");
	assert_int_equal(model_hist_want(&m, 0, 10, pages, MODEL_HIST_PAGES), 1);

	/* Scrolling far: pages are evicted, never more than the slots. */
	model_hist_reset(&m);
	gen = m.hist.gen;
	for (uint64_t p = 0; p < 40; p++) {
		assert_int_equal(model_hist_want(&m, p * 100, 10, pages, MODEL_HIST_PAGES), 1);
		assert_int_equal(pages[0], p);
		feed_hist(&m, p, gen, history_reply(100000, p * 100, 100), &shift);
	}
	assert_string_equal(model_hist_entry(&m, 3950)->detail, "#3950");
	assert_null(model_hist_entry(&m, 0));
	model_fini(&m);
}

/* ---- the data plane ---- */

static DBusMessage *segs_reply(uint64_t total, uint64_t first, size_t n)
{
	DBusMessage *m = dbus_message_new_signal("/x", "x.y", "Z");
	DBusMessageIter it, arr, st;
	dbus_message_iter_init_append(m, &it);
	dbus_message_iter_append_basic(&it, DBUS_TYPE_UINT64, &total);
	dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, "(tsttuttb)", &arr);
	for (size_t i = 0; i < n; i++) {
		/* Newest first: row k has id 1000000 - k. */
		uint64_t id = 1000000 - (first + i), start = T0 - (first + i) * 60 * USEC_PER_SEC;
		uint64_t end = start + 5, bytes = 100 + i,
		         expires = end + 30 * 86400 * USEC_PER_SEC;
		uint32_t events = (uint32_t)(first + i);
		const char *stream = "keyboard";
		dbus_bool_t up = i % 2;
		dbus_message_iter_open_container(&arr, DBUS_TYPE_STRUCT, NULL, &st);
		dbus_message_iter_append_basic(&st, DBUS_TYPE_UINT64, &id);
		dbus_message_iter_append_basic(&st, DBUS_TYPE_STRING, &stream);
		dbus_message_iter_append_basic(&st, DBUS_TYPE_UINT64, &start);
		dbus_message_iter_append_basic(&st, DBUS_TYPE_UINT64, &end);
		dbus_message_iter_append_basic(&st, DBUS_TYPE_UINT32, &events);
		dbus_message_iter_append_basic(&st, DBUS_TYPE_UINT64, &bytes);
		dbus_message_iter_append_basic(&st, DBUS_TYPE_UINT64, &expires);
		dbus_message_iter_append_basic(&st, DBUS_TYPE_BOOLEAN, &up);
		dbus_message_iter_close_container(&arr, &st);
	}
	dbus_message_iter_close_container(&it, &arr);
	return m;
}

static DBusMessage *events_reply(bool with_stream, uint32_t total, uint32_t first, size_t n)
{
	DBusMessage *m = dbus_message_new_signal("/x", "x.y", "Z");
	DBusMessageIter it, arr, st;
	dbus_message_iter_init_append(m, &it);
	if (!with_stream)
		dbus_message_iter_append_basic(&it, DBUS_TYPE_UINT32, &total);
	dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY,
	                                 with_stream ? "(stsiiis)" : "(tsiiis)", &arr);
	for (size_t i = 0; i < n; i++) {
		uint64_t t = T0 + first + i;
		const char *stream = "pointer.motion", *kind = "motion", *text = "";
		int32_t x = (int32_t)(first + i), y = -1, code = 0;
		dbus_message_iter_open_container(&arr, DBUS_TYPE_STRUCT, NULL, &st);
		if (with_stream)
			dbus_message_iter_append_basic(&st, DBUS_TYPE_STRING, &stream);
		dbus_message_iter_append_basic(&st, DBUS_TYPE_UINT64, &t);
		dbus_message_iter_append_basic(&st, DBUS_TYPE_STRING, &kind);
		dbus_message_iter_append_basic(&st, DBUS_TYPE_INT32, &x);
		dbus_message_iter_append_basic(&st, DBUS_TYPE_INT32, &y);
		dbus_message_iter_append_basic(&st, DBUS_TYPE_INT32, &code);
		dbus_message_iter_append_basic(&st, DBUS_TYPE_STRING, &text);
		dbus_message_iter_close_container(&arr, &st);
	}
	dbus_message_iter_close_container(&it, &arr);
	return m;
}

static DBusMessage *refusal(const char *name, const char *text)
{
	DBusMessage *call =
	    dbus_message_new_method_call(CAPCTL_BUS_NAME, CAPCTL_PATH, CAPCTL_IFACE, "X");
	dbus_message_set_serial(call, 3);
	DBusMessage *err = dbus_message_new_error(call, name, text);
	dbus_message_unref(call);
	return err;
}

static void test_segments(void **state)
{
	struct model m;
	uint64_t pages[PAGES_SLOTS];
	int64_t shift;
	(void)state;
	live(&m);
	unsigned gen = m.segs.gen;
	assert_int_equal(model_segs_want(&m, 0, 20, pages, PAGES_SLOTS), 1);
	DBusMessage *r = segs_reply(3000, 0, 100);
	assert_int_equal(model_segs_reply(&m, 0, gen, r, &shift), MODEL_DIRTY_DATA);
	dbus_message_unref(r);
	const struct model_segment *s = model_segs_entry(&m, 7);
	assert_non_null(s);
	assert_int_equal(s->id, 999993);
	assert_string_equal(s->stream, "keyboard");
	assert_int_equal(s->events, 7);
	assert_int_equal(s->bytes, 107);
	assert_true(s->uploaded);
	assert_int_equal(s->end, s->start + 5);
	assert_int_equal(m.segs.total, 3000);
	assert_int_equal(model_segs_find(&m, 999950), 50);
	assert_int_equal(model_segs_find(&m, 5), -1);
	/* The end of a long list, fetched on its own. */
	assert_int_equal(model_segs_want(&m, 2990, 10, pages, PAGES_SLOTS), 1);
	assert_int_equal(pages[0], 29);
	r = segs_reply(3000, 2900, 100);
	model_segs_reply(&m, 29, gen, r, &shift);
	dbus_message_unref(r);
	assert_int_equal(model_segs_entry(&m, 2999)->id, 1000000 - 2999);
	assert_null(model_segs_entry(&m, 150));
	/* A refusal (DeletionNotAllowed cannot come here, AccessDenied can). */
	model_segs_want(&m, 150, 1, pages, PAGES_SLOTS);
	r = refusal(DBUS_ERR_ACCESS_DENIED, "not for you");
	assert_int_equal(model_segs_reply(&m, 1, gen, r, &shift), MODEL_DIRTY_DATA);
	dbus_message_unref(r);
	assert_string_equal(m.segs.error, "not for you");
	/* A reply of another shape is not trusted: what was shown stays,
	 * and it is not asked for again until the next refresh. */
	pages_refresh(&m.segs);
	assert_int_equal(model_segs_want(&m, 0, 1, pages, PAGES_SLOTS), 1);
	r = events_reply(false, 1, 0, 1);
	model_segs_reply(&m, 0, gen, r, &shift);
	dbus_message_unref(r);
	fault_is(&m, "the agent's reply to ListSegments is not ta(tsttuttb)");
	assert_string_equal(m.segs.error, "the agent's reply to ListSegments is not ta(tsttuttb)");
	assert_int_equal(model_segs_entry(&m, 0)->id, 1000000);
	assert_int_equal(model_segs_want(&m, 0, 1, pages, PAGES_SLOTS), 0);

	/* A segment's events, oldest first. */
	model_segev_open(&m, 999993);
	gen = m.segev.gen;
	assert_int_equal(model_segev_want(&m, 0, 30, pages, PAGES_SLOTS), 1);
	r = events_reply(false, 450, 0, 200);
	assert_int_equal(model_segev_reply(&m, 999993, 0, gen, r), MODEL_DIRTY_DATA);
	/* The same reply for a segment no longer open is dropped. */
	assert_int_equal(model_segev_reply(&m, 1, 0, gen, r), 0);
	dbus_message_unref(r);
	const struct model_event *e = model_segev_entry(&m, 199);
	assert_non_null(e);
	assert_int_equal(e->time, T0 + 199);
	assert_string_equal(e->kind, "motion");
	assert_string_equal(e->stream, "");
	assert_int_equal(e->x, 199);
	assert_int_equal(e->y, -1);
	assert_int_equal(m.segev.total, 450);
	/* Deleted meanwhile: the agent's message instead of rows. */
	model_segev_open(&m, 5);
	gen = m.segev.gen;
	assert_int_equal(model_segev_want(&m, 0, 30, pages, PAGES_SLOTS), 1);
	r = refusal(CAPCTL_ERR_NO_SUCH_SEGMENT, "There is no segment 5.");
	model_segev_reply(&m, 5, 0, gen, r);
	dbus_message_unref(r);
	assert_string_equal(m.segev.error, "There is no segment 5.");
	assert_null(model_segev_entry(&m, 0));
	model_segev_open(&m, 0);
	assert_int_equal(model_segev_want(&m, 0, 30, pages, PAGES_SLOTS), 0);
	model_fini(&m);
}

static void test_recent(void **state)
{
	struct model m;
	(void)state;
	live(&m);
	DBusMessage *r = events_reply(true, 0, 10, 3);
	assert_int_equal(model_recent_reply(&m, r), MODEL_DIRTY_LIVE);
	/* The same answer again draws nothing. */
	assert_int_equal(model_recent_reply(&m, r), 0);
	dbus_message_unref(r);
	assert_true(m.recent_known);
	assert_int_equal(m.n_recent, 3);
	assert_string_equal(m.recent[2].stream, "pointer.motion");
	assert_int_equal(m.recent[2].x, 12);
	r = events_reply(true, 0, 11, 3);
	assert_int_equal(model_recent_reply(&m, r), MODEL_DIRTY_LIVE);
	dbus_message_unref(r);
	assert_int_equal(m.recent[0].x, 11);
	r = refusal(DBUS_ERR_INVALID_ARGS, "'limit' must be from 1 to 1000.");
	assert_int_equal(model_recent_reply(&m, r), MODEL_DIRTY_LIVE);
	dbus_message_unref(r);
	assert_string_equal(m.recent_error, "'limit' must be from 1 to 1000.");
	assert_int_equal(m.n_recent, 0);
	/* A ReadSegment-shaped answer is not a RecentEvents one. */
	r = events_reply(false, 1, 0, 1);
	assert_int_equal(model_recent_reply(&m, r), MODEL_DIRTY_LIVE);
	dbus_message_unref(r);
	fault_is(&m, "the agent's reply to RecentEvents is not a(stsiiis)");
	assert_string_equal(m.recent_error, "the agent's reply to RecentEvents is not a(stsiiis)");
	model_recent_reset(&m);
	assert_false(m.recent_known);
	/* The agent going away forgets what it sent. */
	r = events_reply(true, 0, 1, 2);
	model_recent_reply(&m, r);
	dbus_message_unref(r);
	model_set_link(&m, MODEL_LINK_GONE, NULL);
	assert_int_equal(m.n_recent, 0);
	model_fini(&m);
}

static double power_mw = 40, power_measured = -1;

static void fill_power(DBusMessageIter *dict)
{
	DBusMessageIter e, v, d;
	entry_open(dict, "Power", "a{sv}", &e, &v);
	dict_open(&v, &d);
	dict_add_bool(&d, "on_battery", false);
	dict_add_double(&d, "battery_percent", -1);
	dict_add_double(&d, "cpu_seconds", 1);
	dict_add_double(&d, "cpu_percent", 0.1);
	dict_add_double(&d, "wakeups_per_second", 0);
	dict_add_double(&d, "estimated_mw", power_mw);
	dict_add_bool(&d, "saver", power_measured > 5000);
	if (power_measured >= 0)
		dict_add_double(&d, "measured_mw", power_measured);
	dict_close(&v, &d);
	entry_close(dict, &e, &v);
}

static void test_spool_and_costs(void **state)
{
	struct model m;
	uint32_t inv;
	(void)state;
	live(&m);
	/* The first Retention heard is not a change of the spool. */
	unsigned d = feed_changed(&m, changed(CAPCTL_IFACE, fill_retention, NULL), T0, &inv);
	assert_false(d & MODEL_DIRTY_SPOOL);
	/* Journals grow: counters only. */
	ret_bytes = 2000;
	d = feed_changed(&m, changed(CAPCTL_IFACE, fill_retention, NULL), T0, &inv);
	assert_int_equal(d, MODEL_DIRTY_COUNTERS);
	/* A segment closed; bytes fell (forgotten); the oldest expired. */
	ret_segments = 4;
	d = feed_changed(&m, changed(CAPCTL_IFACE, fill_retention, NULL), T0, &inv);
	assert_true(d & MODEL_DIRTY_SPOOL);
	assert_false(d & MODEL_DIRTY_URGENT);
	ret_bytes = 1500;
	d = feed_changed(&m, changed(CAPCTL_IFACE, fill_retention, NULL), T0, &inv);
	assert_true(d & MODEL_DIRTY_SPOOL);
	ret_oldest = T0 + 1;
	d = feed_changed(&m, changed(CAPCTL_IFACE, fill_retention, NULL), T0, &inv);
	assert_true(d & MODEL_DIRTY_SPOOL);
	assert_int_equal(m.retention.segments, 4);

	/* Power: every update a value of the sparkline; measured_mw only
	 * while the agent sends it; the saver is state, drawn at once. */
	d = feed_changed(&m, changed(CAPCTL_IFACE, fill_power, NULL), T0, &inv);
	assert_true(m.power.measured_mw < 0);
	power_mw = 80;
	power_measured = 6000;
	d = feed_changed(&m, changed(CAPCTL_IFACE, fill_power, NULL), T0 + MODEL_SPARK_SLOT_USEC,
	                 &inv);
	assert_true(d & MODEL_DIRTY_STATE);
	assert_true(m.power.saver);
	assert_true(m.power.measured_mw == 6000);
	double v[3];
	assert_int_equal(model_spark_values(&m.power_mw, T0 + MODEL_SPARK_SLOT_USEC, v, 3), 2);
	assert_true(v[1] == 40 && v[2] == 80);
	power_measured = -1;
	feed_changed(&m, changed(CAPCTL_IFACE, fill_power, NULL), T0, &inv);
	assert_true(m.power.measured_mw < 0);
	/* The bytes uploaded are counted only when something is uploaded
	 * at all; the agent gone, the count waits for it again. */
	feed_all(&m, get_all("collecting", 0, 0, 1800), T0);
	assert_true(m.uploaded.any && m.uploaded.counting);
	assert_true(m.stream_rate[0].any);
	model_set_link(&m, MODEL_LINK_GONE, NULL);
	assert_true(m.uploaded.any && !m.uploaded.counting);
	assert_false(m.stream_rate[0].counting);
	assert_false(m.power_mw.any);
	model_fini(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_get_all), cmocka_unit_test(test_changed),
	    cmocka_unit_test(test_link),    cmocka_unit_test(test_pause_figures),
	    cmocka_unit_test(test_history), cmocka_unit_test(test_segments),
	    cmocka_unit_test(test_recent),  cmocka_unit_test(test_spool_and_costs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
