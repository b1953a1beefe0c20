/* SPDX-License-Identifier: MIT */
/* fork() in a process where other threads use libmio: handlers keep every lock on the way
 * of mio_poll_free() consistent, so the child can free what it inherited and make polls of
 * its own (the rule, as mio leaves fork to the user: mio/poll.h). Installed when the first
 * family on an emulating backend is made: epoll keeps no user-space state, and kqueue's
 * record lock is not on the way of mio_poll_free() (a child frees it without destroying
 * it), so they need nothing. The backend's own handlers were installed earlier, by its
 * first selector_new(), so this prepare runs first: family locks, then the backend's (the
 * order registry calls take them). */
#include "mio-private.h"

static void
prepare(void)
{
	mio__family_fork_prepare();
	mio__regmap_fork_prepare();
}

static void
parent(void)
{
	mio__regmap_fork_parent();
	mio__family_fork_parent();
}

static void
child(void)
{
	mio__regmap_fork_child();
	mio__family_fork_child();
}

static void
install(void)
{
	mio__sys_at_fork(prepare, parent, child);
}

void
mio__fork_handlers_install(void)
{
	static mio__sys_once once = MIO__SYS_ONCE_INIT;
	mio__sys_call_once(&once, install);
}
