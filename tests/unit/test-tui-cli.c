/* The table of capctl's commands (tui/cli/commands.c): every entry
 * complete, names unique, groups together, and the look-up of words. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "cli/cli-int.h"

static int n_options(const struct cli_command *cmd)
{
	int n = 0;
	while (n < CLI_CMD_OPTIONS && cmd->options[n].help)
		n++;
	return n;
}

static void test_entries(void **state)
{
	(void)state;
	for (int i = 0; i < CLI_N_COMMANDS; i++) {
		const struct cli_command *cmd = &cli_commands[i];
		assert_non_null(cmd->name);
		assert_non_null(cmd->run);
		assert_non_null(cmd->summary);
		assert_non_null(cmd->example);
		assert_true(cmd->min_args <= cmd->max_args);
		if (cmd->min_args)
			assert_non_null(cmd->needs);
		/* A name is one or two lower-case words. */
		size_t len = strlen(cmd->name);
		assert_true(len > 0 && cmd->name[0] != ' ' && cmd->name[len - 1] != ' ');
		assert_true(strspn(cmd->name, "abcdefghijklmnopqrstuvwxyz ") == len);
		assert_true(strchr(cmd->name, ' ') == strrchr(cmd->name, ' '));
		/* The example runs the command. */
		assert_non_null(strstr(cmd->example, cmd->name));
		/* Each option it takes is in its synopsis, once in its list. */
		for (int k = 0; k < n_options(cmd); k++) {
			assert_non_null(cmd->args);
			assert_non_null(strstr(cmd->args, cli_options[cmd->options[k].opt].name));
			for (int m = 0; m < k; m++)
				assert_int_not_equal(cmd->options[m].opt, cmd->options[k].opt);
		}
		for (int j = 0; j < i; j++)
			assert_string_not_equal(cli_commands[j].name, cmd->name);
	}
}

/* The commands of a group stand together, and no command is named as a
 * group is. */
static void test_groups(void **state)
{
	(void)state;
	for (int i = 0; i < CLI_N_COMMANDS; i++) {
		const char *name = cli_commands[i].name, *space = strchr(name, ' ');
		if (!space)
			continue;
		char group[32];
		snprintf(group, sizeof group, "%.*s", (int)(space - name), name);
		int first = -1, n = cli_group(group, &first);
		assert_true(n >= 2);
		assert_true(i >= first && i < first + n);
		for (int k = first; k < first + n; k++)
			assert_int_equal(strncmp(cli_commands[k].name, name, strlen(group) + 1), 0);
		for (int k = 0; k < CLI_N_COMMANDS; k++)
			assert_string_not_equal(cli_commands[k].name, group);
	}
	int first;
	assert_int_equal(cli_group("status", &first), 0);
	assert_int_equal(cli_group("", &first), 0);
	assert_int_equal(cli_group("data list", &first), 0);
}

static const struct cli_command *find(int n, char **words, int *used)
{
	*used = -1;
	return cli_find(words, n, used);
}

static void test_find(void **state)
{
	(void)state;
	int used;
	char *a[] = {"data", "export", "x"};
	assert_ptr_equal(find(3, a, &used), &cli_commands[CLI_CMD_DATA_EXPORT]);
	assert_int_equal(used, 2);
	char *b[] = {"pause", "5m"};
	assert_ptr_equal(find(2, b, &used), &cli_commands[CLI_CMD_PAUSE]);
	assert_int_equal(used, 1);
	char *c[] = {"data"};
	assert_null(find(1, c, &used));
	char *d[] = {"data", "rm"};
	assert_null(find(2, d, &used));
	char *e[] = {"data list"};
	assert_null(find(1, e, &used));
	char *f[] = {"stat"};
	assert_null(find(1, f, &used));
	char *g[] = {"statusx"};
	assert_null(find(1, g, &used));
	char *h[] = {""};
	assert_null(find(1, h, &used));
	for (int i = 0; i < CLI_N_COMMANDS; i++) {
		char name[64], *words[2];
		snprintf(name, sizeof name, "%s", cli_commands[i].name);
		char *space = strchr(name, ' ');
		words[0] = name;
		words[1] = space ? space + 1 : NULL;
		if (space)
			*space = '\0';
		assert_ptr_equal(find(space ? 2 : 1, words, &used), &cli_commands[i]);
		assert_int_equal(used, space ? 2 : 1);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_entries),
	    cmocka_unit_test(test_groups),
	    cmocka_unit_test(test_find),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
