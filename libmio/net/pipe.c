/* SPDX-License-Identifier: MIT */
/* mio::unix::pipe: a non-blocking, close-on-exec pipe and its I/O. */
#include "net-private.h"

#include <sys/uio.h>
#include <unistd.h>

MIO_API int
mio_pipe_new(mio_fd_t *ret_sender, mio_fd_t *ret_receiver)
{
	mio_return_val_if_fail(ret_sender && ret_receiver, -EINVAL);
	mio_fd_t fds[2];
	int r = mio__sys_pipe(fds);
	if (r < 0)
		return r;
	*ret_receiver = fds[0];
	*ret_sender = fds[1];
	return 0;
}

/* As mio_stream_read() (stream.c), with read(2). */
static __attribute__((noinline)) ssize_t
read_emulated(mio_fd_t receiver, void *buf, size_t len)
{
	return mio__read_result(receiver, read(receiver, buf, len), len);
}

MIO_API ssize_t
mio_pipe_read(mio_fd_t receiver, void *buf, size_t len)
{
	if (mio__edges_emulated())
		return read_emulated(receiver, buf, len);
	return mio__io_result(read(receiver, buf, len));
}

MIO_API ssize_t
mio_pipe_readv(mio_fd_t receiver, const mio_iovec_t *iov, int iovcnt)
{
	return mio__readv(receiver, iov, iovcnt);
}

MIO_API ssize_t
mio_pipe_write(mio_fd_t sender, const void *buf, size_t len)
{
	return mio__io(sender, write(sender, buf, len), MIO_INTEREST_WRITABLE);
}

MIO_API ssize_t
mio_pipe_writev(mio_fd_t sender, const mio_iovec_t *iov, int iovcnt)
{
	return mio__io(sender, writev(sender, iov, iovcnt), MIO_INTEREST_WRITABLE);
}
