/* SPDX-License-Identifier: MIT */
/* mio's do_io: re-arm emulated edge triggering after EAGAIN, forget fds before closing.
 * Only backends with a live poll in the process are asked, so a process on epoll pays a
 * single load per EAGAIN. */
#include "mio-private.h"

#include <pthread.h>

#define MAX_EMULATING 16

static const struct mio_backend *emulating[MAX_EMULATING];
atomic_size_t mio__n_emulating;
static pthread_mutex_t activate_lock = PTHREAD_MUTEX_INITIALIZER;

void
mio__io_activate(const struct mio_backend *b)
{
	if (!b->rearm_fd)
		return;
	pthread_mutex_lock(&activate_lock);
	size_t n = atomic_load_explicit(&mio__n_emulating, memory_order_relaxed);
	size_t i = 0;
	while (i < n && emulating[i] != b)
		i++;
	if (i == n && n < MAX_EMULATING) {
		emulating[n] = b;
		atomic_store_explicit(&mio__n_emulating, n + 1, memory_order_release);
	}
	pthread_mutex_unlock(&activate_lock);
}

void
mio__rearm_slow(mio_fd_t fd)
{
	size_t n = atomic_load_explicit(&mio__n_emulating, memory_order_acquire);
	for (size_t i = 0; i < n; i++)
		emulating[i]->rearm_fd(fd);
}

MIO_API int
mio_fd_rearm(mio_fd_t fd)
{
	mio__rearm(fd);
	return 0;
}

MIO_API ssize_t
mio_try_io(mio_fd_t fd, ssize_t (*io)(mio_fd_t fd, void *ctx), void *ctx)
{
	mio_return_val_if_fail(io, -EINVAL);
	ssize_t r = io(fd, ctx);
	if (r == -EAGAIN || r == -EWOULDBLOCK)
		mio__rearm(fd);
	return r;
}

MIO_API int
mio_close(mio_fd_t fd)
{
	mio_return_val_if_fail(mio_fd_is_valid(fd), -EBADF);
	size_t n = atomic_load_explicit(&mio__n_emulating, memory_order_acquire);
	for (size_t i = 0; i < n; i++)
		emulating[i]->forget_fd(fd);
	return mio__sys_close(fd);
}
