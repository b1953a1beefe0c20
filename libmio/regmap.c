/* SPDX-License-Identifier: MIT */
/* The registration map (regmap.h): a radix tree over handle values whose leaves are entry
 * words, each the head of that handle's record list with a lock in bit 0.
 *
 * Key = handle >> MIO__SYS_HANDLE_SHIFT (SOCKETs are multiples of 4), 32 bits in three
 * levels of 10, 10 and 12 bits. Inner nodes and leaves are allocated on first use and never
 * freed, so lookups need no lock; sparse SOCKET values cost one 32 KiB leaf per 4096-handle
 * range in use. */
#include "regmap.h"

#include <stdlib.h>

#define TOP_BITS 10
#define MID_BITS 10
#define LEAF_BITS 12
#define KEY_BITS (TOP_BITS + MID_BITS + LEAF_BITS)

#define LOCKED ((uintptr_t)1)

struct leaf {
	atomic_uintptr_t entries[1 << LEAF_BITS]; /* struct mio__reg * | LOCKED */
};

struct mid {
	_Atomic(struct leaf *) leaves[1 << MID_BITS];
};

/* The nodes of keys 0..4095, where every fd of a typical process lives, are static: such
 * a lookup is one comparison and never allocates. */
static struct leaf first_leaf;
static struct mid first_mid = { .leaves = { &first_leaf } };
static _Atomic(struct mid *) top[1 << TOP_BITS] = { &first_mid };
static mio__sys_mutex grow_lock = MIO__SYS_MUTEX_INIT; /* adding nodes */

static mio__sys_mutex pool_lock = MIO__SYS_MUTEX_INIT;
static struct mio__reg *pool; /* free records, linked through next */

static uint64_t
key_of(mio_fd_t fd)
{
	return (uint64_t)fd >> MIO__SYS_HANDLE_SHIFT;
}

bool
mio__regmap_can_hold(mio_fd_t fd)
{
	return mio_fd_is_valid(fd) && key_of(fd) >> KEY_BITS == 0;
}

/* The entry word of fd, or NULL when its part of the map was never allocated. */
static inline atomic_uintptr_t *
entry_find(mio_fd_t fd)
{
	uint64_t k = key_of(fd);
	if (mio_likely(k < (1 << LEAF_BITS)))
		return &first_leaf.entries[k];
	if (k >> KEY_BITS)
		return NULL;
	struct mid *m = atomic_load_explicit(&top[k >> (MID_BITS + LEAF_BITS)],
					     memory_order_acquire);
	if (!m)
		return NULL;
	struct leaf *l = atomic_load_explicit(&m->leaves[(k >> LEAF_BITS) & ((1 << MID_BITS) - 1)],
					      memory_order_acquire);
	return l ? &l->entries[k & ((1 << LEAF_BITS) - 1)] : NULL;
}

/* Allocates the nodes fd's entry lives in; NULL on allocation failure. */
static atomic_uintptr_t *
entry_get(mio_fd_t fd)
{
	atomic_uintptr_t *e = entry_find(fd);
	if (e)
		return e;
	uint64_t k = key_of(fd);
	mio__sys_mutex_lock(&grow_lock);
	_Atomic(struct mid *) *mp = &top[k >> (MID_BITS + LEAF_BITS)];
	struct mid *m = atomic_load_explicit(mp, memory_order_relaxed);
	if (!m && (m = calloc(1, sizeof(*m))))
		atomic_store_explicit(mp, m, memory_order_release);
	if (m) {
		_Atomic(struct leaf *) *lp = &m->leaves[(k >> LEAF_BITS) & ((1 << MID_BITS) - 1)];
		struct leaf *l = atomic_load_explicit(lp, memory_order_relaxed);
		if (!l && (l = calloc(1, sizeof(*l)))) /* all-zero: every entry empty */
			atomic_store_explicit(lp, l, memory_order_release);
		if (l)
			e = &l->entries[k & ((1 << LEAF_BITS) - 1)];
	}
	mio__sys_mutex_unlock(&grow_lock);
	return e;
}

/* Takes the entry lock; returns the list head. Holders never block for long (a backend's
 * rearm, or a list edit), so spinning, then yielding, is cheaper than a mutex per entry. */
static __attribute__((noinline, cold)) void
entry_lock_contended(atomic_uintptr_t *e)
{
	for (unsigned spins = 0;
	     atomic_fetch_or_explicit(e, LOCKED, memory_order_acquire) & LOCKED; spins++) {
		if (spins > 64)
			mio__sys_yield();
	}
}

static inline struct mio__reg *
entry_lock(atomic_uintptr_t *e)
{
	/* Only the old lock bit is used, so this is one bit-test-and-set. */
	if (mio_unlikely(atomic_fetch_or_explicit(e, LOCKED, memory_order_acquire) & LOCKED))
		entry_lock_contended(e);
	return (struct mio__reg *)(atomic_load_explicit(e, memory_order_relaxed) & ~LOCKED);
}

/* Stores the (possibly new) list head and releases the lock. */
static inline void
entry_unlock(atomic_uintptr_t *e, struct mio__reg *head)
{
	atomic_store_explicit(e, (uintptr_t)head, memory_order_release);
}

/* Releases the lock of a list left as it was. */
static inline void
entry_unlock_unchanged(atomic_uintptr_t *e)
{
	atomic_fetch_and_explicit(e, ~LOCKED, memory_order_release);
}

struct mio__reg *
mio__regmap_find(mio_fd_t fd, const struct mio_family *family)
{
	atomic_uintptr_t *e = entry_find(fd);
	if (!e || atomic_load_explicit(e, memory_order_relaxed) == 0)
		return NULL;
	struct mio__reg *r = entry_lock(e);
	while (r && r->family != family)
		r = r->next;
	entry_unlock_unchanged(e);
	return r;
}

struct mio__reg *
mio__regmap_alloc(void)
{
	mio__sys_mutex_lock(&pool_lock);
	struct mio__reg *r = pool;
	if (r)
		pool = r->next;
	mio__sys_mutex_unlock(&pool_lock);
	return r ? r : malloc(sizeof(*r));
}

void
mio__regmap_release(struct mio__reg *rec)
{
	mio__sys_mutex_lock(&pool_lock);
	rec->next = pool;
	pool = rec;
	mio__sys_mutex_unlock(&pool_lock);
}

int
mio__regmap_link(struct mio__reg *rec)
{
	atomic_uintptr_t *e = entry_get(rec->fd);
	if (!e)
		return -ENOMEM;
	struct mio__reg *head = entry_lock(e);
	rec->next = head;
	entry_unlock(e, rec);

	struct mio_family *f = rec->family;
	rec->fam_prev = NULL;
	rec->fam_next = f->regs;
	if (f->regs)
		f->regs->fam_prev = rec;
	f->regs = rec;
	return 0;
}

void
mio__regmap_unlink(struct mio__reg *rec)
{
	atomic_uintptr_t *e = entry_find(rec->fd); /* exists: rec was linked into it */
	struct mio__reg *head = entry_lock(e);
	struct mio__reg **p = &head;
	while (*p != rec)
		p = &(*p)->next;
	*p = rec->next;
	entry_unlock(e, head);

	struct mio_family *f = rec->family;
	if (rec->fam_prev)
		rec->fam_prev->fam_next = rec->fam_next;
	else
		f->regs = rec->fam_next;
	if (rec->fam_next)
		rec->fam_next->fam_prev = rec->fam_prev;
}

struct mio_family *
mio__regmap_any_family(mio_fd_t fd)
{
	atomic_uintptr_t *e = entry_find(fd);
	if (!e || atomic_load_explicit(e, memory_order_relaxed) == 0)
		return NULL;
	struct mio_family *found = NULL;
	for (struct mio__reg *r = entry_lock(e); r && !found; r = r->next)
		if (mio__family_try_ref(r->family))
			found = r->family;
	entry_unlock_unchanged(e);
	return found;
}

void
mio__regmap_rearm(mio_fd_t fd, mio_interest_t interest)
{
	atomic_uintptr_t *e = entry_find(fd);
	if (!e || atomic_load_explicit(e, memory_order_relaxed) == 0)
		return;
	/* r->fd is fd: not keeping fd live across the calls spares a register. */
	for (struct mio__reg *r = entry_lock(e); r; r = r->next)
		r->rearm(r->selector, r->fd, r->breg, interest);
	entry_unlock_unchanged(e);
}

/* fork(): the mutexes are held across it (taken after the family locks, as registry calls
 * take them). Entry locks are not: a holder is a re-arm (which only reads the list, since
 * the family locks keep link and unlink out) or is about to release; in the child, where
 * that thread does not exist, every entry lock is released. */
void
mio__regmap_fork_prepare(void)
{
	mio__sys_mutex_lock(&grow_lock);
	mio__sys_mutex_lock(&pool_lock);
}

void
mio__regmap_fork_parent(void)
{
	mio__sys_mutex_unlock(&pool_lock);
	mio__sys_mutex_unlock(&grow_lock);
}

void
mio__regmap_fork_child(void)
{
	for (size_t t = 0; t < (1 << TOP_BITS); t++) {
		struct mid *m = atomic_load_explicit(&top[t], memory_order_relaxed);
		for (size_t i = 0; m && i < (1 << MID_BITS); i++) {
			struct leaf *l = atomic_load_explicit(&m->leaves[i], memory_order_relaxed);
			for (size_t k = 0; l && k < (1 << LEAF_BITS); k++)
				atomic_fetch_and_explicit(&l->entries[k], ~LOCKED,
							  memory_order_relaxed);
		}
	}
	mio__regmap_fork_parent();
}
