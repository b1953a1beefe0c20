/* SPDX-License-Identifier: MIT */
/* mio's udp_server example: echoes every datagram back to its sender.
 * Usage: udp_server [port]   (default 9000 on 127.0.0.1; 0 picks a free port).
 * Prints "listening on 127.0.0.1:<port>" once it receives datagrams. */
#include <mio/mio.h>
#include <mio/net.h>

#include <stdio.h>
#include <stdlib.h>

#define UDP_SOCKET ((mio_token_t)0)

int
main(int argc, char **argv)
{
	int port = argc > 1 ? atoi(argv[1]) : 9000;
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				    .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct mio_poll *poll;
	struct mio_events *events;
	mio_fd_t sock;
	int err;
	if ((err = mio_poll_new(&poll)) < 0 || (err = mio_events_new(1024, &events)) < 0 ||
	    (err = mio_udp_bind((struct sockaddr *)&addr, sizeof(addr), &sock)) < 0 ||
	    (err = mio_registry_register(mio_poll_registry(poll), sock, UDP_SOCKET,
					 MIO_INTEREST_READABLE)) < 0) {
		fprintf(stderr, "udp_server: %s\n", mio_strerror(err));
		return 1;
	}
	struct sockaddr_storage bound;
	socklen_t len = sizeof(bound);
	mio_socket_local_addr(sock, &bound, &len);
	printf("listening on 127.0.0.1:%d (%s backend)\n",
	       ntohs(((struct sockaddr_in *)&bound)->sin_port), mio_poll_backend_name(poll));
	fflush(stdout);

	char buf[65536];
	for (;;) {
		int n = mio_poll_poll(poll, events, MIO_TIMEOUT_INFINITE);
		if (n == -EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "udp_server: poll: %s\n", mio_strerror(n));
			return 1;
		}
		/* One socket: every event is ours. Receive until -EAGAIN (edge-triggered). */
		for (;;) {
			struct sockaddr_storage from;
			socklen_t from_len = sizeof(from);
			ssize_t r = mio_udp_recv_from(sock, buf, sizeof(buf), &from, &from_len);
			if (r == -EAGAIN)
				break;
			if (r < 0)
				continue; /* e.g. an ICMP error for an earlier echo */
			/* A full send buffer drops the echo, as UDP may. */
			mio_udp_send_to(sock, buf, (size_t)r, (struct sockaddr *)&from, from_len);
		}
	}
}
