/* SPDX-License-Identifier: MIT */
/* Runs an operation sequence in lockstep on every backend and checks each one against the
 * model of mio's contract described in fuzz.h. An operation that does not apply to the
 * current state (reading a closed end, creating into a live slot) is skipped, so any
 * subsequence of a sequence is a sequence too: that is what lets fuzz-shrink.c cut it. */
#include "fuzz.h"
#include "fuzz-oracle.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <mio/mio.h>
#include <mio/net.h>

#include "loopback.h"

#define WAKER_TOKEN ((mio_token_t)UINTPTR_MAX)
#define CAPACITY (FUZZ_SLOTS * 2 + 1)  /* every registration and the waker */
#define IO_MAX 65536

struct end {
	mio_fd_t fd;
	bool open;
};

struct slot {
	uint8_t kind;
	struct end end[2];
};

/* The model of one backend's registration of one end. */
struct reg {
	bool on;
	mio_token_t token;
	mio_interest_t interest;
	bool armed_read, armed_write; /* must be reported when ready (see fuzz.h) */
};

struct backend {
	const char *name;
	struct mio_poll *poll;
	struct mio_events *events;
	struct mio_events *small[3]; /* room for 1, 2, 3 */
	struct mio_waker *waker;
	bool wake_pending;
	struct reg reg[FUZZ_SLOTS][2];
};

struct world {
	struct slot slot[FUZZ_SLOTS];
	struct backend b[FUZZ_MAX_BACKENDS];
	size_t nb;
	bool udp_usable;
	uint64_t generation; /* makes every registration's token new */
	size_t op_index;
	struct fuzz_stats *st;
	struct fuzz_divergence *div;
	char buf[IO_MAX];
};

static bool __attribute__((format(printf, 4, 5)))
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

static int
udp_pair(mio_fd_t *a, mio_fd_t *b)
{
	struct sockaddr_in any = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_storage sa, sb;
	socklen_t la, lb;
	int r = mio_udp_bind((struct sockaddr *)&any, sizeof(any), a);
	if (r < 0)
		return r;
	if ((r = mio_udp_bind((struct sockaddr *)&any, sizeof(any), b)) < 0 ||
	    (r = mio_socket_local_addr(*a, &sa, &la)) < 0 ||
	    (r = mio_socket_local_addr(*b, &sb, &lb)) < 0 ||
	    (r = mio_udp_connect(*a, (struct sockaddr *)&sb, lb)) < 0 ||
	    (r = mio_udp_connect(*b, (struct sockaddr *)&sa, la)) < 0) {
		mio_close(*a);
		mio_close(*b);
	}
	return r;
}

static bool
op_create(struct world *w, const struct fuzz_op *op)
{
	struct slot *s = &w->slot[op->slot];
	uint8_t kind = op->arg % FUZZ_KINDS;
	if (s->end[0].open || s->end[1].open || (kind == FUZZ_UDP_PAIR && !w->udp_usable))
		return true;
	mio_fd_t a, b;
	int r;
	switch (kind) {
	case FUZZ_STREAM_PAIR:
		r = mio_unix_stream_pair(&a, &b);
		break;
	case FUZZ_DGRAM_PAIR:
		r = mio_unix_datagram_pair(&a, &b);
		break;
	case FUZZ_PIPE:
		r = mio_pipe_new(&b, &a); /* end 0 reads, end 1 writes */
		break;
	default:
		r = udp_pair(&a, &b);
	}
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
arm(struct reg *g)
{
	g->armed_read = (g->interest & MIO_INTEREST_READABLE) != 0;
	g->armed_write = (g->interest & MIO_INTEREST_WRITABLE) != 0;
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
			arm(g);
		}
	}
	return true;
}

/* A number that is no fd now: a closed end's (unless reused meanwhile), else INT_MAX. */
static bool
op_closed_number(struct world *w, const struct fuzz_op *op)
{
	const struct end *e = &w->slot[op->slot].end[op->end];
	bool closed = !e->open && mio_fd_is_valid(e->fd) && fcntl(e->fd, F_GETFD) < 0;
	mio_fd_t fd = closed ? e->fd : INT_MAX;
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
op_devnull(struct world *w)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return diverge(w, NULL, "setup", "open /dev/null: %s", strerror(errno));
	w->st->ops++;
	bool ok = true;
	for (size_t i = 0; i < w->nb && ok; i++)
		ok = check_rc(w, &w->b[i], "register /dev/null",
			      mio_registry_register(mio_poll_registry(w->b[i].poll), fd, 1,
						    MIO_INTEREST_READABLE),
			      -EPERM);
	close(fd);
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

static ssize_t
do_read(struct world *w, const struct slot *s, mio_fd_t fd, size_t len)
{
	switch (s->kind) {
	case FUZZ_STREAM_PAIR:
		return mio_stream_read(fd, w->buf, len);
	case FUZZ_DGRAM_PAIR:
		return mio_unix_datagram_recv(fd, w->buf, len);
	case FUZZ_PIPE:
		return mio_pipe_read(fd, w->buf, len);
	default:
		return mio_udp_recv(fd, w->buf, len);
	}
}

static ssize_t
do_write(struct world *w, const struct slot *s, mio_fd_t fd, size_t len)
{
	switch (s->kind) {
	case FUZZ_STREAM_PAIR:
		return mio_stream_write(fd, w->buf, len);
	case FUZZ_DGRAM_PAIR:
		return mio_unix_datagram_send(fd, w->buf, len < 4096 ? len : 4096);
	case FUZZ_PIPE:
		return mio_pipe_write(fd, w->buf, len);
	default:
		return mio_udp_send(fd, w->buf, len < 8192 ? len : 8192);
	}
}

/* Reads (write false) or writes once, or repeatedly until it would block or fails. */
static bool
op_io(struct world *w, const struct fuzz_op *op, bool write, bool repeat)
{
	const struct slot *s = &w->slot[op->slot];
	const struct end *e = &s->end[op->end];
	if (!e->open || (s->kind == FUZZ_PIPE && op->end != (write ? 1 : 0)))
		return true;
	w->st->ops++;
	size_t len = repeat ? IO_MAX : op->size;
	for (unsigned i = 0; i < (repeat ? 512u : 1u); i++) {
		ssize_t r = write ? do_write(w, s, e->fd, len) : do_read(w, s, e->fd, len);
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
	if (!s->end[op->end].open || s->kind == FUZZ_PIPE)
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
		w->b[i].wake_pending = true;
	}
	return true;
}

#define READISH (MIO_EVENT_IN | MIO_EVENT_PRI | MIO_EVENT_RDHUP | MIO_EVENT_HUP | MIO_EVENT_ERR)
#define WRITEISH (MIO_EVENT_OUT | MIO_EVENT_HUP | MIO_EVENT_ERR)

/* What one poll of backend b reported: each event is one the model allows.
 * flags[slot][end] gets each registration's event (with bit 31 set), *waker the wake. */
static bool
check_reported(struct world *w, struct backend *b, struct mio_events *events, bool *waker,
	       uint32_t flags[FUZZ_SLOTS][2])
{
	mio_events_foreach(ev, events) {
		w->st->events++;
		mio_token_t t = mio_event_token(ev);
		if (t == WAKER_TOKEN) {
			if (!b->wake_pending || *waker)
				return diverge(w, b, "spurious wake",
					       "a waker event without a wake since the last one");
			*waker = true;
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
		if ((mio_event_is_readable(ev) && !(g->interest & MIO_INTEREST_READABLE)) ||
		    (mio_event_is_writable(ev) && !(g->interest & MIO_INTEREST_WRITABLE)))
			return diverge(w, b, "interest", "event %#x for %u.%u, registered for %#x",
				       ev->flags, slot, end, (unsigned)g->interest);
		flags[slot][end] = ev->flags | (1u << 31); /* never 0 */
	}
	return true;
}

/* The model learns what the poll consumed: the wake, and each direction reported. */
static void
consume(struct backend *b, bool waker, uint32_t flags[FUZZ_SLOTS][2])
{
	if (waker)
		b->wake_pending = false;
	for (unsigned s = 0; s < FUZZ_SLOTS; s++) {
		for (unsigned e = 0; e < 2; e++) {
			if (flags[s][e] & READISH)
				b->reg[s][e].armed_read = false;
			if (flags[s][e] & WRITEISH)
				b->reg[s][e].armed_write = false;
		}
	}
}

/* A full poll must also have reported every armed direction that is ready, and the wake. */
static bool
check_required(struct world *w, struct backend *b, const unsigned ready[FUZZ_SLOTS][2],
	       bool wake_was_pending, bool waker, uint32_t flags[FUZZ_SLOTS][2])
{
	if (wake_was_pending) {
		w->st->wakes++;
		if (!waker)
			return diverge(w, b, "lost wake", "a wake before this poll was not reported");
	}
	for (unsigned s = 0; s < FUZZ_SLOTS; s++) {
		for (unsigned e = 0; e < 2; e++) {
			const struct reg *g = &b->reg[s][e];
			if (!g->on)
				continue;
			bool need_read = g->armed_read && (ready[s][e] & FUZZ_READY_READ);
			bool need_write = g->armed_write && (ready[s][e] & FUZZ_READY_WRITE);
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
		bool wake_was_pending = b->wake_pending, waker = false;
		uint32_t flags[FUZZ_SLOTS][2] = { { 0 } };
		w->st->polls++;
		int n = mio_poll_poll(b->poll, events, 0);
		if (n < 0)
			return diverge(w, b, "return code", "poll: %s", mio_strerror(n));
		if (!check_reported(w, b, events, &waker, flags))
			return false;
		if (full && !check_required(w, b, ready, wake_was_pending, waker, flags))
			return false;
		consume(b, waker, flags);
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
		return op_devnull(w);
	}
}

static bool
world_init(struct world *w, const char *const *backends, size_t nb)
{
	char why[256];
	w->udp_usable = mt_loopback_usable(AF_INET, why, sizeof(why));
	memset(w->buf, 'x', sizeof(w->buf));
	for (size_t i = 0; i < nb; i++) {
		struct backend *b = &w->b[i];
		b->name = backends[i];
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
