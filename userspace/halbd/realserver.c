// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/realserver.h"
#include "halbd/halbd.h"
#include "halbd/lvs.h"
#include "halbd/realserver.h"
#include "uapi/linux/halb.h"

static bool uses_dr(const struct cfg_vs *c)
{
	if (c->fwd == HALB_FWD_DR)
		return true;
	for (int i = 0; i < c->nrs; i++)
		if (c->rs[i].fwd == HALB_FWD_DR)
			return true;
	return false;
}

static struct rs_vip to_vip(const struct cfg_addr *a)
{
	struct rs_vip v;

	memset(&v, 0, sizeof(v));
	v.family = a->family;
	if (a->family == AF_INET)
		v.v4 = a->v4;
	else
		v.v6 = a->v6;
	return v;
}

static bool vip_in(const struct rs_vip *set, int n, const struct rs_vip *v)
{
	for (int i = 0; i < n; i++)
		if (set[i].family == v->family &&
		    !memcmp(&set[i].v4, &v->v4, v->family == AF_INET ? 4 : 16))
			return true;
	return false;
}

void halbd_rs_sync(struct halbd *d)
{
	struct rs_vip *want = NULL;
	struct lvs_vs *vs;
	int nvs, nwant = 0, cap = 0;
	char err[256], b[64];

	if (!d->lvs)
		return;
	vs = lvs_vs_list(d->lvs, &nvs);
	for (int i = 0; i < nvs; i++) {
		if (!uses_dr(vs[i].cfg))
			continue;
		for (int k = 0; k < vs[i].nkeys; k++) {
			struct rs_vip v;

			if (!vs[i].standby[k] || vs[i].keys[k].fwmark)
				continue;
			v = to_vip(&vs[i].keys[k].addr);
			if (vip_in(want, nwant, &v))
				continue;
			if (nwant == cap) {
				struct rs_vip *n = realloc(want, (cap ? cap * 2 : 8) * sizeof(*n));

				if (!n)
					break;
				want = n;
				cap = cap ? cap * 2 : 8;
			}
			want[nwant++] = v;
		}
	}
	/* leaving standby (MASTER now, or no longer configured): off lo */
	for (int i = 0; i < d->nrs_vips; i++) {
		if (vip_in(want, nwant, &d->rs_vips[i]))
			continue;
		if (rs_vip_set(d->rtnl, &d->rs_vips[i], false, err, sizeof(err)))
			log_err("real-server set-up: %s", err);
		else
			log_info("real-server set-up: %s removed from lo",
				 rs_vip_str(&d->rs_vips[i], b, sizeof(b)));
		d->rs_vips[i--] = d->rs_vips[--d->nrs_vips];
	}
	for (int i = 0; i < nwant; i++) {
		struct rs_vip *n;

		if (vip_in(d->rs_vips, d->nrs_vips, &want[i]))
			continue;
		/* ARP first: the address must never be announced from here */
		if (want[i].family == AF_INET && !d->rs_arp_set) {
			if (rs_arp_set(true, err, sizeof(err)))
				log_err("real-server set-up: %s", err);
			else
				d->rs_arp_set = true;
		}
		if (rs_vip_set(d->rtnl, &want[i], true, err, sizeof(err))) {
			log_err("real-server set-up: %s", err);
			continue;
		}
		log_info("real-server set-up: standby for %s, address on lo",
			 rs_vip_str(&want[i], b, sizeof(b)));
		n = realloc(d->rs_vips, (d->nrs_vips + 1) * sizeof(*n));
		if (!n)
			break;
		d->rs_vips = n;
		d->rs_vips[d->nrs_vips++] = want[i];
	}
	free(want);
}

void halbd_rs_release(struct halbd *d, bool remove)
{
	char err[256];

	for (int i = 0; remove && i < d->nrs_vips; i++)
		if (rs_vip_set(d->rtnl, &d->rs_vips[i], false, err, sizeof(err)))
			log_err("real-server set-up: %s", err);
	free(d->rs_vips);
	d->rs_vips = NULL;
	d->nrs_vips = 0;
}
