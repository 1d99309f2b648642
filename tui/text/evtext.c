/* Words for events. Key names follow the Linux input event codes (the
 * codes evdev and the agent use: X keycode - 8), named as a US keyboard
 * labels its keys; what a key types depends on the layout, which the
 * agent never records. */
#include "i18n.h"
#include "text/evtext.h"
#include "util.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static const struct {
	const char *kind, *stream;
} kinds[] = {
    {"motion", "pointer.motion"},
    {"button-press", "pointer.button"},
    {"button-release", "pointer.button"},
    {"scroll", "pointer.scroll"},
    {"key-press", "keyboard"},
    {"key-release", "keyboard"},
    {"focus", "window.focus"},
};

const char *evtext_stream_of_kind(const char *kind)
{
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
		if (strcmp(kind, kinds[i].kind) == 0)
			return kinds[i].stream;
	return "";
}

/* Codes 1..127 of linux/input-event-codes.h that have a key of their own
 * on common keyboards. */
static const char *const key_names[128] = {
    [1] = "Esc",
    [2] = "1",
    [3] = "2",
    [4] = "3",
    [5] = "4",
    [6] = "5",
    [7] = "6",
    [8] = "7",
    [9] = "8",
    [10] = "9",
    [11] = "0",
    [12] = "-",
    [13] = "=",
    [14] = "Backspace",
    [15] = "Tab",
    [16] = "Q",
    [17] = "W",
    [18] = "E",
    [19] = "R",
    [20] = "T",
    [21] = "Y",
    [22] = "U",
    [23] = "I",
    [24] = "O",
    [25] = "P",
    [26] = "[",
    [27] = "]",
    [28] = "Enter",
    [29] = "Left Ctrl",
    [30] = "A",
    [31] = "S",
    [32] = "D",
    [33] = "F",
    [34] = "G",
    [35] = "H",
    [36] = "J",
    [37] = "K",
    [38] = "L",
    [39] = ";",
    [40] = "'",
    [41] = "`",
    [42] = "Left Shift",
    [43] = "\\",
    [44] = "Z",
    [45] = "X",
    [46] = "C",
    [47] = "V",
    [48] = "B",
    [49] = "N",
    [50] = "M",
    [51] = ",",
    [52] = ".",
    [53] = "/",
    [54] = "Right Shift",
    [55] = "Keypad *",
    [56] = "Left Alt",
    [57] = "Space",
    [58] = "Caps Lock",
    [59] = "F1",
    [60] = "F2",
    [61] = "F3",
    [62] = "F4",
    [63] = "F5",
    [64] = "F6",
    [65] = "F7",
    [66] = "F8",
    [67] = "F9",
    [68] = "F10",
    [69] = "Num Lock",
    [70] = "Scroll Lock",
    [71] = "Keypad 7",
    [72] = "Keypad 8",
    [73] = "Keypad 9",
    [74] = "Keypad -",
    [75] = "Keypad 4",
    [76] = "Keypad 5",
    [77] = "Keypad 6",
    [78] = "Keypad +",
    [79] = "Keypad 1",
    [80] = "Keypad 2",
    [81] = "Keypad 3",
    [82] = "Keypad 0",
    [83] = "Keypad .",
    [86] = "<>",
    [87] = "F11",
    [88] = "F12",
    [96] = "Keypad Enter",
    [97] = "Right Ctrl",
    [98] = "Keypad /",
    [99] = "Print Screen",
    [100] = "Right Alt",
    [102] = "Home",
    [103] = "Up",
    [104] = "Page Up",
    [105] = "Left",
    [106] = "Right",
    [107] = "End",
    [108] = "Down",
    [109] = "Page Down",
    [110] = "Insert",
    [111] = "Delete",
    [113] = "Mute",
    [114] = "Volume Down",
    [115] = "Volume Up",
    [119] = "Pause",
    [125] = "Left Super",
    [126] = "Right Super",
    [127] = "Menu",
};

const char *evtext_key_name(int32_t code)
{
	return code > 0 && code < 128 ? key_names[code] : NULL;
}

static const char *button_name(int32_t code)
{
	switch (code) {
	case 1:
		return _("left button");
	case 2:
		return _("middle button");
	case 3:
		return _("right button");
	case 8:
		return _("back button");
	case 9:
		return _("forward button");
	default:
		return NULL;
	}
}

static const char *category_words(const char *cat)
{
	static const char *const words[][2] = {
	    {"letter", N_("a letter key")},           {"digit", N_("a digit key")},
	    {"space", N_("the space bar")},           {"enter", N_("Enter")},
	    {"backspace", N_("Backspace")},           {"modifier", N_("a modifier key")},
	    {"navigation", N_("a navigation key")},   {"function", N_("a function key")},
	    {"punctuation", N_("a punctuation key")}, {"other", N_("another key")},
	};
	for (size_t i = 0; i < ARRAY_SIZE(words); i++)
		if (strcmp(cat, words[i][0]) == 0)
			return _(words[i][1]);
	return NULL;
}

/* " at 512, 384" where a position was kept (a field not kept is 0). */
static void at(const struct evjson_event *e, char *buf, size_t size)
{
	if (e->x || e->y)
		snprintf(buf, size, _(" at %d, %d"), e->x, e->y);
	else
		buf[0] = '\0';
}

void evtext_detail(const struct evjson_event *e, char *buf, size_t size)
{
	const char *k = e->kind, *name;
	char pos[48];

	at(e, pos, sizeof pos);
	if (strcmp(k, "motion") == 0) {
		snprintf(buf, size, _("at %d, %d"), e->x, e->y);
	} else if (strncmp(k, "button-", 7) == 0) {
		if ((name = button_name(e->code)))
			snprintf(buf, size, "%s%s", name, pos);
		else
			snprintf(buf, size, _("button %d%s"), e->code, pos);
	} else if (strcmp(k, "scroll") == 0) {
		static const char *const dirs[] = {N_("left"), N_("down"), "", N_("up"),
		                                   N_("right")};
		if (e->code >= -2 && e->code <= 2 && e->code != 0)
			snprintf(buf, size, "%s%s", _(dirs[e->code + 2]), pos);
		else
			snprintf(buf, size, _("scroll %d%s"), e->code, pos);
	} else if (strncmp(k, "key-", 4) == 0) {
		if (e->code && (name = evtext_key_name(e->code)))
			snprintf(buf, size, _("key %d (%s)"), e->code, name);
		else if (e->code)
			snprintf(buf, size, _("key %d"), e->code);
		else if (*e->text && (name = category_words(e->text)))
			snprintf(buf, size, "%s", name);
		else if (*e->text)
			snprintf(buf, size, _("a key: %s"), e->text);
		else
			snprintf(buf, size, _("which key is not kept"));
	} else if (strcmp(k, "focus") == 0) {
		size_t app = strcspn(e->text, "\t");
		if (!*e->text)
			snprintf(buf, size, _("which application is not kept"));
		else if (e->text[app] == '\t')
			snprintf(buf, size, "%.*s: %s", (int)app, e->text, e->text + app + 1);
		else
			snprintf(buf, size, "%s", e->text);
	} else {
		/* A kind from a newer agent: everything it sent. */
		snprintf(buf, size, _("x %d, y %d, code %d%s%s"), e->x, e->y, e->code,
		         *e->text ? ", " : "", e->text);
	}
}

void evtext_clock(uint64_t usec, char *buf, size_t size)
{
	time_t t = (time_t)(usec / USEC_PER_SEC);
	struct tm tm;
	char hms[16];
	localtime_r(&t, &tm);
	strftime(hms, sizeof hms, "%H:%M:%S", &tm);
	snprintf(buf, size, "%s.%03u", hms, (unsigned)(usec % USEC_PER_SEC / 1000));
}

void evtext_local(uint64_t usec, char *buf, size_t size)
{
	time_t t = (time_t)(usec / USEC_PER_SEC);
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm);
}
