/* SPDX-License-Identifier: MIT */
/* Port of mio's tests/registering.rs (v0.8.11) with real TCP sockets (tests/core/
 * test-registering.c ports the same tests with pipes and socketpairs).
 *
 * not ported: tcp_register_multiple_event_loops, udp_register_multiple_event_loops: they check
 *             mio's debug-build error "I/O source already registered with a `Registry`",
 *             which comes from the state mio's socket types carry. libmio sockets are plain
 *             fds with no such state, and registering one fd with two polls is allowed (as
 *             for mio's SourceFd; tests/core covers that).
 */
#include "net-util.h"

#define SERVER ((mio_token_t)0)
#define CLIENT ((mio_token_t)1)

struct test_handler {
	struct mio_poll *poll;
	mio_fd_t server;
	mio_fd_t client;
	int state;
};

static void
handle_read(struct test_handler *h, mio_token_t token)
{
	switch (token) {
	case SERVER: {
		mio_fd_t sock = mt_tcp_accept(h->server, NULL);
		ssize_t r = mio_stream_write(sock, "foobar", 6);
		if (r < 0)
			mt_assert_err(r, -EAGAIN);
		mt_close(sock);
		break;
	}
	case CLIENT:
		mt_assert(h->state == 0, "unexpected state %d", h->state);
		h->state = 1;
		mt_reregister(h->poll, h->client, CLIENT, MIO_INTEREST_WRITABLE);
		break;
	default:
		mt_assert(false, "unexpected token %zu", (size_t)token);
	}
}

static void
handle_write(struct test_handler *h, mio_token_t token)
{
	mt_assert(token == CLIENT, "unexpected token %zu", (size_t)token);
	mt_assert(h->state == 1, "unexpected state %d", h->state);
	h->state = 2;
	mt_deregister(h->poll, h->client);
	mt_deregister(h->poll, h->server);
}

MT_TEST(registering, register_deregister)
{
	struct test_handler h = { .poll = mt_poll_new() };
	struct mio_events *events = mt_events_new(1024);

	struct mt_inet_addr any = mt_inet_any_local();
	h.server = mt_tcp_listener(&any);
	struct mt_inet_addr addr = mt_inet_local_addr(h.server);
	mt_register(h.poll, h.server, SERVER, MIO_INTEREST_READABLE);

	h.client = mt_tcp_connect(&addr);
	mt_register(h.poll, h.client, CLIENT, MIO_INTEREST_READABLE);

	/* Only the first event of each batch is handled, as in mio. */
	for (bool done = false; !done;) {
		mt_assert_ok(mio_poll_poll(h.poll, events, MIO_TIMEOUT_INFINITE));
		const struct mio_event *event = mio_events_get(events, 0);
		if (!event)
			continue;
		if (mio_event_is_readable(event))
			handle_read(&h, mio_event_token(event));
		if (mio_event_is_writable(event)) {
			handle_write(&h, mio_event_token(event));
			done = true;
		}
	}

	mt_expect_no_events_within(h.poll, events, 100);

	mt_close(h.client);
	mt_close(h.server);
	mio_events_free(events);
	mio_poll_free(h.poll);
}

MT_TEST(registering, reregister_different_interest_without_poll)
{
	struct mio_events *events = mt_events_new(1024);
	struct mio_poll *poll = mt_poll_new();

	struct mt_inet_addr any = mt_inet_any_local();
	mio_fd_t l = mt_tcp_listener(&any);
	struct mt_inet_addr addr = mt_inet_local_addr(l);
	mt_register(poll, l, 0, MIO_INTEREST_READABLE);

	mio_fd_t s1 = mt_tcp_connect(&addr);
	mt_register(poll, s1, 2, MIO_INTEREST_READABLE);

	mt_sleep_ms(200);
	mt_reregister(poll, l, 0, MIO_INTEREST_WRITABLE);

	mt_expect_no_events_within(poll, events, 200);

	mt_close(s1);
	mt_close(l);
	mio_events_free(events);
	mio_poll_free(poll);
}

MT_TEST(registering, registering_after_deregistering)
{
	struct mio_poll *poll = mt_poll_new();
	struct mio_events *events = mt_events_new(8);
	struct mt_inet_addr any = mt_inet_any_local();
	mio_fd_t server = mt_tcp_listener(&any);

	mt_register(poll, server, SERVER, MIO_INTEREST_READABLE);
	mt_deregister(poll, server);
	mt_register(poll, server, SERVER, MIO_INTEREST_READABLE);

	mt_expect_no_events_within(poll, events, 100);

	mt_close(server);
	mio_events_free(events);
	mio_poll_free(poll);
}
