/* SPDX-License-Identifier: MIT */
/* Selector families: what a poll, its registry clones and its waker share. A family on an
 * emulating backend holds a selector of its own, so the registration map can re-arm and
 * forget through it whichever member registered; it is freed after the family's records
 * have left the map. */
#include "mio-private.h"
#include "regmap.h"

#include <stdlib.h>

MIO_HIDDEN atomic_uint mio__n_emulating;

/* Every family on an emulating backend, for the fork handlers. */
static mio__sys_mutex families_lock = MIO__SYS_MUTEX_INIT;
static struct mio_family *families;

static void
families_add(struct mio_family *f)
{
	mio__sys_mutex_lock(&families_lock);
	f->fork_next = families;
	families = f;
	mio__sys_mutex_unlock(&families_lock);
}

/* A walk: families are few and long-lived. */
static void
families_remove(struct mio_family *f)
{
	mio__sys_mutex_lock(&families_lock);
	struct mio_family **p = &families;
	while (*p != f)
		p = &(*p)->fork_next;
	*p = f->fork_next;
	mio__sys_mutex_unlock(&families_lock);
}

/* Before fork(): no registry call is halfway, so the child's families are consistent. A
 * thread holds one family lock at a time, so taking them all in list order cannot
 * deadlock. */
void
mio__family_fork_prepare(void)
{
	mio__sys_mutex_lock(&families_lock);
	for (struct mio_family *f = families; f; f = f->fork_next)
		mio__sys_mutex_lock(&f->lock);
}

void
mio__family_fork_parent(void)
{
	for (struct mio_family *f = families; f; f = f->fork_next)
		mio__sys_mutex_unlock(&f->lock);
	mio__sys_mutex_unlock(&families_lock);
}

/* The forking thread, the child's only one, holds the locks: it can release them. */
void
mio__family_fork_child(void)
{
	mio__family_fork_parent();
}

int
mio__family_new(const struct mio_backend *b, struct mio_selector *sel, struct mio_family **ret)
{
	struct mio_family *f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	atomic_init(&f->refs, 1);
	atomic_init(&f->has_waker, false);
	f->backend = b;
	if (mio__backend_emulates(b)) {
		int err = b->selector_clone(sel, &f->selector);
		if (err < 0) {
			free(f);
			return err;
		}
		mio__sys_mutex_init(&f->lock);
		/* After the backend's first selector_new(), which installs its handlers. */
		mio__fork_handlers_install();
		families_add(f);
		atomic_fetch_add_explicit(&mio__n_emulating, 1, memory_order_release);
	}
	*ret = f;
	return 0;
}

void
mio__family_ref(struct mio_family *family)
{
	atomic_fetch_add_explicit(&family->refs, 1, memory_order_relaxed);
}

bool
mio__family_try_ref(struct mio_family *family)
{
	unsigned n = atomic_load_explicit(&family->refs, memory_order_relaxed);
	while (n != 0) {
		if (atomic_compare_exchange_weak_explicit(&family->refs, &n, n + 1,
							  memory_order_acquire,
							  memory_order_relaxed))
			return true;
	}
	return false;
}

/* The last reference: no member is left, so nobody registers through this family any
 * more; its records leave the map (waiting for re-arms in progress) before the backend
 * frees what they point at. */
static void
family_destroy(struct mio_family *f)
{
	if (f->selector) {
		families_remove(f);
		mio__sys_mutex_lock(&f->lock);
		while (f->regs) {
			struct mio__reg *r = f->regs;
			mio__regmap_unlink(r);
			mio__regmap_release(r);
		}
		mio__sys_mutex_unlock(&f->lock);
		f->backend->selector_free(f->selector);
		mio__sys_mutex_destroy(&f->lock);
		atomic_fetch_sub_explicit(&mio__n_emulating, 1, memory_order_relaxed);
	}
	free(f);
}

void
mio__family_unref(struct mio_family *family)
{
	if (atomic_fetch_sub_explicit(&family->refs, 1, memory_order_acq_rel) == 1)
		family_destroy(family);
}
