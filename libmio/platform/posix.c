/* SPDX-License-Identifier: MIT */
/* POSIX implementation of platform.h and platform-posix.h. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <unistd.h>
#ifdef HAVE_EVENTFD
#include <sys/eventfd.h>
#endif

#include "platform.h"

int
mio__sys_set_cloexec(mio_fd_t fd)
{
	int flags = fcntl(fd, F_GETFD);
	if (flags < 0)
		return -errno;
	if (!(flags & FD_CLOEXEC) && fcntl(fd, F_SETFD, flags | FD_CLOEXEC) < 0)
		return -errno;
	return 0;
}

int
mio__sys_set_nonblocking(mio_fd_t fd, bool on)
{
	int flags = fcntl(fd, F_GETFL);
	if (flags < 0)
		return -errno;
	int want = on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK;
	if (want != flags && fcntl(fd, F_SETFL, want) < 0)
		return -errno;
	return 0;
}

int
mio__sys_close(mio_fd_t fd)
{
	if (close(fd) < 0 && errno != EINTR)
		return -errno;
	return 0;
}

int
mio__sys_dup_cloexec(mio_fd_t fd, mio_fd_t *ret)
{
	int d = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (d < 0)
		return -errno;
	*ret = d;
	return 0;
}

int
mio__sys_pipe(mio_fd_t fds[2])
{
#ifdef HAVE_PIPE2
	return pipe2(fds, O_CLOEXEC | O_NONBLOCK) < 0 ? -errno : 0;
#else
	if (pipe(fds) < 0)
		return -errno;
	for (int i = 0; i < 2; i++) {
		int r = mio__sys_set_cloexec(fds[i]);
		if (r == 0)
			r = mio__sys_set_nonblocking(fds[i], true);
		if (r < 0) {
			close(fds[0]);
			close(fds[1]);
			return r;
		}
	}
	return 0;
#endif
}

int
mio__sys_notify_open(struct mio__sys_notify *n)
{
#ifdef HAVE_EVENTFD
	int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (fd < 0)
		return -errno;
	n->read_fd = n->write_fd = fd;
	return 0;
#else
	mio_fd_t fds[2];
	int r = mio__sys_pipe(fds);
	if (r < 0)
		return r;
	n->read_fd = fds[0];
	n->write_fd = fds[1];
	return 0;
#endif
}

void
mio__sys_notify_drain(const struct mio__sys_notify *n)
{
	char buf[64];
	/* An eventfd is emptied by one 8-byte read; a pipe by reading until EAGAIN. */
	while (read(n->read_fd, buf, sizeof(buf)) > 0 && n->read_fd != n->write_fd)
		;
}

int
mio__sys_notify_signal(const struct mio__sys_notify *n)
{
	uint64_t one = 1;
	size_t len = n->read_fd == n->write_fd ? sizeof(one) : 1;
	for (;;) {
		if (write(n->write_fd, &one, len) >= 0)
			return 0;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN)
			return -errno;
		/* Counter or pipe full: empty it, the write that follows is a new edge. */
		mio__sys_notify_drain(n);
	}
}

void
mio__sys_notify_close(struct mio__sys_notify *n)
{
	if (n->write_fd != n->read_fd && mio_fd_is_valid(n->write_fd))
		mio__sys_close(n->write_fd);
	if (mio_fd_is_valid(n->read_fd))
		mio__sys_close(n->read_fd);
	n->read_fd = n->write_fd = MIO_FD_INVALID;
}

void
mio__sys_yield(void)
{
	sched_yield();
}

int
mio__sys_socket_error(void)
{
	return -errno;
}

void
mio__sys_at_fork(void (*prepare)(void), void (*parent)(void), void (*child)(void))
{
	pthread_atfork(prepare, parent, child);
}

void
mio__sys_mutex_init(mio__sys_mutex *mutex)
{
	pthread_mutex_init(mutex, NULL);
}

void
mio__sys_mutex_destroy(mio__sys_mutex *mutex)
{
	pthread_mutex_destroy(mutex);
}

void
mio__sys_mutex_lock(mio__sys_mutex *mutex)
{
	pthread_mutex_lock(mutex);
}

void
mio__sys_mutex_unlock(mio__sys_mutex *mutex)
{
	pthread_mutex_unlock(mutex);
}

void
mio__sys_call_once(mio__sys_once *once, void (*fn)(void))
{
	pthread_once(once, fn);
}

int
mio__sys_backend_dir(char *buf, size_t size)
{
	return mio__sys_copy_string(MIO_BACKENDDIR, buf, size);
}

bool
mio__sys_path_is_absolute(const char *path)
{
	return path[0] == '/';
}

int
mio__sys_getenv(const char *name, char *buf, size_t size)
{
#if defined(HAVE_SECURE_GETENV)
	const char *value = secure_getenv(name);
#elif defined(HAVE_ISSETUGID)
	/* macOS and the BSDs: also true after a set-id program dropped its privileges. */
	const char *value = issetugid() ? NULL : getenv(name);
#else
	const char *value = getuid() != geteuid() || getgid() != getegid() ? NULL : getenv(name);
#endif
	return value ? mio__sys_copy_string(value, buf, size) : -ENOENT;
}
