/* The console's key table, as in htop: every key maps to one action, the
 * help screen and the function bar are generated from the table, and
 * capctl.conf can move the rebindable actions to other keys. Pure data and
 * lookups; the actions themselves live in action.c. */
#ifndef CAPCTL_KEYS_H
#define CAPCTL_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Key codes: a character is its Unicode code point; the keys that have no
 * character get codes above Unicode. */
#define KEYS_CTRL_A 1
#define KEYS_CTRL_E 5
#define KEYS_TAB 9
#define KEYS_ENTER 10
#define KEYS_CTRL_L 12
#define KEYS_CTRL_U 21
#define KEYS_CTRL_W 23
#define KEYS_ESC 27
#define KEYS_SPACE 32
/* A character that arrived in a bracketed paste: KEYS_PASTED | its code
 * point (line breaks and tabs included). Only text fields take these, so
 * pasting never presses a key. */
#define KEYS_PASTED 0x200000
#define KEYS_IS_PASTED(k) (((k)&KEYS_PASTED) != 0)
#define KEYS_PASTED_CP(k) ((uint32_t)((k) & ~KEYS_PASTED))
enum {
	KEYS_SPECIAL = 0x110000,
	KEYS_UP,
	KEYS_DOWN,
	KEYS_LEFT,
	KEYS_RIGHT,
	KEYS_PGUP,
	KEYS_PGDN,
	KEYS_HOME,
	KEYS_END,
	KEYS_BACKTAB,
	KEYS_BACKSPACE,
	KEYS_DELETE,
	KEYS_F0 = KEYS_SPECIAL + 0x100,
};
#define KEYS_F(n) (KEYS_F0 + (n))

enum action {
	ACTION_NONE,
	ACTION_PAUSE,
	ACTION_PAUSE_FOR,
	ACTION_RESUME,
	ACTION_FORGET,
	ACTION_EXEMPT,
	ACTION_EXPORT,
	ACTION_HELP,
	ACTION_QUIT,
	ACTION_VIEW_OVERVIEW,
	ACTION_VIEW_DATA,
	ACTION_VIEW_EXEMPTIONS,
	ACTION_VIEW_HISTORY,
	ACTION_VIEW_NOTICE,
	ACTION_VIEW_LIVE,
	ACTION_NEXT_VIEW,
	ACTION_PREV_VIEW,
	ACTION_UP,
	ACTION_DOWN,
	ACTION_PAGE_UP,
	ACTION_PAGE_DOWN,
	ACTION_HOME,
	ACTION_END,
	ACTION_OPEN,
	ACTION_DELETE,
	ACTION_WITHDRAW,
	ACTION_REDRAW,
	ACTION_ACKNOWLEDGE,
	ACTION_LIMIT,
	ACTION_MARK_EARLIER,
	ACTION_MARK_LATER,
	N_ACTIONS
};

struct keys_info {
	const char *name; /* its key in capctl.conf's keys group; NULL: fixed */
	/* Marked with N_(), translated where they are shown. */
	const char *label; /* in the function bar; NULL: not shown there */
	const char *help;  /* one line on the help screen */
	const char *where; /* NULL: every view; else the view it acts in */
};

struct keys_binding {
	int key;
	enum action action;
	bool primary; /* the binding capctl.conf replaces */
};

#define KEYS_MAX_BINDINGS 48

struct keys {
	struct keys_binding b[KEYS_MAX_BINDINGS];
	size_t n;
};

/* The default table. */
void keys_init(struct keys *k);
const struct keys_info *keys_info(enum action a);
/* The rebindable action called name ("pause", "pause_for", ...), or
 * ACTION_NONE. */
enum action keys_action_by_name(const char *name);

/* Moves rebindable actions to new keys all at once, so that two of them
 * can swap: primary[a] is the new key of action a, or 0 to keep its key.
 * 0, or -EEXIST when two actions would share a key (nothing changes then;
 * *a1 and *a2 name them, *a1 being one that moved). */
int keys_rebind(struct keys *k, const int primary[N_ACTIONS], enum action *a1, enum action *a2);

enum action keys_lookup(const struct keys *k, int key);
/* The keys bound to a, primary first; returns how many (up to max). */
size_t keys_for(const struct keys *k, enum action a, int *out, size_t max);

/* Reads a key as capctl.conf writes it: one character, or a name (F1..F12,
 * Tab, Enter, Esc, Space; names ignore case). 0 or -EINVAL. */
int keys_parse(const char *name, int *key);
/* The key's name as the help screen shows it: "p", "F1", "Shift-Tab". */
void keys_name(int key, char *buf, size_t size);

#endif
