/* The agent's phrases: the sentences it sends on the bus (stream
 * descriptions, state reasons) are English whatever its locale, so that a
 * D-Bus value never changes with the language. Both sides use this one
 * table: the agent formats its phrases from it, and a client turns a
 * received phrase back into its person's language by matching the same
 * English formats. A hole is %u (an unsigned int, written in decimal),
 * %" PRIu64 " (a uint64_t) or %s (text, taken as it is). */
#ifndef CAPCTL_PHRASE_H
#define CAPCTL_PHRASE_H

#include <stdarg.h>

enum phrase {
	/* StateReason */
	PHRASE_PAUSED_UNTIL,
	PHRASE_EXEMPT_UNTIL,
	PHRASE_WAIT_NOTICE,
	PHRASE_LOCKED,
	PHRASE_EXCLUDED,
	PHRASE_NO_SOURCE,
	PHRASE_NO_DEVICE,
	PHRASE_X11_LOST,
	/* The next four in this order: + 1 with the saver, + 2 with a change
	 * waiting. */
	PHRASE_RECORDING,
	PHRASE_RECORDING_SAVER,
	PHRASE_RECORDING_WAITS,
	PHRASE_RECORDING_SAVER_WAITS,
	/* Stream descriptions */
	PHRASE_OFF_BY_POLICY,
	PHRASE_DOWNSAMPLED,
	PHRASE_DOWNSAMPLED_SAVER,
	PHRASE_BUTTON_REDUCED,
	PHRASE_KEY_CATEGORY,
	PHRASE_KEY_TIMING,
	PHRASE_APP_ONLY,
	/* The full level of each stream, in stream order. */
	PHRASE_FULL_MOTION,
	PHRASE_FULL_BUTTON,
	PHRASE_FULL_SCROLL,
	PHRASE_FULL_KEY,
	PHRASE_FULL_FOCUS,
	PHRASE_NOT_WAIT_NOTICE,
	PHRASE_NOT_PAUSED,
	PHRASE_NOT_EXEMPT,
	PHRASE_NOT_LOCKED,
	PHRASE_NOT_EXCLUDED,
	PHRASE_NOT_NO_SOURCE,
	PHRASE_NOT_YOUR_CHOICE,
	PHRASE_NOT_CHANGE_WAITS,
	/* History entries */
	PHRASE_H_PAUSED,
	PHRASE_H_RESUMED,
	PHRASE_H_AUTO_RESUME,
	PHRASE_H_REQUESTED_DAY,
	PHRASE_H_REQUESTED_DAYS,
	PHRASE_H_APPROVED,
	PHRASE_H_EXPIRED,
	PHRASE_H_SCOPE,
	PHRASE_H_STOPPED,
	PHRASE_H_NO_POLICY,
	/* StorageError */
	PHRASE_DISK_FULL,
	PHRASE_DISK_QUOTA,
	PHRASE_SPOOL_UNWRITABLE,
	/* A description (the first hole) with why it is less than the policy
	 * says. */
	PHRASE_KEPT_YOUR_CHOICE,
	PHRASE_KEPT_CHANGE_WAITS,
	/* One of the three above (the first hole), then what it costs. */
	PHRASE_STORAGE_LOST,
	PHRASE_STORAGE_WAITING,
	PHRASE_H_STORAGE_FAILED,
	N_PHRASES
};

/* Phrase id in English, its holes filled from the arguments in order: an
 * unsigned int for each %u, a uint64_t for each %" PRIu64 ", a const
 * char * for each %s. Never NULL. */
char *phrase_format(enum phrase id, ...);
char *phrase_vformat(enum phrase id, va_list ap);

/* A phrase the agent sent, in the language of the messages locale: the
 * translation of the table entry whose English it matches, holes carried
 * over; else a copy of english as it is (another version's phrase, a
 * policy's own text). Bounded on any input: no regex, time about linear in
 * its length. Never NULL; the caller frees it. Not for --json output. */
char *phrase_local(const char *english);

/* phrase_local for a display site that uses the text at once: valid until
 * 16 further calls (as cli_line's fields), owned here. */
const char *phrase_shown(const char *english);

#endif
