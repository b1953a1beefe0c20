/* SPDX-License-Identifier: MIT */
/* MIO_DEBUG=1: the loader (and, through the host services, each backend) says what it
 * tried and why it refused, on stderr. */
#include "mio-private.h"
#include "loader.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

bool
mio__debug_enabled(void)
{
	static atomic_int enabled = -1; /* -1: not read yet */
	int e = atomic_load_explicit(&enabled, memory_order_relaxed);
	if (e < 0) {
		char v[16];
		int r = mio__sys_getenv("MIO_DEBUG", v, sizeof(v));
		/* Set, not empty and not "0" (a value too long for v is none of those). */
		e = r == -ENAMETOOLONG || (r == 0 && v[0] && strcmp(v, "0") != 0);
		atomic_store_explicit(&enabled, e, memory_order_relaxed);
	}
	return e;
}

/* One line, written with a single call so lines from several threads do not mix. */
static void MIO__PRINTF(2, 0)
debug_line(const char *prefix, const char *fmt, va_list ap)
{
	char line[512];
	vsnprintf(line, sizeof(line), fmt, ap);
	fprintf(stderr, "mio: %s%s\n", prefix, line);
}

void
mio__debug(const char *fmt, ...)
{
	if (!mio__debug_enabled())
		return;
	va_list ap;
	va_start(ap, fmt);
	debug_line("", fmt, ap);
	va_end(ap);
}

static void MIO__PRINTF(2, 3)
host_debug(const char *backend_name, const char *fmt, ...)
{
	if (!mio__debug_enabled())
		return;
	char prefix[MIO_BACKEND_NAME_MAX + 3];
	snprintf(prefix, sizeof(prefix), "%.*s: ", MIO_BACKEND_NAME_MAX,
		 backend_name ? backend_name : "?");
	va_list ap;
	va_start(ap, fmt);
	debug_line(prefix, fmt, ap);
	va_end(ap);
}

const struct mio_backend_host mio__backend_host = {
	.version = MIO_BACKEND_HOST_VERSION,
	.size = sizeof(struct mio_backend_host),
	.debug_enabled = mio__debug_enabled,
	.debug = host_debug,
};
