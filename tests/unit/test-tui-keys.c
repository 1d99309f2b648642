/* The key table: defaults, names, and moving keys as capctl.conf does. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "console/keys.h"

static void test_defaults(void **state)
{
	struct keys k;
	(void)state;
	keys_init(&k);
	assert_int_equal(keys_lookup(&k, 'p'), ACTION_PAUSE);
	assert_int_equal(keys_lookup(&k, 'P'), ACTION_PAUSE_FOR);
	assert_int_equal(keys_lookup(&k, 'r'), ACTION_RESUME);
	assert_int_equal(keys_lookup(&k, 'e'), ACTION_EXEMPT);
	assert_int_equal(keys_lookup(&k, '?'), ACTION_HELP);
	assert_int_equal(keys_lookup(&k, KEYS_F(1)), ACTION_HELP);
	assert_int_equal(keys_lookup(&k, 'q'), ACTION_QUIT);
	assert_int_equal(keys_lookup(&k, KEYS_F(10)), ACTION_QUIT);
	assert_int_equal(keys_lookup(&k, '1'), ACTION_VIEW_OVERVIEW);
	assert_int_equal(keys_lookup(&k, '3'), ACTION_VIEW_EXEMPTIONS);
	assert_int_equal(keys_lookup(&k, '4'), ACTION_VIEW_HISTORY);
	assert_int_equal(keys_lookup(&k, '5'), ACTION_VIEW_NOTICE);
	assert_int_equal(keys_lookup(&k, '2'), ACTION_VIEW_DATA);
	assert_int_equal(keys_lookup(&k, '6'), ACTION_VIEW_LIVE);
	assert_int_equal(keys_lookup(&k, KEYS_TAB), ACTION_NEXT_VIEW);
	assert_int_equal(keys_lookup(&k, KEYS_BACKTAB), ACTION_PREV_VIEW);
	assert_int_equal(keys_lookup(&k, KEYS_ENTER), ACTION_OPEN);
	assert_int_equal(keys_lookup(&k, 'w'), ACTION_WITHDRAW);
	assert_int_equal(keys_lookup(&k, 'f'), ACTION_FORGET);
	assert_int_equal(keys_lookup(&k, 'd'), ACTION_DELETE);
	assert_int_equal(keys_lookup(&k, 'x'), ACTION_EXPORT);
	assert_int_equal(keys_lookup(&k, 'z'), ACTION_NONE);
	/* Esc and Backspace are not in the table: they close a segment's
	 * events in the Data view, and may be bound to an action. */
	assert_int_equal(keys_lookup(&k, KEYS_ESC), ACTION_NONE);
	assert_int_equal(keys_lookup(&k, KEYS_BACKSPACE), ACTION_NONE);

	int out[4];
	assert_int_equal(keys_for(&k, ACTION_HELP, out, 4), 2);
	assert_int_equal(out[0], '?'); /* the rebindable one first */
	assert_int_equal(out[1], KEYS_F(1));
	assert_int_equal(keys_for(&k, ACTION_HELP, out, 1), 1);
}

static void test_info(void **state)
{
	(void)state;
	assert_string_equal(keys_info(ACTION_PAUSE)->name, "pause");
	assert_string_equal(keys_info(ACTION_PAUSE_FOR)->name, "pause_for");
	assert_null(keys_info(ACTION_UP)->name);
	assert_null(keys_info(ACTION_NONE));
	assert_null(keys_info(N_ACTIONS));
	assert_int_equal(keys_action_by_name("quit"), ACTION_QUIT);
	assert_int_equal(keys_action_by_name("forget"), ACTION_FORGET);
	assert_int_equal(keys_action_by_name("delete"), ACTION_DELETE);
	assert_int_equal(keys_action_by_name("export"), ACTION_EXPORT);
	assert_string_equal(keys_info(ACTION_DELETE)->where, "Data");
	assert_int_equal(keys_action_by_name("up"), ACTION_NONE);
	/* Every action has a help line: the help screen is built from it. */
	for (int a = ACTION_NONE + 1; a < N_ACTIONS; a++)
		assert_non_null(keys_info((enum action)a)->help);
}

static void test_parse(void **state)
{
	int key;
	(void)state;
	assert_int_equal(keys_parse("p", &key), 0);
	assert_int_equal(key, 'p');
	assert_int_equal(keys_parse("F1", &key), 0);
	assert_int_equal(key, KEYS_F(1));
	assert_int_equal(keys_parse("f12", &key), 0);
	assert_int_equal(key, KEYS_F(12));
	assert_int_equal(keys_parse("Tab", &key), 0);
	assert_int_equal(key, KEYS_TAB);
	assert_int_equal(keys_parse("enter", &key), 0);
	assert_int_equal(key, KEYS_ENTER);
	assert_int_equal(keys_parse("ESC", &key), 0);
	assert_int_equal(key, KEYS_ESC);
	assert_int_equal(keys_parse("Space", &key), 0);
	assert_int_equal(key, ' ');
	assert_int_equal(keys_parse("\xc3\xa9", &key), 0); /* é */
	assert_int_equal(key, 0xe9);
	static const char *const bad[] = {"",   "ab", "F0",        "F13",  "F01",  " ",
	                                  "\t", "Up", "Shift-Tab", "\xc3", "\x7f", "FF"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(keys_parse(bad[i], &key), -EINVAL);
}

static void test_names(void **state)
{
	char buf[16];
	(void)state;
	keys_name('p', buf, sizeof buf);
	assert_string_equal(buf, "p");
	keys_name(KEYS_F(10), buf, sizeof buf);
	assert_string_equal(buf, "F10");
	keys_name(KEYS_BACKTAB, buf, sizeof buf);
	assert_string_equal(buf, "Shift-Tab");
	keys_name(KEYS_PGDN, buf, sizeof buf);
	assert_string_equal(buf, "PgDn");
	keys_name(' ', buf, sizeof buf);
	assert_string_equal(buf, "Space");
	keys_name(KEYS_CTRL_L, buf, sizeof buf);
	assert_string_equal(buf, "Ctrl-L");
	keys_name(0xe9, buf, sizeof buf);
	assert_string_equal(buf, "\xc3\xa9");
	/* A name parses back to the same key. */
	static const int keys[] = {'p', KEYS_F(7), KEYS_TAB, KEYS_ENTER, KEYS_ESC, ' ', 0xe9};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		int back;
		keys_name(keys[i], buf, sizeof buf);
		assert_int_equal(keys_parse(buf, &back), 0);
		assert_int_equal(back, keys[i]);
	}
}

static void test_rebind(void **state)
{
	struct keys k;
	int primary[N_ACTIONS] = {0};
	enum action a1, a2;
	(void)state;
	keys_init(&k);
	primary[ACTION_PAUSE] = 'z';
	assert_int_equal(keys_rebind(&k, primary, &a1, &a2), 0);
	assert_int_equal(keys_lookup(&k, 'z'), ACTION_PAUSE);
	assert_int_equal(keys_lookup(&k, 'p'), ACTION_NONE);

	/* Two actions may swap keys in one go. */
	keys_init(&k);
	memset(primary, 0, sizeof primary);
	primary[ACTION_PAUSE] = 'r';
	primary[ACTION_RESUME] = 'p';
	assert_int_equal(keys_rebind(&k, primary, &a1, &a2), 0);
	assert_int_equal(keys_lookup(&k, 'r'), ACTION_PAUSE);
	assert_int_equal(keys_lookup(&k, 'p'), ACTION_RESUME);

	/* A clash changes nothing and names both. */
	keys_init(&k);
	memset(primary, 0, sizeof primary);
	primary[ACTION_RESUME] = 'p';
	assert_int_equal(keys_rebind(&k, primary, &a1, &a2), -EEXIST);
	assert_int_equal(a1, ACTION_RESUME);
	assert_int_equal(a2, ACTION_PAUSE);
	assert_int_equal(keys_lookup(&k, 'p'), ACTION_PAUSE);
	assert_int_equal(keys_lookup(&k, 'r'), ACTION_RESUME);

	/* The fixed keys cannot be taken. */
	memset(primary, 0, sizeof primary);
	primary[ACTION_EXEMPT] = KEYS_TAB;
	assert_int_equal(keys_rebind(&k, primary, &a1, &a2), -EEXIST);
	assert_int_equal(a1, ACTION_EXEMPT);
	assert_int_equal(a2, ACTION_NEXT_VIEW);
	primary[ACTION_EXEMPT] = '2';
	assert_int_equal(keys_rebind(&k, primary, &a1, &a2), -EEXIST);
	assert_int_equal(a2, ACTION_VIEW_DATA);

	/* The data keys move like the others, and may swap. */
	memset(primary, 0, sizeof primary);
	primary[ACTION_DELETE] = 'x';
	primary[ACTION_EXPORT] = 'd';
	primary[ACTION_FORGET] = KEYS_F(8);
	assert_int_equal(keys_rebind(&k, primary, &a1, &a2), 0);
	assert_int_equal(keys_lookup(&k, 'x'), ACTION_DELETE);
	assert_int_equal(keys_lookup(&k, 'd'), ACTION_EXPORT);
	assert_int_equal(keys_lookup(&k, KEYS_F(8)), ACTION_FORGET);
	assert_int_equal(keys_lookup(&k, 'f'), ACTION_NONE);
	keys_init(&k);

	/* An action's own fixed key is fine: help on F1 keeps F1 as well. */
	memset(primary, 0, sizeof primary);
	primary[ACTION_HELP] = KEYS_F(1);
	assert_int_equal(keys_rebind(&k, primary, &a1, &a2), 0);
	assert_int_equal(keys_lookup(&k, KEYS_F(1)), ACTION_HELP);
	assert_int_equal(keys_lookup(&k, '?'), ACTION_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults), cmocka_unit_test(test_info),
	    cmocka_unit_test(test_parse),    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_rebind),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
