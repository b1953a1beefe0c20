/* SPDX-License-Identifier: MIT */
/* I/O on connected stream sockets, TCP and Unix alike: the hot path, one syscall and one
 * branch for -EAGAIN. */
#include "net-private.h"

/* recv (recvfrom without an address), not read: on Linux read(2) on a socket takes the
 * longer VFS path (measured 3-5% slower in bench/'s dispatch workload). */
MIO_API ssize_t
mio_stream_read(mio_fd_t fd, void *buf, size_t len)
{
	return mio__recv(fd, buf, len, 0);
}

MIO_API ssize_t
mio_stream_peek(mio_fd_t fd, void *buf, size_t len)
{
	return mio__recv(fd, buf, len, MSG_PEEK);
}

MIO_API ssize_t
mio_stream_readv(mio_fd_t fd, const mio_iovec_t *iov, int iovcnt)
{
	return mio__io(fd, mio__os_readv(fd, iov, iovcnt));
}

MIO_API ssize_t
mio_stream_write(mio_fd_t fd, const void *buf, size_t len)
{
	return mio__send(fd, buf, len);
}

MIO_API ssize_t
mio_stream_writev(mio_fd_t fd, const mio_iovec_t *iov, int iovcnt)
{
	return mio__io(fd, mio__os_writev(fd, iov, iovcnt));
}
