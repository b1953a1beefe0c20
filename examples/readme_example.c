/* SPDX-License-Identifier: MIT */
/* The README's program (mio's README example): a TCP listener and a client in one process.
 * The client connects and says hello, the server answers, and it exits 0 after the
 * exchange, saying which backend it used. */
#include <mio/mio.h>
#include <mio/net.h>

#include <stdio.h>
#include <string.h>

#define SERVER 0
#define CLIENT 1
#define PEER 2

#define check(expr)                                                                          \
	do {                                                                                 \
		int err_ = (int)(expr);                                                      \
		if (err_ < 0) {                                                              \
			fprintf(stderr, "%s: %s\n", #expr, mio_strerror(err_));              \
			return 1;                                                            \
		}                                                                            \
	} while (0)

int
main(void)
{
	struct mio_poll *poll;
	struct mio_events *events;
	check(mio_poll_new(&poll));
	check(mio_events_new(128, &events));
	struct mio_registry *registry = mio_poll_registry(poll);

	/* Listen on a free loopback port, then connect to it. */
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_storage bound;
	socklen_t len = sizeof(bound);
	mio_fd_t server, client, peer = -1;
	check(mio_tcp_listener_bind((struct sockaddr *)&addr, sizeof(addr), &server));
	check(mio_socket_local_addr(server, &bound, &len));
	check(mio_registry_register(registry, server, SERVER, MIO_INTEREST_READABLE));
	check(mio_tcp_stream_connect((struct sockaddr *)&bound, len, &client));
	check(mio_registry_register(registry, client, CLIENT,
				    MIO_INTEREST_READABLE | MIO_INTEREST_WRITABLE));

	bool said_hello = false, done = false;
	char buf[64];
	while (!done) {
		int n = mio_poll_poll(poll, events, MIO_TIMEOUT_INFINITE);
		if (n == -EINTR)
			continue;
		check(n);
		mio_events_foreach(e, events) {
			switch (mio_event_token(e)) {
			case SERVER: /* Accept until -EAGAIN: events are edge-triggered. */
				while (mio_tcp_listener_accept(server, &peer, NULL, NULL) == 0)
					check(mio_registry_register(registry, peer, PEER,
								    MIO_INTEREST_READABLE));
				break;
			case CLIENT:
				if (mio_event_is_writable(e) && !said_hello) {
					check(mio_stream_write(client, "hello", 5));
					said_hello = true;
				}
				if (mio_event_is_readable(e)) {
					ssize_t r = mio_stream_read(client, buf, sizeof(buf));
					if (r > 0) {
						printf("client got '%.*s'\n", (int)r, buf);
						done = true;
					}
				}
				break;
			case PEER: {
				ssize_t r = mio_stream_read(peer, buf, sizeof(buf));
				if (r > 0) {
					printf("server got '%.*s'\n", (int)r, buf);
					check(mio_stream_write(peer, "world", 5));
				}
				break;
			}
			}
		}
	}
	printf("done, using the %s backend\n", mio_poll_backend_name(poll));

	mio_close(peer);
	mio_close(client);
	mio_close(server);
	mio_events_free(events);
	mio_poll_free(poll);
	return 0;
}
