/* SPDX-License-Identifier: MIT */
/**
 * @file mio/waker.h
 * @brief Waker: wakes a poll from any thread with a readable event carrying a token.
 */
#ifndef MIO_WAKER_H
#define MIO_WAKER_H

#include <mio/common.h>
#include <mio/poll.h>

MIO_BEGIN_DECLS

/**
 * @defgroup mio_waker Waker
 * @brief Wakes a blocked mio_poll_poll() from another thread. mio: `Waker`.
 * @{
 */

/** A waker: opaque, one live per poll. */
struct mio_waker;

/**
 * Creates the poll's waker: mio_waker_wake() makes the poll report a readable event with
 * @p token.
 *
 * One live waker per poll, shared by every clone of its registry. Free the waker before
 * the poll; after mio_poll_free() only mio_waker_free() is allowed.
 *
 * @param registry the poll's registry or a clone.
 * @param token reported with the wake-up event.
 * @param[out] ret the waker; free it with mio_waker_free().
 * @retval 0 success.
 * @retval -EINVAL @p registry or @p ret is NULL.
 * @retval -EEXIST the poll already has a live waker (mio panics in debug builds).
 * @retval -ENOMEM out of memory.
 * @retval -EMFILE, -ENFILE no fd left for the eventfd (epoll).
 *
 * Thread-safe. mio: `Waker::new`.
 */
MIO_API int mio_waker_new(struct mio_registry *registry, mio_token_t token, struct mio_waker **ret);

/**
 * Wakes the poll: its current or next mio_poll_poll() returns a readable event with the
 * waker's token. Several wakes before a poll may merge into one event. Never blocks.
 *
 * @retval 0 success.
 * @retval -EINVAL @p waker is NULL.
 *
 * Thread-safe, from any thread (not from a signal handler). mio: `Waker::wake`.
 */
MIO_API int mio_waker_wake(struct mio_waker *waker);

/**
 * Frees the waker (another can be made for the poll afterwards). NULL is a no-op.
 *
 * Not while another thread wakes it. mio: `drop(Waker)`.
 */
MIO_API void mio_waker_free(struct mio_waker *waker);

/** @} */

MIO_END_DECLS

#endif
