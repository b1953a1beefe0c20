/* SPDX-License-Identifier: MIT */
/* mio's do_io: re-arm emulated edge triggering after EAGAIN, forget handles before closing.
 * Both go through the registration map (regmap.h) and only while a family on an emulating
 * backend is alive, so a process on epoll or kqueue pays a single load. */
#include "mio-private.h"
#include "regmap.h"

MIO_API int
mio_fd_rearm(mio_fd_t fd)
{
	mio_return_val_if_fail(mio_fd_is_valid(fd), -EBADF);
	mio__rearm(fd, MIO__REARM_ALL);
	return 0;
}

MIO_API ssize_t
mio_try_io(mio_fd_t fd, ssize_t (*io)(mio_fd_t fd, void *ctx), void *ctx)
{
	mio_return_val_if_fail(io, -EINVAL);
	ssize_t r = io(fd, ctx);
	if (mio__is_would_block(r))
		mio__rearm(fd, MIO__REARM_ALL);
	return r;
}

MIO_API int
mio_close(mio_fd_t fd)
{
	mio_return_val_if_fail(mio_fd_is_valid(fd), -EBADF);
	if (atomic_load_explicit(&mio__n_emulating, memory_order_acquire) != 0)
		mio__registry_forget_fd(fd);
	return mio__sys_close(fd);
}
