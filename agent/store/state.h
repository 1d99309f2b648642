/* The agent's state file, its one owner: the consent state (the pause, the
 * pause budget, the exemptions), the per-stream counts and the uploader's
 * counters and deletion queue, saved so that a full disk or a torn write
 * never loses what was answered as done.
 *
 * The file is two slots of equal size, its space reserved (written out)
 * when the file is made. A save writes the slot not holding the newest good
 * state and syncs it, so a torn write leaves the other slot whole, and a
 * save on a full disk still succeeds while the state fits its slot. Each
 * slot starts with a header of 78 bytes,
 *   "capctl-state-slot SEQ SIZE LEN CRC\n"
 * SEQ, SIZE (the slot's size, a multiple of 4096) and LEN (the payload's
 * length) in 16 lowercase hexadecimal digits, CRC in 8: the CRC-32 (as zlib
 * computes it) of the header's first 69 bytes and the payload. The payload
 * follows the header; the rest of the slot is unused. The newest slot (the
 * higher SEQ) that checks and parses wins. When the state outgrows half a
 * slot, the file is replaced (a temporary file, fsync, rename, fsync of the
 * directory) by one with larger slots; if that cannot be done now and the
 * state no longer fits, the save fails and changes nothing.
 *
 * The payload is text, one item a line, numbers in decimal:
 *   capctl-state 3
 *   saved TIME                       when this slot was written
 *   pause UNTIL CHARGE_FROM          0 0 when not paused
 *   budget DAY USED                  local day number, µs charged to it
 *   next-id N                        the number of the next exemption id
 *   counts N N N N N                 events kept per stream, all time
 *   upload DAY TODAY TOTAL LAST UNTIL  the uploader's counters
 *   consent DIGEST TIME              the policy last acknowledged, "- 0" never
 *   acknowledged KEY\tVALUE          its values, one line per consent key
 *                                    (control/consent.h), only when acknowledged
 *   limit STREAM LEVEL               a personal limit (any number, one a stream)
 *   exemption ID\tSCOPE\tCATEGORY\tSTATUS\tCREATED\tEXPIRES\tENDED\tDAYS\tUID\tREASON\tNOTE
 *   upload-delete-ids ID,ID,...      a queued deletion request, oldest first
 *   upload-delete-span FROM TO       (any number of these three)
 * REASON, NOTE and VALUE escaped as escape_field() does; the values must
 * give the DIGEST. Every line is checked:
 * a value out of its range, a duplicate, a missing or unknown line makes
 * the slot unreadable. "capctl-state 1" is the previous release's file:
 * the same lines without saved, written whole with no slots; it is read
 * once and written back in this format. */
#ifndef CAPTURED_STATE_H
#define CAPTURED_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "control/consent.h"
#include "control/control.h"
#include "event.h"
#include "store/segment.h"

#define STATE_HEADER_LEN 78
#define STATE_SLOT_MIN 65536 /* the smallest slot a new file gets */
#define STATE_SLOT_ALIGN 4096

/* One queued deletion request: ids (heap, n of them), or when ids is NULL
 * everything uploaded in [from, to]. */
struct state_deletion {
	uint64_t *ids;
	size_t n;
	uint64_t from, to;
};

/* What the state file keeps of the uploader. */
struct state_upload {
	int64_t day; /* local_day() of bytes_today */
	uint64_t bytes_today, bytes_total, last_upload, uploaded_until;
	struct state_deletion *del; /* heap, oldest first */
	size_t n_del;
};

/* A loaded state. The control's limits are not saved: the policy's. */
struct state {
	struct control control;
	struct consent consent;
	uint64_t counts[N_STREAMS];
	struct state_upload upload;
	uint64_t saved; /* when it was written; 0 for a file of the previous release */
};

void state_init(struct state *s);
void state_fini(struct state *s);
void state_upload_fini(struct state_upload *u);
/* Appends a deletion request of n ids (copied) or, with ids NULL, of the
 * span [from, to]. */
void state_upload_add(struct state_upload *u, const uint64_t *ids, size_t n, uint64_t from,
                      uint64_t to);

/* The payload for these parts (heap, NUL-terminated, *len bytes). */
char *state_format(const struct control *c, const struct consent *cs,
                   const uint64_t counts[N_STREAMS], const struct state_upload *up, uint64_t saved,
                   size_t *len);
/* Parses a payload of len bytes into out (initialised here). ref stands for
 * "saved" in a payload of the previous release, which has none. 0, or
 * -EINVAL with *why (heap) saying what is wrong and out emptied. */
int state_parse(const char *text, size_t len, uint64_t ref, struct state *out, char **why);

/* One slot, padded to slot_size, appended to file. */
void state_slot_put(struct buf *file, uint64_t seq, uint64_t slot_size, const char *payload,
                    size_t payload_len);

/* What reading a file's bytes found. */
struct state_found {
	bool damaged; /* something in the file was unreadable */
	char *why;    /* heap, when damaged: what, slot by slot */
	int slot;     /* the slot loaded: 0 or 1; -1 none; 2 a file of the previous release */
	uint64_t seq; /* that slot's */
	uint64_t slot_size;
	bool reserved; /* the file is exactly two slots: it can be written in place */
};

/* Decodes a whole state file. v1_ref is the file's modification time, the
 * reference for a file of the previous release. 0 with out loaded (found
 * says whether something else was damaged), or -EINVAL with out the
 * default state (nothing could be recovered). found->why is the caller's
 * to free either way. */
int state_decode(const uint8_t *file, size_t len, uint64_t v1_ref, struct state *out,
                 struct state_found *found);

/* ---- the file ---- */

struct state_store;

/* What opening found, for the log and History (heap strings, or NULL). */
struct state_report {
	char *recovered; /* the file was damaged: where it went, what was kept */
	char *note;      /* a migration, or a file that could not be written yet */
};

/* Opens path and loads it into out (initialised here): the newest good
 * slot, or the defaults when there is no file. A damaged file is renamed
 * to path.damaged-TIME and a new one written from what could be
 * recovered; a file of the previous release is rewritten in this format.
 * NULL with *err = -errno when path exists but cannot be read. */
struct state_store *state_open(const char *path, uint64_t now, struct state *out,
                               struct state_report *report, int *err);
/* Saves these parts: 0 once they are on disk, or -errno with the file as
 * it was (its newest good slot untouched). */
int state_save(struct state_store *st, const struct control *c, const struct consent *cs,
               const uint64_t counts[N_STREAMS], const struct state_upload *up, uint64_t now);
void state_close(struct state_store *st);
const char *state_file(const struct state_store *st);
void state_report_fini(struct state_report *r);
/* The name a damaged file at path is kept under: path.damaged-TIME (UTC,
 * like 20270104T143200Z), with -2, -3, ... added if that is taken. */
char *state_aside_name(const char *path, uint64_t now);

#endif
