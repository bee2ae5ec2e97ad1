/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _HALB_ALGO_LPORT_H
#define _HALB_ALGO_LPORT_H

#include "types.h"

/*
 * FULLNAT local ports: one bitmap of all 65536 ports per local address, a
 * set bit a port held by a connection.  A new connection starts at a point
 * of the configured range picked from a hash of its flow and takes the
 * first clear bit it can set, examining at most @budget ports (whole words
 * at a time), so a connection never scans the whole port space and two
 * CPUs never take the same port: the bit is claimed with an atomic
 * test-and-set, and a CPU that loses the race simply looks further.
 *
 * The bitmap covers every port whatever the range, so changing the range
 * while ports are held never frees or double-allocates one.
 */
#define HALB_LPORT_BITS		65536
#define HALB_LPORT_WORDS	(HALB_LPORT_BITS / BITS_PER_LONG)

/**
 * halb_lport_alloc - claim a free port
 * @map: HALB_LPORT_BITS bits
 * @min: lowest port of the range
 * @max: highest port of the range, >= @min, < 65536
 * @hint: where to start in the range (any value; taken modulo its size)
 * @budget: most ports to examine
 *
 * Return: the port, or -1 if none was free in the window examined.
 */
int halb_lport_alloc(unsigned long *map, u32 min, u32 max, u32 hint, u32 budget);

/* Give back a port that halb_lport_alloc() returned. */
void halb_lport_free(unsigned long *map, u16 port);

#endif /* _HALB_ALGO_LPORT_H */
