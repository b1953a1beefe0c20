/* SPDX-License-Identifier: MIT */
/* The "hello" HTTP/1.1 server's logic (http_core.h): request framing, the answers, the
 * connection pool. */
#include "http_core.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

static const char HELLO[] = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n"
			    "Content-Type: text/plain\r\n\r\nhello";
static const char BAD_REQUEST[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n"
				  "Connection: close\r\n\r\n";
#define RESPONSE_MAX (sizeof(BAD_REQUEST) > sizeof(HELLO) ? sizeof(BAD_REQUEST) : sizeof(HELLO))

struct http_pool {
	size_t n_free;
	struct http_conn **free;
	struct http_conn conns[];
};

struct http_pool *
http_pool_new(size_t capacity)
{
	struct http_pool *p = calloc(1, sizeof(*p) + capacity * sizeof(p->conns[0]));
	struct http_conn **list = calloc(capacity, sizeof(*list));
	if (!p || !list) {
		free(p);
		free(list);
		return NULL;
	}
	p->free = list;
	for (size_t i = 0; i < capacity; i++)
		p->free[p->n_free++] = &p->conns[capacity - 1 - i];
	return p;
}

struct http_conn *
http_conn_open(struct http_pool *pool, int fd)
{
	if (pool->n_free == 0)
		return NULL;
	struct http_conn *c = pool->free[--pool->n_free];
	c->fd = fd;
	c->loop_data = NULL;
	c->in_start = c->in_end = c->out_start = c->out_end = c->body_left = 0;
	c->closing = false;
	return c;
}

void
http_conn_close(struct http_pool *pool, struct http_conn *c)
{
	pool->free[pool->n_free++] = c;
}

/* The value of header name (lower case, with its colon) in the header block [p, end), or
 * NULL; *ret_len is its length without surrounding blanks. */
static const char *
header_value(const char *p, const char *end, const char *name, size_t *ret_len)
{
	size_t name_len = strlen(name);
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		if ((size_t)(eol - p) > name_len && strncasecmp(p, name, name_len) == 0) {
			const char *v = p + name_len, *v_end = eol;
			while (v < v_end && (*v == ' ' || *v == '\t'))
				v++;
			while (v_end > v && (v_end[-1] == '\r' || v_end[-1] == ' ' || v_end[-1] == '\t'))
				v_end--;
			*ret_len = (size_t)(v_end - v);
			return v;
		}
		p = eol + 1;
	}
	return NULL;
}

static void
respond(struct http_conn *c, const char *response, size_t len)
{
	memcpy(c->out + c->out_end, response, len);
	c->out_end += len;
}

/* Answers the request whose head is [head, end) (end: its blank line). False if it is not
 * one this server can read: then it answers 400 and closes. */
static bool
answer(struct http_conn *c, const char *head, const char *end)
{
	const char *eol = memchr(head, '\r', (size_t)(end - head));
	if (!eol)
		eol = end;
	/* "METHOD target HTTP/1.x": a method, and the version last. */
	const char *sp = memchr(head, ' ', (size_t)(eol - head));
	bool http11 = eol - head >= 9 && memcmp(eol - 9, " HTTP/1.1", 9) == 0;
	bool http10 = eol - head >= 9 && memcmp(eol - 9, " HTTP/1.0", 9) == 0;
	size_t len;
	if (!sp || sp == head || !(http11 || http10) ||
	    header_value(eol, end, "transfer-encoding:", &len)) {
		respond(c, BAD_REQUEST, sizeof(BAD_REQUEST) - 1);
		return false;
	}
	const char *v = header_value(eol, end, "content-length:", &len);
	if (v) {
		char digits[24];
		char *digits_end;
		if (len == 0 || len >= sizeof(digits)) {
			respond(c, BAD_REQUEST, sizeof(BAD_REQUEST) - 1);
			return false;
		}
		memcpy(digits, v, len);
		digits[len] = '\0';
		unsigned long long body = strtoull(digits, &digits_end, 10);
		if (*digits_end != '\0' || digits[0] == '-' || body > SIZE_MAX) {
			respond(c, BAD_REQUEST, sizeof(BAD_REQUEST) - 1);
			return false;
		}
		c->body_left = (size_t)body;
	}
	v = header_value(eol, end, "connection:", &len);
	if (v ? (len == 5 && strncasecmp(v, "close", 5) == 0)
	      : http10) /* HTTP/1.0 closes unless it asks to keep the connection */
		c->closing = true;
	if (http10 && v && len == 10 && strncasecmp(v, "keep-alive", 10) == 0)
		c->closing = false;
	respond(c, HELLO, sizeof(HELLO) - 1);
	return true;
}

/* Answers every complete request in the input while the output has room for its answer. */
static void
process(struct http_conn *c)
{
	while (c->in_start < c->in_end && !c->closing) {
		size_t avail = c->in_end - c->in_start;
		if (c->body_left) {
			size_t skip = c->body_left < avail ? c->body_left : avail;
			c->in_start += skip;
			c->body_left -= skip;
			continue;
		}
		const char *head = c->in + c->in_start;
		const char *end = memmem(head, avail, "\r\n\r\n", 4);
		if (!end) {
			if (avail == HTTP_IN_SIZE) { /* a head longer than the buffer */
				respond(c, BAD_REQUEST, sizeof(BAD_REQUEST) - 1);
				c->closing = true;
			}
			break;
		}
		if (HTTP_OUT_SIZE - c->out_end < RESPONSE_MAX) {
			if (c->out_start == 0)
				break; /* held back until the output drains */
			memmove(c->out, c->out + c->out_start, c->out_end - c->out_start);
			c->out_end -= c->out_start;
			c->out_start = 0;
		}
		c->in_start = (size_t)(end + 4 - c->in);
		if (!answer(c, head, end))
			c->closing = true;
	}
	if (c->closing || c->in_start == c->in_end)
		c->in_start = c->in_end = 0; /* nothing left to parse (or to keep) */
}

char *
http_conn_in_space(struct http_conn *c, size_t *ret_len)
{
	if (c->in_end == HTTP_IN_SIZE && c->in_start > 0) {
		memmove(c->in, c->in + c->in_start, c->in_end - c->in_start);
		c->in_end -= c->in_start;
		c->in_start = 0;
	}
	*ret_len = HTTP_IN_SIZE - c->in_end;
	return c->in + c->in_end;
}

void
http_conn_received(struct http_conn *c, size_t n)
{
	c->in_end += n;
	process(c);
}

const char *
http_conn_out(const struct http_conn *c, size_t *ret_len)
{
	*ret_len = c->out_end - c->out_start;
	return c->out + c->out_start;
}

void
http_conn_sent(struct http_conn *c, size_t n)
{
	c->out_start += n;
	if (c->out_start == c->out_end)
		c->out_start = c->out_end = 0;
	process(c);
}

bool
http_conn_done(const struct http_conn *c)
{
	return c->closing && c->out_start == c->out_end;
}

/* An I/O result that means "would block" (POSIX allows EWOULDBLOCK != EAGAIN). */
static bool
would_block(ssize_t r)
{
#if EWOULDBLOCK != EAGAIN
	if (r == -EWOULDBLOCK)
		return true;
#endif
	return r == -EAGAIN;
}

enum http_next
http_conn_serve(struct http_conn *c, http_read_fn read, http_write_fn write, bool to_end)
{
	bool drained = false;
	for (;;) {
		size_t len;
		const char *out = http_conn_out(c, &len);
		while (len) {
			ssize_t w = write(c->fd, out, len);
			if (would_block(w))
				return HTTP_WAIT_WRITABLE;
			if (w < 0)
				return HTTP_CLOSE;
			http_conn_sent(c, (size_t)w);
			out = http_conn_out(c, &len);
		}
		if (http_conn_done(c))
			return HTTP_CLOSE;
		if (drained)
			return HTTP_WAIT_READABLE;
		char *space = http_conn_in_space(c, &len);
		ssize_t r = len ? read(c->fd, space, len) : -ENOBUFS; /* (cannot happen) */
		if (would_block(r))
			return HTTP_WAIT_READABLE;
		if (r <= 0)
			return HTTP_CLOSE; /* end of stream, or an error */
		http_conn_received(c, (size_t)r);
		drained = (size_t)r < len && !to_end;
	}
}

void
http_print_listening(int listener, const char *what)
{
	struct sockaddr_in addr;
	socklen_t len = sizeof(addr);
	int port = getsockname(listener, (struct sockaddr *)&addr, &len) == 0 ?
			   ntohs(addr.sin_port) : -1;
	printf("listening on 127.0.0.1:%d (%s)\n", port, what);
	fflush(stdout);
}
