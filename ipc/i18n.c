/* Opening the message catalog. */
#include "i18n.h"

#include <locale.h>
#include <stdlib.h>

#ifndef CAPCTL_LOCALEDIR
#define CAPCTL_LOCALEDIR "/usr/local/share/locale"
#endif

void i18n_init(void)
{
	setlocale(LC_CTYPE, "");
	setlocale(LC_MESSAGES, "");
	const char *dir = getenv("CAPCTL_LOCALEDIR");
	bindtextdomain("capctl", dir && dir[0] == '/' ? dir : CAPCTL_LOCALEDIR);
	textdomain("capctl");
}
