/* SPDX-License-Identifier: MIT */
/**
 * @file mio/event.h
 * @brief Events: the buffer mio_poll_poll() fills, and the event record it holds.
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

/**
 * @defgroup mio_event_accessors Event
 * @brief One readiness event: its token and what became ready. Accessors are inline.
 *
 * Every accessor takes a non-NULL event from mio_events_get() or mio_events_foreach(),
 * reads only that record and is thread-safe; each is mio's `Event` method of the same
 * name, with mio 0.8.11's epoll mapping on every backend (backends translate into it).
 * @{
 */

/** The version of struct mio_event's layout; a change means a new soname major. */
#define MIO_EVENT_LAYOUT 1

/** @cond INTERNAL */
#if defined(__x86_64__) && defined(__GNUC__)
#define MIO_EVENT_PACKED __attribute__((packed))
#else
#define MIO_EVENT_PACKED
#endif
/** @endcond */

/**
 * @brief One readiness event: a registration's token and what became ready.
 *
 * Layout 1. Read it with the accessors below; docs/event-layout.md explains the fields.
 * mio: `Event`.
 */
struct mio_event {
	uint32_t flags;   /**< MIO_EVENT_* bits */
	uint64_t token;   /**< the registration's mio_token_t */
} MIO_EVENT_PACKED;

/** Readable (EPOLLIN, POLLIN). The raw bits have the values of Linux's EPOLL and POLL
 * constants. */
#define MIO_EVENT_IN 0x0001u
/** Priority data (EPOLLPRI, POLLPRI). */
#define MIO_EVENT_PRI 0x0002u
/** Writable (EPOLLOUT, POLLOUT). */
#define MIO_EVENT_OUT 0x0004u
/** Error (EPOLLERR, POLLERR). */
#define MIO_EVENT_ERR 0x0008u
/** Hang-up (EPOLLHUP, POLLHUP). */
#define MIO_EVENT_HUP 0x0010u
/** Peer closed its write side (EPOLLRDHUP, POLLRDHUP). */
#define MIO_EVENT_RDHUP 0x2000u
/** kqueue EVFILT_AIO; never on Linux. */
#define MIO_EVENT_AIO 0x00010000u
/** kqueue EVFILT_LIO; never on Linux. */
#define MIO_EVENT_LIO 0x00020000u
/** kqueue EVFILT_WRITE with EV_EOF; never on Linux. The write side's RDHUP: Linux's bits
 * cannot say "write closed" without also saying "read closed" (HUP) or "error" (OUT|ERR),
 * which kqueue reports apart. */
#define MIO_EVENT_WRHUP 0x00040000u

/** The token of the registration (or waker) the event is for. mio: `Event::token`. */
static inline mio_token_t
mio_event_token(const struct mio_event *e)
{
	return (mio_token_t)e->token;
}

/** Readable, or priority data: a read would not block. mio: `Event::is_readable`. */
static inline bool
mio_event_is_readable(const struct mio_event *e)
{
	return (e->flags & (MIO_EVENT_IN | MIO_EVENT_PRI)) != 0;
}

/** Writable: a write would not block. mio: `Event::is_writable`. */
static inline bool
mio_event_is_writable(const struct mio_event *e)
{
	return (e->flags & MIO_EVENT_OUT) != 0;
}

/** An error is pending (read it with mio_socket_take_error()). mio: `Event::is_error`. */
static inline bool
mio_event_is_error(const struct mio_event *e)
{
	return (e->flags & MIO_EVENT_ERR) != 0;
}

/** The read side is closed: hang-up, or the peer shut down its writing.
 * mio: `Event::is_read_closed`. */
static inline bool
mio_event_is_read_closed(const struct mio_event *e)
{
	uint32_t f = e->flags;
	return (f & MIO_EVENT_HUP) != 0 ||
	       (f & (MIO_EVENT_IN | MIO_EVENT_RDHUP)) == (MIO_EVENT_IN | MIO_EVENT_RDHUP);
}

/** The write side is closed: hang-up, kqueue's write-side end of file (WRHUP), an error on
 * a writable socket, or (a lone error) the read end of a pipe closed.
 * mio: `Event::is_write_closed`. */
static inline bool
mio_event_is_write_closed(const struct mio_event *e)
{
	uint32_t f = e->flags;
	return (f & (MIO_EVENT_HUP | MIO_EVENT_WRHUP)) != 0 ||
	       (f & (MIO_EVENT_OUT | MIO_EVENT_ERR)) == (MIO_EVENT_OUT | MIO_EVENT_ERR) ||
	       f == MIO_EVENT_ERR; /* the read end of a pipe closed */
}

/** Priority (out-of-band) data is readable. mio: `Event::is_priority`. */
static inline bool
mio_event_is_priority(const struct mio_event *e)
{
	return (e->flags & MIO_EVENT_PRI) != 0;
}

/** A POSIX AIO completion (kqueue only). mio: `Event::is_aio`. */
static inline bool
mio_event_is_aio(const struct mio_event *e)
{
	return (e->flags & MIO_EVENT_AIO) != 0;
}

/** A lio_listio completion (kqueue only). mio: `Event::is_lio`. */
static inline bool
mio_event_is_lio(const struct mio_event *e)
{
	return (e->flags & MIO_EVENT_LIO) != 0;
}

/** @} */

/**
 * @defgroup mio_events Event buffer
 * @brief The buffer mio_poll_poll() fills: allocated once, reused for every poll.
 *
 * A buffer belongs to one thread at a time: mio_poll_poll() writes it, the other
 * functions read it, none of them locks. Use one buffer per polling thread. mio: `Events`.
 * @{
 */

/** The event buffer: opaque, allocated once, filled in place by mio_poll_poll(). */
struct mio_events;

/**
 * Allocates a buffer for up to @p capacity events per poll.
 *
 * @param capacity how many events one mio_poll_poll() can return; more ready
 *                 registrations are reported by the next poll.
 * @param[out] ret the buffer (empty); free it with mio_events_free().
 * @retval 0 success.
 * @retval -EINVAL @p ret is NULL or @p capacity is 0.
 * @retval -ENOMEM out of memory, or @p capacity too large to allocate.
 *
 * Thread-safe. mio: `Events::with_capacity`.
 */
MIO_API int mio_events_new(size_t capacity, struct mio_events **ret);
/** Frees the buffer. NULL is a no-op. Not while a poll fills it. mio: `drop(Events)`. */
MIO_API void mio_events_free(struct mio_events *events);
/** The number of events the last mio_poll_poll() stored; 0 for NULL. mio: `iter().count()`. */
MIO_API size_t mio_events_len(const struct mio_events *events);
/** The capacity given to mio_events_new(); 0 for NULL. mio: `Events::capacity`. */
MIO_API size_t mio_events_capacity(const struct mio_events *events);
/** True when the last poll stored no event (or @p events is NULL). mio: `Events::is_empty`. */
MIO_API bool mio_events_is_empty(const struct mio_events *events);
/** Empties the buffer (mio_poll_poll() also does). NULL is a no-op. mio: `Events::clear`. */
MIO_API void mio_events_clear(struct mio_events *events);
/**
 * The @p i-th event of the last poll.
 *
 * Events are contiguous: for i < len, `mio_events_get(ev, 0) + i == mio_events_get(ev, i)`,
 * which mio_events_foreach() uses.
 *
 * @param events the buffer.
 * @param i index, below mio_events_len().
 * @return the event, valid until the next poll or clear; NULL if @p events is NULL or
 *         @p i >= len.
 *
 * mio: `events.iter().nth(i)`.
 */
MIO_API const struct mio_event *mio_events_get(const struct mio_events *events, size_t i);

/**
 * Iterates over the events of the last poll: `mio_events_foreach(e, events) { ... }` with
 * `e` a `const struct mio_event *`. Two calls per poll, none per event. mio:
 * `for event in events.iter()`.
 */
#define mio_events_foreach(e, events)                                                        \
	for (const struct mio_event *e = mio_events_get((events), 0),                        \
				    *e##_end_ = e ? e + mio_events_len(events) : NULL;       \
	     e != e##_end_; e++)

/** @} */

MIO_END_DECLS

#endif
