/* The table behind every key press. Fixed bindings (views, movement) are
 * kept apart from the rebindable ones so a configuration can never take
 * away the way to switch views or to quit. */
#include "console/keys.h"
#include "i18n.h"
#include "text/text.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const struct keys_info infos[N_ACTIONS] = {
    /* TRANSLATORS: labels of the function bar (Pause, Resume,
       ...): a view shows up to eight of them, each after its
       key, in 80 columns: keep them to about 10 columns. The
       help texts after them are at most 60 columns. */
    [ACTION_PAUSE] = {"pause", N_("Pause"), N_("pause recording for the default duration"), NULL},
    [ACTION_PAUSE_FOR] = {"pause_for", N_("Pause…"), N_("pause for a duration you pick or type"),
                          NULL},
    [ACTION_RESUME] = {"resume", N_("Resume"), N_("resume recording now"), NULL},
    [ACTION_FORGET] = {"forget", N_("Forget"),
                       N_("forget what was recorded in the last minutes or hours"), NULL},
    [ACTION_EXEMPT] = {"exempt", N_("Exempt"), N_("request an exemption (a form)"), NULL},
    [ACTION_EXPORT] = {"export", N_("Export"),
                       N_("export to a JSON Lines or CSV file (asks where)"), NULL},
    [ACTION_HELP] = {"help", N_("Help"), N_("this help"), NULL},
    [ACTION_QUIT] = {"quit", N_("Quit"), N_("quit (the agent keeps running)"), NULL},
    [ACTION_VIEW_OVERVIEW] = {NULL, NULL, N_("Overview: state, streams, upload, power"), NULL},
    [ACTION_VIEW_DATA] = {NULL, NULL, N_("Data: the segments kept, newest first"), NULL},
    [ACTION_VIEW_EXEMPTIONS] = {NULL, NULL, N_("Exemptions: your requests and their status"), NULL},
    [ACTION_VIEW_HISTORY] = {NULL, NULL, N_("History: everything the agent logged"), NULL},
    [ACTION_VIEW_NOTICE] = {NULL, NULL, N_("Notice: the privacy notice"), NULL},
    [ACTION_VIEW_LIVE] = {NULL, NULL, N_("Live: what is being kept right now"), NULL},
    [ACTION_NEXT_VIEW] = {NULL, NULL, N_("next view"), NULL},
    [ACTION_PREV_VIEW] = {NULL, NULL, N_("previous view"), NULL},
    [ACTION_UP] = {NULL, NULL, N_("up one line"), NULL},
    [ACTION_DOWN] = {NULL, NULL, N_("down one line"), NULL},
    [ACTION_PAGE_UP] = {NULL, NULL, N_("up one page"), NULL},
    [ACTION_PAGE_DOWN] = {NULL, NULL, N_("down one page"), NULL},
    [ACTION_HOME] = {NULL, NULL, N_("to the top"), NULL},
    [ACTION_END] = {NULL, NULL, N_("to the bottom"), NULL},
    [ACTION_OPEN] = {NULL, N_("Open"), N_("open the selected request or segment"),
                     N_("Exemptions, Data")},
    [ACTION_DELETE] = {"delete", N_("Delete"), N_("delete the selected segment (asks first)"),
                       N_("Data")},
    [ACTION_WITHDRAW] = {NULL, N_("Withdraw"), N_("withdraw the selected request (asks first)"),
                         N_("Exemptions")},
    [ACTION_REDRAW] = {NULL, NULL, N_("redraw the screen"), NULL},
    [ACTION_ACKNOWLEDGE] = {"acknowledge", N_("Changes"),
                            N_("what the policy changed, to read and acknowledge"), NULL},
    [ACTION_LIMIT] = {"limit", N_("Limit"), N_("keep less of a stream than the policy allows"),
                      NULL},
    [ACTION_MARK_EARLIER] = {NULL, NULL, N_("the day's mark a cell earlier, selecting its segment"),
                             N_("Data")},
    [ACTION_MARK_LATER] = {NULL, NULL, N_("the day's mark a cell later, selecting its segment"),
                           N_("Data")},
};

static const struct keys_binding defaults[] = {
    {'p', ACTION_PAUSE, true},
    {'P', ACTION_PAUSE_FOR, true},
    {'r', ACTION_RESUME, true},
    {'f', ACTION_FORGET, true},
    {'e', ACTION_EXEMPT, true},
    {'d', ACTION_DELETE, true},
    {'x', ACTION_EXPORT, true},
    {'?', ACTION_HELP, true},
    {KEYS_F(1), ACTION_HELP, false},
    {'q', ACTION_QUIT, true},
    {KEYS_F(10), ACTION_QUIT, false},
    {'1', ACTION_VIEW_OVERVIEW, false},
    {'2', ACTION_VIEW_DATA, false},
    {'3', ACTION_VIEW_EXEMPTIONS, false},
    {'4', ACTION_VIEW_HISTORY, false},
    {'5', ACTION_VIEW_NOTICE, false},
    {'6', ACTION_VIEW_LIVE, false},
    {KEYS_TAB, ACTION_NEXT_VIEW, false},
    {KEYS_BACKTAB, ACTION_PREV_VIEW, false},
    {KEYS_UP, ACTION_UP, false},
    {KEYS_DOWN, ACTION_DOWN, false},
    {KEYS_PGUP, ACTION_PAGE_UP, false},
    {KEYS_PGDN, ACTION_PAGE_DOWN, false},
    {KEYS_HOME, ACTION_HOME, false},
    {KEYS_END, ACTION_END, false},
    {KEYS_ENTER, ACTION_OPEN, false},
    {'w', ACTION_WITHDRAW, false},
    {KEYS_CTRL_L, ACTION_REDRAW, false},
    {'a', ACTION_ACKNOWLEDGE, true},
    {'l', ACTION_LIMIT, true},
    {'<', ACTION_MARK_EARLIER, false},
    {'>', ACTION_MARK_LATER, false},
};

void keys_init(struct keys *k)
{
	memcpy(k->b, defaults, sizeof defaults);
	k->n = sizeof defaults / sizeof defaults[0];
}

const struct keys_info *keys_info(enum action a)
{
	if (a <= ACTION_NONE || a >= N_ACTIONS)
		return NULL;
	return &infos[a];
}

enum action keys_action_by_name(const char *name)
{
	for (int a = 1; a < N_ACTIONS; a++)
		if (infos[a].name && strcmp(infos[a].name, name) == 0)
			return (enum action)a;
	return ACTION_NONE;
}

enum action keys_lookup(const struct keys *k, int key)
{
	for (size_t i = 0; i < k->n; i++)
		if (k->b[i].key == key)
			return k->b[i].action;
	return ACTION_NONE;
}

size_t keys_for(const struct keys *k, enum action a, int *out, size_t max)
{
	size_t n = 0;
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < k->n && n < max; i++)
			if (k->b[i].action == a && k->b[i].primary == (pass == 0))
				out[n++] = k->b[i].key;
	return n;
}

int keys_rebind(struct keys *k, const int primary[N_ACTIONS], enum action *a1, enum action *a2)
{
	struct keys next = *k;
	for (size_t i = 0; i < next.n; i++)
		if (next.b[i].primary && primary[next.b[i].action])
			next.b[i].key = primary[next.b[i].action];
	for (size_t i = 0; i < next.n; i++)
		for (size_t j = i + 1; j < next.n; j++) {
			if (next.b[i].key != next.b[j].key || next.b[i].action == next.b[j].action)
				continue;
			/* Name the one that moved first: that is the line of
			 * the configuration to blame. */
			bool i_moved = next.b[i].primary && primary[next.b[i].action];
			*a1 = i_moved ? next.b[i].action : next.b[j].action;
			*a2 = i_moved ? next.b[j].action : next.b[i].action;
			return -EEXIST;
		}
	*k = next;
	return 0;
}

static const struct {
	const char *name;
	int key;
} names[] = {
    {"Tab", KEYS_TAB},       {"Enter", KEYS_ENTER},         {"Esc", KEYS_ESC},
    {"Space", KEYS_SPACE},   {"Shift-Tab", KEYS_BACKTAB},   {"Up", KEYS_UP},
    {"Down", KEYS_DOWN},     {"Left", KEYS_LEFT},           {"Right", KEYS_RIGHT},
    {"PgUp", KEYS_PGUP},     {"PgDn", KEYS_PGDN},           {"Home", KEYS_HOME},
    {"End", KEYS_END},       {"Backspace", KEYS_BACKSPACE}, {"Delete", KEYS_DELETE},
    {"Ctrl-L", KEYS_CTRL_L},
};

/* The names capctl.conf accepts; the rest are only shown. */
#define N_CONF_NAMES 4

int keys_parse(const char *s, int *key)
{
	size_t len = strlen(s);
	uint32_t cp;

	if (len == 0)
		return -EINVAL;
	if (text_decode(s, len, &cp) == len) {
		if (cp <= 0x20 || (cp >= 0x7f && cp < 0xa0) || cp == 0xfffd)
			return -EINVAL;
		*key = (int)cp;
		return 0;
	}
	for (size_t i = 0; i < N_CONF_NAMES; i++)
		if (strcasecmp(s, names[i].name) == 0) {
			*key = names[i].key;
			return 0;
		}
	if ((s[0] == 'F' || s[0] == 'f') && len <= 3) {
		int n = 0;
		for (size_t i = 1; i < len; i++) {
			if (s[i] < '0' || s[i] > '9')
				return -EINVAL;
			n = n * 10 + (s[i] - '0');
		}
		if (s[1] == '0' || n < 1 || n > 12)
			return -EINVAL;
		*key = KEYS_F(n);
		return 0;
	}
	return -EINVAL;
}

void keys_name(int key, char *buf, size_t size)
{
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i].key == key) {
			snprintf(buf, size, "%s", names[i].name);
			return;
		}
	if (key > KEYS_F0 && key <= KEYS_F(63)) {
		snprintf(buf, size, "F%d", key - KEYS_F0);
	} else if (key > 0x20 && key < KEYS_SPECIAL) {
		char enc[5] = "";
		enc[text_encode((uint32_t)key, enc)] = '\0';
		snprintf(buf, size, "%s", enc);
	} else if (key > 0 && key < 0x20) {
		snprintf(buf, size, "Ctrl-%c", '@' + key);
	} else {
		snprintf(buf, size, "?");
	}
}
