/* capctl data: the segments kept, the events of one, deleting them, and
 * exporting everything as JSON Lines or CSV. */
#define _GNU_SOURCE /* fopencookie */
#include "cli/cli-int.h"
#include "i18n.h"
#include "model/export.h"
#include "model/summary.h"
#include "names.h"
#include "evjson.h"
#include "text/evtext.h"
#include "text/human.h"
#include "text/safe.h"
#include "text/timearg.h"
#include "util.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SEGMENTS_DEFAULT 20
#define SEGMENTS_PAGE 1000 /* ListSegments' largest page */
#define EVENTS_PAGE 10000  /* ReadSegment's largest page */
#define DELETE_BATCH 10000 /* DeleteSegments' most ids */

/* A segment id as data list prints it: a decimal number. */
static int parse_segment_id(const char *word, uint64_t *id)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(word, &end, 10);
	if (!*word || *end || errno || word[0] == '-' || word[0] == '+' || v == 0)
		return cli_usage(_("invalid segment id '%s': a number as 'capctl %s' shows it"),
		                 word, CLI_NAME(CLI_CMD_DATA_LIST));
	*id = v;
	return 0;
}

/* Local date and time to the second, or the time alone when it is the
 * day of ref. */
static void local_stamp(uint64_t usec, uint64_t ref, char *buf, size_t size)
{
	time_t t = (time_t)(usec / USEC_PER_SEC);
	struct tm tm;
	localtime_r(&t, &tm);
	if (ref && local_day(usec) == local_day(ref))
		strftime(buf, size, "%H:%M:%S", &tm);
	else
		strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm);
}

/* The columns of data list, each as wide as its header in the person's
 * language when that is wider. */
static const struct cli_column segment_cols[] = {
    {N_("ID"), 17, false, 0},      {N_("Stream"), 15, false, 1}, {N_("From"), 19, false, 1},
    {N_("To"), 19, false, 1},      {N_("Events"), 9, true, 1},   {N_("Size"), 9, true, 1},
    {N_("Expires"), 10, false, 2}, {N_("Upload"), 0, false, 2},
};
#define N_SEGMENT_COLS ARRAY_SIZE(segment_cols)

static void segment_header(void)
{
	int w[N_SEGMENT_COLS];
	cli_columns_fit(segment_cols, N_SEGMENT_COLS, w);
	cli_row(segment_cols, w, N_SEGMENT_COLS, NULL);
}

static enum contract_result segments_read(DBusMessage *reply, uint32_t limit, struct cli_page *pg,
                                          struct contract_fault *f)
{
	enum contract_result r = contract_read_segments(reply, limit, &pg->s, f);
	pg->total = pg->s.total;
	pg->n = pg->s.n;
	return r;
}

/* data: the model with the Upload property, for what becomes of each
 * segment (summary_segment_fate). */
static void segment_row(const struct cli_page *pg, size_t i, struct json *j, const void *data)
{
	const struct contract_segment *r = &pg->s.rows[i];
	const char *stream = contract_stream_name(r->stream);
	if (j) {
		json_object_begin(j);
		json_key(j, "id");
		json_uint(j, r->id);
		json_key(j, "stream");
		json_string(j, stream);
		json_key(j, "start");
		json_uint(j, r->start);
		json_key(j, "end");
		json_uint(j, r->end);
		json_key(j, "events");
		json_uint(j, r->events);
		json_key(j, "bytes");
		json_uint(j, r->bytes);
		json_key(j, "expires");
		json_uint(j, r->expires);
		json_key(j, "uploaded");
		json_bool(j, r->uploaded);
		json_object_end(j);
	} else {
		char id[32], from[32], to[32], ev[32], size[32], exp[32], fate[64];
		struct model_segment ms = {.id = r->id,
		                           .start = r->start,
		                           .end = r->end,
		                           .bytes = r->bytes,
		                           .expires = r->expires,
		                           .events = r->events,
		                           .stream = (char *)stream,
		                           .uploaded = r->uploaded};
		summary_segment_fate(data, &ms, now_usec(), false, fate, sizeof fate);
		local_stamp(r->start, 0, from, sizeof from);
		/* The segment a stream is writing now has no end yet (0) and
		 * no expiry until it closes. */
		if (r->end)
			local_stamp(r->end, r->start, to, sizeof to);
		else
			/* TRANSLATORS: in data list's To column: the segment is still
			 * being written. */
			snprintf(to, sizeof to, "%s", _("recording"));
		human_count(r->events, ev, sizeof ev);
		human_bytes(r->bytes, size, sizeof size);
		if (r->expires)
			format_local_date(r->expires, exp, sizeof exp);
		else
			snprintf(exp, sizeof exp, "-");
		snprintf(id, sizeof id, "%" PRIu64, r->id);
		const char *cells[N_SEGMENT_COLS] = {id, stream, from, to, ev, size, exp, fate};
		int w[N_SEGMENT_COLS];
		cli_columns_fit(segment_cols, N_SEGMENT_COLS, w);
		cli_row(segment_cols, w, N_SEGMENT_COLS, cells);
	}
}

int cli_data_list(struct cli *c, char **args, int n_args)
{
	(void)args;
	(void)n_args;
	struct cli_pager p = {.method = "ListSegments",
	                      .list_key = "segments",
	                      .page = SEGMENTS_PAGE,
	                      .header = segment_header,
	                      .read = segments_read,
	                      .row = segment_row};
	struct model m;
	int rc;
	if ((rc = cli_parse_limit(c, SEGMENTS_DEFAULT, &p.limit)) || (rc = cli_connect(c)))
		return rc;
	/* The JSON rows are ListSegments' as they come. */
	if (c->json)
		return cli_page_through(c, &p);
	if ((rc = cli_load_property(c, &m, MODEL_PROP_UPLOAD, NULL)))
		return rc;
	p.data = &m;
	rc = cli_page_through(c, &p);
	model_fini(&m);
	if (rc)
		return rc;
	if (p.got == 0) {
		say("%s", _("No segment is kept yet.\n"));
	} else if (p.got < p.total) {
		char a[32], b[32];
		human_count(p.got, a, sizeof a);
		human_count(p.total, b, sizeof b);
		say(_("(the newest %s of %s; --limit shows more)\n"), a, b);
	}
	return 0;
}

/* One event as a JSON object with the keys of an export line. */
static void json_event(struct json *j, const struct evjson_event *e)
{
	char iso[40];
	bool pos, code, text;
	evjson_fields(e->kind, &pos, &code, &text);
	evjson_iso(e->time, iso, sizeof iso);
	json_object_begin(j);
	json_key(j, "time");
	json_string(j, iso);
	json_key(j, "us");
	json_uint(j, e->time);
	json_key(j, "stream");
	json_string(j, e->stream);
	json_key(j, "kind");
	json_string(j, e->kind);
	if (pos) {
		json_key(j, "x");
		json_int(j, e->x);
		json_key(j, "y");
		json_int(j, e->y);
	}
	if (code) {
		json_key(j, "code");
		json_int(j, e->code);
	}
	if (text) {
		json_key(j, "text");
		json_string(j, e->text);
	}
	json_object_end(j);
}

/* What data show gathers before it prints: the events as text or JSON,
 * and what they span. */
struct show {
	FILE *f;
	struct json j;
	bool json;
	uint64_t got, first_t, last_t;
	const char *stream;
};

static void show_event(struct show *s, const struct contract_event *ce)
{
	struct evjson_event e = {ce->time,
	                         contract_stream_name(ce->stream),
	                         contract_kind_name(ce->kind),
	                         ce->x,
	                         ce->y,
	                         ce->code,
	                         ce->text};
	if (!*s->stream)
		s->stream = e.stream;
	if (!s->first_t)
		s->first_t = e.time;
	s->last_t = e.time;
	if (s->json) {
		json_event(&s->j, &e);
	} else {
		char when[40], ms[16], what[320];
		local_stamp(e.time, 0, when, sizeof when);
		snprintf(ms, sizeof ms, ".%03u", (unsigned)(e.time % USEC_PER_SEC / 1000));
		evtext_detail(&e, what, sizeof what);
		cli_say_to(s->f, "%s%s  %s %s\n", when, ms, cli_cell(e.kind, 14), what);
	}
}

/* One page of ReadSegment: 1 when it was the last (the total reached, or
 * a page shorter than asked: the total is the agent's claim, not a
 * bound), 0 when more may follow, or the exit status negated. */
static int show_page(struct cli *c, uint64_t id, struct show *s)
{
	dbus_uint64_t sid = id;
	/* got stays below the total, a u. */
	dbus_uint32_t offset = (dbus_uint32_t)s->got, limit = EVENTS_PAGE;
	struct contract_events ev;
	struct contract_fault f;
	int rc = 0;
	DBusMessage *reply =
	    cli_call(c, &rc, CAPCTL_IFACE, "ReadSegment", DBUS_TYPE_UINT64, &sid, DBUS_TYPE_UINT32,
	             &offset, DBUS_TYPE_UINT32, &limit, DBUS_TYPE_INVALID);
	if (!reply)
		return -rc;
	rc = cli_outcome(c, contract_read_segment(reply, limit, &ev, &f), &f);
	dbus_message_unref(reply);
	if (rc)
		return -rc;
	for (size_t i = 0; i < ev.n; i++)
		show_event(s, &ev.rows[i]);
	s->got += ev.n;
	int last = ev.n < limit || s->got >= ev.total;
	contract_events_fini(&ev);
	return last;
}

int cli_data_show(struct cli *c, char **args, int n_args)
{
	const char *word = args[0];
	(void)n_args;
	uint64_t id;
	int rc, r = 0;
	char *doc = NULL;
	size_t doc_len = 0;
	if ((rc = parse_segment_id(word, &id)) || (rc = cli_connect(c)))
		return rc;
	struct show s = {.f = open_memstream(&doc, &doc_len), .json = c->json, .stream = ""};
	if (c->json) {
		json_init(&s.j, s.f);
		json_object_begin(&s.j);
		json_key(&s.j, "id");
		json_uint(&s.j, id);
		json_key(&s.j, "events");
		json_array_begin(&s.j);
	}
	/* The whole segment, a page at a time; printed once it is all in, so
	 * that the header can say what it spans. */
	while (r == 0)
		r = show_page(c, id, &s);
	if (r < 0) {
		fclose(s.f);
		free(doc);
		return -r;
	}
	if (c->json) {
		json_array_end(&s.j);
		json_object_end(&s.j);
		json_finish(&s.j);
		fclose(s.f);
		fwrite(doc, 1, doc_len, stdout);
	} else {
		fclose(s.f);
		char from[32], to[32], n[32];
		human_count(s.got, n, sizeof n);
		local_stamp(s.first_t, 0, from, sizeof from);
		local_stamp(s.last_t, s.first_t, to, sizeof to);
		if (s.got)
			say(P_("Segment %" PRIu64 ": %s, %s event from %s to %s\n\n",
			       "Segment %" PRIu64 ": %s, %s events from %s to %s\n\n", s.got),
			    id, s.stream, n, from, to);
		else
			say(_("Segment %" PRIu64 ": no events\n"), id);
		fwrite(doc, 1, doc_len, stdout);
	}
	free(doc);
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* Which of ids[n] the agent keeps, into known[]: every page of
 * ListSegments, ending at a short page whatever the total claims. */
static int find_segments(struct cli *c, const uint64_t *ids, int n, bool *known)
{
	uint64_t *kept = NULL;
	size_t n_kept = 0;
	int rc = 0;
	for (dbus_uint64_t offset = 0;;) {
		dbus_uint32_t limit = SEGMENTS_PAGE;
		DBusMessage *reply =
		    cli_call(c, &rc, CAPCTL_IFACE, "ListSegments", DBUS_TYPE_UINT64, &offset,
		             DBUS_TYPE_UINT32, &limit, DBUS_TYPE_INVALID);
		if (!reply)
			break;
		struct contract_segments s = {0};
		struct contract_fault f;
		rc = cli_outcome(c, contract_read_segments(reply, limit, &s, &f), &f);
		dbus_message_unref(reply);
		kept = xrealloc(kept, (n_kept + s.n) * sizeof *kept);
		for (size_t i = 0; i < s.n; i++)
			kept[n_kept++] = s.rows[i].id;
		offset += s.n;
		bool done = rc || s.n < limit || offset >= s.total;
		contract_segments_fini(&s);
		if (done)
			break;
	}
	if (!rc) {
		qsort(kept, n_kept, sizeof *kept, cmp_u64);
		for (int i = 0; i < n; i++)
			known[i] = n_kept && bsearch(&ids[i], kept, n_kept, sizeof *kept, cmp_u64);
	}
	free(kept);
	return rc;
}

/* Deletes del[n] a batch at a time: how many the agent deleted into
 * *deleted. */
static int delete_batches(struct cli *c, const uint64_t *del, int n, uint64_t *deleted)
{
	int rc = 0;
	*deleted = 0;
	for (int at = 0; !rc && at < n; at += DELETE_BATCH) {
		int k = n - at < DELETE_BATCH ? n - at : DELETE_BATCH;
		const dbus_uint64_t *batch = (const dbus_uint64_t *)del + at;
		DBusMessage *reply =
		    cli_call(c, &rc, CAPCTL_IFACE, "DeleteSegments", DBUS_TYPE_ARRAY,
		             DBUS_TYPE_UINT64, &batch, k, DBUS_TYPE_INVALID);
		if (!reply)
			break;
		uint32_t d;
		struct contract_fault f;
		rc = cli_outcome(c, contract_read_delete(reply, &d, &f), &f);
		dbus_message_unref(reply);
		*deleted += rc ? 0 : d;
	}
	return rc;
}

/* What the deletion of ids[n] came to, n_known of them kept: the count
 * on stdout, and each id not kept on stderr. */
static void delete_report(const struct cli *c, const uint64_t *ids, const bool *known, int n,
                          int n_known, uint64_t deleted)
{
	if (c->json) {
		struct json j;
		json_init(&j, stdout);
		json_object_begin(&j);
		json_key(&j, "deleted");
		json_uint(&j, deleted);
		json_key(&j, "unknown");
		json_array_begin(&j);
		for (int i = 0; i < n; i++)
			if (!known[i])
				json_uint(&j, ids[i]);
		json_array_end(&j);
		json_object_end(&j);
		json_finish(&j);
	} else if (deleted == (uint64_t)n_known && n_known) {
		say(P_("Deleted %" PRIu64 " segment.\n", "Deleted %" PRIu64 " segments.\n",
		       deleted),
		    deleted);
	} else if (n_known) {
		say(P_("Deleted %" PRIu64 " of %d segment; the others were not kept any more.\n",
		       "Deleted %" PRIu64 " of %d segments; the others were not kept any more.\n",
		       (unsigned long)n_known),
		    deleted, n_known);
	}
	for (int i = 0; i < n; i++)
		if (!known[i])
			complain(
			    _("no segment %" PRIu64 " is kept (capctl %s shows those that are)\n"),
			    ids[i], CLI_NAME(CLI_CMD_DATA_LIST));
}

/* Deletes the segments named; an id the agent does not keep is named on
 * stderr and makes the exit status 1 (cli.md), the others are deleted. */
int cli_data_delete(struct cli *c, char **words, int n)
{
	uint64_t *ids = xcalloc((size_t)n, sizeof *ids);
	bool *known = xcalloc((size_t)n, sizeof *known);
	uint64_t deleted = 0;
	int rc = 0, n_known = 0;
	for (int i = 0; i < n && !rc; i++)
		rc = parse_segment_id(words[i], &ids[i]);
	if (!rc && !(rc = cli_connect(c)))
		rc = find_segments(c, ids, n, known);
	/* The known ids to the front, in the order given. */
	uint64_t *del = xcalloc((size_t)n, sizeof *del);
	for (int i = 0; !rc && i < n; i++)
		if (known[i])
			del[n_known++] = ids[i];
	if (!rc)
		rc = delete_batches(c, del, n_known, &deleted);
	free(del);
	if (!rc) {
		delete_report(c, ids, known, n, n_known, deleted);
		if (n_known < n)
			rc = CLI_REFUSED;
	}
	free(known);
	free(ids);
	return rc;
}

/* Drives the export with blocking calls: export_next's result (-1 with
 * the reason in x->error), or 1 with *rc set when a call failed. */
static int export_run(struct cli *c, struct export *x, int *rc)
{
	struct export_req req;
	int r;
	while ((r = export_next(x, &req)) == 1) {
		DBusMessage *m;
		if (req.kind == EXPORT_REQ_LIST) {
			dbus_uint64_t offset = req.offset;
			dbus_uint32_t limit = req.limit;
			m = dbus_message_new_method_call(CAPCTL_BUS_NAME, CAPCTL_PATH, CAPCTL_IFACE,
			                                 "ListSegments");
			dbus_message_append_args(m, DBUS_TYPE_UINT64, &offset, DBUS_TYPE_UINT32,
			                         &limit, DBUS_TYPE_INVALID);
		} else {
			dbus_uint64_t id = req.id;
			dbus_uint32_t offset = (dbus_uint32_t)req.offset, limit = req.limit;
			m = dbus_message_new_method_call(CAPCTL_BUS_NAME, CAPCTL_PATH, CAPCTL_IFACE,
			                                 "ReadSegment");
			dbus_message_append_args(m, DBUS_TYPE_UINT64, &id, DBUS_TYPE_UINT32,
			                         &offset, DBUS_TYPE_UINT32, &limit,
			                         DBUS_TYPE_INVALID);
		}
		DBusMessage *reply = cli_call_answer(c, rc, m);
		dbus_message_unref(m);
		if (!reply)
			break;
		/* A segment gone meanwhile is the export's to skip; any other
		 * refusal is the agent's word, as for every command. */
		struct contract_fault f;
		enum contract_result cr = contract_read_error(
		    reply, req.kind == EXPORT_REQ_LIST ? "ListSegments" : "ReadSegment", &f);
		if (cr != CONTRACT_REFUSED || strcmp(f.name, CAPCTL_ERR_NO_SUCH_SEGMENT) != 0)
			*rc = cli_outcome(c, cr, &f);
		contract_fault_fini(&f);
		if (!*rc)
			export_reply(x, reply);
		dbus_message_unref(reply);
		if (*rc)
			break;
	}
	return r;
}

/* What cannot be written to the file the person chose, naming it. */
static int cannot_write(const struct cli *c, int err)
{
	complain(_("cannot write '%s': %s\n"), cli_line(c->opt[CLI_OPT_OUTPUT]), strerror(err));
	return CLI_USAGE;
}

/* --since TIME into *since; 0 when not given. */
static int export_since(const struct cli *c, uint64_t *since)
{
	const char *word = c->opt[CLI_OPT_SINCE];
	*since = 0;
	if (!word)
		return 0;
	int r = timearg_parse(word, now_usec(), since);
	if (r == -ERANGE)
		return cli_usage(_("invalid time '%s': a duration must be from 1s to 366 days, a "
		                   "time from 1970 on"),
		                 word);
	if (r < 0)
		return cli_usage(
		    _("invalid time '%s': write an ISO 8601 time like "
		      "2026-11-29T07:00:00Z or 2026-11-29, or a duration back from now "
		      "like 2h or 1h30m"),
		    word);
	return 0;
}

/* --format into *format: JSON Lines unless it says csv. */
static int export_format(const struct cli *c, enum export_format *format)
{
	const char *word = c->opt[CLI_OPT_FORMAT];
	*format = EXPORT_JSONL;
	for (int f = 0; word && f < N_EXPORT_FORMATS; f++)
		if (strcmp(word, export_format_names[f]) == 0)
			*format = (enum export_format)f;
	if (!word || strcmp(word, export_format_names[*format]) == 0)
		return 0;
	return cli_usage(_("invalid format '%s': use jsonl or csv"), word);
}

/* CSV keeps a text's control characters as they are, where JSON escapes
 * them; a terminal would obey them. So CSV bound for a terminal goes
 * through the one sanitizer a line at a time: each record's CRLF ends the
 * line, every other control is shown visibly. A file or a pipe gets the
 * bytes as they are. */
struct safe_lines {
	char *buf;
	size_t len, cap;
};

static void safe_lines_flush(struct safe_lines *s)
{
	bool nl = s->len && s->buf[s->len - 1] == '\n';
	size_t n = s->len - nl;
	if (nl && n && s->buf[n - 1] == '\r')
		n--;
	char *shown = safe_text(s->buf, n, SAFE_TAB);
	fputs(shown, stdout);
	free(shown);
	if (nl)
		fputc('\n', stdout);
	s->len = 0;
}

static ssize_t safe_lines_write(void *cookie, const char *data, size_t n)
{
	struct safe_lines *s = cookie;
	for (size_t i = 0; i < n; i++) {
		if (s->len == s->cap) {
			s->cap = s->cap ? 2 * s->cap : 256;
			s->buf = xrealloc(s->buf, s->cap);
		}
		s->buf[s->len++] = data[i];
		if (data[i] == '\n')
			safe_lines_flush(s);
	}
	return ferror(stdout) ? -1 : (ssize_t)n;
}

static int safe_lines_close(void *cookie)
{
	struct safe_lines *s = cookie;
	if (s->len)
		safe_lines_flush(s);
	free(s->buf);
	free(s);
	return ferror(stdout) ? -1 : 0;
}

static FILE *safe_lines_open(void)
{
	cookie_io_functions_t io = {.write = safe_lines_write, .close = safe_lines_close};
	struct safe_lines *s = xcalloc(1, sizeof *s);
	FILE *f = fopencookie(s, "w", io);
	if (!f)
		free(s);
	return f;
}

/* Where the export goes, into *out: stdout, or the file -o names, opened
 * in file (never over an existing one without --force). */
static int export_open(const struct cli *c, struct out_file *file, FILE **out)
{
	const char *output = c->opt[CLI_OPT_OUTPUT];
	bool force = c->opt[CLI_OPT_FORCE];
	*out = stdout;
	if (output && !*output)
		return cli_usage("%s", _("-o needs a file name"));
	if (force && !output)
		return cli_usage("%s", _("--force goes with -o FILE: it allows replacing FILE"));
	if (!output)
		return 0;
	int r = out_file_open(file, output, force);
	if (r == -EEXIST)
		return cli_usage(_("'%s' exists already: choose another name, or add --force to "
		                   "replace it"),
		                 output);
	if (r < 0)
		return cannot_write(c, -r);
	*out = file->f;
	return 0;
}

/* Everything from since on into out: 0, or the exit status. The events
 * and segments written into *events and *segs. */
static int export_all(struct cli *c, FILE *out, uint64_t since, enum export_format format,
                      uint64_t *events, size_t *segs)
{
	struct export x;
	int rc = 0;
	export_init(&x, out, since, 0, EVENTS_PAGE);
	x.format = format;
	int r = export_run(c, &x, &rc);
	if (r < 0 && x.malformed) {
		complain("%s\n", cli_line(x.error));
		rc = CLI_UNREACHABLE;
	} else if (r < 0) {
		complain(_("the export failed: %s\n"), cli_line(x.error));
		rc = CLI_REFUSED;
	}
	*events = x.events_written;
	*segs = export_segments(&x);
	export_fini(&x);
	return rc;
}

/* The export written whole into -o FILE: the file put in place, and what
 * went into it said. */
static int export_commit(const struct cli *c, struct out_file *file, uint64_t events, size_t segs)
{
	const char *output = c->opt[CLI_OPT_OUTPUT];
	int r = out_file_commit(file, c->opt[CLI_OPT_FORCE] != NULL);
	if (r == -EEXIST)
		return cli_usage(_("'%s' appeared while the export was written: it is left as it "
		                   "was; add --force to replace it"),
		                 output);
	if (r < 0)
		return cannot_write(c, -r);
	if (c->json) {
		struct json j;
		json_init(&j, stdout);
		json_object_begin(&j);
		json_key(&j, "file");
		json_string(&j, output);
		json_key(&j, "events");
		json_uint(&j, events);
		json_key(&j, "segments");
		json_uint(&j, segs);
		json_object_end(&j);
		json_finish(&j);
	} else {
		char n[32], sg[32];
		human_count(events, n, sizeof n);
		human_count(segs, sg, sizeof sg);
		/* TRANSLATORS: followed by "from 3 segments to FILE.\n". */
		say(P_("Exported %s event ", "Exported %s events ", events), n);
		say(P_("from %s segment to %s.\n", "from %s segments to %s.\n", segs), sg, output);
	}
	return 0;
}

int cli_data_export(struct cli *c, char **args, int n_args)
{
	uint64_t since, events = 0;
	size_t segs = 0;
	struct out_file file = {0};
	enum export_format format;
	FILE *out;
	int rc;
	(void)args;
	(void)n_args;
	if ((rc = export_since(c, &since)) || (rc = export_format(c, &format)) ||
	    (rc = export_open(c, &file, &out)))
		return rc;
	bool shown = out == stdout && format == EXPORT_CSV && isatty(STDOUT_FILENO);
	if (shown && !(out = safe_lines_open())) {
		complain(_("cannot write the export: %s\n"), strerror(errno));
		return CLI_USAGE;
	}
	if (!(rc = cli_connect(c)))
		rc = export_all(c, out, since, format, &events, &segs);
	if (!c->opt[CLI_OPT_OUTPUT]) {
		if (((shown && fclose(out) != 0) || fflush(stdout) != 0) && !rc) {
			complain(_("cannot write the export: %s\n"), strerror(errno));
			rc = CLI_USAGE;
		}
		return rc;
	}
	if (rc) {
		out_file_abort(&file);
		return rc;
	}
	return export_commit(c, &file, events, segs);
}
