/* SPDX-License-Identifier: MIT */
/* The backend plugin ABI, version 2 (docs/backend-abi.md). Private to the libmio tree while
 * libmio is 0.x.
 *
 * A backend is a module mio-<name>.so (.dll on Windows) exporting one symbol,
 * mio_backend_entry, which receives the host's services and returns a static descriptor.
 * The core calls select() once per mio_poll_poll(): the backend fills the caller's
 * struct mio_event array itself (layout in <mio/event.h>), so there is one indirect call
 * per poll and none per event. Backends never allocate inside select().
 */
#ifndef MIO_BACKEND_H
#define MIO_BACKEND_H

#include <mio/common.h>
#include <mio/event.h>
#include <mio/interest.h>

MIO_BEGIN_DECLS

/* printf-style format checking; mingw's C99 printf family is gnu_printf (plain "printf"
 * means msvcrt's there, which knows no %zu). */
#if defined(__MINGW32__)
#define MIO__PRINTF(fmt, args) __attribute__((format(gnu_printf, fmt, args)))
#else
#define MIO__PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#endif

#define MIO_BACKEND_ABI_MAJOR 2 /* bump: incompatible change; the core refuses other majors */
#define MIO_BACKEND_ABI_MINOR 0 /* bump: members appended at the end (checked with size) */
#define MIO_BACKEND_ENTRY_SYMBOL "mio_backend_entry"

/* GStreamer-like ranks: the loader picks the highest probe-passing one when MIO_BACKEND is
 * unset. NONE is never picked automatically. */
#define MIO_BACKEND_PRIORITY_NONE 0
#define MIO_BACKEND_PRIORITY_MARGINAL 64
#define MIO_BACKEND_PRIORITY_SECONDARY 128
#define MIO_BACKEND_PRIORITY_PRIMARY 256

/* Services the core hands to a module (SPA's support array, as a struct): members are only
 * appended, and a module checks MIO_BACKEND_HOST_HAS() before using a later one, so a new
 * service needs no ABI bump. */
#define MIO_BACKEND_HOST_VERSION 1
struct mio_backend_host {
	uint32_t version; /* MIO_BACKEND_HOST_VERSION of the core */
	uint32_t size;    /* sizeof(struct mio_backend_host) of the core */
	/* Version 1. Whether MIO_DEBUG is on: lets a module skip formatting. */
	bool (*debug_enabled)(void);
	/* Version 1. One line on stderr under MIO_DEBUG, as "mio: <name>: <text>"; a no-op
	 * otherwise. Thread-safe. */
	void (*debug)(const char *backend_name, const char *fmt, ...) MIO__PRINTF(2, 3);
};

#define MIO_BACKEND_HOST_HAS(h, member)                                                      \
	(offsetof(struct mio_backend_host, member) + sizeof((h)->member) <= (h)->size &&     \
	 (h)->member != NULL)

/* Descriptor flags. */
/* Edge triggering is emulated in user space (poll, AFD): the core keeps its registration
 * map for this backend and calls rearm() after I/O on a registered handle would block. */
#define MIO_BACKEND_EMULATES_EDGES (1u << 0)

struct mio_selector;      /* backend-defined: one per poll and per registry clone */
struct mio_backend_waker; /* backend-defined */
/* Backend-defined, emulating backends only: the backend's record of one handle registered
 * with one selector family (a poll and its registry clones). The core's registration map
 * keeps the pointer and hands it back; see "Registrations" below. */
struct mio_backend_reg;

struct mio_backend {
	uint32_t abi_major;
	uint32_t abi_minor;
	uint32_t size;     /* sizeof(struct mio_backend) the module was built with */
	const char *name;  /* must equal the file name: mio-<name>.so */
	int32_t priority;
	uint32_t flags;    /* MIO_BACKEND_EMULATES_EDGES */

	/* Optional. Cheap, side-effect free: 0 when usable here, else the negative errno why
	 * not. Absent: always usable. */
	int (*probe)(void);

	int (*selector_new)(struct mio_selector **ret);
	/* Registry::try_clone: an independent handle to the same kernel object/state. */
	int (*selector_clone)(struct mio_selector *sel, struct mio_selector **ret);
	void (*selector_free)(struct mio_selector *sel);
	/* Optional. The selector's own fd, for nesting a poll in another loop. Absent:
	 * mio_poll_fd() says -ENOTSUP. */
	int (*selector_fd)(struct mio_selector *sel, mio_fd_t *ret);

	/* Fills at most capacity events; returns their count or a negative errno (-EINTR is
	 * returned). timeout_ns < 0: forever; otherwise rounded up to what the OS takes
	 * (backends/common/timeout.h). */
	int (*select)(struct mio_selector *sel, struct mio_event *events, size_t capacity,
		      int64_t timeout_ns);

	/* Registrations. Arguments are already checked by the core (valid interest, valid
	 * handle). Thread-safe: may run while another thread is inside select(), and must
	 * apply to it. Errors, the same on every backend: -EEXIST registered twice, -ENOENT
	 * not registered, -EBADF closed handle, -EPERM a handle that cannot be polled.
	 *
	 * reg is meaningful only for MIO_BACKEND_EMULATES_EDGES backends; the others get NULL
	 * (and never store through it). For them the core serialises the calls of one
	 * selector family and keeps, per (handle, family), the reg the backend returned:
	 *  - register_fd: *reg is the family's existing record for fd, or NULL. With NULL the
	 *    backend creates a record and stores it in *reg before select() can report the
	 *    registration. With an existing record it answers -EEXIST, or, if that record is
	 *    stale (the handle was closed without deregistering and its number reused),
	 *    re-initialises it for the new file and returns 0, leaving *reg unchanged.
	 *  - reregister_fd gets the record or NULL (then it says -ENOENT or -EBADF).
	 *  - deregister_fd gets the record or NULL; a non-NULL record is the backend's to free
	 *    whatever the call returns: the core has already dropped it from its map. */
	int (*register_fd)(struct mio_selector *sel, mio_fd_t fd, mio_token_t token,
			   mio_interest_t interest, struct mio_backend_reg **reg);
	int (*reregister_fd)(struct mio_selector *sel, mio_fd_t fd, mio_token_t token,
			     mio_interest_t interest, struct mio_backend_reg *reg);
	int (*deregister_fd)(struct mio_selector *sel, mio_fd_t fd, struct mio_backend_reg *reg);

	/* A wake produces a readable event with the token; wake is thread-safe. The core
	 * enforces one live waker per selector family. */
	int (*waker_new)(struct mio_selector *sel, mio_token_t token, struct mio_backend_waker **ret);
	int (*waker_wake)(struct mio_backend_waker *waker);
	void (*waker_free)(struct mio_backend_waker *waker);

	/* Emulating backends only (required with MIO_BACKEND_EMULATES_EDGES). mio's do_io:
	 * I/O on fd would block (or, for stream reads, came back short), so restore the part
	 * of the registration's interest that direction covers: MIO_INTEREST_READABLE after a
	 * read or accept (with PRIORITY), MIO_INTEREST_WRITABLE after a write, any set bits
	 * (all of them: 0xff) when the core does not know. A hang-up or an error that stopped
	 * the watching of fd is re-armed by any direction. The core calls it from any thread,
	 * for every family that holds fd, with a reg it guarantees stays valid during the
	 * call; it must not block and must not allocate: it is the I/O helpers' hot path. sel
	 * belongs to reg's family (not necessarily the selector fd was registered through). */
	void (*rearm)(struct mio_selector *sel, mio_fd_t fd, struct mio_backend_reg *reg,
		      mio_interest_t direction);
	/* Optional, emulating backends only. fd is about to be closed by mio_close(): drop
	 * the registration and free reg, without syscalls on fd where possible. Absent: the
	 * core calls deregister_fd instead. */
	void (*forget)(struct mio_selector *sel, mio_fd_t fd, struct mio_backend_reg *reg);

	/* ABI_MINOR >= 1 members go here; the core checks MIO_BACKEND_HAS(b, member). */
};

/* True when the module's descriptor is large enough to hold member and sets it. */
#define MIO_BACKEND_HAS(b, member)                                                           \
	(offsetof(struct mio_backend, member) + sizeof((b)->member) <= (b)->size &&          \
	 (b)->member != NULL)

typedef const struct mio_backend *(*mio_backend_entry_fn)(const struct mio_backend_host *host);

/* Defined once per module by plugins/module-entry.c, which keeps host for the module's
 * code (mio_backend_host_get()). The host outlives the module. */
#if defined(_WIN32)
__declspec(dllexport)
#else
__attribute__((visibility("default")))
#endif
const struct mio_backend *mio_backend_entry(const struct mio_backend_host *host);

MIO_END_DECLS

#endif
