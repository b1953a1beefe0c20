/* SPDX-License-Identifier: MIT */
/* The poll backend's state, shared by every selector of one family (a poll and its
 * registry clones), and the record of one registered fd.
 *
 * The pollfd array is what poll(2) gets: slot 0 is an internal notifier, every other slot
 * one registered fd, with the record in the parallel regs array. select() holds the lock
 * across poll() and collection; modifiers get in through the handshake (handshake.c).
 *
 * Edge emulation: reporting an event clears its bits from the slot (collect.c) and records
 * them as taken; rearm() (the core calls it after I/O on the fd would block) hands back the
 * taken bits of the I/O's direction and queues the record on a lock-free list without
 * taking the lock, and signals the notifier only when a poll() is running; select()
 * restores what was handed back before it polls. */
#ifndef MIO_POLL_STATE_H
#define MIO_POLL_STATE_H

#include "config.h"

#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/stat.h>

#include <mio-backend.h>

#include "platform.h"

/* One fd registered with one family. The core keeps a pointer to it from register until
 * it hands it back to deregister/forget; the state owns its memory (chunks, freed with the
 * state), so records are recycled, never freed one by one. */
struct mio_backend_reg {
	/* Guarded by the state's lock. */
	mio_fd_t fd;
	mio_token_t token;
	short events;    /* the slot's pollfd.events when fully armed */
	unsigned slot;   /* index in pfds/regs; 0: not in the poll set (free, or closed) */
	/* The file registered: poll(2) never sees a hung-up (disarmed) fd, so it cannot say
	 * POLLNVAL when that fd is closed without deregistering; the identity tells a reused
	 * fd number from the file that was registered. */
	dev_t dev;
	ino_t ino;
	struct mio_backend_reg *free_next;

	/* Lock-free, as rearm() runs without the lock: REG_TAKEN bits are the poll events
	 * select() reported (and so stopped watching) since they were re-armed; REG_GIVEN bits
	 * (shifted) those rearm() handed back for select() to restore; REG_QUEUED: on the
	 * state's rearm list, which only select() clears, as it takes the record off. */
	atomic_uint arm;
	struct mio_backend_reg *rearm_next;
};

#define REG_TAKEN 0xffffu /* poll's event bits all fit in 16 */
#define REG_GIVEN_SHIFT 16
#define REG_QUEUED (1u << 31)

struct reg_chunk;

struct poll_state {
	pthread_mutex_t lock;       /* held by select() across poll() and collection */
	pthread_cond_t ops_done;    /* waiting_ops dropped to 0 */
	atomic_uint waiting_ops;    /* modifiers that want the lock while someone holds it */
	atomic_bool in_poll;        /* select() is in (or about to enter) poll() */
	unsigned ops_waiters;       /* threads in mio__poll_handshake_wait(), guarded by lock */
	struct mio__sys_notify notify;

	atomic_uint refs;           /* selector handles and the waker */
	atomic_bool has_waker;
	atomic_bool wake_pending;
	_Atomic(mio_token_t) waker_token;

	/* Records whose re-arm select() has to apply (lock-free push, popped by select). */
	_Atomic(struct mio_backend_reg *) rearm_head;

	/* Guarded by lock. */
	struct pollfd *pfds;        /* pfds[0] is the notifier */
	struct mio_backend_reg **regs; /* parallel to pfds; regs[0] is NULL */
	size_t nfds, cap;
	size_t scan_start;          /* where collection starts (0: the waker): where it filled up */
	struct mio_backend_reg *free_regs;
	struct reg_chunk *chunks;   /* every record ever made, freed with the state */

	/* fork(): every state is on one list for the fork handlers (state.c). */
	struct poll_state *fork_next;
	bool fork_counted;          /* how fork_prepare() got the lock */
};

/* state.c: lifecycle */
int mio__poll_state_new(struct poll_state **ret);
void mio__poll_state_ref(struct poll_state *s);
void mio__poll_state_unref(struct poll_state *s);

/* state.c: records and the poll set; caller holds the lock. */
/* A record from the state's pool (allocates only when the pool is empty). */
struct mio_backend_reg *mio__poll_reg_new(struct poll_state *s);
/* Back to the pool; it leaves the poll set if it is in it. */
void mio__poll_reg_free(struct poll_state *s, struct mio_backend_reg *reg);
/* Puts reg into the poll set, fully armed. The only place the set grows (-ENOMEM). */
int mio__poll_set_add(struct poll_state *s, struct mio_backend_reg *reg);
/* Takes the slot out of the poll set (swap with the last one). */
void mio__poll_set_remove(struct poll_state *s, struct mio_backend_reg *reg);
/* Restores the slot's full interest and un-hides its fd. */
static inline void
mio__poll_set_arm(struct poll_state *s, struct mio_backend_reg *reg)
{
	struct pollfd *p = &s->pfds[reg->slot];
	p->fd = reg->fd;
	p->events = reg->events;
}

/* handshake.c: how a modifier gets the lock while select() may sit in poll() with it. */
/* Returns whether the caller was counted in waiting_ops, for mio__poll_handshake_end(). */
bool mio__poll_handshake_begin(struct poll_state *s);
void mio__poll_handshake_end(struct poll_state *s, bool counted);
/* select(), holding the lock: lets queued modifiers in and waits until they are done. */
void mio__poll_handshake_wait(struct poll_state *s);

/* collect.c */
/* Applies the re-arms queued by rearm(); caller holds the lock. */
void mio__poll_apply_rearms(struct poll_state *s);
/* Turns poll()'s result (ready: its return value) into at most capacity events, starting
 * where the buffer last filled up; disarms what it reports. Returns the count. */
size_t mio__poll_collect(struct poll_state *s, struct mio_event *restrict events, size_t capacity,
		      int ready);

#endif
