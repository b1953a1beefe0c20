/* SPDX-License-Identifier: MIT */
/* net-private.h's POSIX half: the socket headers and the few calls whose form differs
 * from Winsock's. */
#ifndef MIO_NET_POSIX_H
#define MIO_NET_POSIX_H

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/uio.h>

/* Apple: every socket libmio creates or accepts has SO_NOSIGPIPE instead, as mio (Rust's
 * std) does there; the macOS 11 SDK defines MSG_NOSIGNAL, but std does not rely on it. */
#if defined(MSG_NOSIGNAL) && !defined(__APPLE__)
#define MIO_MSG_NOSIGNAL MSG_NOSIGNAL
#else
#define MIO_MSG_NOSIGNAL 0
#endif

/* What a non-blocking connect() that has started but not finished fails with. */
#define MIO__CONNECT_STARTED (-EINPROGRESS)
/* SO_REUSEADDR on TCP listeners, so a restarted server can bind at once (as mio). */
#define MIO__LISTENER_REUSEADDR true

#define MIO__SHUT_RD SHUT_RD
#define MIO__SHUT_WR SHUT_WR
#define MIO__SHUT_RDWR SHUT_RDWR

/* IP_MULTICAST_LOOP and IP_MULTICAST_TTL take an int on Linux but an unsigned char on the
 * BSDs, Apple and Solaris (std's IpV4MultiCastType). */
#if defined(__linux__)
typedef int mio__mcast_v4_t;
#else
typedef unsigned char mio__mcast_v4_t;
#endif

/* socket-posix.c. */
/* Makes an fd from a call without atomic flags non-blocking, close-on-exec (and
 * SO_NOSIGPIPE for sockets where that exists); closes it on failure. */
int mio__fd_setup(mio_fd_t fd, bool is_socket);
/* The same for both fds of a pair; closes both on failure. */
int mio__fd_setup_pair(mio_fd_t fds[2], bool is_socket);
/* A connected pair of Unix sockets of type. */
int mio__socketpair(int type, mio_fd_t *ret_a, mio_fd_t *ret_b);

/* Sends never raise SIGPIPE. */
static inline ssize_t
mio__os_send(mio_fd_t fd, const void *buf, size_t len)
{
	return send(fd, buf, len, MIO_MSG_NOSIGNAL);
}

static inline ssize_t
mio__os_send_to(mio_fd_t fd, const void *buf, size_t len, const struct sockaddr *addr,
		socklen_t addr_len)
{
	return sendto(fd, buf, len, MIO_MSG_NOSIGNAL, addr, addr_len);
}

/* recv where no address is wanted, as a raw program calls it (the same syscall). */
static inline ssize_t
mio__os_recv(mio_fd_t fd, void *buf, size_t len, int flags)
{
	return recv(fd, buf, len, flags);
}

static inline ssize_t
mio__os_recv_from(mio_fd_t fd, void *buf, size_t len, int flags, struct sockaddr *addr,
		  socklen_t *addr_len)
{
	return recvfrom(fd, buf, len, flags, addr, addr_len);
}

static inline size_t
mio__os_iovec_len(const mio_iovec_t *iov)
{
	return iov->iov_len;
}

static inline ssize_t
mio__os_readv(mio_fd_t fd, const mio_iovec_t *iov, int iovcnt)
{
	return readv(fd, iov, iovcnt);
}

/* writev(2) has no MSG_NOSIGNAL: sendmsg does the same with it. A negative iovcnt
 * becomes a huge msg_iovlen, which the kernel rejects (-EMSGSIZE). */
static inline ssize_t
mio__os_writev(mio_fd_t fd, const mio_iovec_t *iov, int iovcnt)
{
	struct msghdr msg = {
		.msg_iov = (struct iovec *)iov,
		.msg_iovlen = iovcnt,
	};
	return sendmsg(fd, &msg, MIO_MSG_NOSIGNAL);
}

#endif
