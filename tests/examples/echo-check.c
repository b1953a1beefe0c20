/* SPDX-License-Identifier: MIT */
/* Drives an echo example: echo-check tcp|udp <server> [clients]
 * Starts <server> 0, reads the port it prints, then has <clients> concurrent clients each
 * send their own bytes and checks each gets exactly its own bytes back. Exit 0 on success. */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define MSG_LEN 1000


static pid_t server_pid;

static _Noreturn void
die(const char *what)
{
	fprintf(stderr, "echo-check: %s: %s\n", what, strerror(errno));
	if (server_pid > 0)
		kill(server_pid, SIGTERM);
	exit(1);
}

/* Starts the server on port 0 and returns the port it printed. */
static int
start_server(const char *path)
{
	int out[2];
	if (pipe(out) < 0)
		die("pipe");
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, out[1], STDOUT_FILENO);
	posix_spawn_file_actions_addclose(&fa, out[0]);
	char *argv[] = { (char *)path, "0", NULL };
	errno = posix_spawn(&server_pid, path, &fa, NULL, argv, environ);
	if (errno)
		die("posix_spawn");
	posix_spawn_file_actions_destroy(&fa);
	close(out[1]);

	FILE *f = fdopen(out[0], "r");
	char line[256];
	int port;
	if (!f || !fgets(line, sizeof(line), f) || sscanf(line, "listening on 127.0.0.1:%d", &port) != 1)
		die("reading the server's port");
	fprintf(stderr, "server: %s", line);
	fclose(f);
	return port;
}

static void
fill_message(char *msg, int client)
{
	for (int i = 0; i < MSG_LEN; i++)
		msg[i] = (char)('a' + (client * 7 + i) % 26);
	char tag[32];
	int n = snprintf(tag, sizeof(tag), "client %d:", client);
	memcpy(msg, tag, (size_t)n);
}

/* Waits up to ms for fd to be readable. */
static bool
wait_readable(int fd, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	return poll(&pfd, 1, ms) == 1;
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
		fprintf(stderr, "echo-check: a client got someone else's bytes\n");
		kill(server_pid, SIGTERM);
		exit(1);
	}
}

static int
connect_to(int type, int port)
{
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				    .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		die("connect");
	return fd;
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
	kill(server_pid, SIGTERM);
	int status;
	waitpid(server_pid, &status, 0);
	printf("%d %s clients got their own bytes back\n", clients, argv[1]);
	return 0;
}
