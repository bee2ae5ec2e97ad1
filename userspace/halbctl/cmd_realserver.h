// SPDX-License-Identifier: GPL-2.0
#ifndef HALBCTL_CMD_REALSERVER_H
#define HALBCTL_CMD_REALSERVER_H

/*
 * halbctl_cmd_realserver() - "halbctl realserver up|down|status VIP...":
 * make this node a DR real server for the VIPs (VIP on lo, arp_ignore=1,
 * arp_announce=2), undo it, or show it.  The code is halbd's
 * (common/realserver.c), which does the same on standby directors.
 * @argv: argv[0] is "realserver".
 * Return: exit code (0 ok, 1 error, 2 usage).
 */
int halbctl_cmd_realserver(int argc, char **argv);

#endif
