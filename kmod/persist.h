/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _HALB_PERSIST_H
#define _HALB_PERSIST_H

struct halb_net;
struct halb_service;
struct halb_dest;
struct halb_conn;
struct halb_pkt;
struct halb_flow;

struct halb_dest *halb_persist_schedule(struct halb_net *hn, struct halb_service *svc,
					const struct halb_pkt *p,
					const struct halb_flow *flow,
					struct halb_conn **tmpl);

#endif /* _HALB_PERSIST_H */
