/* SPDX-License-Identifier: MIT */
/* Shared helpers of the net/ files: the do_io result path, fd creation, socket options. */
#ifndef MIO_NET_PRIVATE_H
#define MIO_NET_PRIVATE_H

#include "mio-private.h"

#if defined(_WIN32)
#include "net-windows.h"
#else
#include "net-posix.h"
#endif

#define MIO_NET_BACKLOG 1024

/* socket.c: the cold half of mio__io(): returns -errno and re-arms fd on -EAGAIN. Must be
 * called right after the failed syscall, before anything can touch errno (or Winsock's
 * last error). */
ssize_t mio__io_error(mio_fd_t fd, mio_interest_t direction) __attribute__((cold));

/* mio's do_io on a syscall's result: the count, or -errno with a re-arm on -EAGAIN. */
static inline ssize_t
mio__io(mio_fd_t fd, ssize_t r, mio_interest_t direction)
{
	if (mio_likely(r >= 0))
		return r;
	return mio__io_error(fd, direction);
}

/* A socket call's 0 / -1 result as 0 / -errno (no re-arm: not an I/O operation). */
static inline int
mio__sys(int r)
{
	return r < 0 ? mio__sys_socket_error() : r;
}

static inline ssize_t
mio__send(mio_fd_t fd, const void *buf, size_t len)
{
	return mio__io(fd, mio__os_send(fd, buf, len), MIO_INTEREST_WRITABLE);
}

static inline ssize_t
mio__recv(mio_fd_t fd, void *buf, size_t len, int flags)
{
	return mio__io(fd, mio__os_recv(fd, buf, len, flags), MIO_INTEREST_READABLE);
}

/* libmio's short-read rule for stream sockets and pipes: a read that returns 0 < r < len
 * found the kernel's buffer empty, so it ends the edge as -EAGAIN does and re-arms emulated
 * edges (<mio/net.h> gives the rule and its exceptions). */
static inline ssize_t
mio__read_result(mio_fd_t fd, ssize_t r, size_t len)
{
	if (r > 0 && (size_t)r < len) {
		mio__rearm(fd, MIO_INTEREST_READABLE);
		return r;
	}
	return mio__io(fd, r, MIO_INTEREST_READABLE);
}

/* The read helpers ask mio__edges_emulated() (mio-private.h) before their syscall: while
 * no poll emulates edges (epoll, kqueue), a read needs neither a re-arm nor its fd and
 * length afterwards, so it is the syscall and its -errno, and nothing else; the other case
 * goes out of line (see stream.c). Asking first is safe: if a poll on an emulating backend
 * is created after the load, a registration there can only have been disarmed by an event
 * delivered concurrently with this read, and whoever handles that event reads until a
 * short read or -EAGAIN itself, which re-arms it. */

/* stream.c: readv(2) for stream sockets and pipes, with the short-read rule. */
ssize_t mio__readv(mio_fd_t fd, const mio_iovec_t *iov, int iovcnt);

/* A syscall's byte count or -1 as the count or -errno, without re-arm. */
static inline ssize_t
mio__io_result(ssize_t r)
{
	return mio_likely(r >= 0) ? r : mio__sys_socket_error();
}

static inline ssize_t
mio__send_to(mio_fd_t fd, const void *buf, size_t len, const struct sockaddr *addr,
	     socklen_t addr_len)
{
	return mio__io(fd, mio__os_send_to(fd, buf, len, addr, addr_len), MIO_INTEREST_WRITABLE);
}

/* socket-posix.c, socket-windows.c: socket creation. Every socket comes back non-blocking
 * and not inherited by child processes; on error nothing is left open. */
int mio__socket(int domain, int type, mio_fd_t *ret);
/* socket + optional SO_REUSEADDR + bind (+ listen with MIO_NET_BACKLOG if do_listen). */
int mio__socket_bind(int domain, int type, const struct sockaddr *addr, socklen_t len,
		     bool do_listen, mio_fd_t *ret);
/* socket + non-blocking connect; EINPROGRESS is success. */
int mio__socket_connect(int domain, int type, const struct sockaddr *addr, socklen_t len,
			mio_fd_t *ret);
/* accept4 (or accept + fcntl; on Windows accept, whose socket inherits non-blocking mode
 * from the listener, + no inheritance); -EAGAIN re-arms the listener. addr/len may be
 * NULL. */
int mio__accept(mio_fd_t listener, struct sockaddr *addr, socklen_t *len, mio_fd_t *ret);
/* accept() failed: its error; re-arms the listener after EAGAIN and after running out of
 * fds or memory (socket.c). */
int mio__accept_error(mio_fd_t listener);
/* 0 for AF_INET/AF_INET6 addresses, -EINVAL for NULL or short ones, else -EAFNOSUPPORT. */
int mio__check_inet(const struct sockaddr *addr, socklen_t len);

/* socket.c: getsockname (peer false) or getpeername; *len: addr's size in, length out. */
int mio__socket_name(mio_fd_t fd, bool peer, struct sockaddr *addr, socklen_t *len);

/* socket.c: socket options. */
int mio__setsockopt(mio_fd_t fd, int level, int name, const void *value, socklen_t size);
int mio__getsockopt(mio_fd_t fd, int level, int name, void *value, socklen_t size);
int mio__setsockopt_int(mio_fd_t fd, int level, int name, int value);
int mio__getsockopt_int(mio_fd_t fd, int level, int name, int *ret);
int mio__getsockopt_bool(mio_fd_t fd, int level, int name, bool *ret);

/* Defines the public pair mio_<object>_set_<option>(fd, bool) and
 * mio_<object>_<option>(fd, bool *ret) for an int-valued boolean socket option. */
#define MIO_DEFINE_BOOL_SOCKOPT(object, option, level, name)                                 \
	MIO_API int mio_##object##_set_##option(mio_fd_t fd, bool value)                     \
	{                                                                                    \
		return mio__setsockopt_int(fd, level, name, value);                          \
	}                                                                                    \
	MIO_API int mio_##object##_##option(mio_fd_t fd, bool *ret)                          \
	{                                                                                    \
		return mio__getsockopt_bool(fd, level, name, ret);                           \
	}

#endif
