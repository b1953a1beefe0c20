/* SPDX-License-Identifier: MIT */
/* Whether this machine's loopback works: some package builders run the tests in a network
 * namespace whose lo is down, where every socket test would fail for a reason that is not
 * libmio's. Framework-neutral: net-util.c skips a test with it, with-loopback.c a program. */
#ifndef MT_LOOPBACK_H
#define MT_LOOPBACK_H

#include <stdbool.h>
#include <stddef.h>

/* True when a UDP datagram sent from family's loopback address (AF_INET: 127.0.0.1,
 * AF_INET6: ::1) to itself comes back; otherwise false, and why says what failed. */
bool mt_loopback_usable(int family, char *why, size_t size);

#endif
