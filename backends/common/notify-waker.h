/* SPDX-License-Identifier: MIT */
/* mio's eventfd and pipe Wakers, for backends whose waker is a registered fd (epoll, and
 * kqueue where it has no EVFILT_USER): the platform's notifier (an eventfd, else a pipe)
 * whose read end is registered READABLE and never read in normal operation, so every
 * signal is a new edge; a full counter or pipe is emptied and written again. Closing the
 * notifier drops its registration on both. */
#ifndef MIO_BACKEND_NOTIFY_WAKER_H
#define MIO_BACKEND_NOTIFY_WAKER_H

#include <errno.h>
#include <stdlib.h>

#include <mio-backend.h>

#include "platform.h"

struct mio_backend_waker {
	struct mio__sys_notify notify;
};

/* add registers the read end READABLE with the token, edge-triggered: 0 or -errno. */
static inline int
mio_notify_waker_new(struct mio_selector *sel, mio_token_t token,
		     int (*add)(struct mio_selector *sel, mio_fd_t fd, mio_token_t token),
		     struct mio_backend_waker **ret)
{
	struct mio_backend_waker *w = malloc(sizeof(*w));
	if (!w)
		return -ENOMEM;
	int r = mio__sys_notify_open(&w->notify);
	if (r == 0) {
		r = add(sel, w->notify.read_fd, token);
		if (r < 0)
			mio__sys_notify_close(&w->notify);
	}
	if (r < 0) {
		free(w);
		return r;
	}
	*ret = w;
	return 0;
}

static inline int
mio_notify_waker_wake(struct mio_backend_waker *w)
{
	return mio__sys_notify_signal(&w->notify);
}

static inline void
mio_notify_waker_free(struct mio_backend_waker *w)
{
	mio__sys_notify_close(&w->notify);
	free(w);
}

#endif
