/* SPDX-License-Identifier: MIT */
/* Drives examples/http_hello over loopback: http-check <server>
 * Starts <server> 0 and checks, each on its own connection: keep-alive requests one after
 * another; requests pipelined in one write; a request split over several writes; a request
 * with a body followed by another; more pipelined requests than the server's output buffer
 * holds (it must hold input back and answer all, in order); Connection: close, a request
 * with the client's end of stream right behind it, and a bad request (answer, then end of
 * stream); and 50 connections at once. Exit 0 on success. */
#include "example-client.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char GET[] = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: http-check\r\n\r\n";
static const char HELLO[] = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n"
			    "Content-Type: text/plain\r\n\r\nhello";
static const char BAD[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n"
			  "Connection: close\r\n\r\n";
#define HELLO_LEN (sizeof(HELLO) - 1)

static int port;

static void
send_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t w = send(fd, data, len, MSG_NOSIGNAL);
		if (w <= 0)
			die("send");
		data += w;
		len -= (size_t)w;
	}
}

/* Reads exactly len bytes (5 s at most) and compares them with expected. */
static void
expect(int fd, const char *expected, size_t len, const char *what)
{
	char *got = malloc(len);
	size_t have = 0;
	while (have < len) {
		if (!wait_readable(fd, 5000)) {
			errno = ETIMEDOUT;
			die(what);
		}
		ssize_t r = recv(fd, got + have, len - have, 0);
		if (r <= 0) {
			errno = r == 0 ? ECONNRESET : errno;
			die(what);
		}
		have += (size_t)r;
	}
	if (memcmp(got, expected, len) != 0) {
		errno = EPROTO;
		die(what);
	}
	free(got);
}

static void
expect_hellos(int fd, int count, const char *what)
{
	for (int i = 0; i < count; i++)
		expect(fd, HELLO, HELLO_LEN, what);
}

/* The server closes: end of stream within 5 s, nothing more before it. */
static void
expect_end(int fd, const char *what)
{
	char c;
	if (!wait_readable(fd, 5000) || recv(fd, &c, 1, 0) != 0) {
		errno = EPROTO;
		die(what);
	}
}

static void
keep_alive(void)
{
	int fd = connect_to(SOCK_STREAM, port);
	for (int i = 0; i < 5; i++) {
		send_all(fd, GET, sizeof(GET) - 1);
		expect_hellos(fd, 1, "keep-alive request");
	}
	close(fd);
}

/* count requests in one write. */
static void
pipelined(int count, const char *what)
{
	size_t len = (sizeof(GET) - 1) * (size_t)count;
	char *all = malloc(len);
	for (int i = 0; i < count; i++)
		memcpy(all + i * (sizeof(GET) - 1), GET, sizeof(GET) - 1);
	int fd = connect_to(SOCK_STREAM, port);
	send_all(fd, all, len);
	expect_hellos(fd, count, what);
	close(fd);
	free(all);
}

static void
split_request(void)
{
	int fd = connect_to(SOCK_STREAM, port);
	const char *parts[] = { "GET / HT", "TP/1.1\r\nHost: x\r", "\n\r", "\n" };
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		send_all(fd, parts[i], strlen(parts[i]));
		usleep(20000);
	}
	expect_hellos(fd, 1, "request split over four writes");
	close(fd);
}

static void
body_then_request(void)
{
	int fd = connect_to(SOCK_STREAM, port);
	static const char post[] = "POST /x HTTP/1.1\r\nContent-Length: 11\r\n\r\nGET / HTTP/";
	send_all(fd, post, sizeof(post) - 1);
	send_all(fd, GET, sizeof(GET) - 1);
	expect_hellos(fd, 2, "a body that looks like a request, then a request");
	close(fd);
}

static void
connection_close(void)
{
	int fd = connect_to(SOCK_STREAM, port);
	static const char req[] = "GET / HTTP/1.1\r\nConnection: close\r\n\r\n";
	send_all(fd, req, sizeof(req) - 1);
	send_all(fd, GET, sizeof(GET) - 1); /* after the close request: never answered */
	expect_hellos(fd, 1, "Connection: close");
	expect_end(fd, "end of stream after Connection: close");
	close(fd);

	/* The request and the end of the stream arrive together: answered, then closed. */
	fd = connect_to(SOCK_STREAM, port);
	send_all(fd, GET, sizeof(GET) - 1);
	if (shutdown(fd, SHUT_WR) < 0)
		die("shutdown");
	expect_hellos(fd, 1, "a request followed by the end of the stream");
	expect_end(fd, "end of stream after the client's");
	close(fd);

	fd = connect_to(SOCK_STREAM, port);
	send_all(fd, "nonsense\r\n\r\n", 12);
	expect(fd, BAD, sizeof(BAD) - 1, "400 for a bad request");
	expect_end(fd, "end of stream after a bad request");
	close(fd);
}

static void
many_connections(int count)
{
	int *fds = calloc((size_t)count, sizeof(int));
	for (int i = 0; i < count; i++)
		fds[i] = connect_to(SOCK_STREAM, port);
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < count; i++)
			send_all(fds[i], GET, sizeof(GET) - 1);
		for (int i = 0; i < count; i++)
			expect_hellos(fds[i], 1, "one of many connections");
	}
	for (int i = 0; i < count; i++)
		close(fds[i]);
	free(fds);
}

int
main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: http-check <server>\n");
		return 2;
	}
	port = start_server(argv[1]);
	keep_alive();
	pipelined(10, "10 pipelined requests");
	/* 200 answers are about 13 KB, three times the server's output buffer. */
	pipelined(200, "200 pipelined requests");
	split_request();
	body_then_request();
	connection_close();
	many_connections(50);
	stop_server();
	printf("the server answered every request\n");
	return 0;
}
