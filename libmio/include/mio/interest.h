/* SPDX-License-Identifier: MIT */
/* Interest: which readiness a registration asks for (mio's Interest; same bit values). */
#ifndef MIO_INTEREST_H
#define MIO_INTEREST_H

#include <errno.h>

#include <mio/common.h>

MIO_BEGIN_DECLS

typedef uint8_t mio_interest_t;

#define MIO_INTEREST_READABLE ((mio_interest_t)0x01)
#define MIO_INTEREST_WRITABLE ((mio_interest_t)0x02)
#define MIO_INTEREST_AIO ((mio_interest_t)0x04)      /* kqueue: custom sources only */
#define MIO_INTEREST_LIO ((mio_interest_t)0x08)      /* kqueue: custom sources only */
#define MIO_INTEREST_PRIORITY ((mio_interest_t)0x10) /* EPOLLPRI / POLLPRI */
#define MIO_INTEREST_ALL ((mio_interest_t)0x1f)

/* An interest is valid when it is non-empty and has no unknown bit (mio's NonZeroU8). */
static inline bool
mio_interest_is_valid(mio_interest_t i)
{
	return i != 0 && (i & ~MIO_INTEREST_ALL) == 0;
}

/* mio's Interest::remove: -EINVAL (nothing would be left), else the remaining set. */
static inline int
mio_interest_remove(mio_interest_t i, mio_interest_t other)
{
	mio_interest_t left = (mio_interest_t)(i & ~other);
	return left ? (int)left : -EINVAL;
}

/* Writes mio's Debug form ("READABLE | WRITABLE") into buf, snprintf-style: returns the
 * length the full text needs (excluding the NUL), or -EINVAL for a bad argument. */
MIO_API int mio_interest_format(mio_interest_t i, char *buf, size_t size);

MIO_END_DECLS

#endif
