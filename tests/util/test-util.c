/* SPDX-License-Identifier: MIT */
#include "test-util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

const char *
mt_backend(void)
{
	const char *b = getenv("MIO_BACKEND");
	return b && *b ? b : "default";
}

struct mio_poll *
mt_poll_new(void)
{
	struct mio_poll *poll = NULL;
	mt_assert_ok(mio_poll_new(&poll));
	const char *want = getenv("MIO_BACKEND");
	if (want && *want)
		mt_assert_str_eq(mio_poll_backend_name(poll), want);
	return poll;
}

struct mio_events *
mt_events_new(size_t capacity)
{
	struct mio_events *events = NULL;
	mt_assert_ok(mio_events_new(capacity, &events));
	return events;
}

bool
mt_event_matches(const struct mio_event *e, unsigned ready)
{
	return (!(ready & MT_READABLE) || mio_event_is_readable(e)) &&
	       (!(ready & MT_WRITABLE) || mio_event_is_writable(e)) &&
	       (!(ready & MT_ERROR) || mio_event_is_error(e)) &&
	       (!(ready & MT_READ_CLOSED) || mio_event_is_read_closed(e)) &&
	       (!(ready & MT_WRITE_CLOSED) || mio_event_is_write_closed(e)) &&
	       (!(ready & MT_PRIORITY) || mio_event_is_priority(e));
}

void
mt_expect_events(struct mio_poll *poll, struct mio_events *events,
		 const struct mt_expect *expected, size_t n)
{
	bool seen[64] = { false };
	size_t left = n;
	mt_assert(n <= 64, "too many expected events");

	for (int round = 0; round < 3 && left; round++) {
		mt_assert_ok(mio_poll_poll(poll, events, 500 * 1000000LL));
		mio_events_foreach(e, events) {
			for (size_t i = 0; i < n; i++) {
				if (!seen[i] && mio_event_token(e) == expected[i].token &&
				    mt_event_matches(e, expected[i].ready)) {
					seen[i] = true;
					left--;
				}
			}
		}
	}
	for (size_t i = 0; i < n; i++)
		mt_assert(seen[i], "expected event not seen: token %zu, readiness 0x%x",
			  (size_t)expected[i].token, expected[i].ready);
}

void
mt_expect_no_events(struct mio_poll *poll, struct mio_events *events)
{
	mt_assert_ok(mio_poll_poll(poll, events, 50 * 1000000LL));
	const struct mio_event *e = mio_events_get(events, 0);
	mt_assert(mio_events_is_empty(events), "expected no events, got %zu (first: token %zu flags 0x%x)",
		  mio_events_len(events), e ? (size_t)mio_event_token(e) : 0, e ? e->flags : 0);
}

void
mt_write_all(mio_fd_t fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len) {
		ssize_t w = mt_os_write(fd, p, len);
		if (w == -EAGAIN) {
			mt_os_wait_writable(fd, 1000);
			continue;
		}
		mt_assert(w > 0, "write: %s", mt_os_error_text());
		p += w;
		len -= (size_t)w;
	}
}

size_t
mt_drain(mio_fd_t fd)
{
	char buf[4096];
	size_t total = 0;
	for (;;) {
		ssize_t r = mt_os_read(fd, buf, sizeof(buf));
		if (r > 0) {
			total += (size_t)r;
			continue;
		}
		if (r == -EAGAIN) {
			mio_fd_rearm(fd);
			return total;
		}
		mt_assert(r == 0, "read: %s", mt_os_error_text());
		return total;
	}
}
