/* SPDX-License-Identifier: MIT */
/* libmio: non-blocking I/O and readiness events, a C port of Rust's mio. */
#ifndef MIO_MIO_H
#define MIO_MIO_H

#include <mio/common.h>
#include <mio/error.h>
#include <mio/event.h>
#include <mio/info.h>
#include <mio/interest.h>
#include <mio/io.h>
#include <mio/net.h>
#include <mio/poll.h>
#include <mio/version.h>
#include <mio/waker.h>

#endif
