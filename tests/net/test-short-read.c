/* SPDX-License-Identifier: MIT */
/* libmio's short-read rule (<mio/net.h>), not in mio: a read from a stream socket or a pipe
 * that returns fewer bytes than asked (0 < n < len) ends the edge like -EAGAIN, on every
 * backend. After such a read a program may wait for the next event without reading again;
 * new data must produce one, also where the backend emulates edges (poll). A read that
 * fills the buffer ends nothing: the program must read on.
 *
 * Each source is checked with its plain and its vectored read: TCP, a Unix stream pair and
 * a pipe. Each test does three rounds of "data arrives, one event, one short read, no
 * EAGAIN" so that every short read must have re-armed. The exceptions <mio/net.h> names are
 * checked too: an event that reports the peer's close with the data, and (Linux) the
 * kernel cases where a short read leaves data queued; reading on, as documented, gets the
 * rest there.
 */
#include "net-util.h"

#include <stdio.h>
#include <sys/uio.h>
#include <unistd.h>

#define TOKEN ((mio_token_t)7)
#define ROUNDS 3

/* A connected stream: data written to writer is read from reader with read_fn. */
struct source {
	mio_fd_t reader, writer;
	ssize_t (*read_fn)(mio_fd_t fd, void *buf, size_t len);
	ssize_t (*write_fn)(mio_fd_t fd, const void *buf, size_t len);
	ssize_t (*readv_fn)(mio_fd_t fd, const struct iovec *iov, int iovcnt);
};

static struct source
tcp_source(void)
{
	struct mt_inet_addr any = mt_inet_any_local();
	mio_fd_t listener = mt_tcp_listener(&any);
	struct mt_inet_addr addr = mt_inet_local_addr(listener);
	mio_fd_t writer = mt_tcp_connect(&addr);
	/* The connect completes in the kernel's backlog; accept once it is there. */
	mio_fd_t reader = MIO_FD_INVALID;
	for (int i = 0; i < 200 && !mio_fd_is_valid(reader); i++) {
		if (mio_tcp_listener_accept(listener, &reader, NULL, NULL) < 0)
			mt_sleep_ms(10);
	}
	mt_assert(mio_fd_is_valid(reader), "no connection to accept");
	mt_close(listener);
	return (struct source){ reader, writer, mio_stream_read, mio_stream_write,
				mio_stream_readv };
}

static struct source
unix_source(void)
{
	mio_fd_t a, b;
	mt_assert_ok(mio_unix_stream_pair(&a, &b));
	return (struct source){ a, b, mio_stream_read, mio_stream_write, mio_stream_readv };
}

static struct source
pipe_source(void)
{
	mio_fd_t sender, receiver;
	mt_assert_ok(mio_pipe_new(&sender, &receiver));
	return (struct source){ receiver, sender, mio_pipe_read, mio_pipe_write,
				mio_pipe_readv };
}

/* A poll on the backend under test with the source's reader registered for reading. */
struct fixture {
	struct source s;
	struct mio_poll *poll;
	struct mio_events *events;
};

static struct fixture
fixture_new(struct source s)
{
	struct fixture f = { s, mt_poll_new(), mt_events_new(16) };
	mt_register(f.poll, s.reader, TOKEN, MIO_INTEREST_READABLE);
	return f;
}

static void
fixture_free(struct fixture *f)
{
	mt_deregister(f->poll, f->s.reader);
	mt_close(f->s.reader);
	if (mio_fd_is_valid(f->s.writer))
		mt_close(f->s.writer);
	mio_events_free(f->events);
	mio_poll_free(f->poll);
}

static void
source_write(const struct source *s, const char *data, size_t len)
{
	mt_checked_write(s->write_fn(s->writer, data, len), len);
}

/* One read of up to len bytes, with the plain or the vectored read (two buffers). */
static ssize_t
source_read(const struct source *s, bool vectored, char *buf, size_t len)
{
	if (!vectored)
		return s->read_fn(s->reader, buf, len);
	size_t half = len / 2;
	struct iovec iov[2] = { { buf, half }, { buf + half, len - half } };
	return s->readv_fn(s->reader, iov, 2);
}

/* Rounds of: data arrives, one readable event, one short read that takes it all. No read
 * ever returns -EAGAIN, so only the short reads can have re-armed the registration. */
static void
check_short_read_rearms(struct source s, bool vectored)
{
	struct fixture f = fixture_new(s);
	char buf[64];
	for (int round = 0; round < ROUNDS; round++) {
		char data[16];
		int len = snprintf(data, sizeof(data), "round %d", round);
		source_write(&s, data, (size_t)len);
		MT_EXPECT_EVENTS(f.poll, f.events, { TOKEN, MT_READABLE });
		mt_expect_read(source_read(&s, vectored, buf, sizeof(buf)), buf, data, len);
	}
	fixture_free(&f);
}

MT_TEST(short_read, tcp_read_rearms)
{
	check_short_read_rearms(tcp_source(), false);
}

MT_TEST(short_read, tcp_readv_rearms)
{
	check_short_read_rearms(tcp_source(), true);
}

MT_TEST(short_read, unix_stream_read_rearms)
{
	check_short_read_rearms(unix_source(), false);
}

MT_TEST(short_read, unix_stream_readv_rearms)
{
	check_short_read_rearms(unix_source(), true);
}

MT_TEST(short_read, pipe_read_rearms)
{
	check_short_read_rearms(pipe_source(), false);
}

MT_TEST(short_read, pipe_readv_rearms)
{
	check_short_read_rearms(pipe_source(), true);
}

/* A read that fills the buffer is not the end of the edge: data is left, no event comes for
 * it (a full read does not re-arm), and the program finds it by reading on. The short read
 * that ends it re-arms as usual. */
static void
check_full_read_continues(struct source s, bool vectored)
{
	struct fixture f = fixture_new(s);
	static const char data[] = "0123456789";
	source_write(&s, data, 10);
	MT_EXPECT_EVENTS(f.poll, f.events, { TOKEN, MT_READABLE });
	char buf[64];
	mt_expect_read(source_read(&s, vectored, buf, 4), buf, data, 4);
	mt_expect_no_events(f.poll, f.events);
	mt_expect_read(source_read(&s, vectored, buf, sizeof(buf)), buf, data + 4, 6);
	source_write(&s, "x", 1);
	MT_EXPECT_EVENTS(f.poll, f.events, { TOKEN, MT_READABLE });
	mt_expect_read(source_read(&s, vectored, buf, sizeof(buf)), buf, "x", 1);
	fixture_free(&f);
}

MT_TEST(short_read, tcp_full_read_continues)
{
	check_full_read_continues(tcp_source(), false);
}

MT_TEST(short_read, unix_stream_full_readv_continues)
{
	check_full_read_continues(unix_source(), true);
}

MT_TEST(short_read, pipe_full_read_continues)
{
	check_full_read_continues(pipe_source(), false);
}

/* A zero-byte read is the end of the stream, not a short read: the peer's shutdown gives a
 * read-closed event and the read returns 0. */
MT_TEST(short_read, zero_byte_read_is_end_of_stream)
{
	struct fixture f = fixture_new(unix_source());
	source_write(&f.s, "ab", 2);
	MT_EXPECT_EVENTS(f.poll, f.events, { TOKEN, MT_READABLE });
	char buf[64];
	mt_expect_read(mio_stream_read(f.s.reader, buf, sizeof(buf)), buf, "ab", 2);
	mt_assert_ok(mio_socket_shutdown(f.s.writer, MIO_SHUTDOWN_WRITE));
	MT_EXPECT_EVENTS(f.poll, f.events, { TOKEN, MT_READABLE | MT_READ_CLOSED });
	mt_assert_eq(mio_stream_read(f.s.reader, buf, sizeof(buf)), 0);
	fixture_free(&f);
}

/* The peer's close arriving with the data: the event reports read-closed, the read that
 * returns the data is short, and the end of the stream is still to be read. On epoll no
 * event comes for it (which is why <mio/net.h> says to read on after such an event); the
 * poll backend, re-armed by the short read, reports the hang-up again. */
static void
check_close_with_data(struct source s)
{
	struct fixture f = fixture_new(s);
	source_write(&f.s, "last", 4);
	mt_close(f.s.writer);
	f.s.writer = MIO_FD_INVALID;
	mt_poll_until(f.poll, f.events, TOKEN, MT_READABLE | MT_READ_CLOSED);
	char buf[64];
	mt_expect_read(f.s.read_fn(f.s.reader, buf, sizeof(buf)), buf, "last", 4);
	if (strcmp(mt_backend(), "epoll") == 0)
		mt_expect_no_events(f.poll, f.events);
	mt_assert_eq(f.s.read_fn(f.s.reader, buf, sizeof(buf)), 0);
	fixture_free(&f);
}

MT_TEST(short_read, unix_stream_close_with_data_is_read_to_the_end)
{
	check_close_with_data(unix_source());
}

MT_TEST(short_read, tcp_close_with_data_is_read_to_the_end)
{
	check_close_with_data(tcp_source());
}

MT_TEST(short_read, pipe_close_with_data_is_read_to_the_end)
{
	check_close_with_data(pipe_source());
}

#ifdef __linux__
#include <sys/socket.h>
#include <sys/wait.h>

/* The kernel's exceptions: after one event, a short read that leaves data queued. Reading
 * on until -EAGAIN, as <mio/net.h> says for these cases, gets the rest. On epoll the queued
 * data brings no new event, which is why a program must read on; the poll backend, re-armed
 * by the short read, happens to report it. */
static void
check_exception_drains(struct source s, const char *first, const char *rest)
{
	struct fixture f = fixture_new(s);
	MT_EXPECT_EVENTS(f.poll, f.events, { TOKEN, MT_READABLE });
	char buf[64];
	mt_expect_read(mio_stream_read(s.reader, buf, sizeof(buf)), buf, first, strlen(first));
	if (strcmp(mt_backend(), "epoll") == 0)
		mt_expect_no_events(f.poll, f.events);
	mt_expect_read(mio_stream_read(s.reader, buf, sizeof(buf)), buf, rest, strlen(rest));
	mt_assert_would_block(mio_stream_read(s.reader, buf, sizeof(buf)));
	fixture_free(&f);
}

/* SO_PASSCRED on the reader: a Unix stream read never joins data from two senders with
 * different credentials (here a child process wrote the second part). */
MT_TEST(short_read, linux_unix_passcred_stops_at_sender_change)
{
	struct source s = unix_source();
	int one = 1;
	mt_assert(setsockopt(s.reader, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) == 0,
		  "SO_PASSCRED: %s", strerror(errno));
	source_write(&s, "parent", 6);
	pid_t pid = fork();
	mt_assert(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0)
		_exit(write(s.writer, "child", 5) == 5 ? 0 : 1);
	int status;
	mt_assert(waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
			  WEXITSTATUS(status) == 0,
		  "the child's write failed");
	check_exception_drains(s, "parent", "child");
}

/* SCM_RIGHTS: a Unix stream read stops after the data that carried file descriptors (a
 * plain read discards them). */
MT_TEST(short_read, linux_unix_scm_rights_stops_after_fds)
{
	struct source s = unix_source();
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { (void *)"fds", 3 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			      .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	int passed = s.writer;
	memcpy(CMSG_DATA(c), &passed, sizeof(passed));
	mt_assert(sendmsg(s.writer, &msg, 0) == 3, "sendmsg: %s", strerror(errno));
	source_write(&s, "more", 4);
	check_exception_drains(s, "fds", "more");
}

/* TCP urgent data: a read stops at the urgent mark. */
MT_TEST(short_read, linux_tcp_read_stops_at_urgent_mark)
{
	struct source s = tcp_source();
	source_write(&s, "before", 6);
	mt_assert(send(s.writer, "!", 1, MSG_OOB) == 1, "send MSG_OOB: %s", strerror(errno));
	source_write(&s, "after", 5);
	mt_sleep_ms(50); /* loopback: the segments are queued by now */
	check_exception_drains(s, "before", "after");
}
#endif
