/* libFuzzer target: a client's matching of the agent's phrases must take
 * any text (it comes off the bus), in the German catalog of the build,
 * and give back valid UTF-8 for valid UTF-8. */
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "i18n.h"
#include "phrase.h"
#include "util.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	char cwd[PATH_MAX];
	const char *dir = getenv("CAPCTL_LOCALEDIR");
	if (!dir || dir[0] != '/') {
		if (!getcwd(cwd, sizeof cwd - sizeof "/build/locale"))
			abort();
		strcat(cwd, "/build/locale");
		setenv("CAPCTL_LOCALEDIR", cwd, 1);
	}
	setenv("LANGUAGE", "de", 1);
	setenv("LANG", "C.UTF-8", 1);
	unsetenv("LC_ALL");
	unsetenv("LC_MESSAGES");
	i18n_init();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = xstrndup((const char *)data, size);
	char *out = phrase_local(in);
	if (utf8_valid(in, strlen(in)) && !utf8_valid(out, strlen(out)))
		abort();
	free(out);
	free(in);
	return 0;
}
