/* How it reads: a reply's (or a variant's) whole signature is compared
 * with the contract's before anything else, so every read after that is
 * of a type known to be there; arrays are walked to their end, never by a
 * count the agent claims; every string is checked as UTF-8 and copied to
 * the heap whole. Sentences name only what the contract's table holds,
 * never a string the peer sent. This file: the reading itself, errors and
 * the method replies; contract-props.c: the table and the properties. */
#define _GNU_SOURCE /* vasprintf */
#include "contract-read.h"
#include "i18n.h"
#include "util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int contract_bad(struct contract_ctx *x, const char *fmt, ...)
{
	va_list ap;
	char *tail;
	if (x->error)
		return -EBADMSG;
	va_start(ap, fmt);
	int r = vasprintf(&tail, fmt, ap);
	va_end(ap);
	if (r < 0)
		tail = xstrdup(_("is not as the contract has it"));
	/* TRANSLATORS: "the agent's property Streams has no key id": the kind
	 * (property, reply to, signal, error reply to), a D-Bus name, what is
	 * wrong. */
	x->error = xasprintf(_("the agent's %s %s %s"), _(x->kind), x->name, tail);
	free(tail);
	return -EBADMSG;
}

/* libdbus fails it only out of memory. */
char *contract_signature(DBusMessageIter *it)
{
	char *s = dbus_message_iter_get_signature(it);
	if (!s)
		abort();
	return s;
}

/* ---- words ---- */

static const char *const stream_words[] = {"pointer.motion", "pointer.button", "pointer.scroll",
                                           "keyboard", "window.focus"};
static const char *const state_words[] = {"collecting", "paused", "exempt",
                                          "suspended",  "idle",   "off"};
static const char *const status_words[] = {"pending", "approved", "denied", "withdrawn", "expired"};
static const char *const kind_words[] = {"motion",    "button-press", "button-release", "scroll",
                                         "key-press", "key-release",  "focus"};
static const enum stream kind_streams[] = {STREAM_MOTION, STREAM_BUTTON,   STREAM_BUTTON,
                                           STREAM_SCROLL, STREAM_KEYBOARD, STREAM_KEYBOARD,
                                           STREAM_FOCUS};

const char *contract_stream_name(enum stream s)
{
	return (size_t)s < ARRAY_SIZE(stream_words) ? stream_words[s] : "";
}

const char *contract_state_name(enum contract_state s)
{
	return (size_t)s < ARRAY_SIZE(state_words) ? state_words[s] : "";
}

const char *contract_status_name(enum contract_status s)
{
	return (size_t)s < ARRAY_SIZE(status_words) ? status_words[s] : "";
}

const char *contract_kind_name(enum contract_kind k)
{
	return (size_t)k < ARRAY_SIZE(kind_words) ? kind_words[k] : "";
}

enum stream contract_kind_stream(enum contract_kind k)
{
	return (size_t)k < ARRAY_SIZE(kind_streams) ? kind_streams[k] : N_STREAMS;
}

/* "a, b or c". */
static char *word_list(const char *const *w, size_t n)
{
	/* TRANSLATORS: before the last of a list of words: "a, b or c". */
	const char * or = _(" or ");
	size_t len = 1;
	for (size_t i = 0; i < n; i++)
		len += strlen(w[i]) + strlen(or) + 2;
	char *s = xmalloc(len), *p = s;
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, "%s%s", i == 0 ? "" : i + 1 == n ? or : ", ", w[i]);
	return s;
}

/* ---- values, once the signature is known to be right ---- */

uint64_t contract_get_u64(DBusMessageIter *it)
{
	dbus_uint64_t v;
	dbus_message_iter_get_basic(it, &v);
	dbus_message_iter_next(it);
	return v;
}

uint32_t contract_get_u32(DBusMessageIter *it)
{
	dbus_uint32_t v;
	dbus_message_iter_get_basic(it, &v);
	dbus_message_iter_next(it);
	return v;
}

int32_t contract_get_i32(DBusMessageIter *it)
{
	dbus_int32_t v;
	dbus_message_iter_get_basic(it, &v);
	dbus_message_iter_next(it);
	return v;
}

bool contract_get_bool(DBusMessageIter *it)
{
	dbus_bool_t v;
	dbus_message_iter_get_basic(it, &v);
	dbus_message_iter_next(it);
	return v;
}

double contract_get_double(DBusMessageIter *it)
{
	double v;
	dbus_message_iter_get_basic(it, &v);
	dbus_message_iter_next(it);
	return v;
}

int contract_get_str(struct contract_ctx *x, DBusMessageIter *it, char **out)
{
	const char *s;
	dbus_message_iter_get_basic(it, &s);
	dbus_message_iter_next(it);
	if (!utf8_valid(s, strlen(s)))
		return contract_bad(x, _("has text that is not UTF-8"));
	*out = xstrdup(s);
	return 0;
}

/* One of a closed list of words, as its index. what is NULL for a
 * property that is the word itself. */
static int get_word(struct contract_ctx *x, DBusMessageIter *it, const char *const *words, size_t n,
                    const char *what, int *out)
{
	const char *s;
	dbus_message_iter_get_basic(it, &s);
	dbus_message_iter_next(it);
	for (size_t i = 0; i < n; i++)
		if (strcmp(s, words[i]) == 0) {
			*out = (int)i;
			return 0;
		}
	char *list = word_list(words, n);
	if (what)
		contract_bad(x, _("has %s that is not %s"), _(what), list);
	else
		contract_bad(x, _("is not %s"), list);
	free(list);
	return -EBADMSG;
}

int contract_get_stream(struct contract_ctx *x, DBusMessageIter *it, enum stream *out)
{
	int v = 0;
	int r = get_word(x, it, stream_words, ARRAY_SIZE(stream_words), N_("a stream"), &v);
	*out = (enum stream)v;
	return r;
}

int contract_get_status(struct contract_ctx *x, DBusMessageIter *it, enum contract_status *out)
{
	int v = 0;
	int r = get_word(x, it, status_words, ARRAY_SIZE(status_words), N_("a status"), &v);
	*out = (enum contract_status)v;
	return r;
}

int contract_get_state(struct contract_ctx *x, DBusMessageIter *it, bool with_off, const char *what,
                       enum contract_state *out)
{
	int v = 0;
	/* "off" is Activity's alone: the agent that answers is running. */
	size_t n = with_off ? ARRAY_SIZE(state_words) : CONTRACT_STATE_OFF;
	int r = get_word(x, it, state_words, n, what, &v);
	*out = (enum contract_state)v;
	return r;
}

int contract_get_hash(struct contract_ctx *x, DBusMessageIter *it, bool empty_ok, char **out)
{
	int r = contract_get_str(x, it, out);
	if (r < 0)
		return r;
	size_t n = strlen(*out);
	if (n == 0 && empty_ok)
		return 0;
	if (n != 64 || strspn(*out, "0123456789abcdef") != 64)
		return contract_bad(x, _("has a hash that is not 64 lowercase hex digits"));
	return 0;
}

/* ---- arrays of structs ---- */

/* The structs of the array at it into a heap array (*rows, *n), each read
 * by row; more than limit of them (when limit is not 0) is malformed. */
int contract_rows(struct contract_ctx *x, DBusMessageIter *it, size_t size, contract_row_fn row,
                  void (*row_free)(void *), uint32_t limit, void **rows, size_t *n)
{
	DBusMessageIter arr, st;
	char *v = NULL;
	size_t k = 0, cap = 0;
	int r = 0;
	dbus_message_iter_recurse(it, &arr);
	while (dbus_message_iter_get_arg_type(&arr) != DBUS_TYPE_INVALID) {
		if (limit && k == limit) {
			r = contract_bad(x, _("has more rows than the %u asked for"), limit);
			break;
		}
		if (k == cap) {
			cap = cap ? 2 * cap : 16;
			v = xrealloc(v, cap * size);
		}
		memset(v + k * size, 0, size);
		dbus_message_iter_recurse(&arr, &st);
		r = row(x, &st, v + k * size);
		if (r < 0) {
			row_free(v + k * size);
			break;
		}
		k++;
		dbus_message_iter_next(&arr);
	}
	if (r < 0) {
		for (size_t i = 0; i < k; i++)
			row_free(v + i * size);
		free(v);
		v = NULL;
		k = 0;
	}
	*rows = v;
	*n = k;
	return r;
}

void contract_rows_free(void *rows, size_t n, size_t size, void (*row_free)(void *))
{
	for (size_t i = 0; i < n; i++)
		row_free((char *)rows + i * size);
	free(rows);
}

enum contract_result contract_malformed(struct contract_fault *f, char *sentence)
{
	f->name = NULL;
	f->message = sentence;
	return CONTRACT_MALFORMED;
}

void contract_fault_fini(struct contract_fault *f)
{
	free(f->name);
	free(f->message);
	f->name = f->message = NULL;
}

enum contract_result contract_read_error(DBusMessage *reply, const char *method,
                                         struct contract_fault *f)
{
	struct contract_ctx x = {N_("error reply to"), method, NULL};
	const struct contract_key *m = contract_entry(method);
	DBusMessageIter it;
	const char *msg = "";
	*f = (struct contract_fault){0};
	if (dbus_message_get_type(reply) != DBUS_MESSAGE_TYPE_ERROR)
		return CONTRACT_OK;
	const char *name = dbus_message_get_error_name(reply);
	const char *sig = dbus_message_get_signature(reply);
	if (*sig && strcmp(sig, "s") != 0) {
		contract_bad(&x, _("is not %s"), "s");
		return contract_malformed(f, x.error);
	}
	if (*sig) {
		dbus_message_iter_init(reply, &it);
		dbus_message_iter_get_basic(&it, &msg);
		if (!utf8_valid(msg, strlen(msg))) {
			contract_bad(&x, _("has text that is not UTF-8"));
			return contract_malformed(f, x.error);
		}
	}
	/* What the agent must serve, it cannot not know. */
	if (name && m && m->required && strcmp(name, DBUS_ERR_UNKNOWN_METHOD) == 0)
		return contract_malformed(f,
		                          xasprintf(_("the agent does not implement %s"), method));
	f->name = xstrdup(name ? name : DBUS_ERROR_FAILED);
	f->message = xstrdup(msg);
	return CONTRACT_REFUSED;
}

/* An error reply, or a method return of exactly the method's signature. */
enum contract_result contract_check_reply(DBusMessage *reply, const char *method,
                                          struct contract_fault *f)
{
	const struct contract_key *m = contract_entry(method);
	if (!m)
		abort(); /* a method the contract does not have: the caller's mistake */
	enum contract_result r = contract_read_error(reply, method, f);
	if (r != CONTRACT_OK)
		return r;
	if (!dbus_message_has_signature(reply, m->sig))
		return contract_malformed(f, xasprintf(_("the agent's reply to %s is not %s"),
		                                       method, *m->sig ? m->sig : _("empty")));
	return CONTRACT_OK;
}

/* ---- method replies ---- */

enum contract_result contract_read_empty(DBusMessage *reply, const char *method,
                                         struct contract_fault *f)
{
	return contract_check_reply(reply, method, f);
}

/* The one basic value of a reply of signature t, u or s. */
static enum contract_result read_one(DBusMessage *reply, const char *method, void *out,
                                     struct contract_fault *f)
{
	DBusMessageIter it;
	enum contract_result r = contract_check_reply(reply, method, f);
	if (r != CONTRACT_OK)
		return r;
	dbus_message_iter_init(reply, &it);
	dbus_message_iter_get_basic(&it, out);
	return CONTRACT_OK;
}

enum contract_result contract_read_pause(DBusMessage *reply, uint64_t *until,
                                         struct contract_fault *f)
{
	dbus_uint64_t v = 0;
	enum contract_result r = read_one(reply, "Pause", &v, f);
	*until = v;
	return r;
}

enum contract_result contract_read_forget(DBusMessage *reply, uint32_t *removed,
                                          struct contract_fault *f)
{
	dbus_uint32_t v = 0;
	enum contract_result r = read_one(reply, "Forget", &v, f);
	*removed = v;
	return r;
}

enum contract_result contract_read_delete(DBusMessage *reply, uint32_t *deleted,
                                          struct contract_fault *f)
{
	dbus_uint32_t v = 0;
	enum contract_result r = read_one(reply, "DeleteSegments", &v, f);
	*deleted = v;
	return r;
}

enum contract_result contract_read_request(DBusMessage *reply, char **id, struct contract_fault *f)
{
	struct contract_ctx x = {N_("reply to"), "RequestExemption", NULL};
	DBusMessageIter it;
	*id = NULL;
	enum contract_result r = contract_check_reply(reply, "RequestExemption", f);
	if (r != CONTRACT_OK)
		return r;
	dbus_message_iter_init(reply, &it);
	return contract_get_str(&x, &it, id) < 0 ? contract_malformed(f, x.error) : CONTRACT_OK;
}

/* A paged reply: its total (t, or u when small), then its rows. */
static enum contract_result read_page(DBusMessage *reply, const char *method, uint32_t limit,
                                      bool small_total, uint64_t *total, size_t size,
                                      contract_row_fn row, void (*row_free)(void *), void **rows,
                                      size_t *n, struct contract_fault *f)
{
	struct contract_ctx x = {N_("reply to"), method, NULL};
	DBusMessageIter it;
	*rows = NULL;
	*n = 0;
	*total = 0;
	enum contract_result r = contract_check_reply(reply, method, f);
	if (r != CONTRACT_OK)
		return r;
	dbus_message_iter_init(reply, &it);
	*total = small_total ? contract_get_u32(&it) : contract_get_u64(&it);
	if (contract_rows(&x, &it, size, row, row_free, limit, rows, n) < 0)
		return contract_malformed(f, x.error);
	return CONTRACT_OK;
}

/* (tssu) */
static int history_row(struct contract_ctx *x, DBusMessageIter *st, void *row)
{
	struct contract_history_entry *e = row;
	int r;
	e->time = contract_get_u64(st);
	if ((r = contract_get_str(x, st, &e->action)) < 0 ||
	    (r = contract_get_str(x, st, &e->detail)) < 0)
		return r;
	e->uid = contract_get_u32(st);
	return 0;
}

static void history_free(void *row)
{
	struct contract_history_entry *e = row;
	free(e->action);
	free(e->detail);
}

enum contract_result contract_read_history(DBusMessage *reply, uint32_t limit,
                                           struct contract_history *h, struct contract_fault *f)
{
	return read_page(reply, "History", limit, false, &h->total, sizeof *h->rows, history_row,
	                 history_free, (void **)&h->rows, &h->n, f);
}

void contract_history_fini(struct contract_history *h)
{
	contract_rows_free(h->rows, h->n, sizeof *h->rows, history_free);
	*h = (struct contract_history){0};
}

/* (tss) */
static int chain_row(struct contract_ctx *x, DBusMessageIter *st, void *row)
{
	struct contract_chain_entry *e = row;
	int r;
	e->seq = contract_get_u64(st);
	if ((r = contract_get_hash(x, st, false, &e->prev)) < 0)
		return r;
	return contract_get_hash(x, st, false, &e->hash);
}

static void chain_free(void *row)
{
	struct contract_chain_entry *e = row;
	free(e->prev);
	free(e->hash);
}

enum contract_result contract_read_history_chain(DBusMessage *reply, uint32_t limit,
                                                 struct contract_chain *c, struct contract_fault *f)
{
	return read_page(reply, "HistoryChain", limit, false, &c->total, sizeof *c->rows, chain_row,
	                 chain_free, (void **)&c->rows, &c->n, f);
}

void contract_chain_fini(struct contract_chain *c)
{
	contract_rows_free(c->rows, c->n, sizeof *c->rows, chain_free);
	*c = (struct contract_chain){0};
}

/* (tsttuttb) */
static int segment_row(struct contract_ctx *x, DBusMessageIter *st, void *row)
{
	struct contract_segment *s = row;
	s->id = contract_get_u64(st);
	int r = contract_get_stream(x, st, &s->stream);
	if (r < 0)
		return r;
	s->start = contract_get_u64(st);
	s->end = contract_get_u64(st);
	s->events = contract_get_u32(st);
	s->bytes = contract_get_u64(st);
	s->expires = contract_get_u64(st);
	s->uploaded = contract_get_bool(st);
	return 0;
}

static void no_free(void *row)
{
	(void)row;
}

enum contract_result contract_read_segments(DBusMessage *reply, uint32_t limit,
                                            struct contract_segments *s, struct contract_fault *f)
{
	return read_page(reply, "ListSegments", limit, false, &s->total, sizeof *s->rows,
	                 segment_row, no_free, (void **)&s->rows, &s->n, f);
}

void contract_segments_fini(struct contract_segments *s)
{
	free(s->rows);
	*s = (struct contract_segments){0};
}

/* (tsiiis), after RecentEvents' stream. */
static int event_fields(struct contract_ctx *x, DBusMessageIter *st, struct contract_event *e)
{
	int kind = 0;
	e->time = contract_get_u64(st);
	int r = get_word(x, st, kind_words, ARRAY_SIZE(kind_words), "an event kind", &kind);
	if (r < 0)
		return r;
	e->kind = (enum contract_kind)kind;
	e->x = contract_get_i32(st);
	e->y = contract_get_i32(st);
	e->code = contract_get_i32(st);
	return contract_get_str(x, st, &e->text);
}

static int segment_event_row(struct contract_ctx *x, DBusMessageIter *st, void *row)
{
	struct contract_event *e = row;
	int r = event_fields(x, st, e);
	e->stream = contract_kind_stream(e->kind);
	return r;
}

/* (stsiiis) */
static int recent_event_row(struct contract_ctx *x, DBusMessageIter *st, void *row)
{
	struct contract_event *e = row;
	int r = contract_get_stream(x, st, &e->stream);
	return r < 0 ? r : event_fields(x, st, e);
}

static void event_free(void *row)
{
	free(((struct contract_event *)row)->text);
}

enum contract_result contract_read_segment(DBusMessage *reply, uint32_t limit,
                                           struct contract_events *e, struct contract_fault *f)
{
	uint64_t total;
	*e = (struct contract_events){0};
	enum contract_result r =
	    read_page(reply, "ReadSegment", limit, true, &total, sizeof *e->rows, segment_event_row,
	              event_free, (void **)&e->rows, &e->n, f);
	e->total = (uint32_t)total; /* read as a u */
	return r;
}

enum contract_result contract_read_recent(DBusMessage *reply, uint32_t limit,
                                          struct contract_events *e, struct contract_fault *f)
{
	struct contract_ctx x = {N_("reply to"), "RecentEvents", NULL};
	DBusMessageIter it;
	*e = (struct contract_events){.with_stream = true};
	enum contract_result r = contract_check_reply(reply, "RecentEvents", f);
	if (r != CONTRACT_OK)
		return r;
	dbus_message_iter_init(reply, &it);
	if (contract_rows(&x, &it, sizeof *e->rows, recent_event_row, event_free, limit,
	                  (void **)&e->rows, &e->n) < 0)
		return contract_malformed(f, x.error);
	e->total = (uint32_t)e->n;
	return CONTRACT_OK;
}

void contract_events_fini(struct contract_events *e)
{
	contract_rows_free(e->rows, e->n, sizeof *e->rows, event_free);
	*e = (struct contract_events){0};
}

/* (taus): five counts, then the state of the step. */
static int step_row(struct contract_ctx *x, DBusMessageIter *st, void *row)
{
	struct contract_step *s = row;
	DBusMessageIter counts;
	size_t n = 0;
	s->start = contract_get_u64(st);
	dbus_message_iter_recurse(st, &counts);
	while (dbus_message_iter_get_arg_type(&counts) != DBUS_TYPE_INVALID) {
		if (n == N_STREAMS)
			return contract_bad(x, _("has a step whose counts are not %d"), N_STREAMS);
		s->events[n++] = contract_get_u32(&counts);
	}
	if (n != N_STREAMS)
		return contract_bad(x, _("has a step whose counts are not %d"), N_STREAMS);
	dbus_message_iter_next(st);
	return contract_get_state(x, st, true, N_("a state"), &s->state);
}

enum contract_result contract_read_activity(DBusMessage *reply, uint32_t steps,
                                            struct contract_activity *a, struct contract_fault *f)
{
	struct contract_ctx x = {N_("reply to"), "Activity", NULL};
	DBusMessageIter it;
	*a = (struct contract_activity){0};
	enum contract_result r = contract_check_reply(reply, "Activity", f);
	if (r != CONTRACT_OK)
		return r;
	dbus_message_iter_init(reply, &it);
	if (contract_rows(&x, &it, sizeof *a->rows, step_row, no_free, steps, (void **)&a->rows,
	                  &a->n) < 0)
		return contract_malformed(f, x.error);
	return CONTRACT_OK;
}

void contract_activity_fini(struct contract_activity *a)
{
	free(a->rows);
	*a = (struct contract_activity){0};
}
