/* SPDX-License-Identifier: MIT */
/**
 * @file mio/error.h
 * @brief The error convention: functions return >= 0 on success, a negative errno on
 * failure.
 */
#ifndef MIO_ERROR_H
#define MIO_ERROR_H

#include <errno.h>

#include <mio/common.h>

MIO_BEGIN_DECLS

/**
 * @defgroup mio_error Errors
 * @brief Every libmio function that can fail returns a negative errno value (-EAGAIN,
 * -EINVAL...); mio_strerror() names it.
 * @{
 */

/**
 * A human-readable text for an errno value, including the MIO_E* values below.
 *
 * @param err a negative errno as libmio returns it (a positive errno works too).
 * @return a static string, never NULL; "Unknown error" for values that are no errno
 *         (including INT_MIN).
 *
 * Thread-safe (never a shared buffer, unlike strerror()). mio: `Display for io::Error`.
 */
MIO_API const char *mio_strerror(int err);

/* Error values libmio may return that not every errno.h defines (mingw-w64's and MSVC's
 * lack these). Where errno.h has the code, the value is its negative, like every other
 * libmio error; where it does not, it is libuv's fixed value for it, so a program and
 * libmio agree on the number without either defining E* names. Compare against these
 * names in portable code. */
/** @def MIO_EHOSTDOWN
 * The host is down: -EHOSTDOWN, or libuv's value (-4031) where errno.h lacks it. */
#if defined(EHOSTDOWN)
#define MIO_EHOSTDOWN (-EHOSTDOWN)
#else
#define MIO_EHOSTDOWN (-4031)
#endif
/** @def MIO_ESOCKTNOSUPPORT
 * Socket type not supported: -ESOCKTNOSUPPORT, or libuv's value (-4025) where errno.h
 * lacks it. */
#if defined(ESOCKTNOSUPPORT)
#define MIO_ESOCKTNOSUPPORT (-ESOCKTNOSUPPORT)
#else
#define MIO_ESOCKTNOSUPPORT (-4025)
#endif

/** @} */

MIO_END_DECLS

#endif
