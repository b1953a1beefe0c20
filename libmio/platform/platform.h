/* SPDX-License-Identifier: MIT */
/* The one internal interface over the OS: handles, errors, locks, loadable modules and the
 * environment. posix.c and windows.c implement it; platform-posix.h and platform-windows.h
 * add the types that differ and the few services only one OS has. The core and the backends
 * use only this, never the OS calls these wrap. Every function is thread-safe. */
#ifndef MIO_PLATFORM_H
#define MIO_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>

#include <mio/common.h>

#if defined(_WIN32)
#include "platform-windows.h"
#else
#include "platform-posix.h"
#endif

/* --- Handles (fds; SOCKETs on Windows) ------------------------------------------------ */

/* Not inherited by child processes: FD_CLOEXEC, or HANDLE_FLAG_INHERIT cleared. */
int mio__sys_set_cloexec(mio_fd_t fd);
/* O_NONBLOCK, or FIONBIO on a SOCKET. */
int mio__sys_set_nonblocking(mio_fd_t fd, bool on);
/* Closes fd (closesocket on Windows); EINTR counts as closed. Returns 0 or -errno. */
int mio__sys_close(mio_fd_t fd);

/* --- Errors --------------------------------------------------------------------------- */

/* The error of the calling thread's last failed socket call as a negative errno value:
 * -errno on POSIX, WSAGetLastError() translated on Windows (WSAEWOULDBLOCK is -EAGAIN). */
int mio__sys_socket_error(void);

/* --- Locks and one-time initialisation (pthreads; SRWLOCK and INIT_ONCE on Windows) -- */

/* mio__sys_mutex and mio__sys_once come from the OS header, with static initialisers
 * MIO__SYS_MUTEX_INIT and MIO__SYS_ONCE_INIT; statically allocated ones need no init or
 * destroy call, others get mio__sys_mutex_init() and mio__sys_mutex_destroy(). The mutex
 * is not recursive. */
void mio__sys_mutex_init(mio__sys_mutex *mutex);
void mio__sys_mutex_destroy(mio__sys_mutex *mutex);
void mio__sys_mutex_lock(mio__sys_mutex *mutex);
void mio__sys_mutex_unlock(mio__sys_mutex *mutex);
/* Runs fn exactly once per once-object; concurrent callers wait until it has returned. */
void mio__sys_call_once(mio__sys_once *once, void (*fn)(void));
/* Handlers run around fork() (pthread_atfork); Windows has no fork: nothing to do. */
void mio__sys_at_fork(void (*prepare)(void), void (*parent)(void), void (*child)(void));

/* --- Loadable modules ----------------------------------------------------------------- */

/* Opens the module at the absolute path (UTF-8 on Windows), once and never closed. Only
 * the module's own directory and the system's are searched for what it depends on, never
 * the current directory or PATH. On failure returns NULL, sets *err (-ENOENT: no such
 * file, -EACCES: unreadable, -EMFILE/-ENFILE/-ENOMEM: out of fds or memory, -EPERM: other
 * users could have replaced it (POSIX), -ENOEXEC: not a loadable module, or the OS's
 * reason) and a message in msg. */
void *mio__sys_module_open(const char *path, int *err, char *msg, size_t msg_size);
void *mio__sys_module_symbol(void *module, const char *symbol);

/* Gives the CPU to another thread (a spin lock's back-off). */
void mio__sys_yield(void);

/* --- Paths and the environment ---------------------------------------------------------- */

/* The directory backend modules are installed in: the configured ${libdir}/mio-<major> on
 * POSIX; on Windows the same layout found relative to the module libmio's code is in
 * (<dir of libmio.dll>\..\lib\mio-0, what `meson install` produces), as Windows has no
 * fixed libdir. Copied into buf; -ENAMETOOLONG if it does not fit. */
int mio__sys_backend_dir(char *buf, size_t size);
/* True for a path that names the same file whatever the current directory is ("/..." on
 * POSIX; "C:\...", "C:/..." or "\\server\..." on Windows). */
bool mio__sys_path_is_absolute(const char *path);
/* Copies the environment variable name into buf. -ENOENT if it is unset, -ENAMETOOLONG if
 * it does not fit. POSIX ignores the environment in setuid and setgid programs
 * (secure_getenv, or issetugid() where that is the system's test); Windows has no such
 * programs, so there it is a plain read (UTF-8). */
int mio__sys_getenv(const char *name, char *buf, size_t size);
/* Calls fn(name, ctx) for every entry of dir (UTF-8 names, "." and ".." included) until fn
 * returns a negative value, which is then returned. -errno of opening dir (-ENOENT,
 * -EACCES, -ENOTDIR...), else 0. (dir-posix.c; windows.c) */
int mio__sys_dir_each(const char *dir, int (*fn)(const char *name, void *ctx), void *ctx);

/* --- Shared by the implementations (common.c) -------------------------------------- */

/* Copies s into buf; -ENAMETOOLONG if it does not fit with its NUL. */
int mio__sys_copy_string(const char *s, char *buf, size_t size);

#endif
