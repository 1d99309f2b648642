/* Parsing is defensive: a value of an unexpected type is ignored rather
 * than trusted, since anything on the bus may claim the agent's interface
 * on a misconfigured bus and the console must not crash on it. */
#include "model/model.h"
#include "names.h"
#include "util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const prop_names[N_MODEL_PROPS] = {
    "Version",         "State",           "StateReason",
    "PausedUntil",     "MaxPauseSeconds", "PauseBudgetSeconds",
    "PauseBudgetLeft", "Streams",         "Exemptions",
    "Upload",          "Power",           "Retention",
    "Notice",
};

enum model_prop model_prop_by_name(const char *name)
{
	for (int i = 0; i < N_MODEL_PROPS; i++)
		if (strcmp(prop_names[i], name) == 0)
			return (enum model_prop)i;
	return N_MODEL_PROPS;
}

const char *model_prop_name(enum model_prop p)
{
	return p < N_MODEL_PROPS ? prop_names[p] : "";
}

static void set_str(char **field, const char *v)
{
	free(*field);
	*field = xstrdup(v ? v : "");
}

static bool str_changed(const char *old, const char *v)
{
	return !old || strcmp(old, v) != 0;
}

/* ---- lifecycle ---- */

static void streams_free(struct model_stream *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(s[i].id);
		free(s[i].fidelity);
		free(s[i].description);
	}
	free(s);
}

static void exemptions_free(struct model_exemption *e, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(e[i].id);
		free(e[i].scope);
		free(e[i].category);
		free(e[i].status);
		free(e[i].reason);
		free(e[i].note);
	}
	free(e);
}

static void hist_row_free(void *row)
{
	struct model_hist_entry *e = row;
	free(e->action);
	free(e->detail);
}

static void seg_row_free(void *row)
{
	free(((struct model_segment *)row)->stream);
}

static void event_free(void *row)
{
	struct model_event *e = row;
	free(e->stream);
	free(e->kind);
	free(e->text);
}

static void spark_clear(struct model_spark *s)
{
	memset(s, 0, sizeof *s);
}

static void props_clear(struct model *m)
{
	free(m->version);
	free(m->state);
	free(m->state_reason);
	streams_free(m->streams, m->n_streams);
	exemptions_free(m->ex, m->n_ex);
	free(m->upload.endpoint);
	free(m->upload.deferred);
	free(m->upload.last_error);
	free(m->notice.purpose);
	free(m->notice.retention);
	free(m->notice.anonymization);
	free(m->notice.model_access);
	free(m->notice.contact);
	free(m->notice.version);
	m->version = m->state = m->state_reason = NULL;
	m->streams = NULL;
	m->n_streams = 0;
	m->ex = NULL;
	m->n_ex = 0;
	m->upload = (struct model_upload){0};
	m->power = (struct model_power){.battery_percent = -1, .measured_mw = -1};
	m->retention = (struct model_retention){0};
	m->notice = (struct model_notice){0};
	m->paused_until = 0;
	m->max_pause_seconds = m->budget_seconds = m->budget_left = 0;
	m->budget_left_at = 0;
	m->loaded = 0;
	free(m->refusal);
	m->refusal = NULL;
	spark_clear(&m->upload_rate);
	spark_clear(&m->power_mw);
}

/* Everything fetched apart from the properties. */
static void lists_clear(struct model *m)
{
	pages_reset(&m->hist);
	pages_reset(&m->segs);
	pages_reset(&m->segev);
	m->segev_id = 0;
	model_recent_reset(m);
}

void model_init(struct model *m)
{
	memset(m, 0, sizeof *m);
	m->link = MODEL_LINK_CONNECTING;
	m->power.battery_percent = -1;
	m->power.measured_mw = -1;
	pages_init(&m->hist, MODEL_HIST_PAGE_SIZE, sizeof(struct model_hist_entry), hist_row_free);
	pages_init(&m->segs, MODEL_SEGS_PAGE_SIZE, sizeof(struct model_segment), seg_row_free);
	pages_init(&m->segev, MODEL_SEGEV_PAGE_SIZE, sizeof(struct model_event), event_free);
}

void model_fini(struct model *m)
{
	props_clear(m);
	lists_clear(m);
	free(m->owner);
	m->owner = NULL;
}

unsigned model_set_link(struct model *m, enum model_link link, const char *owner)
{
	bool same_owner = m->owner && owner && strcmp(m->owner, owner) == 0;
	if (link == m->link && (link != MODEL_LINK_LIVE || same_owner))
		return 0;
	free(m->owner);
	m->owner = owner ? xstrdup(owner) : NULL;
	/* A new owner is a new agent (or a restarted one): nothing heard from
	 * the old one is known to hold. */
	props_clear(m);
	lists_clear(m);
	m->link = link;
	return MODEL_DIRTY_LINK | MODEL_DIRTY_STATE | MODEL_DIRTY_COUNTERS |
	       MODEL_DIRTY_EXEMPTIONS | MODEL_DIRTY_NOTICE | MODEL_DIRTY_HISTORY |
	       MODEL_DIRTY_DATA | MODEL_DIRTY_LIVE;
}

/* ---- values ---- */

static bool get_u64(DBusMessageIter *it, uint64_t *out)
{
	DBusBasicValue v;
	int t = dbus_message_iter_get_arg_type(it);
	if (!dbus_type_is_basic(t))
		return false;
	dbus_message_iter_get_basic(it, &v);
	switch (t) {
	case DBUS_TYPE_BYTE:
		*out = v.byt;
		return true;
	case DBUS_TYPE_UINT16:
		*out = v.u16;
		return true;
	case DBUS_TYPE_UINT32:
		*out = v.u32;
		return true;
	case DBUS_TYPE_UINT64:
		*out = v.u64;
		return true;
	case DBUS_TYPE_INT16:
		*out = v.i16 < 0 ? 0 : (uint64_t)v.i16;
		return true;
	case DBUS_TYPE_INT32:
		*out = v.i32 < 0 ? 0 : (uint64_t)v.i32;
		return true;
	case DBUS_TYPE_INT64:
		*out = v.i64 < 0 ? 0 : (uint64_t)v.i64;
		return true;
	default:
		return false;
	}
}

static bool get_double(DBusMessageIter *it, double *out)
{
	int t = dbus_message_iter_get_arg_type(it);
	if (t == DBUS_TYPE_DOUBLE) {
		dbus_message_iter_get_basic(it, out);
		return true;
	}
	if (t == DBUS_TYPE_INT16 || t == DBUS_TYPE_INT32 || t == DBUS_TYPE_INT64) {
		DBusBasicValue v;
		dbus_message_iter_get_basic(it, &v);
		*out = t == DBUS_TYPE_INT16 ? v.i16 : t == DBUS_TYPE_INT32 ? v.i32 : (double)v.i64;
		return true;
	}
	uint64_t u;
	if (get_u64(it, &u)) {
		*out = (double)u;
		return true;
	}
	return false;
}

static bool get_str(DBusMessageIter *it, const char **out)
{
	if (dbus_message_iter_get_arg_type(it) != DBUS_TYPE_STRING)
		return false;
	dbus_message_iter_get_basic(it, out);
	return true;
}

static bool get_bool(DBusMessageIter *it, bool *out)
{
	dbus_bool_t b;
	if (dbus_message_iter_get_arg_type(it) != DBUS_TYPE_BOOLEAN)
		return false;
	dbus_message_iter_get_basic(it, &b);
	*out = b;
	return true;
}

/* Walks the struct fields of it in turn: "s" string, "b" bool, "t" any
 * unsigned number. Returns false on the first mismatch. */
static bool get_fields(DBusMessageIter *st, const char *sig, void **out)
{
	for (size_t i = 0; sig[i]; i++) {
		bool ok;
		if (i > 0 && !dbus_message_iter_next(st))
			return false;
		if (sig[i] == 's')
			ok = get_str(st, (const char **)out[i]);
		else if (sig[i] == 'b')
			ok = get_bool(st, (bool *)out[i]);
		else
			ok = get_u64(st, (uint64_t *)out[i]);
		if (!ok)
			return false;
	}
	return true;
}

static int set_streams(struct model *m, DBusMessageIter *it)
{
	DBusMessageIter arr, st;
	struct model_stream *s = NULL;
	size_t n = 0;
	int dirty = MODEL_DIRTY_COUNTERS;

	if (dbus_message_iter_get_arg_type(it) != DBUS_TYPE_ARRAY)
		return -1;
	dbus_message_iter_recurse(it, &arr);
	while (dbus_message_iter_get_arg_type(&arr) == DBUS_TYPE_STRUCT) {
		const char *id, *fid, *desc;
		bool rec;
		uint64_t events, bytes;
		void *out[] = {&id, &rec, &fid, &desc, &events, &bytes};
		dbus_message_iter_recurse(&arr, &st);
		if (!get_fields(&st, "sbsstt", out)) {
			streams_free(s, n);
			return -1;
		}
		s = xrealloc(s, (n + 1) * sizeof *s);
		s[n++] = (struct model_stream){xstrdup(id), xstrdup(fid), xstrdup(desc),
		                               rec,         events,       bytes};
		dbus_message_iter_next(&arr);
	}
	if (dbus_message_iter_get_arg_type(&arr) != DBUS_TYPE_INVALID) {
		streams_free(s, n);
		return -1;
	}
	/* Whether a stream records, and what it keeps, is state: shown at
	 * once, not at the next counter refresh. */
	if (n != m->n_streams) {
		dirty |= MODEL_DIRTY_STATE;
	} else {
		for (size_t i = 0; i < n; i++)
			if (s[i].recording != m->streams[i].recording ||
			    strcmp(s[i].id, m->streams[i].id) != 0 ||
			    strcmp(s[i].fidelity, m->streams[i].fidelity) != 0 ||
			    strcmp(s[i].description, m->streams[i].description) != 0)
				dirty |= MODEL_DIRTY_STATE;
	}
	streams_free(m->streams, m->n_streams);
	m->streams = s;
	m->n_streams = n;
	return dirty;
}

static int set_exemptions(struct model *m, DBusMessageIter *it)
{
	DBusMessageIter arr, st;
	struct model_exemption *e = NULL;
	size_t n = 0;

	if (dbus_message_iter_get_arg_type(it) != DBUS_TYPE_ARRAY)
		return -1;
	dbus_message_iter_recurse(it, &arr);
	while (dbus_message_iter_get_arg_type(&arr) == DBUS_TYPE_STRUCT) {
		const char *id, *scope, *cat, *status, *reason, *note;
		uint64_t created, expires;
		void *out[] = {&id, &scope, &cat, &status, &reason, &note, &created, &expires};
		dbus_message_iter_recurse(&arr, &st);
		if (!get_fields(&st, "sssssstt", out)) {
			exemptions_free(e, n);
			return -1;
		}
		e = xrealloc(e, (n + 1) * sizeof *e);
		e[n++] = (struct model_exemption){xstrdup(id),     xstrdup(scope),  xstrdup(cat),
		                                  xstrdup(status), xstrdup(reason), xstrdup(note),
		                                  created,         expires};
		dbus_message_iter_next(&arr);
	}
	if (dbus_message_iter_get_arg_type(&arr) != DBUS_TYPE_INVALID) {
		exemptions_free(e, n);
		return -1;
	}
	exemptions_free(m->ex, m->n_ex);
	m->ex = e;
	m->n_ex = n;
	return MODEL_DIRTY_EXEMPTIONS;
}

/* Calls fn for each entry of an a{sv} with the iterator on the value. */
static bool each_entry(DBusMessageIter *it,
                       void (*fn)(void *ctx, const char *k, DBusMessageIter *v), void *ctx)
{
	DBusMessageIter arr, e, v;
	if (dbus_message_iter_get_arg_type(it) != DBUS_TYPE_ARRAY ||
	    dbus_message_iter_get_element_type(it) != DBUS_TYPE_DICT_ENTRY)
		return false;
	dbus_message_iter_recurse(it, &arr);
	while (dbus_message_iter_get_arg_type(&arr) == DBUS_TYPE_DICT_ENTRY) {
		const char *k;
		dbus_message_iter_recurse(&arr, &e);
		if (get_str(&e, &k) && dbus_message_iter_next(&e) &&
		    dbus_message_iter_get_arg_type(&e) == DBUS_TYPE_VARIANT) {
			dbus_message_iter_recurse(&e, &v);
			fn(ctx, k, &v);
		}
		dbus_message_iter_next(&arr);
	}
	return true;
}

static void upload_entry(void *ctx, const char *k, DBusMessageIter *v)
{
	struct model_upload *u = ctx;
	const char *s;
	if (strcmp(k, "endpoint") == 0 && get_str(v, &s))
		set_str(&u->endpoint, s);
	else if (strcmp(k, "deferred") == 0 && get_str(v, &s))
		set_str(&u->deferred, s);
	else if (strcmp(k, "last_error") == 0 && get_str(v, &s))
		set_str(&u->last_error, s);
	else if (strcmp(k, "bytes_today") == 0)
		get_u64(v, &u->bytes_today);
	else if (strcmp(k, "bytes_total") == 0)
		get_u64(v, &u->bytes_total);
	else if (strcmp(k, "daily_cap") == 0)
		get_u64(v, &u->daily_cap);
	else if (strcmp(k, "pending_bytes") == 0)
		get_u64(v, &u->pending_bytes);
	else if (strcmp(k, "next_upload") == 0)
		get_u64(v, &u->next_upload);
	else if (strcmp(k, "last_upload") == 0)
		get_u64(v, &u->last_upload);
	else if (strcmp(k, "rate_bps") == 0)
		get_double(v, &u->rate_bps);
	else if (strcmp(k, "compression_ratio") == 0)
		get_double(v, &u->compression_ratio);
}

static void power_entry(void *ctx, const char *k, DBusMessageIter *v)
{
	struct model_power *p = ctx;
	if (strcmp(k, "on_battery") == 0)
		get_bool(v, &p->on_battery);
	else if (strcmp(k, "saver") == 0)
		get_bool(v, &p->saver);
	else if (strcmp(k, "battery_percent") == 0)
		get_double(v, &p->battery_percent);
	else if (strcmp(k, "cpu_seconds") == 0)
		get_double(v, &p->cpu_seconds);
	else if (strcmp(k, "cpu_percent") == 0)
		get_double(v, &p->cpu_percent);
	else if (strcmp(k, "wakeups_per_second") == 0)
		get_double(v, &p->wakeups_per_second);
	else if (strcmp(k, "estimated_mw") == 0)
		get_double(v, &p->estimated_mw);
	else if (strcmp(k, "measured_mw") == 0)
		get_double(v, &p->measured_mw);
}

static void retention_entry(void *ctx, const char *k, DBusMessageIter *v)
{
	struct model_retention *r = ctx;
	uint64_t u;
	if (strcmp(k, "days") == 0 && get_u64(v, &u))
		r->days = (uint32_t)u;
	else if (strcmp(k, "segments") == 0 && get_u64(v, &u))
		r->segments = (uint32_t)u;
	else if (strcmp(k, "bytes") == 0)
		get_u64(v, &r->bytes);
	else if (strcmp(k, "oldest") == 0)
		get_u64(v, &r->oldest);
	else if (strcmp(k, "deletion_allowed") == 0)
		get_bool(v, &r->deletion_allowed);
}

static void notice_entry(void *ctx, const char *k, DBusMessageIter *v)
{
	struct model_notice *n = ctx;
	const char *s;
	if (!get_str(v, &s))
		return;
	if (strcmp(k, "purpose") == 0)
		set_str(&n->purpose, s);
	else if (strcmp(k, "retention") == 0)
		set_str(&n->retention, s);
	else if (strcmp(k, "anonymization") == 0)
		set_str(&n->anonymization, s);
	else if (strcmp(k, "model_access") == 0)
		set_str(&n->model_access, s);
	else if (strcmp(k, "contact") == 0)
		set_str(&n->contact, s);
	else if (strcmp(k, "version") == 0)
		set_str(&n->version, s);
}

/* The setters below return the dirty bits (0 when nothing changed), or
 * -1 when the value has the wrong type and was ignored. */
static int set_u32(uint32_t *field, DBusMessageIter *v)
{
	uint64_t u;
	if (!get_u64(v, &u))
		return -1;
	uint32_t x = u > UINT32_MAX ? UINT32_MAX : (uint32_t)u;
	if (x == *field)
		return 0;
	*field = x;
	return MODEL_DIRTY_STATE;
}

static int set_string_prop(char **field, DBusMessageIter *v)
{
	const char *s;
	if (!get_str(v, &s))
		return -1;
	if (!str_changed(*field, s))
		return 0;
	set_str(field, s);
	return MODEL_DIRTY_STATE;
}

static int set_dict(DBusMessageIter *v, void (*fn)(void *, const char *, DBusMessageIter *),
                    void *ctx, unsigned dirty)
{
	return each_entry(v, fn, ctx) ? (int)dirty : -1;
}

static int set_upload(struct model *m, DBusMessageIter *v, uint64_t now)
{
	uint64_t last = m->upload.last_upload;
	bool had = m->loaded & (1u << MODEL_PROP_UPLOAD);
	unsigned dirty = MODEL_DIRTY_COUNTERS;
	if (!each_entry(v, upload_entry, &m->upload))
		return -1;
	/* An upload marks segments uploaded: the Data view's lists say so. */
	if (had && m->upload.last_upload != last)
		dirty |= MODEL_DIRTY_SPOOL;
	if (m->upload.endpoint && *m->upload.endpoint)
		model_spark_add(&m->upload_rate, now, m->upload.rate_bps);
	return (int)dirty;
}

static int set_power(struct model *m, DBusMessageIter *v, uint64_t now)
{
	struct model_power old = m->power;
	/* measured_mw is there only while the agent can measure it. */
	m->power.measured_mw = -1;
	if (!each_entry(v, power_entry, &m->power)) {
		m->power = old;
		return -1;
	}
	model_spark_add(&m->power_mw, now, m->power.estimated_mw);
	/* The battery saver and the mains are state, shown at once. */
	if (old.saver != m->power.saver || old.on_battery != m->power.on_battery)
		return MODEL_DIRTY_COUNTERS | MODEL_DIRTY_STATE;
	return MODEL_DIRTY_COUNTERS;
}

static int set_retention(struct model *m, DBusMessageIter *v)
{
	struct model_retention old = m->retention;
	bool had = m->loaded & (1u << MODEL_PROP_RETENTION);
	unsigned dirty = MODEL_DIRTY_COUNTERS;
	if (!each_entry(v, retention_entry, &m->retention))
		return -1;
	/* A segment closed, expired or was deleted, or data was forgotten
	 * (fewer bytes; journals only ever grow until their segment
	 * closes, which also changes the count). */
	if (had && (old.segments != m->retention.segments || old.oldest != m->retention.oldest ||
	            m->retention.bytes < old.bytes))
		dirty |= MODEL_DIRTY_SPOOL;
	return (int)dirty;
}

static int set_prop(struct model *m, enum model_prop p, DBusMessageIter *v, uint64_t now)
{
	uint64_t u;
	int r;

	switch (p) {
	case MODEL_PROP_VERSION:
		return set_string_prop(&m->version, v);
	case MODEL_PROP_STATE:
		return set_string_prop(&m->state, v);
	case MODEL_PROP_STATE_REASON:
		return set_string_prop(&m->state_reason, v);
	case MODEL_PROP_PAUSED_UNTIL:
		if (!get_u64(v, &u))
			return -1;
		r = u != m->paused_until ? MODEL_DIRTY_STATE : 0;
		m->paused_until = u;
		return r;
	case MODEL_PROP_MAX_PAUSE:
		return set_u32(&m->max_pause_seconds, v);
	case MODEL_PROP_BUDGET:
		return set_u32(&m->budget_seconds, v);
	case MODEL_PROP_BUDGET_LEFT:
		r = set_u32(&m->budget_left, v);
		if (r < 0)
			return r;
		/* A re-sent value restarts the countdown even if equal. */
		m->budget_left_at = now;
		return MODEL_DIRTY_STATE;
	case MODEL_PROP_STREAMS:
		return set_streams(m, v);
	case MODEL_PROP_EXEMPTIONS:
		return set_exemptions(m, v);
	case MODEL_PROP_UPLOAD:
		return set_upload(m, v, now);
	case MODEL_PROP_POWER:
		return set_power(m, v, now);
	case MODEL_PROP_RETENTION:
		return set_retention(m, v);
	case MODEL_PROP_NOTICE:
		return set_dict(v, notice_entry, &m->notice, MODEL_DIRTY_NOTICE);
	case N_MODEL_PROPS:
		break;
	}
	return -1;
}

unsigned model_set(struct model *m, const char *name, DBusMessageIter *it, uint64_t now)
{
	DBusMessageIter v;
	enum model_prop p = model_prop_by_name(name);

	if (p == N_MODEL_PROPS || dbus_message_iter_get_arg_type(it) != DBUS_TYPE_VARIANT)
		return 0;
	dbus_message_iter_recurse(it, &v);
	int r = set_prop(m, p, &v, now);
	if (r < 0)
		return 0;
	unsigned dirty = (unsigned)r;
	/* The first value heard changes what the views can show at all. */
	if (!(m->loaded & (1u << p)))
		dirty |= MODEL_DIRTY_STATE;
	m->loaded |= 1u << p;
	return dirty;
}

unsigned model_set_refusal(struct model *m, const char *msg)
{
	if ((!msg && !m->refusal) || (msg && m->refusal && strcmp(msg, m->refusal) == 0))
		return 0;
	free(m->refusal);
	m->refusal = msg ? xstrdup(msg) : NULL;
	return MODEL_DIRTY_STATE;
}

unsigned model_set_all(struct model *m, DBusMessageIter *dict, uint64_t now)
{
	DBusMessageIter arr, e;
	unsigned dirty = 0;
	if (dbus_message_iter_get_arg_type(dict) != DBUS_TYPE_ARRAY ||
	    dbus_message_iter_get_element_type(dict) != DBUS_TYPE_DICT_ENTRY)
		return 0;
	dbus_message_iter_recurse(dict, &arr);
	while (dbus_message_iter_get_arg_type(&arr) == DBUS_TYPE_DICT_ENTRY) {
		const char *k;
		dbus_message_iter_recurse(&arr, &e);
		if (get_str(&e, &k) && dbus_message_iter_next(&e))
			dirty |= model_set(m, k, &e, now);
		dbus_message_iter_next(&arr);
	}
	return dirty;
}

unsigned model_changed(struct model *m, DBusMessage *sig, uint64_t now, uint32_t *invalidated)
{
	DBusMessageIter it, arr;
	const char *iface;
	unsigned dirty;

	*invalidated = 0;
	if (!dbus_message_is_signal(sig, DBUS_PROPS_IFACE, "PropertiesChanged") ||
	    !dbus_message_iter_init(sig, &it) || !get_str(&it, &iface) ||
	    strcmp(iface, CAPCTL_IFACE) != 0 || !dbus_message_iter_next(&it))
		return 0;
	dirty = model_set_all(m, &it, now);
	if (!dbus_message_iter_next(&it) || dbus_message_iter_get_arg_type(&it) != DBUS_TYPE_ARRAY)
		return dirty;
	dbus_message_iter_recurse(&it, &arr);
	while (dbus_message_iter_get_arg_type(&arr) == DBUS_TYPE_STRING) {
		const char *name;
		dbus_message_iter_get_basic(&arr, &name);
		enum model_prop p = model_prop_by_name(name);
		if (p != N_MODEL_PROPS)
			*invalidated |= 1u << p;
		dbus_message_iter_next(&arr);
	}
	return dirty;
}

/* ---- derived figures ---- */

enum model_state model_state(const struct model *m)
{
	static const char *const words[] = {"collecting", "paused", "exempt", "suspended", "idle"};
	if (m->link != MODEL_LINK_LIVE || !m->state)
		return MODEL_STATE_UNKNOWN;
	for (size_t i = 0; i < ARRAY_SIZE(words); i++)
		if (strcmp(m->state, words[i]) == 0)
			return (enum model_state)(MODEL_STATE_COLLECTING + (int)i);
	return MODEL_STATE_UNKNOWN;
}

uint64_t model_pause_left(const struct model *m, uint64_t now)
{
	if (!m->paused_until || m->paused_until <= now)
		return 0;
	return (m->paused_until - now + USEC_PER_SEC - 1) / USEC_PER_SEC;
}

uint32_t model_budget_left(const struct model *m, uint64_t now)
{
	if (m->budget_seconds == 0 || !m->paused_until || now <= m->budget_left_at)
		return m->budget_left;
	uint64_t end = now < m->paused_until ? now : m->paused_until;
	if (end <= m->budget_left_at)
		return m->budget_left;
	uint64_t used = (end - m->budget_left_at) / USEC_PER_SEC;
	return used >= m->budget_left ? 0 : m->budget_left - (uint32_t)used;
}

uint32_t model_pause_limit(const struct model *m, uint64_t now)
{
	uint32_t limit = m->max_pause_seconds;
	if (m->budget_seconds) {
		uint32_t left = model_budget_left(m, now);
		if (left < limit)
			limit = left;
	}
	return limit;
}

uint32_t model_default_pause(const struct model *m, uint32_t minutes, uint64_t now)
{
	uint32_t want = minutes * 60;
	/* Before the limits are heard, ask for the configured time and let
	 * the agent say no. */
	if (!(m->loaded & (1u << MODEL_PROP_MAX_PAUSE)))
		return want;
	if (m->max_pause_seconds && want > m->max_pause_seconds)
		want = m->max_pause_seconds;
	/* With the budget used up, ask anyway: the agent's refusal says so
	 * in its own words (PauseBudgetExhausted). */
	uint32_t left = model_budget_left(m, now);
	if (m->budget_seconds && left > 0 && want > left)
		want = left;
	return want;
}

long model_exemption_find(const struct model *m, const char *id)
{
	for (size_t i = 0; i < m->n_ex; i++)
		if (strcmp(m->ex[i].id, id) == 0)
			return (long)i;
	return -1;
}

/* ---- lists paged from the agent ---- */

/* The error of a reply as a person reads it: its message, else its name. */
static char *reply_error(DBusMessage *reply)
{
	DBusError err;
	dbus_error_init(&err);
	dbus_set_error_from_message(&err, reply);
	char *msg = xstrdup(err.message && *err.message ? err.message : err.name);
	dbus_error_free(&err);
	return msg;
}

/* Opens a reply of the form (total, array of structs of signature sig):
 * *arr is on the array. */
static bool open_list(DBusMessage *reply, const char *sig, uint64_t *total, DBusMessageIter *arr)
{
	DBusMessageIter it;
	if (!dbus_message_iter_init(reply, &it) || !get_u64(&it, total) ||
	    !dbus_message_iter_next(&it) || dbus_message_iter_get_arg_type(&it) != DBUS_TYPE_ARRAY)
		return false;
	char *got = dbus_message_iter_get_signature(&it);
	bool ok = strcmp(got, sig) == 0;
	dbus_free(got);
	if (ok)
		dbus_message_iter_recurse(&it, arr);
	return ok;
}

/* The rows of a page reply, parsed by row (which returns false on a
 * malformed struct); NULL with *n = 0 when the reply is malformed. */
static void *parse_rows(DBusMessageIter *arr, size_t page_size, size_t row_size,
                        bool (*row)(DBusMessageIter *st, void *out), void (*row_free)(void *),
                        size_t *n)
{
	char *rows = NULL;
	size_t k = 0;
	while (dbus_message_iter_get_arg_type(arr) == DBUS_TYPE_STRUCT && k < page_size) {
		DBusMessageIter st;
		rows = xrealloc(rows, (k + 1) * row_size);
		dbus_message_iter_recurse(arr, &st);
		if (!row(&st, rows + k * row_size)) {
			for (size_t i = 0; i < k; i++)
				row_free(rows + i * row_size);
			free(rows);
			*n = 0;
			return NULL;
		}
		k++;
		dbus_message_iter_next(arr);
	}
	*n = k;
	return rows;
}

/* A reply to a page request: the rows, or the refusal. */
static unsigned page_reply(struct pages *p, uint64_t page, unsigned gen, DBusMessage *reply,
                           const char *sig, bool (*row)(DBusMessageIter *, void *), int64_t *shift,
                           unsigned dirty)
{
	DBusMessageIter arr;
	uint64_t total;
	size_t n;
	*shift = 0;
	if (dbus_message_get_type(reply) == DBUS_MESSAGE_TYPE_ERROR) {
		char *msg = reply_error(reply);
		bool fresh = pages_fail(p, page, gen, msg);
		free(msg);
		return fresh ? dirty : 0;
	}
	if (!open_list(reply, sig, &total, &arr))
		return pages_fail(p, page, gen, NULL) ? dirty : 0;
	void *rows = parse_rows(&arr, p->page_size, p->row_size, row, p->row_free, &n);
	return pages_fill(p, page, gen, total, rows, n, shift) ? dirty : 0;
}

static bool hist_row(DBusMessageIter *st, void *out)
{
	uint64_t t, uid;
	const char *action, *detail;
	void *f[] = {&t, &action, &detail, &uid};
	if (!get_fields(st, "tsst", f))
		return false;
	*(struct model_hist_entry *)out =
	    (struct model_hist_entry){t, xstrdup(action), xstrdup(detail), (uint32_t)uid};
	return true;
}

const struct model_hist_entry *model_hist_entry(const struct model *m, uint64_t i)
{
	return pages_row(&m->hist, i);
}

size_t model_hist_want(struct model *m, uint64_t first, uint64_t count, uint64_t *pages, size_t max)
{
	return pages_want(&m->hist, first, count, pages, max);
}

unsigned model_hist_reply(struct model *m, uint64_t page, unsigned gen, DBusMessage *reply,
                          int64_t *shift)
{
	return page_reply(&m->hist, page, gen, reply, "a(tssu)", hist_row, shift,
	                  MODEL_DIRTY_HISTORY);
}

void model_hist_refresh(struct model *m)
{
	pages_refresh(&m->hist);
}

void model_hist_reset(struct model *m)
{
	pages_reset(&m->hist);
}

/* (tsttuttb): id, stream, start, end, events, bytes, expires, uploaded. */
static bool seg_row(DBusMessageIter *st, void *out)
{
	uint64_t id, start, end, events, bytes, expires;
	const char *stream;
	bool uploaded;
	void *f[] = {&id, &stream, &start, &end, &events, &bytes, &expires, &uploaded};
	if (!get_fields(st, "tsttuttb", f))
		return false;
	*(struct model_segment *)out = (struct model_segment){
	    .id = id,
	    .start = start,
	    .end = end,
	    .bytes = bytes,
	    .expires = expires,
	    .events = events > UINT32_MAX ? UINT32_MAX : (uint32_t)events,
	    .stream = xstrdup(stream),
	    .uploaded = uploaded,
	};
	return true;
}

const struct model_segment *model_segs_entry(const struct model *m, uint64_t i)
{
	return pages_row(&m->segs, i);
}

size_t model_segs_want(struct model *m, uint64_t first, uint64_t count, uint64_t *pages, size_t max)
{
	return pages_want(&m->segs, first, count, pages, max);
}

unsigned model_segs_reply(struct model *m, uint64_t page, unsigned gen, DBusMessage *reply,
                          int64_t *shift)
{
	return page_reply(&m->segs, page, gen, reply, "a(tsttuttb)", seg_row, shift,
	                  MODEL_DIRTY_DATA);
}

int64_t model_segs_find(const struct model *m, uint64_t id)
{
	for (size_t i = 0; i < PAGES_SLOTS; i++) {
		const struct pages_page *pg = &m->segs.page[i];
		if (!pg->used || !pg->loaded)
			continue;
		for (size_t k = 0; k < pg->n; k++)
			if (((const struct model_segment *)pg->rows)[k].id == id)
				return (int64_t)(pg->number * m->segs.page_size + k);
	}
	return -1;
}

/* (tsiiis), or with the stream first (stsiiis). */
static bool event_row(DBusMessageIter *st, void *out, bool with_stream)
{
	uint64_t t;
	const char *stream = NULL, *kind, *text;
	dbus_int32_t x, y, code;
	if (with_stream) {
		if (!get_str(st, &stream) || !dbus_message_iter_next(st))
			return false;
	}
	if (!get_u64(st, &t) || !dbus_message_iter_next(st) || !get_str(st, &kind))
		return false;
	int32_t *nums[] = {&x, &y, &code};
	for (size_t i = 0; i < 3; i++) {
		if (!dbus_message_iter_next(st) ||
		    dbus_message_iter_get_arg_type(st) != DBUS_TYPE_INT32)
			return false;
		dbus_message_iter_get_basic(st, nums[i]);
	}
	if (!dbus_message_iter_next(st) || !get_str(st, &text))
		return false;
	*(struct model_event *)out = (struct model_event){
	    .time = t,
	    .stream = xstrdup(stream ? stream : ""),
	    .kind = xstrdup(kind),
	    .text = xstrdup(text),
	    .x = x,
	    .y = y,
	    .code = code,
	};
	return true;
}

static bool segev_row(DBusMessageIter *st, void *out)
{
	return event_row(st, out, false);
}

void model_segev_open(struct model *m, uint64_t id)
{
	if (id == m->segev_id)
		return;
	pages_reset(&m->segev);
	m->segev_id = id;
}

const struct model_event *model_segev_entry(const struct model *m, uint64_t i)
{
	return pages_row(&m->segev, i);
}

size_t model_segev_want(struct model *m, uint64_t first, uint64_t count, uint64_t *pages,
                        size_t max)
{
	if (!m->segev_id)
		return 0;
	return pages_want(&m->segev, first, count, pages, max);
}

unsigned model_segev_reply(struct model *m, uint64_t id, uint64_t page, unsigned gen,
                           DBusMessage *reply)
{
	int64_t shift;
	if (id != m->segev_id)
		return 0;
	return page_reply(&m->segev, page, gen, reply, "a(tsiiis)", segev_row, &shift,
	                  MODEL_DIRTY_DATA);
}

static bool recent_row(DBusMessageIter *st, void *out)
{
	return event_row(st, out, true);
}

void model_recent_reset(struct model *m)
{
	for (size_t i = 0; i < m->n_recent; i++)
		event_free(&m->recent[i]);
	free(m->recent);
	free(m->recent_error);
	m->recent = NULL;
	m->recent_error = NULL;
	m->n_recent = 0;
	m->recent_known = false;
}

static bool same_event(const struct model_event *a, const struct model_event *b)
{
	return a->time == b->time && a->x == b->x && a->y == b->y && a->code == b->code &&
	       strcmp(a->kind, b->kind) == 0 && strcmp(a->stream, b->stream) == 0 &&
	       strcmp(a->text, b->text) == 0;
}

unsigned model_recent_reply(struct model *m, DBusMessage *reply)
{
	DBusMessageIter it, arr;
	size_t n = 0;
	if (dbus_message_get_type(reply) == DBUS_MESSAGE_TYPE_ERROR) {
		char *msg = reply_error(reply);
		if (m->recent_error && strcmp(m->recent_error, msg) == 0) {
			free(msg);
			return 0;
		}
		model_recent_reset(m);
		m->recent_error = msg;
		m->recent_known = true;
		return MODEL_DIRTY_LIVE;
	}
	if (!dbus_message_iter_init(reply, &it) ||
	    dbus_message_iter_get_arg_type(&it) != DBUS_TYPE_ARRAY)
		return 0;
	char *sig = dbus_message_iter_get_signature(&it);
	bool ok = strcmp(sig, "a(stsiiis)") == 0;
	dbus_free(sig);
	if (!ok)
		return 0;
	dbus_message_iter_recurse(&it, &arr);
	struct model_event *e = parse_rows(&arr, 1000, sizeof *e, recent_row, event_free, &n);
	/* The same events as before: nothing to draw. */
	bool same = m->recent_known && !m->recent_error && n == m->n_recent;
	for (size_t i = 0; same && i < n; i++)
		same = same_event(&e[i], &m->recent[i]);
	if (same) {
		for (size_t i = 0; i < n; i++)
			event_free(&e[i]);
		free(e);
		return 0;
	}
	model_recent_reset(m);
	m->recent = e;
	m->n_recent = n;
	m->recent_known = true;
	return MODEL_DIRTY_LIVE;
}

/* ---- sparklines ---- */

void model_spark_add(struct model_spark *s, uint64_t now, double value)
{
	int64_t slot = (int64_t)(now / MODEL_SPARK_SLOT_USEC);
	if (!(value >= 0))
		value = 0; /* also NaN */
	if (!s->any) {
		s->any = true;
		s->first = s->last = slot;
		s->v[slot % MODEL_SPARK_SLOTS] = value;
	} else if (slot > s->last) {
		/* The slots with no update held the value before. */
		int64_t from =
		    slot - s->last > MODEL_SPARK_SLOTS ? slot - MODEL_SPARK_SLOTS + 1 : s->last + 1;
		for (int64_t k = from; k < slot; k++)
			s->v[k % MODEL_SPARK_SLOTS] = s->latest;
		s->v[slot % MODEL_SPARK_SLOTS] = value;
		s->last = slot;
	} else {
		/* The same slot, or a clock that went back: the largest. */
		double *v = &s->v[s->last % MODEL_SPARK_SLOTS];
		if (value > *v)
			*v = value;
	}
	s->latest = value;
}

size_t model_spark_values(const struct model_spark *s, uint64_t now, double *out, size_t n)
{
	int64_t slot = (int64_t)(now / MODEL_SPARK_SLOT_USEC);
	size_t known = 0;
	for (size_t i = 0; i < n; i++) {
		int64_t k = slot - (int64_t)(n - 1 - i);
		if (!s->any || k < s->first || k <= s->last - MODEL_SPARK_SLOTS)
			out[i] = NAN;
		else if (k > s->last)
			out[i] = s->latest;
		else
			out[i] = s->v[k % MODEL_SPARK_SLOTS];
		known += !isnan(out[i]);
	}
	return known;
}
