/* SPDX-License-Identifier: MIT */
/* Error convention: functions return >= 0 on success and a negative errno on failure. */
#ifndef MIO_ERROR_H
#define MIO_ERROR_H

#include <mio/common.h>

MIO_BEGIN_DECLS

/* A static, human-readable text for a negative (or positive) errno value.
 * Never NULL; unknown values give "Unknown error". Thread-safe. */
MIO_API const char *mio_strerror(int err);

MIO_END_DECLS

#endif
