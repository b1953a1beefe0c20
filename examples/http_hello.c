/* SPDX-License-Identifier: MIT */
/* A minimal HTTP/1.1 keep-alive server on libmio: every request gets "hello".
 * Usage: http_hello [port]   (default 8080 on 127.0.0.1; 0 picks a free port)
 * Try:   curl http://127.0.0.1:8080/     or     wrk -c 64 -d 5 http://127.0.0.1:8080/
 * Prints "listening on 127.0.0.1:<port> (libmio, <backend> backend)" once it accepts.
 *
 * One thread, edge-triggered: each connection is registered once, for reading and writing.
 * After an event, http_conn_serve() (http_core.c, the request logic this example shares
 * with bench/http/'s servers on other event loops) sends what is pending and, if the event
 * is readable, reads with mio_stream_read() until a short read or -EAGAIN: by libmio's
 * short-read rule a read that returns less than asked ends the edge on every backend
 * (unless the event also reported the peer's close), so a request that arrives whole
 * costs one read. Nothing is allocated
 * per connection or request. */
#include "http_core.h"

#include <mio/mio.h>
#include <mio/net.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define LISTENER ((mio_token_t)0) /* connections' tokens are their addresses */
#define MAX_CONNECTIONS 1024

static void
close_connection(struct mio_registry *registry, struct http_pool *pool, struct http_conn *c)
{
	mio_registry_deregister(registry, c->fd);
	mio_close(c->fd);
	http_conn_close(pool, c);
}

static void
accept_all(struct mio_registry *registry, struct http_pool *pool, mio_fd_t listener)
{
	mio_fd_t fd;
	while (mio_tcp_listener_accept(listener, &fd, NULL, NULL) == 0) {
		struct http_conn *c = http_conn_open(pool, fd);
		if (!c) {
			mio_close(fd); /* full: refuse */
			continue;
		}
		mio_tcp_stream_set_nodelay(fd, true);
		if (mio_registry_register(registry, fd, (mio_token_t)c,
					  MIO_INTEREST_READABLE | MIO_INTEREST_WRITABLE) < 0)
			close_connection(registry, pool, c);
	}
}

int
main(int argc, char **argv)
{
	int port = argc > 1 ? atoi(argv[1]) : 8080;
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				    .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct http_pool *pool = http_pool_new(MAX_CONNECTIONS);
	struct mio_poll *poll;
	struct mio_events *events;
	mio_fd_t listener;
	int err = pool ? 0 : -ENOMEM;
	if (err < 0 || (err = mio_poll_new(&poll)) < 0 ||
	    (err = mio_events_new(1024, &events)) < 0 ||
	    (err = mio_tcp_listener_bind((struct sockaddr *)&addr, sizeof(addr), &listener)) < 0 ||
	    (err = mio_registry_register(mio_poll_registry(poll), listener, LISTENER,
					 MIO_INTEREST_READABLE)) < 0) {
		fprintf(stderr, "http_hello: %s\n", mio_strerror(err));
		return 1;
	}
	struct mio_registry *registry = mio_poll_registry(poll);
	char what[64];
	snprintf(what, sizeof(what), "libmio, %s backend", mio_poll_backend_name(poll));
	http_print_listening(listener, what);

	for (;;) {
		int n = mio_poll_poll(poll, events, MIO_TIMEOUT_INFINITE);
		if (n == -EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "http_hello: poll: %s\n", mio_strerror(n));
			return 1;
		}
		mio_events_foreach(e, events) {
			mio_token_t token = mio_event_token(e);
			if (token == LISTENER) {
				accept_all(registry, pool, listener);
				continue;
			}
			struct http_conn *c = (struct http_conn *)token;
			unsigned event = (mio_event_is_readable(e) ? HTTP_EVENT_READABLE : 0) |
					(mio_event_is_read_closed(e) || mio_event_is_error(e) ?
						 HTTP_EVENT_READABLE | HTTP_EVENT_READ_CLOSED : 0);
			if (http_conn_serve(c, mio_stream_read, mio_stream_write, event) == HTTP_CLOSE)
				close_connection(registry, pool, c);
		}
	}
}
