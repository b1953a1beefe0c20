/* SPDX-License-Identifier: MIT */
/* Types and macros shared by every libmio header. */
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

MIO_BEGIN_DECLS

/* An OS handle: a file descriptor on POSIX, a SOCKET on Windows. Test handles with
 * mio_fd_is_valid(), never with `fd >= 0`: a SOCKET is unsigned, so that test is always
 * true there. MIO_FD_INVALID is the value of "no handle" (-1, INVALID_SOCKET). */
#if defined(_WIN32)
typedef uintptr_t mio_fd_t;
#define MIO_FD_INVALID (~(mio_fd_t)0)
#else
typedef int mio_fd_t;
#define MIO_FD_INVALID ((mio_fd_t)-1)
#endif

static inline bool
mio_fd_is_valid(mio_fd_t fd)
{
#if defined(_WIN32)
	return fd != MIO_FD_INVALID;
#else
	return fd >= 0;
#endif
}

/* mio's Token(usize): no value is reserved. */
typedef uintptr_t mio_token_t;

/* Pass to mio_poll_poll() to wait without a limit (any negative value does). */
#define MIO_TIMEOUT_INFINITE ((int64_t)-1)

MIO_END_DECLS

#endif
