/* SPDX-License-Identifier: MIT */
/* mt-os.h on POSIX. */
#include "mt-os.h"
#include "mt.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

struct mt_thread {
	pthread_t thread;
};

struct mt_thread *
mt_thread_spawn(void *(*fn)(void *), void *arg)
{
	struct mt_thread *t = malloc(sizeof(*t));
	mt_assert(t != NULL, "out of memory");
	int r = pthread_create(&t->thread, NULL, fn, arg);
	mt_assert(r == 0, "pthread_create: %s", strerror(r));
	return t;
}

void
mt_thread_join(struct mt_thread *thread)
{
	int r = pthread_join(thread->thread, NULL);
	mt_assert(r == 0, "pthread_join: %s", strerror(r));
	free(thread);
}

#if defined(_POSIX_BARRIERS) && _POSIX_BARRIERS > 0
struct mt_barrier {
	pthread_barrier_t barrier;
};

struct mt_barrier *
mt_barrier_new(unsigned count)
{
	struct mt_barrier *b = malloc(sizeof(*b));
	mt_assert(b != NULL && pthread_barrier_init(&b->barrier, NULL, count) == 0,
		  "pthread_barrier_init");
	return b;
}

void
mt_barrier_wait(struct mt_barrier *barrier)
{
	pthread_barrier_wait(&barrier->barrier);
}

void
mt_barrier_free(struct mt_barrier *barrier)
{
	pthread_barrier_destroy(&barrier->barrier);
	free(barrier);
}
#else
/* macOS has no pthread barriers: a lock, a condition variable and a round counter. */
struct mt_barrier {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned count, waiting, round;
};

struct mt_barrier *
mt_barrier_new(unsigned count)
{
	struct mt_barrier *b = malloc(sizeof(*b));
	mt_assert(b != NULL && pthread_mutex_init(&b->lock, NULL) == 0 &&
			  pthread_cond_init(&b->cond, NULL) == 0,
		  "barrier: out of memory");
	b->count = count;
	b->waiting = b->round = 0;
	return b;
}

void
mt_barrier_wait(struct mt_barrier *barrier)
{
	pthread_mutex_lock(&barrier->lock);
	unsigned round = barrier->round;
	if (++barrier->waiting == barrier->count) {
		barrier->waiting = 0;
		barrier->round++;
		pthread_cond_broadcast(&barrier->cond);
	}
	while (round == barrier->round)
		pthread_cond_wait(&barrier->cond, &barrier->lock);
	pthread_mutex_unlock(&barrier->lock);
}

void
mt_barrier_free(struct mt_barrier *barrier)
{
	pthread_cond_destroy(&barrier->cond);
	pthread_mutex_destroy(&barrier->lock);
	free(barrier);
}
#endif

int64_t
mt_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void
mt_sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

void
mt_setenv(const char *name, const char *value)
{
	int r = value ? setenv(name, value, 1) : unsetenv(name);
	mt_assert(r == 0, "setenv %s: %s", name, strerror(errno));
}

bool
mt_os_is_windows(void)
{
	return false;
}

bool
mt_os_is_wine(void)
{
	return false;
}

int
mt_open_handle_count(void)
{
	int n = 0;
#ifdef __linux__
	DIR *d = opendir("/proc/self/fd");
	mt_assert(d != NULL, "opendir /proc/self/fd");
	for (struct dirent *e; (e = readdir(d));)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
#else
	/* No /proc: ask every fd number below the limit (65536 at most: numbers are handed
	 * out lowest first, so a leak shows below it). */
	long max = sysconf(_SC_OPEN_MAX);
	for (int fd = 0; fd < (max > 0 && max < 65536 ? max : 65536); fd++)
		if (fcntl(fd, F_GETFD) >= 0)
			n++;
#endif
	return n;
}

bool
mt_module_is_loaded(const char *path)
{
	void *h = dlopen(path, RTLD_LAZY | RTLD_NOLOAD);
	if (h)
		dlclose(h);
	return h != NULL;
}

/* Where there is no SOCK_CLOEXEC, accept4 or pipe2 (macOS), the flags are set right
 * after the call; errors come back as from a raw call (-1, errno), for helper threads. */
#if !defined(SOCK_CLOEXEC) || !defined(SOCK_NONBLOCK) || !defined(MT_HAVE_ACCEPT4) ||          \
	!defined(MT_HAVE_PIPE2)
static int
set_flags(int fd, bool nonblocking)
{
	if (fd < 0)
		return fd;
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0 ||
	    (nonblocking && fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0)) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}
#endif

mio_fd_t
mt_os_socket(int family, int type)
{
#ifdef SOCK_CLOEXEC
	return socket(family, type | SOCK_CLOEXEC, 0);
#else
	return set_flags(socket(family, type, 0), false);
#endif
}

mio_fd_t
mt_os_accept(mio_fd_t listener)
{
#ifdef MT_HAVE_ACCEPT4
	return accept4(listener, NULL, NULL, SOCK_CLOEXEC);
#else
	return set_flags(accept(listener, NULL, NULL), false);
#endif
}

static int
result(int r)
{
	return r < 0 ? -errno : r;
}

int
mt_os_close(mio_fd_t fd)
{
	return result(close(fd));
}

int
mt_os_setsockopt(mio_fd_t fd, int level, int name, const void *value, socklen_t len)
{
	return result(setsockopt(fd, level, name, value, len));
}

ssize_t
mt_os_read(mio_fd_t fd, void *buf, size_t len)
{
	ssize_t r = read(fd, buf, len);
	return r < 0 ? -errno : r;
}

ssize_t
mt_os_write(mio_fd_t fd, const void *buf, size_t len)
{
	ssize_t r = write(fd, buf, len);
	return r < 0 ? -errno : r;
}

ssize_t
mt_os_send_oob(mio_fd_t fd, const void *buf, size_t len)
{
	ssize_t r = send(fd, buf, len, MSG_OOB);
	return r < 0 ? -errno : r;
}

mio_iovec_t
mt_iovec(void *base, size_t len)
{
	return (mio_iovec_t){ .iov_base = base, .iov_len = len };
}

int
mt_os_shutdown_write(mio_fd_t fd)
{
	return result(shutdown(fd, SHUT_WR));
}

int
mt_os_set_recv_timeout(mio_fd_t fd, unsigned ms)
{
	struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };
	return mt_os_setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

void
mt_os_wait_writable(mio_fd_t fd, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };
	poll(&pfd, 1, ms);
}

int
mt_os_last_error(void)
{
	return -errno;
}

const char *
mt_os_error_text(void)
{
	return strerror(errno);
}

void
mt_assert_nonblocking_cloexec(mio_fd_t fd)
{
	int fl = fcntl(fd, F_GETFL);
	int fd_flags = fcntl(fd, F_GETFD);
	mt_assert(fl >= 0 && (fl & O_NONBLOCK), "fd %d is not non-blocking", fd);
	mt_assert(fd_flags >= 0 && (fd_flags & FD_CLOEXEC), "fd %d is not close-on-exec", fd);
}

void
mt_socketpair(int type, mio_fd_t fds[2])
{
#if defined(SOCK_NONBLOCK) && defined(SOCK_CLOEXEC)
	int r = socketpair(AF_UNIX, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds);
#else
	int r = socketpair(AF_UNIX, type, 0, fds);
	if (r == 0 && (set_flags(fds[0], true) < 0 || set_flags(fds[1], true) < 0))
		r = -1; /* (a leak in a failing test) */
#endif
	mt_assert(r == 0, "socketpair: %s", strerror(errno));
}

/* pipe2(O_CLOEXEC, and O_NONBLOCK if asked). */
static void
pipe_with(int fds[2], bool nonblocking)
{
#ifdef MT_HAVE_PIPE2
	int r = pipe2(fds, O_CLOEXEC | (nonblocking ? O_NONBLOCK : 0));
#else
	int r = pipe(fds);
	if (r == 0 && (set_flags(fds[0], nonblocking) < 0 || set_flags(fds[1], nonblocking) < 0))
		r = -1;
#endif
	mt_assert(r == 0, "pipe: %s", strerror(errno));
}

void
mt_pipe(mio_fd_t fds[2])
{
	pipe_with(fds, true);
}

void
mt_pipe_cloexec(int fds[2])
{
	pipe_with(fds, false);
}

static struct rlimit saved_nofile;
static bool nofile_saved;

int
mt_fd_lowest_free(void)
{
	int fd = dup(0);
	if (fd < 0)
		fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	mt_assert(fd >= 0, "no fd left to find the lowest free one: %s", strerror(errno));
	close(fd);
	return fd;
}

void
mt_fd_limit_set(unsigned long n)
{
	if (!nofile_saved) {
		mt_assert(getrlimit(RLIMIT_NOFILE, &saved_nofile) == 0, "getrlimit: %s",
			  strerror(errno));
		nofile_saved = true;
	}
	struct rlimit rl = saved_nofile;
	rl.rlim_cur = n;
	mt_assert(setrlimit(RLIMIT_NOFILE, &rl) == 0, "setrlimit(%lu): %s", n, strerror(errno));
}

void
mt_fd_limit_restore(void)
{
	if (nofile_saved)
		mt_assert(setrlimit(RLIMIT_NOFILE, &saved_nofile) == 0, "setrlimit: %s",
			  strerror(errno));
}
