/* SPDX-License-Identifier: MIT */
/* Running out of fds, and RLIMIT_NOFILE changing under a live poll: libmio says what
 * happened and works again once fds are available. libmio's own cases (issue 7, part 6);
 * mio has no such tests. Every test lowers the soft RLIMIT_NOFILE of its own process only. */
#include "test-util.h"

#include <string.h>

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
