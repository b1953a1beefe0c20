/* SPDX-License-Identifier: MIT */
/* Port of mio's tests/regressions.rs: issue_1205, with a pipe read end (made readable by a
 * write) in place of the listener (made readable by a connect).
 * Socket-only, ported in tests/net: issue_776 (TCP), issue_1403 (unbound UnixDatagram).
 * Left out: issue_1893 (Windows named pipes). */
#include "test-util.h"


#define ID1 ((mio_token_t)1)
#define WAKE_TOKEN ((mio_token_t)10)

static void *
wake_after_500ms(void *waker)
{
	mt_sleep_ms(500);
	mio_waker_wake(waker);
	return NULL;
}

/* Readiness that arrived before a deregister is never reported: the poll returns exactly
 * one event, the waker's. */
MT_TEST(regressions, issue_1205)
{
	struct mio_poll *poll = mt_poll_new();
	struct mio_events *events = mt_events_new(16);
	struct mio_waker *waker;
	mt_assert_ok(mio_waker_new(mio_poll_registry(poll), WAKE_TOKEN, &waker));
	mio_fd_t listener[2];
	mt_pipe(listener);

	mt_assert_ok(mio_registry_register(mio_poll_registry(poll), listener[0], ID1,
					   MIO_INTEREST_READABLE));
	mt_assert_eq(mio_poll_poll(poll, events, 0), 0);
	mt_assert_eq(mio_events_len(events), 0);

	mt_write_all(listener[1], "x", 1); /* the connect */
	mt_assert_ok(mio_registry_deregister(mio_poll_registry(poll), listener[0]));

	struct mt_thread *t;
	t = mt_thread_spawn(wake_after_500ms, waker);
	mt_assert_ok(mio_poll_poll(poll, events, MIO_TIMEOUT_INFINITE));

	mt_assert_eq(mio_events_len(events), 1);
	const struct mio_event *e = mio_events_get(events, 0);
	mt_assert(mio_event_is_readable(e), "waker event must be readable");
	mt_assert_eq(mio_event_token(e), WAKE_TOKEN);
	mt_thread_join(t);

	mt_os_close(listener[0]);
	mt_os_close(listener[1]);
	mio_waker_free(waker);
	mio_events_free(events);
	mio_poll_free(poll);
}
