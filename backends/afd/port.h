/* SPDX-License-Identifier: MIT */
/* The port: one per selector family (a poll, its registry clones and its waker). An I/O
 * completion port, the poll groups, every socket record and the update queue, under one
 * lock that select() lets go of only while it waits in GetQueuedCompletionStatusEx (mio's
 * SelectorInner, wepoll's port.c). */
#ifndef MIO_AFD_PORT_H
#define MIO_AFD_PORT_H

#include <stdatomic.h>
#include <stdint.h>

#include <mio/common.h>
#include <mio/event.h>

#include "list.h"
#include "nt.h"

struct mio_backend_reg;

struct afd_port {
	mio__sys_mutex lock;
	atomic_uint refs;          /* selector handles and wakers */
	HANDLE iocp;
	/* Guarded by lock. */
	unsigned polling;          /* threads inside GetQueuedCompletionStatusEx */
	size_t outstanding;        /* polls started whose completion is not dequeued yet */
	struct list update_queue;  /* records whose poll must be started or replaced */
	struct list regs;          /* every record, deregistered ones until their poll is back */
	struct list spare_regs;    /* freed records, reused so steady registering never allocates */
	struct list groups;        /* poll groups, full ones first */
};

int mio__afd_port_new(struct afd_port **ret);
void mio__afd_port_ref(struct afd_port *port);
/* The last reference cancels every poll, waits for their completions (the kernel writes
 * into the records until then) and frees the records, the groups and the port. */
void mio__afd_port_unref(struct afd_port *port);

void mio__afd_port_lock(struct afd_port *port);
void mio__afd_port_unlock(struct afd_port *port);

/* Caller holds the lock. Queues reg for the next update (once). */
void mio__afd_port_request_update(struct afd_port *port, struct mio_backend_reg *reg);
void mio__afd_port_cancel_update(struct afd_port *port, struct mio_backend_reg *reg);
/* Caller holds the lock. If a thread waits in select(), starts the queued polls now, so a
 * change made from another thread applies to the wait in progress (mio's
 * update_sockets_events_if_polling). */
void mio__afd_port_update_if_polling(struct afd_port *port);

/* One thread at a time. Waits for completions and turns them into at most capacity
 * events; timeout_ns < 0 waits until there is one. Returns the count or a negative errno. */
int mio__afd_port_select(struct afd_port *port, struct mio_event *events, size_t capacity,
			 int64_t timeout_ns);

/* Thread-safe: queues a readable event for token (the waker). */
int mio__afd_port_post(struct afd_port *port, mio_token_t token);

#endif
