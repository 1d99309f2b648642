/* capctl: with a command, do it and exit (cli.c); without one, open the
 * console (console.c). */
#include "cli/cli.h"
#include "util.h"

#include <locale.h>

int main(int argc, char **argv)
{
	log_init("capctl");
	/* Only the character type: numbers must print with a dot in any
	 * locale (JSON, and the figures tests read). */
	setlocale(LC_CTYPE, "");
	return cli_main(argc, argv);
}
