/* SPDX-License-Identifier: MIT */
/* UDP pairs on 127.0.0.1 through libmio, the same on every platform. */
#include "fuzz-os.h"

int
fuzz_udp_pair(mio_fd_t *a, mio_fd_t *b)
{
	struct sockaddr_in any = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_storage sa, sb;
	socklen_t la, lb;
	int r = mio_udp_bind((struct sockaddr *)&any, sizeof(any), a);
	if (r < 0)
		return r;
	if ((r = mio_udp_bind((struct sockaddr *)&any, sizeof(any), b)) < 0) {
		mio_close(*a);
		return r;
	}
	if ((r = mio_socket_local_addr(*a, &sa, &la)) < 0 ||
	    (r = mio_socket_local_addr(*b, &sb, &lb)) < 0 ||
	    (r = mio_udp_connect(*a, (struct sockaddr *)&sb, lb)) < 0 ||
	    (r = mio_udp_connect(*b, (struct sockaddr *)&sa, la)) < 0) {
		mio_close(*a);
		mio_close(*b);
	}
	return r;
}

ssize_t
fuzz_udp_recv(mio_fd_t fd, void *buf, size_t len)
{
	return mio_udp_recv(fd, buf, len);
}

/* At most 8 KiB a datagram: well below any loopback limit. */
ssize_t
fuzz_udp_send(mio_fd_t fd, const void *buf, size_t len)
{
	return mio_udp_send(fd, buf, len < 8192 ? len : 8192);
}
