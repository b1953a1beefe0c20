/* SPDX-License-Identifier: MIT */
/* The HTTP server on libevent 2: one persistent event per connection (level-triggered),
 * re-added with EV_WRITE only while output waits. */
#include "server.h"

#include <event2/event.h>
#include <stdlib.h>
#include <unistd.h>

static struct http_pool *pool;
static struct event_base *base;

struct watcher {
	struct event *ev;
	short events;
};

static void
conn_cb(evutil_socket_t fd, short what, void *arg)
{
	struct http_conn *c = arg;
	struct watcher *w = c->loop_data;
	enum http_next next = http_conn_serve(c, http_bench_recv, http_bench_send,
					       what & EV_READ ? HTTP_EVENT_READABLE : 0);
	short want = EV_READ | EV_PERSIST | (next == HTTP_WAIT_WRITABLE ? EV_WRITE : 0);
	if (next == HTTP_CLOSE) {
		event_free(w->ev);
		free(w);
		close(fd);
		http_conn_close(pool, c);
	} else if (want != w->events) {
		event_del(w->ev);
		event_assign(w->ev, base, fd, want, conn_cb, c);
		event_add(w->ev, NULL);
		w->events = want;
	}
}

static void
accept_cb(evutil_socket_t listener, short what, void *arg)
{
	int fd;
	while ((fd = http_bench_accept(listener)) >= 0) {
		struct http_conn *c = http_conn_open(pool, fd);
		struct watcher *w = c ? malloc(sizeof(*w)) : NULL;
		if (w)
			w->ev = event_new(base, fd, EV_READ | EV_PERSIST, conn_cb, c);
		if (!w || !w->ev || event_add(w->ev, NULL) < 0) {
			close(fd);
			if (c)
				http_conn_close(pool, c);
			if (w && w->ev)
				event_free(w->ev);
			free(w);
			continue;
		}
		w->events = EV_READ | EV_PERSIST;
		c->loop_data = w;
	}
}

int
main(int argc, char **argv)
{
	int listener = http_bench_listen(argc, argv, "libevent");
	pool = http_pool_new(HTTP_BENCH_MAX_CONNECTIONS);
	base = event_base_new();
	http_bench_check(pool && base, "libevent setup");
	struct event *accept_ev = event_new(base, listener, EV_READ | EV_PERSIST, accept_cb, NULL);
	http_bench_check(accept_ev && event_add(accept_ev, NULL) == 0, "libevent listener");
	event_base_dispatch(base);
	return 1;
}
