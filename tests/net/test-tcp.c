/* SPDX-License-Identifier: MIT */
/* Port of mio's tests/tcp.rs (v0.8.11). Peers that mio builds from std's blocking sockets
 * are plain blocking sockets here (mt-os.h), on a thread where mio uses a thread.
 *
 * not ported: assert_size: compares Rust type sizes; libmio sockets are plain fds.
 * not ported: is_send_and_sync: a Rust trait check; fds have no such property.
 */
#include "net-util.h"


#define N_BIG (16 * 1024 * 1024)

/* The peer side of a test: a blocking listener and a barrier shared with the test. */
struct peer {
	mio_fd_t listener;
	struct mt_inet_addr addr;
	struct mt_barrier *barrier;
	struct mt_thread *thread;
};

static void
peer_start(struct peer *p, void *(*fn)(void *))
{
	struct mt_inet_addr any = mt_inet_any_local();
	p->listener = mt_peer_listen(&any, &p->addr);
	p->barrier = mt_barrier_new(2);
	p->thread = mt_thread_spawn(fn, p);
}

static void
peer_join(struct peer *p)
{
	mt_thread_join(p->thread);
	mt_peer_close(p->listener);
	mt_barrier_free(p->barrier);
}

/* The test's side against a peer: a poll, a stream connecting to the peer, registered as
 * token 1 for interest, and capacity events. */
struct client {
	struct mio_poll *poll;
	mio_fd_t stream;
	struct mio_events *events;
};

static struct client
client_connect(const struct peer *p, mio_interest_t interest, size_t capacity)
{
	struct client c;
	c.poll = mt_poll_new();
	c.stream = mt_tcp_connect(&p->addr);
	mt_register(c.poll, c.stream, 1, interest);
	c.events = mt_events_new(capacity);
	return c;
}

static void
client_close(struct client *c)
{
	mt_close(c->stream);
	mio_events_free(c->events);
	mio_poll_free(c->poll);
}

static void *
connect_and_close(void *arg)
{
	mt_peer_close(mt_peer_connect(arg));
	return NULL;
}

MT_TEST(tcp, accept)
{
	struct mt_inet_addr any = mt_inet_any_local();
	mio_fd_t listener = mt_tcp_listener(&any);
	struct mt_inet_addr addr = mt_inet_local_addr(listener);
	struct mt_thread *t = mt_thread_spawn(connect_and_close, &addr);

	struct mio_poll *poll = mt_poll_new();
	mt_register(poll, listener, 1, MIO_INTEREST_READABLE);
	struct mio_events *events = mt_events_new(128);

	bool hit = false;
	while (!hit) {
		mt_assert_ok(mio_poll_poll(poll, events, MIO_TIMEOUT_INFINITE));
		mio_events_foreach(e, events) {
			hit = true;
			mt_assert_eq(mio_event_token(e), 1);
			mt_assert(mio_event_is_readable(e), "listener event must be readable");
			mt_close(mt_tcp_accept(listener, NULL));
		}
	}
	mio_fd_t none;
	mt_assert_would_block(mio_tcp_listener_accept(listener, &none, NULL, NULL));
	mt_thread_join(t);

	mt_close(listener);
	mio_events_free(events);
	mio_poll_free(poll);
}

static void *
accept_wait_close(void *arg)
{
	struct peer *p = arg;
	mio_fd_t s = mt_peer_accept(p->listener);
	mt_barrier_wait(p->barrier);
	mt_peer_close(s);
	mt_barrier_wait(p->barrier);
	return NULL;
}

/* One round of mio's connect loop: polls until a batch has events; each one counts as a hit
 * (the 1st must be writable, the 2nd readable, a 3rd fails). Returns the new hit count. */
static unsigned
connect_round(struct mio_poll *poll, struct mio_events *events, unsigned hit)
{
	bool shutdown = false;
	while (!shutdown) {
		mt_assert_ok(mio_poll_poll(poll, events, MIO_TIMEOUT_INFINITE));
		mio_events_foreach(e, events) {
			mt_assert_eq(mio_event_token(e), 1);
			if (hit == 0)
				mt_assert(mio_event_is_writable(e), "1st event must be writable");
			else if (hit == 1)
				mt_assert(mio_event_is_readable(e), "2nd event must be readable");
			else
				mt_assert(false, "unexpected event %u (flags 0x%x)", hit, e->flags);
			hit++;
			shutdown = true;
		}
	}
	return hit;
}

MT_TEST(tcp, connect)
{
	struct peer p;
	peer_start(&p, accept_wait_close);

	struct client c = client_connect(&p, MIO_INTEREST_READABLE | MIO_INTEREST_WRITABLE, 128);

	mt_assert_eq(connect_round(c.poll, c.events, 0), 1);
	mt_barrier_wait(p.barrier); /* tx.send */
	mt_barrier_wait(p.barrier); /* rx2.recv: the peer has closed */
	mt_assert_eq(connect_round(c.poll, c.events, 1), 2);
	peer_join(&p);

	client_close(&c);
}

static void *
accept_write_big(void *arg)
{
	struct peer *p = arg;
	mio_fd_t s = mt_peer_accept(p->listener);
	char buf[1024] = { 0 };
	for (size_t amt = 0; amt < N_BIG;) {
		ssize_t w = mt_os_write(s, buf, sizeof(buf));
		mt_peer_sys(w);
		amt += (size_t)w;
	}
	mt_peer_close(s);
	return NULL;
}

static void *
accept_read_big(void *arg)
{
	struct peer *p = arg;
	mio_fd_t s = mt_peer_accept(p->listener);
	char buf[1024];
	for (size_t amt = 0; amt < N_BIG;) {
		ssize_t r = mt_os_read(s, buf, sizeof(buf));
		mt_peer_sys(r);
		mt_peer_assert(r > 0, "EOF after %zu bytes", amt);
		amt += (size_t)r;
	}
	mt_peer_close(s);
	return NULL;
}

/* mio's inner read loop: reads until it fails (which must be -EAGAIN) or *amt reaches N_BIG.
 * Returns true when all data arrived. */
static bool
read_until_would_block(mio_fd_t fd, size_t *amt)
{
	char buf[1024];
	for (;;) {
		ssize_t r = mio_stream_read(fd, buf, sizeof(buf));
		if (r < 0) {
			mt_assert_err(r, -EAGAIN);
			return false;
		}
		mt_assert(r > 0, "EOF after %zu bytes", *amt);
		*amt += (size_t)r;
		if (*amt >= N_BIG)
			return true;
	}
}

/* read and peek: 16 MiB from the peer, read on every readable event; with peek_first, each
 * event starts with a peek and a peek that would block waits for the next event. */
static void
read_big(bool peek_first)
{
	struct peer p;
	peer_start(&p, accept_write_big);

	struct client c = client_connect(&p, MIO_INTEREST_READABLE, 128);

	size_t amt = 0;
	bool shutdown = false;
	while (!shutdown) {
		mt_assert_ok(mio_poll_poll(c.poll, c.events, MIO_TIMEOUT_INFINITE));
		mio_events_foreach(e, c.events) {
			mt_assert_eq(mio_event_token(e), 1);
			if (peek_first) {
				char buf[1024];
				ssize_t r = mio_stream_peek(c.stream, buf, sizeof(buf));
				if (r == -EAGAIN)
					continue;
				mt_assert_ok(r);
			}
			shutdown = read_until_would_block(c.stream, &amt);
		}
	}
	peer_join(&p);

	client_close(&c);
}

MT_TEST(tcp, read)
{
	read_big(false);
}

MT_TEST(tcp, peek)
{
	read_big(true);
}

MT_TEST(tcp, write)
{
	struct peer p;
	peer_start(&p, accept_read_big);

	struct client c = client_connect(&p, MIO_INTEREST_WRITABLE, 128);

	static const char buf[1024];
	size_t amt = 0;
	bool shutdown = false;
	while (!shutdown) {
		mt_assert_ok(mio_poll_poll(c.poll, c.events, MIO_TIMEOUT_INFINITE));
		mio_events_foreach(e, c.events) {
			mt_assert_eq(mio_event_token(e), 1);
			for (;;) {
				ssize_t w = mio_stream_write(c.stream, buf, sizeof(buf));
				if (w < 0) {
					mt_assert_err(w, -EAGAIN);
					break;
				}
				amt += (size_t)w;
				if (amt >= N_BIG) {
					shutdown = true;
					break;
				}
			}
		}
	}
	peer_join(&p);

	client_close(&c);
}

MT_TEST(tcp, connect_then_close)
{
	struct mio_poll *poll = mt_poll_new();
	struct mt_inet_addr any = mt_inet_any_local();
	mio_fd_t listener = mt_tcp_listener(&any);
	struct mt_inet_addr addr = mt_inet_local_addr(listener);
	mio_fd_t stream = mt_tcp_connect(&addr);

	mt_register(poll, listener, 1, MIO_INTEREST_READABLE);
	mt_register(poll, stream, 2, MIO_INTEREST_READABLE);
	struct mio_events *events = mt_events_new(128);

	bool shutdown = false;
	while (!shutdown) {
		mt_assert_ok(mio_poll_poll(poll, events, MIO_TIMEOUT_INFINITE));
		mio_events_foreach(e, events) {
			if (mio_event_token(e) == 1) {
				mio_fd_t s = mt_tcp_accept(listener, NULL);
				mt_register(poll, s, 3, MIO_INTEREST_READABLE | MIO_INTEREST_WRITABLE);
				mt_close(s);
			} else if (mio_event_token(e) == 2) {
				shutdown = true;
			}
		}
	}

	mt_close(stream);
	mt_close(listener);
	mio_events_free(events);
	mio_poll_free(poll);
}

MT_TEST(tcp, listen_then_close)
{
	struct mio_poll *poll = mt_poll_new();
	struct mt_inet_addr any = mt_inet_any_local();
	mio_fd_t listener = mt_tcp_listener(&any);
	mt_register(poll, listener, 1, MIO_INTEREST_READABLE);
	mt_close(listener);

	struct mio_events *events = mt_events_new(128);
	mt_assert_ok(mio_poll_poll(poll, events, 100 * 1000000LL));
	mio_events_foreach(e, events) {
		mt_assert(mio_event_token(e) != 1, "received ready() on a closed TcpListener");
	}

	mio_events_free(events);
	mio_poll_free(poll);
}

MT_TEST(tcp, bind_twice_bad)
{
	struct mt_inet_addr any = mt_inet_any_local();
	mio_fd_t l1 = mt_tcp_listener(&any);
	struct mt_inet_addr addr = mt_inet_local_addr(l1);
	mio_fd_t l2 = MIO_FD_INVALID;
	int r = mio_tcp_listener_bind(MT_SOCKADDR(&addr), &l2);
	mt_assert(r < 0, "binding a listening address twice succeeded");
	mt_close(l1);
}

static void *
accept_read_ones(void *arg)
{
	struct peer *p = arg;
	mio_fd_t s = mt_peer_accept(p->listener);
	char buf[1024];
	for (size_t amt = 0; amt < 1024 * 16;) {
		memset(buf, 0, sizeof(buf));
		ssize_t n = mt_os_read(s, buf, sizeof(buf));
		mt_peer_sys(n);
		mt_peer_assert(n > 0, "EOF after %zu bytes", amt);
		amt += (size_t)n;
		for (ssize_t i = 0; i < n; i++)
			mt_peer_assert(buf[i] == 1, "byte %zd is %d", i, buf[i]);
	}
	mt_peer_close(s);
	return NULL;
}

MT_TEST(tcp, multiple_writes_immediate_success)
{
	struct peer p;
	peer_start(&p, accept_read_ones);

	struct client c = client_connect(&p, MIO_INTEREST_WRITABLE, 16);

	/* Wait for our TCP stream to connect. */
	mt_poll_until(c.poll, c.events, 1, MT_WRITABLE);

	char ones[1024];
	memset(ones, 1, sizeof(ones));
	for (int i = 0; i < 16; i++)
		mt_stream_write_all(c.stream, ones, sizeof(ones));
	peer_join(&p);

	client_close(&c);
}

MT_TEST(tcp, connection_reset_by_peer)
{
	struct mio_poll *poll = mt_poll_new();
	struct mio_events *events = mt_events_new(16);

	struct mt_inet_addr any = mt_inet_any_local();
	mio_fd_t listener = mt_tcp_listener(&any);
	struct mt_inet_addr addr = mt_inet_local_addr(listener);

	mio_fd_t client = mt_tcp_connect(&addr);
	mt_set_linger_zero(client);

	mt_register(poll, listener, 0, MIO_INTEREST_READABLE);
	mt_register(poll, client, 1, MIO_INTEREST_READABLE | MIO_INTEREST_WRITABLE);

	/* Wait for the listener to be ready. */
	mio_fd_t server = MIO_FD_INVALID;
	while (!mio_fd_is_valid(server)) {
		mt_poll_until(poll, events, 0, 0);
		int r = mio_tcp_listener_accept(listener, &server, NULL, NULL);
		if (r != -EAGAIN)
			mt_assert_ok(r);
	}
	mt_assert_nonblocking_cloexec(server);

	/* Close the connection (RST), wait a moment, then register the server side. */
	mt_close(client);
	mt_sleep_ms(100);
	mt_register(poll, server, 3, MIO_INTEREST_READABLE);

	const struct mio_event *e = mt_poll_until(poll, events, 3, 0);
	mt_assert(mio_event_is_readable(e), "reset connection must be readable");
	char buf[16];
	ssize_t r = mio_stream_read(server, buf, sizeof(buf));
	mt_assert(r <= 0, "expected empty buffer but read %zd bytes", r);

	mt_close(server);
	mt_close(listener);
	mio_events_free(events);
	mio_poll_free(poll);
}

MT_TEST(tcp, connect_error)
{
	struct mio_poll *poll = mt_poll_new();
	struct mio_events *events = mt_events_new(16);

	/* Pick a "random" port that shouldn't be in use. */
	struct mt_inet_addr addr = mt_inet_any_local();
	((struct sockaddr_in *)&addr.ss)->sin_port = htons(58381);
	mio_fd_t stream = MIO_FD_INVALID;
	int r = mio_tcp_stream_connect(MT_SOCKADDR(&addr), &stream);
	if (r == -ECONNREFUSED) {
		/* Failed synchronously: not a bug, but no coverage either. */
		mio_events_free(events);
		mio_poll_free(poll);
		return;
	}
	mt_assert_ok(r);
	mt_assert_nonblocking_cloexec(stream);

	mt_register(poll, stream, 0, MIO_INTEREST_WRITABLE);
	const struct mio_event *e = mt_poll_until(poll, events, 0, 0);
	mt_assert(mio_event_is_writable(e), "refused connect must be writable (flags 0x%x)", e->flags);
	mt_assert(mio_event_is_write_closed(e), "refused connect must be write-closed (flags 0x%x)",
		  e->flags);

	int err = 0;
	mt_assert_ok(mio_socket_take_error(stream, &err));
	mt_assert(err != 0, "take_error() must report the refused connect");

	mt_close(stream);
	mio_events_free(events);
	mio_poll_free(poll);
}

MT_TEST(tcp, write_error)
{
	struct mio_poll *poll = mt_poll_new();
	struct mio_events *events = mt_events_new(16);
	struct peer p;
	peer_start(&p, accept_wait_close);

	mio_fd_t stream = mt_tcp_connect(&p.addr);
	mt_register(poll, stream, 0, MIO_INTEREST_READABLE | MIO_INTEREST_WRITABLE);

	mt_poll_until(poll, events, 0, MT_WRITABLE);
	mt_barrier_wait(p.barrier); /* tx.send */
	mt_barrier_wait(p.barrier); /* the peer has closed */
	peer_join(&p);

	static const char buf[1024];
	for (;;) {
		ssize_t w = mio_stream_write(stream, buf, sizeof(buf));
		if (w == -EAGAIN)
			mt_poll_until(poll, events, 0, MT_WRITABLE);
		else if (w < 0)
			break; /* the good error */
	}

	mt_close(stream);
	mio_events_free(events);
	mio_poll_free(poll);
}

/* mio's wait! macro: polls (1 s at a time, 5 s at most) until token 0 has ready; every event
 * seen on the way must be read-closed (expect_read_closed) or have neither closed flag. */
static void
wait_ready(struct mio_poll *poll, unsigned ready, bool expect_read_closed)
{
	struct mio_events *events = mt_events_new(16);
	bool found = false;
	for (int round = 0; !found; round++) {
		mt_assert(round < 5, "not ready");
		mt_assert_ok(mio_poll_poll(poll, events, 1000 * 1000000LL));
		mio_events_foreach(e, events) {
			if (expect_read_closed)
				mt_assert(mio_event_is_read_closed(e), "flags 0x%x", e->flags);
			else
				mt_assert(!mio_event_is_read_closed(e) && !mio_event_is_write_closed(e),
					  "flags 0x%x", e->flags);
			if (mio_event_token(e) == 0 && mt_event_matches(e, ready)) {
				found = true;
				break;
			}
		}
	}
	mio_events_free(events);
}

MT_TEST(tcp, write_shutdown)
{
	struct mio_poll *poll = mt_poll_new();
	struct mt_inet_addr any = mt_inet_any_local(), addr;
	mio_fd_t listener = mt_peer_listen(&any, &addr);

	mio_fd_t client = mt_tcp_connect(&addr);
	mt_register(poll, client, 0, MIO_INTEREST_READABLE | MIO_INTEREST_WRITABLE);
	mio_fd_t peer_sock = mt_peer_accept(listener);

	wait_ready(poll, MT_WRITABLE, false);

	/* Polling should not have any events. */
	struct mio_events *events = mt_events_new(16);
	mt_expect_no_events_within(poll, events, 100);

	/* Now, shutdown the write half of the socket. */
	mt_peer_sys(mt_os_shutdown_write(peer_sock));
	wait_ready(poll, MT_READABLE, true);

	mt_peer_close(peer_sock);
	mt_peer_close(listener);
	mt_close(client);
	mio_events_free(events);
	mio_poll_free(poll);
}

#define LISTEN ((mio_token_t)0)
#define CLIENT ((mio_token_t)1)
#define SERVER ((mio_token_t)2)

MT_TEST(tcp, local_addr_ready)
{
	struct mt_inet_addr any = mt_inet_any_local();
	mio_fd_t server = mt_tcp_listener(&any);
	struct mt_inet_addr addr = mt_inet_local_addr(server);

	struct mio_poll *poll = mt_poll_new();
	mt_register(poll, server, LISTEN, MIO_INTEREST_READABLE);
	mio_fd_t sock = mt_tcp_connect(&addr);
	mt_register(poll, sock, CLIENT, MIO_INTEREST_READABLE);
	struct mio_events *events = mt_events_new(1024);

	mio_fd_t accepted = MIO_FD_INVALID;
	bool shutdown = false;
	while (!shutdown) {
		mt_assert_ok(mio_poll_poll(poll, events, MIO_TIMEOUT_INFINITE));
		mio_events_foreach(e, events) {
			switch (mio_event_token(e)) {
			case LISTEN:
				accepted = mt_tcp_accept(server, NULL);
				mt_register(poll, accepted, SERVER, MIO_INTEREST_WRITABLE);
				break;
			case SERVER:
				mt_assert(mio_fd_is_valid(accepted), "no accepted stream");
				mt_inet_peer_addr(accepted);
				mt_inet_local_addr(accepted);
				mt_assert_eq(mio_stream_write(accepted, "\1\2\3", 3), 3);
				mt_close(accepted);
				accepted = MIO_FD_INVALID;
				break;
			case CLIENT:
				mt_inet_peer_addr(sock);
				mt_inet_local_addr(sock);
				shutdown = true;
				break;
			default:
				mt_assert(false, "unexpected token %zu", (size_t)mio_event_token(e));
			}
		}
	}

	if (mio_fd_is_valid(accepted))
		mt_close(accepted);
	mt_close(sock);
	mt_close(server);
	mio_events_free(events);
	mio_poll_free(poll);
}

/* Polls until a batch is not empty; it must hold exactly one event, with token. */
static void
expect_one_event(struct mio_poll *poll, struct mio_events *events, mio_token_t token)
{
	mt_assert_eq(mt_poll_nonempty(poll, events), 1);
	mt_assert_eq(mio_event_token(mio_events_get(events, 0)), token);
}

/* write_then_drop and write_then_deregister: the accepted stream writes 4 bytes and is then
 * closed (drop) or deregistered; the client, reregistered, gets exactly one event. */
static void
write_then_finish(bool drop)
{
	struct mt_inet_addr any = mt_inet_any_local();
	mio_fd_t a = mt_tcp_listener(&any);
	struct mt_inet_addr addr = mt_inet_local_addr(a);
	mio_fd_t s = mt_tcp_connect(&addr);

	struct mio_poll *poll = mt_poll_new();
	mt_register(poll, a, 1, MIO_INTEREST_READABLE);
	mt_register(poll, s, 3, MIO_INTEREST_READABLE);
	struct mio_events *events = mt_events_new(1024);

	expect_one_event(poll, events, 1);

	mio_fd_t s2 = mt_tcp_accept(a, NULL);
	mt_register(poll, s2, 2, MIO_INTEREST_WRITABLE);
	expect_one_event(poll, events, 2);

	mt_stream_write_all(s2, "\1\2\3\4", 4);
	if (drop)
		mt_close(s2);
	else
		mt_deregister(poll, s2);

	mt_reregister(poll, s, 3, MIO_INTEREST_READABLE);
	expect_one_event(poll, events, 3);

	char buf[10];
	mt_expect_read(mio_stream_read(s, buf, sizeof(buf)), buf, "\1\2\3\4", 4);

	if (!drop)
		mt_close(s2);
	mt_close(s);
	mt_close(a);
	mio_events_free(events);
	mio_poll_free(poll);
}

MT_TEST(tcp, write_then_drop)
{
	write_then_finish(true);
}

MT_TEST(tcp, write_then_deregister)
{
	write_then_finish(false);
}

#define ID1 ((mio_token_t)1)
#define ID2 ((mio_token_t)2)
#define ID3 ((mio_token_t)3)

MT_TEST(tcp, tcp_no_events_after_deregister)
{
	struct mio_poll *poll = mt_poll_new();
	struct mio_events *events = mt_events_new(16);

	struct mt_inet_addr any = mt_inet_any_local();
	mio_fd_t listener = mt_tcp_listener(&any);
	struct mt_inet_addr addr = mt_inet_local_addr(listener);
	mio_fd_t stream = mt_tcp_connect(&addr);

	mt_register(poll, listener, ID1, MIO_INTEREST_READABLE);
	mt_register(poll, stream, ID3, MIO_INTEREST_READABLE);
	MT_EXPECT_EVENTS(poll, events, { ID1, MT_READABLE });

	mio_fd_t stream2 = mt_tcp_accept_checked(listener, &addr);
	mt_register(poll, stream2, ID2, MIO_INTEREST_WRITABLE);
	MT_EXPECT_EVENTS(poll, events, { ID2, MT_WRITABLE });

	mt_stream_write_all(stream2, "\1\2\3\4", 4);
	MT_EXPECT_EVENTS(poll, events, { ID3, MT_READABLE });

	mt_deregister(poll, listener);
	mt_deregister(poll, stream);
	mt_deregister(poll, stream2);
	mt_expect_no_events(poll, events);

	char buf[10];
	mt_expect_read(mio_stream_read(stream, buf, sizeof(buf)), buf, "\1\2\3\4", 4);

	mt_checked_write(mio_stream_write(stream2, "\1\2\3\4", 4), 4);
	mt_expect_no_events(poll, events);

	mt_sleep_ms(200);
	mt_expect_read(mio_stream_read(stream, buf, sizeof(buf)), buf, "\1\2\3\4", 4);
	mt_expect_no_events(poll, events);

	mt_close(stream2);
	mt_close(stream);
	mt_close(listener);
	mio_events_free(events);
	mio_poll_free(poll);
}
