/* Reading segments one after another, each decoded in full before its
 * lines are written. Memory is bounded by one segment: its size comes from
 * its header and is read a chunk at a time, so a header that claims more
 * than the file holds costs only what the file holds. */
#include "decode.h"
#include "control/policy.h"
#include "evjson.h"
#include "i18n.h"
#include "store/segment.h"
#include "util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* What every segment format keeps, so that the version can be read before
 * the format is known: the magic's first seven bytes, and the version in
 * its eighth. */
static const uint8_t magic_prefix[7] = {'C', 'A', 'P', 'S', 'E', 'G', 0};
#define VERSION_AT 7

/* A segment format --decode reads. A new format plugs in as one more row:
 * from the first bytes of a segment (up to SEGMENT_HEADER_SIZE, or fewer
 * at the end of the file) its whole size, which may be less than what was
 * read (a short format 2 segment, and the next one after it); from all of
 * it, its events. */
struct format {
	uint8_t version;
	enum seg_fault (*size)(const void *head, size_t len, size_t *size);
	enum seg_fault (*decode)(const void *data, size_t len, struct seg_header *h,
	                         struct seg_events *out);
};

static const struct format formats[] = {
    {1, segment_size, segment_decode_fault},
    {2, segment_size, segment_decode_fault},
};

static const struct format *format_of(uint8_t version)
{
	for (size_t i = 0; i < ARRAY_SIZE(formats); i++)
		if (formats[i].version == version)
			return &formats[i];
	return NULL;
}

static const char *fault_words(enum seg_fault f)
{
	switch (f) {
	case SEG_OK:
		break;
	case SEG_SHORT:
		return _("truncated");
	case SEG_MAGIC:
		return _("not a capctl segment (bad magic)");
	case SEG_VERSION:
		return _("a segment format this captured does not read");
	case SEG_HEADER:
		return _("bad header (a stream, size, count or time out of range)");
	case SEG_LENGTH:
		return _("the header's length is not the segment's");
	case SEG_CHECKSUM:
		return _("checksum mismatch");
	case SEG_COMPRESSION:
		return _("damaged compressed data");
	case SEG_PAYLOAD:
		return _("damaged events (the payload does not decode)");
	case SEG_SUMMARY:
		return _("the events do not match the header's count or times");
	}
	return _("damaged");
}

/* One file's reading: where it is, for the messages. */
struct reader {
	FILE *in, *err;
	const char *name;
	uint64_t at;   /* the offset of the segment being read */
	unsigned segs; /* segments decoded before it */
};

static int say(struct reader *r, int ret, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* One line on err: the file, where in it when past its first segment,
 * what is wrong; returns ret. */
static int say(struct reader *r, int ret, const char *fmt, ...)
{
	va_list ap;
	fprintf(r->err, "captured: %s: ", r->name);
	if (r->at)
		fprintf(r->err, _("at byte %llu (segment %u): "), (unsigned long long)r->at,
		        r->segs + 1);
	va_start(ap, fmt);
	vfprintf(r->err, fmt, ap);
	va_end(ap);
	fputc('\n', r->err);
	return ret;
}

/* Up to n bytes: how many came; *error is errno on a read error. */
static size_t take(FILE *in, void *p, size_t n, int *error)
{
	size_t got = fread(p, 1, n, in);
	if (got < n && ferror(in))
		*error = errno ? errno : EIO;
	return got;
}

static void print_events(const struct seg_header *h, const struct seg_events *ev, FILE *out)
{
	const char *stream = stream_id(h->stream);
	for (uint32_t i = 0; i < ev->n; i++) {
		const struct evjson_event e = {
		    .time = ev->time[i],
		    .stream = stream,
		    .kind = event_kind_name((enum event_kind)ev->kind[i]),
		    .x = ev->x[i],
		    .y = ev->y[i],
		    .code = ev->code[i],
		    .text = ev->pool + ev->text[i],
		};
		evjson_line(out, &e, &h->id);
	}
}

/* The segment at r->at, whose first bytes are in seg (maybe some of the
 * next segment's too): read whole, decoded and printed, its size in
 * *size. 1 when done, or what decode_stream returns. */
static int one_segment(struct reader *r, struct buf *seg, FILE *out, size_t *size)
{
	const uint8_t *head = seg->p;
	size_t got = seg->len;
	int error = 0;
	if (memcmp(head, magic_prefix, got < sizeof magic_prefix ? got : sizeof magic_prefix) != 0)
		return say(r, -EBADMSG,
		           r->at ? _("not a capctl segment (bad magic)")
		                 : _("not a capctl segment or upload body (bad magic)"));
	if (got <= VERSION_AT)
		return say(r, -EBADMSG, _("truncated (%zu bytes, less than a header)"), got);
	const struct format *fmt = format_of(head[VERSION_AT]);
	if (!fmt)
		return say(r, -EBADMSG, _("segment format %u, which this captured does not read"),
		           head[VERSION_AT]);
	enum seg_fault f = fmt->size(head, got, size);
	if (f == SEG_SHORT)
		return say(r, -EBADMSG, _("truncated (%zu bytes, less than a header)"), got);
	if (f != SEG_OK)
		return say(r, -EBADMSG, "%s", fault_words(f));
	while (seg->len < *size) {
		uint8_t chunk[65536];
		size_t want = *size - seg->len < sizeof chunk ? *size - seg->len : sizeof chunk;
		size_t n = take(r->in, chunk, want, &error);
		buf_put(seg, chunk, n);
		if (error)
			return say(r, -error, _("cannot read: %s"), errno_text(error));
		if (n < want)
			return say(r, -EBADMSG, _("truncated (%zu of the segment's %zu bytes)"),
			           seg->len, *size);
	}
	struct seg_header h;
	struct seg_events ev;
	f = fmt->decode(seg->p, *size, &h, &ev);
	if (f != SEG_OK)
		return say(r, -EBADMSG, "%s", fault_words(f));
	print_events(&h, &ev, out);
	seg_events_fini(&ev);
	return 1;
}

int decode_stream(FILE *in, const char *name, FILE *out, FILE *err)
{
	struct reader r = {in, err, name, 0, 0};
	struct buf seg = {0};
	int ret = 0;
	for (;;) {
		/* seg holds what was read past the segment before, if anything:
		 * topped up to a header's worth. */
		uint8_t head[SEGMENT_HEADER_SIZE];
		int error = 0;
		size_t got = take(in, head, sizeof head - seg.len, &error);
		if (error) {
			ret = say(&r, -error, _("cannot read: %s"), errno_text(error));
			break;
		}
		buf_put(&seg, head, got);
		if (seg.len == 0) {
			if (!r.segs)
				ret = say(&r, -EBADMSG,
				          _("not a capctl segment or upload body (empty)"));
			break;
		}
		size_t size = 0;
		if ((ret = one_segment(&r, &seg, out, &size)) <= 0)
			break;
		ret = 0;
		memmove(seg.p, seg.p + size, seg.len - size);
		seg.len -= size;
		r.at += size;
		r.segs++;
	}
	buf_free(&seg);
	return ret;
}

int decode_files(char *const *paths, int n, FILE *out, FILE *err)
{
	int status = 0;
	for (int i = 0; i < n; i++) {
		bool std_in = strcmp(paths[i], "-") == 0;
		const char *name = std_in ? _("standard input") : paths[i];
		FILE *in = std_in ? stdin : fopen(paths[i], "rb");
		if (!in) {
			fprintf(err, _("captured: %s: cannot read: %s\n"), name, errno_text(errno));
			status = 1;
			continue;
		}
		if (decode_stream(in, name, out, err) < 0)
			status = 1;
		if (!std_in)
			fclose(in);
		if (fflush(out) != 0 || ferror(out)) {
			fprintf(err, _("captured: cannot write the output: %s\n"),
			        errno_text(errno));
			return 1;
		}
	}
	return status;
}
