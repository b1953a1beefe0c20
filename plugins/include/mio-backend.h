/* SPDX-License-Identifier: MIT */
/* The backend plugin ABI (docs/backend-abi.md). Private to the libmio tree while 0.x.
 *
 * A backend is a module mio-<name>.so exporting one symbol, mio_backend_entry, that returns
 * a static descriptor. The core calls select() once per mio_poll_poll(): the backend fills
 * the caller's struct mio_event array itself (layout in <mio/event.h>), so there is one
 * indirect call per poll and none per event. Backends never allocate inside select().
 */
#ifndef MIO_BACKEND_H
#define MIO_BACKEND_H

#include <mio/common.h>
#include <mio/event.h>
#include <mio/interest.h>

MIO_BEGIN_DECLS

#define MIO_BACKEND_ABI_MAJOR 1 /* bump: incompatible change; the core refuses other majors */
#define MIO_BACKEND_ABI_MINOR 0 /* bump: members appended at the end (checked with size) */
#define MIO_BACKEND_ENTRY_SYMBOL "mio_backend_entry"

/* GStreamer-like ranks: the loader picks the highest probe-passing one when MIO_BACKEND is
 * unset. NONE is never picked automatically. */
#define MIO_BACKEND_PRIORITY_NONE 0
#define MIO_BACKEND_PRIORITY_MARGINAL 64
#define MIO_BACKEND_PRIORITY_SECONDARY 128
#define MIO_BACKEND_PRIORITY_PRIMARY 256

struct mio_selector;       /* backend-defined */
struct mio_backend_waker;  /* backend-defined */

struct mio_backend {
	uint32_t abi_major;
	uint32_t abi_minor;
	uint32_t size;           /* sizeof(struct mio_backend) the module was built with */
	const char *name;        /* must equal the file name: mio-<name>.so */
	int32_t priority;

	/* Cheap, side-effect free: 0 when usable here, else the negative errno why not. */
	int (*probe)(void);

	int (*selector_new)(struct mio_selector **ret);
	/* Registry::try_clone: an independent handle to the same kernel object/state. */
	int (*selector_clone)(struct mio_selector *sel, struct mio_selector **ret);
	void (*selector_free)(struct mio_selector *sel);
	/* The selector's fd, or -ENOTSUP. */
	int (*selector_fd)(struct mio_selector *sel, mio_fd_t *ret);

	/* Fills at most capacity events; returns their count or a negative errno (-EINTR is
	 * returned). timeout_ns < 0: forever; otherwise rounded up to what the OS takes. */
	int (*select)(struct mio_selector *sel, struct mio_event *events, size_t capacity,
		      int64_t timeout_ns);

	/* Arguments are already checked by the core (valid interest, fd >= 0). Thread-safe:
	 * may run while another thread is inside select(), and must apply to it.
	 * Errors: -EEXIST registered twice, -ENOENT unknown fd, -EBADF closed fd. */
	int (*register_fd)(struct mio_selector *sel, mio_fd_t fd, mio_token_t token,
			   mio_interest_t interest);
	int (*reregister_fd)(struct mio_selector *sel, mio_fd_t fd, mio_token_t token,
			     mio_interest_t interest);
	int (*deregister_fd)(struct mio_selector *sel, mio_fd_t fd);

	/* A wake produces a readable event with the token; wake is thread-safe. The core
	 * enforces one live waker per selector family. */
	int (*waker_new)(struct mio_selector *sel, mio_token_t token, struct mio_backend_waker **ret);
	int (*waker_wake)(struct mio_backend_waker *waker);
	void (*waker_free)(struct mio_backend_waker *waker);

	/* Emulated edge triggering; NULL where the kernel does it (epoll, kqueue).
	 * Process-wide and keyed by fd, because libmio's sockets carry no state:
	 * rearm_fd() after I/O on fd returned EAGAIN restores the registration's interest;
	 * forget_fd() is called just before the core closes fd, so a reused fd number never
	 * inherits the registration. Both are no-ops for fds this backend does not know. */
	void (*rearm_fd)(mio_fd_t fd);
	void (*forget_fd)(mio_fd_t fd);

	/* ABI_MINOR >= 1 members go here; the core checks MIO_BACKEND_HAS(b, member). */
};

/* True when the module's descriptor is large enough to hold member and sets it. */
#define MIO_BACKEND_HAS(b, member)                                                           \
	(offsetof(struct mio_backend, member) + sizeof((b)->member) <= (b)->size &&          \
	 (b)->member != NULL)

typedef const struct mio_backend *(*mio_backend_entry_fn)(void);

/* Defined once per module by plugins/module-entry.c. */
#if defined(_WIN32)
__declspec(dllexport)
#else
__attribute__((visibility("default")))
#endif
const struct mio_backend *mio_backend_entry(void);

MIO_END_DECLS

#endif
