/* SPDX-License-Identifier: MIT */
/* The fuzz's platform part on Windows (fuzz-os.h). AFD polls sockets only and libmio's
 * Windows API has neither pipes nor Unix sockets, so the pairs are loopback TCP streams
 * (listener, connect, accept, as mt_socketpair makes them) and UDP pairs; the NUL device
 * is the handle that cannot be polled. */
#include "fuzz-os.h"

#include <errno.h>

#include <mio/event.h>

/* Waits up to 2 s for events on s (the pair is made before the fuzz uses it). */
static bool
wait_for(mio_fd_t s, short events)
{
	WSAPOLLFD p = { .fd = (SOCKET)s, .events = events };
	return WSAPoll(&p, 1, 2000) == 1 && (p.revents & events);
}

static int
accept_one(mio_fd_t listener, mio_fd_t *ret)
{
	int r = mio_tcp_listener_accept(listener, ret, NULL, NULL);
	if (r == -EAGAIN && wait_for(listener, POLLRDNORM))
		r = mio_tcp_listener_accept(listener, ret, NULL, NULL);
	return r;
}

/* End 0 is the accepted stream, end 1 the connected one, which is also waited for: under
 * Wine a connect is complete only when wineserver has seen it, and a pair is complete. */
static int
tcp_pair(mio_fd_t *a, mio_fd_t *b)
{
	struct sockaddr_in lo = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_storage addr;
	socklen_t len;
	mio_fd_t listener;
	int r = mio_tcp_listener_bind((struct sockaddr *)&lo, sizeof(lo), &listener);
	if (r < 0)
		return r;
	if ((r = mio_socket_local_addr(listener, &addr, &len)) == 0 &&
	    (r = mio_tcp_stream_connect((struct sockaddr *)&addr, len, b)) == 0) {
		if ((r = accept_one(listener, a)) == 0 && !wait_for(*b, POLLWRNORM)) {
			mio_close(*a);
			r = -ETIMEDOUT;
		}
		if (r < 0)
			mio_close(*b);
	}
	mio_close(listener);
	return r;
}

static ssize_t
stream_read(mio_fd_t fd, void *buf, size_t len)
{
	return mio_stream_read(fd, buf, len);
}

static ssize_t
stream_write(mio_fd_t fd, const void *buf, size_t len)
{
	return mio_stream_write(fd, buf, len);
}

const struct fuzz_kind fuzz_kinds[] = {
	{ "tcp pair", false, true, tcp_pair, stream_read, stream_write },
	{ "udp pair", false, true, fuzz_udp_pair, fuzz_udp_recv, fuzz_udp_send },
};
const unsigned fuzz_kind_count = sizeof(fuzz_kinds) / sizeof(fuzz_kinds[0]);

void
fuzz_os_init(void)
{
	/* No SIGPIPE on Windows: a send to a closed peer just fails. */
}

bool
fuzz_os_is_open(mio_fd_t fd)
{
	DWORD flags;
	return GetHandleInformation((HANDLE)fd, &flags) != 0;
}

mio_fd_t
fuzz_os_never_open(void)
{
	/* A multiple of 4 above the largest handle value (2^24 handles a process). */
	return (mio_fd_t)0x7ffffff0u;
}

const char fuzz_os_unpollable_name[] = "NUL";

int
fuzz_os_unpollable_open(mio_fd_t *ret)
{
	HANDLE h = CreateFileA("NUL", GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
	if (h == INVALID_HANDLE_VALUE)
		return -EIO;
	*ret = (mio_fd_t)h;
	return 0;
}

void
fuzz_os_unpollable_close(mio_fd_t fd)
{
	CloseHandle((HANDLE)fd);
}

bool
fuzz_os_in_every_interest(uint32_t flags)
{
	return (flags & MIO_EVENT_HUP) != 0;
}
