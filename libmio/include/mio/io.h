/* SPDX-License-Identifier: MIT */
/* I/O on registered fds under emulated edge triggering (mio's do_io / try_io).
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

/* Re-arms the fd's registration on every emulating backend it is registered with.
 * Thread-safe. Returns 0 (also when the fd is not registered anywhere), -EBADF for an
 * invalid handle. mio: IoSource::do_io's re-registration after WouldBlock. */
MIO_API int mio_fd_rearm(mio_fd_t fd);

/* Runs io(fd, ctx); if it returns -EAGAIN (or -EWOULDBLOCK), re-arms the fd.
 * Returns what io returned. io must report failures as negative errno values. */
MIO_API ssize_t mio_try_io(mio_fd_t fd, ssize_t (*io)(mio_fd_t fd, void *ctx), void *ctx);

/* Closes an fd that may still be registered: emulating backends forget it first, so a
 * reused fd number never receives the old registration's events. Returns 0 or -errno
 * (-EINTR from close counts as success, the fd is gone either way). */
MIO_API int mio_close(mio_fd_t fd);

MIO_END_DECLS

#endif
