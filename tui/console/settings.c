/* The console's settings. Clashing key bindings are found in a second
 * pass over the file, because a clash can only be judged once every
 * binding has its final value (the file may swap two keys), and the
 * reader reports errors with the line of the setting being checked. */
#include "console/settings.h"
#include "i18n.h"
#include "util.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static const char *const key_names[N_SETTINGS_KEYS] = {
    "pause", "pause_for", "resume", "forget", "exempt", "delete", "export", "help", "quit",
};
static const char *const key_defaults[N_SETTINGS_KEYS] = {
    "p", "P", "r", "f", "e", "d", "x", "?", "q",
};
static const char *const bus_values[] = {"session", "system", NULL};

enum action settings_key_action(enum settings_key id)
{
	return keys_action_by_name(key_names[id]);
}

const char *settings_key_name(enum settings_key id)
{
	return key_names[id];
}

void settings_init(struct settings *s)
{
	*s = (struct settings){
	    .bus = SETTINGS_BUS_SESSION,
	    .default_pause_minutes = 30,
	    .refresh_ms = 1000,
	    .color = true,
	    .confirm_delete = true,
	};
	for (int i = 0; i < N_SETTINGS_KEYS; i++)
		s->keys[i] =
		    (struct settings_binding){xstrdup(key_defaults[i]), (enum settings_key)i, NULL};
}

void settings_fini(struct settings *s)
{
	for (int i = 0; i < N_SETTINGS_KEYS; i++) {
		free(s->keys[i].name);
		s->keys[i].name = NULL;
	}
}

static void settings_copy(struct settings *dst, const struct settings *src)
{
	*dst = *src;
	for (int i = 0; i < N_SETTINGS_KEYS; i++)
		dst->keys[i].name = xstrdup(src->keys[i].name);
}

/* The primary keys of s for keys_rebind; 0 for bindings of nothing. */
static void primaries(const struct settings *s, int primary[N_ACTIONS])
{
	memset(primary, 0, sizeof(int) * N_ACTIONS);
	for (int i = 0; i < N_SETTINGS_KEYS; i++) {
		enum action a = settings_key_action((enum settings_key)i);
		int key;
		if (a != ACTION_NONE && keys_parse(s->keys[i].name, &key) == 0)
			primary[a] = key;
	}
}

static char *check_key(const void *value)
{
	/* value is the name member, the first of its settings_binding. */
	const struct settings_binding *b = value;
	int key;

	if (keys_parse(b->name, &key) < 0)
		return xasprintf(_("must be one character or one of F1..F12, Tab, Enter, Esc, "
		                   "Space, not '%s'"),
		                 b->name);
	enum action a = settings_key_action(b->id);
	if (a == ACTION_NONE)
		return NULL;
	/* A fixed key (views, movement, F1, F10) is never available. */
	struct keys k;
	keys_init(&k);
	for (size_t i = 0; i < k.n; i++) {
		if (k.b[i].key != key || k.b[i].primary || k.b[i].action == a)
			continue;
		char name[32];
		keys_name(key, name, sizeof name);
		if (k.b[i].action >= ACTION_VIEW_OVERVIEW && k.b[i].action <= ACTION_VIEW_LIVE)
			return xasprintf(_("cannot be '%s': the keys 1 to 6 select views"), name);
		return xasprintf(_("cannot be '%s': that key always means '%s'"), name,
		                 _(keys_info(k.b[i].action)->help));
	}
	if (!b->peer)
		return NULL;
	/* Second pass: the other bindings as the whole file leaves them. */
	for (int i = 0; i < N_SETTINGS_KEYS; i++) {
		int other;
		if (i == (int)b->id || settings_key_action((enum settings_key)i) == ACTION_NONE ||
		    keys_parse(b->peer->keys[i].name, &other) < 0 || other != key)
			continue;
		return xasprintf(_("is '%s', which is already the key for %s"), b->name,
		                 key_names[i]);
	}
	return NULL;
}

#define KEY_ENTRY(i, p)                                                                            \
	{                                                                                          \
		.path = "keys." p, .type = CONF_STRING,                                            \
		.offset = offsetof(struct settings, keys) +                                        \
		          (i) * sizeof(struct settings_binding) +                                  \
		          offsetof(struct settings_binding, name),                                 \
		.check = check_key                                                                 \
	}

static const struct conf_key table[] = {
    {.path = "bus",
     .type = CONF_ENUM,
     .values = bus_values,
     .offset = offsetof(struct settings, bus)},
    {.path = "default_pause_minutes",
     .type = CONF_UINT,
     .min = 1,
     .max = 1440,
     .offset = offsetof(struct settings, default_pause_minutes)},
    {.path = "refresh_ms",
     .type = CONF_UINT,
     .min = 100,
     .max = 60000,
     .offset = offsetof(struct settings, refresh_ms)},
    {.path = "color", .type = CONF_BOOL, .offset = offsetof(struct settings, color)},
    {.path = "confirm_delete",
     .type = CONF_BOOL,
     .offset = offsetof(struct settings, confirm_delete)},
    KEY_ENTRY(SETTINGS_KEY_PAUSE, "pause"),
    KEY_ENTRY(SETTINGS_KEY_PAUSE_FOR, "pause_for"),
    KEY_ENTRY(SETTINGS_KEY_RESUME, "resume"),
    KEY_ENTRY(SETTINGS_KEY_FORGET, "forget"),
    KEY_ENTRY(SETTINGS_KEY_EXEMPT, "exempt"),
    KEY_ENTRY(SETTINGS_KEY_DELETE, "delete"),
    KEY_ENTRY(SETTINGS_KEY_EXPORT, "export"),
    KEY_ENTRY(SETTINGS_KEY_HELP, "help"),
    KEY_ENTRY(SETTINGS_KEY_QUIT, "quit"),
};

int settings_load(struct settings *s, const char *path, char **error, conf_warn_fn warn,
                  void *warn_data)
{
	struct settings next;
	settings_copy(&next, s);
	int r = conf_load(path, table, ARRAY_SIZE(table), &next, error, warn, warn_data);
	if (r < 0) {
		settings_fini(&next);
		return r;
	}
	int primary[N_ACTIONS];
	enum action a1, a2;
	struct keys k;
	keys_init(&k);
	primaries(&next, primary);
	if (keys_rebind(&k, primary, &a1, &a2) < 0) {
		/* Read the file again, judging each binding against the
		 * final values of the others, to get the line. */
		struct settings again;
		settings_copy(&again, s);
		for (int i = 0; i < N_SETTINGS_KEYS; i++)
			again.keys[i].peer = &next;
		r = conf_load(path, table, ARRAY_SIZE(table), &again, error, NULL, NULL);
		if (r == 0) /* not reached: a clash involves a line of the file */
			*error = xasprintf(_("%s: keys.%s and keys.%s are the same key"), path,
			                   keys_info(a1)->name, keys_info(a2)->name);
		settings_fini(&again);
		settings_fini(&next);
		return -EINVAL;
	}
	settings_fini(s);
	*s = next;
	return 0;
}

char *settings_default_path(void)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	if (xdg && xdg[0] == '/')
		return xasprintf("%s/capctl/capctl.conf", xdg);
	if (home && *home)
		return xasprintf("%s/.config/capctl/capctl.conf", home);
	return NULL;
}

int settings_apply_keys(const struct settings *s, struct keys *k)
{
	int primary[N_ACTIONS];
	enum action a1, a2;
	primaries(s, primary);
	return keys_rebind(k, primary, &a1, &a2);
}
