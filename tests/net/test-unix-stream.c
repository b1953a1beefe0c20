/* SPDX-License-Identifier: MIT */
/* Port of mio's tests/unix_stream.rs (v0.8.11), plus libmio's over-long path check.
 *
 * not ported: unix_stream_send_and_sync: a Rust trait check; C has no Send/Sync (net.h
 *   states the thread-safety rules instead).
 *
 * mio's std peers (echo listener, no-op listener, accepting thread) are threads with plain
 * blocking sockets. The BSD/Apple-only assertions of the shutdown tests are left out, as
 * mio leaves them out on Linux.
 */
#include "net-util.h"

#include <unistd.h>

static const char DATA1[] = "Hello same host!";
static const char DATA2[] = "Why hello mio!";
#define DATA1_LEN (sizeof(DATA1) - 1)
#define DATA2_LEN (sizeof(DATA2) - 1)
#define DEFAULT_BUF_SIZE 64
#define TOKEN_1 ((mio_token_t)0)
#define TOKEN_2 ((mio_token_t)1)

/* A blocking listener on a fresh path and the thread serving it (mio's new_echo_listener
 * and new_noop_listener). The listener is bound before the thread starts, so the path can
 * be used at once, as mio's channel ensures. */
struct peer_listener {
	struct mt_unix_path path;
	int listener;
	struct mt_barrier *barrier; /* the no-op listener's */
	struct mt_thread *thread;
};

static void
start_listener(struct peer_listener *l, const struct mt_tempdir *dir, const char *test_name,
	       void *(*serve)(void *))
{
	l->path = mt_tempdir_path(dir, test_name);
	l->listener = mt_peer_unix_listen(l->path.s);
	l->barrier = mt_barrier_new(2);
	l->thread = mt_thread_spawn(serve, l);
}

/* handle.join(), then the listener goes. */
static void
join_listener(struct peer_listener *l)
{
	mt_thread_join(l->thread);
	mt_barrier_free(l->barrier);
	mt_peer_close(l->listener);
}

/* Echoes one connection until end of stream (or a reset: on Linux shutting down the peer's
 * reading side resets the connection, which mio does not count as an error). */
static void *
echo_one_connection(void *arg)
{
	struct peer_listener *l = arg;
	int stream = mt_peer_accept(l->listener);
	size_t read_total = 0, written = 0;
	char buf[DEFAULT_BUF_SIZE];
	for (;;) {
		ssize_t n = read(stream, buf, sizeof(buf));
		if (n < 0 && errno == ECONNRESET)
			break;
		mt_peer_sys(n);
		if (n == 0)
			break;
		read_total += (size_t)n;
		ssize_t w = send(stream, buf, (size_t)n, MSG_NOSIGNAL);
		if (w < 0 && errno == EPIPE)
			break;
		mt_peer_sys(w);
		written += (size_t)w;
	}
	mt_peer_assert(read_total == written, "unequal reads and writes");
	mt_peer_close(stream);
	return NULL;
}

static void
new_echo_listener(struct peer_listener *l, const struct mt_unix_env *env, const char *test_name)
{
	start_listener(l, &env->dir, test_name, echo_one_connection);
}

/* Accepts one connection, and between two barrier waits shuts down its writing side. */
static void *
shutdown_write_one_connection(void *arg)
{
	struct peer_listener *l = arg;
	int stream = mt_peer_accept(l->listener);
	mt_barrier_wait(l->barrier);
	mt_peer_sys(shutdown(stream, SHUT_WR));
	mt_barrier_wait(l->barrier);
	mt_peer_close(stream);
	return NULL;
}

/* UnixStream::from_std(std::os::unix::net::UnixStream::connect(path)) after
 * set_nonblocking(true). */
static mio_fd_t
connect_std_stream(const char *path)
{
	return mt_adopt(mt_peer_unix_stream_connect(path));
}

static void
smoke_test(mio_fd_t (*connect)(const char *path), const char *test_name)
{
	struct mt_unix_env env = mt_unix_env_new();
	struct peer_listener remote;
	new_echo_listener(&remote, &env, test_name);

	mio_fd_t stream = connect(remote.path.s);
	mt_assert_nonblocking_cloexec(stream);

	mt_register(env.poll, stream, TOKEN_1, MIO_INTEREST_WRITABLE | MIO_INTEREST_READABLE);
	MT_EXPECT_EVENTS(env.poll, env.events, { TOKEN_1, MT_WRITABLE });

	char buf[DEFAULT_BUF_SIZE];
	mt_assert_would_block(mio_stream_read(stream, buf, sizeof(buf)));

	mt_checked_write(mio_stream_write(stream, DATA1, DATA1_LEN), DATA1_LEN);
	MT_EXPECT_EVENTS(env.poll, env.events, { TOKEN_1, MT_READABLE });

	mt_expect_read(mio_stream_read(stream, buf, sizeof(buf)), buf, DATA1, DATA1_LEN);

	mt_assert_no_socket_error(stream);

	mt_assert_would_block(mio_stream_read(stream, buf, sizeof(buf)));

	const struct iovec out[] = {
		{ .iov_base = (void *)DATA1, .iov_len = DATA1_LEN },
		{ .iov_base = (void *)DATA2, .iov_len = DATA2_LEN },
	};
	mt_assert_eq(mio_stream_writev(stream, out, 2), (ssize_t)(DATA1_LEN + DATA2_LEN));
	MT_EXPECT_EVENTS(env.poll, env.events, { TOKEN_1, MT_READABLE });

	char buf1[DATA1_LEN], buf2[DATA2_LEN + 1];
	memset(buf1, 1, sizeof(buf1));
	memset(buf2, 2, sizeof(buf2));
	const struct iovec in[] = { { .iov_base = buf1, .iov_len = sizeof(buf1) },
				    { .iov_base = buf2, .iov_len = sizeof(buf2) } };
	mt_assert_eq(mio_stream_readv(stream, in, 2), (ssize_t)(DATA1_LEN + DATA2_LEN));
	mt_assert(memcmp(buf1, DATA1, DATA1_LEN) == 0, "first buffer");
	mt_assert(memcmp(buf2, DATA2, DATA2_LEN) == 0, "second buffer");
	/* Last byte should be unchanged */
	mt_assert_eq(buf2[DATA2_LEN], 2);

	/* Close the connection to allow the remote to shutdown */
	mt_close(stream);
	join_listener(&remote);
	mt_unix_env_free(&env);
}

MT_TEST(unix_stream, unix_stream_smoke)
{
	smoke_test(mt_unix_stream_connect, "unix_stream_smoke");
}

/* The thread of mio's unix_stream_connect: accepts, waits on the barrier, drops. */
struct acceptor {
	int listener;
	struct mt_barrier *barrier;
};

static void *
accept_then_drop(void *arg)
{
	struct acceptor *a = arg;
	int stream = mt_peer_accept(a->listener);
	mt_barrier_wait(a->barrier);
	mt_peer_close(stream);
	return NULL;
}

/* The shared body of unix_stream_connect and unix_stream_connect_addr: stream was just
 * connected to listener, which a thread accepts from. */
static void
connect_test(struct mt_unix_env *env, mio_fd_t listener, mio_fd_t stream)
{
	struct acceptor a = { .listener = listener };
	a.barrier = mt_barrier_new(2);
	struct mt_thread *thread = mt_thread_spawn(accept_then_drop, &a);

	mt_register(env->poll, stream, TOKEN_1, MIO_INTEREST_READABLE | MIO_INTEREST_WRITABLE);
	MT_EXPECT_EVENTS(env->poll, env->events, { TOKEN_1, MT_WRITABLE });

	mt_barrier_wait(a.barrier);
	MT_EXPECT_EVENTS(env->poll, env->events, { TOKEN_1, MT_READABLE });

	mt_thread_join(thread);
	mt_barrier_free(a.barrier);
	mt_close(stream);
}

MT_TEST(unix_stream, unix_stream_connect)
{
	struct mt_unix_env env = mt_unix_env_new();
	struct mt_unix_path path = mt_tempdir_path(&env.dir, "unix_stream_connect");

	int listener = mt_peer_unix_listen(path.s);
	connect_test(&env, listener, mt_unix_stream_connect(path.s));

	mt_peer_close(listener);
	mt_unix_env_free(&env);
}

/* connect_addr with the address a libmio listener reports. */
MT_TEST(unix_stream, unix_stream_connect_addr)
{
	struct mt_unix_env env = mt_unix_env_new();
	struct mt_unix_path path = mt_tempdir_path(&env.dir, "unix_stream_connect_addr");

	mio_fd_t listener = mt_unix_listener(path.s);
	struct mio_unix_addr local_addr = mt_unix_local_addr(listener);
	mio_fd_t stream = -1;
	mt_assert_ok(mio_unix_stream_connect_addr(&local_addr, &stream));
	mt_assert_nonblocking_cloexec(stream);
	connect_test(&env, listener, stream);

	mt_close(listener);
	mt_unix_env_free(&env);
}

MT_TEST(unix_stream, unix_stream_from_std)
{
	smoke_test(connect_std_stream, "unix_stream_from_std");
}

MT_TEST(unix_stream, unix_stream_pair)
{
	struct mio_poll *poll = mt_poll_new();
	struct mio_events *events = mt_events_new(16);

	mio_fd_t s1 = -1, s2 = -1;
	mt_assert_ok(mio_unix_stream_pair(&s1, &s2));
	mt_assert_nonblocking_cloexec(s1);
	mt_assert_nonblocking_cloexec(s2);
	mt_register(poll, s1, TOKEN_1, MIO_INTEREST_READABLE | MIO_INTEREST_WRITABLE);
	mt_register(poll, s2, TOKEN_2, MIO_INTEREST_READABLE | MIO_INTEREST_WRITABLE);
	MT_EXPECT_EVENTS(poll, events, { TOKEN_1, MT_WRITABLE });

	char buf[DEFAULT_BUF_SIZE];
	mt_assert_would_block(mio_stream_read(s1, buf, sizeof(buf)));

	mt_checked_write(mio_stream_write(s1, DATA1, DATA1_LEN), DATA1_LEN);

	mt_expect_read(mio_stream_read(s2, buf, sizeof(buf)), buf, DATA1, DATA1_LEN);
	mt_assert_would_block(mio_stream_read(s2, buf, sizeof(buf)));

	mt_checked_write(mio_stream_write(s2, DATA2, DATA2_LEN), DATA2_LEN);

	mt_expect_read(mio_stream_read(s1, buf, sizeof(buf)), buf, DATA2, DATA2_LEN);
	mt_assert_would_block(mio_stream_read(s2, buf, sizeof(buf)));

	mt_close(s1);
	mt_close(s2);
	mio_events_free(events);
	mio_poll_free(poll);
}

/* The frame of every test below that talks to mio's echo listener: env, the listener,
 * a libmio stream connected to it; then body runs. At the end the stream is closed, which
 * lets the echo thread finish, and everything is freed. */
static void
with_echo_connection(const char *test_name,
		     void (*body)(struct mt_unix_env *env, mio_fd_t stream, const char *path))
{
	struct mt_unix_env env = mt_unix_env_new();
	struct peer_listener remote;
	new_echo_listener(&remote, &env, test_name);

	mio_fd_t stream = mt_unix_stream_connect(remote.path.s);
	body(&env, stream, remote.path.s);

	/* Close the connection to allow the remote to shutdown */
	mt_close(stream);
	join_listener(&remote);
	mt_unix_env_free(&env);
}

static void
peer_addr_body(struct mt_unix_env *env, mio_fd_t stream, const char *path)
{
	struct mio_unix_addr peer = mt_unix_peer_addr(stream);
	mt_assert_unix_pathname(&peer, path);
	struct mio_unix_addr local = mt_unix_local_addr(stream);
	mt_assert(!mio_unix_addr_pathname(&local, NULL), "unbound stream has a pathname");
	mt_assert_eq(mio_unix_addr_kind(&local), MIO_UNIX_ADDR_UNNAMED);
}

MT_TEST(unix_stream, unix_stream_peer_addr)
{
	with_echo_connection("unix_stream_peer_addr", peer_addr_body);
}

/* The start of mio's shutdown tests: register R|W, see it writable, write DATA1 and see
 * the echo make it readable. */
static void
echo_once(struct mt_unix_env *env, mio_fd_t stream)
{
	mt_register(env->poll, stream, TOKEN_1, MIO_INTEREST_READABLE | MIO_INTEREST_WRITABLE);
	MT_EXPECT_EVENTS(env->poll, env->events, { TOKEN_1, MT_WRITABLE });

	mt_checked_write(mio_stream_write(stream, DATA1, DATA1_LEN), DATA1_LEN);
	MT_EXPECT_EVENTS(env->poll, env->events, { TOKEN_1, MT_READABLE });
}

static void
shutdown_read_body(struct mt_unix_env *env, mio_fd_t stream, const char *path)
{
	echo_once(env, stream);

	mt_assert_ok(mio_socket_shutdown(stream, MIO_SHUTDOWN_READ));
	MT_EXPECT_EVENTS(env->poll, env->events, { TOKEN_1, MT_READ_CLOSED });
}

MT_TEST(unix_stream, unix_stream_shutdown_read)
{
	with_echo_connection("unix_stream_shutdown_read", shutdown_read_body);
}

static void
shutdown_write_body(struct mt_unix_env *env, mio_fd_t stream, const char *path)
{
	echo_once(env, stream);

	mt_assert_ok(mio_socket_shutdown(stream, MIO_SHUTDOWN_WRITE));

	mt_assert_err(mio_stream_write(stream, DATA2, DATA2_LEN), -EPIPE);

	/* Read should be ok */
	char buf[DEFAULT_BUF_SIZE];
	mt_expect_read(mio_stream_read(stream, buf, sizeof(buf)), buf, DATA1, DATA1_LEN);
}

MT_TEST(unix_stream, unix_stream_shutdown_write)
{
	with_echo_connection("unix_stream_shutdown_write", shutdown_write_body);
}

static void
shutdown_both_body(struct mt_unix_env *env, mio_fd_t stream, const char *path)
{
	echo_once(env, stream);

	mt_assert_ok(mio_socket_shutdown(stream, MIO_SHUTDOWN_BOTH));
	MT_EXPECT_EVENTS(env->poll, env->events, { TOKEN_1, MT_WRITE_CLOSED });

	mt_assert_err(mio_stream_write(stream, DATA2, DATA2_LEN), -EPIPE);
}

MT_TEST(unix_stream, unix_stream_shutdown_both)
{
	with_echo_connection("unix_stream_shutdown_both", shutdown_both_body);
}

MT_TEST(unix_stream, unix_stream_shutdown_listener_write)
{
	struct mt_unix_env env = mt_unix_env_new();
	struct peer_listener remote;
	start_listener(&remote, &env.dir, "unix_stream_shutdown_listener_write",
		       shutdown_write_one_connection);

	mio_fd_t stream = mt_unix_stream_connect(remote.path.s);
	mt_register(env.poll, stream, TOKEN_1, MIO_INTEREST_READABLE | MIO_INTEREST_WRITABLE);
	MT_EXPECT_EVENTS(env.poll, env.events, { TOKEN_1, MT_WRITABLE });

	mt_barrier_wait(remote.barrier);
	MT_EXPECT_EVENTS(env.poll, env.events, { TOKEN_1, MT_READ_CLOSED });

	mt_barrier_wait(remote.barrier);
	join_listener(&remote);
	mt_close(stream);
	mt_unix_env_free(&env);
}

static void
register_body(struct mt_unix_env *env, mio_fd_t stream, const char *path)
{
	mt_register(env->poll, stream, TOKEN_1, MIO_INTEREST_READABLE);
	mt_expect_no_events(env->poll, env->events);
}

MT_TEST(unix_stream, unix_stream_register)
{
	with_echo_connection("unix_stream_register", register_body);
}

static void
reregister_body(struct mt_unix_env *env, mio_fd_t stream, const char *path)
{
	mt_register(env->poll, stream, TOKEN_1, MIO_INTEREST_READABLE);
	mt_reregister(env->poll, stream, TOKEN_1, MIO_INTEREST_WRITABLE);
	MT_EXPECT_EVENTS(env->poll, env->events, { TOKEN_1, MT_WRITABLE });
}

MT_TEST(unix_stream, unix_stream_reregister)
{
	with_echo_connection("unix_stream_reregister", reregister_body);
}

static void
deregister_body(struct mt_unix_env *env, mio_fd_t stream, const char *path)
{
	mt_register(env->poll, stream, TOKEN_1, MIO_INTEREST_WRITABLE);
	mt_deregister(env->poll, stream);
	mt_expect_no_events(env->poll, env->events);
}

MT_TEST(unix_stream, unix_stream_deregister)
{
	with_echo_connection("unix_stream_deregister", deregister_body);
}

/* --- libmio additions ------------------------------------------------------------------ */

/* connect to a path that does not exist: -ENOENT, no fd; to a path too long: -EINVAL. */
MT_TEST(unix_stream, unix_stream_connect_errors)
{
	struct mt_tempdir dir = mt_tempdir_new();
	struct mt_unix_path path = mt_tempdir_path(&dir, "nobody");
	mio_fd_t fd = -1;
	mt_assert_err(mio_unix_stream_connect(path.s, &fd), -ENOENT);
	mt_assert_eq(fd, -1);

	struct mt_unix_long_path too_long = mt_unix_too_long_path();
	mt_assert_err(mio_unix_stream_connect(too_long.s, &fd), -EINVAL);
	mt_assert_eq(fd, -1);
	mt_tempdir_remove(&dir);
}
