/* SPDX-License-Identifier: MIT */
/* Helpers shared by the socket test ports: loopback addresses and blocking peers. */
#ifndef NET_UTIL_H
#define NET_UTIL_H

#include "test-util.h"

#include <mio/net.h>


/* --- Inet socket helpers (TCP/UDP ports: test-tcp*.c, test-udp-socket.c, test-net-*.c) ---- */

#include <errno.h>
#include <string.h>

/* An address with its length, so one value can be passed around. */
struct mt_inet_addr {
	struct sockaddr_storage ss;
	socklen_t len;
};
#define MT_SOCKADDR(a) ((const struct sockaddr *)&(a)->ss), (a)->len

/* 127.0.0.1:0 and [::1]:0 (mio's any_local_address / any_local_ipv6_address). Skip the
 * test, saying why, where that loopback address does not work (lo down). */
struct mt_inet_addr mt_inet_any_local(void);
struct mt_inet_addr mt_inet_any_local_ipv6(void);
/* getsockname / getpeername through libmio; fails the test on error. */
struct mt_inet_addr mt_inet_local_addr(mio_fd_t fd);
struct mt_inet_addr mt_inet_peer_addr(mio_fd_t fd);
/* Same family, port and IP. */
bool mt_inet_addr_eq(const struct mt_inet_addr *a, const struct mt_inet_addr *b);
bool mt_inet_addr_is_loopback(const struct mt_inet_addr *a);
/* Same IP (ports may differ). */
bool mt_inet_ip_eq(const struct mt_inet_addr *a, const struct mt_inet_addr *b);
#define mt_assert_inet_addr_eq(a, b)                                                         \
	mt_assert(mt_inet_addr_eq((a), (b)), "%s != %s", #a, #b)

/* libmio sockets, checked to be non-blocking and close-on-exec; fail the test on error. */
mio_fd_t mt_tcp_listener(const struct mt_inet_addr *addr);
mio_fd_t mt_tcp_connect(const struct mt_inet_addr *addr);
/* Accepts one pending connection (which must be there); ret_peer may be NULL. */
mio_fd_t mt_tcp_accept(mio_fd_t listener, struct mt_inet_addr *ret_peer);
mio_fd_t mt_udp_bind(const struct mt_inet_addr *addr);
/* Closes a libmio fd (mio_close), failing the test on error. */
void mt_close(mio_fd_t fd);

/* Accepts a pending connection and checks it like mio's listener tests: the peer is loopback,
 * the stream's peer address is the peer and its local address is listener_addr. */
mio_fd_t mt_tcp_accept_checked(mio_fd_t listener, const struct mt_inet_addr *listener_addr);
/* mio's write_all on a non-blocking stream: every write must succeed (-EAGAIN fails too). */
void mt_stream_write_all(mio_fd_t fd, const void *buf, size_t len);

/* Registry calls on poll's own registry that must succeed. */
void mt_register(struct mio_poll *poll, mio_fd_t fd, mio_token_t token, mio_interest_t interest);
void mt_reregister(struct mio_poll *poll, mio_fd_t fd, mio_token_t token, mio_interest_t interest);
void mt_deregister(struct mio_poll *poll, mio_fd_t fd);

/* Option round trips (mio's set_get_* tests): set value and read it back / just read it. */
void mt_check_set_get_u32(mio_fd_t fd, int (*set)(mio_fd_t, uint32_t),
			  int (*get)(mio_fd_t, uint32_t *), uint32_t value);
void mt_check_get_u32(mio_fd_t fd, int (*get)(mio_fd_t, uint32_t *));

/* The payloads of mio's socket tests. */
#define MT_DATA1 "Hello world!"
#define MT_DATA2 "Hello mars!"
#define MT_DATA1_LEN (sizeof(MT_DATA1) - 1)
#define MT_DATA2_LEN (sizeof(MT_DATA2) - 1)

/* expr is a libmio call that must fail with -EAGAIN (mio's assert_would_block). */
#define mt_assert_would_block(expr) mt_assert_err((expr), -EAGAIN)
/* take_error() is Ok(None). */
void mt_assert_no_socket_error(mio_fd_t fd);
/* mio's checked_write!: expr returns the byte count, which must be len. */
#define mt_checked_write(expr, len)                                                          \
	do {                                                                                 \
		ssize_t mt_w_ = (expr);                                                      \
		mt_assert_ok(mt_w_);                                                         \
		mt_assert_eq(mt_w_, (ssize_t)(len));                                         \
	} while (0)
/* mio's expect_read!: expr reads into buf and must return exactly the len bytes of data. */
#define mt_expect_read(expr, buf, data, len)                                                 \
	do {                                                                                 \
		ssize_t mt_n_ = (expr);                                                      \
		mt_assert_ok(mt_n_);                                                         \
		mt_assert_eq(mt_n_, (ssize_t)(len));                                         \
		mt_assert(memcmp((buf), (data), (size_t)(len)) == 0, "%s: wrong data", #expr); \
	} while (0)

/* Polls (1 s at a time, 10 s at most, then fails) until an event with token has every flag
 * in ready (0: any event); returns it, valid until the next poll. mio's `'outer: loop`. */
const struct mio_event *mt_poll_until(struct mio_poll *poll, struct mio_events *events,
				      mio_token_t token, unsigned ready);
/* One poll of ms milliseconds that must return no event (mio's poll + assert is_empty, for
 * timeouts other than expect_no_events' 50 ms). */
void mt_expect_no_events_within(struct mio_poll *poll, struct mio_events *events, unsigned ms);
/* Polls (infinite timeout) until the batch is not empty; returns its length. */
size_t mt_poll_nonempty(struct mio_poll *poll, struct mio_events *events);

/* --- Peers: plain blocking sockets (mt-os.h), usable on helper threads ------------------ */

/* mt_assert works on the test's own thread only: a helper thread that fails a check
 * prints it and aborts the process, so the test fails as crashed. */
_Noreturn void mt_peer_fail(const char *file, int line, const char *fmt, ...)
	MT_PRINTF(3, 4);
#define mt_peer_assert(cond, ...)                                                            \
	do {                                                                                 \
		if (!(cond))                                                                 \
			mt_peer_fail(__FILE__, __LINE__, __VA_ARGS__);                       \
	} while (0)
/* A raw call (mt-os.h) that returns a negative errno on failure. */
#define mt_peer_sys(expr)                                                                    \
	do {                                                                                 \
		long long mt_ps_ = (long long)(expr);                                        \
		mt_peer_assert(mt_ps_ >= 0, "%s: %s", #expr, mt_os_error_text());           \
	} while (0)
/* A libmio call (negative errno on failure). */
#define mt_peer_ok(expr)                                                                     \
	do {                                                                                 \
		long long mt_pr_ = (long long)(expr);                                        \
		mt_peer_assert(mt_pr_ >= 0, "%s: %s", #expr, mio_strerror((int)mt_pr_));     \
	} while (0)

/* Blocking listener on addr (port 0: read it back with ret_addr, may be NULL). */
mio_fd_t mt_peer_listen(const struct mt_inet_addr *addr, struct mt_inet_addr *ret_addr);
mio_fd_t mt_peer_connect(const struct mt_inet_addr *addr);
mio_fd_t mt_peer_accept(mio_fd_t listener);
mio_fd_t mt_peer_udp_bind(const struct mt_inet_addr *addr);
void mt_peer_close(mio_fd_t fd);
/* SO_LINGER 0: close sends a RST (mio's set_linger_zero). */
void mt_set_linger_zero(mio_fd_t fd);

/* The body of regressions.rs issue_776 and poll.rs drop_cancels_interest_and_shuts_down (the
 * same test in mio): a stream connects to a blocking peer, waits for its first event, a read
 * would block, then closing the stream must end the peer's read (within 5 s) with EOF. */
void mt_run_close_after_would_block(void);

#if !defined(_WIN32)

/* --- Unix socket helpers (test-unix-*.c, test-pipe.c; net-util-unix.c) ------------------- */

#include <sys/un.h>

#define MT_SUN_PATH_SIZE sizeof(((struct sockaddr_un *)0)->sun_path)

/* A fresh directory for socket files, one per test (mkdtemp under /tmp, short enough for
 * sun_path); mt_tempdir_remove() removes it with everything in it. */
struct mt_tempdir {
	char path[32];
};
/* A path that fits sun_path (with its NUL). */
struct mt_unix_path {
	char s[MT_SUN_PATH_SIZE];
};
/* A path one byte longer than fits: strlen == MT_SUN_PATH_SIZE. */
struct mt_unix_long_path {
	char s[MT_SUN_PATH_SIZE + 1];
};
struct mt_tempdir mt_tempdir_new(void);
/* dir/name; fails the test if it does not fit sun_path. */
struct mt_unix_path mt_tempdir_path(const struct mt_tempdir *dir, const char *name);
/* The longest path in dir that still fits: strlen == MT_SUN_PATH_SIZE - 1. */
struct mt_unix_long_path mt_tempdir_longest_path(const struct mt_tempdir *dir);
void mt_tempdir_remove(struct mt_tempdir *dir);
/* A path that cannot be a Unix socket address (too long by one byte). */
struct mt_unix_long_path mt_unix_too_long_path(void);

/* What most Unix socket tests start with: mio's init_with_poll (a poll on the backend under
 * test, 16 events) and a fresh directory. mt_unix_env_free() frees all three. */
struct mt_unix_env {
	struct mio_poll *poll;
	struct mio_events *events;
	struct mt_tempdir dir;
};
struct mt_unix_env mt_unix_env_new(void);
void mt_unix_env_free(struct mt_unix_env *env);

/* libmio Unix sockets on path, checked to be non-blocking and close-on-exec; fail the test
 * on error. */
mio_fd_t mt_unix_listener(const char *path);
mio_fd_t mt_unix_stream_connect(const char *path);
mio_fd_t mt_unix_datagram(const char *path);
/* Adopts an fd made elsewhere (mio's from_std / From<ChildStdout>): makes it non-blocking
 * with mio_fd_set_nonblocking() and returns it. */
mio_fd_t mt_adopt(int fd);

/* An abstract address with a name unique to this test ("mio-abstract-uds-<pid>-<n>"),
 * also written NUL-terminated to name. Where there is no abstract namespace (macOS, the
 * BSDs) it checks that libmio says -ENOTSUP and skips the test. */
struct mio_unix_addr mt_unique_abstract_addr(char *name, size_t size);
/* getsockname / getpeername through libmio; fail the test on error. */
struct mio_unix_addr mt_unix_local_addr(mio_fd_t fd);
struct mio_unix_addr mt_unix_peer_addr(mio_fd_t fd);
/* addr is a pathname address for path / an abstract address for name (NUL-free). */
void mt_assert_unix_pathname(const struct mio_unix_addr *addr, const char *path);
void mt_assert_unix_abstract(const struct mio_unix_addr *addr, const char *name);

/* Peers: Unix sockets from raw syscalls, like Rust std's (blocking, close-on-exec); usable
 * on helper threads. name is a path, or "@x" for the abstract name "x". */
int mt_peer_unix_socket(int type);
void mt_peer_unix_bind(int fd, const char *name);
/* A blocking connect. */
void mt_peer_unix_connect(int fd, const char *name);
/* socket + bind + listen */
int mt_peer_unix_listen(const char *name);
/* socket + connect */
int mt_peer_unix_stream_connect(const char *name);

#endif /* !_WIN32 */

#endif
