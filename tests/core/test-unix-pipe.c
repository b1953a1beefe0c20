/* SPDX-License-Identifier: MIT */
/* Port of mio's tests/unix_pipe.rs with raw pipes (pipe2(O_NONBLOCK|O_CLOEXEC), mio's
 * pipe::new): smoke, event_when_sender_is_dropped, event_when_receiver_is_dropped,
 * from_child_process_io, nonblocking_child_process_io (a `cat` child via posix_spawnp).
 * Dropping a Sender/Receiver is close(2) here.
 * libmio additions: edge re-arming after EAGAIN on both ends (smoke_edge_rearm,
 * writable_again_after_full), which the poll backend emulates through mio_fd_rearm. */
#include "test-util.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define RECEIVER ((mio_token_t)0)
#define SENDER ((mio_token_t)1)

static const char DATA1[] = "Hello world";
#define DATA1_LEN (sizeof(DATA1) - 1)


static void
assert_would_block(mio_fd_t fd)
{
	char buf[20];
	ssize_t r = read(fd, buf, sizeof(buf));
	mt_assert(r < 0 && errno == EAGAIN, "read: expected EAGAIN, got %zd (%s)", r,
		  r < 0 ? strerror(errno) : "data");
}

static void
expect_read(mio_fd_t fd, const void *want, size_t len)
{
	char buf[64];
	ssize_t n = read(fd, buf, sizeof(buf));
	mt_assert_eq(n, (ssize_t)len);
	mt_assert(memcmp(buf, want, len) == 0, "read returned other bytes");
}

/* mio's expect_one_closed_event (one 1 s poll with exactly one event, for token, read- or
 * write-closed), and then no further event: 3 polls, exactly one event in total. */
static void
expect_one_closed_event_within(struct mio_poll *poll, struct mio_events *events,
			       mio_token_t token, bool read, int64_t timeout_ns)
{
	mt_assert_ok(mio_poll_poll(poll, events, timeout_ns));
	mt_assert_eq(mio_events_len(events), 1);
	const struct mio_event *e = mio_events_get(events, 0);
	mt_assert_eq(mio_event_token(e), token);
	if (read)
		mt_assert(mio_event_is_read_closed(e), "expected read closed, flags 0x%x", e->flags);
	else
		mt_assert(mio_event_is_write_closed(e), "expected write closed, flags 0x%x",
			  e->flags);
	mt_expect_no_events(poll, events);
	mt_expect_no_events(poll, events);
}

static void
expect_one_closed_event(struct mio_poll *poll, struct mio_events *events, mio_token_t token,
			bool read)
{
	expect_one_closed_event_within(poll, events, token, read, 1000 * 1000000LL);
}

/* The child's events: a `cat` started under valgrind (--trace-children) takes seconds
 * to start and to exit, more than expect_events' 3 x 500 ms. Polls until an event for
 * token with all of ready arrives; extra events are allowed, as in expect_events. */
#define CHILD_TIMEOUT_NS (20 * 1000000000LL)

static void
expect_child_event(struct mio_poll *poll, struct mio_events *events, mio_token_t token,
		   unsigned ready)
{
	for (int i = 0; i < 40; i++) {
		mt_assert_ok(mio_poll_poll(poll, events, 500 * 1000000LL));
		mio_events_foreach(e, events) {
			if (mio_event_token(e) == token && mt_event_matches(e, ready))
				return;
		}
	}
	mt_assert(false, "no event for token %zu with readiness 0x%x", (size_t)token, ready);
}

/* A poll (8 events) and a fresh pipe with one end registered: the receiver for readable
 * (token RECEIVER) or the sender for writable (token SENDER). The test closes the ends. */
struct pipe_test {
	struct mio_poll *poll;
	struct mio_events *events;
	mio_fd_t receiver, sender;
};

static struct pipe_test
pipe_test_new(mio_token_t registered)
{
	struct pipe_test p = { .poll = mt_poll_new(), .events = mt_events_new(8) };
	struct mio_registry *r = mio_poll_registry(p.poll);
	mio_fd_t fds[2];
	mt_pipe(fds);
	p.receiver = fds[0];
	p.sender = fds[1];
	if (registered == RECEIVER)
		mt_assert_ok(mio_registry_register(r, p.receiver, RECEIVER, MIO_INTEREST_READABLE));
	else
		mt_assert_ok(mio_registry_register(r, p.sender, SENDER, MIO_INTEREST_WRITABLE));
	return p;
}

static void
pipe_test_free(struct pipe_test *p)
{
	mio_events_free(p->events);
	mio_poll_free(p->poll);
}

MT_TEST(unix_pipe, smoke)
{
	struct mio_poll *poll = mt_poll_new();
	struct mio_events *events = mt_events_new(8);
	struct mio_registry *r = mio_poll_registry(poll);
	mio_fd_t fds[2];
	mt_pipe(fds);
	mio_fd_t receiver = fds[0], sender = fds[1];

	assert_would_block(receiver);
	mt_assert_ok(mio_registry_register(r, receiver, RECEIVER, MIO_INTEREST_READABLE));
	mt_assert_ok(mio_registry_register(r, sender, SENDER, MIO_INTEREST_WRITABLE));

	MT_EXPECT_EVENTS(poll, events, { SENDER, MT_WRITABLE });
	mt_assert_eq(write(sender, DATA1, DATA1_LEN), (ssize_t)DATA1_LEN);

	MT_EXPECT_EVENTS(poll, events, { RECEIVER, MT_READABLE });
	expect_read(receiver, DATA1, DATA1_LEN);

	mt_os_close(sender);
	mt_os_close(receiver);
	mio_events_free(events);
	mio_poll_free(poll);
}

/* Edge triggering: after reading to EAGAIN (and re-arming), each new write is a new
 * readable event, and without new data there is none. */
MT_TEST(unix_pipe, smoke_edge_rearm)
{
	struct pipe_test p = pipe_test_new(RECEIVER);

	for (int round = 0; round < 3; round++) {
		mt_write_all(p.sender, DATA1, DATA1_LEN);
		MT_EXPECT_EVENTS(p.poll, p.events, { RECEIVER, MT_READABLE });
		mt_assert_eq(mt_drain(p.receiver), DATA1_LEN);
		mt_expect_no_events(p.poll, p.events);
	}

	mt_os_close(p.receiver);
	mt_os_close(p.sender);
	pipe_test_free(&p);
}

/* The sender fills the pipe to EAGAIN (re-arming); once the receiver drains it, the
 * sender gets a new writable event. */
MT_TEST(unix_pipe, writable_again_after_full)
{
	struct pipe_test p = pipe_test_new(SENDER);
	MT_EXPECT_EVENTS(p.poll, p.events, { SENDER, MT_WRITABLE });

	static char block[4096];
	size_t written = 0;
	for (;;) {
		ssize_t w = write(p.sender, block, sizeof(block));
		if (w < 0) {
			mt_assert(errno == EAGAIN, "write: %s", strerror(errno));
			mio_fd_rearm(p.sender);
			break;
		}
		written += (size_t)w;
	}
	mt_expect_no_events(p.poll, p.events);

	mt_assert_eq(mt_drain(p.receiver), written);
	MT_EXPECT_EVENTS(p.poll, p.events, { SENDER, MT_WRITABLE });

	mt_os_close(p.receiver);
	mt_os_close(p.sender);
	pipe_test_free(&p);
}

struct closer {
	struct mt_barrier *barrier;
	struct mt_thread *thread;
	mio_fd_t fd;
	bool write_first;
	ssize_t written;
};

/* mio's threads: [write], barrier, barrier, drop, barrier. */
static void *
closer_thread(void *arg)
{
	struct closer *c = arg;
	if (c->write_first) {
		c->written = write(c->fd, DATA1, DATA1_LEN);
		mt_barrier_wait(c->barrier);
	}
	mt_barrier_wait(c->barrier);
	mt_os_close(c->fd);
	mt_barrier_wait(c->barrier);
	return NULL;
}

/* Starts closer_thread on fd (write_first: it writes DATA1 before the first barrier). */
static void
closer_start(struct closer *c, mio_fd_t fd, bool write_first)
{
	*c = (struct closer){ .fd = fd, .write_first = write_first };
	c->barrier = mt_barrier_new(2);
	c->thread = mt_thread_spawn(closer_thread, c);
}

static void
closer_join(struct closer *c)
{
	mt_thread_join(c->thread);
	mt_barrier_free(c->barrier);
}

MT_TEST(unix_pipe, event_when_sender_is_dropped)
{
	struct pipe_test p = pipe_test_new(RECEIVER);
	struct closer c;
	closer_start(&c, p.sender, true);

	mt_barrier_wait(c.barrier); /* the write is done */
	mt_assert_eq(c.written, (ssize_t)DATA1_LEN);
	MT_EXPECT_EVENTS(p.poll, p.events, { RECEIVER, MT_READABLE });

	mt_barrier_wait(c.barrier); /* unblock the thread */
	mt_barrier_wait(c.barrier); /* the sender is closed */
	expect_one_closed_event(p.poll, p.events, RECEIVER, true);
	closer_join(&c);

	mt_os_close(p.receiver);
	pipe_test_free(&p);
}

MT_TEST(unix_pipe, event_when_receiver_is_dropped)
{
	struct pipe_test p = pipe_test_new(SENDER);
	struct closer c;
	closer_start(&c, p.receiver, false);

	MT_EXPECT_EVENTS(p.poll, p.events, { SENDER, MT_WRITABLE });
	mt_barrier_wait(c.barrier); /* unblock the thread */
	mt_barrier_wait(c.barrier); /* the receiver is closed */
	expect_one_closed_event(p.poll, p.events, SENDER, false);
	closer_join(&c);

	mt_os_close(p.sender);
	pipe_test_free(&p);
}

/* Spawns `cat` with its stdin and stdout on pipes; returns our ends (nonblocking unless
 * blocking_stdout) in *sender and *receiver. */
static pid_t
spawn_cat(mio_fd_t *sender, mio_fd_t *receiver, bool blocking_stdout)
{
	mio_fd_t in[2], out[2];
	mt_pipe(in);
	if (blocking_stdout)
		mt_pipe_cloexec(out);
	else
		mt_pipe(out);
	/* The child's ends must block, as a child's stdio normally does. */
	fcntl(in[0], F_SETFL, 0);
	fcntl(out[1], F_SETFL, 0);

	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	char *argv[] = { "cat", NULL };
	pid_t pid;
	int err = posix_spawnp(&pid, "cat", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	mt_os_close(in[0]);
	mt_os_close(out[1]);
	mt_assert(err == 0, "failed to start `cat`: %s", strerror(err));
	*sender = in[1];
	*receiver = out[0];
	return pid;
}

MT_TEST(unix_pipe, from_child_process_io)
{
	mio_fd_t sender, receiver;
	pid_t child = spawn_cat(&sender, &receiver, false);
	struct mio_poll *poll = mt_poll_new();
	struct mio_events *events = mt_events_new(8);
	struct mio_registry *r = mio_poll_registry(poll);

	mt_assert_ok(mio_registry_register(r, receiver, RECEIVER, MIO_INTEREST_READABLE));
	mt_assert_ok(mio_registry_register(r, sender, SENDER, MIO_INTEREST_WRITABLE));

	MT_EXPECT_EVENTS(poll, events, { SENDER, MT_WRITABLE });
	mt_assert_eq(write(sender, DATA1, DATA1_LEN), (ssize_t)DATA1_LEN);

	expect_child_event(poll, events, RECEIVER, MT_READABLE);
	expect_read(receiver, DATA1, DATA1_LEN);

	mt_assert_ok(mio_close(sender)); /* drop(sender): cat sees EOF and exits */
	expect_one_closed_event_within(poll, events, RECEIVER, true, CHILD_TIMEOUT_NS);

	waitpid(child, NULL, 0);
	mt_os_close(receiver);
	mio_events_free(events);
	mio_poll_free(poll);
}

MT_TEST(unix_pipe, nonblocking_child_process_io)
{
	mio_fd_t sender, receiver;
	pid_t child = spawn_cat(&sender, &receiver, true);

	int fl = fcntl(receiver, F_GETFL);
	mt_assert(fl >= 0 && fcntl(receiver, F_SETFL, fl | O_NONBLOCK) == 0, "set_nonblocking");
	assert_would_block(receiver);

	mt_os_close(sender);
	waitpid(child, NULL, 0);
	mt_os_close(receiver);
}
