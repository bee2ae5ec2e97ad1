/* SPDX-License-Identifier: GPL-2.0 */
/*
 * keyidx: a fixed-size open-addressing index from a 64-bit key hash to a
 * position in the caller's array.  The caller keeps the keys and checks
 * equality itself, so one index type serves any key; it sizes the index
 * for the most positions it will put.  Used where the control plane would
 * otherwise look a key up by scanning a table inside a loop over another
 * (a reload of 10,000 services must not cost 10,000^2 comparisons).
 */
#ifndef HALB_COMMON_KEYIDX_H
#define HALB_COMMON_KEYIDX_H

#include <stddef.h>
#include <stdint.h>

struct keyidx {
	size_t mask;		/* slots - 1, slots a power of two */
	size_t *slot;		/* 0: empty, else position + 1 */
	uint64_t *hash;
};

#define KEYIDX_END ((size_t)-1)
#define KEYIDX_SEED 0xcbf29ce484222325ULL	/* FNV-1a offset basis */

/* keyidx_init() - room for @n positions (at most half the slots used). */
int keyidx_init(struct keyidx *k, size_t n);
void keyidx_free(struct keyidx *k);
void keyidx_put(struct keyidx *k, uint64_t h, size_t pos);

/*
 * Candidates for @h, in insertion order of their probe chain:
 *	for (it = keyidx_first(k, h); (pos = keyidx_next(k, h, &it)) != KEYIDX_END;)
 *		if (equal(&arr[pos], key)) ...
 */
static inline size_t keyidx_first(const struct keyidx *k, uint64_t h)
{
	return (size_t)h & k->mask;
}

size_t keyidx_next(const struct keyidx *k, uint64_t h, size_t *it);

/* keyidx_hash() - FNV-1a over @len bytes, continuing from @h. */
uint64_t keyidx_hash(uint64_t h, const void *p, size_t len);

#endif /* HALB_COMMON_KEYIDX_H */
