/* SPDX-License-Identifier: MIT */
/* Lifetimes of the registration map (libmio/regmap.h), which emulating backends use for
 * re-arming: re-arms from I/O threads race with polls being registered into, polled and
 * freed with registrations still in place, and with fds being closed with mio_close() and
 * their numbers reused. Nothing is asserted about events here (other suites do that): the
 * point is that no thread touches freed memory, deadlocks or crashes, which the sanitizer,
 * valgrind and TSan builds check, and that everything still works afterwards.
 *
 * MT_STRESS_SECONDS (default 1) sets how long the threads run. Runs on every backend; on
 * epoll and kqueue the map is not used and the test is a plain concurrency smoke test. */
#include "test-util.h"
#include "mt-os.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#define STABLE 8    /* pairs 0..7: never closed while the threads run; readers use them */
#define PAIRS 16    /* pairs 8..15: replaced by the closer */
#define POLLERS 2
#define READERS 2

/* pairs[i][0] is registered and read; pairs[i][1] is written to. A replaced pair's fds
 * are only touched by syscalls under its lock (closing an fd another thread is using is a
 * race of the program, not of libmio, and ThreadSanitizer says so); re-arms, which make no
 * syscall on the fd, and freeing polls that hold it race freely: that is what is tested. */
static _Atomic mio_fd_t pairs[PAIRS][2];
static atomic_flag pair_lock[PAIRS];
static atomic_bool stop;
static atomic_int failures; /* unexpected return codes, counted by helper threads */
static atomic_ulong n_rearms, n_polls_freed, n_closes; /* what the threads did */
static const char *backend;

static void
lock_pair(unsigned i)
{
	while (atomic_flag_test_and_set(&pair_lock[i]))
		mt_sleep_ms(0);
}

static void
unlock_pair(unsigned i)
{
	atomic_flag_clear(&pair_lock[i]);
}

static unsigned
next_rand(unsigned *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return *seed >> 16;
}

static void
note_failure(const char *what, long r)
{
	if (atomic_fetch_add(&failures, 1) < 5)
		fprintf(stderr, "rearm-race: %s returned %ld (%s)\n", what, r, mio_strerror((int)r));
}

/* I/O on the stable pairs (re-arming through the I/O helpers) and bare re-arms of any. */
static void *
reader(void *arg)
{
	unsigned seed = (unsigned)(uintptr_t)arg;
	char buf[64];
	while (!atomic_load(&stop)) {
		unsigned i = next_rand(&seed) % STABLE;
		(void)!mt_os_write(atomic_load(&pairs[i][1]), "x", 1); /* may be full: fine */
		while (mio_stream_read(atomic_load(&pairs[i][0]), buf, sizeof(buf)) > 0)
			;
		mio_fd_rearm(atomic_load(&pairs[next_rand(&seed) % PAIRS][0]));
		atomic_fetch_add_explicit(&n_rearms, 2, memory_order_relaxed);
	}
	return NULL;
}

static int
register_pair(struct mio_registry *reg, unsigned i)
{
	bool replaced = i >= STABLE;
	if (replaced)
		lock_pair(i);
	int err = mio_registry_register(reg, atomic_load(&pairs[i][0]), i, MIO_INTEREST_READABLE);
	if (replaced)
		unlock_pair(i);
	return err;
}

static void
deregister_pair(struct mio_registry *reg, unsigned i)
{
	bool replaced = i >= STABLE;
	if (replaced)
		lock_pair(i);
	mio_registry_deregister(reg, atomic_load(&pairs[i][0])); /* -ENOENT is fine */
	if (replaced)
		unlock_pair(i);
}

/* Polls come and go with their registrations still in place, sometimes with a clone of
 * the registry outliving the poll. */
static void *
poller(void *arg)
{
	unsigned seed = (unsigned)(uintptr_t)arg;
	struct mio_events *events = NULL;
	if (mio_events_new(8, &events) < 0) {
		note_failure("mio_events_new", -ENOMEM);
		return NULL;
	}
	while (!atomic_load(&stop)) {
		struct mio_poll *poll = NULL;
		int err = mio_poll_new_with_backend(backend, &poll);
		if (err < 0) {
			note_failure("mio_poll_new_with_backend", err);
			break;
		}
		struct mio_registry *reg = mio_poll_registry(poll), *clone = NULL;
		if (next_rand(&seed) % 4 == 0 && mio_registry_try_clone(reg, &clone) == 0)
			reg = clone;
		for (unsigned i = 0; i < PAIRS; i++) {
			err = register_pair(reg, i);
			if (err < 0)
				note_failure("register", err);
		}
		for (unsigned n = next_rand(&seed) % 4; n > 0; n--) {
			err = mio_poll_poll(poll, events, 0);
			if (err < 0)
				note_failure("mio_poll_poll", err);
			deregister_pair(reg, next_rand(&seed) % PAIRS);
		}
		mio_poll_free(poll);
		atomic_fetch_add_explicit(&n_polls_freed, 1, memory_order_relaxed);
		if (clone) {
			deregister_pair(clone, 0);
			mio_registry_free(clone);
		}
	}
	mio_events_free(events);
	return NULL;
}

static void
new_pair(unsigned i)
{
	mio_fd_t fds[2];
	mt_socketpair(SOCK_STREAM, fds);
	atomic_store(&pairs[i][0], fds[0]);
	atomic_store(&pairs[i][1], fds[1]);
}

/* Replaces pairs with mio_close(): registered fds are forgotten by every poll holding
 * them, and the numbers are reused at once by the next pair. */
static void *
closer(void *arg)
{
	unsigned seed = (unsigned)(uintptr_t)arg;
	while (!atomic_load(&stop)) {
		unsigned i = STABLE + next_rand(&seed) % (PAIRS - STABLE);
		lock_pair(i);
		mio_fd_t r = atomic_load(&pairs[i][0]), w = atomic_load(&pairs[i][1]);
		mio_close(r);
		mio_close(w);
		new_pair(i);
		unlock_pair(i);
		atomic_fetch_add_explicit(&n_closes, 1, memory_order_relaxed);
	}
	return NULL;
}

static double
stress_seconds(void)
{
	const char *s = getenv("MT_STRESS_SECONDS");
	double v = s ? atof(s) : 1.0;
	return v > 0 ? v : 1.0;
}

MT_TEST(rearm_race, polls_freed_while_io_rearms)
{
	backend = mt_backend();
	for (unsigned i = 0; i < PAIRS; i++) {
		atomic_flag_clear(&pair_lock[i]);
		new_pair(i);
	}

	struct mt_thread *threads[POLLERS + READERS + 1];
	size_t n = 0;
	for (unsigned i = 0; i < POLLERS; i++)
		threads[n++] = mt_thread_spawn(poller, (void *)(uintptr_t)(i + 1));
	for (unsigned i = 0; i < READERS; i++)
		threads[n++] = mt_thread_spawn(reader, (void *)(uintptr_t)(i + 7));
	threads[n++] = mt_thread_spawn(closer, (void *)(uintptr_t)99);

	mt_sleep_ms((unsigned)(stress_seconds() * 1000));
	atomic_store(&stop, true);
	for (size_t i = 0; i < n; i++)
		mt_thread_join(threads[i]);
	mt_assert_eq(atomic_load(&failures), 0);
	mt_log("%lu re-arms, %lu polls freed with registrations, %lu pairs closed",
	       atomic_load(&n_rearms), atomic_load(&n_polls_freed), atomic_load(&n_closes));
	mt_assert(atomic_load(&n_rearms) > 0 && atomic_load(&n_polls_freed) > 0 &&
			  atomic_load(&n_closes) > 0,
		  "every thread made progress");

	/* Everything still works: a fresh poll sees a fresh edge on a replaced pair. */
	struct mio_poll *poll = mt_poll_new();
	struct mio_events *events = mt_events_new(8);
	mio_fd_t r = atomic_load(&pairs[PAIRS - 1][0]), w = atomic_load(&pairs[PAIRS - 1][1]);
	mt_drain(r);
	mt_assert_ok(mio_registry_register(mio_poll_registry(poll), r, 3, MIO_INTEREST_READABLE));
	mt_write_all(w, "y", 1);
	MT_EXPECT_EVENTS(poll, events, { 3, MT_READABLE });
	mio_events_free(events);
	mio_poll_free(poll);
	for (unsigned i = 0; i < PAIRS; i++) {
		mio_close(atomic_load(&pairs[i][0]));
		mio_close(atomic_load(&pairs[i][1]));
	}
}
