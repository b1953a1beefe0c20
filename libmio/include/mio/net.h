/* SPDX-License-Identifier: MIT */
/* Networking and pipes (mio::net and mio::unix::pipe): TCP, UDP, Unix sockets, pipes.
 *
 * Sockets and pipes are plain handles (mio_fd_t: an fd, a SOCKET on Windows). libmio keeps
 * no per-socket state: register the handle with mio_registry_register() and close it with
 * mio_close() (not close(2) or closesocket(), so an emulating backend forgets the handle
 * before its number can be reused).
 *
 * Creation: every handle made here is non-blocking and not inherited by child processes
 * from the start (SOCK_NONBLOCK|SOCK_CLOEXEC, accept4, pipe2; fcntl where those are
 * missing; on Windows WSA_FLAG_NO_HANDLE_INHERIT and FIONBIO, and Winsock is started on
 * first use).
 *
 * Adopting a handle made elsewhere (mio's from_std / from_raw_fd / From<ChildStdin>): there
 * is no function for it, the handle is the object. Make it non-blocking first with
 * mio_fd_set_nonblocking(fd, true) (libmio does not do it for you, like mio), then use the
 * functions below on it.
 *
 * Results: every function returns >= 0 on success (a byte count for I/O) or a negative
 * errno. I/O that would block returns -EAGAIN and re-arms the fd on emulating backends
 * (mio's do_io, see <mio/io.h>): after an event, repeat the I/O until it returns -EAGAIN,
 * or, for reads from stream sockets and pipes, until a short read (below). Any other
 * successful call does not re-arm. -EINTR is returned, not retried.
 *
 * The short-read rule (libmio's, not mio's): mio_stream_read(), mio_stream_readv(),
 * mio_pipe_read() and mio_pipe_readv() (TCP and Unix stream sockets, pipes) that return
 * fewer bytes than asked, 0 < n < len (len: the sum of the iov lengths for readv), also
 * re-arm. Such a read found the kernel's buffer empty, so it ends the edge as -EAGAIN does:
 * after it a program may wait for the next readable event without reading again, on every
 * backend; data that arrives later produces one. That saves the second read per event
 * that ends at -EAGAIN. Details:
 *   - A read that fills the buffer (n == len) ends nothing: data may be left, and no new
 *     event is promised for it. Read on.
 *   - An event that reports read-closed or an error (mio_event_is_read_closed(),
 *     mio_event_is_error()) is not ended by a short read: the peer's close (or the error)
 *     came with the data, and a later read returns 0 (or the error) without a new event.
 *     Read on until 0, an error or -EAGAIN. A close or an error that comes after the event
 *     brings an event of its own.
 *   - 0 is end of stream (every writer of a pipe closed), not a short read; a read with
 *     len 0 returns 0 and tells nothing.
 *   - Not for datagram sockets (UDP, Unix datagram: every read returns one datagram, more
 *     may be queued), nor for peeks (the data stays queued), nor for accept: read those
 *     until -EAGAIN.
 *   - Linux stops a stream read early, with data still queued, in these cases (as
 *     measured on 6.18): a Unix stream socket whose reader set SO_PASSCRED or
 *     SO_PASSPIDFD returns the data of one sender's credentials (process, uid, gid) at a
 *     time; a Unix stream read stops after data that carried file descriptors
 *     (SCM_RIGHTS); a TCP read stops at the urgent mark (MSG_OOB data); a pipe opened with
 *     O_DIRECT returns one packet per read. epoll itself reports no new event for that
 *     data, so a program that can meet these cases must read until -EAGAIN.
 *   - Only the short read of libmio's helpers re-arms: after your own read(2) on a
 *     registered fd, call mio_fd_rearm() (<mio/io.h>) as after -EAGAIN.
 *   - A re-arm goes by direction: a read (or accept) that would block or comes back short
 *     re-arms readability, a write that would block writability, as edges work on epoll.
 *     So reading on a writable-only event costs a syscall and nothing more; the examples
 *     read only after readable events to save it.
 *
 * Arguments: I/O functions do not check their arguments beyond what the kernel does
 * (-EBADF, -EFAULT, -EINVAL, -ENOTSOCK);
 * the other functions return -EINVAL for NULL required pointers and -EBADF for an invalid
 * handle. On Windows, Winsock's errors are translated (WSAEWOULDBLOCK is -EAGAIN,
 * WSAECONNREFUSED -ECONNREFUSED, ...; see <mio/error.h> for the few codes errno.h lacks).
 *
 * Addresses: in as (const struct sockaddr *, socklen_t), out as
 * (struct sockaddr_storage *ret_addr, socklen_t *ret_len). Unix sockets use
 * struct mio_unix_addr instead.
 *
 * Signals: sends on sockets use MSG_NOSIGNAL (SO_NOSIGPIPE where that is missing), so a
 * closed peer gives -EPIPE, never SIGPIPE. Pipes have no such flag: writing to a pipe
 * whose read end is closed raises SIGPIPE unless the process ignores or blocks it (Rust
 * ignores it at startup); with SIGPIPE ignored it returns -EPIPE. Windows has no SIGPIPE.
 *
 * Thread-safety: these are thin syscall wrappers and are exactly as thread-safe as the
 * syscalls they make. Any function may be called from any thread, also on the same fd at
 * the same time (concurrent reads of one stream split the data between the readers in no
 * defined way). Closing an fd while another thread still uses it is a race, as with
 * close(2). Exceptions are noted per function.
 *
 * Windows: TCP and UDP as below; Unix sockets and pipes are POSIX only and absent there
 * (mio's Windows named pipes are not part of libmio). Include <mio/net.h> before
 * <windows.h>, or define WIN32_LEAN_AND_MEAN, so windows.h does not bring the old
 * winsock.h.
 */
#ifndef MIO_NET_H
#define MIO_NET_H

#include <mio/common.h>

#if defined(_WIN32)
#include <winsock2.h>
#include <ws2tcpip.h>
#else
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#endif

MIO_BEGIN_DECLS

/* One buffer of a vectored read or write: the OS's own type, struct iovec ({iov_base,
 * iov_len}) on POSIX, WSABUF ({len, buf}) on Windows. */
#if defined(_WIN32)
typedef WSABUF mio_iovec_t;
#else
typedef struct iovec mio_iovec_t;
#endif

/* --- Any fd ------------------------------------------------------------------------- */

/* Sets or clears O_NONBLOCK (for adopted fds; libmio's own fds are already non-blocking).
 * Not atomic with respect to other F_SETFL changes on the same open file description made
 * at the same time by another thread. On Windows: FIONBIO, sockets only. */
MIO_API int mio_fd_set_nonblocking(mio_fd_t fd, bool nonblocking);

/* --- Any socket (TCP, UDP, Unix) ---------------------------------------------------- */

/* The socket's own address (getsockname). ret_len may be NULL. */
MIO_API int mio_socket_local_addr(mio_fd_t fd, struct sockaddr_storage *ret_addr,
				  socklen_t *ret_len);
/* The peer's address (getpeername). ret_len may be NULL.
 * -ENOTCONN while a non-blocking connect is still in progress, and also after it failed.
 * The way to learn how a connect ended (mio's recipe): register with WRITABLE, wait for a
 * writable event, then call this: 0 means connected; -ENOTCONN means not connected, so ask
 * mio_socket_take_error(): a pending error means the connect failed, none means it is still
 * in progress (wait for the next writable event). */
MIO_API int mio_socket_peer_addr(mio_fd_t fd, struct sockaddr_storage *ret_addr,
				 socklen_t *ret_len);
/* Reads and clears the pending socket error (SO_ERROR). On success returns 0 and stores 0
 * (no error) or the pending error as a negative errno (e.g. -ECONNREFUSED) in *ret_error.
 * Returns a negative errno only if the query itself failed. Two threads calling it at the
 * same time: only one of them gets the error. */
MIO_API int mio_socket_take_error(mio_fd_t fd, int *ret_error);
/* Time-to-live of outgoing unicast packets: IP_TTL on IPv4 sockets, IPV6_UNICAST_HOPS on
 * IPv6 sockets (mio, like std, only does IPv4). -EINVAL for ttl > 255 (the kernel also
 * rejects 0 for IPv4), -EAFNOSUPPORT on other sockets. */
MIO_API int mio_socket_set_ttl(mio_fd_t fd, uint32_t ttl);
MIO_API int mio_socket_ttl(mio_fd_t fd, uint32_t *ret);

enum mio_shutdown {
	MIO_SHUTDOWN_READ,  /* SHUT_RD */
	MIO_SHUTDOWN_WRITE, /* SHUT_WR */
	MIO_SHUTDOWN_BOTH,  /* SHUT_RDWR */
};
/* shutdown(2). -EINVAL for another value of how; -ENOTCONN if not connected. */
MIO_API int mio_socket_shutdown(mio_fd_t fd, enum mio_shutdown how);

/* --- Stream sockets: TCP and Unix streams ------------------------------------------- */
/* Sockets only: mio_stream_write() on a pipe fails with -ENOTSOCK; use mio_pipe_*. */

/* Bytes read (0 at end of stream) or -errno (-EAGAIN: nothing to read, fd re-armed). A
 * short read (0 < n < len) re-arms too: see the short-read rule at the top of this file. */
MIO_API ssize_t mio_stream_read(mio_fd_t fd, void *buf, size_t len);
/* Like mio_stream_read() but leaves the data queued (MSG_PEEK). Unlike mio 0.8 (bug
 * #1755), -EAGAIN re-arms here too. */
MIO_API ssize_t mio_stream_peek(mio_fd_t fd, void *buf, size_t len);
/* Scatter read into iovcnt buffers (readv; WSARecv on Windows); short when n < the sum of
 * the lengths. */
MIO_API ssize_t mio_stream_readv(mio_fd_t fd, const mio_iovec_t *iov, int iovcnt);
/* Bytes written (may be fewer than len) or -errno (-EAGAIN: buffer full, fd re-armed;
 * -EPIPE/-ECONNRESET: peer gone, no SIGPIPE). */
MIO_API ssize_t mio_stream_write(mio_fd_t fd, const void *buf, size_t len);
/* Gather write (sendmsg with MSG_NOSIGNAL; WSASend on Windows). */
MIO_API ssize_t mio_stream_writev(mio_fd_t fd, const mio_iovec_t *iov, int iovcnt);

/* --- TCP ------------------------------------------------------------------------------ */

/* Creates a listening socket for addr (AF_INET or AF_INET6, else -EAFNOSUPPORT): sets
 * SO_REUSEADDR (not on Windows, where it would let another socket take the port, as in
 * mio), binds, listens with a backlog of 1024. Port 0 picks a free port: read it back with
 * mio_socket_local_addr(). */
MIO_API int mio_tcp_listener_bind(const struct sockaddr *addr, socklen_t len, mio_fd_t *ret);
/* Accepts one connection: *ret_stream is a new non-blocking, close-on-exec stream.
 * ret_addr/ret_len (the peer's address): both or neither (-EINVAL). -EAGAIN when none is
 * pending (listener re-armed): after a readable event accept until -EAGAIN. */
MIO_API int mio_tcp_listener_accept(mio_fd_t listener, mio_fd_t *ret_stream,
				    struct sockaddr_storage *ret_addr, socklen_t *ret_len);

/* Starts a non-blocking connect to addr (AF_INET or AF_INET6). Returns 0 with the new
 * socket in *ret while the connect is still in progress (EINPROGRESS; WSAEWOULDBLOCK on
 * Windows): see mio_socket_peer_addr() for how to learn when and how it ends. -EAGAIN here
 * is an error (on Linux: no free local port), not a would-block; no socket is returned on
 * error. Use mio_stream_* for I/O. */
MIO_API int mio_tcp_stream_connect(const struct sockaddr *addr, socklen_t len, mio_fd_t *ret);
/* TCP_NODELAY (disables Nagle's algorithm when true). */
MIO_API int mio_tcp_stream_set_nodelay(mio_fd_t fd, bool nodelay);
MIO_API int mio_tcp_stream_nodelay(mio_fd_t fd, bool *ret);

/* --- UDP ------------------------------------------------------------------------------ */

/* Creates a UDP socket bound to addr (AF_INET or AF_INET6, else -EAFNOSUPPORT). */
MIO_API int mio_udp_bind(const struct sockaddr *addr, socklen_t len, mio_fd_t *ret);
/* Sets the default peer for mio_udp_send/recv and filters what is received. */
MIO_API int mio_udp_connect(mio_fd_t fd, const struct sockaddr *addr, socklen_t len);

/* Datagram I/O. Returns the bytes sent/received or -errno (-EAGAIN re-arms). A datagram
 * longer than len is truncated silently (as in mio on Unix); the rest is lost. On Windows
 * the receive fails with -EMSGSIZE instead, after filling buf (as in mio there). */
MIO_API ssize_t mio_udp_send(mio_fd_t fd, const void *buf, size_t len); /* connected */
MIO_API ssize_t mio_udp_recv(mio_fd_t fd, void *buf, size_t len);
MIO_API ssize_t mio_udp_peek(mio_fd_t fd, void *buf, size_t len); /* leaves it queued */
MIO_API ssize_t mio_udp_send_to(mio_fd_t fd, const void *buf, size_t len,
				const struct sockaddr *addr, socklen_t addr_len);
/* The sender's address goes to ret_addr/ret_len: pass both or neither (-EINVAL). */
MIO_API ssize_t mio_udp_recv_from(mio_fd_t fd, void *buf, size_t len,
				  struct sockaddr_storage *ret_addr, socklen_t *ret_len);
MIO_API ssize_t mio_udp_peek_from(mio_fd_t fd, void *buf, size_t len,
				  struct sockaddr_storage *ret_addr, socklen_t *ret_len);

/* SO_BROADCAST */
MIO_API int mio_udp_set_broadcast(mio_fd_t fd, bool broadcast);
MIO_API int mio_udp_broadcast(mio_fd_t fd, bool *ret);
/* IP_ADD_MEMBERSHIP / IP_DROP_MEMBERSHIP: group on the interface with address iface
 * (INADDR_ANY: the system picks one). */
MIO_API int mio_udp_join_multicast_v4(mio_fd_t fd, const struct in_addr *group,
				      const struct in_addr *iface);
MIO_API int mio_udp_leave_multicast_v4(mio_fd_t fd, const struct in_addr *group,
				       const struct in_addr *iface);
/* IPV6_JOIN_GROUP / IPV6_LEAVE_GROUP: group on interface index ifindex (0: any). */
MIO_API int mio_udp_join_multicast_v6(mio_fd_t fd, const struct in6_addr *group,
				      uint32_t ifindex);
MIO_API int mio_udp_leave_multicast_v6(mio_fd_t fd, const struct in6_addr *group,
				       uint32_t ifindex);
/* IP_MULTICAST_LOOP */
MIO_API int mio_udp_set_multicast_loop_v4(mio_fd_t fd, bool loop);
MIO_API int mio_udp_multicast_loop_v4(mio_fd_t fd, bool *ret);
/* IPV6_MULTICAST_LOOP */
MIO_API int mio_udp_set_multicast_loop_v6(mio_fd_t fd, bool loop);
MIO_API int mio_udp_multicast_loop_v6(mio_fd_t fd, bool *ret);
/* IP_MULTICAST_TTL (0-255, else -EINVAL) */
MIO_API int mio_udp_set_multicast_ttl_v4(mio_fd_t fd, uint32_t ttl);
MIO_API int mio_udp_multicast_ttl_v4(mio_fd_t fd, uint32_t *ret);
/* IPV6_V6ONLY (IPv6 sockets; only before bind, so mostly useful to read back). The
 * default is the OS's: off on Linux, on on Windows. */
MIO_API int mio_udp_set_only_v6(mio_fd_t fd, bool only_v6);
MIO_API int mio_udp_only_v6(mio_fd_t fd, bool *ret);

#if !defined(_WIN32)

/* --- Unix domain sockets (POSIX only) ------------------------------------------------ */

/* A Unix socket address (mio::net::SocketAddr): sockaddr_un plus its length. Build one with
 * the constructors below or receive one from the functions that return addresses. */
struct mio_unix_addr {
	struct sockaddr_un addr;
	socklen_t len;
};

enum mio_unix_addr_kind {
	MIO_UNIX_ADDR_UNNAMED,  /* len == offsetof(struct sockaddr_un, sun_path) (e.g. unbound) */
	MIO_UNIX_ADDR_PATHNAME, /* a filesystem path */
	MIO_UNIX_ADDR_ABSTRACT, /* Linux abstract namespace: sun_path[0] == '\0' */
};

/* An address for a filesystem path. -EINVAL if path is NULL, empty, or too long:
 * strlen(path) >= sizeof(sun_path) (108 on Linux, 104 on BSDs: the NUL must fit; libmio
 * says -EINVAL, not -ENAMETOOLONG, like mio's InvalidInput). len includes the terminating
 * NUL, as in mio. */
MIO_API int mio_unix_addr_from_pathname(const char *path, struct mio_unix_addr *ret);
/* A Linux abstract-namespace address: name is name_len arbitrary bytes (NULs allowed),
 * without the leading NUL, which this adds. -EINVAL if name_len > sizeof(sun_path) - 1;
 * -EAFNOSUPPORT on systems without abstract sockets. */
MIO_API int mio_unix_addr_from_abstract(const void *name, size_t name_len,
					struct mio_unix_addr *ret);
/* Which kind of address addr is (mio's rules; a NULL addr counts as unnamed). On systems
 * other than Linux, a sun_path starting with '\0' counts as unnamed (macOS workaround). */
MIO_API enum mio_unix_addr_kind mio_unix_addr_kind(const struct mio_unix_addr *addr);
/* For a PATHNAME address: a pointer to the path inside addr and, in *ret_len (may be NULL),
 * its length without any NUL. The path is NUL-terminated except when it fills sun_path
 * completely (the kernel allows that): rely on *ret_len. NULL for other kinds. */
MIO_API const char *mio_unix_addr_pathname(const struct mio_unix_addr *addr, size_t *ret_len);
/* For an ABSTRACT address: a pointer to the name (after the leading NUL) inside addr and
 * its length in *ret_len (may be NULL). NULL for other kinds. */
MIO_API const void *mio_unix_addr_abstract(const struct mio_unix_addr *addr, size_t *ret_len);

/* Addresses of any Unix socket (stream, listener, datagram). */
MIO_API int mio_unix_socket_local_addr(mio_fd_t fd, struct mio_unix_addr *ret);
/* -ENOTCONN if not connected. */
MIO_API int mio_unix_socket_peer_addr(mio_fd_t fd, struct mio_unix_addr *ret);

/* Listener: creates, binds (the path must not exist yet; libmio never unlinks it) and
 * listens with a backlog of 1024. */
MIO_API int mio_unix_listener_bind(const char *path, mio_fd_t *ret);
MIO_API int mio_unix_listener_bind_addr(const struct mio_unix_addr *addr, mio_fd_t *ret);
/* Accepts one connection (accept4: non-blocking, close-on-exec). ret_addr may be NULL; it is
 * usually unnamed (the client did not bind). -EAGAIN re-arms the listener: a deliberate
 * difference from mio 0.8, whose UnixListener::accept skips do_io and so never re-arms on
 * the poll(2) backend. */
MIO_API int mio_unix_listener_accept(mio_fd_t listener, mio_fd_t *ret_stream,
				     struct mio_unix_addr *ret_addr);

/* Stream: a non-blocking connect. 0 also while still in progress (EINPROGRESS; see
 * mio_socket_peer_addr()); -EAGAIN is an error here (the listener's backlog is full), not a
 * would-block, as in mio 0.8.3+. Use mio_stream_* for I/O and mio_socket_shutdown(). */
MIO_API int mio_unix_stream_connect(const char *path, mio_fd_t *ret);
MIO_API int mio_unix_stream_connect_addr(const struct mio_unix_addr *addr, mio_fd_t *ret);
/* A connected pair of streams (socketpair). */
MIO_API int mio_unix_stream_pair(mio_fd_t *ret_a, mio_fd_t *ret_b);

/* Datagram sockets. */
MIO_API int mio_unix_datagram_bind(const char *path, mio_fd_t *ret);
MIO_API int mio_unix_datagram_bind_addr(const struct mio_unix_addr *addr, mio_fd_t *ret);
/* A socket bound to no address; it can send_to, but nobody can send to it. */
MIO_API int mio_unix_datagram_unbound(mio_fd_t *ret);
/* A connected pair (socketpair). */
MIO_API int mio_unix_datagram_pair(mio_fd_t *ret_a, mio_fd_t *ret_b);
/* Sets the default peer. */
MIO_API int mio_unix_datagram_connect(mio_fd_t fd, const char *path);
MIO_API int mio_unix_datagram_connect_addr(mio_fd_t fd, const struct mio_unix_addr *addr);
/* I/O: bytes or -errno (-EAGAIN re-arms). Long datagrams are truncated silently. */
MIO_API ssize_t mio_unix_datagram_send(mio_fd_t fd, const void *buf, size_t len);
MIO_API ssize_t mio_unix_datagram_recv(mio_fd_t fd, void *buf, size_t len);
/* send_to a path. -EINVAL if the path is too long (see mio_unix_addr_from_pathname). */
MIO_API ssize_t mio_unix_datagram_send_to(mio_fd_t fd, const void *buf, size_t len,
					  const char *path);
MIO_API ssize_t mio_unix_datagram_send_to_addr(mio_fd_t fd, const void *buf, size_t len,
					       const struct mio_unix_addr *addr);
/* The sender's address goes to ret_addr (may be NULL); unnamed if it is not bound. */
MIO_API ssize_t mio_unix_datagram_recv_from(mio_fd_t fd, void *buf, size_t len,
					    struct mio_unix_addr *ret_addr);

/* --- Pipes (mio::unix::pipe, POSIX only) ---------------------------------------------- */

/* A non-blocking, close-on-exec pipe (pipe2). Data written to *ret_sender is read from
 * *ret_receiver. When one end is closed the other gets an event: the receiver sees
 * read-closed, the sender write-closed. To use a child process's stdin/stdout/stderr, take
 * its fd and call mio_fd_set_nonblocking(fd, true); nothing else is needed. */
MIO_API int mio_pipe_new(mio_fd_t *ret_sender, mio_fd_t *ret_receiver);
/* Bytes read (0: every sender closed) or -errno (-EAGAIN re-arms). A short read re-arms too,
 * as for stream sockets (the short-read rule at the top of this file). */
MIO_API ssize_t mio_pipe_read(mio_fd_t receiver, void *buf, size_t len);
MIO_API ssize_t mio_pipe_readv(mio_fd_t receiver, const mio_iovec_t *iov, int iovcnt);
/* Bytes written or -errno (-EAGAIN re-arms). Raises SIGPIPE if the receiver is closed,
 * unless the process ignores it (then -EPIPE): see the top of this file. */
MIO_API ssize_t mio_pipe_write(mio_fd_t sender, const void *buf, size_t len);
MIO_API ssize_t mio_pipe_writev(mio_fd_t sender, const mio_iovec_t *iov, int iovcnt);

#endif /* !_WIN32: Unix sockets and pipes */

MIO_END_DECLS

#endif
