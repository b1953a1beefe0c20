/* SPDX-License-Identifier: MIT */
/* The poll state's lifecycle, its pool of registration records and its poll set. */
#include "state.h"

#include <stdlib.h>

/* Records come in chunks so that registering does not allocate once the pool is warm. */
#define CHUNK_RECORDS 64

struct reg_chunk {
	struct reg_chunk *next;
	struct mio_backend_reg regs[CHUNK_RECORDS];
};

/* fork() while other threads poll or register: the child gets every state consistent, its
 * lock held by the forking thread, which then frees it or hands it back. The core's
 * handlers hold every family's lock first (they are registered later, so their prepare
 * runs earlier: docs/backend-abi.md), so no registry call is halfway through a state. */
static pthread_mutex_t states_lock = PTHREAD_MUTEX_INITIALIZER;
static struct poll_state *states;

/* Takes each lock the way a modifier does: a select() inside poll() is interrupted and
 * waits for us. */
static void
fork_prepare(void)
{
	pthread_mutex_lock(&states_lock);
	for (struct poll_state *s = states; s; s = s->fork_next)
		s->fork_counted = mio__poll_handshake_begin(s);
}

static void
fork_parent(void)
{
	for (struct poll_state *s = states; s; s = s->fork_next)
		mio__poll_handshake_end(s, s->fork_counted);
	pthread_mutex_unlock(&states_lock);
}

/* Only this thread exists in the child: a select() that waited for us is not there, so the
 * counts restart at zero and the condition variable, which still counts that waiter, is
 * made anew (destroying it would wait for the waiter forever). */
static void
fork_child(void)
{
	for (struct poll_state *s = states; s; s = s->fork_next) {
		atomic_store(&s->waiting_ops, 0);
		s->ops_waiters = 0;
		pthread_cond_init(&s->ops_done, NULL);
		pthread_mutex_unlock(&s->lock);
	}
	pthread_mutex_unlock(&states_lock);
}

static void
fork_handlers_install(void)
{
	pthread_atfork(fork_prepare, fork_parent, fork_child);
}

static void
states_add(struct poll_state *s)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, fork_handlers_install);
	pthread_mutex_lock(&states_lock);
	s->fork_next = states;
	states = s;
	pthread_mutex_unlock(&states_lock);
}

/* A walk: states are few and long-lived. */
static void
states_remove(struct poll_state *s)
{
	pthread_mutex_lock(&states_lock);
	struct poll_state **p = &states;
	while (*p != s)
		p = &(*p)->fork_next;
	*p = s->fork_next;
	pthread_mutex_unlock(&states_lock);
}

int
mio__poll_state_new(struct poll_state **ret)
{
	struct poll_state *s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->cap = 8;
	s->pfds = malloc(s->cap * sizeof(*s->pfds));
	s->regs = malloc(s->cap * sizeof(*s->regs));
	int r = s->pfds && s->regs ? mio__sys_notify_open(&s->notify) : -ENOMEM;
	if (r < 0) {
		free(s->pfds);
		free(s->regs);
		free(s);
		return r;
	}
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->ops_done, NULL);
	atomic_init(&s->waiting_ops, 0);
	atomic_init(&s->in_poll, false);
	atomic_init(&s->refs, 1);
	atomic_init(&s->has_waker, false);
	atomic_init(&s->wake_pending, false);
	atomic_init(&s->waker_token, 0);
	atomic_init(&s->rearm_head, NULL);
	s->nfds = 1;
	s->pfds[0] = (struct pollfd){ .fd = s->notify.read_fd, .events = POLLIN };
	s->regs[0] = NULL;
	states_add(s);
	*ret = s;
	return 0;
}

void
mio__poll_state_ref(struct poll_state *s)
{
	atomic_fetch_add_explicit(&s->refs, 1, memory_order_relaxed);
}

/* The last handle is gone: no select() runs and no modifier or re-arm can reach the state
 * any more (the core frees a family's last selector only after its registrations left the
 * registration map), so everything goes at once, the records with their chunks. */
static void
state_destroy(struct poll_state *s)
{
	states_remove(s);
	mio__sys_notify_close(&s->notify);
	while (s->chunks) {
		struct reg_chunk *c = s->chunks;
		s->chunks = c->next;
		free(c);
	}
	free(s->pfds);
	free(s->regs);
	pthread_cond_destroy(&s->ops_done);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

void
mio__poll_state_unref(struct poll_state *s)
{
	if (atomic_fetch_sub_explicit(&s->refs, 1, memory_order_acq_rel) == 1)
		state_destroy(s);
}

struct mio_backend_reg *
mio__poll_reg_new(struct poll_state *s)
{
	if (!s->free_regs) {
		struct reg_chunk *c = malloc(sizeof(*c));
		if (!c)
			return NULL;
		c->next = s->chunks;
		s->chunks = c;
		for (size_t i = 0; i < CHUNK_RECORDS; i++) {
			struct mio_backend_reg *reg = &c->regs[i];
			atomic_init(&reg->arm, 0);
			reg->rearm_next = NULL;
			reg->free_next = s->free_regs;
			s->free_regs = reg;
		}
	}
	struct mio_backend_reg *reg = s->free_regs;
	s->free_regs = reg->free_next;
	reg->slot = 0;
	return reg;
}

/* A record still queued for re-arming stays on that list: select() skips it while it is
 * free, and a later registration that reuses it is fully armed anyway. */
void
mio__poll_reg_free(struct poll_state *s, struct mio_backend_reg *reg)
{
	if (reg->slot)
		mio__poll_set_remove(s, reg);
	reg->free_next = s->free_regs;
	s->free_regs = reg;
}

static int
grow(struct poll_state *s)
{
	size_t cap = s->cap * 2;
	struct pollfd *p = realloc(s->pfds, cap * sizeof(*p));
	if (!p)
		return -ENOMEM;
	s->pfds = p;
	/* If this fails pfds is merely larger than cap; the next register retries. */
	struct mio_backend_reg **r = realloc(s->regs, cap * sizeof(*r));
	if (!r)
		return -ENOMEM;
	s->regs = r;
	s->cap = cap;
	return 0;
}

int
mio__poll_set_add(struct poll_state *s, struct mio_backend_reg *reg)
{
	if (s->nfds == s->cap) {
		int r = grow(s);
		if (r < 0)
			return r;
	}
	size_t i = s->nfds++;
	s->pfds[i] = (struct pollfd){ .fd = reg->fd, .events = reg->events };
	s->regs[i] = reg;
	reg->slot = (unsigned)i;
	atomic_fetch_and_explicit(&reg->arm, ~REG_TAKEN, memory_order_relaxed);
	return 0;
}

void
mio__poll_set_remove(struct poll_state *s, struct mio_backend_reg *reg)
{
	size_t i = reg->slot, last = --s->nfds;
	if (i != last) {
		s->pfds[i] = s->pfds[last];
		s->regs[i] = s->regs[last];
		s->regs[i]->slot = (unsigned)i;
	}
	reg->slot = 0;
}
