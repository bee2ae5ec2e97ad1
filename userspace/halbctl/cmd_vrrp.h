// SPDX-License-Identifier: GPL-2.0
#ifndef HALBCTL_CMD_VRRP_H
#define HALBCTL_CMD_VRRP_H

/*
 * halbctl_cmd_vrrp() - "halbctl vrrp [-j] [--socket PATH]": VRRP state
 * from halbd's control socket, as a table or as halbd's JSON.
 * @argv: argv[0] is "vrrp".
 * Return: exit code (0 ok, 1 error).
 */
int halbctl_cmd_vrrp(int argc, char **argv);

#endif
