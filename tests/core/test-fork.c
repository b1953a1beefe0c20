/* SPDX-License-Identifier: MIT */
/* fork() (issue 7, part 7; mio leaves fork to the user). The rule (mio/poll.h): the child
 * makes polls of its own and may only free what it inherited. Checked per backend: a child
 * forked while a thread of the parent sits in mio_poll_poll(), or while threads register,
 * deregister and re-arm, frees the inherited waker, registry clone and poll without
 * hanging (an alarm kills a child that hangs), makes a poll of its own that reports its
 * own pipe, and exits; the parent's poll keeps working. */
#include "test-util.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <mio/net.h>

#define PIPE_TOKEN ((mio_token_t)1)
#define PAIR_TOKEN ((mio_token_t)2)
#define WAKE_TOKEN ((mio_token_t)10)

/* In the child the test framework is not ours to use: a failed check says why and exits. */
#define child_check(cond, ...)                                                               \
	do {                                                                                 \
		if (!(cond)) {                                                               \
			fprintf(stderr, "child: " __VA_ARGS__);                              \
			fputc('\n', stderr);                                                 \
			_exit(1);                                                            \
		}                                                                            \
	} while (0)

/* What the parent made and the child inherits. */
struct parent {
	struct mio_poll *poll;
	struct mio_events *events; /* the poller's: reachable from here in the child too */
	struct mio_registry *clone;
	struct mio_waker *waker;
	mio_fd_t pipe[2];
	atomic_bool stop;
	atomic_uint pipe_events;
	pthread_t poller;
};

static void *
poll_forever(void *arg)
{
	struct parent *p = arg;
	while (!atomic_load(&p->stop)) {
		if (mio_poll_poll(p->poll, p->events, -1) < 0)
			break;
		mio_events_foreach(e, p->events) {
			if (mio_event_token(e) == PIPE_TOKEN)
				atomic_fetch_add(&p->pipe_events, 1);
		}
	}
	return NULL;
}

static void
parent_start(struct parent *p)
{
	memset(p, 0, sizeof(*p));
	p->poll = mt_poll_new();
	p->events = mt_events_new(16);
	mt_assert_ok(mio_registry_try_clone(mio_poll_registry(p->poll), &p->clone));
	mt_assert_ok(mio_waker_new(mio_poll_registry(p->poll), WAKE_TOKEN, &p->waker));
	mt_pipe(p->pipe);
	mt_assert_ok(mio_registry_register(p->clone, p->pipe[0], PIPE_TOKEN,
					   MIO_INTEREST_READABLE));
	mt_assert_eq(pthread_create(&p->poller, NULL, poll_forever, p), 0);
	mt_sleep_ms(50); /* the poller is inside mio_poll_poll() now */
}

/* The parent's poll still reports its pipe; then its poller stops. */
static void
parent_finish(struct parent *p)
{
	mt_write_all(p->pipe[1], "x", 1);
	for (int i = 0; i < 200 && atomic_load(&p->pipe_events) == 0; i++)
		mt_sleep_ms(10);
	mt_assert(atomic_load(&p->pipe_events) > 0, "the parent's poll no longer reports");
	atomic_store(&p->stop, true);
	mt_assert_ok(mio_waker_wake(p->waker));
	pthread_join(p->poller, NULL);
	mio_waker_free(p->waker);
	mio_registry_free(p->clone);
	mio_events_free(p->events);
	mio_poll_free(p->poll);
	close(p->pipe[0]);
	close(p->pipe[1]);
}

/* The child: frees what it inherited, then its own poll must work. */
static _Noreturn void
child_run(struct parent *p)
{
	alarm(10); /* a hang ends as SIGALRM */
	mio_waker_free(p->waker);
	mio_registry_free(p->clone);
	mio_poll_free(p->poll);

	struct mio_poll *poll = NULL;
	struct mio_events *events = NULL;
	int r = mio_poll_new(&poll);
	child_check(r == 0, "mio_poll_new: %s", mio_strerror(r));
	child_check(strcmp(mio_poll_backend_name(poll), mt_backend()) == 0, "poll on %s",
		    mio_poll_backend_name(poll));
	child_check(mio_events_new(4, &events) == 0, "mio_events_new");
	int fds[2];
	child_check(pipe(fds) == 0, "pipe: %s", strerror(errno));
	r = mio_registry_register(mio_poll_registry(poll), fds[0], 7, MIO_INTEREST_READABLE);
	child_check(r == 0, "register: %s", mio_strerror(r));
	child_check(write(fds[1], "x", 1) == 1, "write");
	r = mio_poll_poll(poll, events, 5000 * 1000000LL);
	child_check(r == 1 && mio_event_token(mio_events_get(events, 0)) == 7,
		    "own poll returned %d", r);
	mio_events_free(events);
	mio_poll_free(poll);
	_exit(0);
}

static void
expect_child_ok(pid_t pid)
{
	int status;
	mt_assert_eq(waitpid(pid, &status, 0), pid);
	mt_assert(!WIFSIGNALED(status), "child killed by signal %d (%s)%s", WTERMSIG(status),
		  strsignal(WTERMSIG(status)),
		  WTERMSIG(status) == SIGALRM ? ": it hung freeing what it inherited" : "");
	mt_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child exited with %d",
		  WEXITSTATUS(status));
}

static pid_t
fork_child(struct parent *p)
{
	fflush(NULL);
	pid_t pid = fork();
	mt_assert(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0)
		child_run(p);
	return pid;
}

/* The case: on the poll backend the copied state's lock was held by the poller. */
MT_TEST(fork, child_frees_poll_inherited_while_polling)
{
	struct parent p;
	parent_start(&p);
	expect_child_ok(fork_child(&p));
	parent_finish(&p);
}

/* Threads register, deregister and re-arm while the parent forks again and again: whatever
 * they held at the fork, each child frees what it inherited and starts over. */
struct churn {
	struct parent *p;
	mio_fd_t pair[2];
	atomic_bool stop;
	atomic_ulong rounds;
};

static void *
churn(void *arg)
{
	struct churn *c = arg;
	char buf[16];
	while (!atomic_load(&c->stop)) {
		mio_registry_register(c->p->clone, c->pair[0], PAIR_TOKEN,
				      MIO_INTEREST_READABLE | MIO_INTEREST_WRITABLE);
		mio_stream_write(c->pair[1], "x", 1);
		while (mio_stream_read(c->pair[0], buf, sizeof(buf)) > 0)
			;
		mio_registry_deregister(mio_poll_registry(c->p->poll), c->pair[0]);
		atomic_fetch_add(&c->rounds, 1);
	}
	return NULL;
}

MT_TEST(fork, child_frees_poll_inherited_during_registry_calls)
{
	struct parent p;
	parent_start(&p);
	struct churn c = { .p = &p };
	mt_socketpair(SOCK_STREAM, c.pair);
	pthread_t threads[2];
	for (int i = 0; i < 2; i++)
		mt_assert_eq(pthread_create(&threads[i], NULL, churn, &c), 0);
	for (int i = 0; i < 20; i++) {
		expect_child_ok(fork_child(&p));
		mt_sleep_ms(5);
	}
	atomic_store(&c.stop, true);
	for (int i = 0; i < 2; i++)
		pthread_join(threads[i], NULL);
	mt_assert(atomic_load(&c.rounds) > 0, "the registry threads never ran");
	parent_finish(&p);
	close(c.pair[0]);
	close(c.pair[1]);
}
