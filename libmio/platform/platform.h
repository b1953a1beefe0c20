/* SPDX-License-Identifier: MIT */
/* The one internal interface over the OS: fds vs SOCKETs, dlopen vs LoadLibrary, eventfd vs
 * pipe, secure_getenv. posix.c implements it; a windows.c will implement it for the AFD
 * port. The core and the backends use only this, never the OS calls these wrap. */
#ifndef MIO_PLATFORM_H
#define MIO_PLATFORM_H

#include <stdbool.h>
#include <mio/common.h>

/* fds */
int mio__sys_set_cloexec(mio_fd_t fd);
int mio__sys_set_nonblocking(mio_fd_t fd, bool on);
/* Closes fd; EINTR counts as closed. Returns 0 or -errno. */
int mio__sys_close(mio_fd_t fd);
/* A duplicate of fd, close-on-exec, numbered >= 3. */
int mio__sys_dup_cloexec(mio_fd_t fd, mio_fd_t *ret);

/* A pipe whose two ends are non-blocking and close-on-exec (atomically with pipe2). */
int mio__sys_pipe(mio_fd_t fds[2]);

/* A notifier: an fd that becomes readable when signalled (eventfd on Linux, a pipe
 * elsewhere). Both ends are non-blocking and close-on-exec. */
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

/* Loadable modules. Opened once and never closed. On failure returns NULL and sets *err
 * (-ENOENT: no such file, -ENOEXEC: not a loadable module) and a message in msg. */
void *mio__sys_module_open(const char *path, int *err, char *msg, size_t msg_size);
void *mio__sys_module_symbol(void *module, const char *symbol);

/* Gives the CPU to another thread (a spin lock's back-off). */
void mio__sys_yield(void);

/* Registration-map keys: handle values >> this. SOCKETs are multiples of 4 on Windows. */
#define MIO__SYS_HANDLE_SHIFT 0

/* getenv that ignores the environment in setuid/setgid programs. */
const char *mio__sys_secure_getenv(const char *name);

/* Directory separator for building module paths. */
#define MIO__SYS_PATH_SEP "/"

#endif
