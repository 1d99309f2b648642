/* The help screen. */
#include "dialog/help.h"
#include "console/console.h"
#include "i18n.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct help {
	struct ui_scroll scroll;
};

static void *help_new(void)
{
	return xcalloc(1, sizeof(struct help));
}

static void help_free(void *st)
{
	free(st);
}

void dialog_help_open(struct console *c)
{
	struct help *h = dialog_state(&c->ui, &dialog_help);
	h->scroll.top = 0;
	dialog_open(&c->ui, &dialog_help);
}

struct help_line {
	char keys[48];
	const char *text;
	const char *where;
	bool heading;
	const char *off; /* why it is not available now, or NULL */
};

/* One line per action that has a key, then the keys dialogs take. */
static size_t help_lines(const struct model *m, const struct ui *ui, struct help_line *out,
                         size_t max)
{
	static const char *const extra[][2] = {
	    /* TRANSLATORS: the help texts, at most 60 columns each */
	    {"Esc", N_("close a dialog without doing anything")},
	    {"Tab", N_("in a dialog: the next field (Shift-Tab: the one before)")},
	    {"Left, Right", N_("in the form: change a choice; in text: move the cursor")},
	    {"Home, End", N_("in text: to the start, the end of the line (Ctrl-A, Ctrl-E too)")},
	    {"Ctrl-U", N_("in text: remove what is before the cursor on its line")},
	    {"Ctrl-W", N_("in text: remove the word before the cursor")},
	    {"Enter", N_("in a dialog: confirm; in the reason: a new line")},
	    {"Up, Down", N_("in the pause and forget dialogs: pick a length, or type one")},
	    {"Esc", N_("in a segment's events (Data): back to the list; Backspace too")},
	    {"y, n", N_("answer a question: delete, forget, withdraw")},
	    {"c", N_("while an export runs, in its dialog (x): stop it")},
	};
	size_t n = 0;
	/* Where the agent is, so another terminal can reach the same one
	 * (capctl toggle from a hotkey, capctl status in a script). */
	static char how[700];
	bool system = strcmp(ui->bus_name, "system") == 0;
	const char *env = system ? "DBUS_SYSTEM_BUS_ADDRESS" : "DBUS_SESSION_BUS_ADDRESS";
	const char *addr = getenv(env);
	if (addr && *addr && max >= 3) {
		snprintf(how, sizeof how, "export %s='%s'", env, addr);
		out[n++] = (struct help_line){
		    "", _("To reach this agent from another terminal, first:"), NULL, true, NULL};
		out[n++] = (struct help_line){"", how, NULL, true, NULL}; /* the whole width */
		out[n++] = (struct help_line){"", "", NULL, false, NULL};
	}
	if (n < max)
		out[n++] = (struct help_line){
		    "", _("Keys (those of capctl.conf's keys group can be moved)"), NULL, true,
		    NULL};
	for (int a = ACTION_NONE + 1; a < N_ACTIONS && n < max; a++) {
		int keys[6];
		size_t k = keys_for(ui->keys, (enum action)a, keys, 6);
		if (!k)
			continue;
		struct help_line *l = &out[n++];
		const char *off = ui_unavailable(m, (enum action)a);
		const struct keys_info *info = keys_info((enum action)a);
		*l = (struct help_line){"", _(info->help), info->where ? _(info->where) : NULL,
		                        false, off};
		for (size_t i = 0; i < k; i++) {
			char name[16];
			keys_name(keys[i], name, sizeof name);
			size_t len = strlen(l->keys);
			snprintf(l->keys + len, sizeof l->keys - len, "%s%s", i ? _(" or ") : "",
			         name);
		}
		/* Greyed, and why on the line below: the key is there, it does
		 * nothing now. */
		if (off && n < max)
			out[n++] = (struct help_line){"", "", off, false, off};
	}
	if (n < max)
		out[n++] = (struct help_line){"", "", NULL, false, NULL};
	if (n < max)
		out[n++] = (struct help_line){"", _("In dialogs"), NULL, true, NULL};
	for (size_t i = 0; i < ARRAY_SIZE(extra) && n < max; i++) {
		out[n] = (struct help_line){"", _(extra[i][1]), NULL, false, NULL};
		snprintf(out[n].keys, sizeof out[n].keys, "%s", extra[i][0]);
		n++;
	}
	return n;
}

static void help_draw(WINDOW *w, const struct model *m, struct ui *ui, void *st, struct rect s)
{
	struct help *h = st;
	const struct theme *t = &ui->theme;
	struct help_line lines[2 * N_ACTIONS + 16];
	size_t n = help_lines(m, ui, lines, ARRAY_SIZE(lines));
	struct rect b = dialog_centre(s, (int)n + 2, 84);
	char title[64];
	snprintf(title, sizeof title, _("capctl %s help"), CAPCTL_VERSION);
	widget_box(w, t, b, title);
	struct rect in = dialog_inside(b);
	h->scroll.rows = in.h;
	h->scroll.lines = n;
	ui_scroll_clamp(&h->scroll);
	int kw = in.w >= 50 ? 14 : in.w / 3;
	for (int i = 0; i < in.h; i++) {
		size_t l = (size_t)h->scroll.top + (size_t)i;
		if (l >= n)
			break;
		int y = in.y + i;
		if (lines[l].heading) {
			widget_text_cut(w, t, y, in.x, in.w, A_BOLD, lines[l].text);
			continue;
		}
		const char *off = lines[l].off;
		widget_text_cut(w, t, y, in.x, kw - 1,
		                theme_attr(t, off ? THEME_DIM : THEME_HELP_KEY), lines[l].keys);
		char text[256];
		if (off && lines[l].where == off) /* the line saying why */
			snprintf(text, sizeof text, "  (%s)", off);
		else if (lines[l].where)
			snprintf(text, sizeof text, "%s (%s)", lines[l].text, lines[l].where);
		else
			snprintf(text, sizeof text, "%s", lines[l].text);
		widget_text_cut(w, t, y, in.x + kw, in.w - kw,
		                off ? theme_attr(t, THEME_DIM) : A_NORMAL, text);
	}
	widget_scrollbar(w, t, in.y, b.x + b.w - 1, in.h, n, h->scroll.top);
}

static int help_fkeys(const struct model *m, const struct ui *ui, const void *st,
                      struct widget_fkey *fk, char names[][16])
{
	(void)m, (void)st, (void)names;
	fk[0] = (struct widget_fkey){"Esc", _("Close"), false};
	fk[1] = (struct widget_fkey){theme_glyph(&ui->theme, "↑↓", "Up/Dn"), _("Scroll"), false};
	return 2;
}

static unsigned help_key(struct console *c, void *st, int key)
{
	struct help *h = st;
	enum action a = keys_lookup(&c->keys, key);
	if (key == KEYS_ESC || key == KEYS_ENTER || a == ACTION_HELP || a == ACTION_QUIT) {
		dialog_close(&c->ui);
		return CONSOLE_PAINT;
	}
	return dialog_scroll_key(&h->scroll, key);
}

const struct dialog_ops dialog_help = {
    .new = help_new,
    .free = help_free,
    .draw = help_draw,
    .fkeys = help_fkeys,
    .key = help_key,
};
