/* SPDX-License-Identifier: MIT */
/* Port of mio's tests/unix_datagram.rs (v0.8.11), plus libmio's checks of unbound and
 * abstract-namespace datagram sockets and of over-long paths.
 *
 * not ported: is_send_and_sync: a Rust trait check; C has no Send/Sync (net.h states the
 *   thread-safety rules instead).
 *
 * mio's "from_std" variants use sockets made with raw syscalls the way Rust's std makes
 * them (blocking, close-on-exec), adopted with mio_fd_set_nonblocking().
 */
#include "net-util.h"

#include <stdio.h>

static const char DATA1[] = "Hello same host!";
static const char DATA2[] = "Why hello mio!";
#define DATA1_LEN (sizeof(DATA1) - 1)
#define DATA2_LEN (sizeof(DATA2) - 1)
#define DEFAULT_BUF_SIZE 64
#define TOKEN_1 ((mio_token_t)0)
#define TOKEN_2 ((mio_token_t)1)

/* std::os::unix::net::UnixDatagram::bind(path): blocking until adopted with mt_adopt(). */
static mio_fd_t
bind_std_datagram(const char *path)
{
	int fd = mt_peer_unix_socket(SOCK_DGRAM);
	mt_peer_unix_bind(fd, path);
	return fd;
}

static void
register_rw(struct mio_poll *poll, mio_fd_t d1, mio_fd_t d2)
{
	mio_interest_t rw = MIO_INTEREST_READABLE | MIO_INTEREST_WRITABLE;
	mt_register(poll, d1, TOKEN_1, rw);
	mt_register(poll, d2, TOKEN_2, rw);
}

/* The path of a socket bound to one. */
static struct mt_unix_path
local_path(mio_fd_t fd)
{
	struct mio_unix_addr addr = mt_unix_local_addr(fd);
	size_t len;
	const char *path = mio_unix_addr_pathname(&addr, &len);
	mt_assert(path && len < sizeof(struct mt_unix_path), "failed to get pathname");
	struct mt_unix_path p;
	memcpy(p.s, path, len);
	p.s[len] = '\0';
	return p;
}

/* Takes ownership of both sockets, like mio's smoke_test_unconnected. */
static void
smoke_test_unconnected(struct mt_unix_env *env, mio_fd_t d1, mio_fd_t d2)
{
	struct mio_poll *poll = env->poll;
	struct mio_events *events = env->events;

	mt_assert_nonblocking_cloexec(d1);
	mt_assert_nonblocking_cloexec(d2);

	struct mt_unix_path path1 = local_path(d1);
	struct mt_unix_path path2 = local_path(d2);

	register_rw(poll, d1, d2);
	MT_EXPECT_EVENTS(poll, events, { TOKEN_1, MT_WRITABLE }, { TOKEN_2, MT_WRITABLE });

	char buf[DEFAULT_BUF_SIZE];
	mt_assert_would_block(mio_unix_datagram_recv_from(d1, buf, sizeof(buf), NULL));
	mt_assert_would_block(mio_unix_datagram_recv_from(d2, buf, sizeof(buf), NULL));

	mt_checked_write(mio_unix_datagram_send_to(d1, DATA1, DATA1_LEN, path2.s), DATA1_LEN);
	mt_checked_write(mio_unix_datagram_send_to(d2, DATA2, DATA2_LEN, path1.s), DATA2_LEN);
	MT_EXPECT_EVENTS(poll, events, { TOKEN_1, MT_READABLE }, { TOKEN_2, MT_READABLE });

	struct mio_unix_addr from;
	mt_expect_read(mio_unix_datagram_recv_from(d1, buf, sizeof(buf), &from), buf, DATA2,
		       DATA2_LEN);
	mt_assert_unix_pathname(&from, path2.s);
	mt_expect_read(mio_unix_datagram_recv_from(d2, buf, sizeof(buf), &from), buf, DATA1,
		       DATA1_LEN);
	mt_assert_unix_pathname(&from, path1.s);

	mt_assert_no_socket_error(d1);
	mt_assert_no_socket_error(d2);

	mt_close(d1);
	mt_close(d2);
}

/* The part mio's smoke_test_connected and unix_datagram_pair share, on two connected
 * sockets: both registered R|W become writable, recv would block, each sends and the other
 * becomes readable and receives, no error is pending. Closes both. */
static void
connected_exchange(struct mio_poll *poll, struct mio_events *events, mio_fd_t d1, mio_fd_t d2)
{
	register_rw(poll, d1, d2);
	MT_EXPECT_EVENTS(poll, events, { TOKEN_1, MT_WRITABLE }, { TOKEN_2, MT_WRITABLE });

	char buf[DEFAULT_BUF_SIZE];
	mt_assert_would_block(mio_unix_datagram_recv(d1, buf, sizeof(buf)));
	mt_assert_would_block(mio_unix_datagram_recv(d2, buf, sizeof(buf)));

	mt_checked_write(mio_unix_datagram_send(d1, DATA1, DATA1_LEN), DATA1_LEN);
	mt_checked_write(mio_unix_datagram_send(d2, DATA2, DATA2_LEN), DATA2_LEN);
	MT_EXPECT_EVENTS(poll, events, { TOKEN_1, MT_READABLE }, { TOKEN_2, MT_READABLE });

	mt_expect_read(mio_unix_datagram_recv(d1, buf, sizeof(buf)), buf, DATA2, DATA2_LEN);
	mt_expect_read(mio_unix_datagram_recv(d2, buf, sizeof(buf)), buf, DATA1, DATA1_LEN);

	mt_assert_no_socket_error(d1);
	mt_assert_no_socket_error(d2);

	mt_close(d1);
	mt_close(d2);
}

/* Takes ownership of both sockets, like mio's smoke_test_connected. */
static void
smoke_test_connected(struct mt_unix_env *env, mio_fd_t d1, mio_fd_t d2)
{
	mt_assert_nonblocking_cloexec(d1);
	mt_assert_nonblocking_cloexec(d2);

	struct mt_unix_path local_path1 = local_path(d1);
	struct mt_unix_path local_path2 = local_path(d2);
	struct mio_unix_addr peer1 = mt_unix_peer_addr(d1);
	struct mio_unix_addr peer2 = mt_unix_peer_addr(d2);
	mt_assert_unix_pathname(&peer2, local_path1.s);
	mt_assert_unix_pathname(&peer1, local_path2.s);

	connected_exchange(env->poll, env->events, d1, d2);
}

MT_TEST(unix_datagram, unix_datagram_smoke_unconnected)
{
	struct mt_unix_env env = mt_unix_env_new();
	struct mt_unix_path path1 = mt_tempdir_path(&env.dir, "unix_datagram_smoke_unconnected1");
	struct mt_unix_path path2 = mt_tempdir_path(&env.dir, "unix_datagram_smoke_unconnected2");

	smoke_test_unconnected(&env, mt_unix_datagram(path1.s), mt_unix_datagram(path2.s));

	mt_unix_env_free(&env);
}

MT_TEST(unix_datagram, unix_datagram_smoke_connected)
{
	struct mt_unix_env env = mt_unix_env_new();
	struct mt_unix_path path1 = mt_tempdir_path(&env.dir, "unix_datagram_smoke_connected1");
	struct mt_unix_path path2 = mt_tempdir_path(&env.dir, "unix_datagram_smoke_connected2");

	mio_fd_t d1 = mt_unix_datagram(path1.s);
	mio_fd_t d2 = mt_unix_datagram(path2.s);
	mt_assert_ok(mio_unix_datagram_connect(d1, path2.s));
	mt_assert_ok(mio_unix_datagram_connect(d2, path1.s));
	smoke_test_connected(&env, d1, d2);

	mt_unix_env_free(&env);
}

MT_TEST(unix_datagram, unix_datagram_smoke_unconnected_from_std)
{
	struct mt_unix_env env = mt_unix_env_new();
	struct mt_unix_path path1 =
		mt_tempdir_path(&env.dir, "unix_datagram_smoke_unconnected_from_std1");
	struct mt_unix_path path2 =
		mt_tempdir_path(&env.dir, "unix_datagram_smoke_unconnected_from_std2");

	int d1 = bind_std_datagram(path1.s);
	int d2 = bind_std_datagram(path2.s);
	smoke_test_unconnected(&env, mt_adopt(d1), mt_adopt(d2));

	mt_unix_env_free(&env);
}

MT_TEST(unix_datagram, unix_datagram_smoke_connected_from_std)
{
	struct mt_unix_env env = mt_unix_env_new();
	struct mt_unix_path path1 =
		mt_tempdir_path(&env.dir, "unix_datagram_smoke_connected_from_std1");
	struct mt_unix_path path2 =
		mt_tempdir_path(&env.dir, "unix_datagram_smoke_connected_from_std2");

	int d1 = bind_std_datagram(path1.s);
	int d2 = bind_std_datagram(path2.s);
	mt_peer_unix_connect(d1, path2.s);
	mt_peer_unix_connect(d2, path1.s);
	smoke_test_connected(&env, mt_adopt(d1), mt_adopt(d2));

	mt_unix_env_free(&env);
}

MT_TEST(unix_datagram, unix_datagram_connect)
{
	struct mt_unix_env env = mt_unix_env_new();
	mio_fd_t d1 = mt_unix_datagram(mt_tempdir_path(&env.dir, "unix_datagram_connect1").s);
	struct mt_unix_path d1_path = local_path(d1);
	mio_fd_t d2 = mt_unix_datagram(mt_tempdir_path(&env.dir, "unix_datagram_connect2").s);
	struct mt_unix_path d2_path = local_path(d2);

	mt_assert_ok(mio_unix_datagram_connect(d1, d1_path.s));
	mt_assert_ok(mio_unix_datagram_connect(d2, d2_path.s));

	mt_close(d1);
	mt_close(d2);
	mt_unix_env_free(&env);
}

MT_TEST(unix_datagram, unix_datagram_pair)
{
	struct mio_poll *poll = mt_poll_new();
	struct mio_events *events = mt_events_new(16);

	mio_fd_t d1, d2;
	mt_assert_ok(mio_unix_datagram_pair(&d1, &d2));
	mt_assert_nonblocking_cloexec(d1);
	mt_assert_nonblocking_cloexec(d2);
	connected_exchange(poll, events, d1, d2);

	mio_events_free(events);
	mio_poll_free(poll);
}

MT_TEST(unix_datagram, unix_datagram_shutdown)
{
	struct mt_unix_env env = mt_unix_env_new();
	struct mt_unix_path path1 = mt_tempdir_path(&env.dir, "unix_datagram_shutdown1");
	struct mt_unix_path path2 = mt_tempdir_path(&env.dir, "unix_datagram_shutdown2");

	mio_fd_t d1 = mt_unix_datagram(path1.s);
	mio_fd_t d2 = mt_unix_datagram(path2.s);
	register_rw(env.poll, d1, d2);

	mt_assert_ok(mio_unix_datagram_connect(d1, path2.s));
	MT_EXPECT_EVENTS(env.poll, env.events, { TOKEN_1, MT_WRITABLE });

	mt_checked_write(mio_unix_datagram_send(d1, DATA1, DATA1_LEN), DATA1_LEN);
	MT_EXPECT_EVENTS(env.poll, env.events, { TOKEN_2, MT_READABLE });

	mt_assert_ok(mio_socket_shutdown(d1, MIO_SHUTDOWN_READ));
	MT_EXPECT_EVENTS(env.poll, env.events, { TOKEN_1, MT_READ_CLOSED });

	mt_assert_ok(mio_socket_shutdown(d1, MIO_SHUTDOWN_WRITE));
	MT_EXPECT_EVENTS(env.poll, env.events, { TOKEN_1, MT_WRITE_CLOSED });

	mt_assert_err(mio_unix_datagram_send(d1, DATA2, DATA2_LEN), -EPIPE);

	mt_assert_no_socket_error(d1);

	mt_close(d1);
	mt_close(d2);
	mt_unix_env_free(&env);
}

MT_TEST(unix_datagram, unix_datagram_register)
{
	struct mt_unix_env env = mt_unix_env_new();

	mio_fd_t d = mt_unix_datagram(mt_tempdir_path(&env.dir, "unix_datagram_register").s);
	mt_register(env.poll, d, TOKEN_1, MIO_INTEREST_READABLE);
	mt_expect_no_events(env.poll, env.events);

	mt_close(d);
	mt_unix_env_free(&env);
}

/* The start of mio's reregister and deregister tests: d1 is bound to path1 and registered
 * with interest; d2, bound to path2, connects to d1. */
static void
register_then_connect(struct mt_unix_env *env, const char *test_name, mio_interest_t interest,
		      mio_fd_t *ret_d1, mio_fd_t *ret_d2)
{
	char name[64];
	snprintf(name, sizeof(name), "%s1", test_name);
	struct mt_unix_path path1 = mt_tempdir_path(&env->dir, name);
	snprintf(name, sizeof(name), "%s2", test_name);
	struct mt_unix_path path2 = mt_tempdir_path(&env->dir, name);

	*ret_d1 = mt_unix_datagram(path1.s);
	mt_register(env->poll, *ret_d1, TOKEN_1, interest);

	*ret_d2 = mt_unix_datagram(path2.s);
	mt_assert_ok(mio_unix_datagram_connect(*ret_d2, path1.s));
}

MT_TEST(unix_datagram, unix_datagram_reregister)
{
	struct mt_unix_env env = mt_unix_env_new();
	mio_fd_t d1, d2;
	register_then_connect(&env, "unix_datagram_reregister", MIO_INTEREST_READABLE, &d1, &d2);

	mt_reregister(env.poll, d1, TOKEN_1, MIO_INTEREST_WRITABLE);
	MT_EXPECT_EVENTS(env.poll, env.events, { TOKEN_1, MT_WRITABLE });

	mt_close(d1);
	mt_close(d2);
	mt_unix_env_free(&env);
}

MT_TEST(unix_datagram, unix_datagram_deregister)
{
	struct mt_unix_env env = mt_unix_env_new();
	mio_fd_t d1, d2;
	register_then_connect(&env, "unix_datagram_deregister", MIO_INTEREST_WRITABLE, &d1, &d2);

	mt_deregister(env.poll, d1);
	mt_expect_no_events(env.poll, env.events);

	mt_close(d1);
	mt_close(d2);
	mt_unix_env_free(&env);
}

/* --- libmio additions ------------------------------------------------------------------ */

/* An unbound socket can send_to; its own address and the one the receiver gets are
 * unnamed. */
MT_TEST(unix_datagram, unix_datagram_unbound_sender_is_unnamed)
{
	struct mt_tempdir dir = mt_tempdir_new();
	struct mt_unix_path path = mt_tempdir_path(&dir, "receiver");

	mio_fd_t receiver = mt_unix_datagram(path.s);
	mio_fd_t sender = -1;
	mt_assert_ok(mio_unix_datagram_unbound(&sender));
	mt_assert_nonblocking_cloexec(sender);
	struct mio_unix_addr local = mt_unix_local_addr(sender);
	mt_assert_eq(mio_unix_addr_kind(&local), MIO_UNIX_ADDR_UNNAMED);
	mt_assert(!mio_unix_addr_pathname(&local, NULL), "unnamed address has no pathname");
	mt_assert(!mio_unix_addr_abstract(&local, NULL), "unnamed address has no abstract name");
	mt_assert_err(mio_unix_socket_peer_addr(sender, &local), -ENOTCONN);

	mt_checked_write(mio_unix_datagram_send_to(sender, DATA1, DATA1_LEN, path.s), DATA1_LEN);
	char buf[DEFAULT_BUF_SIZE];
	struct mio_unix_addr from;
	mt_expect_read(mio_unix_datagram_recv_from(receiver, buf, sizeof(buf), &from), buf, DATA1,
		       DATA1_LEN);
	mt_assert_eq(mio_unix_addr_kind(&from), MIO_UNIX_ADDR_UNNAMED);

	mt_close(sender);
	mt_close(receiver);
	mt_tempdir_remove(&dir);
}

/* Datagram sockets bound to abstract names: local address, recv_from's sender address,
 * send_to_addr and connect_addr by abstract name. */
MT_TEST(unix_datagram, unix_datagram_abstract_namespace)
{
	struct mio_poll *poll = mt_poll_new();
	struct mio_events *events = mt_events_new(16);
	char name1[64], name2[64];
	struct mio_unix_addr addr1 = mt_unique_abstract_addr(name1, sizeof(name1));
	struct mio_unix_addr addr2 = mt_unique_abstract_addr(name2, sizeof(name2));

	mio_fd_t d1, d2;
	mt_assert_ok(mio_unix_datagram_bind_addr(&addr1, &d1));
	mt_assert_ok(mio_unix_datagram_bind_addr(&addr2, &d2));
	mt_assert_nonblocking_cloexec(d1);
	mt_assert_nonblocking_cloexec(d2);
	struct mio_unix_addr local = mt_unix_local_addr(d1);
	mt_assert_unix_abstract(&local, name1);
	register_rw(poll, d1, d2);
	MT_EXPECT_EVENTS(poll, events, { TOKEN_1, MT_WRITABLE }, { TOKEN_2, MT_WRITABLE });

	mt_checked_write(mio_unix_datagram_send_to_addr(d1, DATA1, DATA1_LEN, &addr2), DATA1_LEN);
	MT_EXPECT_EVENTS(poll, events, { TOKEN_2, MT_READABLE });
	char buf[DEFAULT_BUF_SIZE];
	struct mio_unix_addr from;
	mt_expect_read(mio_unix_datagram_recv_from(d2, buf, sizeof(buf), &from), buf, DATA1,
		       DATA1_LEN);
	mt_assert_unix_abstract(&from, name1);
	mt_assert_would_block(mio_unix_datagram_recv_from(d2, buf, sizeof(buf), &from));

	mt_assert_ok(mio_unix_datagram_connect_addr(d2, &addr1));
	struct mio_unix_addr peer = mt_unix_peer_addr(d2);
	mt_assert_unix_abstract(&peer, name1);
	mt_checked_write(mio_unix_datagram_send(d2, DATA2, DATA2_LEN), DATA2_LEN);
	MT_EXPECT_EVENTS(poll, events, { TOKEN_1, MT_READABLE });
	mt_expect_read(mio_unix_datagram_recv(d1, buf, sizeof(buf)), buf, DATA2, DATA2_LEN);

	mt_close(d1);
	mt_close(d2);
	mio_events_free(events);
	mio_poll_free(poll);
}

/* A path that does not fit sun_path is -EINVAL everywhere a path is taken. */
MT_TEST(unix_datagram, unix_datagram_path_too_long)
{
	struct mt_unix_long_path too_long = mt_unix_too_long_path();
	mio_fd_t fd;
	mt_assert_err(mio_unix_datagram_bind(too_long.s, &fd), -EINVAL);

	mt_assert_ok(mio_unix_datagram_unbound(&fd));
	mt_assert_err(mio_unix_datagram_connect(fd, too_long.s), -EINVAL);
	mt_assert_err(mio_unix_datagram_send_to(fd, DATA1, DATA1_LEN, too_long.s), -EINVAL);
	mt_close(fd);
}
