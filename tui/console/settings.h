/* capctl.conf (config.md): which bus, the default pause, the redraw rate,
 * colour, and key bindings, read through the shared table-driven reader
 * in ipc/conf.h. */
#ifndef CAPCTL_SETTINGS_H
#define CAPCTL_SETTINGS_H

#include <stdbool.h>
#include <stdint.h>

#include "conf.h"
#include "console/keys.h"

enum settings_bus { SETTINGS_BUS_SESSION, SETTINGS_BUS_SYSTEM };

/* The keys group of config.md, in its order. */
enum settings_key {
	SETTINGS_KEY_PAUSE,
	SETTINGS_KEY_PAUSE_FOR,
	SETTINGS_KEY_RESUME,
	SETTINGS_KEY_FORGET,
	SETTINGS_KEY_EXEMPT,
	SETTINGS_KEY_DELETE,
	SETTINGS_KEY_EXPORT,
	SETTINGS_KEY_HELP,
	SETTINGS_KEY_QUIT,
	N_SETTINGS_KEYS
};

struct settings;

/* One binding. name is what the file says (heap); the rest lets the
 * reader's per-value check find the whole struct to look for clashes. */
struct settings_binding {
	char *name;
	enum settings_key id;
	const struct settings *peer; /* set only while clashes are looked for */
};

struct settings {
	int bus; /* enum settings_bus */
	uint32_t default_pause_minutes;
	uint32_t refresh_ms;
	bool color;
	bool confirm_delete;
	struct settings_binding keys[N_SETTINGS_KEYS];
};

/* The defaults of config.md. Free with settings_fini. */
void settings_init(struct settings *s);
void settings_fini(struct settings *s);

/* Loads path over the defaults in s. 0 (s replaced), -ENOENT when the file
 * does not exist (s untouched), -EINVAL with *error a heap "FILE:LINE:
 * ..." message (s untouched). Warnings go to warn. */
int settings_load(struct settings *s, const char *path, char **error, conf_warn_fn warn,
                  void *warn_data);

/* $XDG_CONFIG_HOME/capctl/capctl.conf, or ~/.config/...; heap, or NULL
 * when neither variable is set. */
char *settings_default_path(void);

/* The action each binding moves. */
enum action settings_key_action(enum settings_key id);
const char *settings_key_name(enum settings_key id);

/* Applies the bindings to a key table. 0, or -EEXIST (cannot happen for
 * settings that loaded: the reader refuses clashes). */
int settings_apply_keys(const struct settings *s, struct keys *k);

#endif
