/* SPDX-License-Identifier: MIT */
/* The fuzz's readiness oracle: what the OS says about an fd right now, independently of
 * libmio. One function, so that another platform brings its own (Windows: WSAPoll, or the
 * readiness a socket's state implies) without touching the fuzz. */
#ifndef FUZZ_ORACLE_H
#define FUZZ_ORACLE_H

#include <mio/common.h>

enum {
	FUZZ_READY_READ = 1 << 0,  /* a read would not block: data, end of file, error, hang-up */
	FUZZ_READY_WRITE = 1 << 1, /* a write would not block, or fails at once (error, hang-up) */
};

/* The FUZZ_READY_* bits of fd, without waiting. */
unsigned fuzz_oracle_ready(mio_fd_t fd);

#endif
