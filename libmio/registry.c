/* SPDX-License-Identifier: MIT */
/* Registry: checks arguments, then one indirect call into the backend. */
#include "mio-private.h"

#include <stdlib.h>

int
mio__registry_init(struct mio_registry *r, const struct mio_backend *b, struct mio_family *family)
{
	int err = b->selector_new(&r->selector);
	if (err < 0)
		return err;
	r->backend = b;
	r->family = family;
	r->is_clone = false;
	return 0;
}

void
mio__registry_fini(struct mio_registry *r)
{
	r->backend->selector_free(r->selector);
	mio__family_unref(r->family);
}

void
mio__family_unref(struct mio_family *family)
{
	if (atomic_fetch_sub_explicit(&family->refs, 1, memory_order_acq_rel) == 1)
		free(family);
}

/* An invalid handle is a caller bug we can name precisely; closed fds come back from the OS. */
#define check_fd(fd) mio_return_val_if_fail(mio_fd_is_valid(fd), -EBADF)

MIO_API int
mio_registry_register(struct mio_registry *registry, mio_fd_t fd, mio_token_t token,
		      mio_interest_t interest)
{
	mio_return_val_if_fail(registry, -EINVAL);
	mio_return_val_if_fail(mio_interest_is_valid(interest), -EINVAL);
	check_fd(fd);
	return registry->backend->register_fd(registry->selector, fd, token, interest);
}

MIO_API int
mio_registry_reregister(struct mio_registry *registry, mio_fd_t fd, mio_token_t token,
			mio_interest_t interest)
{
	mio_return_val_if_fail(registry, -EINVAL);
	mio_return_val_if_fail(mio_interest_is_valid(interest), -EINVAL);
	check_fd(fd);
	return registry->backend->reregister_fd(registry->selector, fd, token, interest);
}

MIO_API int
mio_registry_deregister(struct mio_registry *registry, mio_fd_t fd)
{
	mio_return_val_if_fail(registry, -EINVAL);
	check_fd(fd);
	return registry->backend->deregister_fd(registry->selector, fd);
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
	atomic_fetch_add_explicit(&c->family->refs, 1, memory_order_relaxed);
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
