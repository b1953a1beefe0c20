/* SPDX-License-Identifier: MIT */
/**
 * @file mio/io.h
 * @brief I/O on registered fds under emulated edge triggering (mio's do_io / try_io).
 *
 * epoll and kqueue re-arm in the kernel. The poll backend (and later Windows AFD) report
 * an edge once and then stop watching that readiness until I/O on the fd hits EAGAIN.
 * libmio's own I/O helpers do that re-arm for you, after -EAGAIN and, for reads from
 * stream sockets and pipes, after a short read (the short-read rule, <mio/net.h>). For I/O
 * you perform yourself on a registered fd, call it through mio_try_io() or call
 * mio_fd_rearm() after EAGAIN (and, if you stop at a short stream read, after that).
 * On backends that do not emulate, both cost one predictable branch.
 */
#ifndef MIO_IO_H
#define MIO_IO_H

#include <mio/common.h>

MIO_BEGIN_DECLS

/**
 * @defgroup mio_io Re-arming and closing
 * @brief mio's do_io for I/O you do yourself on a registered fd, and mio_close().
 * @{
 */

/**
 * Re-arms @p fd's registrations on every emulating backend (poll) it is registered with,
 * after I/O on it returned EAGAIN, so the next readiness is reported again.
 *
 * Never blocks or allocates. On epoll and kqueue it does nothing.
 *
 * @param fd the handle.
 * @retval 0 success, also when @p fd is registered nowhere.
 * @retval -EBADF @p fd is not a valid handle (mio_fd_is_valid()).
 *
 * Thread-safe, also while another thread polls or registers. mio: the re-registration
 * `IoSource::do_io` makes after `WouldBlock`.
 */
MIO_API int mio_fd_rearm(mio_fd_t fd);

/**
 * Runs `io(fd, ctx)` and, if it returns -EAGAIN (or -EWOULDBLOCK), re-arms @p fd as
 * mio_fd_rearm() does.
 *
 * @param fd the handle, passed to @p io unchecked.
 * @param io the I/O; it must report failures as negative errno values.
 * @param ctx passed to @p io.
 * @return what @p io returned, or -EINVAL if @p io is NULL.
 *
 * Thread-safe as far as @p io is. mio: `TcpStream::try_io` / `IoSource::do_io`.
 */
MIO_API ssize_t mio_try_io(mio_fd_t fd, ssize_t (*io)(mio_fd_t fd, void *ctx), void *ctx);

/**
 * Closes @p fd, which may still be registered: emulating backends forget it first, so a
 * reused fd number never receives the old registration's events. On epoll and kqueue the
 * kernel drops the registration with the last reference to the file.
 *
 * @param fd the handle; closed in every case but -EBADF for an invalid one.
 * @retval 0 success (EINTR from close(2) counts as success: the fd is gone either way).
 * @retval -EBADF @p fd is not a valid handle, or not open.
 * @retval -EIO, -ENOSPC, -EDQUOT what close(2) reports for lost writes; the fd is closed.
 *
 * Thread-safe, but closing an fd another thread still uses is a race, as with close(2).
 * mio: `drop` of a socket.
 */
MIO_API int mio_close(mio_fd_t fd);

/** @} */

MIO_END_DECLS

#endif
