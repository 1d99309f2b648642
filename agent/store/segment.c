/* The segment codec. Pure: bytes in, bytes out. The decoder trusts
 * nothing: every length is checked before it is used. */
#include "store/segment.h"
#include "store/segment2.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>

static const uint8_t magic[7] = {'C', 'A', 'P', 'S', 'E', 'G', 0};

_Static_assert(ZSTD_COMPRESSBOUND(SEGMENT_MAX_RAW) <= SEGMENT_MAX_STORED,
               "a segment of SEGMENT_MAX_RAW always fits SEGMENT_MAX_STORED");

/* Room for n more bytes. */
static void buf_reserve(struct buf *b, size_t n)
{
	if (b->len + n > b->cap) {
		b->cap = b->cap ? b->cap * 2 : 256;
		while (b->cap < b->len + n)
			b->cap *= 2;
		b->p = xrealloc(b->p, b->cap);
	}
}

int buf_read_file(const char *path, struct buf *out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	uint8_t chunk[65536];
	ssize_t n;
	while ((n = read(fd, chunk, sizeof chunk)) > 0)
		buf_put(out, chunk, (size_t)n);
	int r = n < 0 ? -errno : 0;
	close(fd);
	return r;
}

void buf_put(struct buf *b, const void *data, size_t n)
{
	buf_reserve(b, n);
	if (n)
		memcpy(b->p + b->len, data, n);
	b->len += n;
}

void buf_free(struct buf *b)
{
	free(b->p);
	*b = (struct buf){0};
}

static void put_varint(struct buf *b, uint64_t v)
{
	buf_reserve(b, 10);
	uint8_t *p = b->p + b->len;
	while (v >= 0x80) {
		*p++ = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	*p++ = (uint8_t)v;
	b->len = (size_t)(p - b->p);
}

static uint64_t zigzag(int64_t v)
{
	return ((uint64_t)v << 1) ^ (v < 0 ? UINT64_MAX : 0);
}

static int64_t unzigzag(uint64_t v)
{
	return (int64_t)((v >> 1) ^ (0 - (v & 1)));
}

/* ---- building ---- */

void seg_cols_init(struct seg_cols *c, uint64_t base)
{
	memset(c, 0, sizeof *c);
	c->base = c->prev_time = base;
}

void seg_cols_fini(struct seg_cols *c)
{
	for (int i = 0; i < N_COLS; i++)
		buf_free(&c->col[i]);
}

void seg_cols_add(struct seg_cols *c, const struct event *e)
{
	put_varint(&c->col[COL_TIME], zigzag((int64_t)(e->time - c->prev_time)));
	put_varint(&c->col[COL_KIND], zigzag((int64_t)e->kind - c->prev_kind));
	put_varint(&c->col[COL_X], zigzag((int64_t)e->x - c->prev_x));
	put_varint(&c->col[COL_Y], zigzag((int64_t)e->y - c->prev_y));
	put_varint(&c->col[COL_CODE], zigzag((int64_t)e->code - c->prev_code));
	if (e->text[0] == c->prev_text[0] && (!e->text[0] || strcmp(e->text, c->prev_text) == 0)) {
		put_varint(&c->col[COL_TEXT], 0);
	} else {
		size_t len = strnlen(e->text, EVENT_TEXT_MAX - 1);
		put_varint(&c->col[COL_TEXT], len + 1);
		buf_put(&c->col[COL_TEXT], e->text, len);
		memcpy(c->prev_text, e->text, len);
		c->prev_text[len] = '\0';
	}
	c->prev_time = e->time;
	c->prev_kind = (int32_t)e->kind;
	c->prev_x = e->x;
	c->prev_y = e->y;
	c->prev_code = e->code;
	if (c->n == 0 || e->time < c->first)
		c->first = e->time;
	if (c->n == 0 || e->time > c->last)
		c->last = e->time;
	c->n++;
}

void seg_cols_payload(const struct seg_cols *c, struct buf *out)
{
	put_varint(out, c->n);
	put_varint(out, c->base);
	for (int i = 0; i < N_COLS; i++)
		put_varint(out, c->col[i].len);
	for (int i = 0; i < N_COLS; i++)
		buf_put(out, c->col[i].p, c->col[i].len);
}

/* ---- decoding ---- */

struct reader {
	const uint8_t *p, *end;
	bool bad;
};

static uint64_t get_varint(struct reader *r)
{
	uint64_t v = 0;
	for (int shift = 0; shift < 64; shift += 7) {
		if (r->p >= r->end) {
			r->bad = true;
			return 0;
		}
		uint8_t byte = *r->p++;
		v |= (uint64_t)(byte & 0x7f) << shift;
		if (!(byte & 0x80))
			return v;
	}
	r->bad = true;
	return 0;
}

void seg_events_fini(struct seg_events *ev)
{
	free(ev->time);
	free(ev->kind);
	free(ev->x);
	free(ev->y);
	free(ev->code);
	free(ev->text);
	free(ev->pool);
	memset(ev, 0, sizeof *ev);
}

static bool fits_i32(int64_t v)
{
	return v >= INT32_MIN && v <= INT32_MAX;
}

/* Room for n events whose text column is text_len bytes. */
static void events_alloc(struct seg_events *out, uint32_t n, uint64_t text_len)
{
	out->n = n;
	out->time = xcalloc(n, sizeof *out->time);
	out->kind = xcalloc(n, 1);
	out->x = xcalloc(n, sizeof(int32_t));
	out->y = xcalloc(n, sizeof(int32_t));
	out->code = xcalloc(n, sizeof(int32_t));
	out->text = xcalloc(n, sizeof(uint32_t));
	/* The pool never needs more than the text column plus a NUL each. */
	out->pool = xmalloc(text_len + n + 1);
	out->pool[0] = '\0';
	out->pool_len = 1; /* offset 0 is "" */
}

/* The events of the six columns col (n of them, the first time from
 * base) into out: 0 or -EBADMSG. */
static int columns_decode(struct reader *col, uint64_t n, uint64_t base, struct seg_events *out)
{
	events_alloc(out, (uint32_t)n, (uint64_t)(col[COL_TEXT].end - col[COL_TEXT].p));

	/* Sums wrap as unsigned: hostile deltas must not be undefined
	 * behaviour, only out of range. */
	uint64_t t = base, kind = 0, x = 0, y = 0, code = 0;
	uint32_t prev_text = 0;
	for (uint32_t i = 0; i < n; i++) {
		t += (uint64_t)unzigzag(get_varint(&col[COL_TIME]));
		kind += (uint64_t)unzigzag(get_varint(&col[COL_KIND]));
		x += (uint64_t)unzigzag(get_varint(&col[COL_X]));
		y += (uint64_t)unzigzag(get_varint(&col[COL_Y]));
		code += (uint64_t)unzigzag(get_varint(&col[COL_CODE]));
		uint64_t tl = get_varint(&col[COL_TEXT]);
		if (tl) {
			tl--;
			if (tl >= EVENT_TEXT_MAX ||
			    tl > (uint64_t)(col[COL_TEXT].end - col[COL_TEXT].p))
				goto bad;
			prev_text = (uint32_t)out->pool_len;
			memcpy(out->pool + out->pool_len, col[COL_TEXT].p, tl);
			out->pool[out->pool_len + tl] = '\0';
			if (memchr(out->pool + prev_text, '\0', tl))
				goto bad;
			out->pool_len += tl + 1;
			col[COL_TEXT].p += tl;
		}
		if (kind >= N_EVENT_KINDS || !fits_i32((int64_t)x) || !fits_i32((int64_t)y) ||
		    !fits_i32((int64_t)code))
			goto bad;
		out->time[i] = t;
		out->kind[i] = (uint8_t)kind;
		out->x[i] = (int32_t)x;
		out->y[i] = (int32_t)y;
		out->code[i] = (int32_t)code;
		out->text[i] = prev_text;
	}
	for (int i = 0; i < N_COLS; i++)
		if (col[i].bad || col[i].p != col[i].end)
			goto bad;
	return 0;
bad:
	seg_events_fini(out);
	return -EBADMSG;
}

int payload_decode(const void *data, size_t len, struct seg_events *out)
{
	struct reader r = {data, (const uint8_t *)data + len, false};
	struct reader col[N_COLS];
	memset(out, 0, sizeof *out);

	uint64_t n = get_varint(&r), base = get_varint(&r), lens[N_COLS];
	for (int i = 0; i < N_COLS; i++)
		lens[i] = get_varint(&r);
	if (r.bad || n > SEGMENT_MAX_EVENTS)
		return -EBADMSG;
	/* Every event takes at least one byte in each column. */
	for (int i = 0; i < N_COLS; i++) {
		if (lens[i] > (uint64_t)(r.end - r.p) || lens[i] < n)
			return -EBADMSG;
		col[i] = (struct reader){r.p, r.p + lens[i], false};
		r.p += lens[i];
	}
	if (r.p != r.end)
		return -EBADMSG;
	return columns_decode(col, n, base, out);
}

void seg_events_get(const struct seg_events *ev, uint32_t i, enum stream s, struct event *out)
{
	*out = (struct event){
	    .time = ev->time[i],
	    .stream = s,
	    .kind = (enum event_kind)ev->kind[i],
	    .x = ev->x[i],
	    .y = ev->y[i],
	    .code = ev->code[i],
	};
	snprintf(out->text, sizeof out->text, "%s", ev->pool + ev->text[i]);
}

/* ---- files ---- */

static uint64_t get_le(const uint8_t *p, int n)
{
	uint64_t v = 0;
	for (int i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/* Eight bytes a step (slicing-by-8): crc_table[k][b] is what byte b
 * adds to the CRC when k bytes follow it. */
static uint32_t crc_table[8][256];

static void crc_tables(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0x82f63b78u : c >> 1;
		crc_table[0][i] = c;
	}
	for (int k = 1; k < 8; k++)
		for (int i = 0; i < 256; i++)
			crc_table[k][i] =
			    crc_table[0][crc_table[k - 1][i] & 0xff] ^ (crc_table[k - 1][i] >> 8);
}

uint32_t crc32c(uint32_t crc, const void *data, size_t len)
{
	if (!crc_table[0][1])
		crc_tables();
	const uint8_t *p = data;
	crc = ~crc;
	for (; len >= 8; len -= 8, p += 8) {
		uint32_t lo = crc ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
		                     (uint32_t)p[3] << 24);
		crc = crc_table[7][lo & 0xff] ^ crc_table[6][(lo >> 8) & 0xff] ^
		      crc_table[5][(lo >> 16) & 0xff] ^ crc_table[4][lo >> 24] ^
		      crc_table[3][p[4]] ^ crc_table[2][p[5]] ^ crc_table[1][p[6]] ^
		      crc_table[0][p[7]];
	}
	while (len--)
		crc = crc_table[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

int segment_encode(const struct seg_cols *c, enum stream s, uint64_t id, struct buf *out)
{
	/* The columns read where they are, not copied into a payload. */
	struct reader col[N_COLS];
	struct seg_events ev = {0};
	for (int i = 0; i < N_COLS; i++) /* an empty one may have no bytes at all */
		col[i] = (struct reader){
		    c->col[i].p, c->col[i].len ? c->col[i].p + c->col[i].len : c->col[i].p, false};
	if (columns_decode(col, c->n, c->base, &ev) < 0)
		return -EIO;
	seg2_encode(&ev, s, id, out);
	seg_events_fini(&ev);
	return 0;
}

/* Format 1, which the release before wrote: kept readable. The header's
 * fields, checked as far as the header alone can be: version, stream and
 * limits. */
static enum seg_fault seg1_header(const uint8_t *p, size_t len, struct seg_header *h)
{
	if (len < SEGMENT_HEADER_SIZE)
		return SEG_SHORT;
	if (p[45] != 1)
		return SEG_VERSION;
	*h = (struct seg_header){
	    .id = get_le(p + 8, 8),
	    .start = get_le(p + 16, 8),
	    .end = get_le(p + 24, 8),
	    .events = (uint32_t)get_le(p + 32, 4),
	    .raw_len = (uint32_t)get_le(p + 36, 4),
	    .stored_len = (uint32_t)get_le(p + 40, 4),
	    .stream = (enum stream)p[44],
	};
	if (p[44] >= N_STREAMS || h->raw_len > SEGMENT_MAX_RAW ||
	    h->stored_len > SEGMENT_MAX_STORED || h->events > SEGMENT_MAX_EVENTS ||
	    h->end < h->start)
		return SEG_HEADER;
	return SEG_OK;
}

static enum seg_fault seg1_size(const uint8_t *head, size_t len, size_t *size)
{
	struct seg_header h;
	enum seg_fault f = seg1_header(head, len, &h);
	if (f == SEG_OK)
		*size = SEGMENT_HEADER_SIZE + (size_t)h.stored_len;
	return f;
}

static enum seg_fault seg1_check(const uint8_t *p, size_t len, struct seg_header *h)
{
	enum seg_fault f = seg1_header(p, len, h);
	if (f != SEG_OK)
		return f;
	if (h->stored_len != len - SEGMENT_HEADER_SIZE)
		return SEG_LENGTH;
	uint8_t zero[4] = {0};
	uint32_t crc = crc32c(0, p, 48);
	crc = crc32c(crc, zero, 4);
	crc = crc32c(crc, p + 52, len - 52);
	return crc == (uint32_t)get_le(p + 48, 4) ? SEG_OK : SEG_CHECKSUM;
}

static enum seg_fault seg1_decode(const uint8_t *data, size_t len, struct seg_header *h,
                                  struct seg_events *out)
{
	enum seg_fault f = seg1_check(data, len, h);
	if (f != SEG_OK)
		return f;
	void *raw = xmalloc(h->raw_len ? h->raw_len : 1);
	size_t n = ZSTD_decompress(raw, h->raw_len, data + SEGMENT_HEADER_SIZE, h->stored_len);
	if (ZSTD_isError(n) || n != h->raw_len) {
		free(raw);
		return SEG_COMPRESSION;
	}
	int r = payload_decode(raw, n, out);
	free(raw);
	if (r < 0)
		return SEG_PAYLOAD;
	uint64_t lo = UINT64_MAX, hi = 0;
	for (uint32_t i = 0; i < out->n; i++) {
		lo = out->time[i] < lo ? out->time[i] : lo;
		hi = out->time[i] > hi ? out->time[i] : hi;
	}
	if (out->n != h->events || (out->n && (lo != h->start || hi != h->end))) {
		seg_events_fini(out);
		return SEG_SUMMARY;
	}
	return SEG_OK;
}

/* The format is the last byte of the magic: SEG_SHORT, SEG_MAGIC or SEG_OK
 * with the format in *version. */
static enum seg_fault format_of(const void *data, size_t len, unsigned *version)
{
	const uint8_t *p = data;
	if (memcmp(p, magic, len < sizeof magic ? len : sizeof magic) != 0)
		return SEG_MAGIC;
	if (len < sizeof magic + 1)
		return SEG_SHORT;
	*version = p[sizeof magic];
	return SEG_OK;
}

enum seg_fault segment_size(const void *head, size_t len, size_t *size)
{
	unsigned v = 0;
	enum seg_fault f = format_of(head, len, &v);
	if (f != SEG_OK)
		return f;
	switch (v) {
	case 1:
		return seg1_size(head, len, size);
	case 2:
		return seg2_size(head, len, size);
	default:
		return SEG_VERSION;
	}
}

enum seg_fault segment_check_fault(const void *data, size_t len, struct seg_header *h)
{
	unsigned v = 0;
	enum seg_fault f = format_of(data, len, &v);
	if (f != SEG_OK)
		return f;
	switch (v) {
	case 1:
		return seg1_check(data, len, h);
	case 2:
		return seg2_check(data, len, h);
	default:
		return SEG_VERSION;
	}
}

enum seg_fault segment_decode_fault(const void *data, size_t len, struct seg_header *h,
                                    struct seg_events *out)
{
	unsigned v = 0;
	enum seg_fault f = format_of(data, len, &v);
	memset(out, 0, sizeof *out);
	if (f != SEG_OK)
		return f;
	switch (v) {
	case 1:
		return seg1_decode(data, len, h, out);
	case 2:
		return seg2_decode(data, len, h, out);
	default:
		return SEG_VERSION;
	}
}

int segment_check(const void *data, size_t len, struct seg_header *h)
{
	return segment_check_fault(data, len, h) == SEG_OK ? 0 : -EBADMSG;
}

int segment_decode(const void *data, size_t len, struct seg_header *h, struct seg_events *out)
{
	return segment_decode_fault(data, len, h, out) == SEG_OK ? 0 : -EBADMSG;
}
