/* SPDX-License-Identifier: MIT */
/* Port of mio's tests/tcp_stream.rs (v0.8.11). mio's echo_listener and start_listener threads
 * use std's blocking sockets; here they are plain blocking sockets on a thread (the
 * listener is bound before the thread starts, instead of sending its address back).
 *
 * not ported: is_send_and_sync: a Rust trait check; fds have no such property.
 * not ported: shutdown_write: #[ignore]d in mio everywhere (flaky).
 * not ported: raw_fd: as_raw_fd/into_raw_fd/from_raw_fd round trip; a libmio stream is the fd
 *             itself, there is nothing to convert.
 * not ported: tcp_shutdown_client_write_close_event: ignored by mio on Linux (no
 *             write-closed event for a local shutdown(Write) there).
 * Not on Windows, as in mio: tcp_shutdown_client_read_close_event and
 *             tcp_shutdown_client_both_close_event (mio ignores both there: AFD reports no
 *             close event for a local shutdown), priority_event_on_oob_data (mio: Linux and
 *             Android only; AFD has no priority readiness).
 * The read-returns-0 checks of shutdown_read and shutdown_both run on BSD and Apple only in
 * mio, so not here.
 */
#include "net-util.h"


#define DATA1 MT_DATA1
#define DATA2 MT_DATA2
#define DATA1_LEN MT_DATA1_LEN
#define DATA2_LEN MT_DATA2_LEN

#define ID1 ((mio_token_t)0)
#define ID2 ((mio_token_t)1)

/* The peer: a blocking listener served by a thread (mio's echo_listener / start_listener). */
struct listener_thread {
	mio_fd_t listener;
	struct mt_inet_addr addr;
	unsigned n_connections;
	struct mt_barrier *barrier;
	bool use_barrier;
	bool shutdown_write;
	struct mt_thread *thread;
};

/* Accepts n connections, echoing everything each one sends until it closes (a reset counts
 * as the end, as in mio: Linux resets when the peer shut its reading side down). */
static void *
echo(void *arg)
{
	struct listener_thread *lt = arg;
	char buf[128];
	for (unsigned i = 0; i < lt->n_connections; i++) {
		mio_fd_t stream = mt_peer_accept(lt->listener);
		for (;;) {
			ssize_t n = mt_os_read(stream, buf, sizeof(buf));
			if (n == -ECONNRESET)
				n = 0;
			mt_peer_sys(n);
			if (n == 0)
				break;
			ssize_t written = mt_os_write(stream, buf, (size_t)n);
			mt_peer_assert(written == n, "short write: %zd of %zd", written, n);
		}
		mt_peer_close(stream);
	}
	return NULL;
}

/* Accepts n connections; with the barrier, waits on it before closing each (and with
 * shutdown_write also shuts the write side down first and waits again). */
static void *
accept_and_hold(void *arg)
{
	struct listener_thread *lt = arg;
	for (unsigned i = 0; i < lt->n_connections; i++) {
		mio_fd_t stream = mt_peer_accept(lt->listener);
		if (lt->use_barrier) {
			mt_barrier_wait(lt->barrier);
			if (lt->shutdown_write) {
				mt_peer_sys(mt_os_shutdown_write(stream));
				mt_barrier_wait(lt->barrier);
			}
		}
		mt_peer_close(stream);
	}
	return NULL;
}

static void
listener_thread_start(struct listener_thread *lt, const struct mt_inet_addr *addr,
		      void *(*fn)(void *))
{
	lt->listener = mt_peer_listen(addr, &lt->addr);
	if (lt->use_barrier)
		lt->barrier = mt_barrier_new(2);
	lt->thread = mt_thread_spawn(fn, lt);
}

static void
echo_listener(struct listener_thread *lt, struct mt_inet_addr addr, unsigned n_connections)
{
	*lt = (struct listener_thread){ .n_connections = n_connections };
	listener_thread_start(lt, &addr, echo);
}

static void
start_listener(struct listener_thread *lt, unsigned n_connections, bool use_barrier,
	       bool shutdown_write)
{
	*lt = (struct listener_thread){ .n_connections = n_connections,
					.use_barrier = use_barrier,
					.shutdown_write = shutdown_write };
	struct mt_inet_addr any = mt_inet_any_local();
	listener_thread_start(lt, &any, accept_and_hold);
}

static void
listener_thread_join(struct listener_thread *lt)
{
	mt_thread_join(lt->thread);
	mt_peer_close(lt->listener);
	if (lt->use_barrier)
		mt_barrier_free(lt->barrier);
}

/* A test's poll, events and client stream. */
struct client {
	struct mio_poll *poll;
	struct mio_events *events;
	mio_fd_t stream;
};

static void
client_connect(struct client *c, const struct mt_inet_addr *addr, mio_interest_t interest)
{
	c->poll = mt_poll_new();
	c->events = mt_events_new(16);
	c->stream = mt_tcp_connect(addr);
	mt_register(c->poll, c->stream, ID1, interest);
}

/* Connects and waits for the writable event that says the stream is connected. */
static void
client_connected(struct client *c, const struct mt_inet_addr *addr, mio_interest_t interest)
{
	client_connect(c, addr, interest);
	MT_EXPECT_EVENTS(c->poll, c->events, { ID1, MT_WRITABLE });
}

static void
client_free(struct client *c)
{
	if (mio_fd_is_valid(c->stream))
		mt_close(c->stream);
	mio_events_free(c->events);
	mio_poll_free(c->poll);
}

/* A stream made from a blocking std-like socket after set_nonblocking(true) (from_std). */
static mio_fd_t
std_stream(const struct mt_inet_addr *addr)
{
	mio_fd_t fd = mt_peer_connect(addr);
	mt_assert_ok(mio_fd_set_nonblocking(fd, true));
	return fd;
}

static void
smoke_test_tcp_stream(struct mt_inet_addr addr, mio_fd_t (*make_stream)(const struct mt_inet_addr *))
{
	struct mio_poll *poll = mt_poll_new();
	struct mio_events *events = mt_events_new(16);
	struct listener_thread lt;
	echo_listener(&lt, addr, 1);

	mio_fd_t stream = make_stream(&lt.addr);
	mt_assert_nonblocking_cloexec(stream);
	mt_register(poll, stream, ID1, MIO_INTEREST_WRITABLE | MIO_INTEREST_READABLE);
	MT_EXPECT_EVENTS(poll, events, { ID1, MT_WRITABLE });

	char buf[16];
	mt_assert_would_block(mio_stream_peek(stream, buf, sizeof(buf)));
	mt_assert_would_block(mio_stream_read(stream, buf, sizeof(buf)));

	/* peer_addr only after the writable event: the stream may not be connected before. */
	struct mt_inet_addr peer = mt_inet_peer_addr(stream);
	struct mt_inet_addr local = mt_inet_local_addr(stream);
	mt_assert_inet_addr_eq(&peer, &lt.addr);
	mt_assert(mt_inet_addr_is_loopback(&local), "local address is not loopback");

	mt_checked_write(mio_stream_write(stream, DATA1, DATA1_LEN), DATA1_LEN);
	MT_EXPECT_EVENTS(poll, events, { ID1, MT_READABLE });

	mt_expect_read(mio_stream_peek(stream, buf, sizeof(buf)), buf, DATA1, DATA1_LEN);
	mt_expect_read(mio_stream_read(stream, buf, sizeof(buf)), buf, DATA1, DATA1_LEN);
	mt_assert_no_socket_error(stream);
	mt_assert_would_block(mio_stream_read(stream, buf, sizeof(buf)));

	mio_iovec_t out[2] = { mt_iovec((void *)DATA1, DATA1_LEN), mt_iovec((void *)DATA2, DATA2_LEN) };
	mt_assert_eq(mio_stream_writev(stream, out, 2), DATA1_LEN + DATA2_LEN);
	MT_EXPECT_EVENTS(poll, events, { ID1, MT_READABLE });

	char buf1[DATA1_LEN], buf2[DATA2_LEN + 1];
	memset(buf1, 1, sizeof(buf1));
	memset(buf2, 2, sizeof(buf2));
	mio_iovec_t in[2] = { mt_iovec(buf1, sizeof(buf1)), mt_iovec(buf2, sizeof(buf2)) };
	mt_assert_eq(mio_stream_readv(stream, in, 2), DATA1_LEN + DATA2_LEN);
	mt_assert(memcmp(buf1, DATA1, DATA1_LEN) == 0, "buf1 != DATA1");
	mt_assert(memcmp(buf2, DATA2, DATA2_LEN) == 0, "buf2 != DATA2");
	mt_assert_eq(buf2[DATA2_LEN], 2); /* Last byte should be unchanged. */

	/* Close the connection to allow the listener to shut down. */
	mt_close(stream);
	listener_thread_join(&lt);
	mio_events_free(events);
	mio_poll_free(poll);
}

MT_TEST(tcp_stream, tcp_stream_ipv4)
{
	smoke_test_tcp_stream(mt_inet_any_local(), mt_tcp_connect);
}

MT_TEST(tcp_stream, tcp_stream_ipv6)
{
	smoke_test_tcp_stream(mt_inet_any_local_ipv6(), mt_tcp_connect);
}

MT_TEST(tcp_stream, tcp_stream_std)
{
	smoke_test_tcp_stream(mt_inet_any_local(), std_stream);
}

/* The option tests: a stream connected to start_listener(1, barrier), registered WRITABLE;
 * check() runs after the writable event (options are only defined on connected streams on
 * Windows), then there must be no pending error. */
static void
connected_option_test(void (*check)(mio_fd_t stream))
{
	struct listener_thread lt;
	start_listener(&lt, 1, true, false);
	struct client c;
	client_connected(&c, &lt.addr, MIO_INTEREST_WRITABLE);

	check(c.stream);
	mt_assert_no_socket_error(c.stream);

	mt_barrier_wait(lt.barrier);
	listener_thread_join(&lt);
	client_free(&c);
}

static void
check_set_get_ttl(mio_fd_t stream)
{
	mt_check_set_get_u32(stream, mio_socket_set_ttl, mio_socket_ttl, 10);
}

static void
check_get_ttl(mio_fd_t stream)
{
	mt_check_get_u32(stream, mio_socket_ttl);
}

static void
check_set_get_nodelay(mio_fd_t stream)
{
	bool nodelay = false;
	mt_assert_ok(mio_tcp_stream_set_nodelay(stream, true));
	mt_assert_ok(mio_tcp_stream_nodelay(stream, &nodelay));
	mt_assert(nodelay, "nodelay must read back as true");
}

static void
check_get_nodelay(mio_fd_t stream)
{
	bool nodelay;
	mt_assert_ok(mio_tcp_stream_nodelay(stream, &nodelay));
}

MT_TEST(tcp_stream, set_get_ttl)
{
	connected_option_test(check_set_get_ttl);
}

MT_TEST(tcp_stream, get_ttl_without_previous_set)
{
	connected_option_test(check_get_ttl);
}

MT_TEST(tcp_stream, set_get_nodelay)
{
	connected_option_test(check_set_get_nodelay);
}

MT_TEST(tcp_stream, get_nodelay_without_previous_set)
{
	connected_option_test(check_get_nodelay);
}

/* shutdown_read and shutdown_both: after an echo round trip, shut down how. */
static void
shutdown_after_echo(const char *data, size_t len, enum mio_shutdown how)
{
	struct listener_thread lt;
	echo_listener(&lt, mt_inet_any_local(), 1);
	struct client c;
	client_connected(&c, &lt.addr, MIO_INTEREST_WRITABLE | MIO_INTEREST_READABLE);

	mt_checked_write(mio_stream_write(c.stream, data, len), len);
	MT_EXPECT_EVENTS(c.poll, c.events, { ID1, MT_READABLE });

	mt_assert_ok(mio_socket_shutdown(c.stream, how));
	if (how == MIO_SHUTDOWN_BOTH)
		mt_assert_err(mio_stream_write(c.stream, DATA2, DATA2_LEN), -EPIPE);

	mt_close(c.stream);
	c.stream = MIO_FD_INVALID;
	listener_thread_join(&lt);
	client_free(&c);
}

MT_TEST(tcp_stream, shutdown_read)
{
	shutdown_after_echo(DATA2, DATA2_LEN, MIO_SHUTDOWN_READ);
}

MT_TEST(tcp_stream, shutdown_both)
{
	shutdown_after_echo(DATA1, DATA1_LEN, MIO_SHUTDOWN_BOTH);
}

/* registering, reregistering, no_events_after_deregister: a stream to an idle echo server. */
static void
idle_echo_client(struct listener_thread *lt, struct client *c, mio_interest_t interest)
{
	echo_listener(lt, mt_inet_any_local(), 1);
	client_connect(c, &lt->addr, interest);
}

static void
idle_echo_finish(struct listener_thread *lt, struct client *c)
{
	mt_close(c->stream);
	c->stream = MIO_FD_INVALID;
	listener_thread_join(lt);
	client_free(c);
}

MT_TEST(tcp_stream, registering)
{
	struct listener_thread lt;
	struct client c;
	idle_echo_client(&lt, &c, MIO_INTEREST_READABLE);

	mt_expect_no_events(c.poll, c.events);

	idle_echo_finish(&lt, &c);
}

MT_TEST(tcp_stream, reregistering)
{
	struct listener_thread lt;
	struct client c;
	idle_echo_client(&lt, &c, MIO_INTEREST_READABLE);

	mt_reregister(c.poll, c.stream, ID2, MIO_INTEREST_WRITABLE);
	MT_EXPECT_EVENTS(c.poll, c.events, { ID2, MT_WRITABLE });
	struct mt_inet_addr peer = mt_inet_peer_addr(c.stream);
	mt_assert_inet_addr_eq(&peer, &lt.addr);

	idle_echo_finish(&lt, &c);
}

MT_TEST(tcp_stream, no_events_after_deregister)
{
	struct listener_thread lt;
	struct client c;
	idle_echo_client(&lt, &c, MIO_INTEREST_WRITABLE | MIO_INTEREST_READABLE);

	mt_deregister(c.poll, c.stream);
	mt_expect_no_events(c.poll, c.events);

	/* We do expect to be connected. */
	struct mt_inet_addr peer = mt_inet_peer_addr(c.stream);
	mt_assert_inet_addr_eq(&peer, &lt.addr);

	/* Also, write should work. */
	char buf[16];
	mt_assert_would_block(mio_stream_peek(c.stream, buf, sizeof(buf)));
	mt_assert_would_block(mio_stream_read(c.stream, buf, sizeof(buf)));
	mt_checked_write(mio_stream_write(c.stream, DATA1, DATA1_LEN), DATA1_LEN);
	mt_expect_no_events(c.poll, c.events);

	idle_echo_finish(&lt, &c);
}

/* The close-event tests on a stream to start_listener(1, barrier, shutdown_write): after the
 * writable event, local_shutdown (if >= 0) is applied and ready must be seen. */
static void
close_event_test(int local_shutdown, bool server_shutdown_write, unsigned ready)
{
	struct listener_thread lt;
	start_listener(&lt, 1, true, server_shutdown_write);
	struct client c;
	client_connected(&c, &lt.addr, MIO_INTEREST_READABLE | MIO_INTEREST_WRITABLE);

	if (local_shutdown >= 0)
		mt_assert_ok(mio_socket_shutdown(c.stream, (enum mio_shutdown)local_shutdown));
	else
		mt_barrier_wait(lt.barrier); /* the server shuts its write side down */
	MT_EXPECT_EVENTS(c.poll, c.events, { ID1, ready });

	mt_barrier_wait(lt.barrier);
	listener_thread_join(&lt);
	client_free(&c);
}

#if !defined(_WIN32) /* mio ignores it on Windows */
MT_TEST(tcp_stream, tcp_shutdown_client_read_close_event)
{
	close_event_test(MIO_SHUTDOWN_READ, false, MT_READ_CLOSED);
}
#endif

MT_TEST(tcp_stream, tcp_shutdown_server_write_close_event)
{
	close_event_test(-1, true, MT_READ_CLOSED);
}

#if !defined(_WIN32) /* mio ignores it on Windows */
MT_TEST(tcp_stream, tcp_shutdown_client_both_close_event)
{
	close_event_test(MIO_SHUTDOWN_BOTH, false, MT_WRITE_CLOSED);
}
#endif

MT_TEST(tcp_stream, tcp_reset_close_event)
{
	struct mio_poll *poll = mt_poll_new();
	struct mio_events *events = mt_events_new(16);
	struct mt_inet_addr any = mt_inet_any_local(), sockaddr;
	mio_fd_t listener = mt_peer_listen(&any, &sockaddr);

	mio_fd_t stream = mt_tcp_connect(&sockaddr);
	mt_register(poll, stream, ID1, MIO_INTEREST_READABLE | MIO_INTEREST_WRITABLE);
	mio_fd_t server_stream = mt_peer_accept(listener);

	MT_EXPECT_EVENTS(poll, events, { ID1, MT_WRITABLE });
	mt_checked_write(mio_stream_write(stream, DATA1, DATA1_LEN), DATA1_LEN);

	/* Try to read something. */
	char byte;
	mt_assert_would_block(mio_stream_read(stream, &byte, 1));

	/* Server goes away (with unread data: a reset). */
	mt_peer_close(server_stream);
	MT_EXPECT_EVENTS(poll, events, { ID1, MT_READ_CLOSED });

	/* Make sure we quiesce (mio loops until a 100 ms poll is empty; bounded here). */
	for (int i = 0;; i++) {
		mt_assert(i < 50, "events keep coming after the reset");
		mt_assert_ok(mio_poll_poll(poll, events, 100 * 1000000LL));
		if (mio_events_is_empty(events))
			break;
	}

	mt_peer_close(listener);
	mt_close(stream);
	mio_events_free(events);
	mio_poll_free(poll);
}

MT_TEST(tcp_stream, hup_event_on_disconnect)
{
	struct mio_poll *poll = mt_poll_new();
	struct mio_events *events = mt_events_new(16);
	struct mt_inet_addr any = mt_inet_any_local();
	mio_fd_t listener = mt_tcp_listener(&any);
	struct mt_inet_addr addr = mt_inet_local_addr(listener);
	mt_register(poll, listener, 0, MIO_INTEREST_READABLE);

	mio_fd_t stream = mt_tcp_connect(&addr);
	mt_register(poll, stream, 1, MIO_INTEREST_READABLE | MIO_INTEREST_WRITABLE);
	MT_EXPECT_EVENTS(poll, events, { 0, MT_READABLE }, { 1, MT_WRITABLE });

	mio_fd_t sock = mt_tcp_accept(listener, NULL);
	/* Prevent the OS from performing a graceful shutdown. */
	mt_set_linger_zero(sock);
	mt_close(sock);
	MT_EXPECT_EVENTS(poll, events, { 1, MT_READABLE });

	mt_close(stream);
	mt_close(listener);
	mio_events_free(events);
	mio_poll_free(poll);
}

#if !defined(_WIN32) /* mio runs it on Linux and Android only */
MT_TEST(tcp_stream, priority_event_on_oob_data)
{
	struct mio_poll *poll = mt_poll_new();
	struct mio_events *events = mt_events_new(16);
	struct mt_inet_addr any = mt_inet_any_local(), addr;
	mio_fd_t listener = mt_peer_listen(&any, &addr);

	mio_fd_t client = mt_tcp_connect(&addr);
	mt_register(poll, client, 0, MIO_INTEREST_READABLE | MIO_INTEREST_PRIORITY);
	mio_fd_t stream = mt_peer_accept(listener);

	/* Sending out-of-band data should trigger a priority event. */
	mt_peer_sys(mt_os_send_oob(stream, DATA1, DATA1_LEN));
	MT_EXPECT_EVENTS(poll, events, { 0, MT_READABLE | MT_PRIORITY });

	mt_peer_close(stream);
	mt_peer_close(listener);
	mt_close(client);
	mio_events_free(events);
	mio_poll_free(poll);
}
#endif
