/* SPDX-License-Identifier: MIT */
/* The poll(2) backend: portable POSIX, mio's poll.rs selector (mio-reference.md 2.12) with
 * edge triggering emulated in user space. Every clone of a selector shares one state
 * (state.h); the handshake with a running select() is in handshake.c, collection and
 * re-arming in collect.c, flag translation in flags.h.
 *
 * It is an emulating backend: the core's registration map holds our per-fd records and
 * calls rearm() after I/O on an fd would block, from any thread. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <time.h>
#ifdef __linux__
#include <sys/sysmacros.h>
#endif

#include "flags.h"
#include "mio-backend-module.h"
#include "state.h"
#include "timeout.h"

struct mio_selector {
	struct poll_state *state;
};

struct mio_backend_waker {
	struct poll_state *state;
};

static int
poll_selector_new(struct mio_selector **ret)
{
	struct mio_selector *sel = malloc(sizeof(*sel));
	if (!sel)
		return -ENOMEM;
	int r = mio__poll_state_new(&sel->state);
	if (r < 0) {
		free(sel);
		return r;
	}
	*ret = sel;
	return 0;
}

static int
poll_selector_clone(struct mio_selector *sel, struct mio_selector **ret)
{
	struct mio_selector *c = malloc(sizeof(*c));
	if (!c)
		return -ENOMEM;
	mio__poll_state_ref(sel->state);
	c->state = sel->state;
	*ret = c;
	return 0;
}

static void
poll_selector_free(struct mio_selector *sel)
{
	mio__poll_state_unref(sel->state);
	free(sel);
}

static int64_t
monotonic_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* A finite, non-zero timeout is a deadline: when a modification or a bare notification
 * cuts poll() short, the next poll() waits only for what is left. That costs one vDSO
 * clock read per select() with such a timeout; none for 0 or infinite timeouts. */
struct wait_time {
	int64_t timeout_ns;
	int64_t deadline_ns;
};

static struct wait_time
wait_time_start(int64_t timeout_ns)
{
	struct wait_time w = { .timeout_ns = timeout_ns };
	if (timeout_ns > 0) {
		int64_t now = monotonic_ns();
		w.deadline_ns = timeout_ns > INT64_MAX - now ? INT64_MAX : now + timeout_ns;
	}
	return w;
}

static int
remaining_ms(const struct wait_time *w)
{
	if (w->timeout_ns <= 0)
		return mio_backend_timeout_ms(w->timeout_ns);
	int64_t now = monotonic_ns();
	return now >= w->deadline_ns ? 0 : mio_backend_timeout_ms(w->deadline_ns - now);
}

/* poll(2)'s only EINVAL (the timeout is never below -1) is more fds than RLIMIT_NOFILE
 * allows: say that, -EMFILE. The poll set is intact, so a later select() works again once
 * the limit is raised or fds are deregistered. */
static int
poll_error(const struct poll_state *s, int err)
{
	if (err != EINVAL)
		return -err;
	mio_backend_debug("poll", "poll(2) refuses %zu fds: RLIMIT_NOFILE is lower (-EMFILE)",
			  s->nfds);
	return -EMFILE;
}

/* Holds the lock across poll() and collection. Before each poll(): let waiting modifiers
 * in, apply queued re-arms, then announce the poll (in_poll) and look once more for
 * modifiers and re-arms that came meanwhile; those that come later see in_poll and signal
 * the notifier. */
static int
poll_select(struct mio_selector *sel, struct mio_event *events, size_t capacity,
	    int64_t timeout_ns)
{
	struct poll_state *s = sel->state;
	struct wait_time wt = wait_time_start(timeout_ns);
	int ms = mio_backend_timeout_ms(timeout_ns);
	int r;

	pthread_mutex_lock(&s->lock);
	for (;;) {
		mio__poll_handshake_wait(s);
		if (atomic_load_explicit(&s->rearm_head, memory_order_relaxed))
			mio__poll_apply_rearms(s);
		atomic_store(&s->in_poll, true);
		if (atomic_load(&s->waiting_ops) > 0 || atomic_load(&s->rearm_head)) {
			atomic_store(&s->in_poll, false);
			continue;
		}
		/* A wake may have been left behind by a drained notification: don't sleep. */
		int n = poll(s->pfds, (nfds_t)s->nfds, atomic_load(&s->wake_pending) ? 0 : ms);
		int err = errno;
		atomic_store(&s->in_poll, false);
		if (n < 0 && err != EAGAIN) {
			r = poll_error(s, err);
			break;
		}
		if (n > 0 && s->pfds[0].revents)
			mio__sys_notify_drain(&s->notify);
		/* With modifiers waiting the results may be stale (a deregistered fd): let them
		 * in and poll again instead of collecting. Nothing is lost, no bits were
		 * cleared. */
		if (n >= 0 && atomic_load(&s->waiting_ops) == 0) {
			size_t count = mio__poll_collect(s, events, capacity, n);
			if (count > 0 || n == 0 || capacity == 0) {
				r = (int)count;
				break;
			}
		}
		ms = remaining_ms(&wt);
	}
	pthread_mutex_unlock(&s->lock);
	return r;
}

static bool
is_same_file(const struct mio_backend_reg *reg, const struct stat *st)
{
	return reg->dev == st->st_dev && reg->ino == st->st_ino;
}

/* The registration's fields from a fresh register. */
static void
reg_init(struct mio_backend_reg *reg, mio_fd_t fd, mio_token_t token, mio_interest_t interest,
	 const struct stat *st)
{
	reg->fd = fd;
	reg->token = token;
	reg->events = poll_events(interest);
	reg->dev = st->st_dev;
	reg->ino = st->st_ino;
}

static void
arm(struct poll_state *s, struct mio_backend_reg *reg)
{
	mio__poll_set_arm(s, reg);
	atomic_fetch_and_explicit(&reg->arm, ~REG_TAKEN, memory_order_relaxed);
}

/* Files that have no poll method, which epoll refuses with EPERM, as far as fstat() tells
 * cheaply: regular files, directories, block devices and, on Linux, the memory devices
 * (major 1: null, zero, full, urandom, mem, port) other than random (8) and kmsg (11).
 * What this misses (a few misc devices) registers and is always ready, as poll(2) says;
 * procfs and sysfs files that can be polled are refused (porting-notes.md). */
static bool
cannot_poll(const struct stat *st)
{
	if (S_ISREG(st->st_mode) || S_ISDIR(st->st_mode) || S_ISBLK(st->st_mode))
		return true;
#ifdef __linux__
	if (S_ISCHR(st->st_mode) && major(st->st_rdev) == 1)
		return minor(st->st_rdev) != 8 && minor(st->st_rdev) != 11;
#endif
	return false;
}

/* *reg: the core's existing record for fd in this family, or NULL. An existing record of a
 * file that is gone (closed without deregistering, number reused) yields to the new file;
 * epoll forgets such fds by itself. */
static int
poll_register_fd(struct mio_selector *sel, mio_fd_t fd, mio_token_t token,
		 mio_interest_t interest, struct mio_backend_reg **reg)
{
	struct poll_state *s = sel->state;
	/* One syscall for both of epoll_ctl's checks: a closed fd (poll() would only say
	 * POLLNVAL) and a file that is always ready, which epoll refuses with EPERM. */
	struct stat st;
	if (fstat(fd, &st) < 0)
		return -EBADF;
	if (cannot_poll(&st))
		return -EPERM;
	bool counted = mio__poll_handshake_begin(s);
	struct mio_backend_reg *r = *reg;
	int err = 0;
	if (r && r->slot && is_same_file(r, &st)) {
		err = -EEXIST;
	} else if (r) {
		reg_init(r, fd, token, interest, &st);
		if (r->slot)
			arm(s, r);
		else
			err = mio__poll_set_add(s, r);
	} else if (!(r = mio__poll_reg_new(s))) {
		err = -ENOMEM;
	} else {
		reg_init(r, fd, token, interest, &st);
		err = mio__poll_set_add(s, r);
		if (err < 0)
			mio__poll_reg_free(s, r);
		else
			*reg = r;
	}
	mio__poll_handshake_end(s, counted);
	return err;
}

/* epoll_ctl()'s answers for an fd that may not be the file registered: -EBADF when it is
 * closed (or no fd at all, like INT_MAX), -ENOENT without a record or when the record is of
 * another file (the number was closed and reused: epoll forgot the old file at its close). */
static int
check_file(mio_fd_t fd, const struct mio_backend_reg *reg)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return -EBADF;
	return reg && is_same_file(reg, &st) ? 0 : -ENOENT;
}

/* Replaces token and interest and re-arms, so readiness that exists now is reported. A
 * record out of the poll set belongs to an fd poll() found closed: not registered. */
static int
poll_reregister_fd(struct mio_selector *sel, mio_fd_t fd, mio_token_t token,
		   mio_interest_t interest, struct mio_backend_reg *reg)
{
	int err = check_file(fd, reg);
	struct poll_state *s = sel->state;
	if (err == -ENOENT && reg && reg->slot) {
		/* The number is another file now (closed with close(2) and reused): epoll's
		 * registration went with the old file, so stop watching the number. The record
		 * stays, out of the poll set, until deregister frees it. */
		bool counted = mio__poll_handshake_begin(s);
		mio__poll_set_remove(s, reg);
		mio__poll_handshake_end(s, counted);
	}
	if (err < 0)
		return err;
	bool counted = mio__poll_handshake_begin(s);
	err = reg->slot ? 0 : -ENOENT;
	if (err == 0) {
		reg->token = token;
		reg->events = poll_events(interest);
		arm(s, reg);
	}
	mio__poll_handshake_end(s, counted);
	return err;
}

/* Frees the record; says whether it was still in the poll set. */
static bool
drop(struct poll_state *s, struct mio_backend_reg *reg)
{
	bool counted = mio__poll_handshake_begin(s);
	bool in_set = reg->slot != 0;
	mio__poll_reg_free(s, reg);
	mio__poll_handshake_end(s, counted);
	return in_set;
}

/* The record is ours to free whatever the answer. */
static int
poll_deregister_fd(struct mio_selector *sel, mio_fd_t fd, struct mio_backend_reg *reg)
{
	int err = check_file(fd, reg);
	if (reg && !drop(sel->state, reg) && err == 0)
		err = -ENOENT;
	return err;
}

/* mio_close(): no syscall on fd, it is about to go. */
static void
poll_forget(struct mio_selector *sel, mio_fd_t fd, struct mio_backend_reg *reg)
{
	drop(sel->state, reg);
}

/* The poll events a re-arm in a direction gives back, by its READABLE and WRITABLE bits:
 * reads re-arm POLLIN and POLLPRI, writes POLLOUT; either un-hides an fd hidden after a
 * hang-up or an error. */
#define REARM_HUP (POLLHUP | POLLERR)
#ifdef POLLRDHUP
#define REARM_READ (POLLIN | POLLPRI | POLLRDHUP)
#else
#define REARM_READ (POLLIN | POLLPRI)
#endif
static const unsigned short rearm_events[4] = {
	REARM_HUP,
	REARM_HUP | REARM_READ,
	REARM_HUP | POLLOUT,
	REARM_HUP | REARM_READ | POLLOUT,
};
_Static_assert(MIO_INTEREST_READABLE == 1 && MIO_INTEREST_WRITABLE == 2,
	       "rearm_events is indexed by the direction's READABLE and WRITABLE bits");

/* mio's do_io, called by the core after EAGAIN, from any thread, without the lock: one
 * load when select() took none of the direction's events since they were re-armed.
 * Otherwise they are handed back and the record goes on the state's lock-free re-arm
 * list, and a running poll() is interrupted so it watches the fd again (Dekker with
 * poll_select(): it sets in_poll, then looks at the list). Only the direction's events: a
 * read that would block must not make poll() report a writable socket again. */
static void
poll_rearm(struct mio_selector *sel, mio_fd_t fd, struct mio_backend_reg *reg,
	   mio_interest_t direction)
{
	unsigned want = rearm_events[direction & 3];
	unsigned arm = atomic_load_explicit(&reg->arm, memory_order_acquire), bits, next;
	do {
		bits = arm & want & REG_TAKEN;
		if (!bits)
			return;
		next = (arm & ~bits) | bits << REG_GIVEN_SHIFT | REG_QUEUED;
	} while (!atomic_compare_exchange_weak(&reg->arm, &arm, next));

	struct poll_state *s = sel->state;
	if (!(arm & REG_QUEUED)) {
		struct mio_backend_reg *head = atomic_load_explicit(&s->rearm_head,
								    memory_order_relaxed);
		do
			reg->rearm_next = head;
		while (!atomic_compare_exchange_weak(&s->rearm_head, &head, reg));
	}
	if (atomic_load(&s->in_poll))
		mio__sys_notify_signal(&s->notify);
}

static int
poll_waker_new(struct mio_selector *sel, mio_token_t token, struct mio_backend_waker **ret)
{
	struct poll_state *s = sel->state;
	struct mio_backend_waker *w = malloc(sizeof(*w));
	if (!w)
		return -ENOMEM;
	bool none = false;
	if (!atomic_compare_exchange_strong(&s->has_waker, &none, true)) {
		free(w);
		return -EEXIST;
	}
	atomic_store(&s->waker_token, token);
	atomic_store(&s->wake_pending, false);
	mio__poll_state_ref(s);
	w->state = s;
	*ret = w;
	return 0;
}

/* No lock: an atomic store and a write(), safe from any thread. Wakes before the next
 * select() merge into one event. */
static int
poll_waker_wake(struct mio_backend_waker *w)
{
	atomic_store(&w->state->wake_pending, true);
	return mio__sys_notify_signal(&w->state->notify);
}

static void
poll_waker_free(struct mio_backend_waker *w)
{
	struct poll_state *s = w->state;
	atomic_store(&s->wake_pending, false);
	atomic_store(&s->has_waker, false);
	mio__poll_state_unref(s);
	free(w);
}

const struct mio_backend mio__backend_poll = {
	.abi_major = MIO_BACKEND_ABI_MAJOR,
	.abi_minor = MIO_BACKEND_ABI_MINOR,
	.size = sizeof(struct mio_backend),
	.name = "poll",
	.priority = MIO_BACKEND_PRIORITY_MARGINAL,
	.flags = MIO_BACKEND_EMULATES_EDGES,
	.selector_new = poll_selector_new,
	.selector_clone = poll_selector_clone,
	.selector_free = poll_selector_free,
	.select = poll_select,
	.register_fd = poll_register_fd,
	.reregister_fd = poll_reregister_fd,
	.deregister_fd = poll_deregister_fd,
	.waker_new = poll_waker_new,
	.waker_wake = poll_waker_wake,
	.waker_free = poll_waker_free,
	.rearm = poll_rearm,
	.forget = poll_forget,
};
