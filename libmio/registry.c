/* SPDX-License-Identifier: MIT */
/* Registry: checks arguments, then one indirect call into the backend. For a backend that
 * emulates edge triggering, registrations also go through the family's lock and the
 * registration map (regmap.h), which is what lets I/O on a bare handle re-arm them. */
#include "mio-private.h"
#include "regmap.h"

#include <stdlib.h>

void
mio__registry_fini(struct mio_registry *r)
{
	r->backend->selector_free(r->selector);
	mio__family_unref(r->family);
}

/* An invalid handle is a caller bug we can name precisely; closed fds come back from the OS. */
#define check_fd(fd) mio_return_val_if_fail(mio_fd_is_valid(fd), -EBADF)

/* A new record is linked only once the backend accepted the registration; a re-arm that
 * came in between (I/O on fd after select() already reported it) found nothing, so re-arm
 * once more: at worst an extra event, never a lost one. */
static int
register_emulated(struct mio_registry *r, mio_fd_t fd, mio_token_t token,
		  mio_interest_t interest)
{
	struct mio_family *f = r->family;
	if (!mio__regmap_can_hold(fd))
		return -EBADF;
	mio__sys_mutex_lock(&f->lock);
	struct mio__reg *rec = mio__regmap_find(fd, f);
	int err;
	if (rec) {
		/* The backend says -EEXIST, or renews a stale record (fd closed and reused) in
		 * place. A copy: re-arms read rec->breg meanwhile. */
		struct mio_backend_reg *breg = rec->breg;
		err = r->backend->register_fd(r->selector, fd, token, interest, &breg);
	} else if (!(rec = mio__regmap_alloc())) {
		err = -ENOMEM;
	} else {
		*rec = (struct mio__reg){ .family = f, .fd = fd, .rearm = f->backend->rearm,
					  .selector = f->selector };
		err = r->backend->register_fd(r->selector, fd, token, interest, &rec->breg);
		if (err == 0 && (err = mio__regmap_link(rec)) < 0)
			r->backend->deregister_fd(r->selector, fd, rec->breg);
		if (err == 0)
			r->backend->rearm(f->selector, fd, rec->breg, MIO__REARM_ALL);
		else
			mio__regmap_release(rec);
	}
	mio__sys_mutex_unlock(&f->lock);
	return err;
}

static int
reregister_emulated(struct mio_registry *r, mio_fd_t fd, mio_token_t token,
		    mio_interest_t interest)
{
	struct mio_family *f = r->family;
	mio__sys_mutex_lock(&f->lock);
	struct mio__reg *rec = mio__regmap_find(fd, f);
	int err = r->backend->reregister_fd(r->selector, fd, token, interest,
					    rec ? rec->breg : NULL);
	mio__sys_mutex_unlock(&f->lock);
	return err;
}

/* The record leaves the map first (waiting for a re-arm in progress), then the backend
 * frees its part. */
static int
deregister_emulated(struct mio_registry *r, mio_fd_t fd)
{
	struct mio_family *f = r->family;
	mio__sys_mutex_lock(&f->lock);
	struct mio__reg *rec = mio__regmap_find(fd, f);
	if (rec)
		mio__regmap_unlink(rec);
	int err = r->backend->deregister_fd(r->selector, fd, rec ? rec->breg : NULL);
	if (rec)
		mio__regmap_release(rec);
	mio__sys_mutex_unlock(&f->lock);
	return err;
}

MIO_API int
mio_registry_register(struct mio_registry *registry, mio_fd_t fd, mio_token_t token,
		      mio_interest_t interest)
{
	mio_return_val_if_fail(registry, -EINVAL);
	mio_return_val_if_fail(mio_interest_is_valid(interest), -EINVAL);
	check_fd(fd);
	if (registry->family->selector)
		return register_emulated(registry, fd, token, interest);
	return registry->backend->register_fd(registry->selector, fd, token, interest, NULL);
}

MIO_API int
mio_registry_reregister(struct mio_registry *registry, mio_fd_t fd, mio_token_t token,
			mio_interest_t interest)
{
	mio_return_val_if_fail(registry, -EINVAL);
	mio_return_val_if_fail(mio_interest_is_valid(interest), -EINVAL);
	check_fd(fd);
	if (registry->family->selector)
		return reregister_emulated(registry, fd, token, interest);
	return registry->backend->reregister_fd(registry->selector, fd, token, interest, NULL);
}

MIO_API int
mio_registry_deregister(struct mio_registry *registry, mio_fd_t fd)
{
	mio_return_val_if_fail(registry, -EINVAL);
	check_fd(fd);
	if (registry->family->selector)
		return deregister_emulated(registry, fd);
	return registry->backend->deregister_fd(registry->selector, fd, NULL);
}

/* mio_close(): every family holding fd forgets it (a family being destroyed is skipped:
 * nothing polls through it any more, and it drops its records by itself). */
void
mio__registry_forget_fd(mio_fd_t fd)
{
	struct mio_family *f;
	while ((f = mio__regmap_any_family(fd))) {
		mio__sys_mutex_lock(&f->lock);
		struct mio__reg *rec = mio__regmap_find(fd, f);
		if (rec) {
			mio__regmap_unlink(rec);
			if (MIO_BACKEND_HAS(f->backend, forget))
				f->backend->forget(f->selector, fd, rec->breg);
			else
				f->backend->deregister_fd(f->selector, fd, rec->breg);
			mio__regmap_release(rec);
		}
		mio__sys_mutex_unlock(&f->lock);
		mio__family_unref(f);
	}
}

MIO_API int
mio_registry_try_clone(const struct mio_registry *registry, struct mio_registry **ret)
{
	mio_return_val_if_fail(registry, -EINVAL);
	mio_return_val_if_fail(ret, -EINVAL);

	struct mio_registry *c = malloc(sizeof(*c));
	if (!c)
		return -ENOMEM;
	int err = registry->backend->selector_clone(registry->selector, &c->selector);
	if (err < 0) {
		free(c);
		return err;
	}
	c->backend = registry->backend;
	c->family = registry->family;
	c->is_clone = true;
	mio__family_ref(c->family);
	*ret = c;
	return 0;
}

MIO_API void
mio_registry_free(struct mio_registry *registry)
{
	if (!registry || !registry->is_clone)
		return;
	mio__registry_fini(registry);
	free(registry);
}
