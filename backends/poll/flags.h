/* SPDX-License-Identifier: MIT */
/* Translation between libmio's interests and event flags and poll(2)'s bits. On Linux
 * they are the same numbers (checked below), so reporting an event is one store. */
#ifndef MIO_POLL_FLAGS_H
#define MIO_POLL_FLAGS_H

#include <poll.h>

#include <mio/event.h>
#include <mio/interest.h>

static inline short
poll_events(mio_interest_t interest)
{
	short ev = 0;
	if (interest & MIO_INTEREST_READABLE) {
		ev |= POLLIN;
#ifdef POLLRDHUP
		ev |= POLLRDHUP;
#endif
	}
	if (interest & MIO_INTEREST_WRITABLE)
		ev |= POLLOUT;
	if (interest & MIO_INTEREST_PRIORITY)
		ev |= POLLPRI;
	return ev;
}

#if POLLIN == 0x0001 && POLLPRI == 0x0002 && POLLOUT == 0x0004 && POLLERR == 0x0008 &&       \
	POLLHUP == 0x0010 && (!defined(POLLRDHUP) || POLLRDHUP == 0x2000)
_Static_assert(MIO_EVENT_IN == POLLIN && MIO_EVENT_PRI == POLLPRI && MIO_EVENT_OUT == POLLOUT &&
		       MIO_EVENT_ERR == POLLERR && MIO_EVENT_HUP == POLLHUP,
	       "event flag bits must be poll's");
#ifdef POLLRDHUP
_Static_assert(MIO_EVENT_RDHUP == POLLRDHUP, "event flag bits must be poll's");
#endif

static inline uint32_t
poll_event_flags(short revents)
{
	return (unsigned short)revents;
}
#else
static inline uint32_t
poll_event_flags(short revents)
{
	uint32_t f = 0;
	if (revents & POLLIN)
		f |= MIO_EVENT_IN;
	if (revents & POLLPRI)
		f |= MIO_EVENT_PRI;
	if (revents & POLLOUT)
		f |= MIO_EVENT_OUT;
	if (revents & POLLERR)
		f |= MIO_EVENT_ERR;
	if (revents & POLLHUP)
		f |= MIO_EVENT_HUP;
#ifdef POLLRDHUP
	if (revents & POLLRDHUP)
		f |= MIO_EVENT_RDHUP;
#endif
	return f;
}
#endif

#endif
