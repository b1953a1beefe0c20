/* SPDX-License-Identifier: MIT */
/* A libmio poll nested in a GLib main loop: a TCP echo server served by libmio while GLib
 * dispatches its own sources (a timer), and a GThread that wakes the poll with a waker.
 * The poll's selector fd is watched with g_unix_fd_add(): when it is readable, one
 * non-blocking mio_poll_poll() collects the events (docs/glib.md). Needs a backend with a
 * selector fd (epoll, kqueue); on the poll backend mio_poll_fd() says -ENOTSUP.
 * Usage: glib_echo [port]   (0 picks a free port). Prints "listening on 127.0.0.1:<port>". */
#include <mio/mio.h>

#include <arpa/inet.h>
#include <glib-unix.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>

#define LISTENER ((mio_token_t)1)
#define WAKER ((mio_token_t)2)

struct server {
	struct mio_poll *poll;
	struct mio_events *events;
	mio_fd_t listener;
	GHashTable *streams; /* token -> struct stream */
	mio_token_t next_token;
	guint wakes, ticks;
};

struct stream {
	mio_fd_t fd;
	GByteArray *pending; /* read, not yet echoed */
};

static void
stream_free(gpointer data)
{
	struct stream *st = data;
	mio_close(st->fd);
	g_byte_array_unref(st->pending);
	g_free(st);
}

/* Echoes until the stream would block; FALSE when it is finished. */
static gboolean
serve(mio_fd_t fd, GByteArray *pending)
{
	char buf[4096];
	for (;;) {
		while (pending->len) {
			ssize_t w = mio_stream_write(fd, pending->data, pending->len);
			if (w == -EAGAIN)
				return TRUE;
			if (w < 0)
				return FALSE;
			g_byte_array_remove_range(pending, 0, (guint)w);
		}
		ssize_t r = mio_stream_read(fd, buf, sizeof(buf));
		if (r == -EAGAIN)
			return TRUE;
		if (r <= 0)
			return FALSE;
		g_byte_array_append(pending, (const guint8 *)buf, (guint)r);
	}
}

static void
accept_all(struct server *s)
{
	mio_fd_t fd;
	while (mio_tcp_listener_accept(s->listener, &fd, NULL, NULL) == 0) {
		mio_token_t token = s->next_token++;
		if (mio_registry_register(mio_poll_registry(s->poll), fd, token,
					  MIO_INTEREST_READABLE | MIO_INTEREST_WRITABLE) < 0) {
			mio_close(fd);
			continue;
		}
		struct stream *st = g_new0(struct stream, 1);
		st->fd = fd;
		st->pending = g_byte_array_new();
		g_hash_table_insert(s->streams, GSIZE_TO_POINTER(token), st);
	}
}

/* The selector fd is readable: collect without blocking and dispatch. */
static gboolean
on_poll_readable(gint fd, GIOCondition condition, gpointer data)
{
	struct server *s = data;
	int n = mio_poll_poll(s->poll, s->events, 0);
	if (n < 0 && n != -EINTR) {
		g_printerr("glib_echo: poll: %s\n", mio_strerror(n));
		return G_SOURCE_REMOVE;
	}
	mio_events_foreach(e, s->events) {
		mio_token_t token = mio_event_token(e);
		if (token == LISTENER) {
			accept_all(s);
		} else if (token == WAKER) {
			s->wakes++;
		} else {
			struct stream *st = g_hash_table_lookup(s->streams, GSIZE_TO_POINTER(token));
			if (st && !serve(st->fd, st->pending)) {
				mio_registry_deregister(mio_poll_registry(s->poll), st->fd);
				g_hash_table_remove(s->streams, GSIZE_TO_POINTER(token)); /* closes */
			}
		}
	}
	return G_SOURCE_CONTINUE;
}

static gboolean
on_tick(gpointer data)
{
	struct server *s = data;
	s->ticks++;
	return G_SOURCE_CONTINUE;
}

/* Another thread wakes the poll once a second: its events arrive through GLib too. */
static gpointer
waker_thread(gpointer data)
{
	for (;;) {
		g_usleep(G_USEC_PER_SEC);
		mio_waker_wake(data);
	}
	return NULL;
}

int
main(int argc, char **argv)
{
	int port = argc > 1 ? atoi(argv[1]) : 9000;
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				    .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct server s = { .next_token = WAKER + 1 };
	struct mio_waker *waker;
	mio_fd_t selector;
	int err;
	if ((err = mio_poll_new(&s.poll)) < 0 || (err = mio_events_new(256, &s.events)) < 0 ||
	    (err = mio_poll_fd(s.poll, &selector)) < 0 ||
	    (err = mio_waker_new(mio_poll_registry(s.poll), WAKER, &waker)) < 0 ||
	    (err = mio_tcp_listener_bind((struct sockaddr *)&addr, sizeof(addr), &s.listener)) < 0 ||
	    (err = mio_registry_register(mio_poll_registry(s.poll), s.listener, LISTENER,
					 MIO_INTEREST_READABLE)) < 0) {
		fprintf(stderr, "glib_echo: %s\n", mio_strerror(err));
		return 1;
	}
	s.streams = g_hash_table_new_full(NULL, NULL, NULL, stream_free);
	struct sockaddr_storage bound;
	socklen_t len = sizeof(bound);
	mio_socket_local_addr(s.listener, &bound, &len);
	printf("listening on 127.0.0.1:%d (%s backend, in a GLib main loop)\n",
	       ntohs(((struct sockaddr_in *)&bound)->sin_port), mio_poll_backend_name(s.poll));
	fflush(stdout);

	GMainLoop *loop = g_main_loop_new(NULL, FALSE);
	g_unix_fd_add(selector, G_IO_IN, on_poll_readable, &s);
	g_timeout_add(100, on_tick, &s);
	g_thread_unref(g_thread_new("waker", waker_thread, waker));
	g_main_loop_run(loop);
	return 0;
}
