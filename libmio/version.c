/* SPDX-License-Identifier: MIT */
/* The run-time version (<mio/version.h>): the headers libmio itself was built with. */
#include "mio-private.h"

MIO_API unsigned
mio_version(void)
{
	return MIO_VERSION_HEX;
}

MIO_API const char *
mio_version_string(void)
{
	return MIO_VERSION;
}
