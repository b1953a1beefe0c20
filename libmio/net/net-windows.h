/* SPDX-License-Identifier: MIT */
/* net-private.h's Windows half: Winsock's headers and the calls whose form differs from
 * POSIX's (int lengths, char buffers, WSABUF vectors). Errors come from WSAGetLastError()
 * through mio__sys_socket_error(), as errno does on POSIX. */
#ifndef MIO_NET_WINDOWS_H
#define MIO_NET_WINDOWS_H

#include <limits.h>

#include <winsock2.h>
#include <ws2tcpip.h>

/* A non-blocking connect() that has started reports WSAEWOULDBLOCK (mio's rule), which
 * libmio translates to -EAGAIN; WSAEINPROGRESS means something else on Windows. */
#define MIO__CONNECT_STARTED (-EAGAIN)
/* Never SO_REUSEADDR on Windows: there it lets another socket take over a port that is in
 * use (mio's reason for leaving it out). */
#define MIO__LISTENER_REUSEADDR false

#define MIO__SHUT_RD SD_RECEIVE
#define MIO__SHUT_WR SD_SEND
#define MIO__SHUT_RDWR SD_BOTH

/* IP_MULTICAST_LOOP and IP_MULTICAST_TTL take a DWORD. */
typedef DWORD mio__mcast_v4_t;

/* Winsock counts bytes in an int: a longer buffer is used up to INT_MAX, a short transfer
 * as the caller allows for anyway. */
static inline int
mio__os_len(size_t len)
{
	return len > INT_MAX ? INT_MAX : (int)len;
}

/* There is no SIGPIPE on Windows: no flag needed. */
static inline ssize_t
mio__os_send(mio_fd_t fd, const void *buf, size_t len)
{
	return send(fd, buf, mio__os_len(len), 0);
}

static inline ssize_t
mio__os_send_to(mio_fd_t fd, const void *buf, size_t len, const struct sockaddr *addr,
		socklen_t addr_len)
{
	return sendto(fd, buf, mio__os_len(len), 0, addr, addr_len);
}

/* recv where no address is wanted, as a raw program calls it (the same syscall). */
static inline ssize_t
mio__os_recv(mio_fd_t fd, void *buf, size_t len, int flags)
{
	return recv(fd, buf, mio__os_len(len), flags);
}

static inline ssize_t
mio__os_recv_from(mio_fd_t fd, void *buf, size_t len, int flags, struct sockaddr *addr,
		  socklen_t *addr_len)
{
	return recvfrom(fd, buf, mio__os_len(len), flags, addr, addr_len);
}

static inline size_t
mio__os_iovec_len(const mio_iovec_t *iov)
{
	return iov->len;
}

static inline ssize_t
mio__os_readv(mio_fd_t fd, const mio_iovec_t *iov, int iovcnt)
{
	DWORD n = 0, flags = 0;
	if (iovcnt < 0) {
		WSASetLastError(WSAEINVAL);
		return -1;
	}
	if (WSARecv(fd, (WSABUF *)iov, (DWORD)iovcnt, &n, &flags, NULL, NULL) == SOCKET_ERROR)
		return -1;
	return (ssize_t)n;
}

static inline ssize_t
mio__os_writev(mio_fd_t fd, const mio_iovec_t *iov, int iovcnt)
{
	DWORD n = 0;
	if (iovcnt < 0) {
		WSASetLastError(WSAEINVAL);
		return -1;
	}
	if (WSASend(fd, (WSABUF *)iov, (DWORD)iovcnt, &n, 0, NULL, NULL) == SOCKET_ERROR)
		return -1;
	return (ssize_t)n;
}

#endif
