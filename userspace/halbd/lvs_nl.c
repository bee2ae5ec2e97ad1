// SPDX-License-Identifier: GPL-2.0
/*
 * struct lvs_ops on libhalb: the only way halbd reaches halb.ko.
 */
#include "halbd/lvs_nl.h"

static int list_services(void *ctx, struct halb_service **svcs, size_t *n)
{
	return halb_list_services(ctx, svcs, n);
}

static int list_dests(void *ctx, const struct halb_service *key, struct halb_dest **d,
		      size_t *n)
{
	return halb_list_dests(ctx, key, d, n);
}

static int add_service(void *ctx, const struct halb_service *s)
{
	return halb_add_service(ctx, s);
}

static int edit_service(void *ctx, const struct halb_service *s)
{
	return halb_edit_service(ctx, s);
}

static int del_service(void *ctx, const struct halb_service *s)
{
	return halb_del_service(ctx, s);
}

static int add_dest(void *ctx, const struct halb_service *s, const struct halb_dest *d)
{
	return halb_add_dest(ctx, s, d);
}

static int edit_dest(void *ctx, const struct halb_service *s, const struct halb_dest *d)
{
	return halb_edit_dest(ctx, s, d);
}

static int del_dest(void *ctx, const struct halb_service *s, const struct halb_dest *d)
{
	return halb_del_dest(ctx, s, d);
}

static const char *last_error(void *ctx)
{
	return halb_last_error(ctx);
}

const struct lvs_ops lvs_nl_ops = {
	.list_services = list_services,
	.list_dests = list_dests,
	.add_service = add_service,
	.edit_service = edit_service,
	.del_service = del_service,
	.add_dest = add_dest,
	.edit_dest = edit_dest,
	.del_dest = del_dest,
	.last_error = last_error,
};
