/* SPDX-License-Identifier: MIT */
/* Events: the buffer mio_poll_poll() fills, and the event record it holds.
 *
 * The event record is the one public struct (docs/event-layout.md). Its accessors are
 * static inline because every dispatched event calls them: reading a field costs one load,
 * a function call would cost more than the whole of raw epoll's dispatch. The layout is
 * versioned by MIO_EVENT_LAYOUT; changing it means a new soname major.
 *
 * Layout 1: a 32-bit flag word then a 64-bit token. On x86-64 the record is packed, so it
 * is byte-for-byte the kernel's struct epoll_event and the epoll backend lets the kernel
 * write straight into the caller's buffer. The flag bits have the values of Linux's
 * EPOLL and POLL constants; other backends translate into them.
 */
#ifndef MIO_EVENT_H
#define MIO_EVENT_H

#include <mio/common.h>

MIO_BEGIN_DECLS

#define MIO_EVENT_LAYOUT 1

#if defined(__x86_64__) && defined(__GNUC__)
#define MIO_EVENT_PACKED __attribute__((packed))
#else
#define MIO_EVENT_PACKED
#endif

struct mio_event {
	uint32_t flags;   /* MIO_EVENT_* bits below */
	uint64_t token;   /* the registration's mio_token_t */
} MIO_EVENT_PACKED;

/* Raw flag bits (layout 1). Equal to EPOLLIN/POLLIN ... on Linux. */
#define MIO_EVENT_IN 0x0001u
#define MIO_EVENT_PRI 0x0002u
#define MIO_EVENT_OUT 0x0004u
#define MIO_EVENT_ERR 0x0008u
#define MIO_EVENT_HUP 0x0010u
#define MIO_EVENT_RDHUP 0x2000u
#define MIO_EVENT_AIO 0x00010000u /* kqueue EVFILT_AIO; never on Linux */
#define MIO_EVENT_LIO 0x00020000u /* kqueue EVFILT_LIO; never on Linux */

/* Accessors: mio 0.8.11's epoll mapping (mio-reference.md 1.3). */
static inline mio_token_t
mio_event_token(const struct mio_event *e)
{
	return (mio_token_t)e->token;
}

static inline bool
mio_event_is_readable(const struct mio_event *e)
{
	return (e->flags & (MIO_EVENT_IN | MIO_EVENT_PRI)) != 0;
}

static inline bool
mio_event_is_writable(const struct mio_event *e)
{
	return (e->flags & MIO_EVENT_OUT) != 0;
}

static inline bool
mio_event_is_error(const struct mio_event *e)
{
	return (e->flags & MIO_EVENT_ERR) != 0;
}

static inline bool
mio_event_is_read_closed(const struct mio_event *e)
{
	uint32_t f = e->flags;
	return (f & MIO_EVENT_HUP) != 0 ||
	       (f & (MIO_EVENT_IN | MIO_EVENT_RDHUP)) == (MIO_EVENT_IN | MIO_EVENT_RDHUP);
}

static inline bool
mio_event_is_write_closed(const struct mio_event *e)
{
	uint32_t f = e->flags;
	return (f & MIO_EVENT_HUP) != 0 ||
	       (f & (MIO_EVENT_OUT | MIO_EVENT_ERR)) == (MIO_EVENT_OUT | MIO_EVENT_ERR) ||
	       f == MIO_EVENT_ERR; /* the read end of a pipe closed */
}

static inline bool
mio_event_is_priority(const struct mio_event *e)
{
	return (e->flags & MIO_EVENT_PRI) != 0;
}

static inline bool
mio_event_is_aio(const struct mio_event *e)
{
	return (e->flags & MIO_EVENT_AIO) != 0;
}

static inline bool
mio_event_is_lio(const struct mio_event *e)
{
	return (e->flags & MIO_EVENT_LIO) != 0;
}

/* The event buffer: opaque, allocated once, filled in place by mio_poll_poll(). */
struct mio_events;

/* capacity must be > 0 (-EINVAL); -ENOMEM on allocation failure. */
MIO_API int mio_events_new(size_t capacity, struct mio_events **ret);
/* NULL is a no-op. */
MIO_API void mio_events_free(struct mio_events *events);
MIO_API size_t mio_events_len(const struct mio_events *events);
MIO_API size_t mio_events_capacity(const struct mio_events *events);
MIO_API bool mio_events_is_empty(const struct mio_events *events);
MIO_API void mio_events_clear(struct mio_events *events);
/* The i-th event, or NULL when i >= len. Events are contiguous: for i < len,
 * mio_events_get(ev, 0) + i == mio_events_get(ev, i), which mio_events_foreach uses. */
MIO_API const struct mio_event *mio_events_get(const struct mio_events *events, size_t i);

/* Iterates over the events of the last poll with two calls per poll, none per event. */
#define mio_events_foreach(e, events)                                                        \
	for (const struct mio_event *e = mio_events_get((events), 0),                        \
				    *e##_end_ = e ? e + mio_events_len(events) : NULL;       \
	     e != e##_end_; e++)

MIO_END_DECLS

#endif
