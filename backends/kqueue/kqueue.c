/* SPDX-License-Identifier: MIT */
/* The kqueue backend (macOS, iOS, FreeBSD, NetBSD, OpenBSD, DragonFly), after mio's
 * src/sys/unix/selector/kqueue.rs and the kqueue and pipe wakers of its waker.rs: one
 * knote per filter, EVFILT_WRITE then EVFILT_READ, with EV_CLEAR for edge triggering and
 * the token in udata; every change is submitted with EV_RECEIPT, so its error comes back
 * in its own slot. libmio adds three things mio does not do on kqueue: events are
 * translated into struct mio_event (epoll's layout) in select(); a per-family record of
 * what is registered gives -EEXIST and -ENOENT as on every backend; and register refuses
 * regular files, directories and block devices with -EPERM, as epoll does.
 *
 * Written against the platform headers' definitions and reviewed against kqueue.rs; built
 * and linked here for macOS only, never run here (README, "Backends"). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/event.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <mio-backend.h>

#include "platform.h"
#include "timeout.h"

/* ---- What differs between the kqueue systems (mio's Count, Filter, Flags, UData) ---- */

/* kevent()'s nchanges and nevents: size_t on NetBSD, int elsewhere. */
#if defined(__NetBSD__)
typedef size_t kq_count_t;
#else
typedef int kq_count_t;
#endif

/* udata is a void * everywhere but on NetBSD before 10 (intptr_t): convert through the
 * field's own type. filter and flags are integers of varying width (int16_t/uint16_t, or
 * uint32_t on NetBSD) that the EVFILT_ and EV_ constants fit. */
#define KQ_UDATA(token) ((__typeof__(((struct kevent *)0)->udata))(uintptr_t)(token))
#define KQ_TOKEN(kev) ((mio_token_t)(uintptr_t)(kev)->udata)

/* The waker: EVFILT_USER on Apple systems and FreeBSD, a pipe on NetBSD, OpenBSD and
 * DragonFly (DragonFly has EVFILT_USER, but mio uses the pipe there). */
#if defined(__APPLE__) || defined(__FreeBSD__)
#define KQ_USER_WAKER 1
#endif
/* Where mio's Event::is_aio and is_lio look at the filter. */
#if defined(__APPLE__) || defined(__FreeBSD__) || defined(__DragonFly__)
#define KQ_AIO 1
#endif
#if defined(__FreeBSD__)
#define KQ_LIO 1
#endif

/* ---- The registration record ----
 *
 * kqueue's EV_ADD modifies a knote that already exists, and mio ignores the ENOENT of
 * deleting one that does not, so mio on kqueue succeeds where epoll says EEXIST (register
 * twice) or ENOENT (reregister or deregister what is not registered). libmio gives epoll's
 * answers on every backend, so each family (a poll and its registry clones, which share
 * one kernel kqueue) records, per fd number, whether it is registered, which knotes it
 * added and their token.
 *
 * Cost: 24 bytes (32 where dev_t has 64 bits: FreeBSD, NetBSD) per fd number up to the
 * highest one registered, so at most 320 kB for a server with 10,000 fds, grown by
 * doubling in register (never in select), and one uncontended mutex per register,
 * reregister and deregister, held across its kevent() so that two threads registering
 * one fd get one -EEXIST (epoll's own lock gives the same). select() never reads the
 * record.
 *
 * Why nothing cheaper works: the kernel has no query for a knote, only changes. A probe
 * change (EV_ENABLE without EV_ADD: ENOENT when the knote is missing) asked alone costs a
 * second kevent() per register. And the kernel drops an fd's knotes when the fd is closed,
 * by close() or mio_close() alike (the core reports closes to emulating backends only),
 * so a record can be stale: the number may now be a new, unregistered file. So the record
 * decides alone only when it says "not registered" (register adds; reregister and
 * deregister say -ENOENT at once). When it says "registered", probes of the recorded
 * knotes ride in the same kevent() as the change, and their receipts tell a live
 * registration from a stale one. A probe carries the recorded token and flags, since a
 * modification sets udata on every kqueue: on a live knote it changes nothing, at most
 * it reports the current readiness again (a spurious event, which mio allows).
 *
 * Knotes also go while the fd stays open, so "every probe says ENOENT" does not prove a
 * close: FreeBSD's sys_pipe.c hangs a pipe or FIFO writer's write knote on the reader,
 * whose close makes it EV_EOF | EV_ONESHOT (gone after one event), and an add refused
 * with EPIPE (reader gone) makes none; tty revoke does the same. Then the file's identity
 * from register's fstat() decides (one more fstat(), only then): the same file is still
 * registered. A zero inode is not trusted (sockets on some systems); socket knotes go only
 * with a close. */

enum {
	KQ_REGISTERED = 1 << 0, /* registered, with or without knotes */
	KQ_READ = 1 << 1,       /* an EVFILT_READ knote was added */
	KQ_WRITE = 1 << 2,      /* an EVFILT_WRITE knote was added */
};
#define KQ_FILTERS (KQ_READ | KQ_WRITE)

struct kq_reg {
	mio_token_t token; /* udata of its knotes */
	ino_t ino;         /* the file registered, from register's fstat() */
	dev_t dev;
	uint8_t state; /* KQ_* */
};

struct kq_family {
	atomic_uint refs;     /* the poll's selector and its clones */
	pid_t owner;          /* the process that made the lock */
	pthread_mutex_t lock; /* serialises registrations; select() never takes it */
	struct kq_reg *regs;  /* indexed by fd number */
	size_t n_regs;
};

/* A kqueue is not inherited by fork(): in a child the number is free, and may be one of
 * the child's own fds by the time it frees what it inherited. So whoever closes a kqueue
 * fd (the selector, the EVFILT_USER waker) closes it only in the process that made it. */
struct mio_selector {
	mio_fd_t kq;
	pid_t owner;
	struct kq_family *family;
};

static void
kq_close_own(mio_fd_t kq, pid_t owner)
{
	if (getpid() == owner)
		mio__sys_close(kq);
}

/* The record of fd, or NULL when fd is not registered with the family. */
static struct kq_reg *
reg_get(struct kq_family *f, mio_fd_t fd)
{
	struct kq_reg *r = (size_t)fd < f->n_regs ? &f->regs[fd] : NULL;
	return r && (r->state & KQ_REGISTERED) ? r : NULL;
}

/* Makes room for fd's record before anything reaches the kernel, so a registration the
 * kernel accepted always has one. */
static int
reg_reserve(struct kq_family *f, mio_fd_t fd)
{
	if ((size_t)fd < f->n_regs)
		return 0;
	size_t n = f->n_regs ? f->n_regs : 64;
	while (n <= (size_t)fd)
		n *= 2;
	if (n > SIZE_MAX / sizeof(struct kq_reg))
		return -ENOMEM;
	struct kq_reg *regs = realloc(f->regs, n * sizeof(*regs));
	if (!regs)
		return -ENOMEM;
	memset(regs + f->n_regs, 0, (n - f->n_regs) * sizeof(*regs));
	f->regs = regs;
	f->n_regs = n;
	return 0;
}

static void
family_unref(struct kq_family *f)
{
	if (atomic_fetch_sub_explicit(&f->refs, 1, memory_order_acq_rel) != 1)
		return;
	/* In a child of fork() a parent thread may have held the lock, and destroying a
	 * locked mutex is undefined (EBUSY on macOS): the child, which only frees what it
	 * inherited and never takes the lock, leaves it undestroyed (at most a small leak). */
	if (getpid() == f->owner)
		pthread_mutex_destroy(&f->lock);
	free(f->regs);
	free(f);
}

/* ---- Changes and receipts (mio's kevent! macro, kevent_register and check_errors) ---- */

#define KQ_ADD (EV_ADD | EV_CLEAR | EV_RECEIPT)
#define KQ_DELETE (EV_DELETE | EV_RECEIPT)
/* Enables (a no-op: libmio never disables) what exists, ENOENT for what does not. */
#define KQ_PROBE (EV_ENABLE | EV_CLEAR | EV_RECEIPT)
/* A register or reregister: at most a probe and a change per filter. */
#define KQ_MAX_CHANGES 4

static void
kq_change(struct kevent *kev, mio_fd_t fd, int filter, unsigned flags, mio_token_t token)
{
	memset(kev, 0, sizeof(*kev));
	kev->ident = (uintptr_t)fd;
	kev->filter = (__typeof__(kev->filter))filter;
	kev->flags = (__typeof__(kev->flags))flags;
	kev->udata = KQ_UDATA(token);
}

/* Appends one change per knote in filters, the write filter first as in mio; returns how
 * many. */
static int
kq_changes(struct kevent *ch, mio_fd_t fd, unsigned filters, unsigned flags, mio_token_t token)
{
	int n = 0;
	if (filters & KQ_WRITE)
		kq_change(&ch[n++], fd, EVFILT_WRITE, flags, token);
	if (filters & KQ_READ)
		kq_change(&ch[n++], fd, EVFILT_READ, flags, token);
	return n;
}

static unsigned
kq_filter_bit(const struct kevent *kev)
{
	return kev->filter == EVFILT_WRITE ? KQ_WRITE : KQ_READ;
}

/* Applies n changes, all with EV_RECEIPT, and leaves change i's receipt in rc[i]: EV_ERROR
 * with data 0 or the change's errno. Every kqueue writes one receipt per change, in
 * changelist order, and returns without waiting once they fill the event list. EINTR
 * counts as applied (FreeBSD's kevent(2): then all changes have been applied), as in mio:
 * the receipts stay zeroed, which kq_error() reads as success, so a change's own error is
 * lost then (mio loses it too). Returns 0, or -errno when kevent() itself failed. */
static int
kq_submit(mio_fd_t kq, const struct kevent *ch, struct kevent *rc, int n)
{
	if (n == 0)
		return 0;
	memset(rc, 0, (size_t)n * sizeof(*rc));
	if (kevent(kq, ch, (kq_count_t)n, rc, (kq_count_t)n, NULL) < 0 && errno != EINTR)
		return -errno;
	return 0;
}

/* A change's result from its receipt: 0 or -errno. */
static int
kq_error(const struct kevent *receipt)
{
	return (receipt->flags & EV_ERROR) ? -(int)receipt->data : 0;
}

/* Whether an add took effect. An add refused with EPIPE (a pipe whose reader is gone)
 * counts as added: old macOS reports the knote's events anyway (mio #582); FreeBSD made
 * none, which kq_probes_live() then tells by the file's identity. */
static bool
kq_added(const struct kevent *receipt)
{
	int err = kq_error(receipt);
	return err == 0 || err == -EPIPE;
}

/* Whether a record without knotes (an interest with no filter: PRIORITY, AIO, LIO) is for
 * the file st describes: only the identity can tell, and a zero inode cannot, so then the
 * record stands. */
static bool
kq_same_file_unprobed(const struct kq_reg *rec, const struct stat *st)
{
	return st->st_ino == 0 || (st->st_ino == rec->ino && st->st_dev == rec->dev);
}

/* rc[0..n_probes) are the receipts of changes to rec's knotes that say ENOENT when one is
 * missing (probes, deletes). 1 when rec is live: some knote answered; when every one is
 * gone, 1 if fd is still the file recorded (the kernel dropped them, see above), 0 if it
 * is another file (the fd was closed since: stale), or -errno. -EBADF first: an fd closed
 * just now answers every change with it. Without knotes the identity decides alone. */
static int
kq_probes_live(const struct kevent *rc, int n_probes, const struct kq_reg *rec, mio_fd_t fd)
{
	struct stat st;
	if (n_probes == 0)
		return fstat(fd, &st) < 0 ? -errno : kq_same_file_unprobed(rec, &st);
	bool answered = false;
	for (int i = 0; i < n_probes; i++) {
		int err = kq_error(&rc[i]);
		if (err == -EBADF)
			return err;
		answered |= err != -ENOENT;
	}
	if (answered)
		return 1;
	if (fstat(fd, &st) < 0)
		return -errno;
	return st.st_ino != 0 && st.st_ino == rec->ino && st.st_dev == rec->dev;
}

/* Deletes the knotes that the adds among ch[0..n) created (receipts rc); errors are
 * ignored, this undoes a call that fails anyway. */
static void
kq_undo_adds(mio_fd_t kq, mio_fd_t fd, const struct kevent *ch, const struct kevent *rc, int n)
{
	struct kevent del[KQ_MAX_CHANGES], del_rc[KQ_MAX_CHANGES];
	int n_del = 0;
	for (int i = 0; i < n; i++)
		if ((ch[i].flags & EV_ADD) && kq_added(&rc[i]))
			kq_change(&del[n_del++], fd, ch[i].filter, KQ_DELETE, 0);
	kq_submit(kq, del, del_rc, n_del);
}

/* ---- The selector (mio's Selector::new, try_clone, Drop, AsRawFd) ---- */

static int
kq_probe(void)
{
	mio_fd_t kq = kqueue();
	if (!mio_fd_is_valid(kq))
		return -errno;
	mio__sys_close(kq);
	return 0;
}

static int
kq_selector_new(struct mio_selector **ret)
{
	struct mio_selector *s = malloc(sizeof(*s));
	struct kq_family *f = calloc(1, sizeof(*f));
	if (!s || !f) {
		free(s);
		free(f);
		return -ENOMEM;
	}
	/* kqueue() then FD_CLOEXEC, as mio: no system has a flag for every version, and a
	 * kqueue is never inherited by fork(), so only an exec without fork could see it. */
	s->kq = kqueue();
	int r = mio_fd_is_valid(s->kq) ? mio__sys_set_cloexec(s->kq) : -errno;
	if (r == 0)
		r = -pthread_mutex_init(&f->lock, NULL);
	if (r < 0) {
		if (mio_fd_is_valid(s->kq))
			mio__sys_close(s->kq);
		free(f);
		free(s);
		return r;
	}
	atomic_init(&f->refs, 1);
	f->owner = getpid();
	s->owner = f->owner;
	s->family = f;
	*ret = s;
	return 0;
}

/* Registry::try_clone: a duplicate of the kqueue fd (close-on-exec, >= 3) sharing the
 * family's record. */
static int
kq_selector_clone(struct mio_selector *sel, struct mio_selector **ret)
{
	struct mio_selector *s = malloc(sizeof(*s));
	if (!s)
		return -ENOMEM;
	int r = mio__sys_dup_cloexec(sel->kq, &s->kq);
	if (r < 0) {
		free(s);
		return r;
	}
	s->owner = getpid();
	s->family = sel->family;
	atomic_fetch_add_explicit(&s->family->refs, 1, memory_order_relaxed);
	*ret = s;
	return 0;
}

static void
kq_selector_free(struct mio_selector *sel)
{
	kq_close_own(sel->kq, sel->owner);
	family_unref(sel->family);
	free(sel);
}

/* The kqueue fd polls readable when an event is pending: nestable in another loop. */
static int
kq_selector_fd(struct mio_selector *sel, mio_fd_t *ret)
{
	*ret = sel->kq;
	return 0;
}

/* ---- select (mio's Selector::select and its Event accessors) ---- */

/* mio's kqueue Event accessors as <mio/event.h> flag bits, whose epoll-mapped accessors
 * then answer as mio does on kqueue (each row checked in tests/core/test-events.c):
 *   readable      filter READ, or USER (the waker)  IN
 *   writable      filter WRITE                      OUT
 *   read_closed   READ with EV_EOF                  IN | RDHUP
 *   write_closed  WRITE with EV_EOF                 OUT | WRHUP
 *   error         EV_ERROR, or EV_EOF with fflags   ERR (fflags holds the socket error)
 *   aio, lio      filter AIO, LIO                   AIO, LIO
 *   priority      never
 * Two combinations cannot be kept apart, and read as write_closed where mio says not:
 * EV_ERROR on the write filter without EV_EOF (OUT | ERR), and EV_ERROR or EV_EOF with
 * fflags from a filter without a row here (a lone ERR, which event.h reads as a closed
 * pipe; e.g. EVFILT_PROC added to mio_poll_fd() by hand). select() submits no changes,
 * so kevent() returns EV_ERROR there only for a failure while processing a filter. */
static inline uint32_t
kq_event_flags(const struct kevent *kev)
{
	bool eof = (kev->flags & EV_EOF) != 0;
	uint32_t f;
	switch (kev->filter) {
	case EVFILT_READ:
		f = MIO_EVENT_IN | (eof ? MIO_EVENT_RDHUP : 0);
		break;
	case EVFILT_WRITE:
		f = MIO_EVENT_OUT | (eof ? MIO_EVENT_WRHUP : 0);
		break;
#ifdef KQ_USER_WAKER
	case EVFILT_USER:
		f = MIO_EVENT_IN;
		break;
#endif
#ifdef KQ_AIO
	case EVFILT_AIO:
		f = MIO_EVENT_AIO;
		break;
#endif
#ifdef KQ_LIO
	case EVFILT_LIO:
		f = MIO_EVENT_LIO;
		break;
#endif
	default:
		f = 0;
		break;
	}
	if ((kev->flags & EV_ERROR) || (eof && kev->fflags != 0))
		f |= MIO_EVENT_ERR;
	return f;
}

/* kevents read per kevent() call. mio lets the kernel fill its Vec<kevent>; libmio's
 * events have epoll's layout, so select() reads into this stack buffer (2 KiB on macOS,
 * 4 KiB on FreeBSD) and translates into the caller's array in the same pass. It asks
 * again, without waiting, only when a whole batch came and the caller has room left. */
#define KQ_BATCH 64

#ifdef __APPLE__
#define KQ_APPLE_MAX_SEC 100000000 /* the kernel's interval-timer limit */
#endif

static int
kq_select(struct mio_selector *sel, struct mio_event *events, size_t capacity,
	  int64_t timeout_ns)
{
	/* Full nanoseconds, seconds capped at time_t's maximum; negative: no limit. */
	struct timespec ts, *timeout = NULL;
	if (timeout_ns >= 0) {
		ts = mio_backend_timespec(timeout_ns);
#ifdef __APPLE__
		/* Darwin's kevent refuses more than 10^8 s (about 3 years) with EINVAL, which
		 * mio passes on (swift-nio #1642 and netty #13503 clamp it): wait that long at
		 * most, then return with no events, an early return mio_poll_poll() allows. */
		if (ts.tv_sec > KQ_APPLE_MAX_SEC)
			ts.tv_sec = KQ_APPLE_MAX_SEC;
#endif
		timeout = &ts;
	}
	if (capacity > INT_MAX)
		capacity = INT_MAX;

	struct kevent batch[KQ_BATCH];
	size_t n = 0;
	for (;;) {
		size_t want = capacity - n < KQ_BATCH ? capacity - n : KQ_BATCH;
		int got = kevent(sel->kq, NULL, 0, batch, (kq_count_t)want, timeout);
		if (got < 0) /* -EINTR is returned, as mio does; what was read is delivered */
			return n > 0 ? (int)n : -errno;
		for (int i = 0; i < got; i++, n++) {
			events[n].flags = kq_event_flags(&batch[i]);
			events[n].token = KQ_TOKEN(&batch[i]);
		}
		if ((size_t)got < want || n == capacity)
			return (int)n;
		ts = (struct timespec){ 0, 0 };
		timeout = &ts;
	}
}

/* ---- register, reregister, deregister (mio's Selector methods of those names) ---- */

/* epoll's rule on every backend: regular files, directories and block devices are always
 * ready, so registering one is -EPERM (kqueue itself would accept them; the poll backend
 * refuses the same). One fstat() per register;
 * it also says -EBADF for a closed fd before anything is recorded, and gives the file's
 * identity for the record. */
static int
kq_check_pollable(mio_fd_t fd, struct stat *st)
{
	if (fstat(fd, st) < 0)
		return -errno;
	return S_ISREG(st->st_mode) || S_ISDIR(st->st_mode) || S_ISBLK(st->st_mode) ? -EPERM : 0;
}

static unsigned
kq_filters(mio_interest_t interest)
{
	/* Only reading and writing have filters: kqueue ignores PRIORITY, and AIO and LIO
	 * are for custom sources (aiocb's sigevent names the kqueue and the token), as in
	 * mio. */
	return ((interest & MIO_INTEREST_READABLE) ? KQ_READ : 0) |
	       ((interest & MIO_INTEREST_WRITABLE) ? KQ_WRITE : 0);
}

/* The caller holds the family lock and reserved fd's record; st is fd's. */
static int
register_locked(mio_fd_t kq, struct kq_family *f, mio_fd_t fd, mio_token_t token, unsigned want,
		const struct stat *st)
{
	struct kq_reg *rec = reg_get(f, fd);
	unsigned had = rec ? rec->state & KQ_FILTERS : 0;
	if (rec && !had) {
		/* Registered without knotes: nothing the kernel could confirm, the file decides. */
		if (kq_same_file_unprobed(rec, st))
			return -EEXIST;
		rec = NULL; /* recorded for a file closed since: register afresh */
	}

	struct kevent ch[KQ_MAX_CHANGES], rc[KQ_MAX_CHANGES];
	int n_probes = rec ? kq_changes(ch, fd, had, KQ_PROBE, rec->token) : 0;
	int n = n_probes + kq_changes(ch + n_probes, fd, want, KQ_ADD, token);
	int r = kq_submit(kq, ch, rc, n);
	if (r < 0)
		return r;

	int live = rec ? kq_probes_live(rc, n_probes, rec, fd) : 0;
	if (live > 0) {
		/* Registered indeed (or the same file, whose knotes the kernel dropped): put
		 * back the token and the knotes the adds changed. A poll running meanwhile may
		 * have seen the new token: that is the price of one kevent() in the common
		 * case, paid only by a caller's double register. */
		struct kevent undo[2], undo_rc[2];
		int n_undo = kq_changes(undo, fd, had, KQ_ADD, rec->token);
		n_undo += kq_changes(undo + n_undo, fd, want & ~had, KQ_DELETE, 0);
		kq_submit(kq, undo, undo_rc, n_undo);
		return -EEXIST;
	}
	/* Not registered, or recorded for a file closed since: the adds decide (unless fd
	 * was closed just now, live < 0). */
	r = live;
	for (int i = n_probes; i < n && r == 0; i++)
		if (!kq_added(&rc[i]))
			r = kq_error(&rc[i]);
	if (r < 0) {
		kq_undo_adds(kq, fd, ch + n_probes, rc + n_probes, n - n_probes);
		f->regs[fd].state = 0;
		return r;
	}
	f->regs[fd] = (struct kq_reg){
		.token = token,
		.ino = st->st_ino,
		.dev = st->st_dev,
		.state = (uint8_t)(KQ_REGISTERED | want),
	};
	return 0;
}

static int
kq_register_fd(struct mio_selector *sel, mio_fd_t fd, mio_token_t token, mio_interest_t interest,
	       struct mio_backend_reg **reg)
{
	struct stat st;
	int r = kq_check_pollable(fd, &st);
	if (r < 0)
		return r;
	struct kq_family *f = sel->family;
	pthread_mutex_lock(&f->lock);
	r = reg_reserve(f, fd);
	if (r == 0)
		r = register_locked(sel->kq, f, fd, token, kq_filters(interest), &st);
	pthread_mutex_unlock(&f->lock);
	return r;
}

/* mio submits an add or a delete for both filters, since it does not know what is
 * registered. The record knows: an add for each filter wanted, a delete for each one
 * recorded and no longer wanted, after the probes of the recorded ones. */
static int
reregister_locked(mio_fd_t kq, struct kq_reg *rec, mio_fd_t fd, mio_token_t token, unsigned want)
{
	unsigned had = rec->state & KQ_FILTERS;
	struct kevent ch[KQ_MAX_CHANGES], rc[KQ_MAX_CHANGES];
	int n_probes = kq_changes(ch, fd, had, KQ_PROBE, rec->token);
	int n = n_probes;
	n += kq_changes(ch + n, fd, want & KQ_WRITE, KQ_ADD, token);
	n += kq_changes(ch + n, fd, had & ~want & KQ_WRITE, KQ_DELETE, 0);
	n += kq_changes(ch + n, fd, want & KQ_READ, KQ_ADD, token);
	n += kq_changes(ch + n, fd, had & ~want & KQ_READ, KQ_DELETE, 0);
	int r = kq_submit(kq, ch, rc, n);
	if (r < 0)
		return r;
	int live = kq_probes_live(rc, n_probes, rec, fd);
	if (live <= 0) {
		/* Closed without deregistering (another file now, or none): not registered. */
		kq_undo_adds(kq, fd, ch + n_probes, rc + n_probes, n - n_probes);
		rec->state = 0;
		return live < 0 ? live : -ENOENT;
	}

	/* The record follows the receipts (a failed change leaves its knote as it was, token
	 * included, so the token changes only with an add that took) and the first real
	 * error is returned; a delete's ENOENT is none, as in mio. */
	unsigned state = rec->state;
	bool added = false;
	for (int i = n_probes; i < n; i++) {
		int err = kq_error(&rc[i]);
		if (ch[i].flags & EV_ADD) {
			if (kq_added(&rc[i])) {
				state |= kq_filter_bit(&ch[i]);
				added = true;
				continue;
			}
		} else if (err == 0 || err == -ENOENT) {
			state &= ~kq_filter_bit(&ch[i]);
			continue;
		}
		if (r == 0)
			r = err;
	}
	rec->state = (uint8_t)state;
	if (added)
		rec->token = token;
	return r;
}

/* epoll_ctl()'s answer for an fd without a record: -EBADF when it is closed (or no fd at
 * all, like INT_MAX), else -ENOENT. */
static int
kq_unregistered(mio_fd_t fd)
{
	return fcntl(fd, F_GETFD) < 0 ? -EBADF : -ENOENT;
}

static int
kq_reregister_fd(struct mio_selector *sel, mio_fd_t fd, mio_token_t token,
		 mio_interest_t interest, struct mio_backend_reg *reg)
{
	struct kq_family *f = sel->family;
	pthread_mutex_lock(&f->lock);
	struct kq_reg *rec = reg_get(f, fd);
	int r = rec ? reregister_locked(sel->kq, rec, fd, token, kq_filters(interest))
		    : kq_unregistered(fd);
	pthread_mutex_unlock(&f->lock);
	return r;
}

/* Deletes the recorded knotes (mio deletes both filters and ignores ENOENT). When every
 * one is already gone and fd is another file now, the fd was closed since: -ENOENT, as
 * epoll says for it. */
static int
deregister_locked(mio_fd_t kq, struct kq_reg *rec, mio_fd_t fd)
{
	struct kevent ch[2], rc[2];
	int n = kq_changes(ch, fd, rec->state & KQ_FILTERS, KQ_DELETE, 0);
	int r = kq_submit(kq, ch, rc, n);
	if (r < 0)
		return r;
	rec->state = 0;
	r = kq_probes_live(rc, n, rec, fd);
	if (r <= 0)
		return r < 0 ? r : -ENOENT;
	for (int i = 0; i < n; i++) {
		int err = kq_error(&rc[i]);
		if (err < 0 && err != -ENOENT)
			return err;
	}
	return 0;
}

static int
kq_deregister_fd(struct mio_selector *sel, mio_fd_t fd, struct mio_backend_reg *reg)
{
	struct kq_family *f = sel->family;
	pthread_mutex_lock(&f->lock);
	struct kq_reg *rec = reg_get(f, fd);
	int r = rec ? deregister_locked(sel->kq, rec, fd) : kq_unregistered(fd);
	pthread_mutex_unlock(&f->lock);
	return r;
}

/* ---- The waker (mio's setup_waker and wake, and waker.rs) ---- */

#ifdef KQ_USER_WAKER
/* EVFILT_USER with ident 0 and the token in udata, on a duplicate of the kqueue fd (so it
 * does not matter whether the poll or the waker is freed first); a wake is NOTE_TRIGGER
 * and reports as readable. */
struct mio_backend_waker {
	mio_fd_t kq;
	pid_t owner;
	mio_token_t token;
};

static int
kq_user_event(mio_fd_t kq, unsigned flags, unsigned fflags, mio_token_t token)
{
	struct kevent kev, rc;
	kq_change(&kev, 0, EVFILT_USER, flags | EV_RECEIPT, token);
	kev.fflags = fflags;
	int r = kq_submit(kq, &kev, &rc, 1);
	return r < 0 ? r : kq_error(&rc);
}

static int
kq_waker_new(struct mio_selector *sel, mio_token_t token, struct mio_backend_waker **ret)
{
	struct mio_backend_waker *w = malloc(sizeof(*w));
	if (!w)
		return -ENOMEM;
	int r = mio__sys_dup_cloexec(sel->kq, &w->kq);
	if (r == 0) {
		r = kq_user_event(w->kq, EV_ADD | EV_CLEAR, 0, token);
		if (r < 0)
			mio__sys_close(w->kq);
	}
	if (r < 0) {
		free(w);
		return r;
	}
	w->owner = getpid();
	w->token = token;
	*ret = w;
	return 0;
}

static int
kq_waker_wake(struct mio_backend_waker *w)
{
	return kq_user_event(w->kq, EV_ADD, NOTE_TRIGGER, w->token);
}

static void
kq_waker_free(struct mio_backend_waker *w)
{
	/* mio leaves the knote; deleting it keeps a pending wake from being reported after
	 * the waker is gone, as closing epoll's eventfd does. */
	if (getpid() == w->owner)
		kq_user_event(w->kq, EV_DELETE, 0, 0);
	kq_close_own(w->kq, w->owner);
	free(w);
}
#else
/* mio's pipe Waker (notify-waker.h; an eventfd where the system has one). Its read end
 * stays out of the registration record: nobody else registers it, and closing it drops
 * its knote. */
#include "notify-waker.h"

static int
kq_waker_add(struct mio_selector *sel, mio_fd_t fd, mio_token_t token)
{
	struct kevent kev, rc;
	kq_change(&kev, fd, EVFILT_READ, KQ_ADD, token);
	int r = kq_submit(sel->kq, &kev, &rc, 1);
	return r < 0 ? r : kq_error(&rc);
}

static int
kq_waker_new(struct mio_selector *sel, mio_token_t token, struct mio_backend_waker **ret)
{
	return mio_notify_waker_new(sel, token, kq_waker_add, ret);
}

static int
kq_waker_wake(struct mio_backend_waker *w)
{
	return mio_notify_waker_wake(w);
}

static void
kq_waker_free(struct mio_backend_waker *w)
{
	mio_notify_waker_free(w);
}
#endif

const struct mio_backend mio__backend_kqueue = {
	.abi_major = MIO_BACKEND_ABI_MAJOR,
	.abi_minor = MIO_BACKEND_ABI_MINOR,
	.size = sizeof(struct mio_backend),
	.name = "kqueue",
	.priority = MIO_BACKEND_PRIORITY_PRIMARY,
	.flags = 0, /* EV_CLEAR is real edge triggering: no rearm, no forget */
	.probe = kq_probe,
	.selector_new = kq_selector_new,
	.selector_clone = kq_selector_clone,
	.selector_free = kq_selector_free,
	.selector_fd = kq_selector_fd,
	.select = kq_select,
	.register_fd = kq_register_fd,
	.reregister_fd = kq_reregister_fd,
	.deregister_fd = kq_deregister_fd,
	.waker_new = kq_waker_new,
	.waker_wake = kq_waker_wake,
	.waker_free = kq_waker_free,
};
