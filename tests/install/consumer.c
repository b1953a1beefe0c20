/* SPDX-License-Identifier: MIT */
/* A program built against the installed libmio only (pkg-config): a poll on the default
 * backend and a waker roundtrip. Prints "backend: <name>" and exits 0 when all worked. */
#include <mio/mio.h>

#include <stdio.h>

#define WAKE_TOKEN ((mio_token_t)42)

static int
fail(const char *what, int err)
{
	fprintf(stderr, "consumer: %s: %s\n", what, mio_strerror(err));
	return 1;
}

int
main(void)
{
	struct mio_poll *poll;
	struct mio_events *events;
	struct mio_waker *waker;
	int err;

	if ((err = mio_poll_new(&poll)) < 0)
		return fail("mio_poll_new", err);
	printf("backend: %s\n", mio_poll_backend_name(poll));
	if ((err = mio_events_new(8, &events)) < 0)
		return fail("mio_events_new", err);
	if ((err = mio_waker_new(mio_poll_registry(poll), WAKE_TOKEN, &waker)) < 0)
		return fail("mio_waker_new", err);
	if ((err = mio_waker_wake(waker)) < 0)
		return fail("mio_waker_wake", err);
	/* 5 s: only a broken waker takes this long. */
	if ((err = mio_poll_poll(poll, events, 5000000000LL)) < 0)
		return fail("mio_poll_poll", err);
	const struct mio_event *e = mio_events_get(events, 0);
	if (mio_events_len(events) != 1 || !e || mio_event_token(e) != WAKE_TOKEN ||
	    !mio_event_is_readable(e)) {
		fprintf(stderr, "consumer: expected one readable event with token %d, got %zu\n",
			(int)WAKE_TOKEN, mio_events_len(events));
		return 1;
	}
	printf("woken\n");
	mio_waker_free(waker);
	mio_events_free(events);
	mio_poll_free(poll);
	return 0;
}
