/* SPDX-License-Identifier: MIT */
/* The epoll backend: edge-triggered epoll, the kernel writing events straight into the
 * caller's buffer (struct mio_event has struct epoll_event's layout), no per-registration
 * state in user space. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <mio-backend.h>

#include "notify-waker.h"
#include "platform.h"
#include "timeout.h"

_Static_assert(sizeof(struct mio_event) == sizeof(struct epoll_event),
	       "struct mio_event must match struct epoll_event");
_Static_assert(offsetof(struct mio_event, token) == offsetof(struct epoll_event, data),
	       "token must sit where epoll_event.data does");
_Static_assert(MIO_EVENT_IN == EPOLLIN && MIO_EVENT_PRI == EPOLLPRI &&
		       MIO_EVENT_OUT == EPOLLOUT && MIO_EVENT_ERR == EPOLLERR &&
		       MIO_EVENT_HUP == EPOLLHUP && MIO_EVENT_RDHUP == EPOLLRDHUP,
	       "event flag bits must be epoll's");

struct mio_selector {
	int epfd;
};

/* 1: epoll_pwait2 works, 0: it does not, -1: not asked yet. */
static atomic_int have_pwait2 = -1;

static int
sys_epoll_pwait2(int epfd, struct epoll_event *ev, int max, const struct timespec *ts)
{
#if defined(HAVE_EPOLL_PWAIT2)
	return epoll_pwait2(epfd, ev, max, ts, NULL);
#elif defined(SYS_epoll_pwait2)
	return (int)syscall(SYS_epoll_pwait2, epfd, ev, max, ts, NULL, 0);
#else
	errno = ENOSYS;
	return -1;
#endif
}

/* Whether epoll_pwait2 works here: not on kernels before 5.11, and not where a seccomp
 * filter older than it refuses it (with ENOSYS or EPERM). */
static void
detect_pwait2(int epfd)
{
	if (atomic_load_explicit(&have_pwait2, memory_order_relaxed) >= 0)
		return;
	struct timespec zero = { 0, 0 };
	struct epoll_event ev;
	int r = sys_epoll_pwait2(epfd, &ev, 1, &zero);
	atomic_store_explicit(&have_pwait2, r >= 0, memory_order_relaxed);
}

static int
epoll_probe(void)
{
	int fd = epoll_create1(EPOLL_CLOEXEC);
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

static int
epoll_selector_new(struct mio_selector **ret)
{
	struct mio_selector *s = malloc(sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (s->epfd < 0) {
		int r = -errno;
		free(s);
		return r;
	}
	detect_pwait2(s->epfd);
	*ret = s;
	return 0;
}

static int
epoll_selector_clone(struct mio_selector *sel, struct mio_selector **ret)
{
	struct mio_selector *s = malloc(sizeof(*s));
	if (!s)
		return -ENOMEM;
	int r = mio__sys_dup_cloexec(sel->epfd, &s->epfd);
	if (r < 0) {
		free(s);
		return r;
	}
	*ret = s;
	return 0;
}

static void
epoll_selector_free(struct mio_selector *sel)
{
	mio__sys_close(sel->epfd);
	free(sel);
}

static int
epoll_selector_fd(struct mio_selector *sel, mio_fd_t *ret)
{
	*ret = sel->epfd;
	return 0;
}

static int
epoll_select(struct mio_selector *sel, struct mio_event *events, size_t capacity,
	     int64_t timeout_ns)
{
	struct epoll_event *ev = (struct epoll_event *)events;
	/* The kernel refuses more than EP_MAX_EVENTS (INT_MAX / sizeof(epoll_event)). */
	const size_t max_events = INT_MAX / sizeof(struct epoll_event);
	int max = capacity > max_events ? (int)max_events : (int)capacity;
	int n;

	/* The common cases first, without a division: 0 (a non-blocking turn) and forever. */
	if (timeout_ns == 0) {
		n = epoll_wait(sel->epfd, ev, max, 0);
	} else if (timeout_ns < 0) {
		n = epoll_wait(sel->epfd, ev, max, -1);
	} else if (timeout_ns % 1000000 == 0 && timeout_ns / 1000000 <= INT_MAX) {
		/* Whole milliseconds: the cheapest call is exact. */
		n = epoll_wait(sel->epfd, ev, max, (int)(timeout_ns / 1000000));
	} else if (atomic_load_explicit(&have_pwait2, memory_order_relaxed) > 0 &&
		   timeout_ns / 1000000000 <= MIO_BACKEND_TIME_T_MAX) {
		/* (A longer wait than a 32-bit time_t holds takes the millisecond path.) */
		struct timespec ts = mio_backend_timespec(timeout_ns);
		n = sys_epoll_pwait2(sel->epfd, ev, max, &ts);
	} else {
		n = epoll_wait(sel->epfd, ev, max, mio_backend_timeout_ms(timeout_ns));
	}
	return n < 0 ? -errno : n;
}

static uint32_t
epoll_flags(mio_interest_t interest)
{
	uint32_t f = EPOLLET;
	if (interest & MIO_INTEREST_READABLE)
		f |= EPOLLIN | EPOLLRDHUP;
	if (interest & MIO_INTEREST_WRITABLE)
		f |= EPOLLOUT;
	if (interest & MIO_INTEREST_PRIORITY)
		f |= EPOLLPRI;
	return f;
}

static int
epoll_ctl_fd(struct mio_selector *sel, int op, mio_fd_t fd, mio_token_t token,
	     mio_interest_t interest)
{
	struct epoll_event ev = { .events = epoll_flags(interest), .data.u64 = token };
	return epoll_ctl(sel->epfd, op, fd, &ev) < 0 ? -errno : 0;
}

/* epoll keeps no registration records: the kernel does the bookkeeping. */
static int
epoll_register_fd(struct mio_selector *sel, mio_fd_t fd, mio_token_t token,
		  mio_interest_t interest, struct mio_backend_reg **reg)
{
	return epoll_ctl_fd(sel, EPOLL_CTL_ADD, fd, token, interest);
}

static int
epoll_reregister_fd(struct mio_selector *sel, mio_fd_t fd, mio_token_t token,
		    mio_interest_t interest, struct mio_backend_reg *reg)
{
	return epoll_ctl_fd(sel, EPOLL_CTL_MOD, fd, token, interest);
}

static int
epoll_deregister_fd(struct mio_selector *sel, mio_fd_t fd, struct mio_backend_reg *reg)
{
	return epoll_ctl(sel->epfd, EPOLL_CTL_DEL, fd, NULL) < 0 ? -errno : 0;
}

/* mio's eventfd waker (notify-waker.h). */
static int
epoll_waker_add(struct mio_selector *sel, mio_fd_t fd, mio_token_t token)
{
	return epoll_register_fd(sel, fd, token, MIO_INTEREST_READABLE, NULL);
}

static int
epoll_waker_new(struct mio_selector *sel, mio_token_t token, struct mio_backend_waker **ret)
{
	return mio_notify_waker_new(sel, token, epoll_waker_add, ret);
}

const struct mio_backend mio__backend_epoll = {
	.abi_major = MIO_BACKEND_ABI_MAJOR,
	.abi_minor = MIO_BACKEND_ABI_MINOR,
	.size = sizeof(struct mio_backend),
	.name = "epoll",
	.priority = MIO_BACKEND_PRIORITY_PRIMARY,
	.flags = 0, /* EPOLLET: the kernel triggers on edges */
	.probe = epoll_probe,
	.selector_new = epoll_selector_new,
	.selector_clone = epoll_selector_clone,
	.selector_free = epoll_selector_free,
	.selector_fd = epoll_selector_fd,
	.select = epoll_select,
	.register_fd = epoll_register_fd,
	.reregister_fd = epoll_reregister_fd,
	.deregister_fd = epoll_deregister_fd,
	.waker_new = epoll_waker_new,
	.waker_wake = mio_notify_waker_wake,
	.waker_free = mio_notify_waker_free,
};
