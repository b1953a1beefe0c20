/* SPDX-License-Identifier: MIT */
#include "mio-private.h"

#include <stdio.h>

MIO_API int
mio_interest_format(mio_interest_t interest, char *buf, size_t size)
{
	static const struct {
		mio_interest_t bit;
		const char *name;
	} names[] = {
		/* mio's order */
		{ MIO_INTEREST_READABLE, "READABLE" }, { MIO_INTEREST_WRITABLE, "WRITABLE" },
		{ MIO_INTEREST_AIO, "AIO" }, { MIO_INTEREST_LIO, "LIO" },
		{ MIO_INTEREST_PRIORITY, "PRIORITY" },
	};
	mio_return_val_if_fail(buf || size == 0, -EINVAL);

	size_t len = 0;
	if (size)
		buf[0] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(interest & names[i].bit))
			continue;
		int n = snprintf(len < size ? buf + len : NULL, len < size ? size - len : 0, "%s%s",
				 len ? " | " : "", names[i].name);
		len += (size_t)n;
	}
	return (int)len;
}
