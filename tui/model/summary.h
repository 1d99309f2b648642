/* The Overview's sentences, shared by the console and `capctl status` so
 * both say the same thing in the same words: uploads, power, pausing and
 * storage from the model, for a person who is not an engineer. Pure. */
#ifndef CAPCTL_SUMMARY_H
#define CAPCTL_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/model.h"
#include "text/human.h"

enum summary_tone { SUMMARY_NORMAL, SUMMARY_VALUE, SUMMARY_GOOD, SUMMARY_WARN, SUMMARY_ERROR };

struct summary_line {
	const char *label; /* "Upload", or "" for a continuation line */
	char text[320];
	enum summary_tone tone;
};

#define SUMMARY_MAX_LINES 12

/* Each fills out[] and returns the number of lines. utf8 picks "≈" over
 * "about"; wide adds the details a wide screen has room for. */
int summary_upload(const struct model *m, uint64_t now, struct summary_line *out);
int summary_power(const struct model *m, bool utf8, bool wide, struct summary_line *out);
int summary_pause(const struct model *m, uint64_t now, struct summary_line *out);
int summary_storage(const struct model *m, struct summary_line *out);
/* All four, in that order. */
int summary_all(const struct model *m, uint64_t now, bool utf8, bool wide,
                struct summary_line *out);

/* The pieces, for the Overview's panels. Each writes one sentence. */

/* Whether uploads go anywhere: false for "local only". */
bool summary_uploads(const struct model *m);
/* "Uploaded today 1.2 MB of 50 MB" (or ", no daily cap"). */
void summary_today(const struct model *m, char *buf, size_t size);
/* Why nothing is sent now, in plain words ("Waiting: the network is
 * metered"), or "" when nothing holds uploads back. */
void summary_deferred(const struct model *m, uint64_t now, char *buf, size_t size);
/* "Next upload at 07:45, in 4 min" ("" when none is planned); *changes
 * gets the realtime at which the words change ("in 3 min"), or
 * UINT64_MAX. */
void summary_next_upload(const struct model *m, uint64_t now, char *buf, size_t size,
                         uint64_t *changes);
/* What the review hold keeps back, long (0) or short (1): "Held for your
 * review: 1.2 kB; the next part leaves at 15:30:12" ("Held 1.2 kB, next
 * leaves 15:30:12"); "" when nothing is held. */
void summary_held(const struct model *m, uint64_t now, int variant, char *buf, size_t size);
/* "On battery, 55% left", "On mains power, battery 80%", "On mains power". */
void summary_battery(const struct model *m, char *buf, size_t size);
/* The battery saver in words, long (0) to short (2): "Battery saver on:
 * motion 10 Hz, uploads wait"; "" when it is off. */
void summary_saver(const struct model *m, int variant, char *buf, size_t size);

/* The notice's sections as a person reads them, each with its title: what
 * capctl notice prints and the Notice view draws. */
#define SUMMARY_NOTICE_PARTS 5
struct summary_notice_part {
	const char *title, *text;
};
void summary_notice_parts(const struct model_notice *n,
                          struct summary_notice_part out[SUMMARY_NOTICE_PARTS]);

/* One change of Consent.changes in words: "keyboard: timing only → which
 * key you press", "kept for 30 → 90 days", "uploaded to: nowhere →
 * ingest.example.com". first: nothing was ever acknowledged, so the
 * value now alone ("keyboard: timing only"). utf8 picks "→" over "->". */
void summary_change(const struct model_change *c, bool first, bool utf8, char *buf, size_t size);

/* The i-th level of the stream whose id is stream_id ("keyboard",
 * "pointer.motion"), from the most kept (full) to the least (off), with
 * its words in *words when words is not NULL; NULL past the last. */
const char *summary_level(const char *stream_id, size_t i, const char **words);

/* What becomes of a segment, in a few words for the Data view and `capctl
 * data list`: "uploaded", "local only" (nothing leaves), "recording" (the
 * open one), "leaves at 15:30:12" (inside the review hold), "waiting to be
 * sent". brief: in at most 8 columns, for a narrow list: "sent", "local",
 * "open", "15:30:12", "next". */
void summary_segment_fate(const struct model *m, const struct model_segment *s, uint64_t now,
                          bool brief, char *buf, size_t size);

/* "12 events" in the person's language: word is P_(one, many, n) where it
 * is called, so the catalog has both forms and picks the one for n. */
static inline void summary_counted(uint64_t n, const char *word, char *buf, size_t size)
{
	human_counted(n, word, word, buf, size);
}

#endif
