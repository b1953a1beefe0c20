/* SPDX-License-Identifier: MIT */
/* mio's do_io: re-arm emulated edge triggering after EAGAIN, forget fds before closing. */
#include "mio-private.h"

MIO_API int
mio_source_rearm(mio_fd_t fd)
{
	const struct mio_backend *const *bs;
	size_t n = mio__emulating_backends(&bs);
	for (size_t i = 0; i < n; i++)
		bs[i]->rearm_fd(fd);
	return 0;
}

MIO_API ssize_t
mio_try_io(mio_fd_t fd, ssize_t (*io)(mio_fd_t fd, void *ctx), void *ctx)
{
	mio_return_val_if_fail(io, -EINVAL);
	ssize_t r = io(fd, ctx);
	if (r == -EAGAIN || r == -EWOULDBLOCK)
		mio_source_rearm(fd);
	return r;
}

MIO_API int
mio_close(mio_fd_t fd)
{
	mio_return_val_if_fail(fd >= 0, -EBADF);
	const struct mio_backend *const *bs;
	size_t n = mio__emulating_backends(&bs);
	for (size_t i = 0; i < n; i++)
		bs[i]->forget_fd(fd);
	return mio_sys_close(fd);
}
