/* SPDX-License-Identifier: MIT */
/* The "hello" HTTP/1.1 server's logic (http_core.h): request framing, the answers, the
 * connection pool. */
#include "http_core.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <mio/net.h> /* the socket headers of the OS */

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
http_conn_open(struct http_pool *pool, mio_fd_t fd)
{
	if (pool->n_free == 0)
		return NULL;
	struct http_conn *c = pool->free[--pool->n_free];
	c->fd = fd;
	c->loop_data = NULL;
	c->in_start = c->in_end = c->out_start = c->out_end = c->body_left = 0;
	c->closing = c->read_unfinished = false;
	return c;
}

void
http_conn_close(struct http_pool *pool, struct http_conn *c)
{
	pool->free[pool->n_free++] = c;
}

static void
respond(struct http_conn *c, const char *response, size_t len)
{
	memcpy(c->out + c->out_end, response, len);
	c->out_end += len;
}

/* What a request head says. */
struct head {
	size_t len; /* through the empty line that ends it */
	bool bad; /* not a request this server can read */
	bool http10;
	size_t body; /* Content-Length */
	bool close, keep_alive; /* the Connection header */
};

/* line (len bytes, no line end) is the header name (lower case, with its colon); *ret_v and
 * *ret_len get its value without surrounding blanks. */
static bool
header_is(const char *line, size_t len, const char *name, size_t name_len, const char **ret_v,
	  size_t *ret_len)
{
	if (len < name_len || strncasecmp(line, name, name_len) != 0)
		return false;
	const char *v = line + name_len, *v_end = line + len;
	while (v < v_end && (*v == ' ' || *v == '\t'))
		v++;
	while (v_end > v && (v_end[-1] == ' ' || v_end[-1] == '\t'))
		v_end--;
	*ret_v = v;
	*ret_len = (size_t)(v_end - v);
	return true;
}
#define HEADER_IS(line, len, name, v, v_len) header_is(line, len, name, sizeof(name) - 1, v, v_len)

static void
parse_header(const char *line, size_t len, struct head *h)
{
	const char *v;
	size_t n;
	if (HEADER_IS(line, len, "content-length:", &v, &n)) {
		h->bad |= n == 0;
		for (size_t i = 0; i < n && !h->bad; i++) {
			unsigned d = (unsigned)(v[i] - '0');
			h->bad = d > 9 || h->body > (SIZE_MAX - d) / 10;
			h->body = h->body * 10 + d;
		}
	} else if (HEADER_IS(line, len, "connection:", &v, &n)) {
		h->close = n == 5 && strncasecmp(v, "close", 5) == 0;
		h->keep_alive = n == 10 && strncasecmp(v, "keep-alive", 10) == 0;
	} else if (HEADER_IS(line, len, "transfer-encoding:", &v, &n)) {
		h->bad = true; /* no chunked bodies here */
	}
}

/* Parses the head at the start of [p, p + avail) in one pass over its lines (each ends in
 * LF, CRLF or not; an empty line ends the head). False while the head is incomplete. */
static bool
parse_head(const char *p, size_t avail, struct head *h)
{
	const char *start = p, *end = p + avail;
	*h = (struct head){ 0 };
	for (bool first = true;; first = false) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			return false;
		size_t len = (size_t)(eol - p);
		if (len && p[len - 1] == '\r')
			len--;
		if (first) { /* "METHOD target HTTP/1.x" */
			const char *sp = memchr(p, ' ', len);
			h->http10 = len >= 9 && memcmp(p + len - 9, " HTTP/1.0", 9) == 0;
			bool http11 = len >= 9 && memcmp(p + len - 9, " HTTP/1.1", 9) == 0;
			h->bad = !sp || sp == p || !(http11 || h->http10);
		} else if (len == 0) {
			h->len = (size_t)(eol + 1 - start);
			return true;
		} else if ((*p | 0x20) == 'c' || (*p | 0x20) == 't') {
			parse_header(p, len, h);
		}
		p = eol + 1;
	}
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
		struct head h;
		if (!parse_head(c->in + c->in_start, avail, &h)) {
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
		c->in_start += h.len;
		if (h.bad) {
			respond(c, BAD_REQUEST, sizeof(BAD_REQUEST) - 1);
			c->closing = true;
			break;
		}
		c->body_left = h.body;
		/* HTTP/1.0 closes unless it asks to keep the connection. */
		c->closing = h.close || (h.http10 && !h.keep_alive);
		respond(c, HELLO, sizeof(HELLO) - 1);
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
http_conn_serve(struct http_conn *c, http_read_fn read, http_write_fn write, unsigned event)
{
	/* Read after a readable event, or to finish the reading a blocked write interrupted;
	 * not on a writable-only event, where a read would just hit -EAGAIN. */
	bool drained = !(event & HTTP_EVENT_READABLE) && !c->read_unfinished;
	bool to_end = event & HTTP_EVENT_READ_CLOSED;
	for (;;) {
		size_t len;
		const char *out = http_conn_out(c, &len);
		while (len) {
			ssize_t w = write(c->fd, out, len);
			if (would_block(w)) {
				c->read_unfinished = !drained;
				return HTTP_WAIT_WRITABLE;
			}
			if (w < 0)
				return HTTP_CLOSE;
			http_conn_sent(c, (size_t)w);
			out = http_conn_out(c, &len);
		}
		if (http_conn_done(c))
			return HTTP_CLOSE;
		c->read_unfinished = false;
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
http_print_listening(mio_fd_t listener, const char *what)
{
	struct sockaddr_in addr;
	socklen_t len = sizeof(addr);
	int port = getsockname(listener, (struct sockaddr *)&addr, &len) == 0 ?
			   ntohs(addr.sin_port) : -1;
	printf("listening on 127.0.0.1:%d (%s)\n", port, what);
	fflush(stdout);
}
