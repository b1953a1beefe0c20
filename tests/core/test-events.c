/* SPDX-License-Identifier: MIT */
/* Port of mio's tests/events.rs: events_all.
 * Left out: assert_event_source_implemented_for (a Rust compile-time trait check).
 * libmio additions: mio_events_new's argument checks, the accessors (len, capacity,
 * is_empty, clear, get, foreach) including on NULL, poll clearing the buffer first, and
 * mio's "events that did not fit stay queued for the next call". */
#include "test-util.h"


#define WAKE_TOKEN ((mio_token_t)10)
#define NFDS 3

/* A poll, an events buffer of some capacity and NFDS socketpairs whose first ends are
 * registered WRITABLE with tokens 0..NFDS-1. */
struct writable_pairs {
	struct mio_poll *poll;
	struct mio_events *events;
	mio_fd_t pairs[NFDS][2];
};

static struct writable_pairs
writable_pairs_new(size_t capacity)
{
	struct writable_pairs w = { .poll = mt_poll_new(), .events = mt_events_new(capacity) };
	for (int i = 0; i < NFDS; i++) {
		mt_socketpair(SOCK_STREAM, w.pairs[i]);
		mt_assert_ok(mio_registry_register(mio_poll_registry(w.poll), w.pairs[i][0],
						   (mio_token_t)i, MIO_INTEREST_WRITABLE));
	}
	return w;
}

static void
writable_pairs_free(struct writable_pairs *w)
{
	for (int i = 0; i < NFDS; i++) {
		mt_os_close(w->pairs[i][0]);
		mt_os_close(w->pairs[i][1]);
	}
	mio_events_free(w->events);
	mio_poll_free(w->poll);
}

MT_TEST(events, events_all)
{
	struct mio_poll *poll = mt_poll_new();
	struct mio_events *events = mt_events_new(16);
	mt_assert_eq(mio_events_capacity(events), 16);
	mt_assert(mio_events_is_empty(events), "a new buffer is empty");

	struct mio_waker *waker;
	mt_assert_ok(mio_waker_new(mio_poll_registry(poll), WAKE_TOKEN, &waker));
	mt_assert_ok(mio_waker_wake(waker));
	mt_assert_ok(mio_poll_poll(poll, events, 100 * 1000000LL));

	mt_assert(!mio_events_is_empty(events), "expected the waker event");
	mio_events_foreach(e, events) {
		mt_assert_eq(mio_event_token(e), WAKE_TOKEN);
		mt_assert(mio_event_is_readable(e), "waker event must be readable");
	}

	mio_events_clear(events);
	mt_assert(mio_events_is_empty(events), "clear empties the buffer");
	mt_assert_eq(mio_events_len(events), 0);
	mt_assert_eq(mio_events_capacity(events), 16);

	mio_waker_free(waker);
	mio_events_free(events);
	mio_poll_free(poll);
}

MT_TEST(events, new_checks_arguments)
{
	struct mio_events *events = NULL;
	mt_assert_err(mio_events_new(0, &events), -EINVAL);
	mt_assert(events == NULL, "set on failure");
	mt_assert_err(mio_events_new(16, NULL), -EINVAL);
	mt_assert_err(mio_events_new(SIZE_MAX, &events), -ENOMEM);
	mt_assert(events == NULL, "set on failure");

	mt_assert_ok(mio_events_new(1, &events));
	mt_assert_eq(mio_events_capacity(events), 1);
	mio_events_free(events);
}

MT_TEST(events, accessors_accept_null)
{
	mt_assert_eq(mio_events_len(NULL), 0);
	mt_assert_eq(mio_events_capacity(NULL), 0);
	mt_assert(mio_events_is_empty(NULL), "NULL is empty");
	mt_assert(mio_events_get(NULL, 0) == NULL, "get on NULL");
	mio_events_clear(NULL);
	mio_events_free(NULL);
	int n = 0;
	mio_events_foreach(e, (struct mio_events *)NULL) {
		(void)e;
		n++;
	}
	mt_assert_eq(n, 0);
}

MT_TEST(events, foreach_on_empty_buffer)
{
	struct mio_events *events = mt_events_new(4);
	int n = 0;
	mio_events_foreach(e, events) {
		(void)e;
		n++;
	}
	mt_assert_eq(n, 0);
	mt_assert(mio_events_get(events, 0) == NULL, "get(0) on an empty buffer");
	mio_events_free(events);
}

/* get(i) for i < len, contiguous, NULL past the end; foreach visits exactly len events. */
MT_TEST(events, get_and_foreach)
{
	struct writable_pairs w = writable_pairs_new(16);

	mt_assert_eq(mio_poll_poll(w.poll, w.events, 500 * 1000000LL), NFDS);
	mt_assert_eq(mio_events_len(w.events), NFDS);
	const struct mio_event *first = mio_events_get(w.events, 0);
	unsigned seen = 0;
	for (size_t i = 0; i < NFDS; i++) {
		const struct mio_event *e = mio_events_get(w.events, i);
		mt_assert(e == first + i, "events are not contiguous at %zu", i);
		mt_assert(mio_event_is_writable(e), "event %zu not writable", i);
		mt_assert(mio_event_token(e) < NFDS, "unexpected token");
		seen |= 1u << mio_event_token(e);
	}
	mt_assert_eq(seen, (1u << NFDS) - 1);
	mt_assert(mio_events_get(w.events, NFDS) == NULL, "get past len");
	mt_assert(mio_events_get(w.events, 15) == NULL, "get past len, below capacity");
	int n = 0;
	mio_events_foreach(e, w.events) {
		mt_assert(e == first + n, "foreach order");
		n++;
	}
	mt_assert_eq(n, NFDS);

	writable_pairs_free(&w);
}

/* A poll clears the buffer first: a poll that times out leaves it empty. */
MT_TEST(events, poll_clears_events)
{
	struct writable_pairs w = writable_pairs_new(16);

	mt_assert_ok(mio_poll_poll(w.poll, w.events, 500 * 1000000LL));
	mt_assert(!mio_events_is_empty(w.events), "expected writable events");
	mt_assert_eq(mio_poll_poll(w.poll, w.events, 0), 0);
	mt_assert(mio_events_is_empty(w.events), "a poll with no events leaves the buffer empty");
	mt_assert_eq(mio_events_len(w.events), 0);

	writable_pairs_free(&w);
}

/* Capacity 1 and NFDS ready fds: each poll returns exactly one event, the others stay
 * queued for the next calls (nothing is lost, nothing repeats), then nothing is left. */
MT_TEST(events, events_that_do_not_fit_stay_queued)
{
	struct writable_pairs w = writable_pairs_new(1);
	mt_sleep_ms(10);

	unsigned seen = 0;
	for (int i = 0; i < NFDS; i++) {
		mt_assert_eq(mio_poll_poll(w.poll, w.events, 500 * 1000000LL), 1);
		const struct mio_event *e = mio_events_get(w.events, 0);
		mt_assert(mio_event_is_writable(e), "event not writable");
		mt_assert(mio_event_token(e) < NFDS, "unexpected token");
		mt_assert(!(seen & (1u << mio_event_token(e))), "token %zu reported twice",
			  (size_t)mio_event_token(e));
		seen |= 1u << mio_event_token(e);
	}
	mt_assert_eq(seen, (1u << NFDS) - 1);
	mt_expect_no_events(w.poll, w.events);

	writable_pairs_free(&w);
}

/* A poll never writes more than the capacity. */
MT_TEST(events, capacity_is_respected)
{
	struct writable_pairs w = writable_pairs_new(2);
	mt_sleep_ms(10);

	int total = 0;
	for (int round = 0; round < 4; round++) {
		int n = mio_poll_poll(w.poll, w.events, 100 * 1000000LL);
		mt_assert_ok(n);
		mt_assert(n <= 2 && mio_events_len(w.events) == (size_t)n, "poll returned %d", n);
		total += n;
	}
	mt_assert_eq(total, NFDS);

	writable_pairs_free(&w);
}

/* Two fds that are ready again after every event, capacity 1: both are reported, none is
 * starved by the other (epoll rotates its ready list; the poll backend rotates its scan). */
MT_TEST(events, small_buffer_starves_no_fd)
{
	struct mio_poll *poll = mt_poll_new();
	struct mio_events *events = mt_events_new(1);
	mio_fd_t a[2], b[2];
	mt_socketpair(SOCK_STREAM, a);
	mt_socketpair(SOCK_STREAM, b);
	mt_assert_ok(mio_registry_register(mio_poll_registry(poll), a[0], 0, MIO_INTEREST_READABLE));
	mt_assert_ok(mio_registry_register(mio_poll_registry(poll), b[0], 1, MIO_INTEREST_READABLE));
	mt_write_all(a[1], "x", 1);
	mt_write_all(b[1], "x", 1);

	unsigned seen[2] = { 0, 0 };
	for (int i = 0; i < 20; i++) {
		mt_assert_eq(mio_poll_poll(poll, events, 500 * 1000000LL), 1);
		mio_token_t t = mio_event_token(mio_events_get(events, 0));
		mt_assert(t < 2, "unexpected token %zu", (size_t)t);
		seen[t]++;
		/* Drain (re-arms), then make it ready again: a busy fd. */
		mio_fd_t fd = t == 0 ? a[0] : b[0];
		mt_drain(fd);
		mt_write_all(t == 0 ? a[1] : b[1], "x", 1);
	}
	mt_assert(seen[0] >= 5 && seen[1] >= 5, "starved: token 0 seen %u times, token 1 %u times",
		  seen[0], seen[1]);

	for (int i = 0; i < 2; i++) {
		mio_close(a[i]);
		mio_close(b[i]);
	}
	mio_events_free(events);
	mio_poll_free(poll);
}

/* Issue 7, defect 2: a wake before every poll, capacity 1, and busy fds. The waker takes
 * its turn like any fd: every fd and the waker are reported (the poll backend used to
 * give the first slot to a pending wake on every poll, so no fd was ever reported). */
#define BUSY_FDS 16
#define BUSY_TOKEN(i) ((mio_token_t)(100 + (i)))
MT_TEST(events, small_buffer_wake_starves_no_fd)
{
	struct mio_poll *poll = mt_poll_new();
	struct mio_events *events = mt_events_new(1);
	struct mio_waker *waker;
	mt_assert_ok(mio_waker_new(mio_poll_registry(poll), WAKE_TOKEN, &waker));
	mio_fd_t pairs[BUSY_FDS][2];
	for (int i = 0; i < BUSY_FDS; i++) {
		mt_socketpair(SOCK_STREAM, pairs[i]);
		mt_assert_ok(mio_registry_register(mio_poll_registry(poll), pairs[i][0],
						   BUSY_TOKEN(i), MIO_INTEREST_READABLE));
		mt_write_all(pairs[i][1], "x", 1);
	}

	unsigned seen[BUSY_FDS] = { 0 }, wakes = 0;
	for (int round = 0; round < 4 * (BUSY_FDS + 1); round++) {
		mt_assert_ok(mio_waker_wake(waker));
		mt_assert_eq(mio_poll_poll(poll, events, 500 * 1000000LL), 1);
		mio_token_t t = mio_event_token(mio_events_get(events, 0));
		if (t == WAKE_TOKEN) {
			wakes++;
			continue;
		}
		size_t i = (size_t)(t - BUSY_TOKEN(0));
		mt_assert(t >= BUSY_TOKEN(0) && i < BUSY_FDS, "unexpected token %zu", (size_t)t);
		seen[i]++;
		/* Drain (re-arms), then make it ready again: a busy fd. */
		mt_drain(pairs[i][0]);
		mt_write_all(pairs[i][1], "x", 1);
	}
	mt_assert(wakes > 0, "the waker was never reported");
	for (int i = 0; i < BUSY_FDS; i++)
		mt_assert(seen[i] > 0, "fd %d starved: %u wakes, fds seen %u %u %u...", i, wakes,
			  seen[0], seen[1], seen[2]);

	for (int i = 0; i < BUSY_FDS; i++) {
		mio_close(pairs[i][0]);
		mio_close(pairs[i][1]);
	}
	mio_waker_free(waker);
	mio_events_free(events);
	mio_poll_free(poll);
}

/* The accessors on the flag words the backends write: mio 0.8.11's answers (mio-reference
 * 1.3) for epoll's bits, and for the words the kqueue backend makes of a kevent (filter,
 * EV_EOF, fflags), mio's kqueue answers. */
MT_TEST(events, accessors_decide_as_mio)
{
	enum { R = 1, W = 2, ERR = 4, RC = 8, WC = 16, PRI = 32 };
	static const struct {
		const char *what;
		uint32_t flags;
		unsigned expect;
	} cases[] = {
		{ "EPOLLIN", MIO_EVENT_IN, R },
		{ "EPOLLIN|EPOLLRDHUP", MIO_EVENT_IN | MIO_EVENT_RDHUP, R | RC },
		{ "EPOLLOUT", MIO_EVENT_OUT, W },
		{ "EPOLLOUT|EPOLLERR|EPOLLHUP", MIO_EVENT_OUT | MIO_EVENT_ERR | MIO_EVENT_HUP,
		  W | ERR | RC | WC },
		{ "EPOLLERR (pipe reader gone)", MIO_EVENT_ERR, ERR | WC },
		{ "EPOLLPRI", MIO_EVENT_PRI, R | PRI },
		{ "EVFILT_READ", MIO_EVENT_IN, R },
		{ "EVFILT_READ+EV_EOF", MIO_EVENT_IN | MIO_EVENT_RDHUP, R | RC },
		{ "EVFILT_READ+EV_EOF+fflags", MIO_EVENT_IN | MIO_EVENT_RDHUP | MIO_EVENT_ERR,
		  R | RC | ERR },
		{ "EVFILT_WRITE", MIO_EVENT_OUT, W },
		{ "EVFILT_WRITE+EV_EOF", MIO_EVENT_OUT | MIO_EVENT_WRHUP, W | WC },
		{ "EVFILT_WRITE+EV_EOF+fflags", MIO_EVENT_OUT | MIO_EVENT_WRHUP | MIO_EVENT_ERR,
		  W | WC | ERR },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mio_event e = { .flags = cases[i].flags, .token = 1 };
		unsigned got = (mio_event_is_readable(&e) ? R : 0) |
			       (mio_event_is_writable(&e) ? W : 0) |
			       (mio_event_is_error(&e) ? ERR : 0) |
			       (mio_event_is_read_closed(&e) ? RC : 0) |
			       (mio_event_is_write_closed(&e) ? WC : 0) |
			       (mio_event_is_priority(&e) ? PRI : 0);
		mt_assert(got == cases[i].expect, "%s: accessors say %#x, mio says %#x",
			  cases[i].what, got, cases[i].expect);
	}
}
