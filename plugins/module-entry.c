/* SPDX-License-Identifier: MIT */
/* The one exported symbol of every backend module. Compiled once per module with
 * -DMIO_BACKEND_DESCRIPTOR=<the backend's hidden descriptor>, so the implementation can
 * also be linked statically (for unit tests) without symbol clashes. It keeps the host's
 * services for the module's code (mio-backend-module.h). */
#include <mio-backend.h>
#include <mio-backend-module.h>

extern const struct mio_backend MIO_BACKEND_DESCRIPTOR;

const struct mio_backend_host *mio__backend_host_ptr;

const struct mio_backend *
mio_backend_entry(const struct mio_backend_host *host)
{
	mio__backend_host_ptr = host;
	return &MIO_BACKEND_DESCRIPTOR;
}
