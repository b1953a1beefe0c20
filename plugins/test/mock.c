/* SPDX-License-Identifier: MIT */
/* A fake backend for the loader tests. Every broken variant is this file built with one
 * MOCK_* define that breaks exactly one rule of the plugin ABI (see meson.build). The
 * working one does nothing: select() reports no events, wakes are accepted and dropped. */
#include <errno.h>
#include <stdlib.h>

#include <mio-backend.h>

#ifndef MOCK_NAME
#define MOCK_NAME "mock"
#endif
#ifndef MOCK_ABI_MAJOR
#define MOCK_ABI_MAJOR MIO_BACKEND_ABI_MAJOR
#endif
#ifndef MOCK_PROBE_ERR
#define MOCK_PROBE_ERR 0
#endif
/* Conditionals, not #ifdefs, so the functions left out stay used (no warnings). */
#ifdef MOCK_NO_SELECT
#define MOCK_HAS_SELECT 0
#else
#define MOCK_HAS_SELECT 1
#endif
/* Claims to emulate edge triggering but has no rearm: refused. */
#ifdef MOCK_NO_REARM
#define MOCK_FLAGS MIO_BACKEND_EMULATES_EDGES
#else
#define MOCK_FLAGS 0u
#endif
/* Only what ABI 2.0 requires: no probe, no selector_fd (mio_poll_fd says -ENOTSUP). */
#ifdef MOCK_MINIMAL
#define MOCK_HAS_OPTIONAL 0
#else
#define MOCK_HAS_OPTIONAL 1
#endif
#ifdef MOCK_TOO_SMALL /* as if built from a header before forget was added */
#define MOCK_SIZE offsetof(struct mio_backend, forget)
#else
#define MOCK_SIZE sizeof(struct mio_backend)
#endif

struct mio_selector {
	int unused;
};

struct mio_backend_waker {
	int unused;
};

static int
mock_probe(void)
{
	return MOCK_PROBE_ERR;
}

static int
mock_selector_new(struct mio_selector **ret)
{
	*ret = calloc(1, sizeof(**ret));
	return *ret ? 0 : -ENOMEM;
}

static int
mock_selector_clone(struct mio_selector *sel, struct mio_selector **ret)
{
	return mock_selector_new(ret);
}

static void
mock_selector_free(struct mio_selector *sel)
{
	free(sel);
}

/* A fixed fd that is never polled: enough to see the core pass selector_fd through. */
static int
mock_selector_fd(struct mio_selector *sel, mio_fd_t *ret)
{
	*ret = 0;
	return 0;
}

static int
mock_select(struct mio_selector *sel, struct mio_event *events, size_t capacity,
	    int64_t timeout_ns)
{
	return 0;
}

static int
mock_register(struct mio_selector *sel, mio_fd_t fd, mio_token_t token, mio_interest_t interest,
	      struct mio_backend_reg **reg)
{
	return 0;
}

static int
mock_reregister(struct mio_selector *sel, mio_fd_t fd, mio_token_t token,
		mio_interest_t interest, struct mio_backend_reg *reg)
{
	return 0;
}

static int
mock_deregister(struct mio_selector *sel, mio_fd_t fd, struct mio_backend_reg *reg)
{
	return 0;
}

static int
mock_waker_new(struct mio_selector *sel, mio_token_t token, struct mio_backend_waker **ret)
{
	*ret = calloc(1, sizeof(**ret));
	return *ret ? 0 : -ENOMEM;
}

static int
mock_waker_wake(struct mio_backend_waker *waker)
{
	return 0;
}

static void
mock_waker_free(struct mio_backend_waker *waker)
{
	free(waker);
}

const struct mio_backend mio__backend_mock = {
	.abi_major = MOCK_ABI_MAJOR,
	.abi_minor = MIO_BACKEND_ABI_MINOR,
	.size = MOCK_SIZE,
	.name = MOCK_NAME,
	/* Above every real backend, so a mix-up with the default choice would show. */
	.priority = MIO_BACKEND_PRIORITY_PRIMARY + 1,
	.flags = MOCK_FLAGS,
	.probe = MOCK_HAS_OPTIONAL ? mock_probe : NULL,
	.selector_new = mock_selector_new,
	.selector_clone = mock_selector_clone,
	.selector_free = mock_selector_free,
	.selector_fd = MOCK_HAS_OPTIONAL ? mock_selector_fd : NULL,
	.select = MOCK_HAS_SELECT ? mock_select : NULL,
	.register_fd = mock_register,
	.reregister_fd = mock_reregister,
	.deregister_fd = mock_deregister,
	.waker_new = mock_waker_new,
	.waker_wake = mock_waker_wake,
	.waker_free = mock_waker_free,
};

#ifdef MOCK_NULL_ENTRY
/* Exported in place of module-entry.c's (the declaration in mio-backend.h exports it): a
 * module that answers with no descriptor. */
const struct mio_backend *
mio_backend_entry(const struct mio_backend_host *host)
{
	return NULL;
}
#endif
