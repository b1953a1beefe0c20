/* SPDX-License-Identifier: MIT */
/* Drives an echo example: echo-check tcp|udp <server> [clients]
 * Starts <server> 0, reads the port it prints, then has <clients> concurrent clients each
 * send their own bytes and checks each gets exactly its own bytes back. Exit 0 on success. */
#include "example-client.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define MSG_LEN 1000

static void
fill_message(char *msg, int client)
{
	for (int i = 0; i < MSG_LEN; i++)
		msg[i] = (char)('a' + (client * 7 + i) % 26);
	char tag[32];
	int n = snprintf(tag, sizeof(tag), "client %d:", client);
	memcpy(msg, tag, (size_t)n);
}

static void
send_message(int fd, const char *msg)
{
	if (send(fd, msg, MSG_LEN, MSG_NOSIGNAL) != MSG_LEN)
		die("send");
}

/* Reads the echo of msg. UDP may drop datagrams (200 arriving at once can overflow the
 * server's receive buffer), so a UDP client sends again after 200 ms of silence. */
static void
expect_echo(int fd, int type, const char *msg)
{
	char got[MSG_LEN];
	size_t have = 0;
	for (int tries = 0; have < MSG_LEN; tries++) {
		if (!wait_readable(fd, type == SOCK_DGRAM ? 200 : 5000)) {
			if (type != SOCK_DGRAM || tries == 25) {
				errno = ETIMEDOUT;
				die("waiting for the echo");
			}
			send_message(fd, msg);
			continue;
		}
		ssize_t r = recv(fd, got + have, MSG_LEN - have, 0);
		if (r <= 0)
			die("recv");
		have += (size_t)r;
	}
	if (memcmp(msg, got, MSG_LEN) != 0) {
		errno = EPROTO;
		die("a client got someone else's bytes");
	}
}

int
main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: echo-check tcp|udp <server> [clients]\n");
		return 2;
	}
	int type = strcmp(argv[1], "udp") == 0 ? SOCK_DGRAM : SOCK_STREAM;
	int clients = argc > 3 ? atoi(argv[3]) : 200;
	int *fds = calloc((size_t)clients, sizeof(int));
	int port = start_server(argv[2]);

	/* All clients connected at once, then all send, then each checks its echo. */
	for (int i = 0; i < clients; i++)
		fds[i] = connect_to(type, port);
	char msg[MSG_LEN];
	for (int i = 0; i < clients; i++) {
		fill_message(msg, i);
		send_message(fds[i], msg);
	}
	for (int i = 0; i < clients; i++) {
		fill_message(msg, i);
		expect_echo(fds[i], type, msg);
		close(fds[i]);
	}
	free(fds);
	stop_server();
	printf("%d %s clients got their own bytes back\n", clients, argv[1]);
	return 0;
}
