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

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PAIRS 16
#define POLLERS 2
#define READERS 2

/* pairs[i][0] is registered and read; pairs[i][1] is written to. Numbers change when a
 * closer thread replaces a pair; readers may then read a closed or reused fd, which is
 * legal (it fails or reads something else) and exactly the race under test. */
static _Atomic mio_fd_t pairs[PAIRS][2];
static atomic_bool stop;
static atomic_int failures; /* unexpected return codes, counted by helper threads */
static atomic_ulong n_rearms, n_polls_freed, n_closes; /* what the threads did */
static const char *backend;

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

static void *
reader(void *arg)
{
	unsigned seed = (unsigned)(uintptr_t)arg;
	char buf[64];
	while (!atomic_load(&stop)) {
		unsigned i = next_rand(&seed) % PAIRS;
		mio_fd_t w = atomic_load(&pairs[i][1]), r = atomic_load(&pairs[i][0]);
		/* May hit a closed, full or reused fd (send() touches only sockets): fine. */
		(void)!send(w, "x", 1, MSG_NOSIGNAL);
		while (mio_stream_read(r, buf, sizeof(buf)) > 0)
			;
		mio_fd_rearm(r);
		atomic_fetch_add_explicit(&n_rearms, 1, memory_order_relaxed);
	}
	return NULL;
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
			/* -EBADF/-EEXIST: a closer replaced the pair meanwhile. */
			err = mio_registry_register(reg, atomic_load(&pairs[i][0]), i,
						    MIO_INTEREST_READABLE);
			if (err < 0 && err != -EBADF && err != -EEXIST && err != -EPERM)
				note_failure("register", err);
		}
		for (unsigned n = next_rand(&seed) % 4; n > 0; n--) {
			err = mio_poll_poll(poll, events, 0);
			if (err < 0)
				note_failure("mio_poll_poll", err);
			mio_registry_deregister(reg, atomic_load(&pairs[next_rand(&seed) % PAIRS][0]));
		}
		mio_poll_free(poll);
		atomic_fetch_add_explicit(&n_polls_freed, 1, memory_order_relaxed);
		if (clone) {
			mio_registry_deregister(clone, atomic_load(&pairs[0][0]));
			mio_registry_free(clone);
		}
	}
	mio_events_free(events);
	return NULL;
}

static int
new_pair(unsigned i)
{
	int fds[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) < 0)
		return -errno;
	atomic_store(&pairs[i][0], fds[0]);
	atomic_store(&pairs[i][1], fds[1]);
	return 0;
}

/* Replaces pairs with mio_close(): registered fds are forgotten by every poll holding
 * them, and the numbers are reused at once by the next socketpair. */
static void *
closer(void *arg)
{
	unsigned seed = (unsigned)(uintptr_t)arg;
	while (!atomic_load(&stop)) {
		unsigned i = next_rand(&seed) % PAIRS;
		mio_fd_t r = atomic_load(&pairs[i][0]), w = atomic_load(&pairs[i][1]);
		int err = new_pair(i);
		if (err < 0) {
			note_failure("socketpair", err);
			break;
		}
		mio_close(r);
		mio_close(w);
		atomic_fetch_add_explicit(&n_closes, 1, memory_order_relaxed);
		struct timespec ts = { 0, 200000 };
		nanosleep(&ts, NULL);
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
	for (unsigned i = 0; i < PAIRS; i++)
		mt_assert_ok(new_pair(i));

	pthread_t threads[POLLERS + READERS + 1];
	size_t n = 0;
	for (unsigned i = 0; i < POLLERS; i++)
		mt_assert_eq(pthread_create(&threads[n++], NULL, poller, (void *)(uintptr_t)(i + 1)), 0);
	for (unsigned i = 0; i < READERS; i++)
		mt_assert_eq(pthread_create(&threads[n++], NULL, reader, (void *)(uintptr_t)(i + 7)), 0);
	mt_assert_eq(pthread_create(&threads[n++], NULL, closer, (void *)(uintptr_t)99), 0);

	mt_sleep_ms((unsigned)(stress_seconds() * 1000));
	atomic_store(&stop, true);
	for (size_t i = 0; i < n; i++)
		pthread_join(threads[i], NULL);
	mt_assert_eq(atomic_load(&failures), 0);
	mt_log("%lu re-arming reads, %lu polls freed with registrations, %lu pairs closed",
	       atomic_load(&n_rearms), atomic_load(&n_polls_freed), atomic_load(&n_closes));
	mt_assert(atomic_load(&n_rearms) > 0 && atomic_load(&n_polls_freed) > 0 &&
			  atomic_load(&n_closes) > 0,
		  "every thread made progress");

	/* Everything still works: a fresh poll sees a fresh edge on a surviving fd. */
	struct mio_poll *poll = mt_poll_new();
	struct mio_events *events = mt_events_new(8);
	mio_fd_t r = atomic_load(&pairs[3][0]), w = atomic_load(&pairs[3][1]);
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
