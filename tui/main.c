/* capctl: with a command, do it and exit (cli.c); without one, open the
 * console (console.c). */
#include "cli/cli.h"
#include "i18n.h"
#include "util.h"

int main(int argc, char **argv)
{
	log_init("capctl");
	i18n_init();
	return cli_main(argc, argv);
}
