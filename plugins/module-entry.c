/* SPDX-License-Identifier: MIT */
/* The one exported symbol of every backend module. Compiled once per module with
 * -DMIO_BACKEND_DESCRIPTOR=<the backend's hidden descriptor>, so the implementation can
 * also be linked statically (for unit tests) without symbol clashes. */
#include <mio-backend.h>

extern const struct mio_backend MIO_BACKEND_DESCRIPTOR;

const struct mio_backend *
mio_backend_entry(void)
{
	return &MIO_BACKEND_DESCRIPTOR;
}
