/* SPDX-License-Identifier: MIT */
/* Waker: wakes a poll from any thread with a readable event carrying a token. */
#ifndef MIO_WAKER_H
#define MIO_WAKER_H

#include <mio/common.h>
#include <mio/poll.h>

MIO_BEGIN_DECLS

struct mio_waker;

/* One live waker per poll (shared by every clone of its registry): -EEXIST for a second.
 * Free the waker before the poll; after mio_poll_free() only mio_waker_free() is allowed. */
MIO_API int mio_waker_new(struct mio_registry *registry, mio_token_t token, struct mio_waker **ret);
/* Thread-safe. Several wakes before a poll may merge into one event. */
MIO_API int mio_waker_wake(struct mio_waker *waker);
/* NULL is a no-op. */
MIO_API void mio_waker_free(struct mio_waker *waker);

MIO_END_DECLS

#endif
