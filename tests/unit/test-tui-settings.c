/* capctl.conf: defaults, every kind of error with its FILE:LINE, warnings
 * for unknown keys, and key bindings with their clashes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "console/settings.h"
#include "util.h"

static char dir[] = "/tmp/test-tui-settings.XXXXXX";
static char path[64];
static char warnings[1024];

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof path, "%s/capctl.conf", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(path);
	return rmdir(dir);
}

static void warn(const char *msg, void *data)
{
	(void)data;
	size_t n = strlen(warnings);
	snprintf(warnings + n, sizeof warnings - n, "%s\n", msg);
}

/* Writes text to the file and loads it over the defaults. */
static int load(struct settings *s, const char *text, char **error)
{
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	warnings[0] = '\0';
	settings_init(s);
	return settings_load(s, path, error, warn, NULL);
}

/* Loading must fail with exactly this message after "FILE:". */
static void fails(const char *text, const char *want)
{
	struct settings s;
	char *error = NULL, *expect = xasprintf("%s:%s", path, want);
	assert_int_equal(load(&s, text, &error), -EINVAL);
	assert_non_null(error);
	assert_string_equal(error, expect);
	/* Nothing of the bad file is taken. */
	assert_int_equal(s.refresh_ms, 1000);
	assert_string_equal(s.keys[SETTINGS_KEY_PAUSE].name, "p");
	free(error);
	free(expect);
	settings_fini(&s);
}

static void test_defaults(void **state)
{
	struct settings s;
	char *error = NULL;
	(void)state;
	settings_init(&s);
	assert_int_equal(settings_load(&s, "/nonexistent/capctl.conf", &error, warn, NULL),
	                 -ENOENT);
	assert_null(error);
	assert_int_equal(s.bus, SETTINGS_BUS_SESSION);
	assert_int_equal(s.default_pause_minutes, 30);
	assert_int_equal(s.refresh_ms, 1000);
	assert_true(s.color);
	assert_true(s.confirm_delete);
	static const char *const keys[] = {"p", "P", "r", "f", "e", "d", "x", "?", "q"};
	for (int i = 0; i < N_SETTINGS_KEYS; i++)
		assert_string_equal(s.keys[i].name, keys[i]);
	settings_fini(&s);
}

static void test_full_file(void **state)
{
	struct settings s;
	char *error = NULL;
	(void)state;
	assert_int_equal(load(&s,
	                      "bus = \"system\";\n"
	                      "default_pause_minutes = 15;\n"
	                      "refresh_ms = 250;\n"
	                      "color = false;\n"
	                      "confirm_delete = false;\n"
	                      "keys = {\n"
	                      "  pause = \"F5\"; pause_for = \"Space\"; resume = \"R\";\n"
	                      "  forget = \"g\"; exempt = \"E\"; delete = \"D\"; export = \"X\";\n"
	                      "  help = \"h\"; quit = \"Esc\";\n"
	                      "};\n",
	                      &error),
	                 0);
	assert_null(error);
	assert_string_equal(warnings, "");
	assert_int_equal(s.bus, SETTINGS_BUS_SYSTEM);
	assert_int_equal(s.default_pause_minutes, 15);
	assert_int_equal(s.refresh_ms, 250);
	assert_false(s.color);
	assert_false(s.confirm_delete);

	struct keys k;
	keys_init(&k);
	assert_int_equal(settings_apply_keys(&s, &k), 0);
	assert_int_equal(keys_lookup(&k, KEYS_F(5)), ACTION_PAUSE);
	assert_int_equal(keys_lookup(&k, ' '), ACTION_PAUSE_FOR);
	assert_int_equal(keys_lookup(&k, 'R'), ACTION_RESUME);
	assert_int_equal(keys_lookup(&k, 'E'), ACTION_EXEMPT);
	assert_int_equal(keys_lookup(&k, 'h'), ACTION_HELP);
	assert_int_equal(keys_lookup(&k, KEYS_F(1)), ACTION_HELP); /* still there */
	assert_int_equal(keys_lookup(&k, KEYS_ESC), ACTION_QUIT);
	assert_int_equal(keys_lookup(&k, KEYS_F(10)), ACTION_QUIT);
	assert_int_equal(keys_lookup(&k, 'p'), ACTION_NONE);
	assert_int_equal(keys_lookup(&k, 'q'), ACTION_NONE);
	assert_int_equal(keys_lookup(&k, 'g'), ACTION_FORGET);
	assert_int_equal(keys_lookup(&k, 'D'), ACTION_DELETE);
	assert_int_equal(keys_lookup(&k, 'X'), ACTION_EXPORT);
	assert_int_equal(keys_lookup(&k, 'f'), ACTION_NONE);
	assert_int_equal(keys_lookup(&k, 'd'), ACTION_NONE);
	assert_int_equal(keys_lookup(&k, 'x'), ACTION_NONE);
	settings_fini(&s);
}

static void test_partial_and_unknown(void **state)
{
	struct settings s;
	char *error = NULL;
	(void)state;
	assert_int_equal(load(&s,
	                      "# only one setting\n"
	                      "refresh_ms = 100;\n"
	                      "theme = \"dark\";\n"
	                      "keys = { pause = \"z\"; zoom = \"Z\"; };\n",
	                      &error),
	                 0);
	assert_int_equal(s.refresh_ms, 100);
	assert_int_equal(s.default_pause_minutes, 30);
	assert_string_equal(s.keys[SETTINGS_KEY_PAUSE].name, "z");
	assert_string_equal(s.keys[SETTINGS_KEY_RESUME].name, "r");
	char *want = xasprintf("%s:3: unknown key 'theme' ignored\n"
	                       "%s:4: unknown key 'keys.zoom' ignored\n",
	                       path, path);
	assert_string_equal(warnings, want);
	free(want);
	settings_fini(&s);

	/* Swapping two keys is fine. */
	assert_int_equal(load(&s, "keys = { pause = \"r\"; resume = \"p\"; };\n", &error), 0);
	struct keys k;
	keys_init(&k);
	assert_int_equal(settings_apply_keys(&s, &k), 0);
	assert_int_equal(keys_lookup(&k, 'r'), ACTION_PAUSE);
	assert_int_equal(keys_lookup(&k, 'p'), ACTION_RESUME);
	settings_fini(&s);
}

static void test_errors(void **state)
{
	(void)state;
	fails("bus = \"session\"\nrefresh_ms = ;\n", "2: syntax error");
	fails("refresh_ms = 50;\n", "1: refresh_ms must be from 100 to 60000, not 50");
	fails("\n\nrefresh_ms = 60001;\n", "3: refresh_ms must be from 100 to 60000, not 60001");
	fails("default_pause_minutes = 0;\n",
	      "1: default_pause_minutes must be from 1 to 1440, not 0");
	fails("default_pause_minutes = \"30\";\n",
	      "1: default_pause_minutes must be a whole number");
	fails("color = 1;\n", "1: color must be true or false");
	fails("bus = \"dbus\";\n", "1: bus must be one of session, system, not 'dbus'");
	fails("keys = \"p\";\n", "1: keys must be a group in { }");
	fails("keys = {\n pause = \"pp\";\n};\n",
	      "2: keys.pause must be one character or one of F1..F12, Tab, Enter, Esc, Space, "
	      "not 'pp'");
	fails("keys = { quit = \"F13\"; };\n",
	      "1: keys.quit must be one character or one of F1..F12, Tab, Enter, Esc, Space, not "
	      "'F13'");
	fails("keys = { exempt = 5; };\n", "1: keys.exempt must be a string in double quotes");
	/* Clashes name the line of the binding that moved. */
	fails("color = true;\nkeys = {\n  resume = \"p\";\n};\n",
	      "3: keys.resume is 'p', which is already the key for pause");
	fails("keys = {\n  pause = \"z\";\n  help = \"z\";\n};\n",
	      "2: keys.pause is 'z', which is already the key for help");
	fails("keys = {\n  forget = \"d\";\n};\n",
	      "2: keys.forget is 'd', which is already the key for delete");
	fails("keys = { exempt = \"Tab\"; };\n",
	      "1: keys.exempt cannot be 'Tab': that key always means 'next view'");
	fails("keys = { pause = \"3\"; };\n",
	      "1: keys.pause cannot be '3': the keys 1 to 6 select views");
	fails("keys = { export = \"2\"; };\n",
	      "1: keys.export cannot be '2': the keys 1 to 6 select views");
	fails("keys = { pause = \"6\"; };\n",
	      "1: keys.pause cannot be '6': the keys 1 to 6 select views");
	fails("keys = { resume = \"F10\"; };\n",
	      "1: keys.resume cannot be 'F10': that key always means 'quit (the agent keeps "
	      "running)'");
}

static void test_default_path(void **state)
{
	(void)state;
	char *old_xdg = getenv("XDG_CONFIG_HOME") ? xstrdup(getenv("XDG_CONFIG_HOME")) : NULL;
	char *old_home = getenv("HOME") ? xstrdup(getenv("HOME")) : NULL;
	setenv("XDG_CONFIG_HOME", "/x/config", 1);
	char *p = settings_default_path();
	assert_string_equal(p, "/x/config/capctl/capctl.conf");
	free(p);
	unsetenv("XDG_CONFIG_HOME");
	setenv("HOME", "/home/someone", 1);
	p = settings_default_path();
	assert_string_equal(p, "/home/someone/.config/capctl/capctl.conf");
	free(p);
	/* A relative XDG_CONFIG_HOME is invalid by the spec: ignored. */
	setenv("XDG_CONFIG_HOME", "relative", 1);
	p = settings_default_path();
	assert_string_equal(p, "/home/someone/.config/capctl/capctl.conf");
	free(p);
	if (old_xdg)
		setenv("XDG_CONFIG_HOME", old_xdg, 1);
	else
		unsetenv("XDG_CONFIG_HOME");
	if (old_home)
		setenv("HOME", old_home, 1);
	free(old_xdg);
	free(old_home);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_full_file),
	    cmocka_unit_test(test_partial_and_unknown),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_default_path),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
