// SPDX-License-Identifier: GPL-2.0
/*
 * The hashing schedulers: sh (source hashing), dh (destination hashing)
 * and mh (Maglev hashing).  A table is built on the control path from the
 * real servers in list order (newest first, as IPVS's) and published with
 * the state by RCU; a new connection costs one hash and one table read.
 *
 * sh, dh: bit-exact with IPVS (algo/shdh.h): the same 256-bucket tables,
 * filled the same way from the same list order, the same hash, so the same
 * client (sh) or destination (dh) address lands on the same server.
 *   sh   a server with weight 0 or overloaded is unavailable: no server
 *        (IPVS), or with sh-fallback the next available one along IPVS's
 *        walk of the 256 buckets (bounded by the table, not the pool);
 *        sh-port hashes the client's port too.
 *   dh   unavailable (weight 0, overloaded, removed): no server.
 *
 * mh: Maglev (algo/maglev.c) over a table of st->mh_size entries (a prime,
 * 65537 by default).  Deliberate differences from IPVS's mh:
 *   - hash: SipHash-1-3 with fixed keys of the server's address and port
 *     (permutation) and of the client's address (and port with mh-port),
 *     not IPVS's hsiphash with keys derived from the service's address,
 *     so the same flow may land on a different server than with IPVS
 *     (every halb director with the same servers agrees, which is the
 *     point of Maglev);
 *   - weights: each server gets table entries in proportion to its weight
 *     exactly (to about 1/M), where IPVS divides weights by their gcd and
 *     shifts them down to a few bits;
 *   - table size: any prime 251..1048573 (default 65537), IPVS's is fixed
 *     at build time (4093 by default);
 *   - mh-fallback: IPVS walks the whole table from the flow's entry;
 *     here a flow whose server is unavailable (overloaded) is rehashed
 *     into the table up to MH_FALLBACK_TRIES times, then up to
 *     MH_FALLBACK_SCAN servers are tried from a hashed start: a constant
 *     bound per packet.  A server with weight 0 has no entries at all
 *     (as in IPVS), so its flows move to the others without fallback.
 */
#include <linux/slab.h>
#include <linux/mm.h>
#include "sched.h"
#include "dest.h"
#include "algo/shdh.h"
#include "algo/maglev.h"
#include "algo/hash.h"

#define MH_FALLBACK_TRIES	16
#define MH_FALLBACK_SCAN	32

/* An address as four host-order words, IPv4 in the first. */
static void addr_words(const union nf_inet_addr *a, u16 af, u32 w[4])
{
	unsigned int i;

	if (af == AF_INET) {
		w[0] = ntohl(a->ip);
		w[1] = w[2] = w[3] = 0;
		return;
	}
	for (i = 0; i < 4; i++)
		w[i] = ntohl(a->ip6[i]);
}

/* IPVS's fold: IPv6's four words XORed, then to host order. */
static u32 addr_fold(const union nf_inet_addr *a, u16 af)
{
	u32 w[4];

	addr_words(a, af, w);
	return halb_shdh_fold(w);
}

/* ---- sh, dh ------------------------------------------------------------ */

struct shdh_priv {
	u32 tab[HALB_SHDH_SIZE];	/* index into st->d, or HALB_SHDH_NONE */
};

static struct halb_sched_state *shdh_build(struct halb_service *svc,
					   const struct halb_sched_ops *ops, bool sh)
{
	struct halb_sched_state *st;
	struct shdh_priv *p;
	u32 *w = NULL;
	unsigned int i;

	st = halb_sched_state_alloc(svc, ops, sizeof(*p));
	if (!st)
		return NULL;
	p = halb_sched_priv(st);
	if (!sh) {
		halb_dh_fill(p->tab, st->n);
		return st;
	}
	if (st->n) {
		w = kcalloc(st->n, sizeof(*w), GFP_KERNEL);
		if (!w) {
			kfree(st);
			return NULL;
		}
	}
	for (i = 0; i < st->n; i++)
		w[i] = st->d[i]->weight;
	halb_sh_fill(p->tab, w, st->n);
	kfree(w);
	return st;
}

static struct halb_sched_state *sh_build(struct halb_service *svc,
					 struct halb_sched_state *old)
{
	return shdh_build(svc, &halb_sched_sh, true);
}

static struct halb_sched_state *dh_build(struct halb_service *svc,
					 struct halb_sched_state *old)
{
	return shdh_build(svc, &halb_sched_dh, false);
}

static struct halb_dest *bucket_dest(struct halb_sched_state *st, u32 b)
{
	struct shdh_priv *p = halb_sched_priv(st);
	u32 i = p->tab[b];

	return i < st->n ? st->d[i] : NULL;
}

static struct halb_dest *sh_schedule(struct halb_sched_state *st,
				     const struct halb_flow *flow)
{
	u32 fold = addr_fold(&flow->saddr, flow->af), h, k;
	u16 port = st->flags & HALB_SVC_F_HASH_PORT ? ntohs(flow->sport) : 0;
	struct halb_dest *d;

	h = halb_sh_bucket(fold, port, 0);
	d = bucket_dest(st, h);
	if (!d || halb_dest_usable(d))
		return d;
	if (!(st->flags & HALB_SVC_F_HASH_FALLBACK))
		return NULL;
	/* IPVS's walk: 256 buckets at most, whatever the pool size */
	for (k = 0; k < HALB_SHDH_SIZE; k++) {
		d = bucket_dest(st, halb_sh_fallback_bucket(h, k));
		if (!d)
			break;
		if (halb_dest_usable(d))
			return d;
	}
	return NULL;
}

static struct halb_dest *dh_schedule(struct halb_sched_state *st,
				     const struct halb_flow *flow)
{
	struct halb_dest *d;

	d = bucket_dest(st, halb_dh_bucket(addr_fold(&flow->daddr, flow->af)));
	return d && halb_dest_usable(d) ? d : NULL;
}

const struct halb_sched_ops halb_sched_sh = {
	.name = "sh",
	.build = sh_build,
	.schedule = sh_schedule,
};

const struct halb_sched_ops halb_sched_dh = {
	.name = "dh",
	.build = dh_build,
	.schedule = dh_schedule,
};

/* ---- mh ---------------------------------------------------------------- */

/* Fixed keys: every director builds the same table from the same servers. */
static const struct halb_hash_key mh_server_key = {
	0x68616c62206d6873ULL, 0x6572766572206b31ULL,	/* "halb mhserver k1" */
};

static const struct halb_hash_key mh_flow_key = {
	0x68616c62206d6866ULL, 0x6c6f77206b657931ULL,	/* "halb mhflow key1" */
};

struct mh_priv {
	u32 m;
	u32 *lookup;		/* m entries: index into st->d */
};

static struct halb_sched_state *mh_build(struct halb_service *svc,
					 struct halb_sched_state *old)
{
	struct halb_maglev_backend *b = NULL;
	struct halb_sched_state *st;
	void *scratch = NULL;
	struct mh_priv *p;
	unsigned int i;
	u32 w[4];

	st = halb_sched_state_alloc(svc, &halb_sched_mh, sizeof(*p));
	if (!st)
		return NULL;
	p = halb_sched_priv(st);
	p->m = halb_maglev_size_valid(st->mh_size) ? st->mh_size : HALB_MAGLEV_DEFAULT_SIZE;
	p->lookup = kvmalloc(halb_maglev_table_bytes(p->m), GFP_KERNEL_ACCOUNT);
	b = kvcalloc(max(st->n, 1U), sizeof(*b), GFP_KERNEL);
	scratch = kvmalloc(max_t(size_t, halb_maglev_scratch_bytes(st->n), 8), GFP_KERNEL);
	if (!p->lookup || !b || !scratch)
		goto err;
	for (i = 0; i < st->n; i++) {
		addr_words(&st->d[i]->addr, st->d[i]->af, w);
		b[i].key = halb_hash_addr_port(w, ntohs(st->d[i]->port), &mh_server_key);
		b[i].weight = st->d[i]->weight;
	}
	/* a few ms for 65537 entries: control path, nobody waits on it */
	if (halb_maglev_build(p->lookup, p->m, b, st->n, scratch))
		goto err;
	kvfree(scratch);
	kvfree(b);
	return st;

err:
	kvfree(scratch);
	kvfree(b);
	kvfree(p->lookup);
	kfree(st);
	return NULL;
}

static void mh_release(struct halb_sched_state *st)
{
	struct mh_priv *p = halb_sched_priv(st);

	kvfree(p->lookup);
}

static struct halb_dest *mh_entry(struct halb_sched_state *st, u32 h)
{
	struct mh_priv *p = halb_sched_priv(st);
	u32 i = halb_maglev_lookup(p->lookup, p->m, h);

	return i < st->n ? st->d[i] : NULL;
}

static struct halb_dest *mh_schedule(struct halb_sched_state *st,
				     const struct halb_flow *flow)
{
	u16 port = st->flags & HALB_SVC_F_HASH_PORT ? ntohs(flow->sport) : 0;
	struct halb_dest *d;
	u32 w[4], h, k;

	addr_words(&flow->saddr, flow->af, w);
	h = halb_flow_hash(w, port, &mh_flow_key);
	d = mh_entry(st, h);
	if (!d || halb_dest_usable(d))
		return d;
	if (!(st->flags & HALB_SVC_F_HASH_FALLBACK))
		return NULL;
	/* rehash: each try lands on a server in proportion to its weight */
	for (k = 1; k <= MH_FALLBACK_TRIES; k++) {
		d = mh_entry(st, (u32)halb_hash_u64(((u64)h << 32) | k, &mh_flow_key));
		if (d && halb_dest_usable(d))
			return d;
	}
	/* most of the pool is unavailable: a bounded look at the servers */
	for (k = 0; k < min_t(u32, st->n, MH_FALLBACK_SCAN); k++) {
		d = st->d[(h + k) % st->n];
		if (halb_dest_usable(d))
			return d;
	}
	return NULL;
}

const struct halb_sched_ops halb_sched_mh = {
	.name = "mh",
	.build = mh_build,
	.schedule = mh_schedule,
	.release = mh_release,
};
