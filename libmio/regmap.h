/* SPDX-License-Identifier: MIT */
/* The registration map: for backends that emulate edge triggering (poll, AFD), which
 * selector families hold each handle, and the backend's record of each such registration.
 * It exists because libmio's sockets are plain handles with no state of their own: an I/O
 * helper that hits EAGAIN knows only the handle, and mio's do_io must re-arm every
 * registration of it. Non-emulating backends (epoll, kqueue) never touch it.
 *
 * Concurrency, decided here once for every backend:
 *  - A record is linked into its handle's entry and into its family's list. Both links
 *    change only with the family's lock held (so one family's registrations are
 *    serialised) and the entry's lock held (a bit in the entry word: one atomic op).
 *  - mio__regmap_rearm() holds the entry lock while it calls the backends' rearm(), so a
 *    record, its backend record and its family's selector stay valid during the call:
 *    unlinking a record waits for a re-arm in progress, and a family frees its selector
 *    only after unlinking all its records.
 *  - A re-arm that finds no record yet (a registration still being made) is not lost:
 *    registering re-arms once more after the record is linked.
 */
#ifndef MIO_REGMAP_H
#define MIO_REGMAP_H

#include "mio-private.h"

struct mio__reg {
	struct mio__reg *next;     /* the handle's records; guarded by the entry lock */
	struct mio__reg *fam_prev; /* the family's records; guarded by the family lock */
	struct mio__reg *fam_next;
	struct mio_family *family;
	struct mio_backend_reg *breg;
	mio_fd_t fd;
	/* The family's backend->rearm and selector, copied here: the hot path loads less. */
	void (*rearm)(struct mio_selector *sel, mio_fd_t fd, struct mio_backend_reg *reg,
		      mio_interest_t interest);
	struct mio_selector *selector;
};

/* Whether handle values this large can be registered with an emulating backend (all fds
 * and every SOCKET Windows hands out can). */
bool mio__regmap_can_hold(mio_fd_t fd);

/* The family's record for fd, or NULL (also for handles the map cannot hold). Caller
 * holds the family lock. */
struct mio__reg *mio__regmap_find(mio_fd_t fd, const struct mio_family *family);

/* A record from the pool (never freed, so the hot path never allocates once warm), and its
 * return. NULL: out of memory. */
struct mio__reg *mio__regmap_alloc(void);
void mio__regmap_release(struct mio__reg *rec);

/* Links rec (its fields set) into its handle's entry and its family's list, and unlinks
 * it. Caller holds the family lock. Linking may allocate the handle's part of the map:
 * -ENOMEM. */
int mio__regmap_link(struct mio__reg *rec);
void mio__regmap_unlink(struct mio__reg *rec);

/* One record of fd whose family is still alive, with a reference taken on that family
 * (the caller drops it), or NULL: used by mio_close() to visit every family holding fd. */
struct mio_family *mio__regmap_any_family(mio_fd_t fd);

/* mio__regmap_rearm(fd, interest) (declared in mio-private.h for the inline mio__rearm())
 * calls rearm() for every registration of fd. Thread-safe, never blocks for long, never
 * allocates. */

#endif
