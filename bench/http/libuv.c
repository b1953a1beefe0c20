/* SPDX-License-Identifier: MIT */
/* The HTTP server on libuv, the way libuv programs serve TCP: uv_tcp_t streams,
 * uv_read_start into the connection's buffer, uv_try_write, and uv_write (one request per
 * connection, reading paused meanwhile) for what does not fit at once. */
#include "server.h"

#include <stdlib.h>
#include <uv.h>

static struct http_pool *pool;
static uv_loop_t *loop;

struct stream {
	uv_tcp_t tcp; /* first: the handle is the stream */
	uv_write_t write_req;
	size_t in_flight; /* bytes of the output uv_write is sending */
	struct http_conn *c;
};

static void
on_close(uv_handle_t *h)
{
	struct stream *s = (struct stream *)h;
	if (s->c)
		http_conn_close(pool, s->c);
	free(s);
}

static void
close_stream(struct stream *s)
{
	if (!uv_is_closing((uv_handle_t *)&s->tcp))
		uv_close((uv_handle_t *)&s->tcp, on_close);
}

static void on_read(uv_stream_t *h, ssize_t nread, const uv_buf_t *buf);

static void
alloc_cb(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	struct stream *s = (struct stream *)h;
	size_t len;
	buf->base = http_conn_in_space(s->c, &len);
	buf->len = len;
}

static void on_written(uv_write_t *req, int status);

/* Sends the pending output: what the socket takes now, the rest through uv_write. */
static void
flush(struct stream *s)
{
	size_t len;
	const char *out = http_conn_out(s->c, &len);
	while (len) {
		uv_buf_t b = uv_buf_init((char *)out, (unsigned)len);
		int n = uv_try_write((uv_stream_t *)&s->tcp, &b, 1);
		if (n == UV_EAGAIN || (n > 0 && (size_t)n < len)) {
			if (n > 0)
				http_conn_sent(s->c, (size_t)n);
			out = http_conn_out(s->c, &len);
			b = uv_buf_init((char *)out, (unsigned)len);
			s->in_flight = len;
			uv_read_stop((uv_stream_t *)&s->tcp);
			if (uv_write(&s->write_req, (uv_stream_t *)&s->tcp, &b, 1, on_written) < 0)
				close_stream(s);
			return;
		}
		if (n < 0) {
			close_stream(s);
			return;
		}
		http_conn_sent(s->c, (size_t)n);
		out = http_conn_out(s->c, &len);
	}
	if (http_conn_done(s->c))
		close_stream(s);
}

static void
on_written(uv_write_t *req, int status)
{
	struct stream *s = req->data;
	if (status < 0) {
		close_stream(s);
		return;
	}
	http_conn_sent(s->c, s->in_flight);
	s->in_flight = 0;
	flush(s);
	if (!s->in_flight && !uv_is_closing((uv_handle_t *)&s->tcp))
		uv_read_start((uv_stream_t *)&s->tcp, alloc_cb, on_read);
}

static void
on_read(uv_stream_t *h, ssize_t nread, const uv_buf_t *buf)
{
	struct stream *s = (struct stream *)h;
	if (nread < 0) {
		close_stream(s);
		return;
	}
	http_conn_received(s->c, (size_t)nread);
	flush(s);
}

static void
on_connection(uv_stream_t *server, int status)
{
	struct stream *s = malloc(sizeof(*s));
	if (!s || status < 0 || uv_tcp_init(loop, &s->tcp) < 0) {
		free(s);
		return;
	}
	s->write_req.data = s;
	s->in_flight = 0;
	s->c = NULL;
	uv_os_fd_t fd;
	if (uv_accept(server, (uv_stream_t *)&s->tcp) < 0 ||
	    uv_fileno((uv_handle_t *)&s->tcp, &fd) < 0 || !(s->c = http_conn_open(pool, fd))) {
		close_stream(s);
		return;
	}
	uv_tcp_nodelay(&s->tcp, 1);
	uv_read_start((uv_stream_t *)&s->tcp, alloc_cb, on_read);
}

int
main(int argc, char **argv)
{
	int listener = http_bench_listen(argc, argv, "libuv");
	pool = http_pool_new(HTTP_BENCH_MAX_CONNECTIONS);
	loop = uv_default_loop();
	uv_tcp_t server;
	http_bench_check(pool && loop && uv_tcp_init(loop, &server) == 0 &&
				 uv_tcp_open(&server, listener) == 0 &&
				 uv_listen((uv_stream_t *)&server, 1024, on_connection) == 0,
			 "libuv setup");
	uv_run(loop, UV_RUN_DEFAULT);
	return 1;
}
