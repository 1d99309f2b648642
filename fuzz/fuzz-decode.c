/* libFuzzer target: captured --decode's reader must take any bytes as a
 * file of segments one after another, and whatever it prints must be
 * lines of valid UTF-8 with no raw control byte in them. */
#define _GNU_SOURCE /* fmemopen, open_memstream */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	char *text = NULL;
	size_t len = 0;
	if (!size)
		return 0;
	if (!devnull && !(devnull = fopen("/dev/null", "w")))
		abort();
	FILE *in = fmemopen((void *)data, size, "rb");
	FILE *out = open_memstream(&text, &len);
	if (!in || !out)
		abort();
	decode_stream(in, "fuzz", out, devnull);
	fclose(in);
	fclose(out);
	if (!utf8_valid(text, len) || (len && text[len - 1] != '\n'))
		abort();
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)text[i] < 0x20 && text[i] != '\n')
			abort();
	free(text);
	return 0;
}
