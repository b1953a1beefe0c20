/* SPDX-License-Identifier: MIT */
/* Port of mio's tests/unix_listener.rs (v0.8.11), plus libmio's checks of the Linux
 * abstract namespace, address kinds and over-long paths.
 *
 * not ported: unix_listener_send_and_sync: a Rust trait check; C has no Send/Sync (net.h
 *   states the thread-safety rules instead).
 *
 * The connecting peer (mio's open_connections) is a thread with a plain blocking socket.
 */
#include "net-util.h"

#include <stdio.h>

#define DEFAULT_BUF_SIZE 64
#define TOKEN_1 ((mio_token_t)0)

/* mio's open_connections(path, 1, barrier): a thread connects to name ("@x": abstract),
 * waits on the barrier, then closes the connection. */
struct connector {
	const char *name;
	struct mt_barrier *barrier;
	struct mt_thread *thread;
};

static void *
connect_then_drop(void *arg)
{
	struct connector *c = arg;
	int conn = mt_peer_unix_stream_connect(c->name);
	mt_barrier_wait(c->barrier);
	mt_peer_close(conn);
	return NULL;
}

static void
open_connection(struct connector *c, const char *name)
{
	c->name = name;
	c->barrier = mt_barrier_new(2);
	c->thread = mt_thread_spawn(connect_then_drop, c);
}

/* barrier.wait(); handle.join() */
static void
finish_connection(struct connector *c)
{
	mt_barrier_wait(c->barrier);
	mt_thread_join(c->thread);
	mt_barrier_free(c->barrier);
}

/* std::os::unix::net::UnixListener::bind(path) + set_nonblocking(true) + from_std. */
static mio_fd_t
bind_std_listener(const char *path)
{
	return mt_adopt(mt_peer_unix_listen(path));
}

static void
smoke_test(mio_fd_t (*new_listener)(const char *path), const char *test_name)
{
	struct mt_unix_env env = mt_unix_env_new();
	struct mt_unix_path path = mt_tempdir_path(&env.dir, test_name);

	mio_fd_t listener = new_listener(path.s);
	mt_assert_nonblocking_cloexec(listener);

	mt_register(env.poll, listener, TOKEN_1, MIO_INTEREST_WRITABLE | MIO_INTEREST_READABLE);
	mt_expect_no_events(env.poll, env.events);

	struct connector conn;
	open_connection(&conn, path.s);
	MT_EXPECT_EVENTS(env.poll, env.events, { TOKEN_1, MT_READABLE });

	mio_fd_t stream = -1;
	mt_assert_ok(mio_unix_listener_accept(listener, &stream, NULL));
	mt_assert_nonblocking_cloexec(stream);

	char buf[DEFAULT_BUF_SIZE];
	mt_assert_would_block(mio_stream_read(stream, buf, sizeof(buf)));

	mio_fd_t none;
	mt_assert_would_block(mio_unix_listener_accept(listener, &none, NULL));
	mt_assert_no_socket_error(listener);

	finish_connection(&conn);
	mt_close(stream);
	mt_close(listener);
	mt_unix_env_free(&env);
}

MT_TEST(unix_listener, unix_listener_smoke)
{
	smoke_test(mt_unix_listener, "unix_listener_smoke");
}

MT_TEST(unix_listener, unix_listener_from_std)
{
	smoke_test(bind_std_listener, "unix_listener_from_std");
}

MT_TEST(unix_listener, unix_listener_local_addr)
{
	struct mt_unix_env env = mt_unix_env_new();
	struct mt_unix_path path = mt_tempdir_path(&env.dir, "unix_listener_local_addr");

	mio_fd_t listener = mt_unix_listener(path.s);
	mt_register(env.poll, listener, TOKEN_1, MIO_INTEREST_WRITABLE | MIO_INTEREST_READABLE);

	struct connector conn;
	open_connection(&conn, path.s);
	MT_EXPECT_EVENTS(env.poll, env.events, { TOKEN_1, MT_READABLE });

	mio_fd_t stream = -1;
	struct mio_unix_addr expected_addr;
	mt_assert_ok(mio_unix_listener_accept(listener, &stream, &expected_addr));
	mt_assert_nonblocking_cloexec(stream);
	struct mio_unix_addr stream_local = mt_unix_local_addr(stream);
	mt_assert_unix_pathname(&stream_local, path.s);
	mt_assert(!mio_unix_addr_pathname(&expected_addr, NULL), "peer address has a pathname");

	finish_connection(&conn);
	mt_close(stream);
	mt_close(listener);
	mt_unix_env_free(&env);
}

/* The shared body of mio's register/reregister/deregister tests: a listener on a fresh
 * path, registered with interest; if connect, a client connects (and is closed at the
 * end); then check acts and checks. */
static void
registration_test(const char *test_name, mio_interest_t interest, bool connect,
		  void (*check)(struct mt_unix_env *env, mio_fd_t listener))
{
	struct mt_unix_env env = mt_unix_env_new();
	struct mt_unix_path path = mt_tempdir_path(&env.dir, test_name);

	mio_fd_t listener = mt_unix_listener(path.s);
	mt_register(env.poll, listener, TOKEN_1, interest);

	struct connector conn;
	if (connect)
		open_connection(&conn, path.s);
	check(&env, listener);
	if (connect)
		finish_connection(&conn);

	mt_close(listener);
	mt_unix_env_free(&env);
}

static void
expect_nothing(struct mt_unix_env *env, mio_fd_t listener)
{
	mt_expect_no_events(env->poll, env->events);
}

static void
reregister_readable(struct mt_unix_env *env, mio_fd_t listener)
{
	mt_expect_no_events(env->poll, env->events);

	mt_reregister(env->poll, listener, TOKEN_1, MIO_INTEREST_READABLE);
	MT_EXPECT_EVENTS(env->poll, env->events, { TOKEN_1, MT_READABLE });
}

static void
deregister(struct mt_unix_env *env, mio_fd_t listener)
{
	mt_deregister(env->poll, listener);
	mt_expect_no_events(env->poll, env->events);
}

MT_TEST(unix_listener, unix_listener_register)
{
	registration_test("unix_listener_register", MIO_INTEREST_READABLE, false, expect_nothing);
}

MT_TEST(unix_listener, unix_listener_reregister)
{
	registration_test("unix_listener_reregister", MIO_INTEREST_WRITABLE, true,
			  reregister_readable);
}

MT_TEST(unix_listener, unix_listener_deregister)
{
	registration_test("unix_listener_deregister", MIO_INTEREST_READABLE, true, deregister);
}

/* mio's name, typo included. mio binds the path "\0-mio-abstract-uds-<random>"; libmio
 * takes abstract names through mio_unix_addr_from_abstract() and bind_addr. */
MT_TEST(unix_listener, unix_listener_abstract_namesapce)
{
	char name[64];
	struct mio_unix_addr addr = mt_unique_abstract_addr(name, sizeof(name));
	mio_fd_t listener;
	mt_assert_ok(mio_unix_listener_bind_addr(&addr, &listener));
	struct mio_unix_addr local = mt_unix_local_addr(listener);
	mt_assert_unix_abstract(&local, name);
	mt_close(listener);
}

/* --- libmio additions ------------------------------------------------------------------ */

/* Accepts the one pending connection on a listener bound to the abstract name: the
 * stream is local to the name, its (unbound) peer is unnamed, and then accept would block
 * (which re-arms the listener). */
static mio_fd_t
accept_from_abstract(mio_fd_t listener, const char *name)
{
	mio_fd_t stream = -1, none;
	struct mio_unix_addr peer;
	mt_assert_ok(mio_unix_listener_accept(listener, &stream, &peer));
	mt_assert_nonblocking_cloexec(stream);
	mt_assert_eq(mio_unix_addr_kind(&peer), MIO_UNIX_ADDR_UNNAMED);
	struct mio_unix_addr local = mt_unix_local_addr(stream);
	mt_assert_unix_abstract(&local, name);
	mt_assert_would_block(mio_unix_listener_accept(listener, &none, NULL));
	return stream;
}

/* A client reaches an abstract listener by name, through a plain socket and through
 * libmio. */
MT_TEST(unix_listener, unix_listener_abstract_accept)
{
	struct mt_unix_env env = mt_unix_env_new();
	char name[64], peer_name[66];
	struct mio_unix_addr addr = mt_unique_abstract_addr(name, sizeof(name));
	snprintf(peer_name, sizeof(peer_name), "@%s", name);

	mio_fd_t listener = -1;
	mt_assert_ok(mio_unix_listener_bind_addr(&addr, &listener));
	mt_assert_nonblocking_cloexec(listener);
	mt_register(env.poll, listener, TOKEN_1, MIO_INTEREST_READABLE);

	struct connector conn;
	open_connection(&conn, peer_name);
	MT_EXPECT_EVENTS(env.poll, env.events, { TOKEN_1, MT_READABLE });
	mt_close(accept_from_abstract(listener, name));
	finish_connection(&conn);

	mio_fd_t client = -1;
	mt_assert_ok(mio_unix_stream_connect_addr(&addr, &client));
	mt_assert_nonblocking_cloexec(client);
	struct mio_unix_addr client_peer = mt_unix_peer_addr(client);
	mt_assert_unix_abstract(&client_peer, name);
	MT_EXPECT_EVENTS(env.poll, env.events, { TOKEN_1, MT_READABLE });
	mt_close(accept_from_abstract(listener, name));

	mt_close(client);
	mt_close(listener);
	mt_unix_env_free(&env);
}

/* A client bound to a path before connecting shows up under that path in accept's
 * address (the unnamed case is unix_listener_local_addr). */
MT_TEST(unix_listener, unix_listener_accept_bound_peer)
{
	struct mt_tempdir dir = mt_tempdir_new();
	struct mt_unix_path path = mt_tempdir_path(&dir, "listener");
	struct mt_unix_path client_path = mt_tempdir_path(&dir, "client");

	mio_fd_t listener = mt_unix_listener(path.s);
	int client = mt_peer_unix_socket(SOCK_STREAM);
	mt_peer_unix_bind(client, client_path.s);
	mt_peer_unix_connect(client, path.s);

	mio_fd_t stream = -1;
	struct mio_unix_addr peer;
	mt_assert_ok(mio_unix_listener_accept(listener, &stream, &peer));
	mt_assert_nonblocking_cloexec(stream);
	mt_assert_unix_pathname(&peer, client_path.s);

	mt_peer_close(client);
	mt_close(stream);
	mt_close(listener);
	mt_tempdir_remove(&dir);
}

/* Address constructors and accessors: kinds, lengths, and the size limits of sun_path. */
MT_TEST(unix_listener, unix_addr_kinds_and_limits)
{
	struct mio_unix_addr addr;
	size_t sun_path_size = sizeof(addr.addr.sun_path);
	size_t offset = offsetof(struct sockaddr_un, sun_path);
	size_t len;

	mt_assert_eq(mio_unix_addr_kind(NULL), MIO_UNIX_ADDR_UNNAMED);

	mt_assert_ok(mio_unix_addr_from_pathname("/a/b", &addr));
	mt_assert_eq(mio_unix_addr_kind(&addr), MIO_UNIX_ADDR_PATHNAME);
	mt_assert_eq(addr.len, offset + 5); /* with the NUL, as in mio */
	mt_assert_unix_pathname(&addr, "/a/b");
	mt_assert(!mio_unix_addr_abstract(&addr, &len), "pathname has no abstract name");

	mt_assert_err(mio_unix_addr_from_pathname(NULL, &addr), -EINVAL);
	mt_assert_err(mio_unix_addr_from_pathname("", &addr), -EINVAL);
	mt_assert_err(mio_unix_addr_from_pathname("/a", NULL), -EINVAL);
	struct mt_unix_long_path too_long = mt_unix_too_long_path();
	mt_assert_err(mio_unix_addr_from_pathname(too_long.s, &addr), -EINVAL);
	too_long.s[sun_path_size - 1] = '\0'; /* now the NUL fits */
	mt_assert_ok(mio_unix_addr_from_pathname(too_long.s, &addr));
	mt_assert(mio_unix_addr_pathname(&addr, &len), "longest pathname");
	mt_assert_eq(len, sun_path_size - 1);

	/* Abstract names are bytes: NULs allowed, up to sun_path minus the leading NUL. */
	char name[sizeof(addr.addr.sun_path)];
	memset(name, 'n', sizeof(name));
	name[1] = '\0';
#ifdef __linux__
	mt_assert_ok(mio_unix_addr_from_abstract(name, 3, &addr));
	mt_assert_eq(mio_unix_addr_kind(&addr), MIO_UNIX_ADDR_ABSTRACT);
	mt_assert_eq(addr.len, offset + 4);
	const char *got = mio_unix_addr_abstract(&addr, &len);
	mt_assert(got && len == 3 && memcmp(got, name, 3) == 0, "abstract name with a NUL");
	mt_assert(!mio_unix_addr_pathname(&addr, &len), "abstract address has no pathname");
	mt_assert_ok(mio_unix_addr_from_abstract(name, sun_path_size - 1, &addr));
	mt_assert(mio_unix_addr_abstract(&addr, &len), "longest abstract name");
	mt_assert_eq(len, sun_path_size - 1);
#else
	/* No abstract namespace here: refused, after the same argument checks. */
	mt_assert_err(mio_unix_addr_from_abstract(name, 3, &addr), -ENOTSUP);
	mt_assert_err(mio_unix_addr_from_abstract(name, sun_path_size - 1, &addr), -ENOTSUP);
#endif
	mt_assert_err(mio_unix_addr_from_abstract(name, sun_path_size, &addr), -EINVAL);
	mt_assert_err(mio_unix_addr_from_abstract(name, 3, NULL), -EINVAL);
}

/* A listener on the longest path that fits reports all of it back; one byte more is
 * -EINVAL, for bind and for connect. */
MT_TEST(unix_listener, unix_listener_path_limits)
{
	struct mt_tempdir dir = mt_tempdir_new();
	struct mt_unix_long_path longest = mt_tempdir_longest_path(&dir);
	size_t sun_path_size = sizeof(((struct sockaddr_un *)0)->sun_path);

	mio_fd_t listener = mt_unix_listener(longest.s);
	struct mio_unix_addr local = mt_unix_local_addr(listener);
	mt_assert_unix_pathname(&local, longest.s);
	mio_fd_t client;
	mt_assert_ok(mio_unix_stream_connect(longest.s, &client));
	mt_close(client);

	struct mt_unix_long_path too_long = mt_unix_too_long_path();
	mt_assert_eq(strlen(too_long.s), sun_path_size);
	mio_fd_t unused;
	mt_assert_err(mio_unix_listener_bind(too_long.s, &unused), -EINVAL);
	mt_assert_err(mio_unix_stream_connect(too_long.s, &unused), -EINVAL);

	mt_close(listener);
	mt_tempdir_remove(&dir);
}
