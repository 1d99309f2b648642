/* The state file (format in state.h): the two slots and their checksums;
 * opening, recovering, migrating and saving the file. The payload's text is
 * state-text.c's. */
#define _GNU_SOURCE
#include "store/state.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CRC_PREFIX 69 /* header bytes the checksum covers */
#define SLOT_MAGIC "capctl-state-slot "

/* ---- slots ---- */

static uint32_t crc32_update(uint32_t crc, const uint8_t *p, size_t n)
{
	/* CRC-32 (zlib's), four bits at a time. */
	static const uint32_t t[16] = {
	    0x00000000, 0x1db71064, 0x3b6e20c8, 0x26d930ac, 0x76dc4190, 0x6b6b51f4,
	    0x4db26158, 0x5005713c, 0xedb88320, 0xf00f9344, 0xd6d6a3e8, 0xcb61b38c,
	    0x9b64c2b0, 0x86d3d2d4, 0xa00ae278, 0xbdbdf21c,
	};
	crc = ~crc;
	for (size_t i = 0; i < n; i++) {
		crc = (crc >> 4) ^ t[(crc ^ p[i]) & 0xf];
		crc = (crc >> 4) ^ t[(crc ^ ((unsigned)p[i] >> 4)) & 0xf];
	}
	return ~crc;
}

static void header_format(char out[STATE_HEADER_LEN + 1], uint64_t seq, uint64_t size, uint64_t len,
                          uint32_t crc)
{
	snprintf(out, STATE_HEADER_LEN + 1,
	         SLOT_MAGIC "%016" PRIx64 " %016" PRIx64 " %016" PRIx64 " %08" PRIx32 "\n", seq,
	         size, len, crc);
}

/* The header and payload of one slot (heap, *n bytes). */
static uint8_t *slot_bytes(uint64_t seq, uint64_t size, const char *payload, size_t len, size_t *n)
{
	char h[STATE_HEADER_LEN + 1];
	header_format(h, seq, size, len, 0);
	uint32_t crc = crc32_update(0, (const uint8_t *)h, CRC_PREFIX);
	crc = crc32_update(crc, (const uint8_t *)payload, len);
	header_format(h, seq, size, len, crc);
	uint8_t *out = xmalloc(STATE_HEADER_LEN + len);
	memcpy(out, h, STATE_HEADER_LEN);
	memcpy(out + STATE_HEADER_LEN, payload, len);
	*n = STATE_HEADER_LEN + len;
	return out;
}

void state_slot_put(struct buf *file, uint64_t seq, uint64_t slot_size, const char *payload,
                    size_t payload_len)
{
	size_t n;
	uint8_t *s = slot_bytes(seq, slot_size, payload, payload_len, &n);
	buf_put(file, s, n);
	free(s);
	static const uint8_t zero[4096];
	for (size_t left = slot_size > n ? (size_t)slot_size - n : 0; left;) {
		size_t k = left < sizeof zero ? left : sizeof zero;
		buf_put(file, zero, k);
		left -= k;
	}
}

static bool take_hex(const uint8_t *p, size_t digits, uint64_t *v)
{
	uint64_t n = 0;
	for (size_t i = 0; i < digits; i++) {
		uint8_t c = p[i];
		unsigned d = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
		             : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
		                                    : 16;
		if (d > 15)
			return false;
		n = n << 4 | d;
	}
	*v = n;
	return true;
}

struct slot_header {
	uint64_t seq, size, len, crc;
};

static bool header_parse(const uint8_t *p, struct slot_header *h)
{
	return memcmp(p, SLOT_MAGIC, 18) == 0 && take_hex(p + 18, 16, &h->seq) && p[34] == ' ' &&
	       take_hex(p + 35, 16, &h->size) && p[51] == ' ' && take_hex(p + 52, 16, &h->len) &&
	       p[68] == ' ' && take_hex(p + 69, 8, &h->crc) && p[77] == '\n';
}

static bool size_ok(uint64_t size)
{
	return size >= STATE_SLOT_ALIGN && size % STATE_SLOT_ALIGN == 0 && size <= (1ULL << 40);
}

/* Slot i of a file whose slots are size bytes: 0, or -EINVAL with *why. */
static int slot_load(const uint8_t *file, size_t len, int i, uint64_t size, struct state *out,
                     uint64_t *seq, char **why)
{
	uint64_t off = (uint64_t)i * size;
	struct slot_header h;
	state_init(out);
	*why = NULL;
	if (off + STATE_HEADER_LEN > len)
		*why = xstrdup("it is cut off");
	else if (!header_parse(file + off, &h))
		*why = xstrdup("its header is damaged");
	else if (h.size != size)
		*why = xasprintf("its header gives a slot of %" PRIu64 " bytes, not %" PRIu64,
		                 h.size, size);
	else if (h.len > size - STATE_HEADER_LEN)
		*why = xstrdup("its length is out of range");
	else if (off + STATE_HEADER_LEN + h.len > len)
		*why = xstrdup("it is cut off");
	if (*why)
		return -EINVAL;
	const uint8_t *p = file + off;
	uint32_t crc = crc32_update(0, p, CRC_PREFIX);
	crc = crc32_update(crc, p + STATE_HEADER_LEN, (size_t)h.len);
	if (crc != h.crc) {
		*why = xstrdup("its checksum does not match");
		return -EINVAL;
	}
	*seq = h.seq;
	return state_parse((const char *)p + STATE_HEADER_LEN, (size_t)h.len, 0, out, why);
}

static void add_why(struct state_found *f, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void add_why(struct state_found *f, const char *fmt, ...)
{
	char text[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	char *joined = f->why ? xasprintf("%s; %s", f->why, text) : xstrdup(text);
	free(f->why);
	f->why = joined;
	f->damaged = true;
}

static bool magic_at(const uint8_t *file, size_t len, size_t off)
{
	return off + 18 <= len && memcmp(file + off, SLOT_MAGIC, 18) == 0;
}

static int decode_slots(const uint8_t *file, size_t len, struct state *out, struct state_found *f)
{
	struct slot_header h0;
	struct state st[2];
	uint64_t seq[2] = {0, 0}, size[2];
	char *why[2] = {NULL, NULL};
	bool ok[2] = {false, false};
	state_init(&st[0]);
	state_init(&st[1]);
	bool h0_ok = len >= STATE_HEADER_LEN && header_parse(file, &h0) && size_ok(h0.size);
	size[0] = h0_ok ? h0.size : len / 2;
	/* Where slot 2 starts: by slot 1's header if that proved whole, else
	 * by the file's size. */
	for (int i = 0; i < 2; i++) {
		if (i == 1)
			size[1] = ok[0] ? size[0] : len / 2;
		if (size_ok(size[i]))
			ok[i] = slot_load(file, len, i, size[i], &st[i], &seq[i], &why[i]) == 0;
	}
	if (!ok[0] && !ok[1] && !magic_at(file, len, 0) && !magic_at(file, len, len / 2))
		add_why(f, "it is not a capctl state file");
	else
		for (int i = 0; i < 2; i++)
			if (!ok[i])
				add_why(f, "slot %d of 2: %s", i + 1,
				        why[i] ? why[i] : "the file's size is not two slots");
	int best = ok[0] && (!ok[1] || seq[0] >= seq[1]) ? 0 : ok[1] ? 1 : -1;
	if (best >= 0 && len != 2 * size[best])
		add_why(f, "it is %zu bytes, not the %" PRIu64 " of its two slots", len,
		        2 * size[best]);
	for (int i = 0; i < 2; i++) {
		free(why[i]);
		if (i != best)
			state_fini(&st[i]);
	}
	if (best < 0)
		return -EINVAL;
	state_fini(out);
	*out = st[best];
	f->slot = best;
	f->seq = seq[best];
	f->slot_size = size[best];
	f->reserved = len == 2 * size[best];
	return 0;
}

int state_decode(const uint8_t *file, size_t len, uint64_t v1_ref, struct state *out,
                 struct state_found *f)
{
	*f = (struct state_found){.slot = -1};
	state_init(out);
	if (len == 0) {
		add_why(f, "it is empty (0 bytes)");
		return -EINVAL;
	}
	if (len >= 15 && memcmp(file, "capctl-state 1\n", 15) == 0) {
		char *why;
		state_fini(out);
		if (state_parse((const char *)file, len, v1_ref, out, &why) == 0) {
			f->slot = 2;
			return 0;
		}
		add_why(f, "%s", why);
		free(why);
		return -EINVAL;
	}
	return decode_slots(file, len, out, f);
}

/* ---- the file ---- */

struct state_store {
	char *path;
	int fd;             /* -1: no usable file; the next save writes one */
	uint64_t slot_size; /* of the file at fd */
	int newest;         /* the slot holding the newest good save */
	uint64_t seq;       /* its sequence number */
};

const char *state_file(const struct state_store *st)
{
	return st->path;
}

static int write_all(int fd, const uint8_t *p, size_t n, off_t off)
{
	while (n) {
		ssize_t w = pwrite(fd, p, n, off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		if (w == 0)
			return -EIO;
		p += w;
		n -= (size_t)w;
		off += w;
	}
	return 0;
}

/* The smallest slot that leaves the state as much room again. */
static uint64_t slot_for(uint64_t need)
{
	uint64_t size = STATE_SLOT_MIN;
	while (size < 2 * need && size < (1ULL << 40))
		size *= 2;
	return size;
}

/* A new file of two slots of size bytes, both holding payload, written
 * whole (so its space is taken now), synced and renamed over path. */
static int write_new(struct state_store *st, const char *payload, size_t len, uint64_t size)
{
	struct buf file = {0};
	char *tmp = xasprintf("%s.XXXXXX", st->path);
	int fd = -1, r = 0;
	if (STATE_HEADER_LEN + len > size) {
		r = -EFBIG;
		goto out;
	}
	state_slot_put(&file, st->seq + 1, size, payload, len);
	state_slot_put(&file, st->seq + 2, size, payload, len);
	if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0) {
		r = -errno;
		goto out;
	}
	if (fchmod(fd, 0600) < 0 || (r = write_all(fd, file.p, file.len, 0)) < 0 || fsync(fd) < 0 ||
	    rename(tmp, st->path) < 0) {
		r = r ? r : -errno;
		close(fd);
		unlink(tmp);
		goto out;
	}
	/* In place now, whether or not the directory reaches the disk. */
	if (st->fd >= 0)
		close(st->fd);
	*st = (struct state_store){st->path, fd, size, 1, st->seq + 2};
	r = sync_parent_dir(st->path);
out:
	buf_free(&file);
	free(tmp);
	return r;
}

/* The slot not holding the newest save, overwritten in its reserved space.
 * A torn write leaves the other one whole and this one the next target. */
static int write_slot(struct state_store *st, const char *payload, size_t len)
{
	int slot = 1 - st->newest;
	size_t n;
	uint8_t *bytes = slot_bytes(st->seq + 1, st->slot_size, payload, len, &n);
	int r = write_all(st->fd, bytes, n, (off_t)((uint64_t)slot * st->slot_size));
	free(bytes);
	if (r == 0 && fdatasync(st->fd) < 0)
		r = -errno;
	if (r == 0) {
		st->newest = slot;
		st->seq++;
	}
	return r;
}

static int save_payload(struct state_store *st, const char *payload, size_t len)
{
	uint64_t need = STATE_HEADER_LEN + (uint64_t)len;
	if (st->fd < 0 || need > st->slot_size)
		return write_new(st, payload, len, slot_for(need));
	/* Past half a slot, a larger file is made while there is room; on
	 * a full disk the reserved slot still takes the state. */
	if (need > st->slot_size / 2 && write_new(st, payload, len, slot_for(need)) == 0)
		return 0;
	return write_slot(st, payload, len);
}

int state_save(struct state_store *st, const struct control *c, const struct consent *cs,
               const uint64_t counts[N_STREAMS], const struct state_upload *up, uint64_t now)
{
	size_t len;
	char *payload = state_format(c, cs, counts, up, now, &len);
	int r = save_payload(st, payload, len);
	free(payload);
	return r;
}

static int save_state(struct state_store *st, const struct state *s, uint64_t now)
{
	return state_save(st, &s->control, &s->consent, s->counts, &s->upload, now);
}

void state_close(struct state_store *st)
{
	if (!st)
		return;
	if (st->fd >= 0)
		close(st->fd);
	free(st->path);
	free(st);
}

void state_report_fini(struct state_report *r)
{
	free(r->recovered);
	free(r->note);
	*r = (struct state_report){0};
}

static int read_all(int fd, uint8_t **out, size_t *len, uint64_t *mtime)
{
	struct stat sb;
	struct buf b = {0};
	uint8_t chunk[65536];
	if (fstat(fd, &sb) < 0)
		return -errno;
	*mtime = (uint64_t)sb.st_mtim.tv_sec * USEC_PER_SEC + (uint64_t)sb.st_mtim.tv_nsec / 1000;
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int r = -errno;
			buf_free(&b);
			return r;
		}
		if (n == 0)
			break;
		buf_put(&b, chunk, (size_t)n);
	}
	*out = b.p;
	*len = b.len;
	return 0;
}

char *state_aside_name(const char *path, uint64_t now)
{
	time_t t = (time_t)(now / USEC_PER_SEC);
	struct tm tm;
	char stamp[32];
	gmtime_r(&t, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
	char *name = xasprintf("%s.damaged-%s", path, stamp);
	for (int i = 2; access(name, F_OK) == 0; i++) {
		free(name);
		name = xasprintf("%s.damaged-%s-%d", path, stamp, i);
	}
	return name;
}

static char *what_was_kept(const struct state *s, const struct state_found *f, uint64_t now)
{
	char when[40];
	if (f->slot < 0)
		return xstrdup(
		    "nothing in it could be recovered: no pause, exemption, acknowledgment, "
		    "personal limit, count or deletion request from it is in force");
	format_local_time(s->saved, now, when, sizeof when);
	return xasprintf(
	    "the pause, exemptions, acknowledgment, personal limits, counts and deletion "
	    "requests saved at %s were recovered from slot %d",
	    when, f->slot + 1);
}

/* A damaged file: kept aside for a person to read, a new one written from
 * what was recovered. On a full disk, a file whose slots are whole in size
 * is repaired in place instead, so the reservation is not lost. */
static void recover(struct state_store *st, int fd, const struct state *s,
                    const struct state_found *f, uint64_t now, struct state_report *rep)
{
	char *aside = state_aside_name(st->path, now), *kept = what_was_kept(s, f, now);
	int r = rename(st->path, aside) < 0 ? -errno : 0;
	int w = r == 0 ? save_state(st, s, now) : r;
	if (w == 0) {
		close(fd);
		rep->recovered = xasprintf("%s could not be read (%s); it was moved to %s; %s",
		                           st->path, f->why, aside, kept);
	} else if (f->reserved && (r < 0 || rename(aside, st->path) == 0)) {
		*st = (struct state_store){st->path, fd, f->slot_size, f->slot, f->seq};
		/* Both slots, so no damaged one is left. */
		if ((r = save_state(st, s, now)) == 0)
			r = save_state(st, s, now);
		rep->recovered = xasprintf("%s could not be read (%s); it could not be kept aside "
		                           "(%s), so it was repaired in place%s; %s",
		                           st->path, f->why, errno_text(-w),
		                           r < 0 ? ", which failed too" : "", kept);
	} else {
		close(fd);
		st->fd = -1;
		rep->recovered =
		    xasprintf("%s could not be read (%s); it was moved to %s; a new "
		              "file cannot be written yet (%s); %s",
		              st->path, f->why, r == 0 ? aside : st->path, errno_text(-w), kept);
	}
	free(aside);
	free(kept);
}

struct state_store *state_open(const char *path, uint64_t now, struct state *out,
                               struct state_report *rep, int *err)
{
	struct state_store *st = xcalloc(1, sizeof *st);
	uint8_t *file = NULL;
	size_t len = 0;
	uint64_t mtime = 0;
	struct state_found f = {.slot = -1};
	int r;
	*st = (struct state_store){xstrdup(path), -1, 0, 1, 0};
	*rep = (struct state_report){0};
	state_init(out);
	int fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0 && errno != ENOENT) {
		*err = -errno;
		goto fail;
	}
	if (fd < 0) {
		/* A first start: the space is taken now. */
		if ((r = save_state(st, out, now)) < 0)
			rep->note = xasprintf("cannot write %s yet: %s", path, errno_text(-r));
		return st;
	}
	if ((r = read_all(fd, &file, &len, &mtime)) < 0) {
		*err = r;
		close(fd);
		goto fail;
	}
	state_fini(out);
	state_decode(file, len, mtime, out, &f);
	free(file);
	st->seq = f.seq;
	if (f.damaged) {
		recover(st, fd, out, &f, now, rep);
	} else if (f.slot == 2) {
		close(fd);
		r = save_state(st, out, now);
		rep->note = r == 0 ? xasprintf("%s was in the previous release's format; it is "
		                               "rewritten in the new one",
		                               path)
		                   : xasprintf("cannot rewrite %s in the new format yet: %s", path,
		                               errno_text(-r));
	} else {
		*st = (struct state_store){st->path, fd, f.slot_size, f.slot, f.seq};
	}
	free(f.why);
	return st;
fail:
	state_fini(out);
	state_close(st);
	return NULL;
}
