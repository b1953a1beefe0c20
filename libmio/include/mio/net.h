/* SPDX-License-Identifier: MIT */
/**
 * @file mio/net.h
 * @brief Networking and pipes (mio::net and mio::unix::pipe): TCP, UDP, Unix sockets, pipes.
 *
 * The rules every function here follows (handles, creation, results and re-arms,
 * arguments, signals, thread-safety, Windows) are the group mio_net, man page mio_net(3).
 * Then one group per object: any socket (mio_socket), stream I/O and the short-read rule
 * (mio_stream), TCP (mio_tcp), UDP (mio_udp) and, on POSIX only, Unix socket addresses
 * (mio_unix_address), Unix sockets (mio_unix) and pipes (mio_pipe).
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

/**
 * @defgroup mio_net Networking and pipes
 * @brief Sockets and pipes as plain non-blocking handles: the rules every function of
 * <mio/net.h> follows.
 *
 * @par Handles
 * Sockets and pipes are plain handles (mio_fd_t: an fd, a SOCKET on Windows). libmio keeps
 * no per-socket state: register the handle with mio_registry_register() and close it with
 * mio_close() (not close(2) or closesocket(), so an emulating backend forgets the handle
 * before its number can be reused).
 *
 * @par Creation
 * Every handle made here is non-blocking and not inherited by child processes from the
 * start (SOCK_NONBLOCK|SOCK_CLOEXEC, accept4, pipe2; fcntl where those are missing; on
 * Windows WSA_FLAG_NO_HANDLE_INHERIT and FIONBIO, and Winsock is started on first use).
 * A function that creates a handle stores it in its `ret` argument only on success; on
 * failure nothing is left open.
 *
 * @par Adopting a handle made elsewhere
 * mio's `from_std` / `from_raw_fd` / `From<ChildStdin>`: there is no function for it, the
 * handle is the object. Make it non-blocking first with mio_fd_set_nonblocking(fd, true)
 * (libmio does not do it for you, like mio), then use the functions of these groups on it.
 *
 * @par Results
 * Every function that can fail returns >= 0 on success (a byte count for I/O) or a
 * negative errno. I/O that would block returns -EAGAIN and re-arms the fd on emulating
 * backends (mio's do_io, see <mio/io.h>): after an event, repeat the I/O until it returns
 * -EAGAIN, or, for reads from stream sockets and pipes, until a short read (the short-read
 * rule, mio_stream(3)). Any other successful call does not re-arm, except
 * mio_socket_take_error() when it takes a pending error. -EINTR is returned, not retried.
 *
 * @par Direction of re-arms
 * A re-arm goes by direction: a read (or accept) that would block or comes back short
 * re-arms readability, a write that would block writability, as edges work on epoll. So
 * reading on a writable-only event costs a syscall and nothing more; the examples read only
 * after readable events to save it.
 *
 * @par Arguments
 * I/O functions leave their fd, buffers and lengths to the kernel (-EBADF, -EFAULT,
 * -EINVAL, -ENOTSOCK); the address arguments they check are noted with each. The other
 * functions return -EINVAL for NULL required pointers and -EBADF for an invalid handle
 * (from the kernel, except in mio_fd_set_nonblocking(); on Windows an invalid SOCKET is
 * -ENOTSOCK, Winsock's WSAENOTSOCK). On Windows, Winsock's errors are translated
 * (WSAEWOULDBLOCK is -EAGAIN, WSAECONNREFUSED -ECONNREFUSED, ...; see <mio/error.h> for
 * the few codes errno.h lacks); a code with no errno counterpart becomes -EIO.
 *
 * @par Addresses
 * In as (const struct sockaddr *, socklen_t), out as (struct sockaddr_storage *ret_addr,
 * socklen_t *ret_len). Unix sockets use struct mio_unix_addr instead (mio_unix_address(3)).
 *
 * @par Signals
 * Sends on sockets use MSG_NOSIGNAL, so a closed peer gives -EPIPE, never SIGPIPE. On macOS
 * and iOS every socket libmio creates or accepts has SO_NOSIGPIPE instead (as in mio); a
 * socket created elsewhere needs it set by its creator. Pipes have no such flag: writing to a pipe whose read end is
 * closed raises SIGPIPE unless the process ignores or blocks it (Rust ignores it at
 * startup); with SIGPIPE ignored it returns -EPIPE. Windows has no SIGPIPE.
 *
 * @par Thread-safety
 * These are thin syscall wrappers and are exactly as thread-safe as the syscalls they make.
 * Any function may be called from any thread, also on the same fd at the same time
 * (concurrent reads of one stream split the data between the readers in no defined way).
 * Closing an fd while another thread still uses it is a race, as with close(2). Exceptions
 * are noted per function.
 *
 * @par Windows
 * TCP and UDP as documented; Unix sockets and pipes are POSIX only and absent there (mio's
 * Windows named pipes are not part of libmio). Include <mio/net.h> before <windows.h>, or
 * define WIN32_LEAN_AND_MEAN, so windows.h does not bring the old winsock.h. Every socket
 * creation may also fail with the error of Winsock's start-up (WSAStartup(), made once per
 * process: for example -ENETDOWN for WSASYSNOTREADY).
 * @{
 */

/**
 * One buffer of a vectored read or write: the OS's own type, struct iovec ({iov_base,
 * iov_len}) on POSIX, WSABUF ({len, buf}) on Windows. mio: none (std's `IoSlice` and
 * `IoSliceMut`).
 */
#if defined(_WIN32)
typedef WSABUF mio_iovec_t;
#else
typedef struct iovec mio_iovec_t;
#endif

/**
 * Sets or clears O_NONBLOCK on @p fd (for adopted fds; libmio's own fds are already
 * non-blocking). On Windows: FIONBIO, sockets only.
 *
 * @param fd any open fd (a pipe, a terminal, a socket made elsewhere...).
 * @param nonblocking true to make I/O on @p fd return -EAGAIN instead of blocking.
 * @retval 0 success (also when the flag already had that value).
 * @retval -EBADF @p fd is not a valid handle (mio_fd_is_valid()), or (POSIX) not open.
 * @retval other any error of fcntl(2) F_GETFL / F_SETFL; on Windows of ioctlsocket()
 *         (-ENOTSOCK for a handle that is not an open socket).
 *
 * Thread-safe, but not atomic with respect to other F_SETFL changes on the same open file
 * description made at the same time by another thread. mio: `pipe::Sender::set_nonblocking`,
 * `pipe::Receiver::set_nonblocking` (and std's `set_nonblocking` before `from_std`).
 */
MIO_API int mio_fd_set_nonblocking(mio_fd_t fd, bool nonblocking);

/** @} */

/**
 * @defgroup mio_socket Any socket
 * @brief Addresses, the pending error, TTL and shutdown of any socket (TCP, UDP, Unix).
 *
 * Addresses come out as (struct sockaddr_storage *ret_addr, socklen_t *ret_len); for Unix
 * sockets mio_unix_socket_local_addr() and mio_unix_socket_peer_addr() give a struct
 * mio_unix_addr instead. mio: the methods of the same names on `TcpListener`, `TcpStream`,
 * `UdpSocket`, `UnixListener`, `UnixStream` and `UnixDatagram`.
 * @{
 */

/**
 * The socket's own address (getsockname(2)).
 *
 * @param fd a socket.
 * @param[out] ret_addr the address (a sockaddr_in or sockaddr_in6 for TCP and UDP).
 * @param[out] ret_len its length, or NULL.
 * @retval 0 success.
 * @retval -EINVAL @p ret_addr is NULL; on Windows also a socket that is not bound yet
 *         (POSIX gives the wildcard address with port 0).
 * @retval other any error of getsockname(2): -EBADF, -ENOTSOCK (a pipe), -ENOBUFS.
 *
 * Thread-safe. mio: `TcpListener::local_addr`, `TcpStream::local_addr`,
 * `UdpSocket::local_addr`.
 */
MIO_API int mio_socket_local_addr(mio_fd_t fd, struct sockaddr_storage *ret_addr,
				  socklen_t *ret_len);
/**
 * The peer's address (getpeername(2)).
 *
 * -ENOTCONN while a non-blocking connect is still in progress, and also after it failed.
 * The way to learn how a connect ended (mio's recipe): register with WRITABLE, wait for a
 * writable event, then call this: 0 means connected; -ENOTCONN means not connected, so ask
 * mio_socket_take_error(): a pending error means the connect failed, none means it is still
 * in progress (wait for the next writable event).
 *
 * @param fd a socket.
 * @param[out] ret_addr the peer's address.
 * @param[out] ret_len its length, or NULL.
 * @retval 0 success: @p fd is connected.
 * @retval -EINVAL @p ret_addr is NULL.
 * @retval -ENOTCONN not connected (an unconnected UDP socket, a connect in progress or
 *         failed, a listener).
 * @retval other any error of getpeername(2): -EBADF, -ENOTSOCK, -ENOBUFS.
 *
 * Thread-safe. mio: `TcpStream::peer_addr`, `UdpSocket::peer_addr`.
 */
MIO_API int mio_socket_peer_addr(mio_fd_t fd, struct sockaddr_storage *ret_addr,
				 socklen_t *ret_len);
/**
 * Reads and clears the pending socket error (SO_ERROR).
 *
 * Taking an error re-arms @p fd on emulating backends (poll, afd): they stop watching a
 * socket once they report its error, and this is not I/O, so nothing else would re-arm it.
 *
 * @param fd a socket.
 * @param[out] ret_error 0 (no error) or the pending error as a negative errno (e.g.
 *                       -ECONNREFUSED after a failed connect).
 * @retval 0 success; the error, if any, is in @p ret_error.
 * @retval -EINVAL @p ret_error is NULL.
 * @retval other the query itself failed: any error of getsockopt(2) (-EBADF, -ENOTSOCK).
 *
 * Thread-safe, but two threads calling it at the same time: only one of them gets the
 * error. mio: `take_error` of every socket type.
 */
MIO_API int mio_socket_take_error(mio_fd_t fd, int *ret_error);
/**
 * Sets the time-to-live of outgoing unicast packets: IP_TTL on IPv4 sockets,
 * IPV6_UNICAST_HOPS on IPv6 sockets (mio, like std, only does IPv4). The family is the one
 * of the socket's own address (getsockname(2)).
 *
 * @param fd a TCP or UDP socket.
 * @param ttl 0 to 255 (Linux rejects 0 for IPv4 and allows it for IPv6).
 * @retval 0 success.
 * @retval -EINVAL @p ttl > 255; 0 on an IPv4 socket (from Linux); on Windows an unbound
 *         socket.
 * @retval -EAFNOSUPPORT not an IPv4 or IPv6 socket (a Unix socket).
 * @retval other any error of getsockname(2) or setsockopt(2): -EBADF, -ENOTSOCK.
 *
 * Thread-safe. mio: `TcpStream::set_ttl`, `TcpListener::set_ttl`, `UdpSocket::set_ttl`.
 */
MIO_API int mio_socket_set_ttl(mio_fd_t fd, uint32_t ttl);
/**
 * The time-to-live of outgoing unicast packets (IP_TTL or IPV6_UNICAST_HOPS, as
 * mio_socket_set_ttl() chooses).
 *
 * @param fd a TCP or UDP socket.
 * @param[out] ret the TTL.
 * @retval 0 success.
 * @retval -EINVAL @p ret is NULL; on Windows an unbound socket.
 * @retval -EAFNOSUPPORT not an IPv4 or IPv6 socket.
 * @retval other any error of getsockname(2) or getsockopt(2): -EBADF, -ENOTSOCK.
 *
 * Thread-safe. mio: `TcpStream::ttl`, `TcpListener::ttl`, `UdpSocket::ttl`.
 */
MIO_API int mio_socket_ttl(mio_fd_t fd, uint32_t *ret);

/** Which direction mio_socket_shutdown() closes. mio: `std::net::Shutdown`. */
enum mio_shutdown {
	MIO_SHUTDOWN_READ,  /**< SHUT_RD (SD_RECEIVE on Windows). mio: `Shutdown::Read`. */
	MIO_SHUTDOWN_WRITE, /**< SHUT_WR (SD_SEND). mio: `Shutdown::Write`. */
	MIO_SHUTDOWN_BOTH,  /**< SHUT_RDWR (SD_BOTH). mio: `Shutdown::Both`. */
};
/**
 * Shuts down reading, writing or both on a connected socket (shutdown(2)). The peer of a
 * stream sees end of stream after ::MIO_SHUTDOWN_WRITE; the fd stays open (close it with
 * mio_close()).
 *
 * @param fd a connected socket.
 * @param how the direction.
 * @retval 0 success.
 * @retval -EINVAL @p how is not one of the enum's values.
 * @retval -ENOTCONN not connected.
 * @retval other any error of shutdown(2): -EBADF, -ENOTSOCK.
 *
 * Thread-safe. mio: `TcpStream::shutdown`, `UnixStream::shutdown`,
 * `UnixDatagram::shutdown`.
 */
MIO_API int mio_socket_shutdown(mio_fd_t fd, enum mio_shutdown how);

/** @} */

/**
 * @defgroup mio_stream Stream I/O
 * @brief Reads and writes on connected stream sockets, TCP and Unix alike, and the
 * short-read rule.
 *
 * Sockets only: mio_stream_write() on a pipe fails with -ENOTSOCK; use mio_pipe_*. Sends
 * never raise SIGPIPE (MSG_NOSIGNAL; see mio_net(3)). Each function is one syscall and, on
 * emulating backends, a re-arm by direction (mio_net(3)).
 *
 * @par The short-read rule (libmio's, not mio's)
 * mio_stream_read(), mio_stream_readv(), mio_pipe_read() and mio_pipe_readv() (TCP and
 * Unix stream sockets, pipes) that return fewer bytes than asked, `0 < n < len` (len: the
 * sum of the iov lengths for readv), also re-arm. Such a read found the kernel's buffer
 * empty, so it ends the edge as -EAGAIN does: after it a program may wait for the next
 * readable event without reading again, on every backend; data that arrives later produces
 * one. That saves the second read per event that ends at -EAGAIN. Details:
 * - A read that fills the buffer (n == len) ends nothing: data may be left, and no new
 *   event is promised for it. Read on.
 * - An event that reports read-closed or an error (mio_event_is_read_closed(),
 *   mio_event_is_error()) is not ended by a short read: the peer's close (or the error)
 *   came with the data, and a later read returns 0 (or the error) without a new event.
 *   Read on until 0, an error or -EAGAIN. A close or an error that comes after the event
 *   brings an event of its own.
 * - 0 is end of stream (every writer of a pipe closed), not a short read; a read with
 *   len 0 returns 0 and tells nothing.
 * - Not for datagram sockets (UDP, Unix datagram: every read returns one datagram, more
 *   may be queued), nor for peeks (the data stays queued), nor for accept: read those
 *   until -EAGAIN.
 * - Linux stops a stream read early, with data still queued, in these cases (as
 *   measured on 6.18): a Unix stream socket whose reader set SO_PASSCRED or
 *   SO_PASSPIDFD returns the data of one sender's credentials (process, uid, gid) at a
 *   time; a Unix stream read stops after data that carried file descriptors
 *   (SCM_RIGHTS); a TCP read stops at the urgent mark (MSG_OOB data); a pipe opened with
 *   O_DIRECT returns one packet per read. epoll itself reports no new event for that
 *   data, so a program that can meet these cases must read until -EAGAIN.
 * - Only the short read of libmio's helpers re-arms: after your own read(2) on a
 *   registered fd, call mio_fd_rearm() (<mio/io.h>) as after -EAGAIN.
 * @{
 */

/**
 * Reads up to @p len bytes from a connected stream socket (recv(2) without flags).
 *
 * A short read (`0 < n < len`) re-arms too: see the short-read rule above.
 *
 * @param fd a connected TCP or Unix stream socket.
 * @param buf where the data goes.
 * @param len the size of @p buf (on Windows at most INT_MAX is read per call).
 * @return the number of bytes read, 0 at end of stream (or for @p len 0), or a negative
 *         errno:
 * @retval -EAGAIN nothing to read; @p fd re-armed for readability.
 * @retval -ECONNRESET the peer reset the connection.
 * @retval -ENOTSOCK @p fd is not a socket (a pipe: use mio_pipe_read()).
 * @retval -EPIPE (Windows) reading was shut down (WSAESHUTDOWN; POSIX returns 0).
 * @retval other any error of recv(2): -EINTR, -ENOTCONN, -ETIMEDOUT, -EBADF, -EFAULT...
 *
 * Thread-safe. mio: `Read::read` for `TcpStream` and `UnixStream`.
 */
MIO_API ssize_t mio_stream_read(mio_fd_t fd, void *buf, size_t len);
/**
 * Like mio_stream_read() but leaves the data queued (recv(2) with MSG_PEEK). Only -EAGAIN
 * re-arms (a short peek does not: the data stays queued). Unlike mio 0.8 (bug #1755),
 * -EAGAIN re-arms here too.
 *
 * @param fd a connected TCP or Unix stream socket.
 * @param buf where a copy of the data goes.
 * @param len the size of @p buf.
 * @return the number of bytes copied, 0 at end of stream, or a negative errno:
 * @retval -EAGAIN nothing queued; @p fd re-armed for readability.
 * @retval other as mio_stream_read().
 *
 * Thread-safe. mio: `TcpStream::peek`.
 */
MIO_API ssize_t mio_stream_peek(mio_fd_t fd, void *buf, size_t len);
/**
 * Scatter read into @p iovcnt buffers (readv(2); WSARecv() on Windows). The read is short,
 * for the short-read rule, when n is below the sum of the lengths.
 *
 * @param fd a connected TCP or Unix stream socket (readv(2) also takes a pipe).
 * @param iov the buffers, filled in order.
 * @param iovcnt the number of buffers.
 * @return the number of bytes read, 0 at end of stream, or a negative errno:
 * @retval -EAGAIN nothing to read; @p fd re-armed for readability.
 * @retval -EINVAL @p iovcnt < 0 or above IOV_MAX (on Windows, < 0, by libmio), or the
 *         lengths add up to more than SSIZE_MAX.
 * @retval other as mio_stream_read(), of readv(2) or WSARecv().
 *
 * Thread-safe. mio: `Read::read_vectored` for `TcpStream` and `UnixStream`.
 */
MIO_API ssize_t mio_stream_readv(mio_fd_t fd, const mio_iovec_t *iov, int iovcnt);
/**
 * Writes up to @p len bytes to a connected stream socket (send(2) with MSG_NOSIGNAL).
 *
 * @param fd a connected TCP or Unix stream socket.
 * @param buf the data.
 * @param len its length (on Windows at most INT_MAX is written per call).
 * @return the number of bytes written (may be fewer than @p len), or a negative errno:
 * @retval -EAGAIN the send buffer is full; @p fd re-armed for writability.
 * @retval -EPIPE, -ECONNRESET the peer is gone (or writing was shut down); no SIGPIPE.
 * @retval -ENOTSOCK @p fd is not a socket (a pipe: use mio_pipe_write()).
 * @retval other any error of send(2): -EINTR, -ENOTCONN, -EBADF, -EFAULT...
 *
 * Thread-safe. mio: `Write::write` for `TcpStream` and `UnixStream`.
 */
MIO_API ssize_t mio_stream_write(mio_fd_t fd, const void *buf, size_t len);
/**
 * Gather write from @p iovcnt buffers (sendmsg(2) with MSG_NOSIGNAL, as writev(2) has no
 * such flag; WSASend() on Windows).
 *
 * @param fd a connected TCP or Unix stream socket.
 * @param iov the buffers, sent in order.
 * @param iovcnt the number of buffers.
 * @return the number of bytes written (may be fewer than the sum), or a negative errno:
 * @retval -EAGAIN the send buffer is full; @p fd re-armed for writability.
 * @retval -EMSGSIZE @p iovcnt < 0 or above IOV_MAX (from sendmsg(2)).
 * @retval -EINVAL (Windows) @p iovcnt < 0, by libmio.
 * @retval other as mio_stream_write(), of sendmsg(2) or WSASend().
 *
 * Thread-safe. mio: `Write::write_vectored` for `TcpStream` and `UnixStream`.
 */
MIO_API ssize_t mio_stream_writev(mio_fd_t fd, const mio_iovec_t *iov, int iovcnt);

/** @} */

/**
 * @defgroup mio_tcp TCP
 * @brief TCP listeners and streams: bind, accept, connect, TCP_NODELAY. mio:
 * `mio::net::TcpListener`, `mio::net::TcpStream`.
 *
 * A stream's I/O is mio_stream(3); addresses, TTL, the pending error and shutdown are
 * mio_socket(3).
 * @{
 */

/**
 * Creates a listening socket for @p addr: sets SO_REUSEADDR (not on Windows, where it
 * would let another socket take the port, as in mio), binds, listens with a backlog of
 * 1024.
 *
 * Port 0 picks a free port: read it back with mio_socket_local_addr().
 *
 * @param addr an AF_INET or AF_INET6 address.
 * @param len the size of @p addr.
 * @param[out] ret the listener.
 * @retval 0 success.
 * @retval -EINVAL @p addr or @p ret is NULL, or @p len is too short for the family field;
 *         from bind(2) also @p len too short for the family (-EFAULT on Windows).
 * @retval -EAFNOSUPPORT @p addr is neither AF_INET nor AF_INET6 (or the system has no
 *         IPv6).
 * @retval -EADDRINUSE the address is in use.
 * @retval -EADDRNOTAVAIL the address is not local.
 * @retval -EACCES a privileged port.
 * @retval -EMFILE, -ENFILE no fd left.
 * @retval other any error of socket(2), setsockopt(2), bind(2) or listen(2) (-ENOBUFS,
 *         -ENOMEM...).
 *
 * Thread-safe. mio: `TcpListener::bind`.
 */
MIO_API int mio_tcp_listener_bind(const struct sockaddr *addr, socklen_t len, mio_fd_t *ret);
/**
 * Accepts one connection (accept4(2) with SOCK_NONBLOCK|SOCK_CLOEXEC; on Windows accept(),
 * whose socket inherits the listener's non-blocking mode, and no inheritance).
 *
 * -EAGAIN when none is pending (listener re-armed): after a readable event accept until
 * -EAGAIN.
 *
 * @param listener a listening TCP socket.
 * @param[out] ret_stream the new non-blocking, close-on-exec stream.
 * @param[out] ret_addr the peer's address, or NULL.
 * @param[out] ret_len its length; both or neither of @p ret_addr and @p ret_len.
 * @retval 0 success.
 * @retval -EAGAIN no connection is pending; @p listener re-armed for readability.
 * @retval -EINVAL @p ret_stream is NULL, or only one of @p ret_addr and @p ret_len is;
 *         from the kernel, @p listener does not listen.
 * @retval -EMFILE, -ENFILE no fd left (the connection stays queued). These, -ENOBUFS and
 *         -ENOMEM re-arm @p listener too, so the waiting connection is reported again.
 * @retval -ECONNABORTED a connection was aborted while queued; accept on.
 * @retval -EOPNOTSUPP @p listener is not a stream socket.
 * @retval other any error of accept4(2) (-EINTR, -ENOBUFS, -ENOMEM, -EPERM, -EPROTO, and
 *         the network errors Linux passes on: -ENETDOWN, -EHOSTUNREACH...), of fcntl(2)
 *         where accept4 is missing, or on Windows of accept() and SetHandleInformation().
 *
 * Thread-safe. mio: `TcpListener::accept`.
 */
MIO_API int mio_tcp_listener_accept(mio_fd_t listener, mio_fd_t *ret_stream,
				    struct sockaddr_storage *ret_addr, socklen_t *ret_len);

/**
 * Starts a non-blocking connect to @p addr.
 *
 * Returns 0 with the new socket in @p ret while the connect is still in progress
 * (EINPROGRESS; WSAEWOULDBLOCK on Windows): see mio_socket_peer_addr() for how to learn
 * when and how it ends. -EAGAIN here is an error (on Linux: no free local port), not a
 * would-block; no socket is returned on error. Use mio_stream_* for I/O.
 *
 * @param addr an AF_INET or AF_INET6 address.
 * @param len the size of @p addr.
 * @param[out] ret the stream, connected or connecting.
 * @retval 0 success: connected or connecting.
 * @retval -EINVAL @p addr or @p ret is NULL, or @p len is too short for the family field;
 *         from connect(2) also @p len too short for the family (-EFAULT on Windows).
 * @retval -EAFNOSUPPORT @p addr is neither AF_INET nor AF_INET6.
 * @retval -EAGAIN (POSIX) no free local port.
 * @retval -ECONNREFUSED, -ENETUNREACH, -EHOSTUNREACH, -EADDRNOTAVAIL the connect failed at
 *         once (it usually fails later, through mio_socket_take_error()).
 * @retval -EACCES, -EPERM a broadcast address, or a local firewall rule.
 * @retval -EMFILE, -ENFILE no fd left.
 * @retval other any error of socket(2) or connect(2).
 *
 * Thread-safe. mio: `TcpStream::connect`.
 */
MIO_API int mio_tcp_stream_connect(const struct sockaddr *addr, socklen_t len, mio_fd_t *ret);
/**
 * Sets TCP_NODELAY (true disables Nagle's algorithm: small writes go out at once).
 *
 * @param fd a TCP socket.
 * @param nodelay the new value.
 * @retval 0 success.
 * @retval -ENOPROTOOPT, -EOPNOTSUPP not a TCP socket (UDP, Unix).
 * @retval other any error of setsockopt(2): -EBADF, -ENOTSOCK.
 *
 * Thread-safe. mio: `TcpStream::set_nodelay`.
 */
MIO_API int mio_tcp_stream_set_nodelay(mio_fd_t fd, bool nodelay);
/**
 * Whether TCP_NODELAY is set.
 *
 * @param fd a TCP socket.
 * @param[out] ret the value.
 * @retval 0 success.
 * @retval -EINVAL @p ret is NULL.
 * @retval -ENOPROTOOPT, -EOPNOTSUPP not a TCP socket.
 * @retval other any error of getsockopt(2): -EBADF, -ENOTSOCK.
 *
 * Thread-safe. mio: `TcpStream::nodelay`.
 */
MIO_API int mio_tcp_stream_nodelay(mio_fd_t fd, bool *ret);

/** @} */

/**
 * @defgroup mio_udp UDP
 * @brief UDP sockets: bind, connect, datagram I/O, broadcast and multicast options. mio:
 * `mio::net::UdpSocket`.
 *
 * Datagram I/O returns the bytes sent or received or a negative errno; -EAGAIN re-arms (a
 * receive readability, a send writability). Every receive returns one datagram, and more
 * may be queued: after a readable event receive until -EAGAIN (the short-read rule is not
 * for datagrams). 0 is an empty datagram, not an end. A datagram longer than len is
 * truncated silently (as in mio on Unix); the rest is lost. On Windows the receive fails
 * with -EMSGSIZE instead, after filling buf (as in mio there), and an ICMP port-unreachable
 * for an earlier send shows as -ECONNRESET (Linux: -ECONNREFUSED, connected sockets only).
 *
 * The option functions return 0 or any error of setsockopt(2) / getsockopt(2) (-EBADF,
 * -ENOTSOCK; -ENOPROTOOPT for an IPv6 option on an IPv4 socket; -EOPNOTSUPP for an IP
 * option on a Unix socket), and -EINVAL for a NULL pointer; only the errors beyond those
 * are listed with each.
 * @{
 */

/**
 * Creates a UDP socket bound to @p addr.
 *
 * @param addr an AF_INET or AF_INET6 address; port 0 picks a free port
 *             (mio_socket_local_addr() tells which).
 * @param len the size of @p addr.
 * @param[out] ret the socket.
 * @retval 0 success.
 * @retval -EINVAL @p addr or @p ret is NULL, or @p len is too short for the family field;
 *         from bind(2) also @p len too short for the family (-EFAULT on Windows).
 * @retval -EAFNOSUPPORT @p addr is neither AF_INET nor AF_INET6.
 * @retval -EADDRINUSE, -EADDRNOTAVAIL, -EACCES the address is in use, not local, or a
 *         privileged port.
 * @retval -EMFILE, -ENFILE no fd left.
 * @retval other any error of socket(2) or bind(2).
 *
 * Thread-safe. mio: `UdpSocket::bind`.
 */
MIO_API int mio_udp_bind(const struct sockaddr *addr, socklen_t len, mio_fd_t *ret);
/**
 * Sets the default peer for mio_udp_send() and mio_udp_recv() and filters what is
 * received: only that peer's datagrams. Connecting again changes the peer.
 *
 * @param fd a UDP socket.
 * @param addr an AF_INET or AF_INET6 address.
 * @param len the size of @p addr.
 * @retval 0 success.
 * @retval -EINVAL @p addr is NULL or @p len too short for the family field; from
 *         connect(2), @p len too short for the family.
 * @retval -EAFNOSUPPORT @p addr is neither AF_INET nor AF_INET6 (AF_UNSPEC, which would
 *         dissolve the association, included: mio's connect takes a SocketAddr too); from
 *         the kernel, an IPv6 address on an IPv4 socket.
 * @retval other any error of connect(2): -ENETUNREACH, -EBADF, -ENOTSOCK...
 *
 * Thread-safe. mio: `UdpSocket::connect`.
 */
MIO_API int mio_udp_connect(mio_fd_t fd, const struct sockaddr *addr, socklen_t len);

/**
 * Sends one datagram to the connected peer (send(2) with MSG_NOSIGNAL).
 *
 * @param fd a connected UDP socket.
 * @param buf the datagram.
 * @param len its length.
 * @return @p len, or a negative errno:
 * @retval -EAGAIN the send buffer is full; @p fd re-armed for writability.
 * @retval -EDESTADDRREQ not connected (-ENOTCONN on Windows).
 * @retval -ECONNREFUSED the peer's port was unreachable for an earlier datagram (Linux).
 * @retval -EMSGSIZE the datagram is too long.
 * @retval other any error of send(2): -ENETUNREACH, -EBADF, -EFAULT...
 *
 * Thread-safe. mio: `UdpSocket::send`.
 */
MIO_API ssize_t mio_udp_send(mio_fd_t fd, const void *buf, size_t len); /* connected */
/**
 * Receives one datagram (recv(2)); on a connected socket only the peer's.
 *
 * @param fd a bound UDP socket.
 * @param buf where the datagram goes; truncated to @p len.
 * @param len the size of @p buf.
 * @return the bytes received (the datagram, cut to @p len), or a negative errno:
 * @retval -EAGAIN no datagram queued; @p fd re-armed for readability.
 * @retval -ECONNREFUSED an earlier datagram found the peer's port unreachable (Linux,
 *         connected sockets).
 * @retval -ECONNRESET (Windows) the same, for any socket.
 * @retval -EMSGSIZE (Windows) the datagram was longer than @p len; @p buf holds its start.
 * @retval other any error of recv(2): -EINTR, -EBADF, -EFAULT...
 *
 * Thread-safe. mio: `UdpSocket::recv`.
 */
MIO_API ssize_t mio_udp_recv(mio_fd_t fd, void *buf, size_t len);
/**
 * Like mio_udp_recv() but leaves the datagram queued (MSG_PEEK).
 *
 * @param fd a bound UDP socket.
 * @param buf where a copy of the datagram goes.
 * @param len the size of @p buf.
 * @return the bytes copied, or a negative errno (-EAGAIN re-arms; the others as
 *         mio_udp_recv()).
 *
 * Thread-safe. mio: `UdpSocket::peek`.
 */
MIO_API ssize_t mio_udp_peek(mio_fd_t fd, void *buf, size_t len); /* leaves it queued */
/**
 * Sends one datagram to @p addr (sendto(2) with MSG_NOSIGNAL). The address is passed to
 * the kernel unchecked.
 *
 * @param fd a UDP socket.
 * @param buf the datagram.
 * @param len its length.
 * @param addr the destination; NULL (with @p addr_len 0) means the connected peer (POSIX).
 * @param addr_len the size of @p addr.
 * @return @p len, or a negative errno:
 * @retval -EAGAIN the send buffer is full; @p fd re-armed for writability.
 * @retval -EACCES a broadcast address without mio_udp_set_broadcast().
 * @retval -EAFNOSUPPORT, -EINVAL @p addr does not fit the socket's family, or @p addr_len
 *         is wrong.
 * @retval -EDESTADDRREQ @p addr is NULL and the socket is not connected.
 * @retval -EMSGSIZE the datagram is too long.
 * @retval other any error of sendto(2): -ENETUNREACH, -EBADF, -EFAULT...
 *
 * Thread-safe. mio: `UdpSocket::send_to`.
 */
MIO_API ssize_t mio_udp_send_to(mio_fd_t fd, const void *buf, size_t len,
				const struct sockaddr *addr, socklen_t addr_len);
/**
 * Receives one datagram and its sender's address (recvfrom(2)).
 *
 * @param fd a bound UDP socket.
 * @param buf where the datagram goes; truncated to @p len.
 * @param len the size of @p buf.
 * @param[out] ret_addr the sender's address, or NULL.
 * @param[out] ret_len its length (set on success); pass both or neither (-EINVAL).
 * @return the bytes received (the datagram, cut to @p len), or a negative errno:
 * @retval -EAGAIN no datagram queued; @p fd re-armed for readability.
 * @retval -EINVAL only one of @p ret_addr and @p ret_len is NULL.
 * @retval other as mio_udp_recv().
 *
 * Thread-safe. mio: `UdpSocket::recv_from`.
 */
MIO_API ssize_t mio_udp_recv_from(mio_fd_t fd, void *buf, size_t len,
				  struct sockaddr_storage *ret_addr, socklen_t *ret_len);
/**
 * Like mio_udp_recv_from() but leaves the datagram queued (MSG_PEEK).
 *
 * @param fd a bound UDP socket.
 * @param buf where a copy of the datagram goes.
 * @param len the size of @p buf.
 * @param[out] ret_addr the sender's address, or NULL.
 * @param[out] ret_len its length; both or neither.
 * @return the bytes copied, or a negative errno (as mio_udp_recv_from()).
 *
 * Thread-safe. mio: `UdpSocket::peek_from`.
 */
MIO_API ssize_t mio_udp_peek_from(mio_fd_t fd, void *buf, size_t len,
				  struct sockaddr_storage *ret_addr, socklen_t *ret_len);

/**
 * Sets SO_BROADCAST: whether datagrams may be sent to a broadcast address.
 *
 * @param fd a UDP socket.
 * @param broadcast the new value.
 * @retval 0 success.
 * @retval other a setsockopt(2) error (the group's list).
 *
 * Thread-safe. mio: `UdpSocket::set_broadcast`.
 */
MIO_API int mio_udp_set_broadcast(mio_fd_t fd, bool broadcast);
/**
 * Whether SO_BROADCAST is set.
 *
 * @param fd a UDP socket.
 * @param[out] ret the value.
 * @retval 0 success.
 * @retval -EINVAL @p ret is NULL.
 * @retval other a getsockopt(2) error (the group's list).
 *
 * Thread-safe. mio: `UdpSocket::broadcast`.
 */
MIO_API int mio_udp_broadcast(mio_fd_t fd, bool *ret);
/**
 * Joins the IPv4 multicast @p group on the interface with address @p iface
 * (IP_ADD_MEMBERSHIP).
 *
 * @param fd a UDP socket (IPv4, or IPv6 on Linux).
 * @param group the multicast group.
 * @param iface the local interface's address; INADDR_ANY: the system picks one.
 * @retval 0 success.
 * @retval -EINVAL @p group or @p iface is NULL; from the kernel, @p group is not a
 *         multicast address.
 * @retval -EADDRINUSE already a member.
 * @retval -ENODEV no interface has address @p iface (or no route for INADDR_ANY).
 * @retval -ENOBUFS too many memberships.
 * @retval -EPROTO a TCP socket.
 * @retval other a setsockopt(2) error (the group's list).
 *
 * Thread-safe. mio: `UdpSocket::join_multicast_v4`.
 */
MIO_API int mio_udp_join_multicast_v4(mio_fd_t fd, const struct in_addr *group,
				      const struct in_addr *iface);
/**
 * Leaves the IPv4 multicast @p group on the interface with address @p iface
 * (IP_DROP_MEMBERSHIP).
 *
 * @param fd a UDP socket.
 * @param group the multicast group.
 * @param iface the interface's address, as given to mio_udp_join_multicast_v4().
 * @retval 0 success.
 * @retval -EINVAL @p group or @p iface is NULL.
 * @retval -EADDRNOTAVAIL not a member.
 * @retval other a setsockopt(2) error (the group's list).
 *
 * Thread-safe. mio: `UdpSocket::leave_multicast_v4`.
 */
MIO_API int mio_udp_leave_multicast_v4(mio_fd_t fd, const struct in_addr *group,
				       const struct in_addr *iface);
/**
 * Joins the IPv6 multicast @p group on interface index @p ifindex (IPV6_JOIN_GROUP).
 *
 * @param fd an IPv6 UDP socket.
 * @param group the multicast group.
 * @param ifindex the interface index (if_nametoindex(3)); 0: the system picks one.
 * @retval 0 success.
 * @retval -EINVAL @p group is NULL; from the kernel, @p group is not a multicast address.
 * @retval -EADDRINUSE already a member.
 * @retval -ENODEV no interface with index @p ifindex.
 * @retval -ENOPROTOOPT an IPv4 socket.
 * @retval other a setsockopt(2) error (the group's list).
 *
 * Thread-safe. mio: `UdpSocket::join_multicast_v6`.
 */
MIO_API int mio_udp_join_multicast_v6(mio_fd_t fd, const struct in6_addr *group,
				      uint32_t ifindex);
/**
 * Leaves the IPv6 multicast @p group on interface index @p ifindex (IPV6_LEAVE_GROUP).
 *
 * @param fd an IPv6 UDP socket.
 * @param group the multicast group.
 * @param ifindex the interface index given to mio_udp_join_multicast_v6().
 * @retval 0 success.
 * @retval -EINVAL @p group is NULL.
 * @retval -EADDRNOTAVAIL not a member.
 * @retval -ENOPROTOOPT an IPv4 socket.
 * @retval other a setsockopt(2) error (the group's list).
 *
 * Thread-safe. mio: `UdpSocket::leave_multicast_v6`.
 */
MIO_API int mio_udp_leave_multicast_v6(mio_fd_t fd, const struct in6_addr *group,
				       uint32_t ifindex);
/**
 * Sets IP_MULTICAST_LOOP: whether the socket's own IPv4 multicast datagrams are looped
 * back to local members.
 *
 * @param fd a UDP socket.
 * @param loop the new value.
 * @retval 0 success.
 * @retval other a setsockopt(2) error (the group's list).
 *
 * Thread-safe. mio: `UdpSocket::set_multicast_loop_v4`.
 */
MIO_API int mio_udp_set_multicast_loop_v4(mio_fd_t fd, bool loop);
/**
 * Whether IP_MULTICAST_LOOP is set.
 *
 * @param fd a UDP socket.
 * @param[out] ret the value.
 * @retval 0 success.
 * @retval -EINVAL @p ret is NULL.
 * @retval other a getsockopt(2) error (the group's list).
 *
 * Thread-safe. mio: `UdpSocket::multicast_loop_v4`.
 */
MIO_API int mio_udp_multicast_loop_v4(mio_fd_t fd, bool *ret);
/**
 * Sets IPV6_MULTICAST_LOOP: whether the socket's own IPv6 multicast datagrams are looped
 * back to local members.
 *
 * @param fd an IPv6 UDP socket.
 * @param loop the new value.
 * @retval 0 success.
 * @retval -ENOPROTOOPT an IPv4 socket.
 * @retval other a setsockopt(2) error (the group's list).
 *
 * Thread-safe. mio: `UdpSocket::set_multicast_loop_v6`.
 */
MIO_API int mio_udp_set_multicast_loop_v6(mio_fd_t fd, bool loop);
/**
 * Whether IPV6_MULTICAST_LOOP is set.
 *
 * @param fd an IPv6 UDP socket.
 * @param[out] ret the value.
 * @retval 0 success.
 * @retval -EINVAL @p ret is NULL.
 * @retval -ENOPROTOOPT an IPv4 socket.
 * @retval other a getsockopt(2) error (the group's list).
 *
 * Thread-safe. mio: `UdpSocket::multicast_loop_v6`.
 */
MIO_API int mio_udp_multicast_loop_v6(mio_fd_t fd, bool *ret);
/**
 * Sets IP_MULTICAST_TTL: the time-to-live of the socket's IPv4 multicast datagrams (1 by
 * default: the local network only).
 *
 * @param fd a UDP socket.
 * @param ttl 0 to 255.
 * @retval 0 success.
 * @retval -EINVAL @p ttl > 255.
 * @retval other a setsockopt(2) error (the group's list).
 *
 * Thread-safe. mio: `UdpSocket::set_multicast_ttl_v4`.
 */
MIO_API int mio_udp_set_multicast_ttl_v4(mio_fd_t fd, uint32_t ttl);
/**
 * The time-to-live of the socket's IPv4 multicast datagrams (IP_MULTICAST_TTL).
 *
 * @param fd a UDP socket.
 * @param[out] ret the value.
 * @retval 0 success.
 * @retval -EINVAL @p ret is NULL.
 * @retval other a getsockopt(2) error (the group's list).
 *
 * Thread-safe. mio: `UdpSocket::multicast_ttl_v4`.
 */
MIO_API int mio_udp_multicast_ttl_v4(mio_fd_t fd, uint32_t *ret);
/**
 * Sets IPV6_V6ONLY: whether an IPv6 socket is limited to IPv6 (else it also takes IPv4
 * through v4-mapped addresses). Only before bind, and libmio's sockets come bound, so this
 * is mostly useful on adopted sockets. The default is the OS's: false on Linux, true on
 * Windows.
 *
 * @param fd an IPv6 UDP socket, not bound yet.
 * @param only_v6 the new value.
 * @retval 0 success.
 * @retval -EINVAL the socket is bound already (Linux).
 * @retval -ENOPROTOOPT an IPv4 socket.
 * @retval other a setsockopt(2) error (the group's list).
 *
 * Thread-safe. mio: none (socket2's `Socket::set_only_v6`).
 */
MIO_API int mio_udp_set_only_v6(mio_fd_t fd, bool only_v6);
/**
 * Whether IPV6_V6ONLY is set on an IPv6 socket.
 *
 * @param fd an IPv6 UDP socket.
 * @param[out] ret the value.
 * @retval 0 success.
 * @retval -EINVAL @p ret is NULL.
 * @retval -ENOPROTOOPT an IPv4 socket.
 * @retval other a getsockopt(2) error (the group's list).
 *
 * Thread-safe. mio: `UdpSocket::only_v6`.
 */
MIO_API int mio_udp_only_v6(mio_fd_t fd, bool *ret);

/** @} */

#if !defined(_WIN32)

/**
 * @defgroup mio_unix_address Unix socket addresses
 * @brief struct mio_unix_addr: building and reading Unix socket addresses (POSIX only).
 *
 * An address is a sockaddr_un and its length, as the kernel takes and returns them. Every
 * function here only reads or writes the struct it is given: all are thread-safe.
 * mio: `mio::net::SocketAddr` (mio 0.8's own type; std's in mio 1.0).
 * @{
 */

/**
 * @brief A Unix socket address: sockaddr_un plus its length.
 *
 * Build one with mio_unix_addr_from_pathname() or mio_unix_addr_from_abstract(), or
 * receive one from the functions that return addresses. mio: `mio::net::SocketAddr`.
 */
struct mio_unix_addr {
	struct sockaddr_un addr; /**< the address; only its first @c len bytes count */
	socklen_t len;           /**< the length of @c addr, as bind(2) takes it */
};

/** Which kind of address a struct mio_unix_addr holds (mio_unix_addr_kind()). */
enum mio_unix_addr_kind {
	MIO_UNIX_ADDR_UNNAMED,  /**< len == offsetof(sun_path): e.g. an unbound socket's */
	MIO_UNIX_ADDR_PATHNAME, /**< a filesystem path */
	MIO_UNIX_ADDR_ABSTRACT, /**< Linux abstract namespace: sun_path[0] == '\0' */
};

/**
 * An address for a filesystem path. len includes the terminating NUL, as in mio.
 *
 * @param path the path, NUL-terminated.
 * @param[out] ret the address (zeroed first).
 * @retval 0 success.
 * @retval -EINVAL @p path or @p ret is NULL, @p path is empty, or too long:
 *         strlen(path) >= sizeof(sun_path) (108 on Linux, 104 on BSDs: the NUL must fit;
 *         libmio says -EINVAL, not -ENAMETOOLONG, like mio's InvalidInput).
 *
 * Thread-safe. mio: none in 0.8 (std's `SocketAddr::from_pathname`).
 */
MIO_API int mio_unix_addr_from_pathname(const char *path, struct mio_unix_addr *ret);
/**
 * A Linux abstract-namespace address: @p name is @p name_len arbitrary bytes (NULs
 * allowed), without the leading NUL, which this adds.
 *
 * @param name the name; may be NULL when @p name_len is 0.
 * @param name_len its length, at most sizeof(sun_path) - 1 (107 on Linux).
 * @param[out] ret the address (zeroed first).
 * @retval 0 success.
 * @retval -EINVAL @p ret is NULL, @p name is NULL with @p name_len > 0, or
 *         @p name_len > sizeof(sun_path) - 1.
 * @retval -ENOTSUP on systems without an abstract namespace (macOS, the BSDs: there a
 *         leading NUL is just an odd path, so libmio refuses rather than binding something
 *         else); the argument checks come first.
 *
 * Thread-safe. mio: none in 0.8 (std's `SocketAddrExt::from_abstract_name`).
 */
MIO_API int mio_unix_addr_from_abstract(const void *name, size_t name_len,
					struct mio_unix_addr *ret);
/**
 * Which kind of address @p addr is (mio's rules). On systems other than Linux, a sun_path
 * starting with '\0' counts as unnamed (macOS workaround).
 *
 * @param addr the address; NULL counts as unnamed.
 * @return the kind; never fails.
 *
 * Thread-safe. mio: `SocketAddr::is_unnamed`, `as_pathname`, `as_abstract_namespace`.
 */
MIO_API enum mio_unix_addr_kind mio_unix_addr_kind(const struct mio_unix_addr *addr);
/**
 * The path of a ::MIO_UNIX_ADDR_PATHNAME address.
 *
 * The path is NUL-terminated except when it fills sun_path completely (the kernel allows
 * that): rely on @p ret_len.
 *
 * @param addr the address.
 * @param[out] ret_len the path's length without any NUL, or NULL.
 * @return a pointer to the path inside @p addr; NULL for other kinds (and a NULL @p addr),
 *         @p ret_len then untouched.
 *
 * Thread-safe. mio: `SocketAddr::as_pathname`.
 */
MIO_API const char *mio_unix_addr_pathname(const struct mio_unix_addr *addr, size_t *ret_len);
/**
 * The name of a ::MIO_UNIX_ADDR_ABSTRACT address.
 *
 * @param addr the address.
 * @param[out] ret_len the name's length, or NULL.
 * @return a pointer to the name (after the leading NUL) inside @p addr; NULL for other
 *         kinds (and a NULL @p addr), @p ret_len then untouched.
 *
 * Thread-safe. mio: `SocketAddr::as_abstract_namespace`.
 */
MIO_API const void *mio_unix_addr_abstract(const struct mio_unix_addr *addr, size_t *ret_len);

/** @} */

/**
 * @defgroup mio_unix Unix sockets
 * @brief Unix domain listeners, streams and datagram sockets (POSIX only). mio:
 * `mio::net::UnixListener`, `UnixStream`, `UnixDatagram`.
 *
 * Addresses are struct mio_unix_addr (mio_unix_address(3)); each function that takes a
 * path has an `_addr` form, which also takes abstract and unnamed addresses. A path is
 * checked as mio_unix_addr_from_pathname() does (-EINVAL if NULL, empty or too long)
 * before any syscall. A stream's I/O is mio_stream(3); the pending error and shutdown are
 * mio_socket(3). Absent on Windows.
 * @{
 */

/**
 * The address of any Unix socket (stream, listener, datagram; getsockname(2)). An unbound
 * socket's is unnamed; after Linux's autobind it is abstract.
 *
 * @param fd a Unix socket (another socket's address is returned too, in sockaddr_un's
 *           storage: its family tells it apart).
 * @param[out] ret the address.
 * @retval 0 success.
 * @retval -EINVAL @p ret is NULL.
 * @retval other any error of getsockname(2): -EBADF, -ENOTSOCK, -ENOBUFS.
 *
 * Thread-safe. mio: `UnixListener::local_addr`, `UnixStream::local_addr`,
 * `UnixDatagram::local_addr`.
 */
MIO_API int mio_unix_socket_local_addr(mio_fd_t fd, struct mio_unix_addr *ret);
/**
 * The peer's address of a connected Unix socket (getpeername(2)); unnamed for a peer that
 * is not bound (a client, either end of a pair).
 *
 * @param fd a connected Unix socket.
 * @param[out] ret the address.
 * @retval 0 success.
 * @retval -EINVAL @p ret is NULL.
 * @retval -ENOTCONN not connected.
 * @retval other any error of getpeername(2): -EBADF, -ENOTSOCK, -ENOBUFS.
 *
 * Thread-safe. mio: `UnixStream::peer_addr`, `UnixDatagram::peer_addr`.
 */
MIO_API int mio_unix_socket_peer_addr(mio_fd_t fd, struct mio_unix_addr *ret);

/**
 * Creates a listener: binds to @p path (which must not exist yet; libmio never unlinks it)
 * and listens with a backlog of 1024.
 *
 * @param path the socket file to create.
 * @param[out] ret the listener.
 * @retval 0 success.
 * @retval -EINVAL @p path is NULL, empty or too long; @p ret is NULL.
 * @retval -EADDRINUSE @p path exists (any file, also the socket of an earlier run).
 * @retval -ENOENT, -ENOTDIR, -EACCES, -EROFS, -ELOOP a directory of @p path is missing,
 *         not a directory or not writable, or on a read-only file system.
 * @retval -EMFILE, -ENFILE no fd left.
 * @retval other any error of socket(2), bind(2) or listen(2).
 *
 * Thread-safe. mio: `UnixListener::bind`.
 */
MIO_API int mio_unix_listener_bind(const char *path, mio_fd_t *ret);
/**
 * Creates a listener bound to @p addr and listens with a backlog of 1024. An abstract
 * address creates no file; an unnamed one makes Linux pick an abstract name (autobind).
 *
 * @param addr the address.
 * @param[out] ret the listener.
 * @retval 0 success.
 * @retval -EINVAL @p addr or @p ret is NULL, or addr->len > sizeof(addr->addr); from
 *         bind(2), addr->len shorter than the family field.
 * @retval -EADDRINUSE the address is in use (the path exists, the abstract name is
 *         taken).
 * @retval other as mio_unix_listener_bind().
 *
 * Thread-safe. mio: `UnixListener::bind_addr`.
 */
MIO_API int mio_unix_listener_bind_addr(const struct mio_unix_addr *addr, mio_fd_t *ret);
/**
 * Accepts one connection (accept4(2): non-blocking, close-on-exec).
 *
 * -EAGAIN re-arms the listener: a deliberate difference from mio 0.8, whose
 * UnixListener::accept skips do_io and so never re-arms on the poll(2) backend.
 *
 * @param listener a listening Unix stream socket.
 * @param[out] ret_stream the new stream.
 * @param[out] ret_addr the peer's address, or NULL; it is usually unnamed (the client did
 *                      not bind).
 * @retval 0 success.
 * @retval -EAGAIN no connection is pending; @p listener re-armed for readability.
 * @retval -EINVAL @p ret_stream is NULL; from the kernel, @p listener does not listen.
 * @retval -EMFILE, -ENFILE no fd left (the connection stays queued). These, -ENOBUFS and
 *         -ENOMEM re-arm @p listener too, so the waiting connection is reported again.
 * @retval -EOPNOTSUPP @p listener is a datagram socket.
 * @retval other any error of accept4(2) (-EINTR, -ENOBUFS, -ENOMEM, -EBADF, -ENOTSOCK),
 *         or of fcntl(2) where accept4 is missing.
 *
 * Thread-safe. mio: `UnixListener::accept`.
 */
MIO_API int mio_unix_listener_accept(mio_fd_t listener, mio_fd_t *ret_stream,
				     struct mio_unix_addr *ret_addr);

/**
 * Connects a new stream socket to the listener at @p path, without blocking.
 *
 * 0 also while still in progress (EINPROGRESS, which Linux never reports for Unix sockets:
 * there the connect completes at once or fails; see mio_socket_peer_addr()); -EAGAIN is an
 * error here (the listener's backlog is full), not a would-block, as in mio 0.8.3+. Use
 * mio_stream_* for I/O and mio_socket_shutdown().
 *
 * @param path the listener's socket file.
 * @param[out] ret the stream.
 * @retval 0 success: connected (or connecting).
 * @retval -EINVAL @p path is NULL, empty or too long; @p ret is NULL.
 * @retval -EAGAIN the listener's backlog is full (an error: retry later).
 * @retval -ENOENT no such file.
 * @retval -ECONNREFUSED nobody listens there (also a file that is not a socket).
 * @retval -EPROTOTYPE the socket there is a datagram socket.
 * @retval -EACCES, -ENOTDIR, -ELOOP the path cannot be searched or written.
 * @retval -EMFILE, -ENFILE no fd left.
 * @retval other any error of socket(2) or connect(2).
 *
 * Thread-safe. mio: `UnixStream::connect`.
 */
MIO_API int mio_unix_stream_connect(const char *path, mio_fd_t *ret);
/**
 * Like mio_unix_stream_connect() for any address (abstract names included).
 *
 * @param addr the listener's address.
 * @param[out] ret the stream.
 * @retval -EINVAL @p addr or @p ret is NULL, or addr->len > sizeof(addr->addr); from
 *         connect(2), an unnamed address.
 * @retval other as mio_unix_stream_connect() (-ECONNREFUSED for an abstract name nobody
 *         holds).
 *
 * Thread-safe. mio: `UnixStream::connect_addr`.
 */
MIO_API int mio_unix_stream_connect_addr(const struct mio_unix_addr *addr, mio_fd_t *ret);
/**
 * A connected pair of unnamed stream sockets (socketpair(2)).
 *
 * @param[out] ret_a one end.
 * @param[out] ret_b the other end.
 * @retval 0 success.
 * @retval -EINVAL @p ret_a or @p ret_b is NULL.
 * @retval -EMFILE, -ENFILE no fd left.
 * @retval other any error of socketpair(2), or of fcntl(2) where SOCK_NONBLOCK is missing.
 *
 * Thread-safe. mio: `UnixStream::pair`.
 */
MIO_API int mio_unix_stream_pair(mio_fd_t *ret_a, mio_fd_t *ret_b);

/**
 * Creates a datagram socket bound to @p path (which must not exist yet; libmio never
 * unlinks it).
 *
 * @param path the socket file to create.
 * @param[out] ret the socket.
 * @retval 0 success.
 * @retval other as mio_unix_listener_bind() (-EINVAL, -EADDRINUSE...).
 *
 * Thread-safe. mio: `UnixDatagram::bind`.
 */
MIO_API int mio_unix_datagram_bind(const char *path, mio_fd_t *ret);
/**
 * Creates a datagram socket bound to @p addr (an unnamed one: Linux's autobind).
 *
 * @param addr the address.
 * @param[out] ret the socket.
 * @retval 0 success.
 * @retval other as mio_unix_listener_bind_addr().
 *
 * Thread-safe. mio: none in 0.8 (`UnixDatagram::bind_addr` in mio 1.0).
 */
MIO_API int mio_unix_datagram_bind_addr(const struct mio_unix_addr *addr, mio_fd_t *ret);
/**
 * A datagram socket bound to no address; it can send_to, but nobody can send to it.
 *
 * @param[out] ret the socket.
 * @retval 0 success.
 * @retval -EINVAL @p ret is NULL.
 * @retval -EMFILE, -ENFILE no fd left.
 * @retval other any error of socket(2).
 *
 * Thread-safe. mio: `UnixDatagram::unbound`.
 */
MIO_API int mio_unix_datagram_unbound(mio_fd_t *ret);
/**
 * A connected pair of unnamed datagram sockets (socketpair(2)).
 *
 * @param[out] ret_a one end.
 * @param[out] ret_b the other end.
 * @retval 0 success.
 * @retval other as mio_unix_stream_pair().
 *
 * Thread-safe. mio: `UnixDatagram::pair`.
 */
MIO_API int mio_unix_datagram_pair(mio_fd_t *ret_a, mio_fd_t *ret_b);
/**
 * Sets the default peer for mio_unix_datagram_send() and receives only from it.
 *
 * @param fd a Unix datagram socket.
 * @param path the peer's socket file.
 * @retval 0 success.
 * @retval -EINVAL @p path is NULL, empty or too long.
 * @retval -ENOENT no such file.
 * @retval -ECONNREFUSED nobody is bound there (also a file that is not a socket).
 * @retval -EPROTOTYPE the socket there is a stream socket.
 * @retval -EPERM the socket there is connected to another peer.
 * @retval other any error of connect(2): -EACCES, -ENOTDIR, -EBADF, -ENOTSOCK...
 *
 * Thread-safe. mio: `UnixDatagram::connect`.
 */
MIO_API int mio_unix_datagram_connect(mio_fd_t fd, const char *path);
/**
 * Like mio_unix_datagram_connect() for any address (abstract names included).
 *
 * @param fd a Unix datagram socket.
 * @param addr the peer's address.
 * @retval 0 success.
 * @retval -EINVAL @p addr is NULL or addr->len > sizeof(addr->addr).
 * @retval other as mio_unix_datagram_connect().
 *
 * Thread-safe. mio: none (std's `UnixDatagram::connect_addr`).
 */
MIO_API int mio_unix_datagram_connect_addr(mio_fd_t fd, const struct mio_unix_addr *addr);
/**
 * Sends one datagram to the connected peer (send(2) with MSG_NOSIGNAL).
 *
 * @param fd a connected Unix datagram socket.
 * @param buf the datagram.
 * @param len its length.
 * @return @p len, or a negative errno:
 * @retval -EAGAIN the peer's queue is full; @p fd re-armed for writability.
 * @retval -ENOTCONN not connected.
 * @retval -ECONNREFUSED the peer was closed.
 * @retval -EMSGSIZE the datagram is larger than the send buffer.
 * @retval -EPIPE writing was shut down.
 * @retval other any error of send(2): -ENOBUFS, -EBADF, -EFAULT...
 *
 * Thread-safe. mio: `UnixDatagram::send`.
 */
MIO_API ssize_t mio_unix_datagram_send(mio_fd_t fd, const void *buf, size_t len);
/**
 * Receives one datagram (recv(2)). Long datagrams are truncated silently; 0 is an empty
 * datagram (or a socket shut down for reading).
 *
 * @param fd a bound or connected Unix datagram socket.
 * @param buf where the datagram goes.
 * @param len the size of @p buf.
 * @return the bytes received (at most @p len), or a negative errno:
 * @retval -EAGAIN no datagram queued; @p fd re-armed for readability.
 * @retval other any error of recv(2): -EINTR, -EBADF, -EFAULT...
 *
 * Thread-safe. mio: `UnixDatagram::recv`.
 */
MIO_API ssize_t mio_unix_datagram_recv(mio_fd_t fd, void *buf, size_t len);
/**
 * Sends one datagram to the socket bound at @p path (sendto(2) with MSG_NOSIGNAL).
 *
 * @param fd a Unix datagram socket.
 * @param buf the datagram.
 * @param len its length.
 * @param path the destination's socket file.
 * @return @p len, or a negative errno:
 * @retval -EINVAL @p path is NULL, empty or too long (see mio_unix_addr_from_pathname()),
 *         checked before the send (no re-arm).
 * @retval -EAGAIN the destination's queue is full; @p fd re-armed for writability.
 * @retval -ENOENT, -ECONNREFUSED, -EPROTOTYPE, -EPERM no such file, nobody bound there, a
 *         stream socket there, or one connected to another peer (as
 *         mio_unix_datagram_connect()).
 * @retval other as mio_unix_datagram_send(), of sendto(2).
 *
 * Thread-safe. mio: `UnixDatagram::send_to`.
 */
MIO_API ssize_t mio_unix_datagram_send_to(mio_fd_t fd, const void *buf, size_t len,
					  const char *path);
/**
 * Like mio_unix_datagram_send_to() for any address (abstract names included).
 *
 * @param fd a Unix datagram socket.
 * @param buf the datagram.
 * @param len its length.
 * @param addr the destination.
 * @return @p len, or a negative errno:
 * @retval -EINVAL @p addr is NULL or addr->len > sizeof(addr->addr), checked before the
 *         send (no re-arm).
 * @retval other as mio_unix_datagram_send_to().
 *
 * Thread-safe. mio: none (std's `UnixDatagram::send_to_addr`).
 */
MIO_API ssize_t mio_unix_datagram_send_to_addr(mio_fd_t fd, const void *buf, size_t len,
					       const struct mio_unix_addr *addr);
/**
 * Receives one datagram and its sender's address (recvfrom(2)).
 *
 * @param fd a bound or connected Unix datagram socket.
 * @param buf where the datagram goes; truncated to @p len.
 * @param len the size of @p buf.
 * @param[out] ret_addr the sender's address, or NULL; unnamed if the sender is not bound.
 * @return the bytes received (at most @p len), or a negative errno (as
 *         mio_unix_datagram_recv(); -EAGAIN re-arms).
 *
 * Thread-safe. mio: `UnixDatagram::recv_from`.
 */
MIO_API ssize_t mio_unix_datagram_recv_from(mio_fd_t fd, void *buf, size_t len,
					    struct mio_unix_addr *ret_addr);

/** @} */

/**
 * @defgroup mio_pipe Pipes
 * @brief Non-blocking pipes and their I/O (POSIX only). mio: `mio::unix::pipe`.
 *
 * When one end is closed the other gets an event: the receiver sees read-closed, the
 * sender write-closed. To use a child process's stdin/stdout/stderr, take its fd and call
 * mio_fd_set_nonblocking(fd, true); nothing else is needed. Reads follow the short-read
 * rule of stream sockets (mio_stream(3)). Writing to a pipe whose receiver is closed raises
 * SIGPIPE unless the process ignores it (then -EPIPE): see Signals in mio_net(3). These
 * functions are read(2), readv(2), write(2) and writev(2), so they take any fd, but on a
 * socket prefer mio_stream_* (no SIGPIPE). Absent on Windows.
 * @{
 */

/**
 * A non-blocking, close-on-exec pipe (pipe2(2)). Data written to @p ret_sender is read
 * from @p ret_receiver.
 *
 * @param[out] ret_sender the write end.
 * @param[out] ret_receiver the read end.
 * @retval 0 success.
 * @retval -EINVAL @p ret_sender or @p ret_receiver is NULL.
 * @retval -EMFILE, -ENFILE no fd left.
 * @retval other any error of pipe2(2), or of pipe(2) and fcntl(2) where pipe2 is missing.
 *
 * Thread-safe. mio: `pipe::new`.
 */
MIO_API int mio_pipe_new(mio_fd_t *ret_sender, mio_fd_t *ret_receiver);
/**
 * Reads up to @p len bytes (read(2)). A short read re-arms too, as for stream sockets (the
 * short-read rule, mio_stream(3)).
 *
 * @param receiver the read end.
 * @param buf where the data goes.
 * @param len the size of @p buf.
 * @return the bytes read, 0 when every sender is closed (or for @p len 0), or a negative
 *         errno:
 * @retval -EAGAIN nothing to read; @p receiver re-armed for readability.
 * @retval -EBADF not open for reading (the write end).
 * @retval other any error of read(2): -EINTR, -EFAULT, -EIO...
 *
 * Thread-safe. mio: `Read::read` for `pipe::Receiver`.
 */
MIO_API ssize_t mio_pipe_read(mio_fd_t receiver, void *buf, size_t len);
/**
 * Scatter read (readv(2)); short, for the short-read rule, when n is below the sum of the
 * lengths.
 *
 * @param receiver the read end.
 * @param iov the buffers, filled in order.
 * @param iovcnt the number of buffers.
 * @return as mio_pipe_read():
 * @retval -EAGAIN nothing to read; @p receiver re-armed for readability.
 * @retval -EINVAL @p iovcnt < 0 or above IOV_MAX.
 * @retval other as mio_pipe_read(), of readv(2).
 *
 * Thread-safe. mio: `Read::read_vectored` for `pipe::Receiver`.
 */
MIO_API ssize_t mio_pipe_readv(mio_fd_t receiver, const mio_iovec_t *iov, int iovcnt);
/**
 * Writes up to @p len bytes (write(2)). Up to PIPE_BUF bytes are written whole or not at
 * all (-EAGAIN); a longer write may be partial.
 *
 * Raises SIGPIPE if the receiver is closed, unless the process ignores it (then -EPIPE):
 * see Signals in mio_net(3).
 *
 * @param sender the write end.
 * @param buf the data.
 * @param len its length.
 * @return the bytes written (may be fewer than @p len), or a negative errno:
 * @retval -EAGAIN the pipe is full; @p sender re-armed for writability.
 * @retval -EPIPE every receiver is closed (with SIGPIPE ignored or blocked).
 * @retval -EBADF not open for writing (the read end).
 * @retval other any error of write(2): -EINTR, -EFAULT...
 *
 * Thread-safe. mio: `Write::write` for `pipe::Sender`.
 */
MIO_API ssize_t mio_pipe_write(mio_fd_t sender, const void *buf, size_t len);
/**
 * Gather write (writev(2)), with mio_pipe_write()'s rules (SIGPIPE included).
 *
 * @param sender the write end.
 * @param iov the buffers, written in order.
 * @param iovcnt the number of buffers.
 * @return the bytes written, or a negative errno:
 * @retval -EAGAIN the pipe is full; @p sender re-armed for writability.
 * @retval -EINVAL @p iovcnt < 0 or above IOV_MAX.
 * @retval other as mio_pipe_write(), of writev(2).
 *
 * Thread-safe. mio: `Write::write_vectored` for `pipe::Sender`.
 */
MIO_API ssize_t mio_pipe_writev(mio_fd_t sender, const mio_iovec_t *iov, int iovcnt);

/** @} */

#endif /* !_WIN32: Unix sockets and pipes */

MIO_END_DECLS

#endif
