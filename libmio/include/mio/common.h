/* SPDX-License-Identifier: MIT */
/**
 * @file mio/common.h
 * @brief Types and macros shared by every libmio header: handles, tokens, timeouts.
 */
#ifndef MIO_COMMON_H
#define MIO_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#if defined(_WIN32)
#include <basetsd.h>
typedef SSIZE_T ssize_t;
#else
#include <sys/types.h>
#endif

/** @cond INTERNAL */
#ifdef __cplusplus
#define MIO_BEGIN_DECLS extern "C" {
#define MIO_END_DECLS }
#else
#define MIO_BEGIN_DECLS
#define MIO_END_DECLS
#endif

/* MIO_API marks every exported function (declaration side), libuv's UV_EXTERN pattern. */
#if defined(_WIN32)
#if defined(BUILDING_MIO)
#define MIO_API __declspec(dllexport)
#elif defined(MIO_STATIC)
#define MIO_API
#else
#define MIO_API __declspec(dllimport)
#endif
#elif defined(__GNUC__)
#define MIO_API __attribute__((visibility("default")))
#else
#define MIO_API
#endif

/** @endcond */

MIO_BEGIN_DECLS

/**
 * @defgroup mio_common Common types
 * @brief Handles, tokens and timeouts, used by every other part of the API.
 * @{
 */

#if defined(_WIN32)
typedef uintptr_t mio_fd_t;
#define MIO_FD_INVALID (~(mio_fd_t)0)
#else
/**
 * An OS handle: a file descriptor on POSIX, a SOCKET (`uintptr_t`) on Windows.
 *
 * Test handles with mio_fd_is_valid(), never with `fd >= 0`: a SOCKET is unsigned, so that
 * test is always true there. mio: `RawFd` / `RawSocket`.
 */
typedef int mio_fd_t;
/** The value of "no handle": -1 on POSIX, `INVALID_SOCKET` on Windows. */
#define MIO_FD_INVALID ((mio_fd_t)-1)
#endif

/**
 * Whether @p fd can be a handle (not ::MIO_FD_INVALID or, on POSIX, negative). It says
 * nothing about whether the handle is open.
 *
 * @param fd the handle.
 * @return true for a possible handle.
 *
 * Inline; thread-safe. mio: none.
 */
static inline bool
mio_fd_is_valid(mio_fd_t fd)
{
#if defined(_WIN32)
	return fd != MIO_FD_INVALID;
#else
	return fd >= 0;
#endif
}

/** The caller's name for a registration, returned with its events. Every value is
 * allowed (none is reserved). mio: `Token(usize)`. */
typedef uintptr_t mio_token_t;

/** Pass to mio_poll_poll() to wait without a limit (any negative value does). mio: a
 * `None` timeout. */
#define MIO_TIMEOUT_INFINITE ((int64_t)-1)

/** @} */

MIO_END_DECLS

#endif
