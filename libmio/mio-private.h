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

/* State shared by a poll, every clone of its registry and its waker: a "selector family".
 * For a backend that emulates edge triggering it also owns what the registration map
 * (regmap.h) needs: a selector of its own for rearm() and forget(), freed last, and the
 * lock that serialises the family's registrations. */
struct mio_family {
	atomic_uint refs; /* the poll, its registry clones, its waker, mio_close() in progress */
	atomic_bool has_waker; /* one live waker per poll */
	const struct mio_backend *backend;
	/* Emulating backends only; selector is NULL otherwise. */
	struct mio_selector *selector;
	mio__sys_mutex lock;
	struct mio__reg *regs; /* this family's records in the registration map */
	struct mio_family *fork_next; /* every such family, for fork() */
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

static inline bool
mio__backend_emulates(const struct mio_backend *b)
{
	return (b->flags & MIO_BACKEND_EMULATES_EDGES) != 0;
}

/* family.c */
/* A family for backend b whose first member is the selector sel (the poll's). */
int mio__family_new(const struct mio_backend *b, struct mio_selector *sel,
		    struct mio_family **ret);
void mio__family_ref(struct mio_family *family);
/* Takes a reference unless the family is already being destroyed. */
bool mio__family_try_ref(struct mio_family *family);
void mio__family_unref(struct mio_family *family);

/* fork(): the families' locks (family.c) and the registration map's (regmap.c), held
 * across it by fork.c's handlers. */
void mio__family_fork_prepare(void);
void mio__family_fork_parent(void);
void mio__family_fork_child(void);
void mio__regmap_fork_prepare(void);
void mio__regmap_fork_parent(void);
void mio__regmap_fork_child(void);
/* fork.c: installs the handlers, once; called when the first emulating family is made. */
void mio__fork_handlers_install(void);

/* registry.c */
/* Frees the registry's selector and drops its family reference. */
void mio__registry_fini(struct mio_registry *r);
/* mio_close(): every emulating family holding fd drops it (forget, else deregister). */
void mio__registry_forget_fd(mio_fd_t fd);

/* loader.c: picks and loads backend modules. Modules are never unloaded. */
/* The process's backend: MIO_BACKEND's first usable entry, else the best probing one. */
int mio__backend_default(const struct mio_backend **ret);
/* A backend by name: loaded, checked and probed once per process. */
int mio__backend_by_name(const char *name, const struct mio_backend **ret);

/* Live families on emulating backends. While there are none (epoll, kqueue), re-arming is
 * one load and a not-taken branch. */
#if defined(_WIN32)
#define MIO_HIDDEN /* a DLL exports only what is marked dllexport */
#else
#define MIO_HIDDEN __attribute__((visibility("hidden")))
#endif
extern MIO_HIDDEN atomic_uint mio__n_emulating;
/* regmap.c */
void mio__regmap_rearm(mio_fd_t fd, mio_interest_t interest);

/* An I/O result that means "would block". POSIX allows EWOULDBLOCK != EAGAIN. */
static inline bool
mio__is_would_block(long err)
{
#if EWOULDBLOCK != EAGAIN
	if (err == -EWOULDBLOCK)
		return true;
#endif
	return err == -EAGAIN;
}

/* Whether a family on an emulating backend is alive in the process. */
static inline bool
mio__edges_emulated(void)
{
	return mio_unlikely(atomic_load_explicit(&mio__n_emulating, memory_order_acquire) != 0);
}

/* What to re-arm when the direction is unknown (mio_fd_rearm, mio_try_io): everything. */
#define MIO__REARM_ALL ((mio_interest_t)0xff)

/* mio's do_io after EAGAIN (and after a short stream read), for the direction the I/O went:
 * MIO_INTEREST_READABLE after a read or accept, MIO_INTEREST_WRITABLE after a write. */
static inline void
mio__rearm(mio_fd_t fd, mio_interest_t interest)
{
	if (mio__edges_emulated())
		mio__regmap_rearm(fd, interest);
}

/* debug.c: MIO_DEBUG=1 prints the loader's decisions to stderr. */
bool mio__debug_enabled(void);
void mio__debug(const char *fmt, ...) MIO__PRINTF(1, 2);
/* The services handed to every module's entry point. */
extern const struct mio_backend_host mio__backend_host;

#endif
