/* Strings bound for a D-Bus message. libdbus aborts the whole process on a
 * string that is not valid UTF-8, so every string a program sends that came
 * from somewhere else (a caller, a file, X11, libcurl, a cut buffer) passes
 * through here first. */
#ifndef CAPCTL_BUSSTR_H
#define CAPCTL_BUSSTR_H

#include <dbus/dbus.h>
#include <stddef.h>

/* The longest quote of a caller's string in a sentence, in bytes, before
 * the ellipsis. */
#define BUSSTR_QUOTE_MAX 64

/* A heap copy of s fit for a D-Bus string: each byte that does not start a
 * valid UTF-8 sequence becomes U+FFFD, and when the result is longer than
 * max bytes it is cut at a character boundary and ends in "…" (the whole
 * within max; SIZE_MAX: never cut). The caller frees it. */
char *busstr_fit(const char *s, size_t max);

/* s fit as above within BUSSTR_QUOTE_MAX bytes plus the ellipsis, by value,
 * for quoting in a sentence: busstr_quote(id).s lives until the end of the
 * full expression that calls it. */
struct busstr_quote {
	char s[BUSSTR_QUOTE_MAX + 4];
};
struct busstr_quote busstr_quote(const char *s);

/* Appends s as a string, fit first when it is not valid UTF-8. */
void busstr_append(DBusMessageIter *it, const char *s);

#endif
