/* The terminal. Signals arrive through the loop's signalfd, so no curses
 * call ever runs in a handler; the only handlers here are for fatal
 * signals and they restore the terminal with write() and tcsetattr()
 * alone. */
#define _GNU_SOURCE
#include "console/term.h"
#include "console/keys.h"
#include "i18n.h"
#include "text/safe.h"
#include "util.h"

#include <langinfo.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <term.h>
#include <termios.h>
#include <unistd.h>

/* The key codes curses gets for the paste marks, defined at start. */
#define CODE_PASTE_BEGIN (KEY_MAX + 1)
#define CODE_PASTE_END (KEY_MAX + 2)

int term_check(char *buf, size_t size)
{
	const char *type = getenv("TERM");
	int err = 0;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		snprintf(buf, size,
		         isatty(STDIN_FILENO)
		             ? _("capctl: the console needs a terminal, and standard output is "
		                 "not one; %s")
		             : _("capctl: the console needs a terminal, and standard input is not "
		                 "one; %s"),
		         _(TERM_ONE_SHOT));
		return -1;
	}
	if (!type || !*type) {
		snprintf(buf, size,
		         _("capctl: TERM is not set, so the console cannot tell what "
		           "the terminal can do; %s"),
		         _(TERM_ONE_SHOT));
		return -1;
	}
	char *shown = safe_str(type, 0);
	int r = -1;
	/* setupterm with an error return reports instead of exiting. */
	if (setupterm(type, STDOUT_FILENO, &err) != OK) {
		if (err == -1)
			snprintf(buf, size,
			         _("capctl: there is no terminfo database to look up the terminal "
			           "'%s' in; %s"),
			         shown, _(TERM_ONE_SHOT));
		else
			snprintf(buf, size,
			         _("capctl: the terminal type '%s' is not known to "
			           "terminfo; %s"),
			         shown, _(TERM_ONE_SHOT));
		goto out;
	}
	const char *cup = tigetstr("cup");
	bool hardcopy = tigetflag("hc") > 0;
	del_curterm(cur_term);
	if (hardcopy || !cup || cup == (char *)-1) {
		snprintf(buf, size,
		         _("capctl: the terminal '%s' cannot move the cursor, so it cannot run "
		           "the console; %s"),
		         shown, _(TERM_ONE_SHOT));
		goto out;
	}
	r = 0;
out:
	free(shown);
	return r;
}

/* ---- restoring the terminal after a crash ----
 * The one piece of global state: a fatal signal handler has no argument
 * to find the console by, so what it needs is prepared here in advance. */
static struct {
	bool armed;
	struct termios saved;
	char reset[256];
	size_t reset_len;
} fatal;

static void on_fatal(int sig)
{
	if (fatal.armed) {
		ssize_t r = write(STDOUT_FILENO, fatal.reset, fatal.reset_len);
		(void)r;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &fatal.saved);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

static void add_cap(const char *name)
{
	char *s = tigetstr(name);
	if (!s || s == (char *)-1)
		return;
	size_t n = strlen(s);
	if (fatal.reset_len + n < sizeof fatal.reset) {
		memcpy(fatal.reset + fatal.reset_len, s, n);
		fatal.reset_len += n;
	}
}

static void fatal_arm(void)
{
	static const int sigs[] = {
		SIGABRT,
#if !defined(__SANITIZE_ADDRESS__)
		/* AddressSanitizer reports these itself; leave them to it. */
		SIGSEGV,
		SIGBUS,
		SIGFPE,
		SIGILL,
#endif
	};
	/* What endwin would send: attributes off, cursor back, keypad
	 * off, the normal screen back. */
	fatal.reset_len = 0;
	add_cap("sgr0");
	add_cap("cnorm");
	add_cap("rmkx");
	add_cap("rmcup");
	static const char paste_off[] = "\033[?2004l";
	if (fatal.reset_len + sizeof paste_off - 1 < sizeof fatal.reset) {
		memcpy(fatal.reset + fatal.reset_len, paste_off, sizeof paste_off - 1);
		fatal.reset_len += sizeof paste_off - 1;
	}
	fatal.armed = true;
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++) {
		struct sigaction sa = {.sa_handler = on_fatal, .sa_flags = (int)SA_RESETHAND};
		sigemptyset(&sa.sa_mask);
		sigaction(sigs[i], &sa, NULL);
	}
}

/* Any exit() while curses is on (a library calling exit, say) still
 * leaves a usable terminal. */
static void at_exit(void)
{
	if (fatal.armed && !isendwin())
		endwin();
}

SCREEN *term_start(bool color, struct theme *t)
{
	static bool registered;
	bool utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	tcgetattr(STDIN_FILENO, &fatal.saved);
	/* newterm, unlike initscr, returns when it cannot. */
	SCREEN *s = newterm(NULL, stdout, stdin);
	if (!s)
		return NULL;
	set_term(s);
	if (!registered)
		atexit(at_exit);
	registered = true;
	fatal_arm();
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	leaveok(stdscr, FALSE);
	define_key("\033[200~", CODE_PASTE_BEGIN);
	define_key("\033[201~", CODE_PASTE_END);
	term_paste_mode(true);
	theme_init(t, color, utf8);
	return s;
}

void term_stop(SCREEN *s)
{
	if (!s)
		return;
	endwin();
	term_paste_mode(false);
	fatal.armed = false;
	delscreen(s);
}

void term_paste_mode(bool on)
{
	/* A terminal that does not know the mode ignores it. */
	fputs(on ? "\033[?2004h" : "\033[?2004l", stdout);
	fflush(stdout);
}

/* Inside a paste: the character as text. */
static int pasted(struct term_input *in, int r, wint_t wc)
{
	if (r != OK) {
		if (wc == CODE_PASTE_END)
			in->pasting = false;
		return 0;
	}
	/* Line breaks and tabs are for the field to place; other controls
	 * (an escape sequence in the clipboard, say) are dropped. */
	if (wc == '\r' || wc == '\n' || wc == '\t' || (wc >= 0x20 && wc != 0x7f))
		return KEYS_PASTED | (int)wc;
	return 0;
}

int term_key(struct term_input *in, int r, wint_t wc)
{
	static const struct {
		wint_t code;
		int key;
	} keys[] = {
	    {KEY_UP, KEYS_UP},        {KEY_DOWN, KEYS_DOWN},
	    {KEY_LEFT, KEYS_LEFT},    {KEY_RIGHT, KEYS_RIGHT},
	    {KEY_PPAGE, KEYS_PGUP},   {KEY_NPAGE, KEYS_PGDN},
	    {KEY_HOME, KEYS_HOME},    {KEY_END, KEYS_END},
	    {KEY_BTAB, KEYS_BACKTAB}, {KEY_BACKSPACE, KEYS_BACKSPACE},
	    {KEY_DC, KEYS_DELETE},    {KEY_ENTER, KEYS_ENTER},
	};
	if (in->pasting)
		return pasted(in, r, wc);
	if (r != OK && wc == CODE_PASTE_BEGIN) {
		in->pasting = true;
		return 0;
	}
	if (r == OK) {
		if (wc == '\r' || wc == '\n')
			return KEYS_ENTER;
		if (wc == 127 || wc == 8)
			return KEYS_BACKSPACE;
		return (int)wc;
	}
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (keys[i].code == wc)
			return keys[i].key;
	if (wc >= KEY_F(1) && wc <= KEY_F(63))
		return KEYS_F((int)(wc - KEY_F0));
	return 0;
}
