/* Colours by meaning, as in htop's CRT.c: views ask for THEME_SELECTION,
 * never for "black on cyan". One table for colour terminals after htop's
 * default scheme, one monochrome table for !has_colors(), NO_COLOR and
 * color = false. */
#ifndef CAPCTL_THEME_H
#define CAPCTL_THEME_H

#include <curses.h>
#include <stdbool.h>

enum theme_color {
	THEME_DEFAULT,
	THEME_STATE_COLLECTING,
	THEME_STATE_PAUSED,
	THEME_STATE_EXEMPT,
	THEME_STATE_SUSPENDED,
	THEME_STATE_IDLE,
	THEME_STATE_UNREACHABLE,
	THEME_STATE_UNKNOWN,
	THEME_TAB,
	THEME_TAB_ACTIVE,
	THEME_PANEL_HEADER,
	THEME_SELECTION,
	THEME_LABEL,
	THEME_VALUE,
	THEME_DIM,
	THEME_GOOD,
	THEME_WARN,
	THEME_ERROR,
	THEME_FUNC_KEY,
	THEME_FUNC_LABEL,
	THEME_FUNC_OFF, /* a label whose action is not available now */
	THEME_HELP_KEY,
	THEME_DIALOG_TITLE,
	THEME_FIELD,
	THEME_FIELD_FOCUS,
	N_THEME_COLORS
};

struct theme {
	attr_t attr[N_THEME_COLORS];
	bool color; /* colours are in use */
	bool utf8;  /* the terminal takes UTF-8: draw ≈, ·, ● rather than ASCII */
};

/* Fills t for the running curses screen: colour when want_color and the
 * terminal has colours, else monochrome. */
void theme_init(struct theme *t, bool want_color, bool utf8);

static inline attr_t theme_attr(const struct theme *t, enum theme_color c)
{
	return t->attr[c];
}

/* A glyph, or its ASCII stand-in on a terminal without UTF-8. */
static inline const char *theme_glyph(const struct theme *t, const char *utf8, const char *ascii)
{
	return t->utf8 ? utf8 : ascii;
}

#endif
