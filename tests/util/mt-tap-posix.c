/* SPDX-License-Identifier: MIT */
/* The TAP runner on POSIX: each test runs in a forked child, which reports through a pipe.
 * The runner waits for the child in poll(2), woken by a SIGCHLD handler through a second
 * pipe, and kills the child with SIGKILL when the time limit passes. */
#include "mt-tap.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int sigchld_pipe[2] = { -1, -1 }; /* the handler writes a byte when a child ends */

static void
on_sigchld(int sig)
{
	int saved = errno;
	ssize_t r = write(sigchld_pipe[1], "", 1); /* a full pipe already holds a wake-up */
	(void)r;
	errno = saved;
}

/* A pipe whose ends close on exec; the read end does not block. */
static void
make_pipe(int fds[2])
{
	if (pipe(fds) != 0)
		mt_tap_bail_out("pipe: %s", strerror(errno));
	fcntl(fds[0], F_SETFD, FD_CLOEXEC);
	fcntl(fds[1], F_SETFD, FD_CLOEXEC);
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
}

static void
watch_children(void)
{
	if (sigchld_pipe[0] != -1)
		return;
	make_pipe(sigchld_pipe);
	fcntl(sigchld_pipe[1], F_SETFL, O_NONBLOCK);
	struct sigaction sa = { .sa_handler = on_sigchld, .sa_flags = SA_NOCLDSTOP };
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGCHLD, &sa, NULL) != 0)
		mt_tap_bail_out("sigaction: %s", strerror(errno));
}

static int64_t
now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits up to timeout_ms for pid to end; false when the time passed first. */
static bool
wait_for(pid_t pid, unsigned timeout_ms, int *status)
{
	int64_t deadline = now_ms() + timeout_ms;
	for (;;) {
		pid_t r = waitpid(pid, status, WNOHANG);
		if (r == pid)
			return true;
		if (r < 0 && errno != EINTR)
			mt_tap_bail_out("waitpid: %s", strerror(errno));
		int64_t left = deadline - now_ms();
		if (left <= 0)
			return false;
		struct pollfd p = { .fd = sigchld_pipe[0], .events = POLLIN };
		if (poll(&p, 1, left > INT_MAX ? INT_MAX : (int)left) > 0) {
			char drain[64];
			while (read(sigchld_pipe[0], drain, sizeof(drain)) > 0)
				;
		}
	}
}

/* Reads what the child left in the pipe (it has ended: the read end does not block, so a
 * grandchild that still holds the write end cannot stall the runner). */
static void
read_report(int fd, char *buf, size_t size)
{
	size_t len = 0;
	while (len < size - 1) {
		ssize_t r = read(fd, buf + len, size - 1 - len);
		if (r > 0)
			len += (size_t)r;
		else if (r == 0 || errno != EINTR)
			break;
	}
	buf[len] = '\0';
}

void
mt_tap_sys_run(const struct mt_test *test, unsigned timeout_ms, struct mt_tap_child *child)
{
	int report[2], status = 0;

	watch_children();
	make_pipe(report);
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0)
		mt_tap_bail_out("fork: %s", strerror(errno));
	if (pid == 0) {
		signal(SIGCHLD, SIG_DFL);
		close(sigchld_pipe[0]);
		close(sigchld_pipe[1]);
		close(report[0]);
		FILE *to = fdopen(report[1], "w");
		if (!to)
			_exit(2);
		mt_tap_child_run(test, to);
	}
	close(report[1]);
	bool timed_out = !wait_for(pid, timeout_ms, &status);
	if (timed_out) {
		kill(pid, SIGKILL);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	read_report(report[0], child->report, sizeof(child->report));
	close(report[0]);

	child->status = -1;
	if (timed_out)
		snprintf(child->how, sizeof(child->how), "timed out after %.3g s, killed",
			 timeout_ms / 1000.0);
	else if (WIFSIGNALED(status))
		snprintf(child->how, sizeof(child->how), "killed by signal %d (%s)",
			 WTERMSIG(status), strsignal(WTERMSIG(status)));
	else
		child->status = WEXITSTATUS(status);
}

FILE *
mt_tap_sys_child_open(const char *channel)
{
	char *end;
	long fd = strtol(channel, &end, 10);
	return *end || fd < 0 || fd > INT_MAX ? NULL : fdopen((int)fd, "w");
}
