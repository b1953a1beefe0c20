/* SPDX-License-Identifier: MIT */
/* Port of mio's tests/poll.rs (v0.8.11): the socket cases, with real TCP and UDP sockets
 * (tests/core/test-poll.c ports the same tests with pipes and socketpairs).
 *
 * not ported: is_send_and_sync: a Rust trait check.
 * not ported here: run_once_with_nothing, poll_closes_fd: need no socket; ported in
 *             tests/core/test-poll.c.
 * not ported: poll_registration, poll_erroneous_registration: they test mio's event::Source
 *             trait; libmio registers raw fds and has no such trait.
 * double_register_different_token, reregister_without_register, deregister_without_register
 * check mio's debug-build errors ("already registered", "not registered"): libmio returns
 * -EEXIST and -ENOENT on every backend.
 */
#include "net-util.h"

#define ID1 ((mio_token_t)1)
#define ID2 ((mio_token_t)2)
#define ID3 ((mio_token_t)3)

MT_TEST(poll, add_then_drop)
{
	struct mio_events *events = mt_events_new(16);
	struct mt_inet_addr any = mt_inet_any_local();
	mio_fd_t l = mt_tcp_listener(&any);
	struct mio_poll *poll = mt_poll_new();
	mt_register(poll, l, 1, MIO_INTEREST_READABLE | MIO_INTEREST_WRITABLE);
	mt_close(l);
	mt_assert_ok(mio_poll_poll(poll, events, 100 * 1000000LL));

	mio_events_free(events);
	mio_poll_free(poll);
}

MT_TEST(poll, zero_duration_polls_events)
{
	struct mio_poll *poll = mt_poll_new();
	struct mio_events *events = mt_events_new(16);
	struct mt_inet_addr any = mt_inet_any_local(), addr;
	mio_fd_t listener = mt_peer_listen(&any, &addr);

	mio_fd_t streams[3];
	for (int n = 0; n < 3; n++) {
		streams[n] = mt_tcp_connect(&addr);
		mt_register(poll, streams[n], (mio_token_t)n, MIO_INTEREST_WRITABLE);
	}

	/* Give the streams time to connect and the events to show up. */
	mt_sleep_ms(10);

	/* Even a zero timeout makes the system call. */
	mt_assert_ok(mio_poll_poll(poll, events, 0));
	mt_assert(!mio_events_is_empty(events), "a zero-timeout poll must report the events");

	for (int n = 0; n < 3; n++)
		mt_close(streams[n]);
	mt_peer_close(listener);
	mio_events_free(events);
	mio_poll_free(poll);
}

MT_TEST(poll, drop_cancels_interest_and_shuts_down)
{
	mt_run_close_after_would_block();
}

/* A test's poll and events, and the state shared with its registering threads (mio's
 * Arc<Registry> and Arc<Barrier>) around a listener. */
struct shared {
	struct mio_poll *poll;
	struct mio_events *events;
	struct mio_registry *registry;
	struct mt_barrier *barrier;
	struct mt_inet_addr addr;
	mio_fd_t listener;
};

static void
shared_init(struct shared *s, size_t n_events, unsigned parties)
{
	s->poll = mt_poll_new();
	s->events = mt_events_new(n_events);
	mt_assert_ok(mio_registry_try_clone(mio_poll_registry(s->poll), &s->registry));
	s->barrier = mt_barrier_new(parties);
	struct mt_inet_addr any = mt_inet_any_local();
	s->listener = mt_tcp_listener(&any);
	s->addr = mt_inet_local_addr(s->listener);
}

static void
shared_free(struct shared *s)
{
	mt_close(s->listener);
	mt_barrier_free(s->barrier);
	mio_registry_free(s->registry);
	mio_events_free(s->events);
	mio_poll_free(s->poll);
}

/* A libmio stream connected to the shared listener, for helper threads. */
static mio_fd_t
peer_thread_connect(struct shared *s)
{
	mio_fd_t stream = MIO_FD_INVALID;
	mt_peer_ok(mio_tcp_stream_connect(MT_SOCKADDR(&s->addr), &stream));
	return stream;
}

static void *
register_listener(void *arg)
{
	struct shared *s = arg;
	mt_peer_ok(mio_registry_register(s->registry, s->listener, 0, MIO_INTEREST_READABLE));
	mt_barrier_wait(s->barrier);
	return NULL;
}

static void *
register_stream(void *arg)
{
	struct shared *s = arg;
	mio_fd_t stream = peer_thread_connect(s);
	mt_peer_ok(mio_registry_register(s->registry, stream, 1,
					 MIO_INTEREST_READABLE | MIO_INTEREST_WRITABLE));
	mt_barrier_wait(s->barrier);
	mt_peer_ok(mio_close(stream));
	return NULL;
}

MT_TEST(poll, registry_behind_arc)
{
	struct shared s;
	shared_init(&s, 128, 3);
	struct mio_poll *poll = s.poll;
	struct mio_events *events = s.events;

	struct mt_thread *handle1 = mt_thread_spawn(register_listener, &s);
	struct mt_thread *handle2 = mt_thread_spawn(register_stream, &s);

	mt_assert_ok(mio_poll_poll(poll, events, 1000 * 1000000LL));
	mt_assert(mio_events_len(events) >= 1, "expected at least one event");

	/* Let the threads return. */
	mt_barrier_wait(s.barrier);
	mt_thread_join(handle1);
	mt_thread_join(handle2);

	shared_free(&s);
}

/* mio's registry_ops_flow: every registration operation, ending with fd registered with token
 * and final_interest. */
static void
registry_ops_flow(struct mio_registry *registry, mio_fd_t fd, mio_token_t token,
		  mio_interest_t init_interest, mio_interest_t final_interest)
{
	mt_peer_ok(mio_registry_register(registry, fd, token, init_interest));
	mt_peer_ok(mio_registry_deregister(registry, fd));
	mt_peer_ok(mio_registry_register(registry, fd, token, init_interest));
	mt_peer_ok(mio_registry_reregister(registry, fd, token, final_interest));
}

/* Waits twice: once when its work is done, once to be allowed to return. */
static void
wait_twice(struct shared *s)
{
	mt_barrier_wait(s->barrier);
	mt_barrier_wait(s->barrier);
}

static void *
listener_ops(void *arg)
{
	struct shared *s = arg;
	registry_ops_flow(s->registry, s->listener, ID1, MIO_INTEREST_READABLE,
			  MIO_INTEREST_READABLE);
	wait_twice(s);
	return NULL;
}

static void *
udp_ops(void *arg)
{
	struct shared *s = arg;
	struct mt_inet_addr any = mt_inet_any_local();
	mio_fd_t udp_socket = MIO_FD_INVALID;
	mt_peer_ok(mio_udp_bind(MT_SOCKADDR(&any), &udp_socket));
	registry_ops_flow(s->registry, udp_socket, ID2, MIO_INTEREST_WRITABLE,
			  MIO_INTEREST_WRITABLE | MIO_INTEREST_READABLE);
	wait_twice(s);
	mt_peer_ok(mio_close(udp_socket));
	return NULL;
}

static void *
stream_ops(void *arg)
{
	struct shared *s = arg;
	mio_fd_t stream = peer_thread_connect(s);
	registry_ops_flow(s->registry, stream, ID3, MIO_INTEREST_READABLE,
			  MIO_INTEREST_READABLE | MIO_INTEREST_WRITABLE);
	wait_twice(s);
	mt_peer_ok(mio_close(stream));
	return NULL;
}

MT_TEST(poll, registry_operations_are_thread_safe)
{
	struct shared s;
	shared_init(&s, 16, 4);
	struct mio_poll *poll = s.poll;
	struct mio_events *events = s.events;

	struct mt_thread *handles[3] = {
		mt_thread_spawn(listener_ops, &s),
		mt_thread_spawn(udp_ops, &s),
		mt_thread_spawn(stream_ops, &s),
	};

	/* Wait for the threads to finish before expect_events. */
	mt_barrier_wait(s.barrier);
	MT_EXPECT_EVENTS(poll, events, { ID1, MT_READABLE }, { ID2, MT_WRITABLE },
			 { ID3, MT_WRITABLE });

	/* Let the threads return. */
	mt_barrier_wait(s.barrier);
	for (int i = 0; i < 3; i++)
		mt_thread_join(handles[i]);

	shared_free(&s);
}

static void *
register_udp_during_poll(void *arg)
{
	struct shared *s = arg;
	struct mt_inet_addr any = mt_inet_any_local();
	mio_fd_t socket = MIO_FD_INVALID;
	mt_peer_ok(mio_udp_bind(MT_SOCKADDR(&any), &socket));

	mt_barrier_wait(s->barrier);
	/* Give the main thread time to start waiting in its 5 s poll. */
	mt_sleep_ms(200);
	mt_peer_ok(mio_registry_register(s->registry, socket, ID1, MIO_INTEREST_WRITABLE));

	mt_barrier_wait(s->barrier);
	mt_peer_ok(mio_close(socket));
	return NULL;
}

MT_TEST(poll, register_during_poll)
{
	struct shared s;
	shared_init(&s, 16, 2);
	struct mio_poll *poll = s.poll;
	struct mio_events *events = s.events;

	struct mt_thread *handle1 = mt_thread_spawn(register_udp_during_poll, &s);

	/* Unlock the thread, then (at least try to) poll while it registers. */
	mt_barrier_wait(s.barrier);
	mt_assert_ok(mio_poll_poll(poll, events, 5000 * 1000000LL));

	mt_assert_eq(mio_events_len(events), 1);
	const struct mio_event *event = mio_events_get(events, 0);
	mt_assert_eq(mio_event_token(event), ID1);
	mt_assert(mio_event_is_writable(event), "the event must be writable");

	mt_barrier_wait(s.barrier);
	mt_thread_join(handle1);

	shared_free(&s);
}

/* reregister replaces token and interest completely; the same token works too, and any
 * number of reregisters is fine. */
MT_TEST(poll, reregister_interest_token_usage)
{
	struct mio_poll *poll = mt_poll_new();
	struct mio_events *events = mt_events_new(16);
	struct mt_inet_addr any = mt_inet_any_local();
	mio_fd_t udp_socket = mt_udp_bind(&any);

	mt_register(poll, udp_socket, ID1, MIO_INTEREST_READABLE);
	mt_reregister(poll, udp_socket, ID1, MIO_INTEREST_READABLE);
	mt_reregister(poll, udp_socket, ID2, MIO_INTEREST_WRITABLE);
	MT_EXPECT_EVENTS(poll, events, { ID2, MT_WRITABLE });

	mt_close(udp_socket);
	mio_events_free(events);
	mio_poll_free(poll);
}

/* Registry calls on a fresh listener: check() gets the poll and the listener. */
static void
with_listener(void (*check)(struct mio_poll *, mio_fd_t))
{
	struct mio_poll *poll = mt_poll_new();
	struct mt_inet_addr any = mt_inet_any_local();
	mio_fd_t listener = mt_tcp_listener(&any);
	check(poll, listener);
	mt_close(listener);
	mio_poll_free(poll);
}

static void
register_twice(struct mio_poll *poll, mio_fd_t listener)
{
	mt_register(poll, listener, 0, MIO_INTEREST_READABLE);
	mt_assert_err(mio_registry_register(mio_poll_registry(poll), listener, 1,
					    MIO_INTEREST_READABLE),
		      -EEXIST);
}

static void
reregister_unregistered(struct mio_poll *poll, mio_fd_t listener)
{
	mt_assert_err(mio_registry_reregister(mio_poll_registry(poll), listener, ID1,
					      MIO_INTEREST_READABLE),
		      -ENOENT);
}

static void
deregister_unregistered(struct mio_poll *poll, mio_fd_t listener)
{
	mt_assert_err(mio_registry_deregister(mio_poll_registry(poll), listener), -ENOENT);
}

MT_TEST(poll, double_register_different_token)
{
	with_listener(register_twice);
}

MT_TEST(poll, reregister_without_register)
{
	with_listener(reregister_unregistered);
}

MT_TEST(poll, deregister_without_register)
{
	with_listener(deregister_unregistered);
}

static void *
connect_then_register(void *arg)
{
	struct shared *s = arg;
	mio_fd_t stream = peer_thread_connect(s);
	mt_barrier_wait(s->barrier);
	mt_peer_ok(mio_registry_register(s->registry, stream, ID3, MIO_INTEREST_WRITABLE));
	mt_barrier_wait(s->barrier);
	mt_peer_ok(mio_close(stream));
	return NULL;
}

MT_TEST(poll, poll_ok_after_cancelling_pending_ops)
{
	struct shared s;
	shared_init(&s, 16, 2);
	struct mio_poll *poll = s.poll;
	struct mio_events *events = s.events;

	mt_assert_ok(mio_registry_register(s.registry, s.listener, ID1, MIO_INTEREST_READABLE));
	/* A dummy poll (on Windows: submits an AFD poll)... */
	mt_assert_ok(mio_poll_poll(poll, events, 0));
	/* ...that this reregister cancels; the new token shows which event comes back. */
	mt_assert_ok(mio_registry_reregister(s.registry, s.listener, ID2, MIO_INTEREST_READABLE));

	struct mt_thread *handle = mt_thread_spawn(connect_then_register, &s);
	MT_EXPECT_EVENTS(poll, events, { ID2, MT_READABLE });

	mt_close(mt_tcp_accept(s.listener, NULL));
	mt_barrier_wait(s.barrier);

	/* For the sake of completeness check the stream's writable event. */
	MT_EXPECT_EVENTS(poll, events, { ID3, MT_WRITABLE });

	mt_barrier_wait(s.barrier);
	mt_thread_join(handle);

	shared_free(&s);
}
