/* SPDX-License-Identifier: MIT */
/* Port of mio's tests/unix_pipe.rs (v0.8.11), every test, plus libmio's own pipe checks
 * (vectored I/O, writing to a closed receiver).
 *
 * The child-process tests run `cat` (found on PATH, like Rust's Command::new("cat")) with
 * its stdin and stdout on pipes made the way Rust's std makes them (blocking,
 * close-on-exec), and adopt the parent's ends as libmio documents for mio's
 * From<ChildStdin>/From<ChildStdout>: mio_fd_set_nonblocking(fd, true).
 */
#include "net-util.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#define RECEIVER ((mio_token_t)0)
#define SENDER ((mio_token_t)1)

static const char DATA1[] = "Hello world";
#define DATA1_LEN (sizeof(DATA1) - 1)


/* How long mio's tests wait for a closed event, and how long these wait for events that
 * depend on the `cat` child: started under valgrind (--trace-children=yes) on a loaded
 * machine it takes seconds to start, echo and exit, more than mio's 1.5 s budget. Only the
 * wait is longer; what must be seen is the same. */
#define CLOSED_TIMEOUT_NS (1000 * 1000000LL)
#define CHILD_TIMEOUT_NS (10 * 1000000000LL)

/* mio's expect_one_closed_event: one poll (timeout_ns: mio's is 1 s) returns exactly one
 * event, for token, and it is read-closed (read) or write-closed (!read). */
static void
expect_one_closed_event(struct mio_poll *poll, struct mio_events *events, mio_token_t token,
			bool read, int64_t timeout_ns)
{
	mt_assert_ok(mio_poll_poll(poll, events, timeout_ns));
	const struct mio_event *e = mio_events_get(events, 0);
	mt_assert(e, "expected a closed event, got none");
	mt_assert_eq(mio_event_token(e), token);
	mt_assert(read ? mio_event_is_read_closed(e) : mio_event_is_write_closed(e),
		  "expected closed or error, event flags 0x%x", e->flags);
	mt_assert_eq(mio_events_len(events), 1);
}

/* A pipe end the way Rust's std::process makes it: blocking and close-on-exec. */
static void
std_pipe(int fds[2])
{
	mt_pipe_cloexec(fds);
}

/* Command::new("cat").stdin(piped()).stdout(piped()).spawn(): returns the pid, the
 * parent's end of the child's stdin in *ret_stdin and of its stdout in *ret_stdout. Both
 * are still blocking, as Rust hands them over. */
static pid_t
spawn_cat(int *ret_stdin, int *ret_stdout)
{
	int in[2], out[2];
	std_pipe(in);
	std_pipe(out);

	posix_spawn_file_actions_t actions;
	mt_assert_eq(posix_spawn_file_actions_init(&actions), 0);
	mt_assert_eq(posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO), 0);
	mt_assert_eq(posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO), 0);
	char *argv[] = { "cat", NULL };
	pid_t pid;
	int r = posix_spawnp(&pid, "cat", &actions, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&actions);
	mt_assert(r == 0, "failed to start `cat` command: %s", strerror(r));

	mt_os_close(in[0]);
	mt_os_close(out[1]);
	*ret_stdin = in[1];
	*ret_stdout = out[0];
	return pid;
}

/* child.wait() */
static void
wait_child(pid_t pid)
{
	int status;
	mt_assert(waitpid(pid, &status, 0) == pid, "waitpid: %s", strerror(errno));
}

/* Registers the receiver READABLE and the sender WRITABLE, then runs mio's smoke sequence:
 * writable sender, write DATA1, readable receiver, read DATA1 back. via_child: the data
 * goes through `cat`, so the readable event may take longer (mt_poll_until: up to 10 s). */
static void
send_and_receive(struct mio_poll *poll, struct mio_events *events, mio_fd_t sender,
		 mio_fd_t receiver, bool via_child)
{
	mt_register(poll, receiver, RECEIVER, MIO_INTEREST_READABLE);
	mt_register(poll, sender, SENDER, MIO_INTEREST_WRITABLE);

	MT_EXPECT_EVENTS(poll, events, { SENDER, MT_WRITABLE });
	mt_checked_write(mio_pipe_write(sender, DATA1, DATA1_LEN), DATA1_LEN);

	if (via_child)
		mt_poll_until(poll, events, RECEIVER, MT_READABLE);
	else
		MT_EXPECT_EVENTS(poll, events, { RECEIVER, MT_READABLE });
	char buf[20];
	mt_expect_read(mio_pipe_read(receiver, buf, sizeof(buf)), buf, DATA1, DATA1_LEN);
}

MT_TEST(pipe, smoke)
{
	struct mio_poll *poll = mt_poll_new();
	struct mio_events *events = mt_events_new(8);
	mio_fd_t sender, receiver;
	mt_assert_ok(mio_pipe_new(&sender, &receiver));
	mt_assert_nonblocking_cloexec(sender);
	mt_assert_nonblocking_cloexec(receiver);

	char buf[20];
	mt_assert_would_block(mio_pipe_read(receiver, buf, sizeof(buf)));

	send_and_receive(poll, events, sender, receiver, false);

	mt_close(sender);
	mt_close(receiver);
	mio_events_free(events);
	mio_poll_free(poll);
}

struct sender_thread {
	mio_fd_t sender;
	struct mt_barrier *barrier;
	ssize_t written;
};

static void *
write_then_drop_sender(void *arg)
{
	struct sender_thread *t = arg;
	t->written = mio_pipe_write(t->sender, DATA1, DATA1_LEN); /* checked by the test */
	mt_barrier_wait(t->barrier);

	mt_barrier_wait(t->barrier);
	mt_peer_ok(mio_close(t->sender));
	mt_barrier_wait(t->barrier);
	return NULL;
}

MT_TEST(pipe, event_when_sender_is_dropped)
{
	struct mio_poll *poll = mt_poll_new();
	struct mio_events *events = mt_events_new(8);
	struct sender_thread t;
	mio_fd_t receiver;
	mt_assert_ok(mio_pipe_new(&t.sender, &receiver));
	mt_register(poll, receiver, RECEIVER, MIO_INTEREST_READABLE);

	t.barrier = mt_barrier_new(2);
	struct mt_thread *thread = mt_thread_spawn(write_then_drop_sender, &t);

	mt_barrier_wait(t.barrier); /* Wait for the write to complete. */
	mt_assert_eq(t.written, (ssize_t)DATA1_LEN);
	MT_EXPECT_EVENTS(poll, events, { RECEIVER, MT_READABLE });

	mt_barrier_wait(t.barrier); /* Unblock the thread. */
	mt_barrier_wait(t.barrier); /* Wait until the sending end is dropped. */

	expect_one_closed_event(poll, events, RECEIVER, true, CLOSED_TIMEOUT_NS);

	mt_thread_join(thread);
	mt_barrier_free(t.barrier);
	mt_close(receiver);
	mio_events_free(events);
	mio_poll_free(poll);
}

struct receiver_thread {
	mio_fd_t receiver;
	struct mt_barrier *barrier;
};

static void *
drop_receiver(void *arg)
{
	struct receiver_thread *t = arg;
	mt_barrier_wait(t->barrier);
	mt_peer_ok(mio_close(t->receiver));
	mt_barrier_wait(t->barrier);
	return NULL;
}

MT_TEST(pipe, event_when_receiver_is_dropped)
{
	struct mio_poll *poll = mt_poll_new();
	struct mio_events *events = mt_events_new(8);
	struct receiver_thread t;
	mio_fd_t sender;
	mt_assert_ok(mio_pipe_new(&sender, &t.receiver));
	mt_register(poll, sender, SENDER, MIO_INTEREST_WRITABLE);

	t.barrier = mt_barrier_new(2);
	struct mt_thread *thread = mt_thread_spawn(drop_receiver, &t);

	MT_EXPECT_EVENTS(poll, events, { SENDER, MT_WRITABLE });

	mt_barrier_wait(t.barrier); /* Unblock the thread. */
	mt_barrier_wait(t.barrier); /* Wait until the receiving end is dropped. */

	expect_one_closed_event(poll, events, SENDER, false, CLOSED_TIMEOUT_NS);

	mt_thread_join(thread);
	mt_barrier_free(t.barrier);
	mt_close(sender);
	mio_events_free(events);
	mio_poll_free(poll);
}

MT_TEST(pipe, from_child_process_io)
{
	/* `cat` simply echoes everything that we write to its standard input. */
	mio_fd_t sender, receiver;
	pid_t child = spawn_cat(&sender, &receiver);
	mt_assert_ok(mio_fd_set_nonblocking(sender, true));
	mt_assert_ok(mio_fd_set_nonblocking(receiver, true));

	struct mio_poll *poll = mt_poll_new();
	struct mio_events *events = mt_events_new(8);

	send_and_receive(poll, events, sender, receiver, true);

	mt_close(sender);

	expect_one_closed_event(poll, events, RECEIVER, true, CHILD_TIMEOUT_NS);

	wait_child(child);
	mt_close(receiver);
	mio_events_free(events);
	mio_poll_free(poll);
}

MT_TEST(pipe, nonblocking_child_process_io)
{
	/* `cat` simply echoes everything that we write to its standard input. */
	mio_fd_t sender, receiver;
	pid_t child = spawn_cat(&sender, &receiver);

	mt_assert_ok(mio_fd_set_nonblocking(receiver, true));

	char buf[20];
	mt_assert_would_block(mio_pipe_read(receiver, buf, sizeof(buf)));

	mt_close(sender);
	wait_child(child);
	mt_close(receiver);
}

/* --- libmio additions ------------------------------------------------------------------ */

/* mio_pipe_writev / mio_pipe_readv move the data in order, across the buffers. */
MT_TEST(pipe, vectored_io)
{
	mio_fd_t sender, receiver;
	mt_assert_ok(mio_pipe_new(&sender, &receiver));

	struct iovec out[] = {
		{ .iov_base = (void *)DATA1, .iov_len = 5 },
		{ .iov_base = (void *)(DATA1 + 5), .iov_len = DATA1_LEN - 5 },
	};
	mt_checked_write(mio_pipe_writev(sender, out, 2), DATA1_LEN);

	char a[3], b[DATA1_LEN + 1];
	memset(b, 'x', sizeof(b));
	struct iovec in[] = { { .iov_base = a, .iov_len = sizeof(a) },
			      { .iov_base = b, .iov_len = sizeof(b) } };
	mt_assert_eq(mio_pipe_readv(receiver, in, 2), (ssize_t)DATA1_LEN);
	mt_assert(memcmp(a, DATA1, sizeof(a)) == 0, "first buffer");
	mt_assert(memcmp(b, DATA1 + sizeof(a), DATA1_LEN - sizeof(a)) == 0, "second buffer");
	mt_assert_eq(b[DATA1_LEN - sizeof(a)], 'x');
	mt_assert_would_block(mio_pipe_readv(receiver, in, 2));

	mt_close(sender);
	mt_close(receiver);
}

/* With SIGPIPE ignored (as Rust does at startup), writing to a pipe whose receiver is gone
 * returns -EPIPE; reading from a pipe whose sender is gone returns 0. */
MT_TEST(pipe, closed_ends)
{
	signal(SIGPIPE, SIG_IGN);
	mio_fd_t sender, receiver;
	mt_assert_ok(mio_pipe_new(&sender, &receiver));
	mt_close(receiver);
	mt_assert_err(mio_pipe_write(sender, DATA1, DATA1_LEN), -EPIPE);
	mt_close(sender);

	mt_assert_ok(mio_pipe_new(&sender, &receiver));
	mt_checked_write(mio_pipe_write(sender, DATA1, DATA1_LEN), DATA1_LEN);
	mt_close(sender);
	char buf[20];
	mt_expect_read(mio_pipe_read(receiver, buf, sizeof(buf)), buf, DATA1, DATA1_LEN);
	mt_assert_eq(mio_pipe_read(receiver, buf, sizeof(buf)), 0);
	mt_close(receiver);
}

/* mio_pipe_new checks its arguments. */
MT_TEST(pipe, new_null_arguments)
{
	mio_fd_t fd;
	mt_assert_err(mio_pipe_new(NULL, &fd), -EINVAL);
	mt_assert_err(mio_pipe_new(&fd, NULL), -EINVAL);
}
