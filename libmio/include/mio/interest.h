/* SPDX-License-Identifier: MIT */
/**
 * @file mio/interest.h
 * @brief Interest: which readiness a registration asks for (mio's `Interest`, same bits).
 */
#ifndef MIO_INTEREST_H
#define MIO_INTEREST_H

#include <errno.h>

#include <mio/common.h>

MIO_BEGIN_DECLS

/**
 * @defgroup mio_interest Interest
 * @brief The readiness a registration asks for: a non-empty set of MIO_INTEREST_* bits.
 *
 * Combine bits with `|` (mio's `Interest::add` / `BitOr`). Everything here is inline or
 * pure and thread-safe.
 * @{
 */

/** A set of MIO_INTEREST_* bits; valid when non-empty (mio_interest_is_valid()). mio:
 * `Interest`. */
typedef uint8_t mio_interest_t;

/** Readable. mio: `Interest::READABLE`. */
#define MIO_INTEREST_READABLE ((mio_interest_t)0x01)
/** Writable. mio: `Interest::WRITABLE`. */
#define MIO_INTEREST_WRITABLE ((mio_interest_t)0x02)
/** POSIX AIO completions (kqueue; on epoll and poll nothing but errors and hang-ups is
 * reported for it). mio: `Interest::AIO`. */
#define MIO_INTEREST_AIO ((mio_interest_t)0x04)
/** lio_listio completions (kqueue; as ::MIO_INTEREST_AIO elsewhere). mio: `Interest::LIO`. */
#define MIO_INTEREST_LIO ((mio_interest_t)0x08)
/** Priority data (EPOLLPRI, POLLPRI). mio: `Interest::PRIORITY`. */
#define MIO_INTEREST_PRIORITY ((mio_interest_t)0x10)
/** Every known bit. */
#define MIO_INTEREST_ALL ((mio_interest_t)0x1f)

/**
 * Whether @p i is non-empty and has no unknown bit (what mio's `NonZeroU8` guarantees).
 * Registering an invalid interest fails with -EINVAL.
 *
 * @return true when valid. mio: none (the type makes it so).
 */
static inline bool
mio_interest_is_valid(mio_interest_t i)
{
	return i != 0 && (i & ~MIO_INTEREST_ALL) == 0;
}

/**
 * @p i without the bits of @p other.
 *
 * @return the remaining set (a positive value) or -EINVAL when nothing would be left
 *         (mio returns `None`). mio: `Interest::remove`.
 */
static inline int
mio_interest_remove(mio_interest_t i, mio_interest_t other)
{
	mio_interest_t left = (mio_interest_t)(i & ~other);
	return left ? (int)left : -EINVAL;
}

/**
 * Writes mio's Debug form of @p i ("READABLE | WRITABLE", in mio's order) into @p buf,
 * snprintf-style: truncated to @p size - 1 bytes and always NUL-terminated when @p size is
 * not 0. Unknown bits are left out; an empty set gives "".
 *
 * @param i the interest.
 * @param buf where to write, or NULL when @p size is 0 (to measure).
 * @param size the size of @p buf.
 * @return the length of the full text (without the NUL), or -EINVAL when @p buf is NULL
 *         and @p size is not 0.
 *
 * Thread-safe. mio: `Debug for Interest`.
 */
MIO_API int mio_interest_format(mio_interest_t i, char *buf, size_t size);

/** @} */

MIO_END_DECLS

#endif
