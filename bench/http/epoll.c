/* SPDX-License-Identifier: MIT */
/* The HTTP floor: raw epoll, edge-triggered like libmio (each connection registered once
 * for EPOLLIN | EPOLLOUT | EPOLLET), reading until a short read or EAGAIN with recv. */
#include "server.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <unistd.h>

/* What http_conn_serve() needs to know of an event. */
static unsigned
event_of(uint32_t events)
{
	unsigned e = events & EPOLLIN ? HTTP_EVENT_READABLE : 0;
	if (events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR))
		e |= HTTP_EVENT_READABLE | HTTP_EVENT_READ_CLOSED;
	return e;
}

static void
accept_all(int epfd, int listener, struct http_pool *pool)
{
	int fd;
	while ((fd = http_bench_accept(listener)) >= 0) {
		struct http_conn *c = http_conn_open(pool, fd);
		struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET,
					  .data.ptr = c };
		if (!c || epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
			close(fd);
			if (c)
				http_conn_close(pool, c);
		}
	}
}

int
main(int argc, char **argv)
{
	int listener = http_bench_listen(argc, argv, "raw epoll");
	struct http_pool *pool = http_pool_new(HTTP_BENCH_MAX_CONNECTIONS);
	int epfd = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event ev = { .events = EPOLLIN | EPOLLET, .data.ptr = NULL };
	http_bench_check(pool && epfd >= 0 && epoll_ctl(epfd, EPOLL_CTL_ADD, listener, &ev) == 0,
			 "epoll setup");
	static struct epoll_event events[1024];
	for (;;) {
		int n = epoll_wait(epfd, events, 1024, -1);
		http_bench_check(n >= 0 || errno == EINTR, "epoll_wait");
		for (int i = 0; i < n; i++) {
			struct http_conn *c = events[i].data.ptr;
			if (!c) {
				accept_all(epfd, listener, pool);
			} else if (http_conn_serve(c, http_bench_recv, http_bench_send,
						   event_of(events[i].events)) == HTTP_CLOSE) {
				close(c->fd); /* leaves the epoll set with its last fd */
				http_conn_close(pool, c);
			}
		}
	}
}
