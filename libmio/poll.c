/* SPDX-License-Identifier: MIT */
/* Poll: owns the selector; mio_poll_poll() is one indirect call into the backend. */
#include "mio-private.h"

#include <stdlib.h>

static int
poll_new(const struct mio_backend *b, struct mio_poll **ret)
{
	struct mio_poll *p = malloc(sizeof(*p));
	if (!p)
		return -ENOMEM;
	struct mio_registry *r = &p->registry;
	int err = b->selector_new(&r->selector);
	if (err == 0) {
		err = mio__family_new(b, r->selector, &r->family);
		if (err < 0)
			b->selector_free(r->selector);
	}
	if (err < 0) {
		free(p);
		return err;
	}
	r->backend = b;
	r->is_clone = false;
	*ret = p;
	return 0;
}

MIO_API int
mio_poll_new(struct mio_poll **ret)
{
	mio_return_val_if_fail(ret, -EINVAL);
	const struct mio_backend *b;
	int err = mio__backend_default(&b);
	return err < 0 ? err : poll_new(b, ret);
}

MIO_API int
mio_poll_new_with_backend(const char *name, struct mio_poll **ret)
{
	mio_return_val_if_fail(name, -EINVAL);
	mio_return_val_if_fail(ret, -EINVAL);
	const struct mio_backend *b;
	int err = mio__backend_by_name(name, &b);
	return err < 0 ? err : poll_new(b, ret);
}

MIO_API void
mio_poll_free(struct mio_poll *poll)
{
	if (!poll)
		return;
	mio__registry_fini(&poll->registry);
	free(poll);
}

MIO_API const char *
mio_poll_backend_name(const struct mio_poll *poll)
{
	return poll ? poll->registry.backend->name : NULL;
}

MIO_API struct mio_registry *
mio_poll_registry(struct mio_poll *poll)
{
	return poll ? &poll->registry : NULL;
}

MIO_API int
mio_poll_fd(const struct mio_poll *poll, mio_fd_t *ret)
{
	mio_return_val_if_fail(poll, -EINVAL);
	mio_return_val_if_fail(ret, -EINVAL);
	const struct mio_registry *r = &poll->registry;
	if (!MIO_BACKEND_HAS(r->backend, selector_fd))
		return -ENOTSUP;
	return r->backend->selector_fd(r->selector, ret);
}

MIO_API int
mio_poll_poll(struct mio_poll *poll, struct mio_events *events, int64_t timeout_ns)
{
	mio_return_val_if_fail(poll, -EINVAL);
	mio_return_val_if_fail(events, -EINVAL);

	const struct mio_registry *r = &poll->registry;
	int n = r->backend->select(r->selector, events->items, events->capacity, timeout_ns);
	events->len = n > 0 ? (size_t)n : 0;
	return n;
}
