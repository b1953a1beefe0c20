/* SPDX-License-Identifier: MIT */
/* Error convention: functions return >= 0 on success and a negative errno on failure. */
#ifndef MIO_ERROR_H
#define MIO_ERROR_H

#include <errno.h>

#include <mio/common.h>

MIO_BEGIN_DECLS

/* A static, human-readable text for a negative (or positive) errno value, including the
 * MIO_E* values below. Never NULL; unknown values give "Unknown error". Thread-safe. */
MIO_API const char *mio_strerror(int err);

/* Error values libmio may return that not every errno.h defines (mingw-w64's and MSVC's
 * lack these). Where errno.h has the code, the value is its negative, like every other
 * libmio error; where it does not, it is libuv's fixed value for it, so a program and
 * libmio agree on the number without either defining E* names. Compare against these
 * names in portable code. */
#if defined(EHOSTDOWN)
#define MIO_EHOSTDOWN (-EHOSTDOWN)
#else
#define MIO_EHOSTDOWN (-4031)
#endif
#if defined(ESOCKTNOSUPPORT)
#define MIO_ESOCKTNOSUPPORT (-ESOCKTNOSUPPORT)
#else
#define MIO_ESOCKTNOSUPPORT (-4025)
#endif

MIO_END_DECLS

#endif
