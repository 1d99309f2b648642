/* The contract's table, its a{sv} dictionaries and the properties:
 * GetAll, Get and PropertiesChanged. */
#include "contract-read.h"
#include "i18n.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* (sbsstt) */
static int stream_row(struct contract_ctx *x, DBusMessageIter *st, void *row)
{
	struct contract_stream *s = row;
	int r = contract_get_stream(x, st, &s->stream);
	if (r < 0)
		return r;
	s->recording = contract_get_bool(st);
	if ((r = contract_get_str(x, st, &s->fidelity)) < 0 ||
	    (r = contract_get_str(x, st, &s->description)) < 0)
		return r;
	s->events = contract_get_u64(st);
	s->bytes = contract_get_u64(st);
	return 0;
}

static void stream_free(void *row)
{
	struct contract_stream *s = row;
	free(s->fidelity);
	free(s->description);
}

/* (sssssstt) */
static int exemption_row(struct contract_ctx *x, DBusMessageIter *st, void *row)
{
	struct contract_exemption *e = row;
	int r;
	if ((r = contract_get_str(x, st, &e->id)) < 0 ||
	    (r = contract_get_str(x, st, &e->scope)) < 0 ||
	    (r = contract_get_str(x, st, &e->category)) < 0 ||
	    (r = contract_get_status(x, st, &e->status)) < 0 ||
	    (r = contract_get_str(x, st, &e->reason)) < 0 ||
	    (r = contract_get_str(x, st, &e->note)) < 0)
		return r;
	e->created = contract_get_u64(st);
	e->expires = contract_get_u64(st);
	return 0;
}

static void exemption_free(void *row)
{
	struct contract_exemption *e = row;
	free(e->id);
	free(e->scope);
	free(e->category);
	free(e->reason);
	free(e->note);
}

/* (ss) */
static int limit_row(struct contract_ctx *x, DBusMessageIter *st, void *row)
{
	struct contract_limit *l = row;
	int r = contract_get_stream(x, st, &l->stream);
	return r < 0 ? r : contract_get_str(x, st, &l->fidelity);
}

static void limit_free(void *row)
{
	free(((struct contract_limit *)row)->fidelity);
}

/* (sss) */
static int change_row(struct contract_ctx *x, DBusMessageIter *st, void *row)
{
	struct contract_change *c = row;
	int r;
	if ((r = contract_get_str(x, st, &c->key)) < 0 ||
	    (r = contract_get_str(x, st, &c->then)) < 0)
		return r;
	return contract_get_str(x, st, &c->now);
}

static void change_free(void *row)
{
	struct contract_change *c = row;
	free(c->key);
	free(c->then);
	free(c->now);
}

/* ---- the table ---- */

/* A value at it into the field at base + offset. */
typedef int (*read_fn)(struct contract_ctx *x, DBusMessageIter *it, void *base, size_t offset);

static int read_s(struct contract_ctx *x, DBusMessageIter *it, void *base, size_t offset)
{
	return contract_get_str(x, it, (char **)((char *)base + offset));
}

static int read_t(struct contract_ctx *x, DBusMessageIter *it, void *base, size_t offset)
{
	(void)x;
	*(uint64_t *)((char *)base + offset) = contract_get_u64(it);
	return 0;
}

static int read_u(struct contract_ctx *x, DBusMessageIter *it, void *base, size_t offset)
{
	(void)x;
	*(uint32_t *)((char *)base + offset) = contract_get_u32(it);
	return 0;
}

static int read_d(struct contract_ctx *x, DBusMessageIter *it, void *base, size_t offset)
{
	(void)x;
	*(double *)((char *)base + offset) = contract_get_double(it);
	return 0;
}

static int read_b(struct contract_ctx *x, DBusMessageIter *it, void *base, size_t offset)
{
	(void)x;
	*(bool *)((char *)base + offset) = contract_get_bool(it);
	return 0;
}

static int read_digest(struct contract_ctx *x, DBusMessageIter *it, void *base, size_t offset)
{
	return contract_get_hash(x, it, false, (char **)((char *)base + offset));
}

static int read_ack_digest(struct contract_ctx *x, DBusMessageIter *it, void *base, size_t offset)
{
	return contract_get_hash(x, it, true, (char **)((char *)base + offset));
}

static int read_state(struct contract_ctx *x, DBusMessageIter *it, void *base, size_t offset)
{
	return contract_get_state(x, it, false, NULL,
	                          (enum contract_state *)((char *)base + offset));
}

static int read_streams(struct contract_ctx *x, DBusMessageIter *it, void *base, size_t offset)
{
	struct contract_props *p = base;
	(void)offset;
	return contract_rows(x, it, sizeof *p->streams, stream_row, stream_free, 0,
	                     (void **)&p->streams, &p->n_streams);
}

static int read_exemptions(struct contract_ctx *x, DBusMessageIter *it, void *base, size_t offset)
{
	struct contract_props *p = base;
	(void)offset;
	return contract_rows(x, it, sizeof *p->exemptions, exemption_row, exemption_free, 0,
	                     (void **)&p->exemptions, &p->n_exemptions);
}

static int read_limits(struct contract_ctx *x, DBusMessageIter *it, void *base, size_t offset)
{
	struct contract_props *p = base;
	(void)offset;
	return contract_rows(x, it, sizeof *p->limits, limit_row, limit_free, 0,
	                     (void **)&p->limits, &p->n_limits);
}

static int read_changes(struct contract_ctx *x, DBusMessageIter *it, void *base, size_t offset)
{
	struct contract_consent *c = base;
	(void)offset;
	return contract_rows(x, it, sizeof *c->changes, change_row, change_free, 0,
	                     (void **)&c->changes, &c->n_changes);
}

static int read_dict(struct contract_ctx *x, DBusMessageIter *it, void *base, size_t offset);

enum entry_kind { E_PROP, E_KEY, E_METHOD };

struct entry {
	enum entry_kind kind;
	const char *owner; /* a key's property */
	struct contract_key k;
	read_fn read;
};

#define PROP(name, sig, req, fn, field)                                                            \
	{                                                                                          \
		E_PROP, NULL, {name, sig, req, offsetof(struct contract_props, field)}, fn         \
	}
#define KEY(owner, type, key, sig, req, fn)                                                        \
	{                                                                                          \
		E_KEY, owner, {#key, sig, req, offsetof(type, key)}, fn                            \
	}
#define METHOD(name, sig, req)                                                                     \
	{                                                                                          \
		E_METHOD, NULL, {name, sig, req, 0}, NULL                                          \
	}
#define UPLOAD(key, sig, req, fn) KEY("Upload", struct contract_upload, key, sig, req, fn)
#define POWER(key, sig, req, fn) KEY("Power", struct contract_power, key, sig, req, fn)
#define RETENTION(key, sig, req, fn) KEY("Retention", struct contract_retention, key, sig, req, fn)
#define NOTICE(key) KEY("Notice", struct contract_notice, key, "s", true, read_s)
#define CONSENT(key, sig, fn) KEY("Consent", struct contract_consent, key, sig, true, fn)

/* The whole contract as a client reads it. The third column says what
 * the agent must send: false marks what it does not serve yet (read
 * exactly when it comes); each flips to true on its own line once it
 * does. Properties come first, in enum contract_prop's order, and each
 * dictionary's keys together, in the order of their struct. */
static const struct entry table[] = {
    PROP("Version", "s", true, read_s, version),
    PROP("State", "s", true, read_state, state),
    PROP("StateReason", "s", true, read_s, state_reason),
    PROP("PausedUntil", "t", true, read_t, paused_until),
    PROP("MaxPauseSeconds", "u", true, read_u, max_pause_seconds),
    PROP("PauseBudgetSeconds", "u", true, read_u, pause_budget_seconds),
    PROP("PauseBudgetLeft", "u", true, read_u, pause_budget_left),
    PROP("Streams", "a(sbsstt)", true, read_streams, streams),
    PROP("Exemptions", "a(sssssstt)", true, read_exemptions, exemptions),
    PROP("Upload", "a{sv}", true, read_dict, upload),
    PROP("Power", "a{sv}", true, read_dict, power),
    PROP("Retention", "a{sv}", true, read_dict, retention),
    PROP("Notice", "a{sv}", true, read_dict, notice),
    PROP("PersonalLimits", "a(ss)", true, read_limits, limits),
    PROP("Consent", "a{sv}", true, read_dict, consent),

    UPLOAD(endpoint, "s", true, read_s),
    UPLOAD(bytes_today, "t", true, read_t),
    UPLOAD(bytes_total, "t", true, read_t),
    UPLOAD(daily_cap, "t", true, read_t),
    UPLOAD(rate_bps, "d", true, read_d),
    UPLOAD(pending_bytes, "t", true, read_t),
    UPLOAD(next_upload, "t", true, read_t),
    UPLOAD(last_upload, "t", true, read_t),
    UPLOAD(deferred, "s", true, read_s),
    UPLOAD(last_error, "s", true, read_s),
    UPLOAD(compression_ratio, "d", true, read_d),
    UPLOAD(held_bytes, "t", true, read_t),
    UPLOAD(next_release, "t", true, read_t),
    /* Not in the contract: the reference agent's review hold, for the
     * time each held segment leaves. Never required. */
    UPLOAD(hold_seconds, "u", false, read_u),

    POWER(on_battery, "b", true, read_b),
    POWER(battery_percent, "d", true, read_d),
    POWER(cpu_seconds, "d", true, read_d),
    POWER(cpu_percent, "d", true, read_d),
    POWER(wakeups_per_second, "d", true, read_d),
    POWER(estimated_mw, "d", true, read_d),
    POWER(saver, "b", true, read_b),
    /* Not in the contract: the reference agent adds it where it can
     * measure the draw. Never required. */
    POWER(measured_mw, "d", false, read_d),

    RETENTION(days, "u", true, read_u),
    RETENTION(segments, "u", true, read_u),
    RETENTION(bytes, "t", true, read_t),
    RETENTION(oldest, "t", true, read_t),
    RETENTION(deletion_allowed, "b", true, read_b),
    RETENTION(last_error, "s", true, read_s),

    NOTICE(purpose),
    NOTICE(retention),
    NOTICE(anonymization),
    NOTICE(model_access),
    NOTICE(contact),
    NOTICE(version),

    CONSENT(digest, "s", read_digest),
    CONSENT(acknowledged_digest, "s", read_ack_digest),
    CONSENT(acknowledged, "t", read_t),
    CONSENT(wait_for_acknowledgment, "b", read_b),
    CONSENT(waiting, "b", read_b),
    CONSENT(changes, "a(sss)", read_changes),

    METHOD("GetAll", "a{sv}", true),
    METHOD("Get", "v", true),
    METHOD("Pause", "t", true),
    METHOD("Resume", "", true),
    METHOD("Forget", "u", true),
    METHOD("RequestExemption", "s", true),
    METHOD("WithdrawExemption", "", true),
    METHOD("DecideExemption", "", true),
    METHOD("ListSegments", "ta(tsttuttb)", true),
    METHOD("ReadSegment", "ua(tsiiis)", true),
    METHOD("DeleteSegments", "u", true),
    METHOD("RecentEvents", "a(stsiiis)", true),
    METHOD("History", "ta(tssu)", true),
    METHOD("LimitStream", "", true),
    METHOD("AcknowledgePolicy", "", true),
    METHOD("HistoryChain", "ta(tss)", true),
    METHOD("Activity", "a(taus)", true),
};

_Static_assert(offsetof(struct contract_upload, has) == 0, "has comes first");
_Static_assert(offsetof(struct contract_power, has) == 0, "has comes first");
_Static_assert(offsetof(struct contract_retention, has) == 0, "has comes first");
_Static_assert(offsetof(struct contract_notice, has) == 0, "has comes first");
_Static_assert(offsetof(struct contract_consent, has) == 0, "has comes first");

const char *contract_prop_name(enum contract_prop p)
{
	return p < N_CONTRACT_PROPS ? table[p].k.name : "";
}

enum contract_prop contract_prop_by_name(const char *name)
{
	for (int i = 0; i < N_CONTRACT_PROPS; i++)
		if (strcmp(table[i].k.name, name) == 0)
			return (enum contract_prop)i;
	return N_CONTRACT_PROPS;
}

const struct contract_key *contract_entry(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(table); i++)
		if (table[i].kind != E_KEY && strcmp(table[i].k.name, name) == 0)
			return &table[i].k;
	return NULL;
}

/* The table's run of keys of property owner: n of them. */
static const struct entry *dict_keys(const char *owner, size_t *n)
{
	const struct entry *first = NULL;
	*n = 0;
	for (size_t i = 0; i < ARRAY_SIZE(table); i++) {
		if (table[i].kind != E_KEY || strcmp(table[i].owner, owner) != 0)
			continue;
		if (!first)
			first = &table[i];
		(*n)++;
	}
	return first;
}

size_t contract_dict_size(enum contract_prop p)
{
	size_t n = 0;
	if (p < N_CONTRACT_PROPS)
		dict_keys(table[p].k.name, &n);
	return n;
}

const struct contract_key *contract_dict_key(enum contract_prop p, size_t i)
{
	size_t n = 0;
	const struct entry *k = p < N_CONTRACT_PROPS ? dict_keys(table[p].k.name, &n) : NULL;
	return i < n ? &k[i].k : NULL;
}

bool contract_key_present(enum contract_prop p, uint32_t has, size_t offset)
{
	size_t n = contract_dict_size(p);
	for (size_t i = 0; i < n; i++)
		if (contract_dict_key(p, i)->offset == offset)
			return has & (1u << i);
	return false;
}

/* An a{sv} property: the listed keys of their exact types, the required
 * ones all there, each once; other keys are ignored. */
static int read_dict(struct contract_ctx *x, DBusMessageIter *it, void *base, size_t offset)
{
	DBusMessageIter arr, e, v;
	size_t n;
	const struct entry *keys = dict_keys(x->name, &n);
	uint32_t *has = (uint32_t *)((char *)base + offset);
	int r;
	dbus_message_iter_recurse(it, &arr);
	for (; dbus_message_iter_get_arg_type(&arr) != DBUS_TYPE_INVALID;
	     dbus_message_iter_next(&arr)) {
		const char *name;
		size_t i = 0;
		dbus_message_iter_recurse(&arr, &e);
		dbus_message_iter_get_basic(&e, &name);
		dbus_message_iter_next(&e);
		dbus_message_iter_recurse(&e, &v);
		while (i < n && strcmp(keys[i].k.name, name) != 0)
			i++;
		if (i == n)
			continue;
		if (*has & (1u << i))
			return contract_bad(x, _("has the key %s twice"), keys[i].k.name);
		char *sig = contract_signature(&v);
		if (strcmp(sig, keys[i].k.sig) != 0) {
			r = contract_bad(x, _("has %s of type %s, not %s"), keys[i].k.name, sig,
			                 keys[i].k.sig);
			dbus_free(sig);
			return r;
		}
		dbus_free(sig);
		if ((r = keys[i].read(x, &v, has, keys[i].k.offset)) < 0)
			return r;
		*has |= 1u << i;
	}
	for (size_t i = 0; i < n; i++)
		if (keys[i].k.required && !(*has & (1u << i)))
			return contract_bad(x, _("has no key %s"), keys[i].k.name);
	return 0;
}

/* ---- properties ---- */

static void dict_clear(enum contract_prop p, void *dict, size_t size)
{
	size_t n = contract_dict_size(p);
	for (size_t i = 0; i < n; i++) {
		const struct contract_key *k = contract_dict_key(p, i);
		if (strcmp(k->sig, "s") == 0)
			free(*(char **)((char *)dict + k->offset));
	}
	if (p == CONTRACT_PROP_CONSENT) {
		struct contract_consent *c = dict;
		contract_rows_free(c->changes, c->n_changes, sizeof *c->changes, change_free);
	}
	memset(dict, 0, size);
}

/* Empties one property's field. */
static void prop_clear(struct contract_props *p, enum contract_prop which)
{
	switch (which) {
	case CONTRACT_PROP_VERSION:
	case CONTRACT_PROP_STATE_REASON:
		free(*(char **)((char *)p + table[which].k.offset));
		*(char **)((char *)p + table[which].k.offset) = NULL;
		break;
	case CONTRACT_PROP_STREAMS:
		contract_rows_free(p->streams, p->n_streams, sizeof *p->streams, stream_free);
		p->streams = NULL;
		p->n_streams = 0;
		break;
	case CONTRACT_PROP_EXEMPTIONS:
		contract_rows_free(p->exemptions, p->n_exemptions, sizeof *p->exemptions,
		                   exemption_free);
		p->exemptions = NULL;
		p->n_exemptions = 0;
		break;
	case CONTRACT_PROP_PERSONAL_LIMITS:
		contract_rows_free(p->limits, p->n_limits, sizeof *p->limits, limit_free);
		p->limits = NULL;
		p->n_limits = 0;
		break;
	case CONTRACT_PROP_UPLOAD:
		dict_clear(which, &p->upload, sizeof p->upload);
		break;
	case CONTRACT_PROP_POWER:
		dict_clear(which, &p->power, sizeof p->power);
		break;
	case CONTRACT_PROP_RETENTION:
		dict_clear(which, &p->retention, sizeof p->retention);
		break;
	case CONTRACT_PROP_NOTICE:
		dict_clear(which, &p->notice, sizeof p->notice);
		break;
	case CONTRACT_PROP_CONSENT:
		dict_clear(which, &p->consent, sizeof p->consent);
		break;
	default: /* numbers and the state word: nothing held */
		break;
	}
	p->has &= ~(1u << which);
}

void contract_props_fini(struct contract_props *p)
{
	for (int i = 0; i < N_CONTRACT_PROPS; i++)
		prop_clear(p, (enum contract_prop)i);
	memset(p, 0, sizeof *p);
}

/* The property which from the variant at v. On failure the property is
 * left empty, marked bad, and out (when not already set) gets the
 * sentence. */
static void read_prop(struct contract_props *p, enum contract_prop which, DBusMessageIter *v,
                      char **out)
{
	struct contract_ctx x = {N_("property"), table[which].k.name, NULL};
	DBusMessageIter val;
	dbus_message_iter_recurse(v, &val);
	char *sig = contract_signature(&val);
	int r = 0;
	if (strcmp(sig, table[which].k.sig) != 0)
		r = contract_bad(&x, _("is not %s"), table[which].k.sig);
	dbus_free(sig);
	if (r == 0)
		r = table[which].read(&x, &val, p, table[which].k.offset);
	if (r == 0) {
		p->has |= 1u << which;
		p->bad &= ~(1u << which);
		return;
	}
	prop_clear(p, which);
	p->bad |= 1u << which;
	if (!*out)
		*out = x.error;
	else
		free(x.error);
}

/* The a{sv} of properties at it (GetAll, PropertiesChanged); names the
 * contract does not have are ignored. */
static void read_props(struct contract_ctx *x, DBusMessageIter *it, struct contract_props *p)
{
	DBusMessageIter arr, e;
	dbus_message_iter_recurse(it, &arr);
	for (; dbus_message_iter_get_arg_type(&arr) != DBUS_TYPE_INVALID;
	     dbus_message_iter_next(&arr)) {
		const char *name;
		dbus_message_iter_recurse(&arr, &e);
		dbus_message_iter_get_basic(&e, &name);
		dbus_message_iter_next(&e);
		enum contract_prop which = contract_prop_by_name(name);
		if (which == N_CONTRACT_PROPS)
			continue;
		if ((p->has | p->bad) & (1u << which)) {
			/* Which of the two is meant cannot be told. */
			prop_clear(p, which);
			p->bad |= 1u << which;
			contract_bad(x, _("has the property %s twice"), table[which].k.name);
			continue;
		}
		read_prop(p, which, &e, &x->error);
	}
}

enum contract_result contract_read_get_all(DBusMessage *reply, struct contract_props *p,
                                           struct contract_fault *f)
{
	struct contract_ctx x = {N_("reply to"), "GetAll", NULL};
	DBusMessageIter it;
	*p = (struct contract_props){0};
	enum contract_result r = contract_check_reply(reply, "GetAll", f);
	if (r == CONTRACT_MALFORMED && dbus_message_get_type(reply) != DBUS_MESSAGE_TYPE_ERROR) {
		/* An answer of another shape: none of it is known. */
		for (int i = 0; i < N_CONTRACT_PROPS; i++)
			if (table[i].k.required)
				p->bad |= 1u << i;
	}
	if (r != CONTRACT_OK)
		return r;
	dbus_message_iter_init(reply, &it);
	read_props(&x, &it, p);
	for (int i = 0; i < N_CONTRACT_PROPS; i++) {
		if (!table[i].k.required || ((p->has | p->bad) & (1u << i)))
			continue;
		p->bad |= 1u << i;
		contract_bad(&x, _("has no property %s"), table[i].k.name);
	}
	return x.error ? contract_malformed(f, x.error) : CONTRACT_OK;
}

enum contract_result contract_read_get(DBusMessage *reply, enum contract_prop prop,
                                       struct contract_props *p, struct contract_fault *f)
{
	DBusMessageIter it;
	char *error = NULL;
	*p = (struct contract_props){0};
	enum contract_result r = contract_check_reply(reply, "Get", f);
	if (r == CONTRACT_REFUSED && table[prop].k.required &&
	    strcmp(f->name, DBUS_ERR_UNKNOWN_PROPERTY) == 0) {
		contract_fault_fini(f);
		return contract_malformed(
		    f, xasprintf(_("the agent does not implement the property %s"),
		                 table[prop].k.name));
	}
	if (r != CONTRACT_OK)
		return r;
	dbus_message_iter_init(reply, &it);
	read_prop(p, prop, &it, &error);
	return error ? contract_malformed(f, error) : CONTRACT_OK;
}

enum contract_result contract_read_changed(DBusMessage *sig, struct contract_changed *c,
                                           struct contract_fault *f)
{
	struct contract_ctx x = {N_("signal"), "PropertiesChanged", NULL};
	DBusMessageIter it, arr;
	const char *iface;
	*c = (struct contract_changed){0};
	*f = (struct contract_fault){0};
	if (!dbus_message_has_signature(sig, "sa{sv}as")) {
		contract_bad(&x, _("is not %s"), "sa{sv}as");
		return contract_malformed(f, x.error);
	}
	dbus_message_iter_init(sig, &it);
	dbus_message_iter_get_basic(&it, &iface);
	if (strcmp(iface, CAPCTL_IFACE) != 0)
		return CONTRACT_OK;
	dbus_message_iter_next(&it);
	read_props(&x, &it, &c->props);
	dbus_message_iter_next(&it);
	dbus_message_iter_recurse(&it, &arr);
	for (; dbus_message_iter_get_arg_type(&arr) != DBUS_TYPE_INVALID;
	     dbus_message_iter_next(&arr)) {
		const char *name;
		dbus_message_iter_get_basic(&arr, &name);
		enum contract_prop p = contract_prop_by_name(name);
		if (p != N_CONTRACT_PROPS)
			c->invalidated |= 1u << p;
	}
	return x.error ? contract_malformed(f, x.error) : CONTRACT_OK;
}

void contract_changed_fini(struct contract_changed *c)
{
	contract_props_fini(&c->props);
	c->invalidated = 0;
}
