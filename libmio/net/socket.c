/* SPDX-License-Identifier: MIT */
/* What every OS shares: bind, listen and connect around the OS's socket creation
 * (socket-posix.c, socket-windows.c), options, and the calls that work on any socket:
 * addresses, SO_ERROR, TTL, shutdown. */
#include "net-private.h"

ssize_t
mio__io_error(mio_fd_t fd, mio_interest_t direction)
{
	int err = mio__sys_socket_error();
	if (mio__is_would_block(err))
		mio__rearm(fd, direction);
	return err;
}

int
mio__socket_bind(int domain, int type, const struct sockaddr *addr, socklen_t len,
		 bool do_listen, mio_fd_t *ret)
{
	mio_return_val_if_fail(addr && ret, -EINVAL);
	mio_fd_t fd = MIO_FD_INVALID;
	int r = mio__socket(domain, type, &fd);
	if (r < 0)
		return r;
	/* Not on Unix sockets, nor on Windows (see MIO__LISTENER_REUSEADDR), as in mio. */
	if (MIO__LISTENER_REUSEADDR && do_listen && domain != AF_UNIX)
		r = mio__setsockopt_int(fd, SOL_SOCKET, SO_REUSEADDR, 1);
	if (r == 0)
		r = mio__sys(bind(fd, addr, len));
	if (r == 0 && do_listen)
		r = mio__sys(listen(fd, MIO_NET_BACKLOG));
	if (r < 0) {
		mio__sys_close(fd);
		return r;
	}
	*ret = fd;
	return 0;
}

int
mio__socket_connect(int domain, int type, const struct sockaddr *addr, socklen_t len,
		    mio_fd_t *ret)
{
	mio_return_val_if_fail(addr && ret, -EINVAL);
	mio_fd_t fd = MIO_FD_INVALID;
	int r = mio__socket(domain, type, &fd);
	if (r < 0)
		return r;
	r = mio__sys(connect(fd, addr, len));
	if (r < 0 && r != MIO__CONNECT_STARTED) {
		mio__sys_close(fd);
		return r;
	}
	*ret = fd;
	return 0;
}

/* accept() failed. Out of fds or memory the connection stays in the backlog, and a server
 * that pauses accepting until resources are free must hear of the listener again (epoll
 * reports the next connection): re-arm then too, not only after EAGAIN as mio does. */
int
mio__accept_error(mio_fd_t listener)
{
	int err = mio__sys_socket_error();
	if (mio__is_would_block(err) || err == -EMFILE || err == -ENFILE || err == -ENOBUFS ||
	    err == -ENOMEM)
		mio__rearm(listener, MIO_INTEREST_READABLE);
	return err;
}

int
mio__check_inet(const struct sockaddr *addr, socklen_t len)
{
	mio_return_val_if_fail(addr && len >= (socklen_t)sizeof(addr->sa_family), -EINVAL);
	if (addr->sa_family != AF_INET && addr->sa_family != AF_INET6)
		return -EAFNOSUPPORT;
	return 0;
}

/* value as void *: POSIX takes that, Winsock a char pointer. */
int
mio__setsockopt(mio_fd_t fd, int level, int name, const void *value, socklen_t size)
{
	return mio__sys(setsockopt(fd, level, name, value, size));
}

int
mio__setsockopt_int(mio_fd_t fd, int level, int name, int value)
{
	return mio__setsockopt(fd, level, name, &value, sizeof(value));
}

int
mio__getsockopt(mio_fd_t fd, int level, int name, void *value, socklen_t size)
{
	socklen_t len = size;
	return mio__sys(getsockopt(fd, level, name, value, &len));
}

int
mio__getsockopt_int(mio_fd_t fd, int level, int name, int *ret)
{
	mio_return_val_if_fail(ret, -EINVAL);
	return mio__getsockopt(fd, level, name, ret, sizeof(*ret));
}

int
mio__getsockopt_bool(mio_fd_t fd, int level, int name, bool *ret)
{
	mio_return_val_if_fail(ret, -EINVAL);
	int value = 0;
	int r = mio__getsockopt_int(fd, level, name, &value);
	if (r == 0)
		*ret = value != 0;
	return r;
}

MIO_API int
mio_fd_set_nonblocking(mio_fd_t fd, bool nonblocking)
{
	mio_return_val_if_fail(mio_fd_is_valid(fd), -EBADF);
	return mio__sys_set_nonblocking(fd, nonblocking);
}

int
mio__socket_name(mio_fd_t fd, bool peer, struct sockaddr *addr, socklen_t *len)
{
	return mio__sys(peer ? getpeername(fd, addr, len) : getsockname(fd, addr, len));
}

static int
socket_addr(mio_fd_t fd, bool peer, struct sockaddr_storage *ret_addr, socklen_t *ret_len)
{
	mio_return_val_if_fail(ret_addr, -EINVAL);
	socklen_t len = sizeof(*ret_addr);
	int r = mio__socket_name(fd, peer, (struct sockaddr *)ret_addr, &len);
	if (r == 0 && ret_len)
		*ret_len = len;
	return r;
}

MIO_API int
mio_socket_local_addr(mio_fd_t fd, struct sockaddr_storage *ret_addr, socklen_t *ret_len)
{
	return socket_addr(fd, false, ret_addr, ret_len);
}

MIO_API int
mio_socket_peer_addr(mio_fd_t fd, struct sockaddr_storage *ret_addr, socklen_t *ret_len)
{
	return socket_addr(fd, true, ret_addr, ret_len);
}

MIO_API int
mio_socket_take_error(mio_fd_t fd, int *ret_error)
{
	mio_return_val_if_fail(ret_error, -EINVAL);
	int err = 0;
	int r = mio__getsockopt_int(fd, SOL_SOCKET, SO_ERROR, &err);
	if (r == 0) {
		*ret_error = -err;
		/* The error is consumed: emulating backends stopped watching the fd when they
		 * reported it, and must watch it again (I/O would re-arm, this is not I/O). */
		if (err)
			mio__rearm(fd, MIO__REARM_ALL);
	}
	return r;
}

/* The option that holds a socket's unicast TTL: IP_TTL or IPV6_UNICAST_HOPS. */
static int
ttl_option(mio_fd_t fd, int *ret_level, int *ret_name)
{
	struct sockaddr_storage ss;
	int r = mio_socket_local_addr(fd, &ss, NULL);
	if (r < 0)
		return r;
	switch (ss.ss_family) {
	case AF_INET:
		*ret_level = IPPROTO_IP;
		*ret_name = IP_TTL;
		return 0;
	case AF_INET6:
		*ret_level = IPPROTO_IPV6;
		*ret_name = IPV6_UNICAST_HOPS;
		return 0;
	default:
		return -EAFNOSUPPORT;
	}
}

MIO_API int
mio_socket_set_ttl(mio_fd_t fd, uint32_t ttl)
{
	mio_return_val_if_fail(ttl <= 255, -EINVAL);
	int level, name;
	int r = ttl_option(fd, &level, &name);
	return r < 0 ? r : mio__setsockopt_int(fd, level, name, (int)ttl);
}

MIO_API int
mio_socket_ttl(mio_fd_t fd, uint32_t *ret)
{
	mio_return_val_if_fail(ret, -EINVAL);
	int level = 0, name = 0, value = 0;
	int r = ttl_option(fd, &level, &name);
	if (r == 0)
		r = mio__getsockopt_int(fd, level, name, &value);
	if (r == 0)
		*ret = (uint32_t)value;
	return r;
}

MIO_API int
mio_socket_shutdown(mio_fd_t fd, enum mio_shutdown how)
{
	static const int hows[] = {
		[MIO_SHUTDOWN_READ] = MIO__SHUT_RD,
		[MIO_SHUTDOWN_WRITE] = MIO__SHUT_WR,
		[MIO_SHUTDOWN_BOTH] = MIO__SHUT_RDWR,
	};
	mio_return_val_if_fail((unsigned)how <= MIO_SHUTDOWN_BOTH, -EINVAL);
	return mio__sys(shutdown(fd, hows[how]));
}
