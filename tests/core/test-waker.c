/* SPDX-License-Identifier: MIT */
/* Port of mio's tests/waker.rs. */
#include "test-util.h"


#define WAKE ((mio_token_t)10)

static void
expect_waker_event(struct mio_poll *poll, struct mio_events *events, mio_token_t token)
{
	mt_assert_ok(mio_poll_poll(poll, events, MIO_TIMEOUT_INFINITE));
	mt_assert(!mio_events_is_empty(events), "no event");
	mio_events_foreach(e, events) {
		mt_assert_eq(mio_event_token(e), token);
		mt_assert(mio_event_is_readable(e), "waker event must be readable");
	}
}

/* What mio's waker tests start with: a poll, 8 events and a waker for WAKE. */
struct waker_test {
	struct mio_poll *poll;
	struct mio_events *events;
	struct mio_waker *waker;
};

static struct waker_test
waker_test_new(void)
{
	struct waker_test w = { .poll = mt_poll_new(), .events = mt_events_new(8) };
	mt_assert_ok(mio_waker_new(mio_poll_registry(w.poll), WAKE, &w.waker));
	return w;
}

static void
waker_test_free(struct waker_test *w)
{
	mio_waker_free(w->waker);
	mio_events_free(w->events);
	mio_poll_free(w->poll);
}

MT_TEST(waker, is_send_and_sync_smoke)
{
	struct mio_poll *poll = mt_poll_new();
	struct mio_waker *waker;
	mt_assert_ok(mio_waker_new(mio_poll_registry(poll), WAKE, &waker));
	mio_waker_free(waker);
	mio_poll_free(poll);
}

MT_TEST(waker, wake)
{
	struct waker_test w = waker_test_new();

	mt_assert_ok(mio_waker_wake(w.waker));
	expect_waker_event(w.poll, w.events, WAKE);

	waker_test_free(&w);
}

MT_TEST(waker, wake_multiple_from_same_thread)
{
	struct waker_test w = waker_test_new();

	for (int i = 0; i < 3; i++)
		mt_assert_ok(mio_waker_wake(w.waker));
	expect_waker_event(w.poll, w.events, WAKE);

	waker_test_free(&w);
}

static void *
wake_after_delay(void *waker)
{
	mt_sleep_ms(50);
	mio_waker_wake(waker);
	return NULL;
}

MT_TEST(waker, wake_from_other_thread)
{
	struct waker_test w = waker_test_new();

	struct mt_thread *t;
	t = mt_thread_spawn(wake_after_delay, w.waker);
	expect_waker_event(w.poll, w.events, WAKE);
	mt_thread_join(t);

	/* Edge-triggered: the wake must not be reported again. */
	mt_expect_no_events(w.poll, w.events);

	waker_test_free(&w);
}

MT_TEST(waker, wake_multiple_separated_by_poll)
{
	struct waker_test w = waker_test_new();

	mt_assert_ok(mio_waker_wake(w.waker));
	expect_waker_event(w.poll, w.events, WAKE);
	mt_assert_ok(mio_waker_wake(w.waker));
	expect_waker_event(w.poll, w.events, WAKE);

	waker_test_free(&w);
}

/* mio panics in debug builds on a second waker; libmio returns -EEXIST, also through a
 * cloned registry, and allows a new waker once the first is gone. */
MT_TEST(waker, second_waker_is_refused)
{
	struct mio_poll *poll = mt_poll_new();
	struct mio_registry *clone;
	struct mio_waker *first, *second;
	mt_assert_ok(mio_waker_new(mio_poll_registry(poll), WAKE, &first));
	mt_assert_err(mio_waker_new(mio_poll_registry(poll), WAKE, &second), -EEXIST);
	mt_assert_ok(mio_registry_try_clone(mio_poll_registry(poll), &clone));
	mt_assert_err(mio_waker_new(clone, WAKE, &second), -EEXIST);

	mio_waker_free(first);
	mt_assert_ok(mio_waker_new(clone, WAKE, &second));
	mio_waker_free(second);
	mio_registry_free(clone);
	mio_poll_free(poll);
}
