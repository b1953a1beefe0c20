/* SPDX-License-Identifier: MIT */
/* Port of mio's tests/registering.rs with pipes and socketpairs: a socketpair plays the
 * accepted TCP connection, a pipe read end with data plays a listener with a pending
 * connection.
 *
 * Ported here: register_deregister (socketpair flow), reregister_different_interest_without_poll,
 * registering_after_deregistering.
 * Socket-only, ported in tests/net: register_deregister (the TCP listener/accept form),
 * tcp_register_multiple_event_loops, udp_register_multiple_event_loops.
 * The last two check mio's debug-only "already registered with a `Registry`" association of
 * mio's socket types; a raw fd (mio's SourceFd) may be registered with several polls, which
 * raw_fd_register_multiple_event_loops checks here.
 * libmio additions: readiness that exists at (re)register time is reported (mio 2.1).
 * Not on Windows: reregister_different_interest_without_poll and
 * reregister_reports_existing_readiness need a handle that is readable but never writable
 * (a pipe's read end). Windows polls sockets only, so the pipe stand-in there is a socket,
 * which is writable (mt_pipe() in mt-os.h).
 */
#include "test-util.h"

#include <string.h>

#define SERVER ((mio_token_t)0)
#define CLIENT ((mio_token_t)1)

static void
close_pair(mio_fd_t fds[2])
{
	mt_os_close(fds[0]);
	mt_os_close(fds[1]);
}

struct handler {
	struct mio_registry *registry;
	mio_fd_t server, client;
	int state;
};

static void
handle_read(struct handler *h, mio_token_t token)
{
	mt_assert_eq(token, CLIENT);
	mt_assert(h->state == 0, "unexpected state %d", h->state);
	h->state = 1;
	mt_assert_ok(mio_registry_reregister(h->registry, h->client, CLIENT, MIO_INTEREST_WRITABLE));
}

static void
handle_write(struct handler *h, mio_token_t token)
{
	mt_assert(token == CLIENT, "unexpected token %zu", (size_t)token);
	mt_assert(h->state == 1, "unexpected state %d", h->state);
	h->state = 2;
	mt_assert_ok(mio_registry_deregister(h->registry, h->client));
	mt_assert_ok(mio_registry_deregister(h->registry, h->server));
}

/* Client registered READABLE; the server side writes "foobar"; on the readable event the
 * client is reregistered WRITABLE; on the writable event both are deregistered. Afterwards
 * a 100 ms poll is empty. Like mio, only the first event of each poll is handled. */
MT_TEST(registering, register_deregister)
{
	struct mio_poll *poll = mt_poll_new();
	struct mio_events *events = mt_events_new(1024);
	mio_fd_t pair[2];
	mt_socketpair(SOCK_STREAM, pair);
	struct handler h = { mio_poll_registry(poll), pair[1], pair[0], 0 };

	mt_assert_ok(mio_registry_register(h.registry, h.server, SERVER, MIO_INTEREST_READABLE));
	mt_assert_ok(mio_registry_register(h.registry, h.client, CLIENT, MIO_INTEREST_READABLE));
	mt_write_all(h.server, "foobar", 6);

	for (int rounds = 0;; rounds++) {
		mt_assert(rounds < 100, "no writable event after 100 polls");
		mt_assert_ok(mio_poll_poll(poll, events, 5000 * 1000000LL));
		const struct mio_event *e = mio_events_get(events, 0);
		mt_assert(e != NULL, "poll timed out in state %d", h.state);
		if (mio_event_is_readable(e))
			handle_read(&h, mio_event_token(e));
		if (mio_event_is_writable(e)) {
			handle_write(&h, mio_event_token(e));
			break;
		}
	}

	mt_assert_ok(mio_poll_poll(poll, events, 100 * 1000000LL));
	mt_assert(mio_events_is_empty(events), "events after deregistering everything");

	close_pair(pair);
	mio_events_free(events);
	mio_poll_free(poll);
}

#if !defined(_WIN32) /* needs a handle that is readable but never writable: see the top of the file */
/* A registration READABLE with readiness that was never polled, reregistered as WRITABLE:
 * the old interest's readiness is dropped, the fd is not writable, so nothing is reported. */
MT_TEST(registering, reregister_different_interest_without_poll)
{
	struct mio_poll *poll = mt_poll_new();
	struct mio_events *events = mt_events_new(1024);
	struct mio_registry *r = mio_poll_registry(poll);
	mio_fd_t l[2], s1[2];
	mt_pipe(l);
	mt_socketpair(SOCK_STREAM, s1);

	mt_assert_ok(mio_registry_register(r, l[0], 0, MIO_INTEREST_READABLE));
	mt_write_all(l[1], "x", 1); /* the pending connection */
	mt_assert_ok(mio_registry_register(r, s1[0], 2, MIO_INTEREST_READABLE));

	mt_sleep_ms(200);
	mt_assert_ok(mio_registry_reregister(r, l[0], 0, MIO_INTEREST_WRITABLE));

	mt_assert_ok(mio_poll_poll(poll, events, 200 * 1000000LL));
	const struct mio_event *e = mio_events_get(events, 0);
	mt_assert(e == NULL, "expected no events, got %zu (first: token %zu flags 0x%x)",
		  mio_events_len(events), e ? (size_t)mio_event_token(e) : 0, e ? e->flags : 0);

	close_pair(l);
	close_pair(s1);
	mio_events_free(events);
	mio_poll_free(poll);
}
#endif

MT_TEST(registering, registering_after_deregistering)
{
	struct mio_poll *poll = mt_poll_new();
	struct mio_events *events = mt_events_new(8);
	struct mio_registry *r = mio_poll_registry(poll);
	mio_fd_t server[2];
	mt_pipe(server);

	mt_assert_ok(mio_registry_register(r, server[0], SERVER, MIO_INTEREST_READABLE));
	mt_assert_ok(mio_registry_deregister(r, server[0]));
	mt_assert_ok(mio_registry_register(r, server[0], SERVER, MIO_INTEREST_READABLE));

	mt_assert_ok(mio_poll_poll(poll, events, 100 * 1000000LL));
	mt_assert(mio_events_is_empty(events), "expected no events");

	close_pair(server);
	mio_events_free(events);
	mio_poll_free(poll);
}

/* A raw fd registered with two polls gets its event from both (mio's SourceFd; the OS
 * allows it, see mio-reference 2.5). */
MT_TEST(registering, raw_fd_register_multiple_event_loops)
{
	struct mio_poll *poll1 = mt_poll_new(), *poll2 = mt_poll_new();
	struct mio_events *events = mt_events_new(8);
	mio_fd_t fds[2];
	mt_pipe(fds);

	mt_assert_ok(mio_registry_register(mio_poll_registry(poll1), fds[0], 1,
					   MIO_INTEREST_READABLE));
	mt_assert_ok(mio_registry_register(mio_poll_registry(poll2), fds[0], 2,
					   MIO_INTEREST_READABLE));
	mt_write_all(fds[1], "x", 1);

	MT_EXPECT_EVENTS(poll1, events, { 1, MT_READABLE });
	MT_EXPECT_EVENTS(poll2, events, { 2, MT_READABLE });

	/* Reading to EAGAIN re-arms the fd in both. */
	mt_assert_eq(mt_drain(fds[0]), 1);
	mt_write_all(fds[1], "y", 1);
	MT_EXPECT_EVENTS(poll1, events, { 1, MT_READABLE });
	MT_EXPECT_EVENTS(poll2, events, { 2, MT_READABLE });

	/* Deregistered from one, still reported by the other. */
	mt_assert_eq(mt_drain(fds[0]), 1);
	mt_assert_ok(mio_registry_deregister(mio_poll_registry(poll1), fds[0]));
	mt_write_all(fds[1], "z", 1);
	mt_expect_no_events(poll1, events);
	MT_EXPECT_EVENTS(poll2, events, { 2, MT_READABLE });

	/* mio_close forgets it everywhere: the reused number registers afresh. */
	mt_assert_ok(mio_close(fds[0]));
	mt_assert_ok(mio_close(fds[1]));
	mt_pipe(fds);
	mt_assert_ok(mio_registry_register(mio_poll_registry(poll1), fds[0], 3,
					   MIO_INTEREST_READABLE));
	mt_assert_ok(mio_registry_register(mio_poll_registry(poll2), fds[0], 4,
					   MIO_INTEREST_READABLE));
	mt_expect_no_events(poll1, events);
	mt_expect_no_events(poll2, events);
	close_pair(fds);
	mio_events_free(events);
	mio_poll_free(poll1);
	mio_poll_free(poll2);
}

#if !defined(_WIN32) /* needs a handle that is readable but never writable: see the top of the file */
/* Reregister reports readiness that already exists (mio-reference 2.1; mio's
 * udp_socket_reregister and unix_listener_reregister with a pipe). */
MT_TEST(registering, reregister_reports_existing_readiness)
{
	struct mio_poll *poll = mt_poll_new();
	struct mio_events *events = mt_events_new(8);
	struct mio_registry *r = mio_poll_registry(poll);
	mio_fd_t fds[2];
	mt_pipe(fds);

	mt_assert_ok(mio_registry_register(r, fds[0], 1, MIO_INTEREST_WRITABLE));
	mt_write_all(fds[1], "x", 1);
	mt_expect_no_events(poll, events);

	mt_assert_ok(mio_registry_reregister(r, fds[0], 2, MIO_INTEREST_READABLE));
	MT_EXPECT_EVENTS(poll, events, { 2, MT_READABLE });

	close_pair(fds);
	mio_events_free(events);
	mio_poll_free(poll);
}
#endif

/* So does a fresh register after a deregister. */
MT_TEST(registering, register_reports_existing_readiness)
{
	struct mio_poll *poll = mt_poll_new();
	struct mio_events *events = mt_events_new(8);
	struct mio_registry *r = mio_poll_registry(poll);
	mio_fd_t fds[2];
	mt_pipe(fds);

	mt_assert_ok(mio_registry_register(r, fds[0], 1, MIO_INTEREST_READABLE));
	mt_assert_ok(mio_registry_deregister(r, fds[0]));
	mt_write_all(fds[1], "x", 1);
	mt_assert_ok(mio_registry_register(r, fds[0], 2, MIO_INTEREST_READABLE));
	MT_EXPECT_EVENTS(poll, events, { 2, MT_READABLE });
	mio_events_foreach(e, events) {
		mt_assert_eq(mio_event_token(e), 2);
	}

	close_pair(fds);
	mio_events_free(events);
	mio_poll_free(poll);
}

#if !defined(_WIN32)
/* An fd that hung up, then was closed without deregistering: its number, reused by a new
 * socket, registers afresh (as on epoll, where close forgets it), and the old token is
 * never reported for the new socket, also after I/O re-arms it.
 * POSIX only: it needs the closed number back, which POSIX guarantees (lowest free fd) and
 * Windows does not (handle values come back in no set order, so the test could not make it
 * happen). On Windows the AFD backend hears of a plain closesocket() itself: the pending
 * poll completes with AFD_POLL_LOCAL_CLOSE. */
MT_TEST(registering, reused_fd_after_hangup_and_close)
{
	struct mio_poll *poll = mt_poll_new();
	struct mio_events *events = mt_events_new(8);
	struct mio_registry *r = mio_poll_registry(poll);
	mio_fd_t old[2], fresh[2];
	mt_socketpair(SOCK_STREAM, old);
	mt_assert_ok(mio_registry_register(r, old[0], 1, MIO_INTEREST_READABLE));
	mt_os_close(old[1]);
	MT_EXPECT_EVENTS(poll, events, { 1, MT_READ_CLOSED });

	mio_fd_t number = old[0];
	mt_os_close(old[0]); /* a plain close, no deregister */
	mt_socketpair(SOCK_STREAM, fresh);
	mt_assert(fresh[0] == number || fresh[1] == number, "fd number %d not reused", number);
	mio_fd_t reused = fresh[0] == number ? fresh[0] : fresh[1];
	mio_fd_t peer = fresh[0] == number ? fresh[1] : fresh[0];

	mt_assert_ok(mio_registry_register(r, reused, 7, MIO_INTEREST_READABLE));
	mt_drain(reused); /* -EAGAIN: re-arms whatever is registered under this number */
	mt_write_all(peer, "x", 1);
	mt_assert_ok(mio_poll_poll(poll, events, 500 * 1000000LL));
	mt_assert(!mio_events_is_empty(events), "no event for the new socket");
	mio_events_foreach(e, events)
		mt_assert_eq(mio_event_token(e), 7);

	mio_close(reused);
	mio_close(peer);
	mio_events_free(events);
	mio_poll_free(poll);
}
#endif

/* A re-arm goes by the I/O's direction, on every backend as on epoll: after a writable
 * event, a read that would block must not bring the writable socket back (on an emulating
 * backend a re-arm of every interest would, again and again: a busy loop for a program that
 * reads on every event). A write that would block, or new data, are the new edges. */
MT_TEST(registering, read_rearms_only_the_readable_side)
{
	struct mio_poll *poll = mt_poll_new();
	struct mio_events *events = mt_events_new(16);
	mio_fd_t fds[2];
	mt_socketpair(SOCK_STREAM, fds);

	mt_assert_ok(mio_registry_register(mio_poll_registry(poll), fds[0], CLIENT,
					   MIO_INTEREST_READABLE | MIO_INTEREST_WRITABLE));
	MT_EXPECT_EVENTS(poll, events, { CLIENT, MT_WRITABLE });
	char buf[16];
	for (int i = 0; i < 3; i++) {
		mt_assert_err(mio_stream_read(fds[0], buf, sizeof(buf)), -EAGAIN);
		mt_expect_no_events(poll, events);
	}

	/* The readable side was re-armed: data is a new edge. */
	mt_write_all(fds[1], "x", 1);
	MT_EXPECT_EVENTS(poll, events, { CLIENT, MT_READABLE });
	mt_assert_eq(mio_stream_read(fds[0], buf, sizeof(buf)), 1);

	close_pair(fds);
	mio_events_free(events);
	mio_poll_free(poll);
}
