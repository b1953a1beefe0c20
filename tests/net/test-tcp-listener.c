/* SPDX-License-Identifier: MIT */
/* Port of mio's tests/tcp_listener.rs (v0.8.11). The connecting peers are plain blocking
 * sockets on a thread, as mio uses std sockets on a thread.
 *
 * not ported: is_send_and_sync: a Rust trait check; fds have no such property.
 * not ported: raw_fd: as_raw_fd/into_raw_fd/from_raw_fd round trip; a libmio listener is the
 *             fd itself, there is nothing to convert.
 */
#include "net-util.h"

#define ID1 ((mio_token_t)0)
#define ID2 ((mio_token_t)1)

/* mio's start_connections: a thread makes n connections to addr, waiting on the barrier after
 * each connection is made and before it is closed. */
struct connections {
	struct mt_inet_addr addr;
	unsigned n;
	struct mt_barrier *barrier;
	struct mt_thread *thread;
};

static void *
make_connections(void *arg)
{
	struct connections *c = arg;
	for (unsigned i = 0; i < c->n; i++) {
		mio_fd_t conn = mt_peer_connect(&c->addr);
		mt_barrier_wait(c->barrier);
		mt_peer_close(conn);
	}
	return NULL;
}

static void
start_connections(struct connections *c, const struct mt_inet_addr *addr, unsigned n,
		  struct mt_barrier *barrier)
{
	c->addr = *addr;
	c->n = n;
	c->barrier = barrier;
	c->thread = mt_thread_spawn(make_connections, c);
}

/* A listener made from a blocking socket after set_nonblocking(true) (mio's from_std). */
static mio_fd_t
std_listener(const struct mt_inet_addr *addr)
{
	mio_fd_t fd = mt_peer_listen(addr, NULL);
	mt_assert_ok(mio_fd_set_nonblocking(fd, true));
	return fd;
}

static mio_fd_t
bind_listener(const struct mt_inet_addr *addr)
{
	return mt_tcp_listener(addr);
}

/* A test's poll, events, listener (registered READABLE as ID1) and the barrier its
 * connecting threads wait on. */
struct fixture {
	struct mio_poll *poll;
	struct mio_events *events;
	mio_fd_t listener;
	struct mt_inet_addr address;
	struct mt_barrier *barrier;
};

static void
fixture_init(struct fixture *f, mio_fd_t listener, unsigned parties)
{
	f->poll = mt_poll_new();
	f->events = mt_events_new(16);
	f->listener = listener;
	f->address = mt_inet_local_addr(listener);
	f->barrier = mt_barrier_new(parties);
	mt_register(f->poll, listener, ID1, MIO_INTEREST_READABLE);
}

/* Releases the connecting threads, joins them and frees everything. */
static void
fixture_finish(struct fixture *f, struct connections *c, size_t n)
{
	mt_barrier_wait(f->barrier);
	for (size_t i = 0; i < n; i++)
		mt_thread_join(c[i].thread);
	mt_barrier_free(f->barrier);
	mt_close(f->listener);
	mio_events_free(f->events);
	mio_poll_free(f->poll);
}

/* After the listener's readable event: one connection is there, it is accepted and checked,
 * the stream is non-blocking, there is no second one and no pending error. */
static void
accept_one(mio_fd_t listener, const struct mt_inet_addr *address)
{
	mio_fd_t stream = mt_tcp_accept_checked(listener, address);
	char buf[20];
	mt_assert_would_block(mio_stream_read(stream, buf, sizeof(buf)));
	mt_close(stream);

	mio_fd_t none;
	mt_assert_would_block(mio_tcp_listener_accept(listener, &none, NULL, NULL));
	mt_assert_no_socket_error(listener);
}

static void
smoke_test_tcp_listener(struct mt_inet_addr addr, mio_fd_t (*make_listener)(const struct mt_inet_addr *))
{
	mio_fd_t listener = make_listener(&addr);
	mt_assert_nonblocking_cloexec(listener);
	struct fixture f;
	fixture_init(&f, listener, 2);

	struct connections c;
	start_connections(&c, &f.address, 1, f.barrier);
	MT_EXPECT_EVENTS(f.poll, f.events, { ID1, MT_READABLE });
	accept_one(listener, &f.address);

	fixture_finish(&f, &c, 1);
}

MT_TEST(tcp_listener, tcp_listener)
{
	smoke_test_tcp_listener(mt_inet_any_local(), bind_listener);
}

MT_TEST(tcp_listener, tcp_listener_ipv6)
{
	smoke_test_tcp_listener(mt_inet_any_local_ipv6(), bind_listener);
}

MT_TEST(tcp_listener, tcp_listener_std)
{
	smoke_test_tcp_listener(mt_inet_any_local(), std_listener);
}

MT_TEST(tcp_listener, set_get_ttl)
{
	struct mt_inet_addr any = mt_inet_any_local();
	mio_fd_t listener = mt_tcp_listener(&any);

	mt_check_set_get_u32(listener, mio_socket_set_ttl, mio_socket_ttl, 10);
	mt_assert_no_socket_error(listener);

	mt_close(listener);
}

MT_TEST(tcp_listener, get_ttl_without_previous_set)
{
	struct mt_inet_addr any = mt_inet_any_local();
	mio_fd_t listener = mt_tcp_listener(&any);

	mt_check_get_u32(listener, mio_socket_ttl);
	mt_assert_no_socket_error(listener);

	mt_close(listener);
}

MT_TEST(tcp_listener, registering)
{
	struct mio_poll *poll = mt_poll_new();
	struct mio_events *events = mt_events_new(16);
	struct mt_inet_addr any = mt_inet_any_local();
	mio_fd_t listener = mt_tcp_listener(&any);

	mt_register(poll, listener, ID1, MIO_INTEREST_READABLE);
	mt_expect_no_events(poll, events);

	mt_close(listener);
	mio_events_free(events);
	mio_poll_free(poll);
}

/* reregister and no_events_after_deregister: the registration is changed by change(), before
 * the connection is started (reregister, expect_event: an ID2 readable event) or after it
 * (deregister, !expect_event: no event at all). */
static void
connection_after(void (*change)(struct mio_poll *, mio_fd_t), bool expect_event)
{
	struct mt_inet_addr any = mt_inet_any_local();
	struct fixture f;
	fixture_init(&f, mt_tcp_listener(&any), 2);

	struct connections c;
	if (expect_event)
		change(f.poll, f.listener);
	start_connections(&c, &f.address, 1, f.barrier);
	if (!expect_event)
		change(f.poll, f.listener);

	if (expect_event)
		MT_EXPECT_EVENTS(f.poll, f.events, { ID2, MT_READABLE });
	else
		mt_expect_no_events(f.poll, f.events);

	/* Should still be able to accept the connection. */
	mt_close(mt_tcp_accept_checked(f.listener, &f.address));
	mio_fd_t none;
	mt_assert_would_block(mio_tcp_listener_accept(f.listener, &none, NULL, NULL));
	mt_assert_no_socket_error(f.listener);

	fixture_finish(&f, &c, 1);
}

static void
reregister_as_id2(struct mio_poll *poll, mio_fd_t listener)
{
	mt_reregister(poll, listener, ID2, MIO_INTEREST_READABLE);
}

MT_TEST(tcp_listener, reregister)
{
	connection_after(reregister_as_id2, true);
}

MT_TEST(tcp_listener, no_events_after_deregister)
{
	connection_after(mt_deregister, false);
}

/* This tests reregister on successful accept works. */
MT_TEST(tcp_listener, tcp_listener_two_streams)
{
	struct mt_inet_addr any = mt_inet_any_local();
	mio_fd_t listener = mt_tcp_listener(&any);
	struct mt_inet_addr address = mt_inet_local_addr(listener);

	/* mio starts the first connection before registering; the fixture registers first,
	 * which cannot matter: the connection is pending either way at the first poll. */
	struct fixture f;
	struct connections c[2];
	fixture_init(&f, listener, 3);
	start_connections(&c[0], &address, 1, f.barrier);
	MT_EXPECT_EVENTS(f.poll, f.events, { ID1, MT_READABLE });
	mt_close(mt_tcp_accept_checked(listener, &address));

	mio_fd_t none;
	mt_assert_would_block(mio_tcp_listener_accept(listener, &none, NULL, NULL));

	start_connections(&c[1], &address, 1, f.barrier);
	MT_EXPECT_EVENTS(f.poll, f.events, { ID1, MT_READABLE });
	mt_close(mt_tcp_accept_checked(listener, &address));

	mt_expect_no_events(f.poll, f.events);

	fixture_finish(&f, c, 2);
}

#if !defined(_WIN32)
/* Issue 7, defect 4: accept fails for lack of fds while a connection waits. A server that
 * pauses accepting until fds are free hears of the next connection, as on epoll (where
 * that connection is a new edge); the poll backend used to leave the listener disarmed
 * after -EMFILE, so no connection was ever reported again. POSIX only (RLIMIT_NOFILE). */
MT_TEST(tcp_listener, accept_out_of_fds_rearms)
{
	struct mio_poll *poll = mt_poll_new();
	struct mio_events *events = mt_events_new(16);
	struct mt_inet_addr any = mt_inet_any_local();
	mio_fd_t listener = mt_tcp_listener(&any);
	struct mt_inet_addr address = mt_inet_local_addr(listener);
	mt_register(poll, listener, ID1, MIO_INTEREST_READABLE);

	mio_fd_t first = mt_peer_connect(&address); /* blocking: in the backlog once it returns */
	mt_poll_until(poll, events, ID1, MT_READABLE);
	mio_fd_t stream = MIO_FD_INVALID;
	mt_fd_limit_set((unsigned long)mt_fd_lowest_free());
	mt_assert_err(mio_tcp_listener_accept(listener, &stream, NULL, NULL), -EMFILE);
	mt_fd_limit_restore();

	mio_fd_t second = mt_peer_connect(&address);
	mt_poll_until(poll, events, ID1, MT_READABLE);
	/* Both wait, but valgrind emulates the limit by closing what accept() made, so the
	 * first may be gone there. */
	mt_close(mt_tcp_accept_checked(listener, &address));
	int r = mio_tcp_listener_accept(listener, &stream, NULL, NULL);
	mt_assert(r == 0 || r == -EAGAIN, "second accept: %s", mio_strerror(r));
	if (r == 0)
		mt_close(stream);
	mt_assert_would_block(mio_tcp_listener_accept(listener, &stream, NULL, NULL));

	mt_peer_close(first);
	mt_peer_close(second);
	mt_close(listener);
	mio_events_free(events);
	mio_poll_free(poll);
}
#endif
