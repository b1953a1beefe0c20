/* SPDX-License-Identifier: MIT */
/* MIO_DEBUG=1: the loader says what it tried and why it refused, on stderr. */
#include "mio-private.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

bool
mio__debug_enabled(void)
{
	static int enabled = -1;
	int e = __atomic_load_n(&enabled, __ATOMIC_RELAXED);
	if (e < 0) {
		const char *v = mio__sys_secure_getenv("MIO_DEBUG");
		e = v && *v && strcmp(v, "0") != 0;
		__atomic_store_n(&enabled, e, __ATOMIC_RELAXED);
	}
	return e;
}

void
mio__debug(const char *fmt, ...)
{
	if (!mio__debug_enabled())
		return;
	char line[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(stderr, "mio: %s\n", line);
}
