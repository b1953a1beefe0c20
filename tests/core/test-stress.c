/* SPDX-License-Identifier: MIT */
/* A bounded multi-thread stress test of mio's thread-safety contract (issue 7, part 2),
 * run per backend. tests/core/test-rearm-race.c checks the registration map's lifetimes;
 * this checks what a user sees:
 *  - one thread polls, with timeouts 0, 1 ms and forever in turn;
 *  - worker threads each own socketpairs registered with that poll, and register,
 *    reregister, deregister, mio_close and reopen them, write to them and drain them;
 *  - a waker thread wakes the poll, and re-arms the shared pair's fd meanwhile;
 *  - a thread creates and frees a second poll that shares a pair with the first.
 * Checked: every wake and every new readable edge (a byte written to a drained pair) is
 * reported within a bound (2 s, times MT_TIMEOUT_MULTIPLIER); no poll reports a
 * registration whose deregister, reregister or mio_close returned before that poll began
 * (tokens carry the pair and a generation; a pair's "retired" generation is published
 * after the call returns and read by the poller before each poll); the second poll
 * reports only its own token.
 * Runs MT_STRESS_SECONDS seconds (default 3; a test may take 30 s, more under the TAP
 * runner with MT_TIMEOUT_MULTIPLIER). Helper threads record the first failure; the test's
 * thread asserts. */
#include "test-util.h"

#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mio/net.h>

#define WORKERS 3
#define PAIRS_PER_WORKER 2
#define SHARED (WORKERS * PAIRS_PER_WORKER) /* the pair the second poll watches too */
#define PAIRS (SHARED + 1)
#define WAKE_TOKEN ((mio_token_t)UINTPTR_MAX)
#define SECOND_TOKEN ((mio_token_t)7)
#define GEN_BITS 40

/* One socketpair: fd[0] is registered with the poll, fd[1] is its peer. */
struct pair {
	/* The owning thread's. */
	mio_fd_t fd[2];
	uint64_t gen;
	/* Shared with the poller. */
	atomic_uint_least64_t issued;  /* highest generation ever registered */
	atomic_uint_least64_t retired; /* every generation up to it was retired: call returned */
	_Atomic(mio_token_t) seen_token; /* the last readable event's token */
	atomic_ulong seen;               /* readable events reported */
};

struct stress {
	struct mio_poll *poll;
	struct mio_waker *waker;
	struct pair pair[PAIRS];
	int64_t bound_ns;
	atomic_bool stop;
	atomic_ulong wakes_seen;

	pthread_mutex_t lock;
	char failure[512];

	atomic_ulong polls[3], events, registry_ops, closes, writes, edges, wakes, second_polls;
};

/* Records the first failure and stops everyone. Returns false, for the caller to return. */
static bool __attribute__((format(printf, 2, 3)))
fail(struct stress *s, const char *fmt, ...)
{
	pthread_mutex_lock(&s->lock);
	if (!s->failure[0]) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(s->failure, sizeof(s->failure), fmt, ap);
		va_end(ap);
	}
	pthread_mutex_unlock(&s->lock);
	atomic_store(&s->stop, true);
	return false;
}

static bool
stopping(struct stress *s)
{
	return atomic_load_explicit(&s->stop, memory_order_relaxed);
}

static mio_token_t
token_of(unsigned pair, uint64_t gen)
{
	return (mio_token_t)(((uint64_t)pair << GEN_BITS) | gen);
}

static uint64_t
next_random(uint64_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return *state;
}

/* ---- The poller ---- */

static bool
check_event(struct stress *s, const struct mio_event *e, const uint64_t *retired)
{
	mio_token_t t = mio_event_token(e);
	if (t == WAKE_TOKEN) {
		atomic_fetch_add(&s->wakes_seen, 1);
		return true;
	}
	uint64_t k = (uint64_t)t >> GEN_BITS, gen = (uint64_t)t & ((1ull << GEN_BITS) - 1);
	if (k >= PAIRS || gen == 0 || gen > atomic_load(&s->pair[k].issued))
		return fail(s, "event for token %#llx, which was never registered",
			    (unsigned long long)t);
	if (gen <= retired[k])
		return fail(s, "event (flags %#x) for pair %u generation %llu, whose deregister, "
			    "reregister or mio_close returned before this poll began", e->flags,
			    (unsigned)k, (unsigned long long)gen);
	if (mio_event_is_readable(e)) {
		atomic_store(&s->pair[k].seen_token, t);
		atomic_fetch_add(&s->pair[k].seen, 1);
	}
	return true;
}

static void *
poller(void *arg)
{
	struct stress *s = arg;
	static const int64_t timeouts[3] = { 0, 1000000, -1 };
	struct mio_events *events = NULL;
	if (mio_events_new(64, &events) < 0) {
		fail(s, "mio_events_new failed");
		return NULL;
	}
	uint64_t retired[PAIRS];
	for (unsigned i = 0; !stopping(s); i++) {
		for (unsigned k = 0; k < PAIRS; k++)
			retired[k] = atomic_load_explicit(&s->pair[k].retired, memory_order_acquire);
		int n = mio_poll_poll(s->poll, events, timeouts[i % 3]);
		if (n < 0 && n != -EINTR) {
			fail(s, "mio_poll_poll: %s", mio_strerror(n));
			break;
		}
		atomic_fetch_add(&s->polls[i % 3], 1);
		mio_events_foreach(e, events) {
			atomic_fetch_add(&s->events, 1);
			if (!check_event(s, e, retired))
				break;
		}
	}
	mio_events_free(events);
	return NULL;
}

/* ---- What the workers do to their pairs ---- */

static bool
registry_call(struct stress *s, const char *what, int rc)
{
	atomic_fetch_add(&s->registry_ops, 1);
	return rc == 0 || fail(s, "%s: %s", what, mio_strerror(rc));
}

static bool
pair_register(struct stress *s, unsigned k, mio_interest_t interest)
{
	struct pair *p = &s->pair[k];
	p->gen++;
	atomic_store(&p->issued, p->gen);
	return registry_call(s, "register",
			     mio_registry_register(mio_poll_registry(s->poll), p->fd[0],
						   token_of(k, p->gen), interest));
}

/* The old generation is retired once the call has returned. */
static bool
pair_reregister(struct stress *s, unsigned k, mio_interest_t interest)
{
	struct pair *p = &s->pair[k];
	uint64_t old = p->gen++;
	atomic_store(&p->issued, p->gen);
	if (!registry_call(s, "reregister",
			   mio_registry_reregister(mio_poll_registry(s->poll), p->fd[0],
						   token_of(k, p->gen), interest)))
		return false;
	atomic_store_explicit(&p->retired, old, memory_order_release);
	return true;
}

static bool
pair_deregister(struct stress *s, unsigned k)
{
	struct pair *p = &s->pair[k];
	if (!registry_call(s, "deregister",
			   mio_registry_deregister(mio_poll_registry(s->poll), p->fd[0])))
		return false;
	atomic_store_explicit(&p->retired, p->gen, memory_order_release);
	return true;
}

static bool
pair_open(struct stress *s, unsigned k)
{
	int r = mio_unix_stream_pair(&s->pair[k].fd[0], &s->pair[k].fd[1]);
	return r == 0 || fail(s, "mio_unix_stream_pair: %s", mio_strerror(r));
}

/* mio_close() of a registered pair: retired when it returns; its numbers are soon reused
 * by another worker's new pair. */
static bool
pair_close(struct stress *s, unsigned k)
{
	struct pair *p = &s->pair[k];
	int r0 = mio_close(p->fd[0]), r1 = mio_close(p->fd[1]);
	atomic_fetch_add(&s->closes, 1);
	if (r0 < 0 || r1 < 0)
		return fail(s, "mio_close: %s", mio_strerror(r0 < 0 ? r0 : r1));
	atomic_store_explicit(&p->retired, p->gen, memory_order_release);
	return true;
}

/* Reads the registered end until -EAGAIN, which re-arms it. */
static bool
drain(struct stress *s, mio_fd_t fd)
{
	char buf[256];
	for (;;) {
		ssize_t r = mio_stream_read(fd, buf, sizeof(buf));
		if (r == -EAGAIN)
			return true;
		if (r <= 0)
			return fail(s, "draining: %s", r ? mio_strerror((int)r) : "end of stream");
	}
}

static bool
write_byte(struct stress *s, mio_fd_t fd)
{
	atomic_fetch_add(&s->writes, 1);
	ssize_t r = mio_stream_write(fd, "x", 1);
	return r == 1 || fail(s, "write: %s", mio_strerror((int)r));
}

/* Waits for done(s, k, since) within the bound; false (a failure, unless stopping) if it
 * does not come. */
static bool
await(struct stress *s, bool (*done)(struct stress *, unsigned, unsigned long), unsigned k,
      unsigned long since, const char *what)
{
	int64_t until = mt_now_ns() + s->bound_ns;
	while (!done(s, k, since)) {
		if (stopping(s))
			return false;
		if (mt_now_ns() > until)
			return fail(s, "%s not reported within %lld ms", what,
				    (long long)(s->bound_ns / 1000000));
		sched_yield();
	}
	return true;
}

static bool
edge_seen(struct stress *s, unsigned k, unsigned long since)
{
	const struct pair *p = &s->pair[k];
	return atomic_load(&p->seen) > since &&
	       atomic_load(&p->seen_token) == token_of(k, p->gen);
}

/* A new readable edge on a drained, registered pair must be reported. */
static bool
check_edge(struct stress *s, unsigned k)
{
	struct pair *p = &s->pair[k];
	unsigned long since = atomic_load(&p->seen);
	if (!write_byte(s, p->fd[1]) || !await(s, edge_seen, k, since, "a readable edge"))
		return false;
	atomic_fetch_add(&s->edges, 1);
	return drain(s, p->fd[0]);
}

/* The pair leaves the poll for a while: I/O on it then re-arms nothing, reports nothing. */
static bool
pause_registration(struct stress *s, unsigned k)
{
	struct pair *p = &s->pair[k];
	return pair_deregister(s, k) && write_byte(s, p->fd[1]) && drain(s, p->fd[0]) &&
	       pair_register(s, k, MIO_INTEREST_READABLE);
}

struct worker {
	struct stress *s;
	unsigned first; /* its pairs: first .. first + PAIRS_PER_WORKER - 1 */
	uint64_t random;
	pthread_t thread;
};

static bool
worker_step(struct stress *s, unsigned k, uint64_t r)
{
	static const mio_interest_t interests[2] = { MIO_INTEREST_READABLE,
						     MIO_INTEREST_READABLE | MIO_INTEREST_WRITABLE };
	switch (r % 8) {
	case 4:
		return pair_reregister(s, k, interests[(r >> 8) & 1]);
	case 5:
		return pause_registration(s, k);
	case 6:
		return pair_close(s, k) && pair_open(s, k) &&
		       pair_register(s, k, interests[(r >> 8) & 1]);
	default:
		return check_edge(s, k);
	}
}

static void *
worker(void *arg)
{
	struct worker *w = arg;
	struct stress *s = w->s;
	for (unsigned i = 0; i < PAIRS_PER_WORKER; i++)
		if (!pair_open(s, w->first + i) ||
		    !pair_register(s, w->first + i, MIO_INTEREST_READABLE))
			return NULL;
	while (!stopping(s)) {
		uint64_t r = next_random(&w->random);
		if (!worker_step(s, w->first + (unsigned)(r >> 32) % PAIRS_PER_WORKER, r))
			break;
	}
	return NULL;
}

/* ---- Wakes ---- */

static bool
wake_seen(struct stress *s, unsigned k, unsigned long since)
{
	return atomic_load(&s->wakes_seen) > since;
}

/* One wake at a time, each reported before the next; meanwhile the shared pair's fd is
 * re-armed, racing with the second poll's mio_poll_free(). */
static void *
waker(void *arg)
{
	struct stress *s = arg;
	while (!stopping(s)) {
		unsigned long since = atomic_load(&s->wakes_seen);
		int r = mio_waker_wake(s->waker);
		if (r < 0) {
			fail(s, "mio_waker_wake: %s", mio_strerror(r));
			break;
		}
		mio_fd_rearm(s->pair[SHARED].fd[0]);
		if (!await(s, wake_seen, 0, since, "a wake"))
			break;
		atomic_fetch_add(&s->wakes, 1);
	}
	return NULL;
}

/* ---- A second poll sharing a pair ---- */

/* Polls the second poll until its token is reported readable; anything else fails. */
static bool
second_poll_sees_edge(struct stress *s, struct mio_poll *second, struct mio_events *events)
{
	int64_t until = mt_now_ns() + s->bound_ns;
	for (unsigned i = 0; !stopping(s); i++) {
		int n = mio_poll_poll(second, events, (i % 2) * 1000000);
		if (n < 0)
			return fail(s, "second poll: %s", mio_strerror(n));
		atomic_fetch_add(&s->second_polls, 1);
		mio_events_foreach(e, events) {
			if (mio_event_token(e) != SECOND_TOKEN)
				return fail(s, "second poll reported token %#llx",
					    (unsigned long long)mio_event_token(e));
			if (mio_event_is_readable(e))
				return true;
		}
		if (mt_now_ns() > until)
			return fail(s, "the second poll did not report the shared pair's edge "
				    "within %lld ms", (long long)(s->bound_ns / 1000000));
	}
	return false;
}

/* The shared pair is registered with the first poll for the whole run, and with a new
 * second poll each round, which is freed with the registration in place or after a
 * deregister; an edge on it must reach both polls. */
static bool
second_poll_round(struct stress *s, struct mio_events *events, bool deregister)
{
	struct pair *p = &s->pair[SHARED];
	struct mio_poll *second = NULL;
	int r = mio_poll_new(&second);
	if (r < 0)
		return fail(s, "second mio_poll_new: %s", mio_strerror(r));
	bool ok = registry_call(s, "second register",
				mio_registry_register(mio_poll_registry(second), p->fd[0],
						      SECOND_TOKEN, MIO_INTEREST_READABLE));
	unsigned long since = atomic_load(&p->seen);
	ok = ok && write_byte(s, p->fd[1]) && second_poll_sees_edge(s, second, events) &&
	     await(s, edge_seen, SHARED, since, "the shared pair's edge");
	if (ok)
		atomic_fetch_add(&s->edges, 1);
	ok = ok && drain(s, p->fd[0]);
	if (ok && deregister)
		ok = registry_call(s, "second deregister",
				   mio_registry_deregister(mio_poll_registry(second), p->fd[0]));
	mio_poll_free(second);
	return ok;
}

static void *
second_poller(void *arg)
{
	struct stress *s = arg;
	struct mio_events *events = NULL;
	if (mio_events_new(8, &events) < 0) {
		fail(s, "mio_events_new failed");
		return NULL;
	}
	for (unsigned i = 0; !stopping(s) && second_poll_round(s, events, i % 2); i++)
		;
	mio_events_free(events);
	return NULL;
}

/* ---- The test ---- */

static double
env_double(const char *name, double fallback)
{
	const char *v = getenv(name);
	if (!v || !*v)
		return fallback;
	char *end;
	double d = strtod(v, &end);
	mt_assert(*end == '\0' && d > 0, "%s=%s is not a positive number", name, v);
	return d;
}

MT_TEST(stress, threads)
{
	static struct stress s; /* zero: every counter and flag */
	double seconds = env_double("MT_STRESS_SECONDS", 3);
	s.bound_ns = (int64_t)(2e9 * env_double("MT_TIMEOUT_MULTIPLIER", 1));
	pthread_mutex_init(&s.lock, NULL);
	s.poll = mt_poll_new();
	mt_assert_ok(mio_waker_new(mio_poll_registry(s.poll), WAKE_TOKEN, &s.waker));
	struct pair *shared = &s.pair[SHARED];
	mt_assert_ok(mio_unix_stream_pair(&shared->fd[0], &shared->fd[1]));
	shared->gen = 1;
	atomic_store(&shared->issued, 1);
	mt_assert_ok(mio_registry_register(mio_poll_registry(s.poll), shared->fd[0],
					   token_of(SHARED, 1), MIO_INTEREST_READABLE));

	pthread_t poll_thread, wake_thread, second_thread;
	struct worker workers[WORKERS];
	mt_assert_eq(pthread_create(&poll_thread, NULL, poller, &s), 0);
	for (unsigned i = 0; i < WORKERS; i++) {
		workers[i] = (struct worker){ .s = &s, .first = i * PAIRS_PER_WORKER,
					      .random = 0x9e3779b97f4a7c15ull * (i + 1) };
		mt_assert_eq(pthread_create(&workers[i].thread, NULL, worker, &workers[i]), 0);
	}
	mt_assert_eq(pthread_create(&wake_thread, NULL, waker, &s), 0);
	mt_assert_eq(pthread_create(&second_thread, NULL, second_poller, &s), 0);

	int64_t end = mt_now_ns() + (int64_t)(seconds * 1e9);
	while (!stopping(&s) && mt_now_ns() < end)
		mt_sleep_ms(10);
	atomic_store(&s.stop, true);
	for (unsigned i = 0; i < WORKERS; i++)
		pthread_join(workers[i].thread, NULL);
	pthread_join(wake_thread, NULL);
	pthread_join(second_thread, NULL);
	mio_waker_wake(s.waker); /* a poll blocked forever returns */
	pthread_join(poll_thread, NULL);

	mt_log("stress on %s, %.1f s: %lu polls (%lu with timeout 0, %lu 1 ms, %lu forever), "
	       "%lu events, %lu registry calls, %lu closes, %lu writes, %lu second polls; "
	       "%lu edges and %lu wakes checked", mt_backend(), seconds,
	       atomic_load(&s.polls[0]) + atomic_load(&s.polls[1]) + atomic_load(&s.polls[2]),
	       atomic_load(&s.polls[0]), atomic_load(&s.polls[1]), atomic_load(&s.polls[2]),
	       atomic_load(&s.events), atomic_load(&s.registry_ops), atomic_load(&s.closes),
	       atomic_load(&s.writes), atomic_load(&s.second_polls), atomic_load(&s.edges),
	       atomic_load(&s.wakes));
	mt_assert(!s.failure[0], "%s", s.failure);
	mt_assert(atomic_load(&s.edges) > 0 && atomic_load(&s.wakes) > 0,
		  "nothing was checked: %lu edges, %lu wakes", atomic_load(&s.edges),
		  atomic_load(&s.wakes));

	for (unsigned k = 0; k < PAIRS; k++) {
		mio_close(s.pair[k].fd[0]);
		mio_close(s.pair[k].fd[1]);
	}
	mio_waker_free(s.waker);
	mio_poll_free(s.poll);
	pthread_mutex_destroy(&s.lock);
}
