/* SPDX-License-Identifier: MIT */
/* Poll and Registry: the selector and the handle that registers sources with it.
 *
 * Thread-safety (mio's rules): one thread at a time may call mio_poll_poll() on a poll.
 * The registry (and its clones) may be used from any thread at any time, including while
 * another thread is blocked in mio_poll_poll(); the change applies to that running poll.
 */
#ifndef MIO_POLL_H
#define MIO_POLL_H

#include <mio/common.h>
#include <mio/event.h>
#include <mio/interest.h>

MIO_BEGIN_DECLS

struct mio_poll;
struct mio_registry;

/* Creates a poll on the process's backend: MIO_BACKEND if set (a name or a comma list in
 * order of preference, never a silent fallback), else the highest-priority backend, among
 * those built with libmio, whose probe succeeds. The decision (or the failure) is made once
 * per process.
 * Errors: -ENOENT (no such backend module), -EACCES (unreadable module), -ENOSYS (module
 * has no entry symbol),
 * -ENOEXEC (ABI mismatch or wrong name), -EINVAL (malformed MIO_BACKEND), a failed probe's
 * errno, or the selector's own error (-EMFILE, -ENOMEM...). */
MIO_API int mio_poll_new(struct mio_poll **ret);
/* Same, on the named backend ("epoll", "poll"...), whatever MIO_BACKEND says. */
MIO_API int mio_poll_new_with_backend(const char *name, struct mio_poll **ret);
/* Closes the selector. Registries cloned from it stay valid. NULL is a no-op. */
MIO_API void mio_poll_free(struct mio_poll *poll);
/* The backend's name, e.g. "epoll"; NULL for a NULL poll. */
MIO_API const char *mio_poll_backend_name(const struct mio_poll *poll);
/* The poll's own registry, borrowed: valid until mio_poll_free(). */
MIO_API struct mio_registry *mio_poll_registry(struct mio_poll *poll);
/* The selector's fd (epoll fd, kqueue fd) so a whole poll can be nested in another loop;
 * -ENOTSUP on backends that have none (poll). */
MIO_API int mio_poll_fd(const struct mio_poll *poll, mio_fd_t *ret);

/* Waits for readiness events and stores them in events (which is cleared first).
 * timeout_ns < 0 waits forever; 0 asks the OS without waiting. Timeouts are rounded up to
 * what the backend can express (ns with epoll_pwait2, else ms).
 * Returns the number of events (0 on timeout) or a negative errno; -EINTR is returned,
 * not retried, as in mio. */
MIO_API int mio_poll_poll(struct mio_poll *poll, struct mio_events *events, int64_t timeout_ns);

/* Registers a raw fd (mio's SourceFd). The fd is not owned. Edge-triggered.
 * -EINVAL: bad interest or NULL registry; -EBADF: negative/closed fd; -EEXIST: already
 * registered with this selector; -EPERM: the fd type cannot be polled (regular file). */
MIO_API int mio_registry_register(struct mio_registry *registry, mio_fd_t fd, mio_token_t token,
				  mio_interest_t interest);
/* Replaces token and interest; readiness that already exists is reported again.
 * -ENOENT if the fd is not registered. */
MIO_API int mio_registry_reregister(struct mio_registry *registry, mio_fd_t fd,
				    mio_token_t token, mio_interest_t interest);
/* After this returns, no later mio_poll_poll() reports the registration. -ENOENT if the fd
 * is not registered. */
MIO_API int mio_registry_deregister(struct mio_registry *registry, mio_fd_t fd);
/* An independent handle to the same selector (mio's try_clone); free it with
 * mio_registry_free(). It outlives the poll it came from. */
MIO_API int mio_registry_try_clone(const struct mio_registry *registry, struct mio_registry **ret);
/* Frees a clone. The poll's own registry is freed with its poll: passing it here does
 * nothing. NULL is a no-op. */
MIO_API void mio_registry_free(struct mio_registry *registry);

MIO_END_DECLS

#endif
