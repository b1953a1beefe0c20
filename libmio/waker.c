/* SPDX-License-Identifier: MIT */
/* Waker: the core enforces one live waker per poll family; the backend does the rest. */
#include "mio-private.h"

#include <stdlib.h>

struct mio_waker {
	const struct mio_backend *backend;
	struct mio_backend_waker *impl;
	struct mio_family *family;
};

MIO_API int
mio_waker_new(struct mio_registry *registry, mio_token_t token, struct mio_waker **ret)
{
	mio_return_val_if_fail(registry, -EINVAL);
	mio_return_val_if_fail(ret, -EINVAL);

	struct mio_family *family = registry->family;
	if (atomic_exchange(&family->has_waker, true))
		return -EEXIST;

	struct mio_waker *w = malloc(sizeof(*w));
	int err = w ? registry->backend->waker_new(registry->selector, token, &w->impl) : -ENOMEM;
	if (err < 0) {
		free(w);
		atomic_store(&family->has_waker, false);
		return err;
	}
	w->backend = registry->backend;
	w->family = family;
	mio__family_ref(family);
	*ret = w;
	return 0;
}

MIO_API int
mio_waker_wake(struct mio_waker *waker)
{
	mio_return_val_if_fail(waker, -EINVAL);
	return waker->backend->waker_wake(waker->impl);
}

MIO_API void
mio_waker_free(struct mio_waker *waker)
{
	if (!waker)
		return;
	waker->backend->waker_free(waker->impl);
	atomic_store(&waker->family->has_waker, false);
	mio__family_unref(waker->family);
	free(waker);
}
