/* SPDX-License-Identifier: MIT */
/* I/O on connected stream sockets, TCP and Unix alike: the hot path, one syscall and one
 * branch for -EAGAIN. */
#include "net-private.h"

/* The read helpers while a poll emulates edges: out of line, so that the common case
 * saves no registers for the re-arm. */
static __attribute__((noinline)) ssize_t
recv_emulated(mio_fd_t fd, void *buf, size_t len)
{
	return mio__read_result(fd, mio__os_recv(fd, buf, len, 0), len);
}

static __attribute__((noinline)) ssize_t
readv_emulated(mio_fd_t fd, const mio_iovec_t *iov, int iovcnt)
{
	ssize_t r = mio__os_readv(fd, iov, iovcnt);
	size_t len = 0;
	for (int i = 0; r > 0 && i < iovcnt; i++)
		len += mio__os_iovec_len(&iov[i]);
	return mio__read_result(fd, r, len);
}

/* recv (recvfrom without an address), not read: on Linux read(2) on a socket takes the
 * longer VFS path (measured 3-5% slower in bench/'s dispatch workload). */
MIO_API ssize_t
mio_stream_read(mio_fd_t fd, void *buf, size_t len)
{
	if (mio__edges_emulated())
		return recv_emulated(fd, buf, len);
	return mio__io_result(mio__os_recv(fd, buf, len, 0));
}

MIO_API ssize_t
mio_stream_peek(mio_fd_t fd, void *buf, size_t len)
{
	return mio__recv(fd, buf, len, MSG_PEEK);
}

ssize_t
mio__readv(mio_fd_t fd, const mio_iovec_t *iov, int iovcnt)
{
	if (mio__edges_emulated())
		return readv_emulated(fd, iov, iovcnt);
	return mio__io_result(mio__os_readv(fd, iov, iovcnt));
}

MIO_API ssize_t
mio_stream_readv(mio_fd_t fd, const mio_iovec_t *iov, int iovcnt)
{
	return mio__readv(fd, iov, iovcnt);
}

MIO_API ssize_t
mio_stream_write(mio_fd_t fd, const void *buf, size_t len)
{
	return mio__send(fd, buf, len);
}

MIO_API ssize_t
mio_stream_writev(mio_fd_t fd, const mio_iovec_t *iov, int iovcnt)
{
	return mio__io(fd, mio__os_writev(fd, iov, iovcnt), MIO_INTEREST_WRITABLE);
}
