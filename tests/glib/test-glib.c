/* SPDX-License-Identifier: MIT */
/* A libmio poll nested in a GLib main loop (docs/glib.md), on the backend MIO_BACKEND
 * names: g_unix_fd_add() on mio_poll_fd(); a Unix-socket echo server served by libmio
 * while GLib dispatches a timer of its own; a GThread waking the poll with a mio_waker;
 * CLIENTS client threads, each checking it gets its own bytes back. Unix sockets, so no
 * network is needed. Exit 0 when everything arrived, 77 on a backend without a selector
 * fd (poll), 1 otherwise. GLib is used here and in examples/glib_echo.c only. */
#include <mio/mio.h>

#include <errno.h>
#include <glib-unix.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define CLIENTS 8
#define MSG_LEN 20000 /* more than one read, so the edge-triggered loop must drain */
#define LISTENER ((mio_token_t)1)
#define WAKER ((mio_token_t)2)

struct test {
	struct mio_poll *poll;
	struct mio_events *events;
	struct mio_waker *waker;
	mio_fd_t listener;
	char path[108];
	GMainLoop *loop;
	mio_fd_t streams[CLIENTS];
	size_t pending[CLIENTS];
	char buf[CLIENTS][4096];
	int accepted, closed, wakes, ticks, clients_ok;
	gint clients_done; /* atomic */
};

static void
check(int err, const char *what)
{
	if (err < 0) {
		fprintf(stderr, "test-glib: %s: %s\n", what, mio_strerror(err));
		exit(1);
	}
}

/* Echo until the stream would block; false when the client has closed it. */
static bool
serve(struct test *t, int i)
{
	for (;;) {
		while (t->pending[i]) {
			ssize_t w = mio_stream_write(t->streams[i], t->buf[i], t->pending[i]);
			if (w == -EAGAIN)
				return true;
			check((int)w, "write");
			memmove(t->buf[i], t->buf[i] + w, t->pending[i] - (size_t)w);
			t->pending[i] -= (size_t)w;
		}
		ssize_t r = mio_stream_read(t->streams[i], t->buf[i], sizeof(t->buf[i]));
		if (r == -EAGAIN)
			return true;
		if (r == 0)
			return false;
		check((int)r, "read");
		t->pending[i] = (size_t)r;
	}
}

static gboolean
on_poll_readable(gint fd, GIOCondition condition, gpointer data)
{
	struct test *t = data;
	int n = mio_poll_poll(t->poll, t->events, 0);
	if (n == -EINTR)
		return G_SOURCE_CONTINUE;
	check(n, "mio_poll_poll");
	mio_events_foreach(e, t->events) {
		mio_token_t token = mio_event_token(e);
		if (token == WAKER) {
			t->wakes++;
		} else if (token == LISTENER) {
			mio_fd_t s;
			while (mio_unix_listener_accept(t->listener, &s, NULL) == 0) {
				g_assert_cmpint(t->accepted, <, CLIENTS);
				int i = t->accepted++;
				t->streams[i] = s;
				check(mio_registry_register(mio_poll_registry(t->poll), s, 100 + i,
							    MIO_INTEREST_READABLE | MIO_INTEREST_WRITABLE),
				      "register");
			}
		} else {
			int i = (int)(token - 100);
			if (mio_fd_is_valid(t->streams[i]) && !serve(t, i)) {
				check(mio_registry_deregister(mio_poll_registry(t->poll), t->streams[i]),
				      "deregister");
				check(mio_close(t->streams[i]), "close");
				t->streams[i] = MIO_FD_INVALID;
				t->closed++;
			}
		}
	}
	if (t->closed == CLIENTS && t->wakes > 0 && t->ticks > 0 &&
	    g_atomic_int_get(&t->clients_done) == CLIENTS)
		g_main_loop_quit(t->loop);
	return G_SOURCE_CONTINUE;
}

/* GLib's own source, dispatched between the poll's events. */
static gboolean
on_tick(gpointer data)
{
	((struct test *)data)->ticks++;
	return G_SOURCE_CONTINUE;
}

static gboolean
on_timeout(gpointer data)
{
	struct test *t = data;
	fprintf(stderr, "test-glib: timed out: %d accepted, %d closed, %d wakes, %d ticks\n",
		t->accepted, t->closed, t->wakes, t->ticks);
	exit(1);
}

static gpointer
waker_thread(gpointer data)
{
	struct test *t = data;
	g_usleep(10000);
	check(mio_waker_wake(t->waker), "mio_waker_wake");
	return NULL;
}

/* A blocking POSIX client: sends MSG_LEN bytes of its own, reads them back, closes. */
static gpointer
client_thread(gpointer data)
{
	struct test *t = data;
	static gint next;
	int id = g_atomic_int_add(&next, 1);
	char *out = g_malloc(MSG_LEN), *in = g_malloc(MSG_LEN);
	for (int i = 0; i < MSG_LEN; i++)
		out[i] = (char)('a' + (id * 7 + i) % 26);
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	g_strlcpy(addr.sun_path, t->path, sizeof(addr.sun_path));
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool ok = fd >= 0 && connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0;
	size_t sent = 0, got = 0;
	while (ok && got < MSG_LEN) {
		if (sent < MSG_LEN) {
			ssize_t w = write(fd, out + sent, MIN(MSG_LEN - sent, 4096));
			ok = w > 0;
			sent += ok ? (size_t)w : 0;
		}
		ssize_t r = ok ? read(fd, in + got, MSG_LEN - got) : -1;
		ok = ok && r > 0;
		got += ok ? (size_t)r : 0;
	}
	ok = ok && memcmp(in, out, MSG_LEN) == 0;
	if (!ok)
		fprintf(stderr, "test-glib: client %d: %s (%zu of %d bytes back)\n", id,
			strerror(errno), got, MSG_LEN);
	if (fd >= 0)
		close(fd);
	g_free(out);
	g_free(in);
	return GINT_TO_POINTER(ok);
}

/* Collects the clients from another thread, so the main loop never blocks on them. */
static gpointer
join_thread(gpointer data)
{
	struct test *t = data;
	GThread *clients[CLIENTS];
	for (int i = 0; i < CLIENTS; i++)
		clients[i] = g_thread_new("client", client_thread, t);
	for (int i = 0; i < CLIENTS; i++) {
		if (g_thread_join(clients[i]))
			g_atomic_int_inc(&t->clients_ok);
		g_atomic_int_inc(&t->clients_done);
	}
	/* The last client may close before its server side is read: wake the loop once more
	 * so it re-checks the end condition. */
	check(mio_waker_wake(t->waker), "mio_waker_wake");
	return NULL;
}

int
main(void)
{
	struct test t = { .listener = MIO_FD_INVALID };
	for (int i = 0; i < CLIENTS; i++)
		t.streams[i] = MIO_FD_INVALID;
	check(mio_poll_new(&t.poll), "mio_poll_new");
	mio_fd_t selector;
	int err = mio_poll_fd(t.poll, &selector);
	if (err == -ENOTSUP) {
		printf("the %s backend has no selector fd to nest: skipped\n",
		       mio_poll_backend_name(t.poll));
		mio_poll_free(t.poll);
		return 77;
	}
	check(err, "mio_poll_fd");
	check(mio_events_new(4, &t.events), "mio_events_new"); /* small: several rounds */
	check(mio_waker_new(mio_poll_registry(t.poll), WAKER, &t.waker), "mio_waker_new");
	char *dir = g_dir_make_tmp("mio-glib-XXXXXX", NULL);
	g_assert_nonnull(dir);
	g_snprintf(t.path, sizeof(t.path), "%s/sock", dir);
	check(mio_unix_listener_bind(t.path, &t.listener), "mio_unix_listener_bind");
	check(mio_registry_register(mio_poll_registry(t.poll), t.listener, LISTENER,
				    MIO_INTEREST_READABLE),
	      "register listener");

	t.loop = g_main_loop_new(NULL, FALSE);
	guint watch = g_unix_fd_add(selector, G_IO_IN, on_poll_readable, &t);
	guint tick = g_timeout_add(5, on_tick, &t);
	guint timeout = g_timeout_add_seconds(20, on_timeout, &t);
	GThread *waker = g_thread_new("waker", waker_thread, &t);
	GThread *joiner = g_thread_new("clients", join_thread, &t);
	g_main_loop_run(t.loop);
	g_thread_join(waker);
	g_thread_join(joiner);

	printf("%s backend in a GLib main loop: %d clients echoed, %d wakes, %d GLib ticks\n",
	       mio_poll_backend_name(t.poll), t.clients_ok, t.wakes, t.ticks);
	g_source_remove(watch);
	g_source_remove(tick);
	g_source_remove(timeout);
	g_main_loop_unref(t.loop);
	mio_registry_deregister(mio_poll_registry(t.poll), t.listener);
	mio_close(t.listener);
	g_unlink(t.path);
	g_rmdir(dir);
	g_free(dir);
	mio_waker_free(t.waker);
	mio_events_free(t.events);
	mio_poll_free(t.poll);
	return t.clients_ok == CLIENTS ? 0 : 1;
}
