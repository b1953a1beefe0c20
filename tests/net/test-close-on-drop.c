/* SPDX-License-Identifier: MIT */
/* Port of mio's tests/close_on_drop.rs (v0.8.11): all of it (one test). */
#include "net-util.h"

#define SERVER ((mio_token_t)0)
#define CLIENT ((mio_token_t)1)

enum test_state { INITIAL, AFTER_READ };

struct test_handler {
	struct mio_poll *poll;
	mio_fd_t srv;
	mio_fd_t cli;
	enum test_state state;
	bool shutdown;
};

static void
handle_read(struct test_handler *h, mio_token_t tok)
{
	char buf[4096];
	switch (tok) {
	case SERVER:
		/* Accept the connection and drop it at once. */
		mt_close(mt_tcp_accept(h->srv, NULL));
		break;
	case CLIENT:
		if (h->state == INITIAL) {
			(void)mio_stream_read(h->cli, buf, sizeof(buf)); /* mio only logs it */
			h->state = AFTER_READ;
		}
		ssize_t r = mio_stream_read(h->cli, buf, 1024);
		mt_assert(r >= 0, "unexpected error %s", mio_strerror((int)r));
		mt_assert(r == 0, "the client socket should not be readable");
		h->shutdown = true;
		break;
	default:
		mt_assert(false, "received unknown token %zu", (size_t)tok);
	}
	mt_reregister(h->poll, h->cli, CLIENT, MIO_INTEREST_READABLE);
}

static void
handle_write(struct test_handler *h, mio_token_t tok)
{
	mt_assert(tok != SERVER, "received writable for token 0");
	mt_assert(tok == CLIENT, "received unknown token %zu", (size_t)tok);
	/* The client connected. */
	mt_reregister(h->poll, h->cli, CLIENT, MIO_INTEREST_READABLE);
}

MT_TEST(close_on_drop, close_on_drop)
{
	struct test_handler h = { .poll = mt_poll_new(), .state = INITIAL };

	struct mt_inet_addr any = mt_inet_any_local();
	h.srv = mt_tcp_listener(&any);
	struct mt_inet_addr addr = mt_inet_local_addr(h.srv);
	mt_register(h.poll, h.srv, SERVER, MIO_INTEREST_READABLE);

	h.cli = mt_tcp_connect(&addr);
	mt_register(h.poll, h.cli, CLIENT, MIO_INTEREST_WRITABLE);

	struct mio_events *events = mt_events_new(1024);
	while (!h.shutdown) {
		mt_assert_ok(mio_poll_poll(h.poll, events, MIO_TIMEOUT_INFINITE));
		mio_events_foreach(e, events) {
			if (mio_event_is_readable(e))
				handle_read(&h, mio_event_token(e));
			if (mio_event_is_writable(e))
				handle_write(&h, mio_event_token(e));
		}
	}
	mt_assert(h.state == AFTER_READ, "actual=%d", h.state);

	mt_close(h.cli);
	mt_close(h.srv);
	mio_events_free(events);
	mio_poll_free(h.poll);
}
