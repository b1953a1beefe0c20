/* SPDX-License-Identifier: MIT */
/* A minimal HTTP/1.1 keep-alive server's logic, apart from any event loop: every request
 * gets "hello". Used by examples/http_hello.c (libmio) and by bench/http/'s servers on raw
 * epoll, libuv, libev and libevent, so that all of them answer with the same code.
 *
 * The event loop reads into http_conn_in_space(), reports the bytes with
 * http_conn_received(), and sends http_conn_out(), reporting what it sent with
 * http_conn_sent(). Pipelined requests are answered in order; a request split over reads
 * waits for its end. Nothing is allocated after http_pool_new().
 */
#ifndef HTTP_CORE_H
#define HTTP_CORE_H

#include <stdbool.h>
#include <stddef.h>

#include <mio/common.h> /* mio_fd_t: an fd on POSIX (what every loop here uses), a SOCKET on
			  * Windows */

#define HTTP_IN_SIZE 4096
#define HTTP_OUT_SIZE 4096

struct http_conn {
	mio_fd_t fd;
	void *loop_data; /* the event loop's own per-connection data */
	size_t in_start, in_end; /* unparsed input: in[in_start, in_end) */
	size_t out_start, out_end; /* unsent output */
	size_t body_left; /* bytes of a request body still to skip */
	bool closing; /* close once the output is sent (Connection: close, bad request) */
	bool read_unfinished; /* a blocked write stopped the reading of a readable event */
	char in[HTTP_IN_SIZE];
	char out[HTTP_OUT_SIZE];
};

/* A fixed pool of connections, allocated once. */
struct http_pool;
struct http_pool *http_pool_new(size_t capacity);
/* A fresh connection for fd, or NULL when every one is in use. */
struct http_conn *http_conn_open(struct http_pool *pool, mio_fd_t fd);
void http_conn_close(struct http_pool *pool, struct http_conn *c);

/* Where the next read goes and how much fits there; 0 while unsent output holds requests
 * back (send first). */
char *http_conn_in_space(struct http_conn *c, size_t *ret_len);
/* n bytes were read into the space: answers every complete request that fits. */
void http_conn_received(struct http_conn *c, size_t n);
/* The output to send (*ret_len 0: none). */
const char *http_conn_out(const struct http_conn *c, size_t *ret_len);
/* n bytes of it were sent; answers requests that were held back. */
void http_conn_sent(struct http_conn *c, size_t n);
/* True when the connection should be closed: it asked to close (or sent a bad request)
 * and everything is sent. */
bool http_conn_done(const struct http_conn *c);

/* For readiness-based event loops: after an event on c, sends what is pending and, after a
 * readable event, reads until a short read (libmio's short-read rule; for a
 * level-triggered loop, one read) or -EAGAIN, answering what arrives. event says what the
 * event reported: HTTP_EVENT_READABLE, and HTTP_EVENT_READ_CLOSED when it also reported the
 * peer's close or an error (which a short read does not end: then it reads until the end of
 * the stream). read and write return bytes or -errno (mio_stream_read and mio_stream_write,
 * or wrappers of recv and send). Returns what to wait for next: readable only, or writable
 * too (output is pending and holds further input back); or that the connection is finished
 * (closed by the peer, an error, or done). */
enum http_next { HTTP_WAIT_READABLE, HTTP_WAIT_WRITABLE, HTTP_CLOSE };
enum { HTTP_EVENT_READABLE = 1 << 0, HTTP_EVENT_READ_CLOSED = 1 << 1 };
typedef ssize_t (*http_read_fn)(mio_fd_t fd, void *buf, size_t len);
typedef ssize_t (*http_write_fn)(mio_fd_t fd, const void *buf, size_t len);
enum http_next http_conn_serve(struct http_conn *c, http_read_fn read, http_write_fn write,
			       unsigned event);

/* "listening on 127.0.0.1:<port> (<what>)" on stdout, for the benchmark and the tests. */
void http_print_listening(mio_fd_t listener, const char *what);

#endif
