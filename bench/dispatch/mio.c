/* SPDX-License-Identifier: MIT */
/* libmio on the backend named by the variant (-b epoll, -b poll...). Edge-triggered:
 * each event reads its socket with libmio's mio_stream_read until a short read or, with
 * -r drain, until -EAGAIN; both re-arm the fd where the backend emulates edges. The driver
 * counts those reads as workload; the report gives the helper's own cost separately. */
#include "common.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <mio/mio.h>
#include <mio/net.h>

static struct mio_poll *mpoll;
static struct mio_events *events;

static int
mio_setup(const char *variant, const int *read_fds, size_t n)
{
	if (!variant) {
		fprintf(stderr, "mio: -b BACKEND is required\n");
		return -EINVAL;
	}
	int r = mio_poll_new_with_backend(variant, &mpoll);
	if (r < 0) {
		fprintf(stderr, "mio: backend '%s': %s\n", variant, strerror(-r));
		return r;
	}
	bench_set_reader(mio_stream_read);
	r = mio_events_new(BENCH_EVENT_CAPACITY, &events);
	if (r < 0)
		return r;
	struct mio_registry *registry = mio_poll_registry(mpoll);
	for (size_t i = 0; i < n; i++) {
		r = mio_registry_register(registry, read_fds[i], i, MIO_INTEREST_READABLE);
		if (r < 0) {
			fprintf(stderr, "mio: register: %s\n", strerror(-r));
			return r;
		}
	}
	return 0;
}

static int
mio_turn(void)
{
	int r = mio_poll_poll(mpoll, events, 0);
	if (r < 0)
		return r;
	mio_events_foreach(e, events) {
		if (mio_event_is_readable(e))
			bench_read(mio_event_token(e));
	}
	return 0;
}

const struct bench_impl bench_impl = { "mio", true, mio_setup, mio_turn };
