/* SPDX-License-Identifier: MIT */
/* What the example checks share: start an example server, connect to it, fail loudly. */
#ifndef EXAMPLE_CLIENT_H
#define EXAMPLE_CLIENT_H

#include <stdbool.h>

/* Prints "check failed: <what>: <strerror(errno)>", stops the server, exits 1. */
_Noreturn void die(const char *what);
/* Starts the server at path with the argument "0" and returns the port it prints in its
 * first line ("listening on 127.0.0.1:<port>..."). */
int start_server(const char *path);
/* SIGTERM to the server, and waits for it. */
void stop_server(void);
/* A blocking, close-on-exec socket of type (SOCK_STREAM, SOCK_DGRAM) connected to
 * 127.0.0.1:port. */
int connect_to(int type, int port);
/* Waits up to ms for fd to be readable. */
bool wait_readable(int fd, int ms);

#endif
