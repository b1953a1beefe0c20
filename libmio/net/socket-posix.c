/* SPDX-License-Identifier: MIT */
/* Socket creation on POSIX: atomic SOCK_NONBLOCK|SOCK_CLOEXEC and accept4 where they
 * exist, fcntl where they do not. */
#include "net-private.h"

int
mio__fd_setup(mio_fd_t fd, bool is_socket)
{
	int r = mio__sys_set_cloexec(fd);
	if (r == 0)
		r = mio__sys_set_nonblocking(fd, true);
#ifdef SO_NOSIGPIPE
	if (r == 0 && is_socket)
		r = mio__setsockopt_int(fd, SOL_SOCKET, SO_NOSIGPIPE, 1);
#endif
	if (r < 0)
		mio__sys_close(fd);
	return r;
}

int
mio__fd_setup_pair(mio_fd_t fds[2], bool is_socket)
{
	int r = mio__fd_setup(fds[0], is_socket);
	if (r < 0) {
		mio__sys_close(fds[1]);
		return r;
	}
	r = mio__fd_setup(fds[1], is_socket);
	if (r < 0)
		mio__sys_close(fds[0]);
	return r;
}

#if defined(SOCK_NONBLOCK) && defined(SOCK_CLOEXEC)
#define MIO_SOCK_FLAGS (SOCK_NONBLOCK | SOCK_CLOEXEC)
#else
#define MIO_SOCK_FLAGS 0
#endif

int
mio__socket(int domain, int type, mio_fd_t *ret)
{
	mio_fd_t fd = socket(domain, type | MIO_SOCK_FLAGS, 0);
	if (!mio_fd_is_valid(fd))
		return -errno;
	if (MIO_SOCK_FLAGS == 0) {
		int r = mio__fd_setup(fd, true);
		if (r < 0)
			return r;
	}
	*ret = fd;
	return 0;
}

int
mio__socketpair(int type, mio_fd_t *ret_a, mio_fd_t *ret_b)
{
	mio_return_val_if_fail(ret_a && ret_b, -EINVAL);
	mio_fd_t fds[2];
	if (socketpair(AF_UNIX, type | MIO_SOCK_FLAGS, 0, fds) < 0)
		return -errno;
	if (MIO_SOCK_FLAGS == 0) {
		int r = mio__fd_setup_pair(fds, true);
		if (r < 0)
			return r;
	}
	*ret_a = fds[0];
	*ret_b = fds[1];
	return 0;
}

int
mio__accept(mio_fd_t listener, struct sockaddr *addr, socklen_t *len, mio_fd_t *ret)
{
	mio_return_val_if_fail(ret, -EINVAL);
#ifdef HAVE_ACCEPT4
	mio_fd_t fd = accept4(listener, addr, len, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (!mio_fd_is_valid(fd))
		return mio__accept_error(listener);
#else
	mio_fd_t fd = accept(listener, addr, len);
	if (!mio_fd_is_valid(fd))
		return mio__accept_error(listener);
	int r = mio__fd_setup(fd, true);
	if (r < 0)
		return r;
#endif
	*ret = fd;
	return 0;
}
