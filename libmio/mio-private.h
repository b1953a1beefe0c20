/* SPDX-License-Identifier: MIT */
/* The core's internal structs and the interfaces between its files. */
#ifndef MIO_PRIVATE_H
#define MIO_PRIVATE_H

#include "config.h"

#include <errno.h>
#include <stdatomic.h>

#include <mio/mio.h>
#include <mio-backend.h>

#include "platform/platform.h"

/* Argument checks at the API boundary: return an errno, never crash (systemd assert_return). */
#define mio_return_val_if_fail(expr, val)                                                     \
	do {                                                                                 \
		if (__builtin_expect(!(expr), 0)) {                                          \
			mio__debug("%s: check '%s' failed", __func__, #expr);                \
			return (val);                                                        \
		}                                                                            \
	} while (0)

#define mio_likely(x) __builtin_expect(!!(x), 1)
#define mio_unlikely(x) __builtin_expect(!!(x), 0)

/* State shared by a poll and every clone of its registry. */
struct mio_family {
	atomic_uint refs;
	atomic_bool has_waker; /* one live waker per poll */
};

struct mio_registry {
	const struct mio_backend *backend;
	struct mio_selector *selector;
	struct mio_family *family;
	bool is_clone; /* false for the one embedded in struct mio_poll */
};

struct mio_poll {
	struct mio_registry registry;
};

struct mio_events {
	size_t len;
	size_t capacity;
	struct mio_event items[];
};

/* registry.c */
int mio__registry_init(struct mio_registry *r, const struct mio_backend *b,
		       struct mio_family *family);
void mio__registry_fini(struct mio_registry *r);
void mio__family_unref(struct mio_family *family);

/* loader.c: picks and loads backend modules. Modules are never unloaded. */
/* The process's backend: MIO_BACKEND's first usable entry, else the best probing one. */
int mio__backend_default(const struct mio_backend **ret);
/* A backend by name: loaded, checked and probed once per process. */
int mio__backend_by_name(const char *name, const struct mio_backend **ret);

/* io.c: the backends with a live poll that emulate edge triggering (rearm_fd/forget_fd).
 * The array only grows; readers are lock-free. */
#define MIO_HIDDEN __attribute__((visibility("hidden")))
extern MIO_HIDDEN atomic_size_t mio__n_emulating;
/* Makes b's rearm/forget hooks reachable from mio_fd_rearm()/mio_close(). */
void mio__io_activate(const struct mio_backend *b);
void mio__rearm_slow(mio_fd_t fd);

/* mio's do_io after EAGAIN. With no emulating backend in the process (epoll, kqueue) it
 * is one load and a not-taken branch. */
static inline void
mio__rearm(mio_fd_t fd)
{
	if (mio_unlikely(atomic_load_explicit(&mio__n_emulating, memory_order_acquire) != 0))
		mio__rearm_slow(fd);
}

/* debug.c: MIO_DEBUG=1 prints the loader's decisions to stderr. */
bool mio__debug_enabled(void);
void mio__debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
