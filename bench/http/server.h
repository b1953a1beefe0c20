/* SPDX-License-Identifier: MIT */
/* The HTTP benchmark's servers: examples/http_core.c's "hello" logic on one event loop
 * each (epoll.c, libev.c, libevent.c, libuv.c; libmio's is examples/http_hello.c). Each
 * takes [port] (0: a free one), prints "listening on 127.0.0.1:<port> (<loop>)" and serves
 * until killed. This file: what they share besides the HTTP logic. */
#ifndef HTTP_BENCH_SERVER_H
#define HTTP_BENCH_SERVER_H

#include <sys/types.h>

#include "http_core.h"

#define HTTP_BENCH_MAX_CONNECTIONS 1024

/* A non-blocking, close-on-exec listener on 127.0.0.1:<argv[1] or 0>, backlog 1024; prints
 * the listening line naming what. Exits on error. */
int http_bench_listen(int argc, char **argv, const char *what);
/* accept4 (non-blocking, close-on-exec) with TCP_NODELAY, as every server sets it: the
 * connection's fd, or -errno (-EAGAIN: none pending). */
int http_bench_accept(int listener);
/* recv and send (MSG_NOSIGNAL) with libmio's convention: bytes or -errno. */
ssize_t http_bench_recv(int fd, void *buf, size_t len);
ssize_t http_bench_send(int fd, const void *buf, size_t len);
/* Exits with a message when a setup step failed. */
void http_bench_check(int ok, const char *what);

#endif
