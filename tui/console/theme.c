/* htop's default colour scheme, mapped to what capctl shows: black on
 * cyan for the function bar labels and the selection, black on green for
 * panel headers, cyan meter labels. States get a coloured badge so the
 * one thing a person looks for, "am I recorded", stands out. */
#include "console/theme.h"

struct scheme {
	short fg, bg;
	attr_t extra;
	attr_t mono;
};

static const struct scheme schemes[N_THEME_COLORS] = {
    [THEME_DEFAULT] = {-1, -1, A_NORMAL, A_NORMAL},
    [THEME_STATE_COLLECTING] = {COLOR_BLACK, COLOR_GREEN, A_BOLD, A_REVERSE | A_BOLD},
    [THEME_STATE_PAUSED] = {COLOR_BLACK, COLOR_YELLOW, A_BOLD, A_REVERSE | A_BOLD},
    [THEME_STATE_EXEMPT] = {COLOR_BLACK, COLOR_CYAN, A_BOLD, A_REVERSE | A_BOLD},
    [THEME_STATE_SUSPENDED] = {COLOR_BLACK, COLOR_MAGENTA, A_BOLD, A_REVERSE | A_BOLD},
    [THEME_STATE_IDLE] = {COLOR_BLACK, COLOR_WHITE, A_BOLD, A_REVERSE | A_BOLD},
    [THEME_STATE_UNREACHABLE] = {COLOR_WHITE, COLOR_RED, A_BOLD, A_REVERSE | A_BOLD},
    [THEME_STATE_UNKNOWN] = {COLOR_BLACK, COLOR_WHITE, A_NORMAL, A_REVERSE},
    [THEME_TAB] = {COLOR_CYAN, -1, A_NORMAL, A_NORMAL},
    [THEME_TAB_ACTIVE] = {COLOR_BLACK, COLOR_GREEN, A_NORMAL, A_REVERSE},
    [THEME_PANEL_HEADER] = {COLOR_BLACK, COLOR_GREEN, A_NORMAL, A_REVERSE},
    [THEME_SELECTION] = {COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE},
    [THEME_LABEL] = {COLOR_CYAN, -1, A_NORMAL, A_NORMAL},
    [THEME_VALUE] = {-1, -1, A_BOLD, A_BOLD},
    [THEME_DIM] = {-1, -1, A_DIM, A_DIM},
    [THEME_GOOD] = {COLOR_GREEN, -1, A_BOLD, A_BOLD},
    [THEME_WARN] = {COLOR_YELLOW, -1, A_BOLD, A_BOLD},
    [THEME_ERROR] = {COLOR_RED, -1, A_BOLD, A_BOLD},
    [THEME_FUNC_KEY] = {-1, -1, A_NORMAL, A_NORMAL},
    [THEME_FUNC_LABEL] = {COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE},
    [THEME_FUNC_OFF] = {COLOR_BLUE, COLOR_CYAN, A_NORMAL, A_REVERSE | A_DIM},
    [THEME_HELP_KEY] = {COLOR_CYAN, -1, A_BOLD, A_BOLD},
    [THEME_DIALOG_TITLE] = {COLOR_BLACK, COLOR_GREEN, A_NORMAL, A_REVERSE},
    [THEME_FIELD] = {COLOR_WHITE, COLOR_BLUE, A_NORMAL, A_UNDERLINE},
    [THEME_FIELD_FOCUS] = {COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE},
};

void theme_init(struct theme *t, bool want_color, bool utf8)
{
	t->utf8 = utf8;
	t->color = want_color && has_colors() && start_color() == OK;
	if (t->color)
		use_default_colors();
	for (int i = 0; i < N_THEME_COLORS; i++) {
		const struct scheme *s = &schemes[i];
		if (!t->color) {
			t->attr[i] = s->mono;
			continue;
		}
		if (s->fg == -1 && s->bg == -1) {
			t->attr[i] = s->extra;
			continue;
		}
		/* Pair numbers follow the enum; pair 0 is the terminal's own. */
		init_pair((short)i, s->fg, s->bg);
		t->attr[i] = COLOR_PAIR(i) | s->extra;
	}
}
