/* SPDX-License-Identifier: MIT */
/* The readiness oracle on POSIX: poll(2) with a zero timeout, one direction at a time. */
#include "fuzz-oracle.h"

#include <poll.h>

#ifndef POLLRDHUP
#define POLLRDHUP 0
#endif

unsigned
fuzz_oracle_ready(mio_fd_t fd)
{
	struct pollfd p[2] = {
		{ .fd = fd, .events = POLLIN | POLLRDHUP },
		{ .fd = fd, .events = POLLOUT },
	};
	unsigned ready = 0;
	if (poll(p, 2, 0) > 0) {
		if (p[0].revents & ~POLLNVAL)
			ready |= FUZZ_READY_READ;
		if (p[1].revents & ~POLLNVAL)
			ready |= FUZZ_READY_WRITE;
	}
	return ready;
}
