/* SPDX-License-Identifier: MIT */
/* The HTTP server on libev: one ev_io per connection (level-triggered, as libev is),
 * EV_WRITE added only while output waits. */
#include "server.h"

#include <ev.h>
#include <stdlib.h>
#include <unistd.h>

static struct http_pool *pool;

struct watcher {
	ev_io io;
	struct http_conn *c;
};

static void
conn_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct watcher *cw = (struct watcher *)w;
	enum http_next next = http_conn_serve(cw->c, http_bench_recv, http_bench_send,
					       revents & EV_READ ? HTTP_EVENT_READABLE : 0);
	int want = next == HTTP_WAIT_WRITABLE ? EV_READ | EV_WRITE : EV_READ;
	if (next == HTTP_CLOSE) {
		ev_io_stop(loop, w);
		close(cw->c->fd);
		http_conn_close(pool, cw->c);
		free(cw);
	} else if ((w->events & (EV_READ | EV_WRITE)) != want) {
		ev_io_stop(loop, w);
		ev_io_set(w, cw->c->fd, want);
		ev_io_start(loop, w);
	}
}

static void
accept_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	int fd;
	while ((fd = http_bench_accept(w->fd)) >= 0) {
		struct http_conn *c = http_conn_open(pool, fd);
		struct watcher *cw = c ? malloc(sizeof(*cw)) : NULL;
		if (!cw) {
			close(fd);
			if (c)
				http_conn_close(pool, c);
			continue;
		}
		cw->c = c;
		ev_io_init(&cw->io, conn_cb, fd, EV_READ);
		ev_io_start(loop, &cw->io);
	}
}

int
main(int argc, char **argv)
{
	int listener = http_bench_listen(argc, argv, "libev");
	pool = http_pool_new(HTTP_BENCH_MAX_CONNECTIONS);
	struct ev_loop *loop = ev_default_loop(EVFLAG_AUTO);
	http_bench_check(pool && loop, "libev setup");
	ev_io accept_watcher;
	ev_io_init(&accept_watcher, accept_cb, listener, EV_READ);
	ev_io_start(loop, &accept_watcher);
	ev_run(loop, 0);
	return 1;
}
