/* SPDX-License-Identifier: MIT */
/* Timeouts as the backends hand them to the OS: mio rounds up, so a 1 ns wait never
 * becomes a busy 0 ms one, and saturates instead of overflowing. */
#ifndef MIO_BACKEND_TIMEOUT_H
#define MIO_BACKEND_TIMEOUT_H

#include <limits.h>
#include <stdint.h>

/* Milliseconds for poll(2), epoll_wait(2), GetQueuedCompletionStatusEx: negative is
 * forever (-1), 0 stays 0, anything else rounds up; at most INT_MAX. */
static inline int
mio_backend_timeout_ms(int64_t ns)
{
	if (ns < 0)
		return -1;
	int64_t ms = ns / 1000000 + (ns % 1000000 != 0);
	return ms > INT_MAX ? INT_MAX : (int)ms;
}

#endif
