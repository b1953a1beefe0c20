/* SPDX-License-Identifier: MIT */
/* Runs an operation sequence in lockstep on every backend and checks each one against the
 * model of mio's contract described in fuzz.h. An operation that does not apply to the
 * current state (reading a closed end, creating into a live slot) is skipped, so any
 * subsequence of a sequence is a sequence too: that is what lets fuzz-shrink.c cut it. */
#include "fuzz.h"
#include "fuzz-oracle.h"
#include "fuzz-os.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <mio/mio.h>
#include <mio/net.h>

#include "loopback.h"
#include "mt-printf.h"

#define WAKER_TOKEN ((mio_token_t)UINTPTR_MAX)
#define CAPACITY (FUZZ_SLOTS * 2 + 1)  /* every registration and the waker */
#define IO_MAX 65536

struct end {
	mio_fd_t fd;
	bool open;
};

struct slot {
	uint8_t kind; /* index in fuzz_kinds[] */
	struct end end[2];
};

/* The model of one backend's registration of one end. */
struct reg {
	bool on;
	mio_token_t token;
	mio_interest_t interest;
	bool armed_read, armed_write; /* must be reported when ready (see fuzz.h) */
	uint8_t late; /* full polls that may still miss its directions (struct traits) */
};

/* What mio's contract leaves to the backend, and the model must know (docs/testing.md):
 *  - wakes_coalesce: epoll's eventfd, the poll backend's pipe and kqueue's EVFILT_USER
 *    report every wake before a poll as one event. afd posts a completion packet per wake,
 *    as mio's Windows waker does: one event per wake, never more events than wakes.
 *  - late_polls: how many full polls after a registry call or libmio I/O on an end may miss
 *    its armed directions. 0, but 1 on afd: a change to a socket whose AFD poll is out
 *    (reregister; a re-arm after -EAGAIN or a short read, which the model does not see)
 *    cancels that poll at the next select, which absorbs the cancelled completion, and the
 *    poll that watches the new bits, every direction's, starts at the select after; a
 *    small poll may leave the cancelled completion queued for the next full one. mio's
 *    Windows selector does the same with any finite timeout (one select2 a call): Windows
 *    too, not a Wine quirk. A poll that never comes (a skipped re-arm) is still caught. */
struct traits {
	bool wakes_coalesce;
	uint8_t late_polls;
};

static struct traits
traits_of(const char *backend)
{
	if (strcmp(backend, "afd") == 0)
		return (struct traits){ .wakes_coalesce = false, .late_polls = 1 };
	return (struct traits){ .wakes_coalesce = true, .late_polls = 0 };
}

struct backend {
	const char *name;
	struct mio_poll *poll;
	struct mio_events *events;
	struct mio_events *small[3]; /* room for 1, 2, 3 */
	struct mio_waker *waker;
	unsigned wakes_pending; /* not reported yet; at most 1 where wakes coalesce */
	struct traits traits;
	struct reg reg[FUZZ_SLOTS][2];
};

struct world {
	struct slot slot[FUZZ_SLOTS];
	struct backend b[FUZZ_MAX_BACKENDS];
	size_t nb;
	bool loopback_usable;
	uint64_t generation; /* makes every registration's token new */
	size_t op_index;
	struct fuzz_stats *st;
	struct fuzz_divergence *div;
	char buf[IO_MAX];
};

static bool MT_PRINTF(4, 5)
diverge(struct world *w, const struct backend *b, const char *rule, const char *fmt, ...)
{
	struct fuzz_divergence *d = w->div;
	d->op = w->op_index;
	snprintf(d->backend, sizeof(d->backend), "%s", b ? b->name : "all");
	snprintf(d->rule, sizeof(d->rule), "%s", rule);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(d->detail, sizeof(d->detail), fmt, ap);
	va_end(ap);
	return false;
}

_Static_assert((FUZZ_SLOTS & (FUZZ_SLOTS - 1)) == 0 && FUZZ_SLOTS <= 8,
	       "a token keeps the slot in 3 bits");

static mio_token_t
token_of(uint64_t generation, unsigned slot, unsigned end)
{
	return (mio_token_t)((generation << 4) | (slot << 1) | end);
}

/* ---- Creating and closing pairs ---- */

static bool
op_create(struct world *w, const struct fuzz_op *op)
{
	struct slot *s = &w->slot[op->slot];
	uint8_t kind = op->arg % fuzz_kind_count;
	if (s->end[0].open || s->end[1].open || (fuzz_kinds[kind].loopback && !w->loopback_usable))
		return true;
	mio_fd_t a, b;
	int r = fuzz_kinds[kind].pair(&a, &b);
	if (r < 0)
		return diverge(w, NULL, "setup", "creating a pair failed: %s", mio_strerror(r));
	*s = (struct slot){ .kind = kind, .end = { { a, true }, { b, true } } };
	w->st->ops++;
	return true;
}

static bool
op_close(struct world *w, const struct fuzz_op *op)
{
	struct end *e = &w->slot[op->slot].end[op->end];
	if (!e->open)
		return true;
	int r = mio_close(e->fd);
	e->open = false;
	for (size_t i = 0; i < w->nb; i++)
		w->b[i].reg[op->slot][op->end].on = false;
	w->st->ops++;
	if (r != 0)
		return diverge(w, NULL, "return code", "mio_close: %s", mio_strerror(r));
	return true;
}

/* ---- The registry ---- */

static const mio_interest_t interests[3] = { MIO_INTEREST_READABLE, MIO_INTEREST_WRITABLE,
					     MIO_INTEREST_READABLE | MIO_INTEREST_WRITABLE };

static void
arm(struct reg *g, uint8_t late_polls)
{
	g->armed_read = (g->interest & MIO_INTEREST_READABLE) != 0;
	g->armed_write = (g->interest & MIO_INTEREST_WRITABLE) != 0;
	g->late = late_polls;
}

static bool
check_rc(struct world *w, const struct backend *b, const char *call, int rc, int expected)
{
	if (rc == expected)
		return true;
	return diverge(w, b, "return code", "%s returned %d (%s), the model says %d (%s)", call,
		       rc, mio_strerror(rc), expected, mio_strerror(expected));
}

static bool
op_registry(struct world *w, const struct fuzz_op *op)
{
	struct end *e = &w->slot[op->slot].end[op->end];
	if (!e->open)
		return true;
	mio_interest_t interest = interests[op->arg % 3];
	mio_token_t token = token_of(++w->generation, op->slot, op->end);
	w->st->ops++;
	for (size_t i = 0; i < w->nb; i++) {
		struct backend *b = &w->b[i];
		struct mio_registry *r = mio_poll_registry(b->poll);
		struct reg *g = &b->reg[op->slot][op->end];
		int rc;
		bool ok;
		switch (op->type) {
		case FUZZ_REGISTER:
			rc = mio_registry_register(r, e->fd, token, interest);
			ok = check_rc(w, b, "register", rc, g->on ? -EEXIST : 0);
			break;
		case FUZZ_REREGISTER:
			rc = mio_registry_reregister(r, e->fd, token, interest);
			ok = check_rc(w, b, "reregister", rc, g->on ? 0 : -ENOENT);
			break;
		default:
			rc = mio_registry_deregister(r, e->fd);
			ok = check_rc(w, b, "deregister", rc, g->on ? 0 : -ENOENT);
			if (rc == 0)
				g->on = false;
			break;
		}
		if (!ok)
			return false;
		if (rc == 0 && op->type != FUZZ_DEREGISTER) {
			*g = (struct reg){ .on = true, .token = token, .interest = interest };
			arm(g, b->traits.late_polls);
		}
	}
	return true;
}

/* A number that is no fd now: a closed end's (unless reused meanwhile), else one that
 * never is (fuzz-os.h). */
static bool
op_closed_number(struct world *w, const struct fuzz_op *op)
{
	const struct end *e = &w->slot[op->slot].end[op->end];
	bool closed = !e->open && mio_fd_is_valid(e->fd) && !fuzz_os_is_open(e->fd);
	mio_fd_t fd = closed ? e->fd : fuzz_os_never_open();
	static const char *const call[3] = { "register", "reregister", "deregister" };
	w->st->ops++;
	for (size_t i = 0; i < w->nb; i++) {
		struct mio_registry *r = mio_poll_registry(w->b[i].poll);
		int rc;
		switch (op->arg % 3) {
		case 0:
			rc = mio_registry_register(r, fd, 1, MIO_INTEREST_READABLE);
			break;
		case 1:
			rc = mio_registry_reregister(r, fd, 1, MIO_INTEREST_READABLE);
			break;
		default:
			rc = mio_registry_deregister(r, fd);
		}
		if (!check_rc(w, &w->b[i], call[op->arg % 3], rc, -EBADF))
			return false;
	}
	return true;
}

static bool
op_unpollable(struct world *w)
{
	mio_fd_t fd;
	int r = fuzz_os_unpollable_open(&fd);
	if (r < 0)
		return diverge(w, NULL, "setup", "open %s: %s", fuzz_os_unpollable_name,
			       mio_strerror(r));
	w->st->ops++;
	bool ok = true;
	for (size_t i = 0; i < w->nb && ok; i++)
		ok = check_rc(w, &w->b[i], "register of an unpollable handle",
			      mio_registry_register(mio_poll_registry(w->b[i].poll), fd, 1,
						    MIO_INTEREST_READABLE),
			      -EPERM);
	fuzz_os_unpollable_close(fd);
	return ok;
}

/* ---- I/O through libmio ---- */

/* -EAGAIN from libmio I/O arms that direction of every registration of the end: the next
 * readiness is a new edge. Unless the oracle says the fd is ready all the same (a datagram
 * socket shut down for reading says -EAGAIN and POLLIN|POLLRDHUP at once): then no edge is
 * to come, and none is required. */
static void
io_would_block(struct world *w, const struct fuzz_op *op, mio_fd_t fd, bool write)
{
	if (fuzz_oracle_ready(fd) & (write ? FUZZ_READY_WRITE : FUZZ_READY_READ))
		return;
	for (size_t i = 0; i < w->nb; i++) {
		struct reg *g = &w->b[i].reg[op->slot][op->end];
		if (!g->on)
			continue;
		if (write && (g->interest & MIO_INTEREST_WRITABLE))
			g->armed_write = true;
		if (!write && (g->interest & MIO_INTEREST_READABLE))
			g->armed_read = true;
	}
}

/* Reads (write false) or writes once, or repeatedly until it would block or fails. */
static bool
op_io(struct world *w, const struct fuzz_op *op, bool write, bool repeat)
{
	const struct slot *s = &w->slot[op->slot];
	const struct end *e = &s->end[op->end];
	const struct fuzz_kind *k = &fuzz_kinds[s->kind];
	if (!e->open || (k->one_way && op->end != (write ? 1 : 0)))
		return true;
	w->st->ops++;
	for (size_t i = 0; i < w->nb; i++) /* the backend may re-arm (struct traits) */
		w->b[i].reg[op->slot][op->end].late = w->b[i].traits.late_polls;
	size_t len = repeat ? IO_MAX : op->size;
	for (unsigned i = 0; i < (repeat ? 512u : 1u); i++) {
		ssize_t r = write ? k->write(e->fd, w->buf, len) : k->read(e->fd, w->buf, len);
		if (r == -EAGAIN)
			io_would_block(w, op, e->fd, write);
		if (r <= 0)
			break;
	}
	return true;
}

static bool
op_shutdown(struct world *w, const struct fuzz_op *op)
{
	const struct slot *s = &w->slot[op->slot];
	if (!s->end[op->end].open || fuzz_kinds[s->kind].one_way)
		return true;
	static const enum mio_shutdown how[3] = { MIO_SHUTDOWN_READ, MIO_SHUTDOWN_WRITE,
						  MIO_SHUTDOWN_BOTH };
	mio_socket_shutdown(s->end[op->end].fd, how[op->arg % 3]); /* the kernel's answer */
	w->st->ops++;
	return true;
}

/* ---- Wakes and polls ---- */

static bool
op_wake(struct world *w)
{
	w->st->ops++;
	for (size_t i = 0; i < w->nb; i++) {
		if (!check_rc(w, &w->b[i], "wake", mio_waker_wake(w->b[i].waker), 0))
			return false;
		struct backend *b = &w->b[i];
		b->wakes_pending = b->traits.wakes_coalesce ? 1 : b->wakes_pending + 1;
	}
	return true;
}

#define READISH (MIO_EVENT_IN | MIO_EVENT_PRI | MIO_EVENT_RDHUP | MIO_EVENT_HUP | MIO_EVENT_ERR)
#define WRITEISH (MIO_EVENT_OUT | MIO_EVENT_HUP | MIO_EVENT_ERR)

/* What one poll of backend b reported: each event is one the model allows.
 * flags[slot][end] gets each registration's event (with bit 31 set), *wakes the waker's. */
static bool
check_reported(struct world *w, struct backend *b, struct mio_events *events, unsigned *wakes,
	       uint32_t flags[FUZZ_SLOTS][2])
{
	mio_events_foreach(ev, events) {
		w->st->events++;
		mio_token_t t = mio_event_token(ev);
		if (t == WAKER_TOKEN) {
			if (*wakes == b->wakes_pending)
				return diverge(w, b, "spurious wake",
					       "a waker event without a wake since the last one");
			++*wakes;
			continue;
		}
		unsigned slot = (t >> 1) & (FUZZ_SLOTS - 1), end = t & 1;
		struct reg *g = &b->reg[slot][end];
		if (!g->on || g->token != t)
			return diverge(w, b, "stale token", "event for token %#llx (%u.%u), which is "
				       "not registered now (flags %#x)", (unsigned long long)t,
				       slot, end, ev->flags);
		if (flags[slot][end])
			return diverge(w, b, "duplicate", "two events for %u.%u in one poll", slot,
				       end);
		if (!fuzz_os_in_every_interest(ev->flags) &&
		    ((mio_event_is_readable(ev) && !(g->interest & MIO_INTEREST_READABLE)) ||
		     (mio_event_is_writable(ev) && !(g->interest & MIO_INTEREST_WRITABLE))))
			return diverge(w, b, "interest", "event %#x for %u.%u, registered for %#x",
				       ev->flags, slot, end, (unsigned)g->interest);
		flags[slot][end] = ev->flags | (1u << 31); /* never 0 */
	}
	return true;
}

/* The model learns what the poll consumed: the wake, and each direction reported. */
static void
consume(struct backend *b, unsigned wakes, uint32_t flags[FUZZ_SLOTS][2])
{
	b->wakes_pending -= wakes;
	for (unsigned s = 0; s < FUZZ_SLOTS; s++) {
		for (unsigned e = 0; e < 2; e++) {
			if (flags[s][e] & READISH)
				b->reg[s][e].armed_read = false;
			if (flags[s][e] & WRITEISH)
				b->reg[s][e].armed_write = false;
		}
	}
}

/* A full poll must also have reported every armed direction that is ready, and a wake. */
static bool
check_required(struct world *w, struct backend *b, const unsigned ready[FUZZ_SLOTS][2],
	       bool wake_was_pending, unsigned wakes, uint32_t flags[FUZZ_SLOTS][2])
{
	if (wake_was_pending) {
		w->st->wakes++;
		if (wakes == 0)
			return diverge(w, b, "lost wake", "a wake before this poll was not reported");
	}
	for (unsigned s = 0; s < FUZZ_SLOTS; s++) {
		for (unsigned e = 0; e < 2; e++) {
			struct reg *g = &b->reg[s][e];
			if (!g->on)
				continue;
			/* Not while the backend may still be late (traits): each full poll uses
			 * up one of those. */
			bool on_time = g->late == 0;
			if (!on_time)
				g->late--;
			bool need_read = on_time && g->armed_read && (ready[s][e] & FUZZ_READY_READ);
			bool need_write = on_time && g->armed_write &&
					  (ready[s][e] & FUZZ_READY_WRITE);
			w->st->edges += need_read + need_write;
			if (need_read && !(flags[s][e] & READISH))
				return diverge(w, b, "missing edge", "%u.%u is armed for reading and "
					       "readable, but not reported (event %#x)", s, e,
					       flags[s][e] & ~(1u << 31));
			if (need_write && !(flags[s][e] & WRITEISH))
				return diverge(w, b, "missing edge", "%u.%u is armed for writing and "
					       "writable, but not reported (event %#x)", s, e,
					       flags[s][e] & ~(1u << 31));
		}
	}
	return true;
}

static bool
op_poll(struct world *w, const struct fuzz_op *op)
{
	bool full = op->type == FUZZ_POLL;
	unsigned ready[FUZZ_SLOTS][2] = { { 0 } };
	for (unsigned s = 0; full && s < FUZZ_SLOTS; s++)
		for (unsigned e = 0; e < 2; e++)
			if (w->slot[s].end[e].open)
				ready[s][e] = fuzz_oracle_ready(w->slot[s].end[e].fd);
	w->st->ops++;
	for (size_t i = 0; i < w->nb; i++) {
		struct backend *b = &w->b[i];
		struct mio_events *events = full ? b->events : b->small[op->arg % 3];
		bool wake_was_pending = b->wakes_pending > 0;
		unsigned wakes = 0;
		uint32_t flags[FUZZ_SLOTS][2] = { { 0 } };
		w->st->polls++;
		int n = mio_poll_poll(b->poll, events, 0);
		if (n < 0)
			return diverge(w, b, "return code", "poll: %s", mio_strerror(n));
		if (!check_reported(w, b, events, &wakes, flags))
			return false;
		if (full && !check_required(w, b, ready, wake_was_pending, wakes, flags))
			return false;
		consume(b, wakes, flags);
	}
	return true;
}

/* ---- The run ---- */

static bool
apply(struct world *w, const struct fuzz_op *op)
{
	switch (op->type) {
	case FUZZ_CREATE:
		return op_create(w, op);
	case FUZZ_CLOSE:
		return op_close(w, op);
	case FUZZ_REGISTER:
	case FUZZ_REREGISTER:
	case FUZZ_DEREGISTER:
		return op_registry(w, op);
	case FUZZ_READ:
	case FUZZ_DRAIN:
		return op_io(w, op, false, op->type == FUZZ_DRAIN);
	case FUZZ_WRITE:
	case FUZZ_FILL:
		return op_io(w, op, true, op->type == FUZZ_FILL);
	case FUZZ_SHUTDOWN:
		return op_shutdown(w, op);
	case FUZZ_WAKE:
		return op_wake(w);
	case FUZZ_POLL:
	case FUZZ_POLL_SMALL:
		return op_poll(w, op);
	case FUZZ_CLOSED_NUMBER:
		return op_closed_number(w, op);
	default:
		return op_unpollable(w);
	}
}

static bool
world_init(struct world *w, const char *const *backends, size_t nb)
{
	char why[256];
	w->loopback_usable = mt_loopback_usable(AF_INET, why, sizeof(why));
	memset(w->buf, 'x', sizeof(w->buf));
	for (size_t i = 0; i < nb; i++) {
		struct backend *b = &w->b[i];
		b->name = backends[i];
		b->traits = traits_of(b->name);
		int r = mio_poll_new_with_backend(b->name, &b->poll);
		if (r == 0)
			r = mio_events_new(CAPACITY, &b->events);
		for (size_t k = 0; k < 3 && r == 0; k++)
			r = mio_events_new(k + 1, &b->small[k]);
		if (r == 0)
			r = mio_waker_new(mio_poll_registry(b->poll), WAKER_TOKEN, &b->waker);
		w->nb = i + 1;
		if (r < 0)
			return diverge(w, b, "setup", "%s", mio_strerror(r));
	}
	return true;
}

static void
world_free(struct world *w)
{
	for (unsigned s = 0; s < FUZZ_SLOTS; s++)
		for (unsigned e = 0; e < 2; e++)
			if (w->slot[s].end[e].open)
				mio_close(w->slot[s].end[e].fd);
	for (size_t i = 0; i < w->nb; i++) {
		mio_waker_free(w->b[i].waker);
		mio_events_free(w->b[i].events);
		for (size_t k = 0; k < 3; k++)
			mio_events_free(w->b[i].small[k]);
		mio_poll_free(w->b[i].poll);
	}
}

enum fuzz_result
fuzz_run(const struct fuzz_op *ops, size_t n, const char *const *backends, size_t n_backends,
	 struct fuzz_stats *stats, struct fuzz_divergence *div)
{
	static struct world w; /* 64 KiB of buffer: not on the stack */
	struct fuzz_stats unused;
	memset(&w, 0, sizeof(w));
	w.st = stats ? stats : &unused;
	w.div = div;
	if (n_backends > FUZZ_MAX_BACKENDS)
		n_backends = FUZZ_MAX_BACKENDS;
	bool ok = world_init(&w, backends, n_backends);
	enum fuzz_result result = ok ? FUZZ_OK : FUZZ_ERROR;
	for (size_t i = 0; ok && i < n; i++) {
		w.op_index = i;
		ok = apply(&w, &ops[i]);
		if (!ok)
			result = strcmp(div->rule, "setup") == 0 ? FUZZ_ERROR : FUZZ_DIVERGED;
	}
	world_free(&w);
	return result;
}
