/* SPDX-License-Identifier: MIT */
/* mio::net::UnixListener, UnixStream and UnixDatagram. Stream I/O is stream.c. */
#include "net-private.h"

#define SUN(a) ((const struct sockaddr *)&(a)->addr)

static int
unix_addr_check(const struct mio_unix_addr *addr)
{
	mio_return_val_if_fail(addr && addr->len <= sizeof(addr->addr), -EINVAL);
	return 0;
}

/* Stores a length the kernel returned (clamped: it may report a truncated address's).
 * An unbound sender's address comes back from recvfrom with length 0 and sun_family
 * untouched: normalise it to mio's unnamed address (the family and nothing else). */
static void
unix_addr_set_len(struct mio_unix_addr *addr, socklen_t len)
{
	if (len < offsetof(struct sockaddr_un, sun_path)) {
		addr->addr.sun_family = AF_UNIX;
		len = offsetof(struct sockaddr_un, sun_path);
	}
	addr->len = len < sizeof(addr->addr) ? len : sizeof(addr->addr);
}

/* Fills ret from getsockname (peer false) or getpeername. */
static int
unix_name(mio_fd_t fd, bool peer, struct mio_unix_addr *ret)
{
	mio_return_val_if_fail(ret, -EINVAL);
	socklen_t len = sizeof(ret->addr);
	int r = mio__socket_name(fd, peer, (struct sockaddr *)&ret->addr, &len);
	if (r == 0)
		unix_addr_set_len(ret, len);
	return r;
}

MIO_API int
mio_unix_socket_local_addr(mio_fd_t fd, struct mio_unix_addr *ret)
{
	return unix_name(fd, false, ret);
}

MIO_API int
mio_unix_socket_peer_addr(mio_fd_t fd, struct mio_unix_addr *ret)
{
	return unix_name(fd, true, ret);
}

static int
unix_bind(int type, bool do_listen, const struct mio_unix_addr *addr, mio_fd_t *ret)
{
	int r = unix_addr_check(addr);
	return r < 0 ? r : mio__socket_bind(AF_UNIX, type, SUN(addr), addr->len, do_listen, ret);
}

static int
unix_bind_path(int type, bool do_listen, const char *path, mio_fd_t *ret)
{
	struct mio_unix_addr addr;
	int r = mio_unix_addr_from_pathname(path, &addr);
	return r < 0 ? r : unix_bind(type, do_listen, &addr, ret);
}

MIO_API int
mio_unix_listener_bind(const char *path, mio_fd_t *ret)
{
	return unix_bind_path(SOCK_STREAM, true, path, ret);
}

MIO_API int
mio_unix_listener_bind_addr(const struct mio_unix_addr *addr, mio_fd_t *ret)
{
	return unix_bind(SOCK_STREAM, true, addr, ret);
}

/* mio 0.8's UnixListener::accept bypasses do_io, so -EAGAIN never re-arms on poll(2);
 * mio__accept re-arms, like TcpListener::accept. */
MIO_API int
mio_unix_listener_accept(mio_fd_t listener, mio_fd_t *ret_stream, struct mio_unix_addr *ret_addr)
{
	socklen_t len = sizeof(ret_addr->addr);
	int r = mio__accept(listener, ret_addr ? (struct sockaddr *)&ret_addr->addr : NULL,
			    ret_addr ? &len : NULL, ret_stream);
	if (r == 0 && ret_addr)
		unix_addr_set_len(ret_addr, len);
	return r;
}

MIO_API int
mio_unix_stream_connect_addr(const struct mio_unix_addr *addr, mio_fd_t *ret)
{
	int r = unix_addr_check(addr);
	return r < 0 ? r : mio__socket_connect(AF_UNIX, SOCK_STREAM, SUN(addr), addr->len, ret);
}

MIO_API int
mio_unix_stream_connect(const char *path, mio_fd_t *ret)
{
	struct mio_unix_addr addr;
	int r = mio_unix_addr_from_pathname(path, &addr);
	return r < 0 ? r : mio_unix_stream_connect_addr(&addr, ret);
}

MIO_API int
mio_unix_stream_pair(mio_fd_t *ret_a, mio_fd_t *ret_b)
{
	return mio__socketpair(SOCK_STREAM, ret_a, ret_b);
}

MIO_API int
mio_unix_datagram_bind(const char *path, mio_fd_t *ret)
{
	return unix_bind_path(SOCK_DGRAM, false, path, ret);
}

MIO_API int
mio_unix_datagram_bind_addr(const struct mio_unix_addr *addr, mio_fd_t *ret)
{
	return unix_bind(SOCK_DGRAM, false, addr, ret);
}

MIO_API int
mio_unix_datagram_unbound(mio_fd_t *ret)
{
	mio_return_val_if_fail(ret, -EINVAL);
	return mio__socket(AF_UNIX, SOCK_DGRAM, ret);
}

MIO_API int
mio_unix_datagram_pair(mio_fd_t *ret_a, mio_fd_t *ret_b)
{
	return mio__socketpair(SOCK_DGRAM, ret_a, ret_b);
}

MIO_API int
mio_unix_datagram_connect_addr(mio_fd_t fd, const struct mio_unix_addr *addr)
{
	int r = unix_addr_check(addr);
	return r < 0 ? r : mio__sys(connect(fd, SUN(addr), addr->len));
}

MIO_API int
mio_unix_datagram_connect(mio_fd_t fd, const char *path)
{
	struct mio_unix_addr addr;
	int r = mio_unix_addr_from_pathname(path, &addr);
	return r < 0 ? r : mio_unix_datagram_connect_addr(fd, &addr);
}

MIO_API ssize_t
mio_unix_datagram_send(mio_fd_t fd, const void *buf, size_t len)
{
	return mio__send(fd, buf, len);
}

MIO_API ssize_t
mio_unix_datagram_recv(mio_fd_t fd, void *buf, size_t len)
{
	return mio__recv(fd, buf, len, 0);
}

MIO_API ssize_t
mio_unix_datagram_send_to_addr(mio_fd_t fd, const void *buf, size_t len,
			       const struct mio_unix_addr *addr)
{
	int r = unix_addr_check(addr);
	return r < 0 ? r : mio__send_to(fd, buf, len, SUN(addr), addr->len);
}

MIO_API ssize_t
mio_unix_datagram_send_to(mio_fd_t fd, const void *buf, size_t len, const char *path)
{
	struct mio_unix_addr addr;
	int r = mio_unix_addr_from_pathname(path, &addr);
	return r < 0 ? r : mio_unix_datagram_send_to_addr(fd, buf, len, &addr);
}

MIO_API ssize_t
mio_unix_datagram_recv_from(mio_fd_t fd, void *buf, size_t len, struct mio_unix_addr *ret_addr)
{
	socklen_t alen = sizeof(ret_addr->addr);
	ssize_t r = mio__io(fd, recvfrom(fd, buf, len, 0,
					 ret_addr ? (struct sockaddr *)&ret_addr->addr : NULL,
					 ret_addr ? &alen : NULL),
			    MIO_INTEREST_READABLE);
	if (r >= 0 && ret_addr)
		unix_addr_set_len(ret_addr, alen);
	return r;
}
