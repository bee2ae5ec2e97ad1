// SPDX-License-Identifier: GPL-2.0
/* keyidx: hash-to-position index for control-plane lookups (see keyidx.h). */
#include <stdlib.h>

#include "common/keyidx.h"

int keyidx_init(struct keyidx *k, size_t n)
{
	size_t slots = 16;

	while (slots < 2 * n)
		slots *= 2;
	k->mask = slots - 1;
	k->slot = calloc(slots, sizeof(*k->slot));
	k->hash = calloc(slots, sizeof(*k->hash));
	if (!k->slot || !k->hash) {
		keyidx_free(k);
		return -1;
	}
	return 0;
}

void keyidx_free(struct keyidx *k)
{
	free(k->slot);
	free(k->hash);
	k->slot = NULL;
	k->hash = NULL;
	k->mask = 0;
}

void keyidx_put(struct keyidx *k, uint64_t h, size_t pos)
{
	size_t i = (size_t)h & k->mask;

	while (k->slot[i])
		i = (i + 1) & k->mask;
	k->slot[i] = pos + 1;
	k->hash[i] = h;
}

size_t keyidx_next(const struct keyidx *k, uint64_t h, size_t *it)
{
	while (k->slot && k->slot[*it]) {
		size_t i = *it;

		*it = (i + 1) & k->mask;
		if (k->hash[i] == h)
			return k->slot[i] - 1;
	}
	return KEYIDX_END;
}

uint64_t keyidx_hash(uint64_t h, const void *p, size_t len)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < len; i++) {
		h ^= b[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}
