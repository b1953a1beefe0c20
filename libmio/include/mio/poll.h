/* SPDX-License-Identifier: MIT */
/**
 * @file mio/poll.h
 * @brief Poll and Registry: the selector and the handle that registers fds with it.
 *
 * Thread-safety (mio's rules): one thread at a time may call mio_poll_poll() on a poll.
 * The registry (and its clones) may be used from any thread at any time, including while
 * another thread is blocked in mio_poll_poll(); the change applies to that running poll.
 *
 * fork() (mio leaves it to the user; libmio states the rule): a child makes polls of its
 * own. What it inherited (polls, registry clones, wakers) it may only free, which is safe
 * on every backend, also when other threads of the parent were polling or registering at
 * the fork: libmio holds its locks across fork(). Using an inherited poll is not
 * supported, because it is not the child's alone:
 *  - epoll: the child's copy of the epoll fd is the parent's kernel set. A registration
 *    the child makes or removes is made or removed for the parent too; both are woken by
 *    the same events and the same waker. mio_poll_free() closes only the child's copy.
 *  - poll: the state is copied (the child sees the registrations as they were) but its
 *    notifier and waker fds are shared with the parent, so wakes and re-arms of one
 *    interrupt the other's poll. mio_poll_free() closes the child's copies only.
 *  - kqueue: fork() gives the child no kqueue (macOS and the BSDs), so an inherited poll
 *    watches nothing. mio_poll_free() (and mio_waker_free()) do not close the number in
 *    the child, where it may be one of the child's own fds by then.
 * The registered fds themselves are shared open files, as after any fork().
 */
#ifndef MIO_POLL_H
#define MIO_POLL_H

#include <mio/common.h>
#include <mio/event.h>
#include <mio/interest.h>

MIO_BEGIN_DECLS

/**
 * @defgroup mio_poll Poll
 * @brief The selector: created on a backend, polled by one thread at a time.
 *
 * The errors that name a loader failure (mio_poll_new(), mio_poll_new_with_backend()) are
 * those of docs/backend-abi.md; `MIO_DEBUG=1` prints the loader's reasons on stderr and
 * mio-info(1) shows them without writing a program.
 * @{
 */

/** A poll: owns a selector on one backend and its registry. Opaque. mio: `Poll`. */
struct mio_poll;

/**
 * Creates a poll on the process's backend.
 *
 * The backend is `MIO_BACKEND` if set (a name or a comma list in order of preference,
 * never a silent fallback), else the highest-priority backend, among those built with
 * libmio, whose probe succeeds. The first successful choice is kept for the process
 * (mio_backend_default() tells it); a failure is not, so a later call (once fds are free
 * again, say) chooses anew.
 *
 * @param[out] ret the poll; free it with mio_poll_free(). Untouched on failure.
 * @retval 0 success.
 * @retval -EINVAL @p ret is NULL; `MIO_BACKEND` is malformed; `MIO_BACKEND_DIR` is not an
 *         absolute path.
 * @retval -ENOENT no module for the backend (none of the list, or none built).
 * @retval -EACCES the module is not readable.
 * @retval -EPERM another user could have replaced the module (POSIX: its owner or mode,
 *         or its directory's; docs/environment.md).
 * @retval -ENOEXEC not a loadable module, or a wrong ABI, size or name, or a missing
 *         operation.
 * @retval -ENOSYS the module has no entry symbol.
 * @retval -ENAMETOOLONG the module's path is too long.
 * @retval -ENOSPC more distinct backends were loaded than the loader keeps (16).
 * @retval other a failed probe's errno (e.g. -ENOSYS, -EPERM under seccomp).
 * @retval -ENOMEM out of memory.
 * @retval -EMFILE, -ENFILE no fd left to load the module with, or for the selector
 *         (epoll_create1, the poll backend's notifier).
 *
 * Thread-safe. mio: `Poll::new`.
 */
MIO_API int mio_poll_new(struct mio_poll **ret);

/**
 * Creates a poll on the named backend ("epoll", "poll"...), whatever `MIO_BACKEND` says.
 *
 * @param name a backend name (`[a-z0-9_-]{1,32}`), loaded from the backend directory.
 * @param[out] ret the poll; free it with mio_poll_free(). Untouched on failure.
 * @retval 0 success.
 * @retval -EINVAL @p name or @p ret is NULL, @p name is not a valid backend name, or
 *         `MIO_BACKEND_DIR` is not absolute.
 * @retval other as mio_poll_new() (the loader's, the probe's and the selector's errors).
 *
 * Thread-safe. mio: none (mio's selector is fixed at compile time).
 */
MIO_API int mio_poll_new_with_backend(const char *name, struct mio_poll **ret);

/**
 * Closes the selector and frees the poll and its own registry. Registries cloned from it
 * stay valid (they hold the selector family). Free the poll's waker first. NULL is a
 * no-op.
 *
 * Not while another thread uses the poll or its own registry. mio: `drop(Poll)`.
 */
MIO_API void mio_poll_free(struct mio_poll *poll);

/**
 * The name of the poll's backend, e.g. "epoll".
 *
 * @return a static string, valid for the life of the process; NULL for a NULL poll.
 *
 * Thread-safe. mio: none.
 */
MIO_API const char *mio_poll_backend_name(const struct mio_poll *poll);

/**
 * The poll's own registry, borrowed: valid until mio_poll_free(); never pass it to
 * mio_registry_free() (which ignores it).
 *
 * @return the registry; NULL for a NULL poll.
 *
 * Thread-safe. mio: `Poll::registry`.
 */
MIO_API struct mio_registry *mio_poll_registry(struct mio_poll *poll);

/**
 * The selector's fd (the epoll fd, the kqueue fd), which becomes readable when the poll
 * has events, so a whole poll can be nested in another event loop (see docs/glib.md).
 *
 * @param poll the poll.
 * @param[out] ret the fd, owned by the poll: do not close it.
 * @retval 0 success.
 * @retval -EINVAL @p poll or @p ret is NULL.
 * @retval -ENOTSUP the backend has no selector fd (poll).
 *
 * Thread-safe. mio: `AsRawFd for Poll`.
 */
MIO_API int mio_poll_fd(const struct mio_poll *poll, mio_fd_t *ret);

/**
 * Waits for readiness events and stores them in @p events (which is cleared first).
 *
 * Registrations are edge-triggered: after an event, do I/O until it returns -EAGAIN
 * (libmio's I/O helpers re-arm the poll backend then; see <mio/io.h>).
 *
 * @param poll the poll.
 * @param events the buffer; at most mio_events_capacity() events are returned, the rest
 *               by the next call.
 * @param timeout_ns nanoseconds to wait at most: < 0 (::MIO_TIMEOUT_INFINITE) forever, 0
 *                   not at all. Rounded up to what the backend can express (ns with
 *                   epoll_pwait2, else ms), never down; kqueue on Apple systems waits
 *                   at most 10^8 s (about 3 years, kevent's limit), then returns 0.
 * @return the number of events (0 on timeout) or a negative errno:
 * @retval -EINVAL @p poll or @p events is NULL.
 * @retval -EINTR a signal arrived; returned, not retried, as in mio.
 * @retval -ENOMEM the kernel ran out of memory (poll(2)).
 * @retval -EMFILE more fds are registered than `RLIMIT_NOFILE` allows, which poll(2)
 *         refuses (poll backend; epoll is not bound by the limit). Nothing is lost: polls
 *         work again once the limit is raised or fds are deregistered.
 *
 * One thread at a time per poll (any thread); never allocates. mio: `Poll::poll`.
 */
MIO_API int mio_poll_poll(struct mio_poll *poll, struct mio_events *events, int64_t timeout_ns);

/** @} */

/**
 * @defgroup mio_registry Registry
 * @brief Registers fds with a poll's selector, from any thread, also while it polls.
 *
 * The errors are the same on every backend (mio leaves some of them unspecified; its
 * epoll and poll(2) selectors behave like this). mio: `Registry`.
 * @{
 */

/** A handle that registers fds with a poll: the poll's own, or a clone. Opaque. */
struct mio_registry;

/**
 * Registers @p fd for the readiness in @p interest, reported with @p token.
 * Edge-triggered. The fd is not owned: deregister it or close it with mio_close().
 *
 * @param registry the poll's registry or a clone.
 * @param fd an open fd that can be polled (socket, pipe, eventfd, terminal...).
 * @param token returned with the fd's events.
 * @param interest a valid interest (mio_interest_is_valid()).
 * @retval 0 success.
 * @retval -EINVAL @p registry is NULL or @p interest is invalid; also @p fd is the poll's
 *         own selector fd (epoll).
 * @retval -EBADF @p fd is invalid or closed (or, on the poll backend, above the
 *         registration map's range).
 * @retval -EEXIST @p fd is already registered with this selector.
 * @retval -EPERM @p fd cannot be polled (no poll method: a regular file, directory,
 *         block device, /dev/null, /dev/zero, /dev/urandom...).
 * @retval -ENOMEM out of memory.
 * @retval -ENOSPC the per-user limit of epoll watches is reached (epoll).
 * @retval -ELOOP @p fd is an epoll fd that would nest too deep or in a loop (epoll).
 *
 * Thread-safe; a poll blocked in another thread sees the registration. mio:
 * `Registry::register` with `SourceFd`.
 */
MIO_API int mio_registry_register(struct mio_registry *registry, mio_fd_t fd, mio_token_t token,
				  mio_interest_t interest);

/**
 * Replaces the token and interest of a registration. Readiness that already exists is
 * reported again.
 *
 * @retval 0 success.
 * @retval -EINVAL @p registry is NULL or @p interest is invalid.
 * @retval -EBADF @p fd is invalid or closed.
 * @retval -ENOENT @p fd is not registered with this selector (also when its number was
 *         closed and reused by another file).
 * @retval -ENOMEM out of memory (epoll).
 *
 * Thread-safe. mio: `Registry::reregister`.
 */
MIO_API int mio_registry_reregister(struct mio_registry *registry, mio_fd_t fd,
				    mio_token_t token, mio_interest_t interest);

/**
 * Removes a registration. After this returns, no later mio_poll_poll() reports it, also
 * one already blocked in another thread.
 *
 * @retval 0 success.
 * @retval -EINVAL @p registry is NULL.
 * @retval -EBADF @p fd is invalid or closed.
 * @retval -ENOENT @p fd is not registered with this selector (also when its number was
 *         closed and reused by another file).
 *
 * Thread-safe. mio: `Registry::deregister`.
 */
MIO_API int mio_registry_deregister(struct mio_registry *registry, mio_fd_t fd);

/**
 * An independent handle to the same selector, for another thread to own. It outlives the
 * poll it came from.
 *
 * @param registry the registry to clone.
 * @param[out] ret the clone; free it with mio_registry_free().
 * @retval 0 success.
 * @retval -EINVAL @p registry or @p ret is NULL.
 * @retval -ENOMEM out of memory.
 * @retval -EMFILE, -ENFILE no fd left for the duplicate selector fd (epoll).
 *
 * Thread-safe. mio: `Registry::try_clone`.
 */
MIO_API int mio_registry_try_clone(const struct mio_registry *registry, struct mio_registry **ret);

/**
 * Frees a clone. The poll's own registry is freed with its poll: passing it here does
 * nothing. NULL is a no-op.
 *
 * Not while another thread uses that clone. mio: `drop(Registry)`.
 */
MIO_API void mio_registry_free(struct mio_registry *registry);

/** @} */

MIO_END_DECLS

#endif
