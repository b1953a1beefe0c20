/* SPDX-License-Identifier: MIT */
/* Every fd libmio creates is close-on-exec, so a fork+exec from another thread never leaks
 * a selector or waker into a child (mio sets CLOEXEC everywhere). Runs once per backend. */
#include "test-util.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#define MAX_FD 1024

/* open[fd]: fd is open. Probing with fcntl() opens nothing itself (unlike /proc/self/fd). */
static void
snapshot(bool open[MAX_FD])
{
	for (int fd = 0; fd < MAX_FD; fd++)
		open[fd] = fcntl(fd, F_GETFD) >= 0;
}

/* Fails for every fd opened since before that lacks FD_CLOEXEC; returns how many opened. */
static int
check_new_fds(const bool before[MAX_FD])
{
	int n = 0;
	for (int fd = 0; fd < MAX_FD; fd++) {
		int flags = fcntl(fd, F_GETFD);
		if (flags < 0 || before[fd])
			continue;
		n++;
		mt_assert(flags & FD_CLOEXEC, "fd %d (new, backend %s) lacks FD_CLOEXEC", fd,
			  mt_backend());
	}
	return n;
}

MT_TEST(cloexec, every_fd)
{
	static bool before[MAX_FD];
	/* Load the module first: the dynamic loader's own fds are closed again. */
	mio_poll_free(mt_poll_new());
	snapshot(before);

	struct mio_poll *poll = mt_poll_new();
	struct mio_poll *named = NULL;
	mt_assert_ok(mio_poll_new_with_backend(mt_backend(), &named));
	struct mio_registry *clone = NULL, *clone2 = NULL;
	mt_assert_ok(mio_registry_try_clone(mio_poll_registry(poll), &clone));
	mt_assert_ok(mio_registry_try_clone(clone, &clone2));
	struct mio_waker *waker = NULL, *named_waker = NULL;
	mt_assert_ok(mio_waker_new(clone, 1, &waker));
	mt_assert_ok(mio_waker_new(mio_poll_registry(named), 2, &named_waker));
	mt_assert_ok(mio_waker_wake(waker));
	struct mio_events *events = mt_events_new(8);
	mt_assert_ok(mio_poll_poll(poll, events, 0));

	/* Every backend needs at least the wakers' fds: zero means the check saw nothing. */
	mt_assert(check_new_fds(before) >= 2, "libmio opened no fds: the check is broken");

	mio_events_free(events);
	mio_waker_free(named_waker);
	mio_waker_free(waker);
	mio_registry_free(clone2);
	mio_registry_free(clone);
	mio_poll_free(named);
	mio_poll_free(poll);
}
