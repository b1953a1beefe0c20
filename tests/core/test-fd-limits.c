/* SPDX-License-Identifier: MIT */
/* Running out of fds, and RLIMIT_NOFILE changing under a live poll: libmio says what
 * happened and works again once fds are available. libmio's own cases (issue 7, part 6);
 * mio has no such tests. Every test lowers the soft RLIMIT_NOFILE of its own process only. */
#include "test-util.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>

/* Defect 1: the first mio_poll_new() of the process runs out of fds while it loads the
 * backend. It says so (-EMFILE, not -ENOEXEC), and the failure is not kept: once fds are
 * free again the default choice is made and works. */
MT_TEST(fd_limits, default_choice_after_fd_exhaustion)
{
	struct mio_poll *poll = NULL;
	mt_fd_limit_set((unsigned long)mt_fd_lowest_free());
	mt_assert_err(mio_poll_new(&poll), -EMFILE);
	mt_assert(poll == NULL, "a failed mio_poll_new() wrote a poll");
	mt_fd_limit_restore();

	poll = mt_poll_new();
	struct mio_poll *second = mt_poll_new();
	mio_poll_free(second);
	mio_poll_free(poll);
}

/* The same by name: mio_poll_new_with_backend() caches no failure either. */
MT_TEST(fd_limits, named_backend_after_fd_exhaustion)
{
	struct mio_poll *poll = NULL;
	mt_fd_limit_set((unsigned long)mt_fd_lowest_free());
	mt_assert_err(mio_poll_new_with_backend(mt_backend(), &poll), -EMFILE);
	mt_fd_limit_restore();
	mt_assert_ok(mio_poll_new_with_backend(mt_backend(), &poll));
	mt_assert_str_eq(mio_poll_backend_name(poll), mt_backend());
	mio_poll_free(poll);
}

/* Defect 6: RLIMIT_NOFILE lowered below the number of fds a poll watches. poll(2) refuses
 * more fds than the limit (EINVAL, which looked like a caller's mistake); the poll backend
 * says -EMFILE (documented in mio_poll_poll()), loses nothing, and reports everything once
 * the limit allows again. epoll is not bound by the limit and simply reports. */
#define WATCHED 32

/* Whether poll(2) itself refuses the watched fds now: the oracle for the poll backend.
 * (Under valgrind it does not: valgrind keeps the kernel's limit and emulates its own.) */
static bool
kernel_refuses(mio_fd_t pairs[][2])
{
	struct pollfd p[WATCHED];
	for (int i = 0; i < WATCHED; i++)
		p[i] = (struct pollfd){ .fd = pairs[i][0], .events = POLLIN };
	return poll(p, WATCHED, 0) < 0 && errno == EINVAL;
}
MT_TEST(fd_limits, limit_below_registered_fds)
{
	struct mio_poll *poll = mt_poll_new();
	struct mio_events *events = mt_events_new(2 * WATCHED);
	mio_fd_t pairs[WATCHED][2];
	for (int i = 0; i < WATCHED; i++) {
		mt_socketpair(SOCK_STREAM, pairs[i]);
		mt_assert_ok(mio_registry_register(mio_poll_registry(poll), pairs[i][0],
						   (mio_token_t)i,
						   MIO_INTEREST_READABLE | MIO_INTEREST_WRITABLE));
	}
	unsigned writable = 0;
	while (writable < WATCHED) {
		int n = mio_poll_poll(poll, events, 500 * 1000000LL);
		mt_assert(n > 0, "poll returned %d (%s) before all were writable", n,
			  mio_strerror(n));
		writable += (unsigned)n;
	}

	for (int i = 0; i < WATCHED; i++)
		mt_write_all(pairs[i][1], "x", 1);
	bool readable[WATCHED] = { false };
	unsigned seen = 0;
	bool poll_backend = strcmp(mio_poll_backend_name(poll), "poll") == 0;
	mt_fd_limit_set(WATCHED / 4);
	for (int round = 0; round < 3; round++) {
		int n = mio_poll_poll(poll, events, 0);
		/* Where poll(2) refuses more fds than RLIMIT_NOFILE, the poll backend must say so. */
		if (poll_backend && kernel_refuses(pairs))
			mt_assert(n == -EMFILE, "poll under a low RLIMIT_NOFILE returned %d (%s), "
				  "expected -EMFILE", n, mio_strerror(n));
		mt_assert(n == -EMFILE || n >= 0, "poll under a low RLIMIT_NOFILE returned %d (%s), "
			  "expected -EMFILE or events", n, mio_strerror(n));
		mio_events_foreach(e, events) {
			mio_token_t t = mio_event_token(e);
			mt_assert(t < WATCHED && mio_event_is_readable(e), "unexpected event");
			seen += !readable[t];
			readable[t] = true;
		}
	}
	mt_fd_limit_restore();
	for (int round = 0; round < 10 && seen < WATCHED; round++) {
		int n = mio_poll_poll(poll, events, 500 * 1000000LL);
		mt_assert(n >= 0, "poll after the limit was restored returned %d (%s)", n,
			  mio_strerror(n));
		mio_events_foreach(e, events) {
			mio_token_t t = mio_event_token(e);
			mt_assert(t < WATCHED && mio_event_is_readable(e), "unexpected event");
			seen += !readable[t];
			readable[t] = true;
		}
	}
	mt_assert(seen == WATCHED, "%u of %d fds reported readable", seen, WATCHED);

	for (int i = 0; i < WATCHED; i++) {
		mio_close(pairs[i][0]);
		mio_close(pairs[i][1]);
	}
	mio_events_free(events);
	mio_poll_free(poll);
}
