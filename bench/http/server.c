/* SPDX-License-Identifier: MIT */
/* The HTTP benchmark servers' shared setup and I/O wrappers (server.h). */
#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

void
http_bench_check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "http server: %s: %s\n", what, strerror(errno));
		exit(1);
	}
}

int
http_bench_listen(int argc, char **argv, const char *what)
{
	struct sockaddr_in addr = { .sin_family = AF_INET,
				    .sin_port = htons((uint16_t)(argc > 1 ? atoi(argv[1]) : 0)),
				    .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int one = 1;
	http_bench_check(fd >= 0 && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
					       sizeof(one)) == 0 &&
				 bind(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0 &&
				 listen(fd, 1024) == 0,
			 "listen");
	http_print_listening(fd, what);
	return fd;
}

int
http_bench_accept(int listener)
{
	int fd = accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return -errno;
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

ssize_t
http_bench_recv(int fd, void *buf, size_t len)
{
	ssize_t r = recv(fd, buf, len, 0);
	return r < 0 ? -errno : r;
}

ssize_t
http_bench_send(int fd, const void *buf, size_t len)
{
	ssize_t r = send(fd, buf, len, MSG_NOSIGNAL);
	return r < 0 ? -errno : r;
}
