/* The hash of a History entry. The bytes are fed to the digest in pieces,
 * so a detail of any length is hashed without a copy. */
#include "chain.h"
#include "util.h"

#include <inttypes.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char chain_zero[CHAIN_HEX + 1] =
    "0000000000000000000000000000000000000000000000000000000000000000";

static void update(EVP_MD_CTX *ctx, const char *s, size_t len)
{
	if (!EVP_DigestUpdate(ctx, s, len))
		abort();
}

void chain_hash(const char *prev, uint64_t seq, uint64_t time, const char *action,
                const char *detail, uint32_t uid, char out[CHAIN_HEX + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;
	char num[64];
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL))
		abort(); /* out of memory: as xmalloc does */
	update(ctx, prev, strlen(prev));
	int n = snprintf(num, sizeof num, "\n%" PRIu64 "\t%" PRIu64 "\t", seq, time);
	update(ctx, num, (size_t)n);
	update(ctx, action, strlen(action));
	update(ctx, "\t", 1);
	update(ctx, detail, strlen(detail));
	n = snprintf(num, sizeof num, "\t%" PRIu32, uid);
	update(ctx, num, (size_t)n);
	if (!EVP_DigestFinal_ex(ctx, md, &md_len) || md_len != CHAIN_HEX / 2)
		abort();
	EVP_MD_CTX_free(ctx);
	for (unsigned i = 0; i < md_len; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[CHAIN_HEX] = '\0';
}

bool chain_hex_valid(const char *s)
{
	size_t i = 0;
	for (; s[i]; i++)
		if (i >= CHAIN_HEX ||
		    !((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return i == CHAIN_HEX;
}
