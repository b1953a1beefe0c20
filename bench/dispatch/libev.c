/* SPDX-License-Identifier: MIT */
/* libev: one ev_io per read end, ev_run(EVRUN_NOWAIT) per turn. Level-triggered. */
#include "common.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <ev.h>

static struct ev_loop *loop;
static ev_io *watchers;

static void
read_cb(struct ev_loop *l, ev_io *w, int revents)
{
	bench_read((size_t)(w - watchers));
}

static int
libev_setup(const char *variant, const int *read_fds, size_t n)
{
	loop = ev_default_loop(EVFLAG_AUTO);
	watchers = calloc(n, sizeof(*watchers));
	if (!loop || !watchers)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		ev_io_init(&watchers[i], read_cb, read_fds[i], EV_READ);
		ev_io_start(loop, &watchers[i]);
	}
	return 0;
}

static int
libev_turn(void)
{
	ev_run(loop, EVRUN_NOWAIT);
	return 0;
}

const struct bench_impl bench_impl = { "libev", false, libev_setup, libev_turn };
