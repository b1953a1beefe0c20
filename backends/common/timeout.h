/* SPDX-License-Identifier: MIT */
/* Timeouts as the backends hand them to the OS: in milliseconds mio rounds up, so a 1 ns
 * wait never becomes a busy 0 ms one; as a timespec every nanosecond is kept. Both
 * saturate instead of overflowing. */
#ifndef MIO_BACKEND_TIMEOUT_H
#define MIO_BACKEND_TIMEOUT_H

#include <limits.h>
#include <stdint.h>
#include <time.h>

/* The largest time_t (32 bits on some systems). */
#define MIO_BACKEND_TIME_T_MAX ((int64_t)(((uint64_t)1 << (sizeof(time_t) * 8 - 1)) - 1))

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

/* A timeout >= 0 for kevent(2) and epoll_pwait2(2): seconds capped at time_t's maximum. */
static inline struct timespec
mio_backend_timespec(int64_t ns)
{
	int64_t sec = ns / 1000000000;
	if (sec > MIO_BACKEND_TIME_T_MAX)
		sec = MIO_BACKEND_TIME_T_MAX;
	struct timespec ts = { (time_t)sec, (long)(ns % 1000000000) };
	return ts;
}

#endif
