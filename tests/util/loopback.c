/* SPDX-License-Identifier: MIT */
#include "loopback.h"

#if defined(_WIN32)
/* Windows' loopback cannot be taken down like lo in a network namespace. */
bool
mt_loopback_usable(int family, char *why, size_t size)
{
	(void)family;
	(void)why;
	(void)size;
	return true;
}
#else
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* One datagram to ourselves: bind, connect to our own address, send, wait up to 1 s. */
static const char *
try_echo(int fd, struct sockaddr_storage *ss, socklen_t len)
{
	if (bind(fd, (struct sockaddr *)ss, len) < 0)
		return "bind";
	if (getsockname(fd, (struct sockaddr *)ss, &len) < 0)
		return "getsockname";
	if (connect(fd, (struct sockaddr *)ss, len) < 0)
		return "connect";
	if (send(fd, "x", 1, 0) != 1)
		return "send";
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char c;
	if (poll(&pfd, 1, 1000) != 1) {
		errno = ETIMEDOUT;
		return "waiting for the datagram";
	}
	if (recv(fd, &c, 1, 0) != 1)
		return "recv";
	return NULL;
}

bool
mt_loopback_usable(int family, char *why, size_t size)
{
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof(ss));
	socklen_t len;
	const char *name;
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		len = sizeof(*sin);
		name = "127.0.0.1";
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = in6addr_loopback;
		len = sizeof(*sin6);
		name = "::1";
	}
	/* Blocking is fine (poll() waits first); fcntl, as macOS has no SOCK_CLOEXEC. */
	int fd = socket(family, SOCK_DGRAM, 0);
	if (fd >= 0)
		(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	const char *failed = fd < 0 ? "socket" : try_echo(fd, &ss, len);
	int err = errno;
	if (fd >= 0)
		close(fd);
	if (failed)
		snprintf(why, size, "loopback %s is not usable here (%s: %s); is lo down, as in a "
			 "network namespace without loopback?", name, failed, strerror(err));
	return !failed;
}
#endif
