/* SPDX-License-Identifier: MIT */
/* I/O on connected stream sockets, TCP and Unix alike: the hot path, one syscall and one
 * branch for -EAGAIN. */
#include "net-private.h"

#include <sys/uio.h>
#include <unistd.h>

/* The read helpers while a poll emulates edges: out of line, so that the common case
 * saves no registers for the re-arm. */
static __attribute__((noinline)) ssize_t
recv_emulated(mio_fd_t fd, void *buf, size_t len)
{
	return mio__read_result(fd, recv(fd, buf, len, 0), len);
}

static __attribute__((noinline)) ssize_t
readv_emulated(mio_fd_t fd, const struct iovec *iov, int iovcnt)
{
	ssize_t r = readv(fd, iov, iovcnt);
	size_t len = 0;
	for (int i = 0; r > 0 && i < iovcnt; i++)
		len += iov[i].iov_len;
	return mio__read_result(fd, r, len);
}

/* recv, not read: on Linux read(2) on a socket takes the longer VFS path (measured 3-5%
 * slower in bench/'s dispatch workload). */
MIO_API ssize_t
mio_stream_read(mio_fd_t fd, void *buf, size_t len)
{
	if (mio__edges_emulated())
		return recv_emulated(fd, buf, len);
	return mio__io_result(recv(fd, buf, len, 0));
}

MIO_API ssize_t
mio_stream_peek(mio_fd_t fd, void *buf, size_t len)
{
	return mio__recv(fd, buf, len, MSG_PEEK);
}

ssize_t
mio__readv(mio_fd_t fd, const struct iovec *iov, int iovcnt)
{
	if (mio__edges_emulated())
		return readv_emulated(fd, iov, iovcnt);
	return mio__io_result(readv(fd, iov, iovcnt));
}

MIO_API ssize_t
mio_stream_readv(mio_fd_t fd, const struct iovec *iov, int iovcnt)
{
	return mio__readv(fd, iov, iovcnt);
}

MIO_API ssize_t
mio_stream_write(mio_fd_t fd, const void *buf, size_t len)
{
	return mio__send(fd, buf, len);
}

MIO_API ssize_t
mio_stream_writev(mio_fd_t fd, const struct iovec *iov, int iovcnt)
{
	/* writev(2) has no MSG_NOSIGNAL: sendmsg does the same with it. A negative iovcnt
	 * becomes a huge msg_iovlen, which the kernel rejects (-EMSGSIZE). */
	struct msghdr msg = {
		.msg_iov = (struct iovec *)iov,
		.msg_iovlen = iovcnt,
	};
	return mio__io(fd, sendmsg(fd, &msg, MSG_NOSIGNAL));
}
