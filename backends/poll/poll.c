/* SPDX-License-Identifier: MIT */
/* The poll(2) backend: portable POSIX, mio's poll.rs selector (mio-reference.md 2.12) with
 * edge triggering emulated in user space.
 *
 * Every clone of a selector shares one state: a pollfd array whose slot 0 is an internal
 * notifier, the token and armed events of each slot, and an fd -> slot index. select()
 * holds the state's mutex across poll() and event collection. A thread that changes the
 * set takes the mutex at once when it is free; otherwise it counts itself in waiting_ops
 * and, if a poll() is running, signals the notifier; select() then lets it in before
 * collecting anything, so the change applies to the poll already in progress and a
 * deregistered fd is never reported afterwards.
 *
 * Edge emulation: the bits of a reported event are removed from pollfd.events until
 * rearm_fd() (the core's I/O helpers call it after EAGAIN) or reregister restores them.
 * rearm_fd() and forget_fd() get only an fd, so a process-wide fd -> state map finds the
 * state(s) holding it; states are never freed, only reused, so that lookup needs no lock.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <mio-backend.h>

#include "platform.h"

#if POLLIN == 0x0001 && POLLPRI == 0x0002 && POLLOUT == 0x0004 && POLLERR == 0x0008 &&       \
	POLLHUP == 0x0010 && (!defined(POLLRDHUP) || POLLRDHUP == 0x2000)
_Static_assert(MIO_EVENT_IN == POLLIN && MIO_EVENT_PRI == POLLPRI && MIO_EVENT_OUT == POLLOUT &&
		       MIO_EVENT_ERR == POLLERR && MIO_EVENT_HUP == POLLHUP,
	       "event flag bits must be poll's");
#ifdef POLLRDHUP
_Static_assert(MIO_EVENT_RDHUP == POLLRDHUP, "event flag bits must be poll's");
#endif

static inline uint32_t
event_flags(short revents)
{
	return (unsigned short)revents;
}
#else
static uint32_t
event_flags(short revents)
{
	uint32_t f = 0;
	if (revents & POLLIN)
		f |= MIO_EVENT_IN;
	if (revents & POLLPRI)
		f |= MIO_EVENT_PRI;
	if (revents & POLLOUT)
		f |= MIO_EVENT_OUT;
	if (revents & POLLERR)
		f |= MIO_EVENT_ERR;
	if (revents & POLLHUP)
		f |= MIO_EVENT_HUP;
#ifdef POLLRDHUP
	if (revents & POLLRDHUP)
		f |= MIO_EVENT_RDHUP;
#endif
	return f;
}
#endif

struct fd_entry;

struct slot {
	mio_fd_t fd;       /* the pollfd's own fd may be -fd-1 while disarmed */
	mio_token_t token;
	short events;      /* pollfd.events when fully armed */
	struct fd_entry *entry; /* fd's map entry (never freed); NULL for the notifier */
	/* The file registered: poll(2) never sees a hung-up (disarmed) fd, so it cannot say
	 * POLLNVAL when that fd is closed without deregistering; the identity tells a reused
	 * fd number from the file that was registered. */
	dev_t dev;
	ino_t ino;
};

/* Type-stable: a poll_state is never freed. When its last handle goes, state_destroy()
 * empties it (index_len 0: it holds no fd) and puts it on free_states for state_new() to
 * reuse; its lock, condvar and counters stay valid forever. So rearm_fd()/forget_fd() may
 * follow an owner pointer from the fd map without a lock or a reference: at worst the
 * state is dead (slot_of() finds nothing) or reused (it then checks a registration that
 * was made later, a harmless spurious re-arm). */
struct poll_state {
	pthread_mutex_t lock;      /* held by select() across poll() and collection */
	pthread_cond_t ops_done;   /* waiting_ops dropped to 0 */
	atomic_uint waiting_ops;   /* modifiers that want the lock while someone holds it */
	atomic_bool in_poll;       /* select() is in (or about to enter) poll() */
	unsigned ops_waiters;      /* threads in wait_for_modifiers(), guarded by lock */
	struct mio__sys_notify notify; /* open while the state is live */

	atomic_uint refs;          /* selector handles and the waker */
	atomic_bool has_waker;
	atomic_bool wake_pending;
	_Atomic(mio_token_t) waker_token;

	/* Guarded by lock. */
	struct pollfd *pfds;       /* pfds[0] is the notifier */
	struct slot *slots;        /* parallel to pfds */
	size_t nfds, cap;
	unsigned *index;           /* fd -> slot; 0: not registered */
	size_t index_len;
	size_t scan_start;         /* where collection starts: the buffer-full point */

	struct poll_state *all_next;  /* all_states; set once before being published */
	struct poll_state *free_next; /* free_states, guarded by map_lock */
};

struct mio_selector {
	struct poll_state *state;
};

struct mio_backend_waker {
	struct poll_state *state;
};

/* The process-wide fd map: fixed top array, 4096-entry chunks allocated by register and
 * never freed, so the lock-free reads in rearm_fd()/forget_fd() never touch freed memory.
 * Writers hold map_lock. */
#define FD_CHUNK_SHIFT 12
#define FD_CHUNK_SIZE ((size_t)1 << FD_CHUNK_SHIFT)
#define FD_CHUNKS (((size_t)INT_MAX >> FD_CHUNK_SHIFT) + 1)
/* Registered with several poll states: rearm/forget then visit all of them. Rare. */
#define MULTIPLE_OWNERS ((struct poll_state *)(uintptr_t)1)

struct fd_entry {
	_Atomic(struct poll_state *) owner; /* NULL, the one state or MULTIPLE_OWNERS */
	atomic_bool disarmed;               /* a select() cleared bits since the last rearm */
	unsigned owners;                    /* guarded by map_lock */
};

static _Atomic(struct fd_entry *) fd_chunks[FD_CHUNKS];
static pthread_mutex_t map_lock = PTHREAD_MUTEX_INITIALIZER;
/* Every state ever made, newest first, walked without a lock: states are never unlinked
 * and all_next never changes once published. */
static _Atomic(struct poll_state *) all_states;
static struct poll_state *free_states; /* guarded by map_lock */

static struct fd_entry *
fd_entry_find(mio_fd_t fd)
{
	if (fd < 0)
		return NULL;
	struct fd_entry *c =
		atomic_load_explicit(&fd_chunks[(size_t)fd >> FD_CHUNK_SHIFT], memory_order_acquire);
	return c ? &c[(size_t)fd & (FD_CHUNK_SIZE - 1)] : NULL;
}

/* Caller holds map_lock. */
static struct fd_entry *
fd_entry_alloc(mio_fd_t fd)
{
	struct fd_entry *c = calloc(FD_CHUNK_SIZE, sizeof(*c));
	if (!c)
		return NULL;
	for (size_t i = 0; i < FD_CHUNK_SIZE; i++) {
		atomic_init(&c[i].owner, NULL);
		atomic_init(&c[i].disarmed, false);
	}
	atomic_store_explicit(&fd_chunks[(size_t)fd >> FD_CHUNK_SHIFT], c, memory_order_release);
	return &c[(size_t)fd & (FD_CHUNK_SIZE - 1)];
}

static struct fd_entry *
map_attach(mio_fd_t fd, struct poll_state *s)
{
	pthread_mutex_lock(&map_lock);
	struct fd_entry *e = fd_entry_find(fd);
	if (!e)
		e = fd_entry_alloc(fd);
	if (e) {
		if (e->owners++ == 0)
			atomic_store(&e->disarmed, false);
		atomic_store(&e->owner, e->owners == 1 ? s : MULTIPLE_OWNERS);
	}
	pthread_mutex_unlock(&map_lock);
	return e;
}

/* Caller holds map_lock. MULTIPLE_OWNERS stays until the last owner leaves: which one
 * remains is unknown here, and visiting every state is merely slower. */
static void
map_detach_locked(struct fd_entry *e)
{
	if (e->owners > 0 && --e->owners == 0) {
		atomic_store(&e->owner, NULL);
		atomic_store(&e->disarmed, false);
	}
}

/* After reregister: the next EAGAIN need not take the slow path. Only when s is the sole
 * owner (checked under map_lock, so no other state can have disarmed it meanwhile). */
static void
map_clear_disarmed(struct fd_entry *e, struct poll_state *s)
{
	if (!atomic_load_explicit(&e->disarmed, memory_order_relaxed))
		return;
	pthread_mutex_lock(&map_lock);
	if (atomic_load(&e->owner) == s)
		atomic_store(&e->disarmed, false);
	pthread_mutex_unlock(&map_lock);
}

static short
poll_events(mio_interest_t interest)
{
	short ev = 0;
	if (interest & MIO_INTEREST_READABLE) {
		ev |= POLLIN;
#ifdef POLLRDHUP
		ev |= POLLRDHUP;
#endif
	}
	if (interest & MIO_INTEREST_WRITABLE)
		ev |= POLLOUT;
	if (interest & MIO_INTEREST_PRIORITY)
		ev |= POLLPRI;
	return ev;
}

/* Round up: 1 ns waits 1 ms, 0 stays 0; saturate at INT_MAX ms; negative is infinite. */
static int
timeout_ms(int64_t ns)
{
	if (ns < 0)
		return -1;
	int64_t ms = ns / 1000000 + (ns % 1000000 != 0);
	return ms > INT_MAX ? INT_MAX : (int)ms;
}

/* Caller holds s->lock. Lets modifiers that queued on waiting_ops in and waits until they
 * are done; the last one out broadcasts only when someone waits here. */
static void
wait_for_modifiers(struct poll_state *s)
{
	while (atomic_load(&s->waiting_ops) > 0) {
		s->ops_waiters++;
		pthread_cond_wait(&s->ops_done, &s->lock);
		s->ops_waiters--;
	}
}

/* The last handle is gone, so no select() runs and none will: empty the state and keep
 * it for reuse (see struct poll_state). Modifiers that counted themselves in waiting_ops
 * may still be about to signal the notifier; they are waited for before it is closed.
 * One that comes later cannot see in_poll set (the last select() cleared it before this
 * load of waiting_ops, and both are seq_cst), so it does not touch the notifier. */
static void
state_destroy(struct poll_state *s)
{
	pthread_mutex_lock(&s->lock);
	wait_for_modifiers(s);
	pthread_mutex_lock(&map_lock);
	for (size_t i = 1; i < s->nfds; i++)
		map_detach_locked(s->slots[i].entry);
	pthread_mutex_unlock(&map_lock);
	mio__sys_notify_close(&s->notify);
	free(s->pfds);
	free(s->slots);
	free(s->index);
	s->pfds = NULL;
	s->slots = NULL;
	s->index = NULL;
	s->nfds = s->cap = s->index_len = 0;
	pthread_mutex_unlock(&s->lock);

	pthread_mutex_lock(&map_lock);
	s->free_next = free_states;
	free_states = s;
	pthread_mutex_unlock(&map_lock);
}

static void
state_ref(struct poll_state *s)
{
	atomic_fetch_add(&s->refs, 1);
}

static void
state_unref(struct poll_state *s)
{
	if (atomic_fetch_sub(&s->refs, 1) == 1)
		state_destroy(s);
}

/* Takes the lock, even while another thread sits in poll() holding it. Uncontended, a
 * trylock is all: no select() holds the lock, so none is polling or collecting, and the
 * next one sees the change. Otherwise count ourselves in waiting_ops, then signal the
 * notifier if a poll() is running (Dekker with select(): seq_cst on both sides, so one of
 * us sees the other); select() lets us in before collecting anything. Returns whether we
 * were counted, for modify_end(). */
static bool
modify_begin(struct poll_state *s)
{
	if (pthread_mutex_trylock(&s->lock) == 0)
		return false;
	atomic_fetch_add(&s->waiting_ops, 1);
	if (atomic_load(&s->in_poll))
		mio__sys_notify_signal(&s->notify);
	pthread_mutex_lock(&s->lock);
	return true;
}

static void
modify_end(struct poll_state *s, bool counted)
{
	if (counted && atomic_fetch_sub(&s->waiting_ops, 1) == 1 && s->ops_waiters > 0)
		pthread_cond_broadcast(&s->ops_done);
	pthread_mutex_unlock(&s->lock);
}

static unsigned
slot_of(const struct poll_state *s, mio_fd_t fd)
{
	return (size_t)fd < s->index_len ? s->index[fd] : 0;
}

static int
grow_slots(struct poll_state *s)
{
	if (s->nfds < s->cap)
		return 0;
	size_t cap = s->cap * 2;
	struct pollfd *p = realloc(s->pfds, cap * sizeof(*p));
	if (!p)
		return -ENOMEM;
	s->pfds = p;
	/* If this fails pfds is merely larger than cap; the next register retries. */
	struct slot *sl = realloc(s->slots, cap * sizeof(*sl));
	if (!sl)
		return -ENOMEM;
	s->slots = sl;
	s->cap = cap;
	return 0;
}

static int
grow_index(struct poll_state *s, mio_fd_t fd)
{
	if ((size_t)fd < s->index_len)
		return 0;
	size_t len = s->index_len ? s->index_len : 64;
	while (len <= (size_t)fd)
		len *= 2;
	unsigned *idx = realloc(s->index, len * sizeof(*idx));
	if (!idx)
		return -ENOMEM;
	memset(idx + s->index_len, 0, (len - s->index_len) * sizeof(*idx));
	s->index = idx;
	s->index_len = len;
	return 0;
}

/* The only place that allocates: tables grow here, never in select(). */
static int
slot_add(struct poll_state *s, mio_fd_t fd, mio_token_t token, short events,
	 const struct stat *st)
{
	int r = grow_slots(s);
	if (r == 0)
		r = grow_index(s, fd);
	if (r < 0)
		return r;
	struct fd_entry *e = map_attach(fd, s);
	if (!e)
		return -ENOMEM;
	size_t i = s->nfds++;
	s->pfds[i] = (struct pollfd){ .fd = fd, .events = events };
	s->slots[i] = (struct slot){ .fd = fd, .token = token, .events = events, .entry = e,
				     .dev = st->st_dev, .ino = st->st_ino };
	s->index[fd] = (unsigned)i;
	return 0;
}

/* Swap-remove: the last slot moves into i. */
static void
slot_drop(struct poll_state *s, size_t i)
{
	pthread_mutex_lock(&map_lock);
	map_detach_locked(s->slots[i].entry);
	pthread_mutex_unlock(&map_lock);
	s->index[s->slots[i].fd] = 0;
	size_t last = --s->nfds;
	if (i != last) {
		s->pfds[i] = s->pfds[last];
		s->slots[i] = s->slots[last];
		s->index[s->slots[i].fd] = (unsigned)i;
	}
}

/* False when the fd number now names another file than the one registered: it was
 * closed without deregistering and reused. */
static bool
slot_is_same_file(const struct slot *slot, const struct stat *st)
{
	return slot->dev == st->st_dev && slot->ino == st->st_ino;
}

static void
slot_arm(struct poll_state *s, size_t i)
{
	s->pfds[i].fd = s->slots[i].fd;
	s->pfds[i].events = s->slots[i].events;
}

/* One-shot edge emulation for slot i, just reported: stop watching what fired. After a
 * hang-up or an error poll() would report it forever, so stop polling the fd until it is
 * re-armed; the registration itself stays. The entry's disarmed flag tells rearm_fd()
 * there is work; whoever consumes the event runs after this store, so its rearm_fd()
 * sees it. */
static void
slot_disarm(struct poll_state *s, size_t i, short revents)
{
	struct pollfd *p = &s->pfds[i];
	p->events &= (short)~revents;
	if (revents & (POLLHUP | POLLERR))
		p->fd = -p->fd - 1;
	struct fd_entry *e = s->slots[i].entry;
	if (!atomic_load_explicit(&e->disarmed, memory_order_relaxed))
		atomic_store_explicit(&e->disarmed, true, memory_order_release);
}

/* Collects the ready slots of [from, to) into events, advancing *count and *ready;
 * returns false when the buffer filled up first, with s->scan_start at the first slot not
 * looked at. A POLLNVAL slot (closed without deregistering) is dropped: the last slot
 * moves into its place. Processed slots get revents 0, so a slot moved in from an already
 * scanned range is not reported twice. The loop state lives in locals: the stores into
 * events would otherwise force it back to memory on every slot. */
static bool
collect_range(struct poll_state *s, size_t from, size_t to, struct mio_event *restrict events,
	      size_t capacity, size_t *count_io, int *ready_io)
{
	struct pollfd *pfds = s->pfds;
	size_t count = *count_io;
	int ready = *ready_io;
	bool fits = true;
	for (size_t i = from; ready > 0;) {
		while (i < to && !pfds[i].revents)
			i++;
		if (i == to)
			break;
		if (count == capacity) {
			s->scan_start = i;
			fits = false;
			break;
		}
		short re = pfds[i].revents;
		pfds[i].revents = 0;
		ready--;
		if (re & POLLNVAL) {
			if (s->nfds == to)
				to--; /* the slot moving into i was not scanned yet */
			slot_drop(s, i);
			continue;
		}
		uint32_t flags = event_flags(re);
		/* POLLIN may be disarmed by an earlier partial read; a peer's shutdown still
		 * means read() will not block, as epoll's EPOLLIN|EPOLLRDHUP edge says. */
		if (flags & MIO_EVENT_RDHUP)
			flags |= MIO_EVENT_IN;
		events[count].flags = flags;
		events[count].token = (uint64_t)s->slots[i].token;
		count++;
		slot_disarm(s, i, re);
		i++;
	}
	*count_io = count;
	*ready_io = ready;
	return fits;
}

/* ready: poll()'s return value. Collection starts where the buffer last filled up and
 * wraps around, so ready fds beyond the capacity are reported by the next select()s
 * instead of being starved by the lower slots (epoll rotates its ready list likewise). */
static size_t
collect_events(struct poll_state *s, struct mio_event *restrict events, size_t capacity,
	       int ready)
{
	size_t count = 0;
	if (s->pfds[0].revents)
		ready--;
	if (capacity > 0 && atomic_load(&s->wake_pending) &&
	    atomic_exchange(&s->wake_pending, false)) {
		events[0].flags = MIO_EVENT_IN;
		events[0].token = (uint64_t)atomic_load(&s->waker_token);
		count = 1;
	}

	size_t start = s->scan_start >= 1 && s->scan_start < s->nfds ? s->scan_start : 1;
	s->scan_start = 1;
	if (collect_range(s, start, s->nfds, events, capacity, &count, &ready) && start > 1)
		collect_range(s, 1, start < s->nfds ? start : s->nfds, events, capacity, &count,
			      &ready);
	return count;
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
		return timeout_ms(w->timeout_ns);
	int64_t now = monotonic_ns();
	return now >= w->deadline_ns ? 0 : timeout_ms(w->deadline_ns - now);
}

static int
poll_probe(void)
{
	return 0;
}

/* Caller holds s->lock: racing rearm_fd()/forget_fd() calls may look at the tables. */
static int
state_open(struct poll_state *s)
{
	s->cap = 8;
	s->pfds = malloc(s->cap * sizeof(*s->pfds));
	s->slots = malloc(s->cap * sizeof(*s->slots));
	int r = s->pfds && s->slots ? mio__sys_notify_open(&s->notify) : -ENOMEM;
	if (r < 0) {
		free(s->pfds);
		free(s->slots);
		s->pfds = NULL;
		s->slots = NULL;
		s->cap = 0;
		return r;
	}
	s->nfds = 1;
	s->pfds[0] = (struct pollfd){ .fd = s->notify.read_fd, .events = POLLIN };
	s->slots[0] = (struct slot){ .fd = s->notify.read_fd, .events = POLLIN };
	return 0;
}

/* Reuses a dead state when there is one. Its lock, condvar, waiting_ops and in_poll are
 * left alone: racing modifiers may be using them (their counts are balanced). */
static int
state_new(struct poll_state **ret)
{
	pthread_mutex_lock(&map_lock);
	struct poll_state *s = free_states;
	if (s)
		free_states = s->free_next;
	pthread_mutex_unlock(&map_lock);

	if (!s) {
		s = calloc(1, sizeof(*s));
		if (!s)
			return -ENOMEM;
		pthread_mutex_init(&s->lock, NULL);
		pthread_cond_init(&s->ops_done, NULL);
		atomic_init(&s->waiting_ops, 0);
		atomic_init(&s->in_poll, false);
		atomic_init(&s->refs, 0);
		atomic_init(&s->has_waker, false);
		atomic_init(&s->wake_pending, false);
		atomic_init(&s->waker_token, 0);
		pthread_mutex_lock(&map_lock);
		s->all_next = atomic_load_explicit(&all_states, memory_order_relaxed);
		atomic_store_explicit(&all_states, s, memory_order_release);
		pthread_mutex_unlock(&map_lock);
	}

	pthread_mutex_lock(&s->lock);
	int r = state_open(s);
	pthread_mutex_unlock(&s->lock);
	if (r < 0) {
		pthread_mutex_lock(&map_lock);
		s->free_next = free_states;
		free_states = s;
		pthread_mutex_unlock(&map_lock);
		return r;
	}
	atomic_store(&s->refs, 1);
	atomic_store(&s->has_waker, false);
	atomic_store(&s->wake_pending, false);
	*ret = s;
	return 0;
}

static int
poll_selector_new(struct mio_selector **ret)
{
	struct mio_selector *sel = malloc(sizeof(*sel));
	if (!sel)
		return -ENOMEM;
	int r = state_new(&sel->state);
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
	state_ref(sel->state);
	c->state = sel->state;
	*ret = c;
	return 0;
}

static void
poll_selector_free(struct mio_selector *sel)
{
	state_unref(sel->state);
	free(sel);
}

static int
poll_selector_fd(struct mio_selector *sel, mio_fd_t *ret)
{
	(void)sel;
	(void)ret;
	return -ENOTSUP;
}

static int
poll_select(struct mio_selector *sel, struct mio_event *events, size_t capacity,
	    int64_t timeout_ns)
{
	struct poll_state *s = sel->state;
	struct wait_time wt = wait_time_start(timeout_ns);
	int ms = timeout_ms(timeout_ns);
	int r;

	pthread_mutex_lock(&s->lock);
	for (;;) {
		wait_for_modifiers(s);
		/* Dekker with modify_begin(): a modifier that missed in_poll is seen here. */
		atomic_store(&s->in_poll, true);
		if (atomic_load(&s->waiting_ops) > 0) {
			atomic_store(&s->in_poll, false);
			continue;
		}
		/* A wake may have been left behind by a drained notification: don't sleep. */
		int n = poll(s->pfds, (nfds_t)s->nfds, atomic_load(&s->wake_pending) ? 0 : ms);
		int err = errno;
		atomic_store(&s->in_poll, false);
		if (n < 0 && err != EAGAIN) {
			r = -err;
			break;
		}
		if (n > 0 && s->pfds[0].revents)
			mio__sys_notify_drain(&s->notify);
		/* With modifiers waiting the results may be stale (a deregistered fd): let them
		 * in and poll again instead of collecting. Nothing is lost, no bits were
		 * cleared. */
		if (n >= 0 && atomic_load(&s->waiting_ops) == 0) {
			size_t count = collect_events(s, events, capacity, n);
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

static int
poll_register_fd(struct mio_selector *sel, mio_fd_t fd, mio_token_t token,
		 mio_interest_t interest)
{
	struct poll_state *s = sel->state;
	/* One syscall for both of epoll_ctl's checks: a closed fd (poll() would only say
	 * POLLNVAL) and a file that is always ready, which epoll refuses with EPERM. */
	struct stat st;
	if (fstat(fd, &st) < 0)
		return -EBADF;
	if (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode))
		return -EPERM;
	bool counted = modify_begin(s);
	unsigned i = slot_of(s, fd);
	/* A registration of a file that is gone (closed without deregistering, number
	 * reused) yields to the new one; epoll forgets such fds by itself. */
	if (i && !slot_is_same_file(&s->slots[i], &st)) {
		slot_drop(s, i);
		i = 0;
	}
	int r = i ? -EEXIST : slot_add(s, fd, token, poll_events(interest), &st);
	modify_end(s, counted);
	return r;
}

/* Replaces token and interest and re-arms, so readiness that exists now is reported. */
static int
poll_reregister_fd(struct mio_selector *sel, mio_fd_t fd, mio_token_t token,
		   mio_interest_t interest)
{
	struct poll_state *s = sel->state;
	int r = 0;
	bool counted = modify_begin(s);
	unsigned i = slot_of(s, fd);
	if (i) {
		s->slots[i].token = token;
		s->slots[i].events = poll_events(interest);
		slot_arm(s, i);
		map_clear_disarmed(s->slots[i].entry, s);
	} else {
		r = -ENOENT;
	}
	modify_end(s, counted);
	return r;
}

static int
poll_deregister_fd(struct mio_selector *sel, mio_fd_t fd)
{
	struct poll_state *s = sel->state;
	int r = 0;
	bool counted = modify_begin(s);
	unsigned i = slot_of(s, fd);
	if (i)
		slot_drop(s, i);
	else
		r = -ENOENT;
	modify_end(s, counted);
	return r;
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
	state_ref(s);
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
	state_unref(s);
	free(w);
}

/* s comes from the fd map and may be dead or reused (see struct poll_state): slot_of()
 * decides, under the lock. */
static void
state_rearm(struct poll_state *s, mio_fd_t fd)
{
	bool counted = modify_begin(s);
	unsigned i = slot_of(s, fd);
	struct stat st;
	/* A hung-up slot is not polled, so a closed-and-reused number is only noticed here
	 * (a rare path: one fstat). Re-arming would watch an unrelated file. */
	if (i && s->pfds[i].fd < 0 && (fstat(fd, &st) < 0 || !slot_is_same_file(&s->slots[i], &st)))
		slot_drop(s, i);
	else if (i)
		slot_arm(s, i);
	modify_end(s, counted);
}

static void
state_forget(struct poll_state *s, mio_fd_t fd)
{
	bool counted = modify_begin(s);
	unsigned i = slot_of(s, fd);
	if (i)
		slot_drop(s, i);
	modify_end(s, counted);
}

/* Runs op on each state that may hold fd, without a lock or reference: states are never
 * freed. map_lock is never held while op runs (op takes the state's lock, and register
 * takes map_lock while holding it). */
static void
for_each_owner(struct fd_entry *e, mio_fd_t fd, void (*op)(struct poll_state *, mio_fd_t))
{
	struct poll_state *owner = atomic_load_explicit(&e->owner, memory_order_acquire);
	if (owner != MULTIPLE_OWNERS) {
		if (owner)
			op(owner, fd);
		return;
	}
	for (struct poll_state *s = atomic_load_explicit(&all_states, memory_order_acquire); s;
	     s = s->all_next)
		op(s, fd);
}

/* Called after every EAGAIN: one load unless a select() disarmed the fd since the last
 * rearm, so a running select() is woken only when something changes. The flag is cleared
 * before taking the state's lock: a select() that disarms the fd again in between sets it
 * again and is re-armed by us, at worst a spurious event, never a lost one. Two threads
 * that both see it set merely both re-arm. */
static void
poll_rearm_fd(mio_fd_t fd)
{
	struct fd_entry *e = fd_entry_find(fd);
	if (!e || !atomic_load_explicit(&e->disarmed, memory_order_acquire))
		return;
	atomic_store_explicit(&e->disarmed, false, memory_order_relaxed);
	for_each_owner(e, fd, state_rearm);
}

/* Called just before the core closes fd, so that a reused number starts clean and no
 * poll() runs on a closed fd. */
static void
poll_forget_fd(mio_fd_t fd)
{
	struct fd_entry *e = fd_entry_find(fd);
	if (!e || !atomic_load_explicit(&e->owner, memory_order_acquire))
		return;
	for_each_owner(e, fd, state_forget);
}

const struct mio_backend mio_backend_poll = {
	.abi_major = MIO_BACKEND_ABI_MAJOR,
	.abi_minor = MIO_BACKEND_ABI_MINOR,
	.size = sizeof(struct mio_backend),
	.name = "poll",
	.priority = MIO_BACKEND_PRIORITY_MARGINAL,
	.probe = poll_probe,
	.selector_new = poll_selector_new,
	.selector_clone = poll_selector_clone,
	.selector_free = poll_selector_free,
	.selector_fd = poll_selector_fd,
	.select = poll_select,
	.register_fd = poll_register_fd,
	.reregister_fd = poll_reregister_fd,
	.deregister_fd = poll_deregister_fd,
	.waker_new = poll_waker_new,
	.waker_wake = poll_waker_wake,
	.waker_free = poll_waker_free,
	.rearm_fd = poll_rearm_fd,
	.forget_fd = poll_forget_fd,
};
