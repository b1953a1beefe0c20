/* SPDX-License-Identifier: MIT */
/* Raw poll(2), level-triggered. Reads as the driver's -r says: once (until a short read)
 * like bench.c, or until EAGAIN, so that libmio on its poll backend can be compared with
 * raw poll doing the same reads. */
#include "common.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>

static struct pollfd *fds;
static size_t num_fds;

static int
poll_setup(const char *variant, const int *read_fds, size_t n)
{
	fds = calloc(n, sizeof(*fds));
	if (!fds)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		fds[i] = (struct pollfd){ .fd = read_fds[i], .events = POLLIN };
	num_fds = n;
	return 0;
}

static int
poll_turn(void)
{
	int ready = poll(fds, (nfds_t)num_fds, 0);
	if (ready < 0)
		return -errno;
	for (size_t i = 0; ready > 0 && i < num_fds; i++) {
		if (fds[i].revents) {
			ready--;
			if (!(fds[i].revents & POLLIN))
				continue;
			bench_read(i);
		}
	}
	return 0;
}

const struct bench_impl bench_impl = { "poll", false, poll_setup, poll_turn };
