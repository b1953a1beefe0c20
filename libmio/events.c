/* SPDX-License-Identifier: MIT */
/* The event buffer: one allocation, filled in place by the backend. */
#include "mio-private.h"

#include <stdlib.h>

MIO_API int
mio_events_new(size_t capacity, struct mio_events **ret)
{
	mio_return_val_if_fail(ret, -EINVAL);
	mio_return_val_if_fail(capacity > 0, -EINVAL);
	mio_return_val_if_fail(capacity <= (SIZE_MAX - sizeof(struct mio_events)) /
						   sizeof(struct mio_event),
			       -ENOMEM);

	struct mio_events *ev = malloc(sizeof(*ev) + capacity * sizeof(struct mio_event));
	if (!ev)
		return -ENOMEM;
	ev->len = 0;
	ev->capacity = capacity;
	*ret = ev;
	return 0;
}

MIO_API void
mio_events_free(struct mio_events *events)
{
	free(events);
}

MIO_API size_t
mio_events_len(const struct mio_events *events)
{
	return events ? events->len : 0;
}

MIO_API size_t
mio_events_capacity(const struct mio_events *events)
{
	return events ? events->capacity : 0;
}

MIO_API bool
mio_events_is_empty(const struct mio_events *events)
{
	return mio_events_len(events) == 0;
}

MIO_API void
mio_events_clear(struct mio_events *events)
{
	if (events)
		events->len = 0;
}

MIO_API const struct mio_event *
mio_events_get(const struct mio_events *events, size_t i)
{
	if (!events || i >= events->len)
		return NULL;
	return &events->items[i];
}
