/* SPDX-License-Identifier: MIT */
/* mio::net::TcpListener and TcpStream: creation, accept, TCP_NODELAY. I/O is stream.c. */
#include "net-private.h"

MIO_API int
mio_tcp_listener_bind(const struct sockaddr *addr, socklen_t len, mio_fd_t *ret)
{
	int r = mio__check_inet(addr, len);
	return r < 0 ? r : mio__socket_bind(addr->sa_family, SOCK_STREAM, addr, len, true, ret);
}

MIO_API int
mio_tcp_listener_accept(mio_fd_t listener, mio_fd_t *ret_stream,
			struct sockaddr_storage *ret_addr, socklen_t *ret_len)
{
	mio_return_val_if_fail(!ret_addr == !ret_len, -EINVAL);
	socklen_t len = sizeof(struct sockaddr_storage);
	int r = mio__accept(listener, (struct sockaddr *)ret_addr, ret_addr ? &len : NULL,
			    ret_stream);
	if (r == 0 && ret_len)
		*ret_len = len;
	return r;
}

MIO_API int
mio_tcp_stream_connect(const struct sockaddr *addr, socklen_t len, mio_fd_t *ret)
{
	int r = mio__check_inet(addr, len);
	return r < 0 ? r : mio__socket_connect(addr->sa_family, SOCK_STREAM, addr, len, ret);
}

/* mio_tcp_stream_set_nodelay(), mio_tcp_stream_nodelay() */
MIO_DEFINE_BOOL_SOCKOPT(tcp_stream, nodelay, IPPROTO_TCP, TCP_NODELAY)
