/* SPDX-License-Identifier: MIT */
/* The readiness oracle on Windows: WSAPoll with a zero timeout. POLLHUP (AFD_POLL_DISCONNECT
 * or AFD_POLL_ABORT) makes a socket readable only: after the peer's FIN a socket whose send
 * buffer is full is not writable, and the AFD backend reports a DISCONNECT as readable only,
 * as mio does. POLLERR makes it both. */
#include "fuzz-oracle.h"

#include <mio/net.h>

unsigned
fuzz_oracle_ready(mio_fd_t fd)
{
	WSAPOLLFD p = { .fd = (SOCKET)fd, .events = POLLRDNORM | POLLWRNORM };
	unsigned ready = 0;
	if (WSAPoll(&p, 1, 0) > 0) {
		if (p.revents & (POLLRDNORM | POLLHUP | POLLERR))
			ready |= FUZZ_READY_READ;
		if (p.revents & (POLLWRNORM | POLLERR))
			ready |= FUZZ_READY_WRITE;
	}
	return ready;
}
