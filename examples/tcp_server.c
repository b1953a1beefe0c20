/* SPDX-License-Identifier: MIT */
/* mio's tcp_server example as an echo server: every connection gets its own bytes back.
 * Usage: tcp_server [port]   (default 9000 on 127.0.0.1; 0 picks a free port).
 * Prints "listening on 127.0.0.1:<port>" once it accepts connections. */
#include <mio/mio.h>
#include <mio/net.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SERVER ((mio_token_t)0)
#define MAX_CONNECTIONS 4096
#define BUF_SIZE 4096

/* A connection's token is its slot index + 1; pending holds bytes not yet echoed back. */
struct connection {
	mio_fd_t fd;
	size_t pending;
	bool read_unfinished; /* a blocked write stopped the reading of a readable event */
	char buf[BUF_SIZE];
};

static struct connection *connections[MAX_CONNECTIONS];

static void
drop_connection(struct mio_registry *registry, mio_token_t token)
{
	struct connection *c = connections[token - 1];
	mio_registry_deregister(registry, c->fd);
	mio_close(c->fd);
	free(c);
	connections[token - 1] = NULL;
}

/* Echoes what it can after event e; returns false when the connection is finished.
 * After a readable event, reads until a short read (libmio's short-read rule: the socket is
 * drained, the next data brings a new event) or -EAGAIN; until the end or -EAGAIN when e
 * reported the peer's close or an error, which came with the data and brings no event of
 * its own. A writable-only event only sends: a read there would just hit -EAGAIN. */
static bool
echo(struct connection *c, const struct mio_event *e)
{
	bool to_end = mio_event_is_read_closed(e) || mio_event_is_error(e);
	bool drained = !mio_event_is_readable(e) && !to_end && !c->read_unfinished;
	for (;;) {
		while (c->pending) {
			ssize_t w = mio_stream_write(c->fd, c->buf, c->pending);
			if (w == -EAGAIN) {
				c->read_unfinished = !drained;
				return true; /* wait for writable */
			}
			if (w < 0)
				return false;
			memmove(c->buf, c->buf + w, c->pending - (size_t)w);
			c->pending -= (size_t)w;
		}
		c->read_unfinished = false;
		if (drained)
			return true; /* wait for the next readable edge */
		ssize_t r = mio_stream_read(c->fd, c->buf, sizeof(c->buf));
		if (r == -EAGAIN)
			return true;
		if (r <= 0)
			return false; /* closed by the peer, or an error */
		c->pending = (size_t)r;
		drained = (size_t)r < sizeof(c->buf) && !to_end;
	}
}

static void
accept_all(struct mio_registry *registry, mio_fd_t listener)
{
	mio_fd_t fd;
	while (mio_tcp_listener_accept(listener, &fd, NULL, NULL) == 0) {
		size_t slot = 0;
		while (slot < MAX_CONNECTIONS && connections[slot])
			slot++;
		struct connection *c = slot < MAX_CONNECTIONS ? calloc(1, sizeof(*c)) : NULL;
		if (!c) {
			mio_close(fd); /* full: refuse */
			continue;
		}
		c->fd = fd;
		connections[slot] = c;
		int err = mio_registry_register(registry, fd, slot + 1,
						MIO_INTEREST_READABLE | MIO_INTEREST_WRITABLE);
		if (err < 0)
			drop_connection(registry, slot + 1);
	}
}

int
main(int argc, char **argv)
{
	int port = argc > 1 ? atoi(argv[1]) : 9000;
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				    .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct mio_poll *poll;
	struct mio_events *events;
	mio_fd_t listener;
	int err;
	if ((err = mio_poll_new(&poll)) < 0 || (err = mio_events_new(1024, &events)) < 0 ||
	    (err = mio_tcp_listener_bind((struct sockaddr *)&addr, sizeof(addr), &listener)) < 0 ||
	    (err = mio_registry_register(mio_poll_registry(poll), listener, SERVER,
					 MIO_INTEREST_READABLE)) < 0) {
		fprintf(stderr, "tcp_server: %s\n", mio_strerror(err));
		return 1;
	}
	struct mio_registry *registry = mio_poll_registry(poll);
	struct sockaddr_storage bound;
	socklen_t len = sizeof(bound);
	mio_socket_local_addr(listener, &bound, &len);
	printf("listening on 127.0.0.1:%d (%s backend)\n",
	       ntohs(((struct sockaddr_in *)&bound)->sin_port), mio_poll_backend_name(poll));
	fflush(stdout);

	for (;;) {
		int n = mio_poll_poll(poll, events, MIO_TIMEOUT_INFINITE);
		if (n == -EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "tcp_server: poll: %s\n", mio_strerror(n));
			return 1;
		}
		mio_events_foreach(e, events) {
			mio_token_t token = mio_event_token(e);
			if (token == SERVER)
				accept_all(registry, listener);
			else if (connections[token - 1] && !echo(connections[token - 1], e))
				drop_connection(registry, token);
		}
	}
}
