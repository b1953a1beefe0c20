/* SPDX-License-Identifier: MIT */
/* For a module's own code: the host services its entry point received. */
#ifndef MIO_BACKEND_MODULE_H
#define MIO_BACKEND_MODULE_H

#include <mio-backend.h>

/* Set by mio_backend_entry() (plugins/module-entry.c) before the core calls anything
 * else; hidden, one per module. NULL when the implementation is linked without it. */
extern const struct mio_backend_host *mio__backend_host_ptr;

/* MIO_DEBUG logging from a module: mio_backend_debug("poll", "fd %d: %s", fd, why). */
#define mio_backend_debug(name, ...)                                                         \
	do {                                                                                 \
		const struct mio_backend_host *mio_h_ = mio__backend_host_ptr;               \
		if (mio_h_ && MIO_BACKEND_HOST_HAS(mio_h_, debug))                           \
			mio_h_->debug((name), __VA_ARGS__);                                  \
	} while (0)

#endif
