/* SPDX-License-Identifier: MIT */
/* mio's "zero allocations at runtime" claim, checked: after setup, the hot path (poll,
 * register, reregister, deregister, wake, I/O helpers) makes no heap allocation. */
#include "counting-allocator.h"
#include "test-util.h"

#include <mio/net.h>

/* Under Wine every AFD operation is a round trip to wineserver: 10,000 rounds take longer
 * than the test's 30 s there. The assertion is "no allocation at all", so fewer rounds only
 * repeat the same path less often. */
#if defined(_WIN32)
#define ROUNDS 1000
#else
#define ROUNDS 10000
#endif

/* Setup allocates (poll, events, waker, and on emulating backends the fd tables for these
 * fd numbers); one warm-up round lets lazily grown tables reach their size. */
struct fixture {
	struct mio_poll *poll;
	struct mio_events *events;
	struct mio_waker *waker;
	mio_fd_t pair[2];
};

static void
fixture_init(struct fixture *f)
{
	f->poll = mt_poll_new();
	f->events = mt_events_new(64);
	mt_assert_ok(mio_waker_new(mio_poll_registry(f->poll), 99, &f->waker));
	mt_socketpair(SOCK_STREAM, f->pair);
}

static void
fixture_fini(struct fixture *f)
{
	mio_close(f->pair[0]);
	mio_close(f->pair[1]);
	mio_waker_free(f->waker);
	mio_events_free(f->events);
	mio_poll_free(f->poll);
}

/* One round of everything on the hot path; returns the number of events seen. */
static int
hot_round(struct fixture *f)
{
	struct mio_registry *r = mio_poll_registry(f->poll);
	char byte = 'x', buf[8];
	int seen = 0;
	mio_registry_register(r, f->pair[0], 1, MIO_INTEREST_READABLE);
	mio_stream_write(f->pair[1], &byte, 1);
	mio_waker_wake(f->waker);
	int n = mio_poll_poll(f->poll, f->events, 0);
	seen += n > 0 ? n : 0;
	mio_registry_reregister(r, f->pair[0], 2, MIO_INTEREST_READABLE | MIO_INTEREST_WRITABLE);
	while (mio_stream_read(f->pair[0], buf, sizeof(buf)) > 0)
		;
	n = mio_poll_poll(f->poll, f->events, 0);
	seen += n > 0 ? n : 0;
	mio_registry_deregister(r, f->pair[0]);
	return seen;
}

MT_TEST(alloc, hot_path_makes_no_allocation)
{
	struct fixture f;
	fixture_init(&f);
	mt_assert(hot_round(&f) > 0, "the warm-up round saw no event");

	alloc_count_start();
	int seen = 0;
	for (int i = 0; i < ROUNDS; i++)
		seen += hot_round(&f);
	size_t allocations = alloc_count_stop();

	/* The counter itself is proven live by the control test below. */
	mt_assert(seen >= ROUNDS, "only %d events in %d rounds", seen, ROUNDS);
	mt_assert(allocations == 0, "%zu allocations in %d rounds on %s", allocations, ROUNDS,
		  mio_poll_backend_name(f.poll));
	fixture_fini(&f);
}

MT_TEST(alloc, poll_with_many_events_makes_no_allocation)
{
	struct fixture f;
	fixture_init(&f);
	struct mio_registry *r = mio_poll_registry(f.poll);
	mt_assert_ok(mio_registry_register(r, f.pair[0], 1, MIO_INTEREST_WRITABLE));
	mt_assert_ok(mio_registry_register(r, f.pair[1], 2, MIO_INTEREST_WRITABLE));

	alloc_count_start();
	int seen = 0;
	for (int i = 0; i < ROUNDS; i++) {
		mio_registry_reregister(r, f.pair[i & 1], 1 + (i & 1), MIO_INTEREST_WRITABLE);
		int n = mio_poll_poll(f.poll, f.events, 0);
		seen += n > 0 ? n : 0;
	}
	size_t allocations = alloc_count_stop();

	mt_assert(seen >= ROUNDS, "only %d events in %d rounds", seen, ROUNDS);
	mt_assert(allocations == 0, "mio_poll_poll allocated %zu times on %s", allocations,
		  mio_poll_backend_name(f.poll));
	fixture_fini(&f);
}

/* The counter must see allocations, or the tests above could not fail. */
MT_TEST(alloc, counter_sees_allocations)
{
	alloc_count_start();
	struct mio_events *events;
	mt_assert_ok(mio_events_new(4, &events));
	size_t allocations = alloc_count_stop();
	mio_events_free(events);
	mt_assert(allocations == 1, "counted %zu allocations for one mio_events_new", allocations);

	/* A clone allocates in libmio and in the dlopen'ed backend module: both are seen. */
	struct mio_poll *poll = mt_poll_new();
	struct mio_registry *clone;
	alloc_count_start();
	mt_assert_ok(mio_registry_try_clone(mio_poll_registry(poll), &clone));
	allocations = alloc_count_stop();
	mio_registry_free(clone);
	mio_poll_free(poll);
	mt_assert(allocations >= 2, "counted %zu allocations for a registry clone", allocations);
}
