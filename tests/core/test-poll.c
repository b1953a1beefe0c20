/* SPDX-License-Identifier: MIT */
/* Port of mio's tests/poll.rs, using pipes, socketpairs and wakers instead of TCP/UDP
 * sockets (a socketpair end is writable and not readable, like mio's idle UDP socket; a
 * pipe read end with data is readable, like a listener with a pending connection).
 *
 * Ported: run_once_with_nothing, add_then_drop, zero_duration_polls_events, poll_closes_fd,
 * registry_behind_arc, registry_operations_are_thread_safe, register_during_poll,
 * reregister_interest_token_usage, double_register_different_token (-EEXIST),
 * poll_ok_after_cancelling_pending_ops, reregister_without_register and
 * deregister_without_register (-ENOENT; mio checks these only in debug builds).
 * Left out:
 *  - is_send_and_sync: a Rust compile-time trait check; libmio's thread-safety rules are
 *    exercised by the threaded tests below instead.
 *  - drop_cancels_interest_and_shuts_down: TCP only (ported in tests/net).
 *  - poll_registration, poll_erroneous_registration: they test the event::Source trait,
 *    which libmio does not have (it registers raw fds).
 * libmio-specific additions: timeouts (negative, 1 ns, huge, never early), mio_poll_fd,
 * argument checking (-EINVAL/-EBADF/-EPERM), registry clones, closing registered fds
 * (mio_close and plain close), and deregister semantics (no stale events, also for a
 * deregister made while another thread is blocked in poll).
 */
#include "test-util.h"

#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if !defined(_WIN32)
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

#define ID1 ((mio_token_t)1)
#define ID2 ((mio_token_t)2)
#define ID3 ((mio_token_t)3)
#define WAKE ((mio_token_t)10)

static const struct mio_event *
only_event(struct mio_events *events)
{
	mt_assert_eq(mio_events_len(events), 1);
	return mio_events_get(events, 0);
}

static void
close_pair(mio_fd_t fds[2])
{
	mt_os_close(fds[0]);
	mt_os_close(fds[1]);
}

/* A pipe whose read end is readable (one byte written). */
static void
readable_pipe(mio_fd_t fds[2])
{
	mt_pipe(fds);
	mt_write_all(fds[1], "x", 1);
}

MT_TEST(poll, run_once_with_nothing)
{
	struct mio_poll *poll = mt_poll_new();
	struct mio_events *events = mt_events_new(16);

	mt_assert_eq(mio_poll_poll(poll, events, 100 * 1000000LL), 0);
	mt_assert(mio_events_is_empty(events), "no events expected");

	mio_events_free(events);
	mio_poll_free(poll);
}

MT_TEST(poll, zero_timeout_with_nothing)
{
	struct mio_poll *poll = mt_poll_new();
	struct mio_events *events = mt_events_new(16);

	mt_assert_eq(mio_poll_poll(poll, events, 0), 0);
	mt_assert(mio_events_is_empty(events), "no events expected");

	mio_events_free(events);
	mio_poll_free(poll);
}

/* mio drops a registered listener (its drop deregisters); libmio's equivalent for a raw fd
 * is mio_close(). The following poll succeeds and reports nothing for the closed fd. */
MT_TEST(poll, add_then_drop)
{
	struct mio_poll *poll = mt_poll_new();
	struct mio_events *events = mt_events_new(16);
	mio_fd_t fds[2];
	mt_socketpair(SOCK_STREAM, fds);

	mt_assert_ok(mio_registry_register(mio_poll_registry(poll), fds[0], ID1,
					   MIO_INTEREST_READABLE | MIO_INTEREST_WRITABLE));
	mt_assert_ok(mio_close(fds[0]));
	mt_assert_ok(mio_poll_poll(poll, events, 100 * 1000000LL));
	mio_events_foreach(e, events) {
		mt_assert(false, "event for a closed fd: token %zu flags 0x%x",
			  (size_t)mio_event_token(e), e->flags);
	}

	mt_os_close(fds[1]);
	mio_events_free(events);
	mio_poll_free(poll);
}

MT_TEST(poll, zero_duration_polls_events)
{
	struct mio_poll *poll = mt_poll_new();
	struct mio_events *events = mt_events_new(16);
	mio_fd_t pairs[3][2];

	for (int n = 0; n < 3; n++) {
		mt_socketpair(SOCK_STREAM, pairs[n]);
		mt_assert_ok(mio_registry_register(mio_poll_registry(poll), pairs[n][0],
						   (mio_token_t)n, MIO_INTEREST_WRITABLE));
	}
	mt_sleep_ms(10);

	/* Even a zero timeout asks the OS. */
	mt_assert_ok(mio_poll_poll(poll, events, 0));
	mt_assert(!mio_events_is_empty(events), "a zero-timeout poll must return ready events");

	for (int n = 0; n < 3; n++)
		close_pair(pairs[n]);
	mio_events_free(events);
	mio_poll_free(poll);
}

MT_TEST(poll, poll_closes_fd)
{
	int before = mt_open_handle_count();
	for (int i = 0; i < 2000; i++) {
		struct mio_poll *poll = mt_poll_new();
		struct mio_events *events = mt_events_new(4);
		mt_assert_ok(mio_poll_poll(poll, events, 0));
		mio_events_free(events);
		mio_poll_free(poll);
	}
	mt_assert_eq(mt_open_handle_count(), before);
}

/* ---- Threads. Worker threads never assert (the framework may not support it): they store
 * return codes, the main thread checks them. ---- */

/* A test's poll and events, and the registry clone and barrier it shares with its threads
 * (mio's Arc<Registry> and Arc<Barrier>). */
struct shared {
	struct mio_poll *poll;
	struct mio_events *events;
	struct mio_registry *registry;
	struct mt_barrier *barrier;
};

static void
shared_init(struct shared *s, size_t n_events, unsigned parties)
{
	s->poll = mt_poll_new();
	s->events = mt_events_new(n_events);
	mt_assert_ok(mio_registry_try_clone(mio_poll_registry(s->poll), &s->registry));
	s->barrier = mt_barrier_new(parties);
}

static void
shared_free(struct shared *s)
{
	mt_barrier_free(s->barrier);
	mio_registry_free(s->registry);
	mio_events_free(s->events);
	mio_poll_free(s->poll);
}

struct reg_job {
	struct mio_registry *registry;
	struct mt_barrier *barrier;
	mio_fd_t fd;
	mio_token_t token;
	mio_interest_t first, last;
	unsigned delay_ms;
	int rc[4];
};

static void *
register_and_wait(void *arg)
{
	struct reg_job *j = arg;
	j->rc[0] = mio_registry_register(j->registry, j->fd, j->token, j->first);
	mt_barrier_wait(j->barrier);
	return NULL;
}

/* mio's registry_behind_arc: one cloned registry shared by two threads. */
MT_TEST(poll, registry_behind_arc)
{
	struct shared s;
	shared_init(&s, 128, 3);

	mio_fd_t pipe_fds[2], pair[2];
	readable_pipe(pipe_fds);
	mt_socketpair(SOCK_STREAM, pair);
	struct reg_job jobs[2] = {
		{ s.registry, s.barrier, pipe_fds[0], 0, MIO_INTEREST_READABLE, 0, 0, { 0 } },
		{ s.registry, s.barrier, pair[0], 1, MIO_INTEREST_READABLE | MIO_INTEREST_WRITABLE,
		  0, 0, { 0 } },
	};
	struct mt_thread *t[2];
	for (int i = 0; i < 2; i++)
		t[i] = mt_thread_spawn(register_and_wait, &jobs[i]);

	mt_assert_ok(mio_poll_poll(s.poll, s.events, 1000 * 1000000LL));
	mt_assert(mio_events_len(s.events) >= 1, "expected at least one event");

	mt_barrier_wait(s.barrier);
	for (int i = 0; i < 2; i++) {
		mt_thread_join(t[i]);
		mt_assert_ok(jobs[i].rc[0]);
	}

	close_pair(pipe_fds);
	close_pair(pair);
	shared_free(&s);
}

/* mio's registry_ops_flow: register, deregister, register, reregister(final). */
static void *
registry_ops_flow(void *arg)
{
	struct reg_job *j = arg;
	j->rc[0] = mio_registry_register(j->registry, j->fd, j->token, j->first);
	j->rc[1] = mio_registry_deregister(j->registry, j->fd);
	j->rc[2] = mio_registry_register(j->registry, j->fd, j->token, j->first);
	j->rc[3] = mio_registry_reregister(j->registry, j->fd, j->token, j->last);
	mt_barrier_wait(j->barrier);
	mt_barrier_wait(j->barrier);
	return NULL;
}

MT_TEST(poll, registry_operations_are_thread_safe)
{
	struct shared s;
	shared_init(&s, 16, 4);

	/* listener R->R: a readable pipe; UDP W->W|R: a socketpair end; stream R->R|W: the
	 * other end of a second socketpair (writable, not readable). */
	mio_fd_t pipe_fds[2], pair1[2], pair2[2];
	readable_pipe(pipe_fds);
	mt_socketpair(SOCK_DGRAM, pair1);
	mt_socketpair(SOCK_STREAM, pair2);
	struct reg_job jobs[3] = {
		{ s.registry, s.barrier, pipe_fds[0], ID1, MIO_INTEREST_READABLE,
		  MIO_INTEREST_READABLE, 0, { 0 } },
		{ s.registry, s.barrier, pair1[0], ID2, MIO_INTEREST_WRITABLE,
		  MIO_INTEREST_WRITABLE | MIO_INTEREST_READABLE, 0, { 0 } },
		{ s.registry, s.barrier, pair2[0], ID3, MIO_INTEREST_READABLE,
		  MIO_INTEREST_READABLE | MIO_INTEREST_WRITABLE, 0, { 0 } },
	};
	struct mt_thread *t[3];
	for (int i = 0; i < 3; i++)
		t[i] = mt_thread_spawn(registry_ops_flow, &jobs[i]);

	mt_barrier_wait(s.barrier); /* all three flows done */
	for (int i = 0; i < 3; i++)
		for (int k = 0; k < 4; k++)
			mt_assert_ok(jobs[i].rc[k]);
	MT_EXPECT_EVENTS(s.poll, s.events, { ID1, MT_READABLE }, { ID2, MT_WRITABLE },
			 { ID3, MT_WRITABLE });

	mt_barrier_wait(s.barrier);
	for (int i = 0; i < 3; i++)
		mt_thread_join(t[i]);

	close_pair(pipe_fds);
	close_pair(pair1);
	close_pair(pair2);
	shared_free(&s);
}

static void *
register_after_delay(void *arg)
{
	struct reg_job *j = arg;
	mt_sleep_ms(j->delay_ms);
	j->rc[0] = mio_registry_register(j->registry, j->fd, j->token, j->first);
	return NULL;
}

MT_TEST(poll, register_during_poll)
{
	struct mio_poll *poll = mt_poll_new();
	struct mio_events *events = mt_events_new(16);
	struct mio_registry *registry;
	mt_assert_ok(mio_registry_try_clone(mio_poll_registry(poll), &registry));
	mio_fd_t pair[2];
	mt_socketpair(SOCK_DGRAM, pair);

	struct reg_job job = { registry, NULL, pair[0], ID1, MIO_INTEREST_WRITABLE, 0, 200,
			       { 0 } };
	struct mt_thread *t;
	t = mt_thread_spawn(register_after_delay, &job);

	int64_t start = mt_now_ns();
	mt_assert_ok(mio_poll_poll(poll, events, 5000 * 1000000LL));
	int64_t elapsed = mt_now_ns() - start;
	mt_thread_join(t);
	mt_assert_ok(job.rc[0]);

	const struct mio_event *e = only_event(events);
	mt_assert_eq(mio_event_token(e), ID1);
	mt_assert(mio_event_is_writable(e), "event must be writable (flags 0x%x)", e->flags);
	mt_assert(elapsed < 4000 * 1000000LL, "the registration did not wake the poll");

	close_pair(pair);
	mio_registry_free(registry);
	mio_events_free(events);
	mio_poll_free(poll);
}

/* reregister replaces token and interest: R/ID1, R/ID1, W/ID2 -> only ID2 writable. */
MT_TEST(poll, reregister_interest_token_usage)
{
	struct mio_poll *poll = mt_poll_new();
	struct mio_events *events = mt_events_new(16);
	struct mio_registry *r = mio_poll_registry(poll);
	mio_fd_t pair[2];
	mt_socketpair(SOCK_DGRAM, pair);

	mt_assert_ok(mio_registry_register(r, pair[0], ID1, MIO_INTEREST_READABLE));
	mt_assert_ok(mio_registry_reregister(r, pair[0], ID1, MIO_INTEREST_READABLE));
	mt_assert_ok(mio_registry_reregister(r, pair[0], ID2, MIO_INTEREST_WRITABLE));

	MT_EXPECT_EVENTS(poll, events, { ID2, MT_WRITABLE });
	mio_events_foreach(e, events) {
		mt_assert_eq(mio_event_token(e), ID2);
	}

	close_pair(pair);
	mio_events_free(events);
	mio_poll_free(poll);
}

MT_TEST(poll, double_register_different_token)
{
	struct mio_poll *poll = mt_poll_new();
	struct mio_registry *r = mio_poll_registry(poll), *clone;
	mio_fd_t fds[2];
	mt_pipe(fds);

	mt_assert_ok(mio_registry_register(r, fds[0], 0, MIO_INTEREST_READABLE));
	mt_assert_err(mio_registry_register(r, fds[0], 1, MIO_INTEREST_READABLE), -EEXIST);
	mt_assert_err(mio_registry_register(r, fds[0], 0, MIO_INTEREST_READABLE), -EEXIST);
	/* A clone shares the selector, so it sees the registration too. */
	mt_assert_ok(mio_registry_try_clone(r, &clone));
	mt_assert_err(mio_registry_register(clone, fds[0], 2, MIO_INTEREST_WRITABLE), -EEXIST);

	mio_registry_free(clone);
	close_pair(fds);
	mio_poll_free(poll);
}

MT_TEST(poll, reregister_without_register)
{
	struct mio_poll *poll = mt_poll_new();
	mio_fd_t fds[2];
	mt_pipe(fds);

	mt_assert_err(mio_registry_reregister(mio_poll_registry(poll), fds[0], ID1,
					      MIO_INTEREST_READABLE),
		      -ENOENT);

	close_pair(fds);
	mio_poll_free(poll);
}

MT_TEST(poll, deregister_without_register)
{
	struct mio_poll *poll = mt_poll_new();
	mio_fd_t fds[2];
	mt_pipe(fds);

	mt_assert_err(mio_registry_deregister(mio_poll_registry(poll), fds[0]), -ENOENT);
	/* Deregistering twice is the same case. */
	mt_assert_ok(mio_registry_register(mio_poll_registry(poll), fds[0], ID1,
					   MIO_INTEREST_READABLE));
	mt_assert_ok(mio_registry_deregister(mio_poll_registry(poll), fds[0]));
	mt_assert_err(mio_registry_deregister(mio_poll_registry(poll), fds[0]), -ENOENT);

	close_pair(fds);
	mio_poll_free(poll);
}

struct cancel_job {
	struct mio_registry *registry;
	struct mt_barrier *barrier;
	mio_fd_t write_fd, stream_fd;
	int rc;
};

static void *
cancel_thread(void *arg)
{
	struct cancel_job *j = arg;
	mt_os_write(j->write_fd, "x", 1); /* mio: connect to the listener */
	mt_barrier_wait(j->barrier);
	j->rc = mio_registry_register(j->registry, j->stream_fd, ID3, MIO_INTEREST_WRITABLE);
	mt_barrier_wait(j->barrier);
	return NULL;
}

/* Aimed at Windows' AFD (a reregister cancels the pending poll op); the pipe read end
 * plays the listener, a byte written plays the connect, a socketpair end the stream. */
MT_TEST(poll, poll_ok_after_cancelling_pending_ops)
{
	struct shared s;
	shared_init(&s, 16, 2);
	mio_fd_t fds[2], pair[2];
	mt_pipe(fds);
	mt_socketpair(SOCK_STREAM, pair);

	mt_assert_ok(mio_registry_register(s.registry, fds[0], ID1, MIO_INTEREST_READABLE));
	mt_assert_ok(mio_poll_poll(s.poll, s.events, 0));
	mt_assert_ok(mio_registry_reregister(s.registry, fds[0], ID2, MIO_INTEREST_READABLE));

	struct cancel_job job = { s.registry, s.barrier, fds[1], pair[0], 0 };
	struct mt_thread *t;
	t = mt_thread_spawn(cancel_thread, &job);

	MT_EXPECT_EVENTS(s.poll, s.events, { ID2, MT_READABLE });
	mt_assert_eq(mt_drain(fds[0]), 1); /* mio: accept */
	mt_barrier_wait(s.barrier);
	MT_EXPECT_EVENTS(s.poll, s.events, { ID3, MT_WRITABLE });
	mt_barrier_wait(s.barrier);
	mt_thread_join(t);
	mt_assert_ok(job.rc);

	close_pair(fds);
	close_pair(pair);
	shared_free(&s);
}

/* ---- libmio-specific ---- */

#if !defined(_WIN32)
/* poll(2) on one fd (a helper: the tests' local variables named poll hide poll()). */
static int
wait_readable(int fd, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	return poll(&pfd, 1, timeout_ms);
}
#endif

MT_TEST(poll, poll_fd)
{
	struct mio_poll *poll = mt_poll_new();
	mio_fd_t fd = MIO_FD_INVALID;
	int r = mio_poll_fd(poll, &fd);

	if (strcmp(mt_backend(), "poll") == 0 || strcmp(mt_backend(), "afd") == 0) {
		/* Nothing to nest: a user-space set / an I/O completion port, not an fd. */
		mt_assert_err(r, -ENOTSUP);
#if !defined(_WIN32) /* no epoll or kqueue there */
	} else if (strcmp(mt_backend(), "epoll") == 0 || strcmp(mt_backend(), "kqueue") == 0) {
		mt_assert_ok(r);
		mt_assert(fd >= 0, "mio_poll_fd gave fd %d", fd);
		int fl = fcntl(fd, F_GETFD);
		mt_assert(fl >= 0 && (fl & FD_CLOEXEC), "selector fd %d must be close-on-exec", fd);
		/* The nested-loop use: the epoll or kqueue fd polls readable once a source is
		 * ready (mio's kqueue test does_not_register_rw nests a kqueue likewise). */
		mio_fd_t fds[2];
		readable_pipe(fds);
		mt_assert_ok(mio_registry_register(mio_poll_registry(poll), fds[0], ID1,
						   MIO_INTEREST_READABLE));
		mt_assert_eq(wait_readable(fd, 1000), 1);
		close_pair(fds);
#endif
	} else {
		mt_skip("no expectation for backend %s", mt_backend());
	}
	mio_poll_free(poll);
}

static void *
wake_after(void *arg)
{
	struct { struct mio_waker *waker; unsigned ms; } *w = arg;
	mt_sleep_ms(w->ms);
	mio_waker_wake(w->waker);
	return NULL;
}

/* Polls with timeout_ns while a thread wakes the poll after wake_ms; returns the elapsed
 * time and checks that exactly the waker event came back. */
static int64_t
poll_until_woken(int64_t timeout_ns, unsigned wake_ms)
{
	struct mio_poll *poll = mt_poll_new();
	struct mio_events *events = mt_events_new(8);
	struct { struct mio_waker *waker; unsigned ms; } w = { NULL, wake_ms };
	mt_assert_ok(mio_waker_new(mio_poll_registry(poll), WAKE, &w.waker));

	struct mt_thread *t;
	int64_t start = mt_now_ns();
	t = mt_thread_spawn(wake_after, &w);
	int n = mio_poll_poll(poll, events, timeout_ns);
	int64_t elapsed = mt_now_ns() - start;
	mt_thread_join(t);

	mt_assert_eq(n, 1);
	const struct mio_event *e = only_event(events);
	mt_assert_eq(mio_event_token(e), WAKE);
	mt_assert(mio_event_is_readable(e), "waker event must be readable");

	mio_waker_free(w.waker);
	mio_events_free(events);
	mio_poll_free(poll);
	return elapsed;
}

MT_TEST(poll, negative_timeout_waits)
{
	int64_t elapsed = poll_until_woken(MIO_TIMEOUT_INFINITE, 100);
	mt_assert(elapsed >= 100 * 1000000LL, "returned after %lld ns", (long long)elapsed);
	/* Any negative value means "no limit". */
	elapsed = poll_until_woken(-5, 100);
	mt_assert(elapsed >= 100 * 1000000LL, "returned after %lld ns", (long long)elapsed);
}

/* Huge timeouts must not overflow into "return at once" (mio 0.8.7's Duration::MAX fix). */
MT_TEST(poll, huge_timeout_does_not_overflow)
{
	int64_t elapsed = poll_until_woken(INT64_MAX, 100);
	mt_assert(elapsed >= 100 * 1000000LL, "returned after %lld ns", (long long)elapsed);
	/* More milliseconds than an int holds, whole and not. */
	static const int64_t huge[] = { ((int64_t)INT32_MAX + 1) * 1000000LL,
					((int64_t)INT32_MAX + 1) * 1000000LL + 1, INT64_MIN };
	for (size_t i = 0; i < sizeof(huge) / sizeof(huge[0]); i++) {
		elapsed = poll_until_woken(huge[i], 100);
		mt_assert(elapsed >= 100 * 1000000LL, "timeout %lld returned after %lld ns",
			  (long long)huge[i], (long long)elapsed);
	}
}

MT_TEST(poll, tiny_timeout_returns_promptly)
{
	struct mio_poll *poll = mt_poll_new();
	struct mio_events *events = mt_events_new(8);

	int64_t start = mt_now_ns();
	mt_assert_eq(mio_poll_poll(poll, events, 1), 0);
	int64_t elapsed = mt_now_ns() - start;
	mt_assert(elapsed < 500 * 1000000LL, "a 1 ns poll took %lld ns", (long long)elapsed);

	mio_events_free(events);
	mio_poll_free(poll);
}

/* Timeouts are rounded up, never down: the poll does not return before the timeout. */
MT_TEST(poll, timeout_is_not_early)
{
	struct mio_poll *poll = mt_poll_new();
	struct mio_events *events = mt_events_new(8);
	static const int64_t timeouts[] = { 30 * 1000000LL, 20 * 1000000LL + 1,
					    15500 * 1000LL };

	for (size_t i = 0; i < sizeof(timeouts) / sizeof(timeouts[0]); i++) {
		int64_t start = mt_now_ns();
		mt_assert_eq(mio_poll_poll(poll, events, timeouts[i]), 0);
		int64_t elapsed = mt_now_ns() - start;
		mt_assert(elapsed >= timeouts[i], "a %lld ns poll returned after %lld ns",
			  (long long)timeouts[i], (long long)elapsed);
	}

	mio_events_free(events);
	mio_poll_free(poll);
}

MT_TEST(poll, invalid_arguments)
{
	struct mio_poll *poll = mt_poll_new();
	struct mio_events *events = mt_events_new(8);
	struct mio_registry *r = mio_poll_registry(poll);
	struct mio_registry *clone = NULL;
	mio_fd_t fds[2], fd;
	mt_pipe(fds);

	mt_assert_err(mio_poll_new(NULL), -EINVAL);
	mt_assert_err(mio_poll_new_with_backend(NULL, &poll), -EINVAL);
	mt_assert_err(mio_poll_new_with_backend(mt_backend(), NULL), -EINVAL);
	mt_assert_err(mio_poll_poll(NULL, events, 0), -EINVAL);
	mt_assert_err(mio_poll_poll(poll, NULL, 0), -EINVAL);
	mt_assert_err(mio_poll_fd(NULL, &fd), -EINVAL);
	mt_assert_err(mio_poll_fd(poll, NULL), -EINVAL);
	mt_assert(mio_poll_backend_name(NULL) == NULL, "mio_poll_backend_name(NULL)");
	mt_assert(mio_poll_registry(NULL) == NULL, "mio_poll_registry(NULL)");

	mt_assert_err(mio_registry_register(NULL, fds[0], ID1, MIO_INTEREST_READABLE), -EINVAL);
	mt_assert_err(mio_registry_reregister(NULL, fds[0], ID1, MIO_INTEREST_READABLE), -EINVAL);
	mt_assert_err(mio_registry_deregister(NULL, fds[0]), -EINVAL);
	mt_assert_err(mio_registry_register(r, -1, ID1, MIO_INTEREST_READABLE), -EBADF);
	mt_assert_err(mio_registry_reregister(r, -1, ID1, MIO_INTEREST_READABLE), -EBADF);
	mt_assert_err(mio_registry_deregister(r, -1), -EBADF);
	mt_assert_err(mio_registry_try_clone(NULL, &clone), -EINVAL);
	mt_assert_err(mio_registry_try_clone(r, NULL), -EINVAL);
	mt_assert(clone == NULL, "clone set on failure");

	/* No-ops, never crashes. */
	mio_poll_free(NULL);
	mio_registry_free(NULL);
	mio_registry_free(r); /* the poll's own registry: freed with the poll */
	mt_assert_ok(mio_registry_register(r, fds[0], ID1, MIO_INTEREST_READABLE));

	close_pair(fds);
	mio_events_free(events);
	mio_poll_free(poll);
}

MT_TEST(poll, empty_interest_is_einval)
{
	struct mio_poll *poll = mt_poll_new();
	struct mio_registry *r = mio_poll_registry(poll);
	mio_fd_t fds[2];
	mt_pipe(fds);

	mt_assert_err(mio_registry_register(r, fds[0], ID1, 0), -EINVAL);
	mt_assert_err(mio_registry_register(r, fds[0], ID1, 0x20), -EINVAL); /* unknown bit */
	mt_assert_err(mio_registry_register(r, fds[0], ID1, MIO_INTEREST_READABLE | 0x80),
		      -EINVAL);
	/* Nothing was registered by the failed calls. */
	mt_assert_err(mio_registry_deregister(r, fds[0]), -ENOENT);

	mt_assert_ok(mio_registry_register(r, fds[0], ID1, MIO_INTEREST_READABLE));
	mt_assert_err(mio_registry_reregister(r, fds[0], ID1, 0), -EINVAL);
	mt_assert_err(mio_registry_reregister(r, fds[0], ID1, 0x40), -EINVAL);
	mt_assert_ok(mio_registry_deregister(r, fds[0]));

	close_pair(fds);
	mio_poll_free(poll);
}

MT_TEST(poll, closed_fd_is_ebadf)
{
	struct mio_poll *poll = mt_poll_new();
	struct mio_registry *r = mio_poll_registry(poll);
	mio_fd_t fds[2];
	mt_pipe(fds);
	close_pair(fds);

	mt_assert_err(mio_registry_register(r, fds[0], ID1, MIO_INTEREST_READABLE), -EBADF);
	mt_assert_err(mio_registry_register(r, fds[1], ID1, MIO_INTEREST_WRITABLE), -EBADF);

	mio_poll_free(poll);
}

#if !defined(_WIN32)
/* POSIX only from here: fd numbers, files and devices. */

/* Issue 7, defect 3: reregister and deregister answer like epoll_ctl. A plain close()
 * without deregistering: -EBADF. A number no fd has (INT_MAX): -EBADF. A number closed and
 * reused by another file: -ENOENT (the registration was the old file's, which epoll
 * forgot when it was closed), and the new file registers afresh. */
MT_TEST(poll, reregister_deregister_closed_fd)
{
	struct mio_poll *poll = mt_poll_new();
	struct mio_events *events = mt_events_new(16);
	struct mio_registry *r = mio_poll_registry(poll);
	mio_fd_t fds[2], again[2];

	mt_assert_err(mio_registry_reregister(r, INT_MAX, ID1, MIO_INTEREST_READABLE), -EBADF);
	mt_assert_err(mio_registry_deregister(r, INT_MAX), -EBADF);

	mt_pipe(fds);
	mt_assert_ok(mio_registry_register(r, fds[0], ID1, MIO_INTEREST_READABLE));
	close_pair(fds);
	mt_assert_err(mio_registry_reregister(r, fds[0], ID1, MIO_INTEREST_READABLE), -EBADF);
	mt_assert_err(mio_registry_deregister(r, fds[0]), -EBADF);

	mt_pipe(fds);
	mt_assert_ok(mio_registry_register(r, fds[0], ID1, MIO_INTEREST_READABLE));
	close_pair(fds);
	mt_pipe(again);
	mt_assert_eq(again[0], fds[0]); /* POSIX: the lowest free number */
	mt_assert_err(mio_registry_reregister(r, again[0], ID2, MIO_INTEREST_READABLE), -ENOENT);
	/* Nothing is registered for the new file: no event under the old token either. */
	mt_write_all(again[1], "x", 1);
	mt_expect_no_events(poll, events);
	mt_assert_err(mio_registry_deregister(r, again[0]), -ENOENT);
	mt_assert_ok(mio_registry_register(r, again[0], ID2, MIO_INTEREST_READABLE));
	mt_write_all(again[1], "x", 1);
	MT_EXPECT_EVENTS(poll, events, { ID2, MT_READABLE });
	mio_events_foreach(e, events) {
		mt_assert_eq(mio_event_token(e), ID2);
	}
	mt_assert_ok(mio_registry_deregister(r, again[0]));

	close_pair(again);
	mio_events_free(events);
	mio_poll_free(poll);
}

/* Regular files cannot be polled (documented -EPERM, epoll's answer).
 * POSIX only: on Windows a file is a HANDLE, not a SOCKET, and libmio's handles there are
 * SOCKETs (AFD polls nothing else). */
MT_TEST(poll, regular_file_is_eperm)
{
	struct mio_poll *poll = mt_poll_new();
	char path[] = "/tmp/mio-test-poll-XXXXXX";
	int fd = mkstemp(path);
	mt_assert(fd >= 0, "mkstemp");
	unlink(path);

	mt_assert_err(mio_registry_register(mio_poll_registry(poll), fd, ID1,
					    MIO_INTEREST_READABLE),
		      -EPERM);

	mt_os_close(fd);
	mio_poll_free(poll);
}

/* Issue 7, defect 5: devices without a poll method, which epoll refuses with -EPERM: the
 * memory devices (but random and kmsg) and block devices. The poll backend used to
 * register them, always "ready". /dev/random can be polled: it registers everywhere.
 * The memory devices are Linux's answer (epoll's): elsewhere only block devices are
 * refused by every backend (kqueue and poll alike). */
MT_TEST(poll, unpollable_devices_are_eperm)
{
	struct mio_poll *poll = mt_poll_new();
	struct mio_registry *r = mio_poll_registry(poll);
#ifdef __linux__
	static const char *const unpollable[] = { "/dev/null", "/dev/zero", "/dev/full",
						  "/dev/urandom" };
	for (size_t i = 0; i < sizeof(unpollable) / sizeof(unpollable[0]); i++) {
		int fd = open(unpollable[i], O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		mt_assert(fd >= 0, "open %s: %s", unpollable[i], strerror(errno));
		int rc = mio_registry_register(r, fd, ID1, MIO_INTEREST_READABLE);
		mt_assert(rc == -EPERM, "%s: register returned %d (%s), expected -EPERM",
			  unpollable[i], rc, mio_strerror(rc));
		close(fd);
	}
#endif

	int fd = open("/dev/random", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	mt_assert(fd >= 0, "open /dev/random: %s", strerror(errno));
	mt_assert_ok(mio_registry_register(r, fd, ID1, MIO_INTEREST_READABLE));
	mt_assert_ok(mio_registry_deregister(r, fd));
	close(fd);

	/* A block device, if this machine lets us open one. */
	DIR *dev = opendir("/dev");
	mt_assert(dev != NULL, "opendir /dev: %s", strerror(errno));
	int blk = -1;
	for (struct dirent *d; blk < 0 && (d = readdir(dev));) {
		struct stat st;
		if (fstatat(dirfd(dev), d->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISBLK(st.st_mode))
			blk = openat(dirfd(dev), d->d_name, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	}
	closedir(dev);
	if (blk >= 0) {
		mt_assert_err(mio_registry_register(r, blk, ID1, MIO_INTEREST_READABLE), -EPERM);
		close(blk);
	} else {
		mt_log("no block device to open in /dev: that case is not checked here");
	}
	mio_poll_free(poll);
}
#endif

/* ---- Registry clones ---- */

struct clone_job {
	struct mio_registry *parent;
	mio_fd_t fd;
	mio_token_t token;
	int rc_clone, rc_register;
};

static void *
clone_register_free(void *arg)
{
	struct clone_job *j = arg;
	struct mio_registry *mine = NULL;
	j->rc_clone = mio_registry_try_clone(j->parent, &mine);
	if (j->rc_clone < 0)
		return NULL;
	j->rc_register = mio_registry_register(mine, j->fd, j->token, MIO_INTEREST_WRITABLE);
	mio_registry_free(mine);
	return NULL;
}

/* Each thread clones the registry, registers through its clone and frees it: the
 * registrations belong to the selector and outlive the clones. */
MT_TEST(poll, registry_clones_shared_by_threads)
{
	struct mio_poll *poll = mt_poll_new();
	struct mio_events *events = mt_events_new(16);
	mio_fd_t pairs[3][2];
	struct clone_job jobs[3];
	struct mt_thread *t[3];

	for (int i = 0; i < 3; i++) {
		mt_socketpair(SOCK_STREAM, pairs[i]);
		jobs[i] = (struct clone_job){ mio_poll_registry(poll), pairs[i][0],
					      (mio_token_t)(ID1 + i), 0, 0 };
		t[i] = mt_thread_spawn(clone_register_free, &jobs[i]);
	}
	for (int i = 0; i < 3; i++) {
		mt_thread_join(t[i]);
		mt_assert_ok(jobs[i].rc_clone);
		mt_assert_ok(jobs[i].rc_register);
	}
	MT_EXPECT_EVENTS(poll, events, { ID1, MT_WRITABLE }, { ID2, MT_WRITABLE },
			 { ID3, MT_WRITABLE });
	/* The poll's own registry sees the clones' registrations. */
	for (int i = 0; i < 3; i++)
		mt_assert_ok(mio_registry_deregister(mio_poll_registry(poll), pairs[i][0]));
	mt_expect_no_events(poll, events);

	for (int i = 0; i < 3; i++)
		close_pair(pairs[i]);
	mio_events_free(events);
	mio_poll_free(poll);
}

/* A clone of a clone works, and a clone stays usable after its poll is freed. */
MT_TEST(poll, registry_clone_outlives_poll)
{
	struct mio_poll *poll = mt_poll_new();
	struct mio_registry *clone, *clone2;
	mio_fd_t fds[2];
	mt_pipe(fds);

	mt_assert_ok(mio_registry_try_clone(mio_poll_registry(poll), &clone));
	mt_assert_ok(mio_registry_try_clone(clone, &clone2));
	mio_registry_free(clone);
	mio_poll_free(poll);

	mt_assert_ok(mio_registry_register(clone2, fds[0], ID1, MIO_INTEREST_READABLE));
	mt_assert_ok(mio_registry_reregister(clone2, fds[0], ID2, MIO_INTEREST_READABLE));
	mt_assert_ok(mio_registry_deregister(clone2, fds[0]));

	mio_registry_free(clone2);
	close_pair(fds);
}

/* ---- Closing registered fds ---- */

#if !defined(_WIN32)
/* POSIX only, both: they need the closed number back at once, which POSIX guarantees (the
 * lowest free fd) and Windows does not (handle values come back in no set order). On
 * Windows the AFD backend hears of a closesocket() itself (AFD_POLL_LOCAL_CLOSE), and
 * mio_close() forgets first as everywhere. */

/* mio_close() forgets the registration (mio's drop of a registered source): the fd number,
 * reused at once by a new pipe, registers again and reports only its own readiness. */
MT_TEST(poll, mio_close_forgets_registration)
{
	struct mio_poll *poll = mt_poll_new();
	struct mio_events *events = mt_events_new(16);
	struct mio_registry *r = mio_poll_registry(poll);
	mio_fd_t fds[2], again[2];
	readable_pipe(fds);
	mt_assert_ok(mio_registry_register(r, fds[0], ID1, MIO_INTEREST_READABLE));

	mt_assert_ok(mio_close(fds[0]));
	mt_assert_ok(mio_close(fds[1]));
	mt_pipe(again);
	mt_assert_eq(again[0], fds[0]); /* POSIX: the lowest free number */
	mt_assert_ok(mio_registry_register(r, again[0], ID2, MIO_INTEREST_READABLE));
	mt_expect_no_events(poll, events);

	mt_write_all(again[1], "x", 1);
	MT_EXPECT_EVENTS(poll, events, { ID2, MT_READABLE });
	mio_events_foreach(e, events) {
		mt_assert_eq(mio_event_token(e), ID2);
	}

	close_pair(again);
	mio_events_free(events);
	mio_poll_free(poll);
}

/* A plain close() without deregistering: polls keep working and report nothing for the
 * dead registration, after which the reused number can be registered again. */
MT_TEST(poll, close_without_deregister)
{
	struct mio_poll *poll = mt_poll_new();
	struct mio_events *events = mt_events_new(16);
	struct mio_registry *r = mio_poll_registry(poll);
	mio_fd_t fds[2], again[2];
	readable_pipe(fds);
	mt_assert_ok(mio_registry_register(r, fds[0], ID1,
					   MIO_INTEREST_READABLE | MIO_INTEREST_WRITABLE));
	close_pair(fds);

	mt_expect_no_events(poll, events);
	mt_expect_no_events(poll, events);

	mt_pipe(again);
	mt_assert_eq(again[0], fds[0]);
	mt_assert_ok(mio_registry_register(r, again[0], ID2, MIO_INTEREST_READABLE));
	mt_write_all(again[1], "x", 1);
	MT_EXPECT_EVENTS(poll, events, { ID2, MT_READABLE });

	close_pair(again);
	mio_events_free(events);
	mio_poll_free(poll);
}
#endif

/* ---- Deregister: no stale events ---- */

MT_TEST(poll, deregister_then_no_events)
{
	struct mio_poll *poll = mt_poll_new();
	struct mio_events *events = mt_events_new(16);
	struct mio_registry *r = mio_poll_registry(poll);
	mio_fd_t fds[2];
	mt_pipe(fds);

	mt_assert_ok(mio_registry_register(r, fds[0], ID1, MIO_INTEREST_READABLE));
	mt_assert_ok(mio_registry_deregister(r, fds[0]));
	mt_write_all(fds[1], "x", 1);
	mt_expect_no_events(poll, events);

	/* Readiness that arrived before the deregister is not reported either. */
	mt_assert_ok(mio_registry_register(r, fds[0], ID2, MIO_INTEREST_READABLE));
	mt_assert_ok(mio_poll_poll(poll, events, 0)); /* may or may not see it yet */
	mt_write_all(fds[1], "y", 1);
	mt_assert_ok(mio_registry_deregister(r, fds[0]));
	mt_expect_no_events(poll, events);

	/* The fd stays usable. */
	mt_assert_eq(mt_drain(fds[0]), 2);

	close_pair(fds);
	mio_events_free(events);
	mio_poll_free(poll);
}

struct dereg_job {
	struct mio_registry *registry;
	struct mio_waker *waker;
	mio_fd_t read_fd, write_fd;
	int rc;
};

static void *
deregister_write_wake(void *arg)
{
	struct dereg_job *j = arg;
	mt_sleep_ms(100); /* the main thread is blocked in poll by now */
	j->rc = mio_registry_deregister(j->registry, j->read_fd);
	mt_os_write(j->write_fd, "x", 1);
	mt_sleep_ms(50);
	mio_waker_wake(j->waker);
	return NULL;
}

/* A deregister made while another thread is blocked in poll applies to that poll: data
 * that arrives afterwards is not reported, only the waker is. */
MT_TEST(poll, deregister_during_poll)
{
	struct mio_poll *poll = mt_poll_new();
	struct mio_events *events = mt_events_new(16);
	struct mio_registry *r = mio_poll_registry(poll);
	mio_fd_t fds[2];
	mt_pipe(fds);
	struct dereg_job job = { r, NULL, fds[0], fds[1], 0 };
	mt_assert_ok(mio_waker_new(r, WAKE, &job.waker));
	mt_assert_ok(mio_registry_register(r, fds[0], ID1, MIO_INTEREST_READABLE));

	struct mt_thread *t;
	t = mt_thread_spawn(deregister_write_wake, &job);
	mt_assert_ok(mio_poll_poll(poll, events, 5000 * 1000000LL));
	mt_thread_join(t);
	mt_assert_ok(job.rc);

	const struct mio_event *e = only_event(events);
	mt_assert_eq(mio_event_token(e), WAKE);
	mt_expect_no_events(poll, events);

	mio_waker_free(job.waker);
	close_pair(fds);
	mio_events_free(events);
	mio_poll_free(poll);
}

struct race_job {
	struct mio_registry *registry;
	mio_fd_t read_fd, write_fd;
	unsigned delay_us;
	atomic_bool deregistered;
	int rc;
};

static void *
write_then_deregister(void *arg)
{
	struct race_job *j = arg;
	/* Spin: the delays are microseconds, finer than Windows' sleep. */
	for (int64_t until = mt_now_ns() + (int64_t)j->delay_us * 1000; mt_now_ns() < until;)
		;
	mt_os_write(j->write_fd, "x", 1);
	j->rc = mio_registry_deregister(j->registry, j->read_fd);
	atomic_store(&j->deregistered, true);
	return NULL;
}

/* Data written just before a deregister made from another thread while the main thread
 * polls: a poll that starts after the deregister returned never reports it. */
MT_TEST(poll, no_stale_events_after_concurrent_deregister)
{
	struct mio_poll *poll = mt_poll_new();
	struct mio_events *events = mt_events_new(16);
	struct mio_registry *r = mio_poll_registry(poll);

	for (unsigned i = 0; i < 100; i++) {
		mio_fd_t fds[2];
		mt_pipe(fds);
		mt_assert_ok(mio_registry_register(r, fds[0], ID1, MIO_INTEREST_READABLE));
		struct race_job job = { r, fds[0], fds[1], (i % 10) * 300, false, 0 };
		struct mt_thread *t;
		t = mt_thread_spawn(write_then_deregister, &job);

		for (bool after = false; !after;) {
			after = atomic_load(&job.deregistered);
			mt_assert_ok(mio_poll_poll(poll, events, 2 * 1000000LL));
			mio_events_foreach(e, events) {
				mt_assert(!after || mio_event_token(e) != ID1,
					  "round %u: event for a deregistered fd (flags 0x%x)", i,
					  e->flags);
			}
		}
		mt_thread_join(t);
		mt_assert_ok(job.rc);
		close_pair(fds);
	}

	mio_events_free(events);
	mio_poll_free(poll);
}
