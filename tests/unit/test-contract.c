/* The decoder of the contract (ipc/contract.h): for every property and
 * reply the right shape decodes to exact values, and wrong shapes give
 * the exact sentence. Messages are built with libdbus from a signature
 * and values (build()); no bus is needed. With CONTRACT_CORPUS=DIR the
 * good replies are also written there, marshalled: the seed corpus of
 * fuzz/fuzz-contract.c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "contract.h"
#include "names.h"
#include "util.h"

#define T0 (1700000000ULL * USEC_PER_SEC)
#define U64(x) ((uint64_t)(x))
#define HASH_A "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define HASH_0 "0000000000000000000000000000000000000000000000000000000000000000"

/* ---- building messages ---- */

/* Past one complete type of sig. */
static const char *skip_type(const char *sig)
{
	if (*sig == 'a')
		return skip_type(sig + 1);
	if (*sig == '(' || *sig == '{') {
		const char *p = sig + 1;
		while (*p != ')' && *p != '}')
			p = skip_type(p);
		return p + 1;
	}
	return sig + 1;
}

/* Appends one value of the complete type at sig from ap: t uint64_t, u
 * unsigned, i and b int, d double, s const char *, v a signature then its
 * value, a an int count then the elements (a dict entry a key, then its
 * value), a struct its fields. Returns past the type. */
static const char *append(DBusMessageIter *it, const char *sig, va_list *ap)
{
	DBusMessageIter sub;
	char inner[256];
	switch (*sig) {
	case 't': {
		dbus_uint64_t v = va_arg(*ap, uint64_t);
		dbus_message_iter_append_basic(it, DBUS_TYPE_UINT64, &v);
		return sig + 1;
	}
	case 'u': {
		dbus_uint32_t v = va_arg(*ap, unsigned);
		dbus_message_iter_append_basic(it, DBUS_TYPE_UINT32, &v);
		return sig + 1;
	}
	case 'i': {
		dbus_int32_t v = va_arg(*ap, int);
		dbus_message_iter_append_basic(it, DBUS_TYPE_INT32, &v);
		return sig + 1;
	}
	case 'b': {
		dbus_bool_t v = va_arg(*ap, int) != 0;
		dbus_message_iter_append_basic(it, DBUS_TYPE_BOOLEAN, &v);
		return sig + 1;
	}
	case 'd': {
		double v = va_arg(*ap, double);
		dbus_message_iter_append_basic(it, DBUS_TYPE_DOUBLE, &v);
		return sig + 1;
	}
	case 's': {
		const char *v = va_arg(*ap, const char *);
		dbus_message_iter_append_basic(it, DBUS_TYPE_STRING, &v);
		return sig + 1;
	}
	case 'v': {
		const char *vs = va_arg(*ap, const char *);
		dbus_message_iter_open_container(it, DBUS_TYPE_VARIANT, vs, &sub);
		append(&sub, vs, ap);
		dbus_message_iter_close_container(it, &sub);
		return sig + 1;
	}
	case '(': {
		const char *p = sig + 1;
		dbus_message_iter_open_container(it, DBUS_TYPE_STRUCT, NULL, &sub);
		while (*p != ')')
			p = append(&sub, p, ap);
		dbus_message_iter_close_container(it, &sub);
		return p + 1;
	}
	default: { /* 'a' */
		const char *elem = sig + 1, *end = skip_type(elem);
		int n = va_arg(*ap, int);
		snprintf(inner, sizeof inner, "%.*s", (int)(end - elem), elem);
		dbus_message_iter_open_container(it, DBUS_TYPE_ARRAY, inner, &sub);
		for (int i = 0; i < n; i++) {
			if (*elem == '{') {
				DBusMessageIter e;
				dbus_message_iter_open_container(&sub, DBUS_TYPE_DICT_ENTRY, NULL,
				                                 &e);
				append(&e, append(&e, elem + 1, ap), ap);
				dbus_message_iter_close_container(&sub, &e);
			} else {
				append(&sub, elem, ap);
			}
		}
		dbus_message_iter_close_container(it, &sub);
		return end;
	}
	}
}

static DBusMessage *the_call(const char *member)
{
	DBusMessage *call =
	    dbus_message_new_method_call(CAPCTL_BUS_NAME, CAPCTL_PATH, CAPCTL_IFACE, member);
	dbus_message_set_serial(call, 7); /* a reply needs a call that was sent */
	return call;
}

static void fill(DBusMessage *m, const char *sig, va_list *ap)
{
	DBusMessageIter it;
	dbus_message_iter_init_append(m, &it);
	while (*sig)
		sig = append(&it, sig, ap);
	dbus_message_set_serial(m, 8);
}

/* A method return of these values. */
static DBusMessage *reply(const char *sig, ...)
{
	DBusMessage *call = the_call("X");
	DBusMessage *m = dbus_message_new_method_return(call);
	va_list ap;
	dbus_message_unref(call);
	va_start(ap, sig);
	fill(m, sig, &ap);
	va_end(ap);
	return m;
}

/* An error reply of these arguments. */
static DBusMessage *error_reply(const char *name, const char *sig, ...)
{
	DBusMessage *call = the_call("X");
	DBusMessage *m = dbus_message_new_error(call, name, NULL);
	va_list ap;
	dbus_message_unref(call);
	va_start(ap, sig);
	fill(m, sig, &ap);
	va_end(ap);
	return m;
}

static DBusMessage *signal_of(const char *sig, ...)
{
	DBusMessage *m =
	    dbus_message_new_signal(CAPCTL_PATH, DBUS_PROPS_IFACE, "PropertiesChanged");
	va_list ap;
	va_start(ap, sig);
	fill(m, sig, &ap);
	va_end(ap);
	return m;
}

/* Writes m marshalled to $CONTRACT_CORPUS/name, when that is set. */
static void seed(DBusMessage *m, const char *name)
{
	const char *dir = getenv("CONTRACT_CORPUS");
	char *buf;
	int len;
	if (!dir)
		return;
	assert_true(dbus_message_marshal(m, &buf, &len));
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	free(path);
	dbus_free(buf);
}

/* The message as it arrives: marshalled and demarshalled again. */
static DBusMessage *wire(DBusMessage *m)
{
	char *buf;
	int len;
	DBusError err;
	dbus_error_init(&err);
	assert_true(dbus_message_marshal(m, &buf, &len));
	DBusMessage *back = dbus_message_demarshal(buf, len, &err);
	assert_non_null(back);
	dbus_free(buf);
	dbus_message_unref(m);
	return back;
}

static void malformed_is(enum contract_result r, struct contract_fault *f, const char *want)
{
	assert_int_equal(r, CONTRACT_MALFORMED);
	assert_null(f->name);
	assert_string_equal(f->message, want);
	contract_fault_fini(f);
}

/* ---- properties ---- */

/* Every property of the contract, in the types it has. */
#define STREAMS_VALUE                                                                              \
	"a(sbsstt)", 2, "pointer.motion", 1, "reduced", "position, downsampled to 20 Hz", U64(10), \
	    U64(100), "keyboard", 0, "timing", "not recorded: paused", U64(5), U64(50)
#define EXEMPTIONS_VALUE                                                                           \
	"a(sssssstt)", 1, "EX-2", "keyboard", "medical", "approved", "line one\nline two", "ok",   \
	    U64(T0), U64(T0 + 86400 * USEC_PER_SEC)
#define UPLOAD_VALUE                                                                               \
	"a{sv}", 14, "endpoint", "s", "collector.example", "bytes_today", "t", U64(1200000),       \
	    "bytes_total", "t", U64(3400000), "daily_cap", "t", U64(50000000), "rate_bps", "d",    \
	    12.5, "pending_bytes", "t", U64(7), "next_upload", "t", U64(T0 + 1), "last_upload",    \
	    "t", U64(T0 - 1), "deferred", "s", "metered", "last_error", "s", "",                   \
	    "compression_ratio", "d", 8.25, "held_bytes", "t", U64(4096), "next_release", "t",     \
	    U64(T0 + 2), "something_new", "as", 1, "ignored"
#define POWER_VALUE                                                                                \
	"a{sv}", 7, "on_battery", "b", 1, "battery_percent", "d", 54.0, "cpu_seconds", "d", 1.5,   \
	    "cpu_percent", "d", 0.3, "wakeups_per_second", "d", 0.5, "estimated_mw", "d", 40.0,    \
	    "saver", "b", 0
#define RETENTION_VALUE                                                                            \
	"a{sv}", 6, "days", "u", 30u, "segments", "u", 3u, "bytes", "t", U64(1000), "oldest", "t", \
	    U64(T0), "deletion_allowed", "b", 1, "last_error", "s", ""
#define NOTICE_VALUE                                                                               \
	"a{sv}", 6, "purpose", "s", "Ergonomics research.", "retention", "s", "30 days",           \
	    "anonymization", "s", "", "model_access", "s", "none", "contact", "s",                 \
	    "privacy@example.org", "version", "s", "2027-1"
#define LIMITS_VALUE "a(ss)", 1, "keyboard", "category"
#define CONSENT_VALUE                                                                              \
	"a{sv}", 6, "digest", "s", HASH_A, "acknowledged_digest", "s", "", "acknowledged", "t",    \
	    U64(0), "wait_for_acknowledgment", "b", 1, "waiting", "b", 1, "changes", "a(sss)", 1,  \
	    "retention.days", "", "30"

static DBusMessage *good_get_all(void)
{
	return reply("a{sv}", 16, "Version", "s", "0.1.0", "State", "s", "paused", "StateReason",
	             "s", "paused until 14:32", "PausedUntil", "t", U64(T0 + 600 * USEC_PER_SEC),
	             "MaxPauseSeconds", "u", 1800u, "PauseBudgetSeconds", "u", 3600u,
	             "PauseBudgetLeft", "u", 600u, "Streams", STREAMS_VALUE, "Exemptions",
	             EXEMPTIONS_VALUE, "Upload", UPLOAD_VALUE, "Power", POWER_VALUE, "Retention",
	             RETENTION_VALUE, "Notice", NOTICE_VALUE, "PersonalLimits", LIMITS_VALUE,
	             "Consent", CONSENT_VALUE, "\x1b]0;NoSuchProperty\x07", "s", "ignored");
}

static void props_are_good(const struct contract_props *p)
{
	assert_int_equal(p->has, (1u << N_CONTRACT_PROPS) - 1);
	assert_int_equal(p->bad, 0);
	assert_string_equal(p->version, "0.1.0");
	assert_int_equal(p->state, CONTRACT_STATE_PAUSED);
	assert_string_equal(p->state_reason, "paused until 14:32");
	assert_int_equal(p->paused_until, T0 + 600 * USEC_PER_SEC);
	assert_int_equal(p->max_pause_seconds, 1800);
	assert_int_equal(p->pause_budget_seconds, 3600);
	assert_int_equal(p->pause_budget_left, 600);
	assert_int_equal(p->n_streams, 2);
	assert_int_equal(p->streams[0].stream, STREAM_MOTION);
	assert_true(p->streams[0].recording);
	assert_string_equal(p->streams[0].fidelity, "reduced");
	assert_string_equal(p->streams[0].description, "position, downsampled to 20 Hz");
	assert_int_equal(p->streams[0].events, 10);
	assert_int_equal(p->streams[0].bytes, 100);
	assert_int_equal(p->streams[1].stream, STREAM_KEYBOARD);
	assert_false(p->streams[1].recording);
	assert_int_equal(p->streams[1].bytes, 50);
	assert_int_equal(p->n_exemptions, 1);
	const struct contract_exemption *e = &p->exemptions[0];
	assert_string_equal(e->id, "EX-2");
	assert_string_equal(e->scope, "keyboard");
	assert_string_equal(e->category, "medical");
	assert_int_equal(e->status, CONTRACT_STATUS_APPROVED);
	assert_string_equal(e->reason, "line one\nline two");
	assert_string_equal(e->note, "ok");
	assert_int_equal(e->created, T0);
	assert_int_equal(e->expires, T0 + 86400 * USEC_PER_SEC);
}

static void dicts_are_good(const struct contract_props *p)
{
	const struct contract_upload *u = &p->upload;
	assert_string_equal(u->endpoint, "collector.example");
	assert_int_equal(u->bytes_today, 1200000);
	assert_int_equal(u->bytes_total, 3400000);
	assert_int_equal(u->daily_cap, 50000000);
	assert_true(u->rate_bps == 12.5);
	assert_int_equal(u->pending_bytes, 7);
	assert_int_equal(u->next_upload, T0 + 1);
	assert_int_equal(u->last_upload, T0 - 1);
	assert_string_equal(u->deferred, "metered");
	assert_string_equal(u->last_error, "");
	assert_true(u->compression_ratio == 8.25);
	assert_int_equal(u->held_bytes, 4096);
	assert_int_equal(u->next_release, T0 + 2);
	/* The reference agent's own key, not sent: not there, and no error. */
	assert_int_equal(u->has, (1u << 13) - 1);
	assert_false(contract_key_present(CONTRACT_PROP_UPLOAD, u->has,
	                                  offsetof(struct contract_upload, hold_seconds)));
	assert_true(contract_key_present(CONTRACT_PROP_UPLOAD, u->has,
	                                 offsetof(struct contract_upload, held_bytes)));
	assert_true(contract_key_present(CONTRACT_PROP_UPLOAD, u->has,
	                                 offsetof(struct contract_upload, compression_ratio)));
	const struct contract_power *w = &p->power;
	assert_true(w->on_battery);
	assert_true(w->battery_percent == 54 && w->cpu_seconds == 1.5 && w->cpu_percent == 0.3);
	assert_true(w->wakeups_per_second == 0.5 && w->estimated_mw == 40);
	assert_false(w->saver);
	assert_false(contract_key_present(CONTRACT_PROP_POWER, w->has,
	                                  offsetof(struct contract_power, measured_mw)));
	const struct contract_retention *r = &p->retention;
	assert_int_equal(r->days, 30);
	assert_int_equal(r->segments, 3);
	assert_int_equal(r->bytes, 1000);
	assert_int_equal(r->oldest, T0);
	assert_true(r->deletion_allowed);
	assert_string_equal(r->last_error, "");
	const struct contract_notice *n = &p->notice;
	assert_string_equal(n->purpose, "Ergonomics research.");
	assert_string_equal(n->retention, "30 days");
	assert_string_equal(n->anonymization, "");
	assert_string_equal(n->model_access, "none");
	assert_string_equal(n->contact, "privacy@example.org");
	assert_string_equal(n->version, "2027-1");
	assert_int_equal(p->n_limits, 1);
	assert_int_equal(p->limits[0].stream, STREAM_KEYBOARD);
	assert_string_equal(p->limits[0].fidelity, "category");
	const struct contract_consent *c = &p->consent;
	assert_string_equal(c->digest, HASH_A);
	assert_string_equal(c->acknowledged_digest, "");
	assert_int_equal(c->acknowledged, 0);
	assert_true(c->wait_for_acknowledgment && c->waiting);
	assert_int_equal(c->n_changes, 1);
	assert_string_equal(c->changes[0].key, "retention.days");
	assert_string_equal(c->changes[0].then, "");
	assert_string_equal(c->changes[0].now, "30");
}

static void test_get_all(void **state)
{
	struct contract_props p;
	struct contract_fault f;
	(void)state;
	DBusMessage *m = wire(good_get_all());
	seed(m, "get-all");
	assert_int_equal(contract_read_get_all(m, &p, &f), CONTRACT_OK);
	assert_null(f.name);
	assert_null(f.message);
	props_are_good(&p);
	dicts_are_good(&p);
	contract_props_fini(&p);
	dbus_message_unref(m);
}

/* A GetAll of every required property but Upload, and n more entries in
 * its place (name, signature, value). */
#define GET_ALL_BASE(n, ...)                                                                       \
	reply("a{sv}", 12 + (n), "Version", "s", "0.1.0", "State", "s", "paused", "StateReason",   \
	      "s", "why", "PausedUntil", "t", U64(0), "MaxPauseSeconds", "u", 1800u,               \
	      "PauseBudgetSeconds", "u", 0u, "PauseBudgetLeft", "u", 1800u, "Streams",             \
	      STREAMS_VALUE, "Exemptions", EXEMPTIONS_VALUE, __VA_ARGS__, "Power", POWER_VALUE,    \
	      "Retention", RETENTION_VALUE, "Notice", NOTICE_VALUE)
/* The same with PersonalLimits and Consent as they should be. */
#define GET_ALL_WITH(n, ...)                                                                       \
	GET_ALL_BASE((n) + 2, __VA_ARGS__, "PersonalLimits", LIMITS_VALUE, "Consent", CONSENT_VALUE)

static void get_all_fails(DBusMessage *m, const char *want, uint32_t bad)
{
	struct contract_props p;
	struct contract_fault f;
	malformed_is(contract_read_get_all(m, &p, &f), &f, want);
	assert_int_equal(p.bad, bad);
	dbus_message_unref(m);
	contract_props_fini(&p);
}

#define REQUIRED_PROPS ((1u << N_CONTRACT_PROPS) - 1)
#define BIT(p) (1u << CONTRACT_PROP_##p)

static void test_get_all_wrong(void **state)
{
	struct contract_props p;
	struct contract_fault f;
	(void)state;
	/* capctl status --json aborted on it. */
	get_all_fails(reply("a{sv}", 0), "the agent's reply to GetAll has no property Version",
	              REQUIRED_PROPS);
	get_all_fails(reply("a{ss}", 1, "Version", "0.1.0"),
	              "the agent's reply to GetAll is not a{sv}", REQUIRED_PROPS);
	get_all_fails(reply("a{sv}u", 0, 5u), "the agent's reply to GetAll is not a{sv}",
	              REQUIRED_PROPS);
	get_all_fails(reply(""), "the agent's reply to GetAll is not a{sv}", REQUIRED_PROPS);

	/* A listed key of the wrong type; one missing; one twice; and the
	 * rest of the reply is still read. */
	DBusMessage *m = GET_ALL_WITH(
	    1, "Upload", "a{sv}", 11, "endpoint", "s", "", "bytes_today", "s", "1200000",
	    "bytes_total", "t", U64(0), "daily_cap", "t", U64(0), "rate_bps", "d", 0.0,
	    "pending_bytes", "t", U64(0), "next_upload", "t", U64(0), "last_upload", "t", U64(0),
	    "deferred", "s", "", "last_error", "s", "", "compression_ratio", "d", 0.0);
	assert_int_equal(contract_read_get_all(m, &p, &f), CONTRACT_MALFORMED);
	assert_string_equal(f.message,
	                    "the agent's property Upload has bytes_today of type s, not t");
	assert_int_equal(p.bad, BIT(UPLOAD));
	assert_int_equal(p.has, REQUIRED_PROPS & ~BIT(UPLOAD));
	assert_null(p.upload.endpoint);
	assert_string_equal(p.notice.contact, "privacy@example.org");
	assert_int_equal(p.n_streams, 2);
	contract_fault_fini(&f);
	contract_props_fini(&p);
	dbus_message_unref(m);
	get_all_fails(GET_ALL_WITH(1, "Upload", "a{sv}", 1, "endpoint", "s", ""),
	              "the agent's property Upload has no key bytes_today", BIT(UPLOAD));
	get_all_fails(
	    GET_ALL_WITH(1, "Upload", "a{sv}", 2, "endpoint", "s", "", "endpoint", "s", "x"),
	    "the agent's property Upload has the key endpoint twice", BIT(UPLOAD));
	get_all_fails(GET_ALL_WITH(1, "Upload", "a{ss}", 1, "endpoint", ""),
	              "the agent's property Upload is not a{sv}", BIT(UPLOAD));
	get_all_fails(GET_ALL_WITH(2, "Upload", "s", "x", "Upload", "s", "again"),
	              "the agent's property Upload is not a{sv}", BIT(UPLOAD));
	get_all_fails(GET_ALL_WITH(2, "Upload", UPLOAD_VALUE, "State", "s", "off"),
	              "the agent's reply to GetAll has the property State twice", BIT(STATE));
	get_all_fails(GET_ALL_BASE(3, "Upload", UPLOAD_VALUE, "PersonalLimits", LIMITS_VALUE,
	                           "Consent", "a{sv}", 1, "digest", "s", "ABC"),
	              "the agent's property Consent has a hash that is not 64 lowercase hex digits",
	              BIT(CONSENT));
	get_all_fails(GET_ALL_BASE(3, "Upload", UPLOAD_VALUE, "PersonalLimits", LIMITS_VALUE,
	                           "Consent", "a{sv}", 5, "digest", "s", HASH_A,
	                           "acknowledged_digest", "s", HASH_0, "acknowledged", "t", U64(1),
	                           "wait_for_acknowledgment", "b", 0, "changes", "as", 0),
	              "the agent's property Consent has changes of type as, not a(sss)",
	              BIT(CONSENT));
	get_all_fails(GET_ALL_BASE(3, "Upload", UPLOAD_VALUE, "PersonalLimits", LIMITS_VALUE,
	                           "Consent", "a{sv}", 5, "digest", "s", HASH_A,
	                           "acknowledged_digest", "s", HASH_0, "acknowledged", "t", U64(1),
	                           "wait_for_acknowledgment", "b", 0, "changes", "a(sss)", 0),
	              "the agent's property Consent has no key waiting", BIT(CONSENT));
	get_all_fails(GET_ALL_BASE(3, "Upload", UPLOAD_VALUE, "PersonalLimits", "a(ss)", 1, "mouse",
	                           "off", "Consent", CONSENT_VALUE),
	              "the agent's property PersonalLimits has a stream that is not "
	              "pointer.motion, pointer.button, pointer.scroll, keyboard or window.focus",
	              BIT(PERSONAL_LIMITS));
}

static void test_state_words(void **state)
{
	struct contract_props p;
	struct contract_fault f;
	static const char *const words[] = {"collecting", "paused", "exempt", "suspended", "idle"};
	(void)state;
	for (size_t i = 0; i < 5; i++) {
		DBusMessage *m = reply("v", "s", words[i]);
		assert_int_equal(contract_read_get(m, CONTRACT_PROP_STATE, &p, &f), CONTRACT_OK);
		assert_int_equal(p.state, (enum contract_state)i);
		assert_string_equal(contract_state_name(p.state), words[i]);
		contract_props_fini(&p);
		dbus_message_unref(m);
	}
	/* "off" is Activity's: an agent that answers is running. */
	const char *const not_states[] = {"off", "Paused", "", "\x1b[2J"};
	for (size_t i = 0; i < 4; i++) {
		DBusMessage *m = reply("v", "s", not_states[i]);
		malformed_is(contract_read_get(m, CONTRACT_PROP_STATE, &p, &f), &f,
		             "the agent's property State is not collecting, paused, exempt, "
		             "suspended or idle");
		assert_int_equal(p.bad, BIT(STATE));
		contract_props_fini(&p);
		dbus_message_unref(m);
	}
}

/* What the agent serves is required; the reference agent's own keys
 * (hold_seconds, measured_mw) are read exactly when they come. */
static void test_not_yet_required(void **state)
{
	struct contract_props p;
	struct contract_fault f;
	(void)state;
	static const char *const served[] = {"PersonalLimits",    "Consent",  "LimitStream",
	                                     "AcknowledgePolicy", "Activity", "HistoryChain"};
	for (size_t i = 0; i < ARRAY_SIZE(served); i++)
		assert_true(contract_entry(served[i])->required);
	assert_true(contract_entry("History")->required);
	assert_true(contract_entry("HistoryChain")->required);
	assert_true(contract_entry("Notice")->required);
	assert_null(contract_entry("held_bytes")); /* a key, not a property */
	for (size_t i = 0; i < contract_dict_size(CONTRACT_PROP_UPLOAD); i++) {
		const struct contract_key *k = contract_dict_key(CONTRACT_PROP_UPLOAD, i);
		/* The reference agent's own key. */
		bool later_key = strcmp(k->name, "hold_seconds") == 0;
		assert_true(k->required == !later_key);
	}
	assert_int_equal(contract_dict_size(CONTRACT_PROP_STREAMS), 0);
	assert_null(contract_dict_key(CONTRACT_PROP_NOTICE, 6));
	assert_string_equal(contract_dict_key(CONTRACT_PROP_RETENTION, 5)->name, "last_error");
	assert_true(contract_dict_key(CONTRACT_PROP_RETENTION, 5)->required);

	/* Sent: read, and of the exact type. */
	DBusMessage *m = GET_ALL_WITH(
	    1, "Upload", "a{sv}", 14, "endpoint", "s", "", "bytes_today", "t", U64(0),
	    "bytes_total", "t", U64(0), "daily_cap", "t", U64(0), "rate_bps", "d", 0.0,
	    "pending_bytes", "t", U64(0), "next_upload", "t", U64(0), "last_upload", "t", U64(0),
	    "deferred", "s", "", "last_error", "s", "", "compression_ratio", "d", 0.0, "held_bytes",
	    "t", U64(4096), "next_release", "t", U64(T0), "hold_seconds", "u", 3600u);
	assert_int_equal(contract_read_get_all(m, &p, &f), CONTRACT_OK);
	assert_int_equal(p.upload.held_bytes, 4096);
	assert_int_equal(p.upload.hold_seconds, 3600);
	assert_true(contract_key_present(CONTRACT_PROP_UPLOAD, p.upload.has,
	                                 offsetof(struct contract_upload, hold_seconds)));
	contract_props_fini(&p);
	dbus_message_unref(m);
	get_all_fails(GET_ALL_WITH(1, "Upload", "a{sv}", 12, "endpoint", "s", "", "bytes_today",
	                           "t", U64(0), "bytes_total", "t", U64(0), "daily_cap", "t",
	                           U64(0), "rate_bps", "d", 0.0, "pending_bytes", "t", U64(0),
	                           "next_upload", "t", U64(0), "last_upload", "t", U64(0),
	                           "deferred", "s", "", "last_error", "s", "", "compression_ratio",
	                           "d", 0.0, "held_bytes", "u", 4096u),
	              "the agent's property Upload has held_bytes of type u, not t", BIT(UPLOAD));
	m = reply("v", "d", 1.5);
	malformed_is(contract_read_get(m, CONTRACT_PROP_CONSENT, &p, &f), &f,
	             "the agent's property Consent is not a{sv}");
	contract_props_fini(&p);
	dbus_message_unref(m);

	/* Not served: an agent that does not know it says so, and that is
	 * an answer; one that does not know what it must serve is broken. */
	m = error_reply(DBUS_ERR_UNKNOWN_PROPERTY, "s", "no PersonalLimits here");
	malformed_is(contract_read_get(m, CONTRACT_PROP_PERSONAL_LIMITS, &p, &f), &f,
	             "the agent does not implement the property PersonalLimits");
	malformed_is(contract_read_get(m, CONTRACT_PROP_STREAMS, &p, &f), &f,
	             "the agent does not implement the property Streams");
	dbus_message_unref(m);
	m = error_reply(DBUS_ERR_UNKNOWN_METHOD, "s", "no");
	malformed_is(contract_read_empty(m, "AcknowledgePolicy", &f), &f,
	             "the agent does not implement AcknowledgePolicy");
	struct contract_chain ch;
	malformed_is(contract_read_history_chain(m, 10, &ch, &f), &f,
	             "the agent does not implement HistoryChain");
	struct contract_history h;
	malformed_is(contract_read_history(m, 10, &h, &f), &f,
	             "the agent does not implement History");
	dbus_message_unref(m);
}

static void test_get(void **state)
{
	struct contract_props p;
	struct contract_fault f;
	(void)state;
	struct {
		enum contract_prop prop;
		DBusMessage *m;
	} good[] = {
	    {CONTRACT_PROP_NOTICE, reply("v", NOTICE_VALUE)},
	    {CONTRACT_PROP_EXEMPTIONS, reply("v", EXEMPTIONS_VALUE)},
	    {CONTRACT_PROP_POWER, reply("v", POWER_VALUE)},
	    {CONTRACT_PROP_CONSENT, reply("v", CONSENT_VALUE)},
	};
	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		DBusMessage *m = wire(good[i].m);
		char name[32];
		snprintf(name, sizeof name, "get-%s", contract_prop_name(good[i].prop));
		seed(m, name);
		assert_int_equal(contract_read_get(m, good[i].prop, &p, &f), CONTRACT_OK);
		assert_int_equal(p.has, 1u << good[i].prop);
		contract_props_fini(&p);
		dbus_message_unref(m);
	}
	DBusMessage *m = reply("v", POWER_VALUE);
	assert_int_equal(contract_read_get(m, CONTRACT_PROP_POWER, &p, &f), CONTRACT_OK);
	assert_true(p.power.on_battery && p.power.estimated_mw == 40);
	contract_props_fini(&p);
	dbus_message_unref(m);
	/* The reference agent's measured draw: read when sent, never due. */
	m = reply("v", "a{sv}", 8, "on_battery", "b", 0, "battery_percent", "d", -1.0,
	          "cpu_seconds", "d", 0.0, "cpu_percent", "d", 0.0, "wakeups_per_second", "d", 0.0,
	          "estimated_mw", "d", 0.0, "saver", "b", 0, "measured_mw", "d", 6500.0);
	assert_int_equal(contract_read_get(m, CONTRACT_PROP_POWER, &p, &f), CONTRACT_OK);
	assert_true(p.power.measured_mw == 6500);
	assert_true(contract_key_present(CONTRACT_PROP_POWER, p.power.has,
	                                 offsetof(struct contract_power, measured_mw)));
	contract_props_fini(&p);
	dbus_message_unref(m);
}

static void test_get_wrong(void **state)
{
	struct contract_props p;
	struct contract_fault f;
	DBusMessage *m;
	(void)state;
	/* capctl notice's Get, exempt list's. */
	m = reply("v", "a{sv}", 1, "purpose", "i", 5);
	malformed_is(contract_read_get(m, CONTRACT_PROP_NOTICE, &p, &f), &f,
	             "the agent's property Notice has purpose of type i, not s");
	contract_props_fini(&p);
	dbus_message_unref(m);
	m = reply("v", "a(ss)", 1, "\x1b[31m", "\xe2\x80\xae");
	malformed_is(contract_read_get(m, CONTRACT_PROP_EXEMPTIONS, &p, &f), &f,
	             "the agent's property Exemptions is not a(sssssstt)");
	contract_props_fini(&p);
	dbus_message_unref(m);
	m = reply("v", "a(sbsst)", 0);
	malformed_is(contract_read_get(m, CONTRACT_PROP_STREAMS, &p, &f), &f,
	             "the agent's property Streams is not a(sbsstt)");
	contract_props_fini(&p);
	dbus_message_unref(m);
	m = reply("v", "a(sbsstt)", 2, "keyboard", 1, "", "", U64(0), U64(0), "mouse", 1, "", "",
	          U64(0), U64(0));
	malformed_is(contract_read_get(m, CONTRACT_PROP_STREAMS, &p, &f), &f,
	             "the agent's property Streams has a stream that is not pointer.motion, "
	             "pointer.button, pointer.scroll, keyboard or window.focus");
	assert_int_equal(p.n_streams, 0); /* nothing of it kept */
	contract_props_fini(&p);
	dbus_message_unref(m);
	m = reply("v", "a(sssssstt)", 1, "EX-1", "all", "legal", "granted", "r", "", U64(0),
	          U64(0));
	malformed_is(contract_read_get(m, CONTRACT_PROP_EXEMPTIONS, &p, &f), &f,
	             "the agent's property Exemptions has a status that is not pending, approved, "
	             "denied, withdrawn or expired");
	contract_props_fini(&p);
	dbus_message_unref(m);
	m = reply("s", "Notice");
	malformed_is(contract_read_get(m, CONTRACT_PROP_NOTICE, &p, &f), &f,
	             "the agent's reply to Get is not v");
	contract_props_fini(&p);
	dbus_message_unref(m);
	m = error_reply(DBUS_ERR_ACCESS_DENIED, "s", "not for you");
	assert_int_equal(contract_read_get(m, CONTRACT_PROP_NOTICE, &p, &f), CONTRACT_REFUSED);
	assert_string_equal(f.name, DBUS_ERR_ACCESS_DENIED);
	assert_string_equal(f.message, "not for you");
	assert_int_equal(p.has | p.bad, 0);
	contract_fault_fini(&f);
	dbus_message_unref(m);
}

static void test_changed(void **state)
{
	struct contract_changed c;
	struct contract_fault f;
	(void)state;
	DBusMessage *m =
	    wire(signal_of("sa{sv}as", CAPCTL_IFACE, 2, "State", "s", "collecting", "PausedUntil",
	                   "t", U64(0), 3, "Exemptions", "NoSuchProperty", "Consent"));
	seed(m, "changed");
	assert_int_equal(contract_read_changed(m, &c, &f), CONTRACT_OK);
	assert_int_equal(c.props.has, BIT(STATE) | BIT(PAUSED_UNTIL));
	assert_int_equal(c.props.state, CONTRACT_STATE_COLLECTING);
	assert_int_equal(c.invalidated, BIT(EXEMPTIONS) | BIT(CONSENT));
	contract_changed_fini(&c);
	dbus_message_unref(m);
	/* Another interface's: nothing of it is ours. */
	m = signal_of("sa{sv}as", "org.example.Other", 1, "State", "u", 7u, 1, "Streams");
	assert_int_equal(contract_read_changed(m, &c, &f), CONTRACT_OK);
	assert_int_equal(c.props.has | c.props.bad | c.invalidated, 0);
	contract_changed_fini(&c);
	dbus_message_unref(m);
	/* A value of the wrong type: that one is bad, the rest is read. */
	m = signal_of("sa{sv}as", CAPCTL_IFACE, 3, "State", "u", 7u, "PausedUntil", "s", "soon",
	              "StateReason", "s", "why", 0);
	assert_int_equal(contract_read_changed(m, &c, &f), CONTRACT_MALFORMED);
	assert_string_equal(f.message, "the agent's property State is not s");
	assert_int_equal(c.props.bad, BIT(STATE) | BIT(PAUSED_UNTIL));
	assert_int_equal(c.props.has, BIT(STATE_REASON));
	assert_string_equal(c.props.state_reason, "why");
	contract_fault_fini(&f);
	contract_changed_fini(&c);
	dbus_message_unref(m);
	m = signal_of("sa{sv}", CAPCTL_IFACE, 0);
	malformed_is(contract_read_changed(m, &c, &f), &f,
	             "the agent's signal PropertiesChanged is not sa{sv}as");
	dbus_message_unref(m);
}

/* ---- errors and the small replies ---- */

static void test_errors(void **state)
{
	struct contract_fault f;
	uint64_t until;
	(void)state;
	DBusMessage *m = wire(error_reply(CAPCTL_ERR_INVALID_DURATION, "s", "A pause must last."));
	seed(m, "error");
	assert_int_equal(contract_read_pause(m, &until, &f), CONTRACT_REFUSED);
	assert_string_equal(f.name, CAPCTL_ERR_INVALID_DURATION);
	assert_string_equal(f.message, "A pause must last.");
	contract_fault_fini(&f);
	assert_null(f.name);
	dbus_message_unref(m);
	m = error_reply(CAPCTL_ERR_NOT_ALLOWED, "");
	assert_int_equal(contract_read_error(m, "WithdrawExemption", &f), CONTRACT_REFUSED);
	assert_string_equal(f.message, "");
	contract_fault_fini(&f);
	dbus_message_unref(m);
	m = error_reply(CAPCTL_ERR_NOT_ALLOWED, "i", 5);
	malformed_is(contract_read_pause(m, &until, &f), &f,
	             "the agent's error reply to Pause is not s");
	dbus_message_unref(m);
	m = error_reply(CAPCTL_ERR_NOT_ALLOWED, "ss", "a", "b");
	malformed_is(contract_read_error(m, "Forget", &f), &f,
	             "the agent's error reply to Forget is not s");
	dbus_message_unref(m);
	/* A method return is no error: nothing read. */
	m = reply("t", U64(5));
	assert_int_equal(contract_read_error(m, "Pause", &f), CONTRACT_OK);
	assert_null(f.message);
	dbus_message_unref(m);
}

static void test_small_replies(void **state)
{
	struct contract_fault f;
	uint64_t until;
	uint32_t n;
	char *id;
	(void)state;
	DBusMessage *m = wire(reply("t", U64(T0 + 300 * USEC_PER_SEC)));
	seed(m, "pause");
	assert_int_equal(contract_read_pause(m, &until, &f), CONTRACT_OK);
	assert_int_equal(until, T0 + 300 * USEC_PER_SEC);
	malformed_is(contract_read_forget(m, &n, &f), &f, "the agent's reply to Forget is not u");
	malformed_is(contract_read_empty(m, "Resume", &f), &f,
	             "the agent's reply to Resume is not empty");
	dbus_message_unref(m);
	m = wire(reply("u", 4294967295u));
	seed(m, "forget");
	assert_int_equal(contract_read_forget(m, &n, &f), CONTRACT_OK);
	assert_int_equal(n, 4294967295u);
	assert_int_equal(contract_read_delete(m, &n, &f), CONTRACT_OK);
	malformed_is(contract_read_pause(m, &until, &f), &f, "the agent's reply to Pause is not t");
	dbus_message_unref(m);
	m = reply("s", "\x1b]0;pwned\x07");
	malformed_is(contract_read_pause(m, &until, &f), &f, "the agent's reply to Pause is not t");
	assert_int_equal(contract_read_request(m, &id, &f), CONTRACT_OK);
	assert_string_equal(id, "\x1b]0;pwned\x07"); /* a string: the sanitizer's to show */
	free(id);
	dbus_message_unref(m);
	m = reply("uu", 1u, 2u);
	malformed_is(contract_read_delete(m, &n, &f), &f,
	             "the agent's reply to DeleteSegments is not u");
	malformed_is(contract_read_request(m, &id, &f), &f,
	             "the agent's reply to RequestExemption is not s");
	assert_null(id);
	dbus_message_unref(m);
	m = wire(reply(""));
	seed(m, "empty");
	const char *const empty[] = {"Resume", "WithdrawExemption", "DecideExemption",
	                             "LimitStream", "AcknowledgePolicy"};
	for (size_t i = 0; i < ARRAY_SIZE(empty); i++)
		assert_int_equal(contract_read_empty(m, empty[i], &f), CONTRACT_OK);
	dbus_message_unref(m);
}

/* ---- the lists ---- */

static void test_history(void **state)
{
	struct contract_history h;
	struct contract_fault f;
	(void)state;
	DBusMessage *m = wire(reply("ta(tssu)", U64(250), 2, U64(T0), "pause", "for 15 min", 1000u,
	                            U64(T0 - 1), "agent-started", "", 4294967295u));
	seed(m, "history");
	assert_int_equal(contract_read_history(m, 100, &h, &f), CONTRACT_OK);
	assert_int_equal(h.total, 250);
	assert_int_equal(h.n, 2);
	assert_int_equal(h.rows[0].time, T0);
	assert_string_equal(h.rows[0].action, "pause");
	assert_string_equal(h.rows[0].detail, "for 15 min");
	assert_int_equal(h.rows[0].uid, 1000);
	assert_string_equal(h.rows[1].action, "agent-started");
	assert_int_equal(h.rows[1].uid, CAPCTL_UID_AGENT);
	contract_history_fini(&h);
	assert_null(h.rows);
	/* More than asked for is not a page. */
	malformed_is(contract_read_history(m, 1, &h, &f), &f,
	             "the agent's reply to History has more rows than the 1 asked for");
	assert_int_equal(h.n, 0);
	assert_null(h.rows);
	dbus_message_unref(m);
	/* capctl history died of SIGSEGV on the first, and wrote 8 bytes
	 * into a 4-byte field on the second. */
	m = reply("ta(iiii)", U64(1), 1, 1, 2, 3, 4);
	malformed_is(contract_read_history(m, 100, &h, &f), &f,
	             "the agent's reply to History is not ta(tssu)");
	dbus_message_unref(m);
	m = reply("ta(tsst)", U64(1), 1, U64(T0), "pause", "x", U64(1) << 40);
	malformed_is(contract_read_history(m, 100, &h, &f), &f,
	             "the agent's reply to History is not ta(tssu)");
	dbus_message_unref(m);
	m = reply("ua(tssu)", 1u, 0);
	malformed_is(contract_read_history(m, 100, &h, &f), &f,
	             "the agent's reply to History is not ta(tssu)");
	dbus_message_unref(m);
	/* A total of 2^64-1 is only a number. */
	m = reply("ta(tssu)", UINT64_MAX, 0);
	assert_int_equal(contract_read_history(m, 100, &h, &f), CONTRACT_OK);
	assert_true(h.total == UINT64_MAX);
	assert_int_equal(h.n, 0);
	contract_history_fini(&h);
	dbus_message_unref(m);
}

static void test_history_chain(void **state)
{
	struct contract_chain c;
	struct contract_fault f;
	(void)state;
	DBusMessage *m = wire(reply("ta(tss)", U64(1), 1, U64(1), HASH_0, HASH_A));
	seed(m, "history-chain");
	assert_int_equal(contract_read_history_chain(m, 100, &c, &f), CONTRACT_OK);
	assert_int_equal(c.total, 1);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.rows[0].seq, 1);
	assert_string_equal(c.rows[0].prev, HASH_0);
	assert_string_equal(c.rows[0].hash, HASH_A);
	contract_chain_fini(&c);
	dbus_message_unref(m);
	m = reply("ta(tss)", U64(1), 1, U64(1), HASH_0, "0123");
	malformed_is(contract_read_history_chain(m, 100, &c, &f), &f,
	             "the agent's reply to HistoryChain has a hash that is not 64 lowercase hex "
	             "digits");
	dbus_message_unref(m);
	m = reply("ta(tssu)", U64(0), 0);
	malformed_is(contract_read_history_chain(m, 100, &c, &f), &f,
	             "the agent's reply to HistoryChain is not ta(tss)");
	dbus_message_unref(m);
}

static void test_segments(void **state)
{
	struct contract_segments s;
	struct contract_fault f;
	(void)state;
	DBusMessage *m =
	    wire(reply("ta(tsttuttb)", U64(30), 2, U64(31), "keyboard", U64(T0), U64(0), 12u,
	               U64(340), U64(T0 + 30 * 86400 * USEC_PER_SEC), 0, U64(30), "window.focus",
	               U64(T0 - 300), U64(T0 - 1), 4u, U64(99), U64(T0 + 1), 1));
	seed(m, "list-segments");
	assert_int_equal(contract_read_segments(m, 1000, &s, &f), CONTRACT_OK);
	assert_int_equal(s.total, 30);
	assert_int_equal(s.n, 2);
	/* The open segment, end 0. */
	assert_int_equal(s.rows[0].id, 31);
	assert_int_equal(s.rows[0].stream, STREAM_KEYBOARD);
	assert_int_equal(s.rows[0].start, T0);
	assert_int_equal(s.rows[0].end, 0);
	assert_int_equal(s.rows[0].events, 12);
	assert_int_equal(s.rows[0].bytes, 340);
	assert_int_equal(s.rows[0].expires, T0 + 30 * 86400 * USEC_PER_SEC);
	assert_false(s.rows[0].uploaded);
	assert_int_equal(s.rows[1].stream, STREAM_FOCUS);
	assert_true(s.rows[1].uploaded);
	contract_segments_fini(&s);
	dbus_message_unref(m);
	m = reply("ta(tsst)", U64(1), 1, U64(1), "keyboard", "x", U64(2));
	malformed_is(contract_read_segments(m, 1000, &s, &f), &f,
	             "the agent's reply to ListSegments is not ta(tsttuttb)");
	dbus_message_unref(m);
	m = reply("ta(tsttuttb)", U64(1), 1, U64(1), "", U64(0), U64(0), 0u, U64(0), U64(0), 0);
	malformed_is(contract_read_segments(m, 1000, &s, &f), &f,
	             "the agent's reply to ListSegments has a stream that is not pointer.motion, "
	             "pointer.button, pointer.scroll, keyboard or window.focus");
	dbus_message_unref(m);
}

static void test_read_segment(void **state)
{
	struct contract_events e;
	struct contract_fault f;
	(void)state;
	DBusMessage *m = wire(reply("ua(tsiiis)", 3u, 3, U64(T0), "motion", 512, 384, 0, "",
	                            U64(T0 + 1), "key-press", 0, 0, 30, "letter", U64(T0 + 2),
	                            "focus", 0, 0, 0, "firefox\tNews"));
	seed(m, "read-segment");
	assert_int_equal(contract_read_segment(m, 10000, &e, &f), CONTRACT_OK);
	assert_int_equal(e.total, 3);
	assert_int_equal(e.n, 3);
	assert_false(e.with_stream);
	assert_int_equal(e.rows[0].time, T0);
	assert_int_equal(e.rows[0].kind, CONTRACT_KIND_MOTION);
	assert_int_equal(e.rows[0].stream, STREAM_MOTION);
	assert_int_equal(e.rows[0].x, 512);
	assert_int_equal(e.rows[0].y, 384);
	assert_int_equal(e.rows[1].kind, CONTRACT_KIND_KEY_PRESS);
	assert_int_equal(e.rows[1].stream, STREAM_KEYBOARD);
	assert_int_equal(e.rows[1].code, 30);
	assert_string_equal(e.rows[1].text, "letter");
	assert_int_equal(e.rows[2].stream, STREAM_FOCUS);
	assert_string_equal(e.rows[2].text, "firefox\tNews");
	contract_events_fini(&e);
	dbus_message_unref(m);
	/* capctl data show died of it. */
	m = reply("ua(tiiiis)", 1u, 1, U64(T0), 1, 2, 3, 4, "x");
	malformed_is(contract_read_segment(m, 10000, &e, &f), &f,
	             "the agent's reply to ReadSegment is not ua(tsiiis)");
	dbus_message_unref(m);
	/* And looped for ever on this one: 2^32-1 is a number. */
	m = reply("ua(tsiiis)", 4294967295u, 2, U64(T0), "scroll", 1, 2, -1, "", U64(T0 + 1),
	          "button-release", 1, 2, 3, "");
	assert_int_equal(contract_read_segment(m, 10000, &e, &f), CONTRACT_OK);
	assert_int_equal(e.total, 4294967295u);
	assert_int_equal(e.n, 2);
	assert_int_equal(e.rows[0].code, -1);
	assert_int_equal(e.rows[1].kind, CONTRACT_KIND_BUTTON_RELEASE);
	contract_events_fini(&e);
	dbus_message_unref(m);
	m = reply("ua(tsiiis)", 1u, 1, U64(T0), "pinch", 0, 0, 0, "");
	malformed_is(contract_read_segment(m, 10000, &e, &f), &f,
	             "the agent's reply to ReadSegment has an event kind that is not motion, "
	             "button-press, button-release, scroll, key-press, key-release or focus");
	dbus_message_unref(m);
	m = reply("ua(tsiiis)", 5u, 2, U64(1), "motion", 0, 0, 0, "", U64(2), "motion", 0, 0, 0,
	          "");
	malformed_is(contract_read_segment(m, 1, &e, &f), &f,
	             "the agent's reply to ReadSegment has more rows than the 1 asked for");
	dbus_message_unref(m);
}

static void test_recent(void **state)
{
	struct contract_events e;
	struct contract_fault f;
	(void)state;
	DBusMessage *m =
	    wire(reply("a(stsiiis)", 2, "pointer.button", U64(T0), "button-press", 10, 20, 1, "",
	               "window.focus", U64(T0 - 1), "focus", 0, 0, 0, "xterm"));
	seed(m, "recent-events");
	assert_int_equal(contract_read_recent(m, 1000, &e, &f), CONTRACT_OK);
	assert_int_equal(e.n, 2);
	assert_int_equal(e.total, 2);
	assert_true(e.with_stream);
	assert_int_equal(e.rows[0].stream, STREAM_BUTTON);
	assert_int_equal(e.rows[0].kind, CONTRACT_KIND_BUTTON_PRESS);
	assert_int_equal(e.rows[0].x, 10);
	assert_int_equal(e.rows[0].code, 1);
	assert_string_equal(e.rows[1].text, "xterm");
	contract_events_fini(&e);
	malformed_is(contract_read_recent(m, 1, &e, &f), &f,
	             "the agent's reply to RecentEvents has more rows than the 1 asked for");
	dbus_message_unref(m);
	m = reply("ua(tsiiis)", 0u, 0);
	malformed_is(contract_read_recent(m, 10, &e, &f), &f,
	             "the agent's reply to RecentEvents is not a(stsiiis)");
	dbus_message_unref(m);
}

static void test_activity(void **state)
{
	struct contract_activity a;
	struct contract_fault f;
	(void)state;
	DBusMessage *m = wire(reply("a(taus)", 2, U64(T0), 5, 1u, 2u, 3u, 4u, 5u, "collecting",
	                            U64(T0 + 60 * USEC_PER_SEC), 5, 0u, 0u, 0u, 0u, 0u, "off"));
	seed(m, "activity");
	assert_int_equal(contract_read_activity(m, 2, &a, &f), CONTRACT_OK);
	assert_int_equal(a.n, 2);
	assert_int_equal(a.rows[0].start, T0);
	for (int i = 0; i < N_STREAMS; i++)
		assert_int_equal(a.rows[0].events[i], (uint32_t)i + 1);
	assert_int_equal(a.rows[0].state, CONTRACT_STATE_COLLECTING);
	assert_int_equal(a.rows[1].state, CONTRACT_STATE_OFF);
	contract_activity_fini(&a);
	malformed_is(contract_read_activity(m, 1, &a, &f), &f,
	             "the agent's reply to Activity has more rows than the 1 asked for");
	dbus_message_unref(m);
	m = reply("a(taus)", 1, U64(T0), 4, 1u, 2u, 3u, 4u, "idle");
	malformed_is(contract_read_activity(m, 10, &a, &f), &f,
	             "the agent's reply to Activity has a step whose counts are not 5");
	dbus_message_unref(m);
	m = reply("a(taus)", 1, U64(T0), 6, 1u, 2u, 3u, 4u, 5u, 6u, "idle");
	malformed_is(contract_read_activity(m, 10, &a, &f), &f,
	             "the agent's reply to Activity has a step whose counts are not 5");
	dbus_message_unref(m);
	m = reply("a(taus)", 1, U64(T0), 5, 1u, 2u, 3u, 4u, 5u, "asleep");
	malformed_is(contract_read_activity(m, 10, &a, &f), &f,
	             "the agent's reply to Activity has a state that is not collecting, paused, "
	             "exempt, suspended, idle or off");
	dbus_message_unref(m);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(contract_stream_name(STREAM_SCROLL), "pointer.scroll");
	assert_string_equal(contract_stream_name(N_STREAMS), "");
	assert_string_equal(contract_kind_name(CONTRACT_KIND_KEY_RELEASE), "key-release");
	assert_int_equal(contract_kind_stream(CONTRACT_KIND_SCROLL), STREAM_SCROLL);
	assert_string_equal(contract_status_name(CONTRACT_STATUS_EXPIRED), "expired");
	assert_int_equal(contract_prop_by_name("Consent"), CONTRACT_PROP_CONSENT);
	assert_int_equal(contract_prop_by_name("consent"), N_CONTRACT_PROPS);
	assert_string_equal(contract_prop_name(CONTRACT_PROP_PAUSE_BUDGET_LEFT), "PauseBudgetLeft");
}

/* The decoder against the interface XML, the single source: whatever
 * the XML has, the decoder reads with the same signature, and whatever
 * the decoder requires, the XML has. */
static void test_xml(void **state)
{
	static const char *const methods[] = {"Pause",
	                                      "Resume",
	                                      "Forget",
	                                      "RequestExemption",
	                                      "WithdrawExemption",
	                                      "ListSegments",
	                                      "ReadSegment",
	                                      "DeleteSegments",
	                                      "LimitStream",
	                                      "AcknowledgePolicy",
	                                      "HistoryChain",
	                                      "Activity",
	                                      "RecentEvents",
	                                      "History",
	                                      "DecideExemption"};
	static char buf[65536], out[128];
	(void)state;
	FILE *f = fopen("ipc/org.capctl.Agent1.xml", "r");
	assert_non_null(f);
	buf[fread(buf, 1, sizeof buf - 1, f)] = '\0';
	fclose(f);
	size_t seen = 0;
	for (const char *p = buf; (p = strstr(p, " name=\"")); p++) {
		const char *tag = p;
		while (tag > buf && *tag != '<')
			tag--;
		char name[64];
		sscanf(p + 7, "%63[^\"]", name);
		const struct contract_key *k = contract_entry(name);
		if (strncmp(tag, "<property ", 10) == 0) {
			assert_non_null(k);
			assert_non_null(strstr(tag, "type=\""));
			sscanf(strstr(tag, "type=\"") + 6, "%127[^\"]", out);
			assert_string_equal(k->sig, out);
			seen++;
		} else if (strncmp(tag, "<method ", 8) == 0) {
			assert_non_null(k);
			out[0] = '\0';
			const char *end = strstr(tag, "</method>"), *self = strstr(tag, "/>");
			if (self && self < strchr(tag, '>') + 1)
				end = tag; /* <method .../>: no arguments */
			for (const char *a = tag; (a = strstr(a + 1, "<arg ")) && a < end;) {
				char type[64];
				const char *d = strstr(a, "direction=\"out\"");
				sscanf(strstr(a, "type=\"") + 6, "%63[^\"]", type);
				if (d && d < strchr(a, '>'))
					strcat(out, type);
			}
			assert_string_equal(k->sig, out);
			seen++;
		}
	}
	assert_true(seen >= 24);
	for (int i = 0; i < N_CONTRACT_PROPS; i++) {
		char want[96];
		snprintf(want, sizeof want, "<property name=\"%s\"", contract_prop_name(i));
		assert_true(!contract_entry(contract_prop_name(i))->required || strstr(buf, want));
	}
	for (size_t i = 0; i < ARRAY_SIZE(methods); i++) {
		char want[96];
		snprintf(want, sizeof want, "<method name=\"%s\"", methods[i]);
		assert_true(!contract_entry(methods[i])->required || strstr(buf, want));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_get_all),       cmocka_unit_test(test_get_all_wrong),
	    cmocka_unit_test(test_state_words),   cmocka_unit_test(test_not_yet_required),
	    cmocka_unit_test(test_get),           cmocka_unit_test(test_get_wrong),
	    cmocka_unit_test(test_changed),       cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_small_replies), cmocka_unit_test(test_history),
	    cmocka_unit_test(test_history_chain), cmocka_unit_test(test_segments),
	    cmocka_unit_test(test_read_segment),  cmocka_unit_test(test_recent),
	    cmocka_unit_test(test_activity),      cmocka_unit_test(test_names),
	    cmocka_unit_test(test_xml),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
