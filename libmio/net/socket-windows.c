/* SPDX-License-Identifier: MIT */
/* Socket creation on Windows: WSASocketW with WSA_FLAG_NO_HANDLE_INHERIT (as mio 1.2.1 and
 * std do), then FIONBIO; Winsock is started on first use. Accepted sockets inherit the
 * listener's non-blocking mode (Winsock's rule, which mio relies on too). */
#include "net-private.h"

int
mio__socket(int domain, int type, mio_fd_t *ret)
{
	int r = mio__sys_net_init();
	if (r < 0)
		return r;
	/* Overlapped, like socket(): the AFD backend polls through the socket's I/O. */
	mio_fd_t fd = WSASocketW(domain, type, 0, NULL, 0,
				 WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
	if (!mio_fd_is_valid(fd))
		return mio__sys_socket_error();
	r = mio__sys_set_nonblocking(fd, true);
	if (r < 0) {
		mio__sys_close(fd);
		return r;
	}
	*ret = fd;
	return 0;
}

int
mio__accept(mio_fd_t listener, struct sockaddr *addr, socklen_t *len, mio_fd_t *ret)
{
	mio_return_val_if_fail(ret, -EINVAL);
	mio_fd_t fd = accept(listener, addr, len);
	if (!mio_fd_is_valid(fd))
		return mio__accept_error(listener);
	/* Winsock documents no inheritance of WSA_FLAG_NO_HANDLE_INHERIT: clear it here. */
	int r = mio__sys_set_cloexec(fd);
	if (r < 0) {
		mio__sys_close(fd);
		return r;
	}
	*ret = fd;
	return 0;
}
