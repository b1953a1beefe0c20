/* SPDX-License-Identifier: MIT */
/* libevent 2: one persistent EV_READ event per read end (an array, as bench.c),
 * event_base_loop(EVLOOP_ONCE | EVLOOP_NONBLOCK) per turn. Level-triggered. */
#include "common.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <event2/event.h>
#include <event2/event_struct.h>

static struct event_base *base;
static struct event *evs;

static void
read_cb(evutil_socket_t fd, short which, void *arg)
{
	bench_read((size_t)(uintptr_t)arg);
}

static int
libevent_setup(const char *variant, const int *read_fds, size_t n)
{
	base = event_base_new();
	evs = calloc(n, sizeof(*evs));
	if (!base || !evs)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		if (event_assign(&evs[i], base, read_fds[i], EV_READ | EV_PERSIST, read_cb,
				 (void *)(uintptr_t)i) < 0 ||
		    event_add(&evs[i], NULL) < 0) {
			fprintf(stderr, "libevent: event_add failed\n");
			return -EINVAL;
		}
	}
	return 0;
}

static int
libevent_turn(void)
{
	return event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK) < 0 ? -EIO : 0;
}

const struct bench_impl bench_impl = { "libevent", false, libevent_setup, libevent_turn };
