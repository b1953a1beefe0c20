/* SPDX-License-Identifier: MIT */
/* What the tests need from the OS beyond libmio, in one form for POSIX (mt-os-posix.c) and
 * Windows (mt-os-windows.c): threads, barriers, clocks, the environment, and raw socket
 * calls for the blocking peers. Helpers fail the test (or, on helper threads, abort with a
 * message) on unexpected errors unless they return one. Raw calls report failures as a
 * negative errno (errno; on Windows WSAGetLastError() for the few codes the tests tell
 * apart: would-block, reset, aborted; any other code as -EIO, with its number in
 * mt_os_error_text()). */
#ifndef MT_OS_H
#define MT_OS_H

#include <stdint.h>

#include <mio/net.h>

#include "mt.h" /* MT_PRINTF */

/* --- Threads ------------------------------------------------------------------------- */

struct mt_thread;
struct mt_thread *mt_thread_spawn(void *(*fn)(void *), void *arg);
void mt_thread_join(struct mt_thread *thread);

/* A barrier for count threads (pthread_barrier_t; a lock and a condition variable on
 * Windows). */
struct mt_barrier;
struct mt_barrier *mt_barrier_new(unsigned count);
void mt_barrier_wait(struct mt_barrier *barrier);
void mt_barrier_free(struct mt_barrier *barrier);

/* --- Time and the environment --------------------------------------------------------- */

/* A monotonic clock. */
int64_t mt_now_ns(void);
void mt_sleep_ms(unsigned ms);
/* Sets name (value NULL: unsets it) for this process, where libmio reads it. */
void mt_setenv(const char *name, const char *value);
/* Which system the test runs on, for the few assertions that name a platform's answer.
 * mt_os_is_wine(): Windows emulated by Wine (ntdll exports wine_get_version), where Wine's
 * answer is known to differ from Windows'. */
bool mt_os_is_windows(void);
bool mt_os_is_wine(void);
/* How many fds (handles) the process has open; for leak checks. */
int mt_open_handle_count(void);
/* True when the module at path is mapped into the process (without loading it). */
bool mt_module_is_loaded(const char *path);

/* --- Raw sockets: what the blocking peers are made of ----------------------------------- */

/* A blocking socket, not inherited by children. */
mio_fd_t mt_os_socket(int family, int type);
mio_fd_t mt_os_accept(mio_fd_t listener);
int mt_os_close(mio_fd_t fd);
/* 0 or a negative errno. */
int mt_os_setsockopt(mio_fd_t fd, int level, int name, const void *value, socklen_t len);
/* recv/send (read/write on a pipe fd on POSIX): the count or a negative errno. */
ssize_t mt_os_read(mio_fd_t fd, void *buf, size_t len);
ssize_t mt_os_write(mio_fd_t fd, const void *buf, size_t len);
ssize_t mt_os_send_oob(mio_fd_t fd, const void *buf, size_t len);
/* One buffer for mio_stream_readv/writev (struct iovec and WSABUF order their fields
 * differently). */
mio_iovec_t mt_iovec(void *base, size_t len);
/* shutdown(SHUT_WR). */
int mt_os_shutdown_write(mio_fd_t fd);
/* A receive timeout (SO_RCVTIMEO, whose type differs). */
int mt_os_set_recv_timeout(mio_fd_t fd, unsigned ms);
/* Waits up to ms for fd to become writable (poll(2), WSAPoll). */
void mt_os_wait_writable(mio_fd_t fd, int ms);
/* The last failed raw call's error as a negative errno (see the top of this file). */
int mt_os_last_error(void);
/* Words for the last failed raw call, for messages. */
const char *mt_os_error_text(void);
/* Non-blocking and not inherited: fails the test otherwise. Windows cannot read a socket's
 * FIONBIO mode back, so there only inheritance is checked; the would-block assertions of
 * the suites show the non-blocking mode. */
void mt_assert_nonblocking_cloexec(mio_fd_t fd);
/* A connected pair of non-blocking, non-inherited sockets of type (SOCK_STREAM or
 * SOCK_DGRAM): socketpair(AF_UNIX) on POSIX; on Windows two loopback TCP (or UDP) sockets
 * connected to each other, since AFD polls sockets only. */
void mt_socketpair(int type, mio_fd_t fds[2]);
/* A non-blocking pipe: [0] reads, [1] writes. On Windows a loopback TCP pair plays it
 * (again: AFD polls sockets only), so there the read end is also writable. */
void mt_pipe(mio_fd_t fds[2]);

#ifndef _WIN32
/* --- POSIX only ------------------------------------------------------------------------ */

/* RLIMIT_NOFILE's soft limit: mt_fd_limit_set(n) lets the process hold fds below n only
 * (n = mt_fd_lowest_free(): nothing more can be opened, the next open() says EMFILE);
 * mt_fd_limit_restore() puts back the limit the test started with. */
int mt_fd_lowest_free(void);
void mt_fd_limit_set(unsigned long n);
void mt_fd_limit_restore(void);
/* A blocking, close-on-exec pipe, as Rust's std::process makes them. */
void mt_pipe_cloexec(int fds[2]);
/* environ, for posix_spawn: glibc declares it in <unistd.h> (_GNU_SOURCE), macOS only
 * through _NSGetEnviron(). */
#ifdef __APPLE__
#include <crt_externs.h>
#define environ (*_NSGetEnviron())
#endif
#endif

#endif
