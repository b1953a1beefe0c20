/* SPDX-License-Identifier: MIT */
/* The example checks' shared client side (example-client.h). */
#include "example-client.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __APPLE__
#include <crt_externs.h> /* environ: glibc declares it in <unistd.h>, macOS does not */
#define environ (*_NSGetEnviron())
#endif


static pid_t server_pid;

void
die(const char *what)
{
	fprintf(stderr, "check failed: %s: %s\n", what, strerror(errno));
	if (server_pid > 0)
		kill(server_pid, SIGTERM);
	exit(1);
}

int
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

void
stop_server(void)
{
	kill(server_pid, SIGTERM);
	int status;
	waitpid(server_pid, &status, 0);
	server_pid = 0;
}

int
connect_to(int type, int port)
{
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				    .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
#ifdef SOCK_CLOEXEC
	int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);
#else
	int fd = socket(AF_INET, type, 0); /* macOS: no SOCK_CLOEXEC, and nothing execs here */
#endif
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		die("connect");
	return fd;
}

bool
wait_readable(int fd, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	return poll(&pfd, 1, ms) == 1;
}
