/* SPDX-License-Identifier: MIT */
/* Helpers for the ported mio tests (mio's tests/util/mod.rs), framework-neutral. */
#ifndef TEST_UTIL_H
#define TEST_UTIL_H

#include "mt.h"
#include "mt-os.h"

/* Readiness an expected event must have (mio's ExpectEvent: every listed flag must be set). */
enum mt_ready {
	MT_READABLE = 1 << 0,
	MT_WRITABLE = 1 << 1,
	MT_ERROR = 1 << 2,
	MT_READ_CLOSED = 1 << 3,
	MT_WRITE_CLOSED = 1 << 4,
	MT_PRIORITY = 1 << 5,
};

struct mt_expect {
	mio_token_t token;
	unsigned ready; /* enum mt_ready bits */
};

/* A poll on the backend under test: MIO_BACKEND names it (meson sets it per test entry);
 * fails the test if the poll runs on any other backend. */
struct mio_poll *mt_poll_new(void);
struct mio_events *mt_events_new(size_t capacity);
/* The backend under test ("epoll", "poll"...), for the rare backend-specific assertion. */
const char *mt_backend(void);

/* mio's expect_events: polls up to 3 x 500 ms until every expected event was seen;
 * extra events are allowed. */
void mt_expect_events(struct mio_poll *poll, struct mio_events *events,
		      const struct mt_expect *expected, size_t n);
#define MT_EXPECT_EVENTS(poll, events, ...)                                                  \
	do {                                                                                 \
		const struct mt_expect mt_e_[] = { __VA_ARGS__ };                            \
		mt_expect_events((poll), (events), mt_e_, sizeof(mt_e_) / sizeof(mt_e_[0])); \
	} while (0)
/* mio's expect_no_events: one 50 ms poll that must return nothing. */
void mt_expect_no_events(struct mio_poll *poll, struct mio_events *events);
/* True when e has every flag in ready. */
bool mt_event_matches(const struct mio_event *e, unsigned ready);

/* Writes all of buf with raw writes (retrying on EAGAIN after waiting for writability);
 * fails the test on error. */
void mt_write_all(mio_fd_t fd, const void *buf, size_t len);
/* Reads until EAGAIN, returns the byte count (0 on EOF); rearms via mio_try_io semantics. */
size_t mt_drain(mio_fd_t fd);

#endif
