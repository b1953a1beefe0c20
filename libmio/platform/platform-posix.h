/* SPDX-License-Identifier: MIT */
/* platform.h's POSIX half: pthread types, and the fd services only POSIX has (pipes, the
 * notifier fd that the epoll and poll backends wake their selector with). */
#ifndef MIO_PLATFORM_POSIX_H
#define MIO_PLATFORM_POSIX_H

#include <pthread.h>

typedef pthread_mutex_t mio__sys_mutex;
#define MIO__SYS_MUTEX_INIT PTHREAD_MUTEX_INITIALIZER
typedef pthread_once_t mio__sys_once;
#define MIO__SYS_ONCE_INIT PTHREAD_ONCE_INIT

/* Directory separator for building module paths. */
#define MIO__SYS_PATH_SEP "/"

/* Registration-map keys: handle values >> this (fds are dense small integers). */
#define MIO__SYS_HANDLE_SHIFT 0

/* A duplicate of fd, close-on-exec, numbered >= 3. */
int mio__sys_dup_cloexec(mio_fd_t fd, mio_fd_t *ret);

/* A pipe whose two ends are non-blocking and close-on-exec (atomically with pipe2). */
int mio__sys_pipe(mio_fd_t fds[2]);

/* A notifier: an fd that becomes readable when signalled (eventfd on Linux, a pipe
 * elsewhere). Both ends are non-blocking and close-on-exec. Windows has no counterpart:
 * a selector there is an I/O completion port, woken with PostQueuedCompletionStatus. */
struct mio__sys_notify {
	mio_fd_t read_fd;
	mio_fd_t write_fd; /* == read_fd for an eventfd */
};
int mio__sys_notify_open(struct mio__sys_notify *n);
/* Thread-safe. Never blocks: a full counter/pipe is drained and written again. */
int mio__sys_notify_signal(const struct mio__sys_notify *n);
/* Empties it so the next signal is a new edge. */
void mio__sys_notify_drain(const struct mio__sys_notify *n);
void mio__sys_notify_close(struct mio__sys_notify *n);

#endif
