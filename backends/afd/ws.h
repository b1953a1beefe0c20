/* SPDX-License-Identifier: MIT */
/* Winsock helpers: the base socket AFD polls, and why a handle cannot be polled. */
#ifndef MIO_AFD_WS_H
#define MIO_AFD_WS_H

#include <mio/common.h>

#include "platform.h"

/* The base service provider's socket under any layered providers (LSPs): AFD polls only
 * that one. -EBADF: fd is no open handle; -EPERM: a handle that is no socket. */
int mio__afd_ws_base_socket(mio_fd_t fd, SOCKET *ret);

/* The error for a handle that is not registered: -ENOENT, or -EBADF if it is closed. */
int mio__afd_ws_unregistered_error(mio_fd_t fd);

#endif
