/* SPDX-License-Identifier: MIT */
/* Raw epoll, the floor. Variant "et" (default): edge-triggered; "lt": level-triggered.
 * Either reads as the driver's -r says: until a short read (one read per event here, the
 * floor for libmio's short-read loop) or until EAGAIN (the floor for a draining loop). */
#include "common.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>

static int epfd;
static bool edge;
static struct epoll_event events[BENCH_EVENT_CAPACITY];

static int
epoll_setup(const char *variant, const int *read_fds, size_t n)
{
	if (variant && strcmp(variant, "et") != 0 && strcmp(variant, "lt") != 0) {
		fprintf(stderr, "epoll: variant must be 'et' or 'lt'\n");
		return -EINVAL;
	}
	edge = !variant || strcmp(variant, "et") == 0;
	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (epfd < 0)
		return -errno;
	for (size_t i = 0; i < n; i++) {
		struct epoll_event ev = { .events = EPOLLIN | (edge ? EPOLLET : 0), .data.u64 = i };
		if (epoll_ctl(epfd, EPOLL_CTL_ADD, read_fds[i], &ev) < 0) {
			perror("epoll_ctl");
			return -errno;
		}
	}
	return 0;
}

static int
epoll_turn(void)
{
	int n = epoll_wait(epfd, events, BENCH_EVENT_CAPACITY, 0);
	if (n < 0)
		return -errno;
	for (int i = 0; i < n; i++)
		if (events[i].events & EPOLLIN)
			bench_read((size_t)events[i].data.u64);
	return 0;
}

const struct bench_impl bench_impl = { "epoll", true, epoll_setup, epoll_turn };
