/* SPDX-License-Identifier: MIT */
#include "mio-private.h"

#include <limits.h>
#include <string.h>

MIO_API const char *
mio_strerror(int err)
{
	if (err == INT_MIN)
		return "Unknown error";
	if (err < 0)
		err = -err;
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 32))
	/* Thread-safe and never a "Unknown error NNN" buffer. */
	const char *s = strerrordesc_np(err);
	return s ? s : "Unknown error";
#else
	return strerror(err);
#endif
}
