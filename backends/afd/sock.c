/* SPDX-License-Identifier: MIT */
/* The socket state machine (mio's SockState in selector.rs, wepoll's sock.c). */
#include "sock.h"

#include <errno.h>
#include <stdlib.h>

/* mio's interests_to_afd_flags and set_event: READABLE watches what makes mio's Event
 * readable, read-closed or an error; WRITABLE what makes it writable, write-closed or an
 * error; CONNECT_FAIL and ABORT are always watched. PRIORITY, AIO and LIO add nothing, as
 * in mio. LOCAL_CLOSE is added to every poll, not here: it is never reported. */
#define READABLE_EVENTS                                                                      \
	(AFD_POLL_RECEIVE | AFD_POLL_DISCONNECT | AFD_POLL_ACCEPT | AFD_POLL_ABORT |         \
	 AFD_POLL_CONNECT_FAIL)
#define WRITABLE_EVENTS (AFD_POLL_SEND | AFD_POLL_ABORT | AFD_POLL_CONNECT_FAIL)
#define ALWAYS_EVENTS (AFD_POLL_CONNECT_FAIL | AFD_POLL_ABORT)

uint32_t
mio__afd_interest_events(mio_interest_t interest)
{
	uint32_t events = ALWAYS_EVENTS;
	if (interest & MIO_INTEREST_READABLE)
		events |= READABLE_EVENTS;
	if (interest & MIO_INTEREST_WRITABLE)
		events |= WRITABLE_EVENTS;
	return events;
}

static void
reset(struct mio_backend_reg *reg, SOCKET base)
{
	reg->base = base;
	reg->token = 0;
	reg->interest_events = reg->user_events = reg->pending_events = 0;
	reg->closed = false;
	atomic_store_explicit(&reg->disarmed, false, memory_order_relaxed);
}

int
mio__afd_sock_new(struct afd_port *port, SOCKET base, struct mio_backend_reg **ret)
{
	struct list *spare = list_first(&port->spare_regs);
	struct mio_backend_reg *reg = spare ? list_entry(spare, struct mio_backend_reg, node)
					    : malloc(sizeof(*reg));
	if (!reg)
		return -ENOMEM;
	int err = mio__afd_group_acquire(&port->groups, port->iocp, &reg->group);
	if (err < 0) {
		if (!spare)
			free(reg);
		return err;
	}
	if (spare)
		list_remove(spare);
	else
		atomic_init(&reg->disarmed, false);
	reg->iosb.Status = NTSTATUS_SUCCESS;
	list_init(&reg->update_node);
	list_append(&port->regs, &reg->node);
	reg->status = SOCK_IDLE;
	reg->delete_pending = false;
	reg->discard = false;
	reset(reg, base);
	*ret = reg;
	return 0;
}

/* A poll that completed with LOCAL_CLOSE whose completion is still queued: read what the
 * kernel wrote (the status last), as HasOverlappedIoCompleted does. */
static bool
completed_with_local_close(const struct mio_backend_reg *reg)
{
	if (reg->status != SOCK_PENDING || !mio__afd_device_poll_done(&reg->iosb))
		return false;
	MemoryBarrier();
	return NT_SUCCESS(reg->iosb.Status) && reg->poll_info.number_of_handles >= 1 &&
	       (reg->poll_info.handles[0].events & AFD_POLL_LOCAL_CLOSE) != 0;
}

bool
mio__afd_sock_is_stale(const struct mio_backend_reg *reg)
{
	return reg->closed || completed_with_local_close(reg);
}

void
mio__afd_sock_renew(struct afd_port *port, struct mio_backend_reg *reg, SOCKET base)
{
	/* A poll still out belongs to the closed socket: its completion is dropped. */
	if (reg->status != SOCK_IDLE)
		reg->discard = true;
	mio__afd_port_cancel_update(port, reg);
	reset(reg, base);
}

void
mio__afd_sock_set_interest(struct afd_port *port, struct mio_backend_reg *reg,
			   mio_token_t token, mio_interest_t interest)
{
	reg->token = token;
	reg->interest_events = mio__afd_interest_events(interest);
	reg->user_events = 0; /* bits no longer wanted leave too */
	mio__afd_sock_rearm(port, reg, reg->interest_events);
}

void
mio__afd_sock_rearm(struct afd_port *port, struct mio_backend_reg *reg, uint32_t events)
{
	if (reg->delete_pending || reg->closed)
		return;
	reg->user_events |= reg->interest_events & events;
	atomic_store_explicit(&reg->disarmed, reg->user_events != reg->interest_events,
			      memory_order_relaxed);
	/* A poll that watches everything wanted already stays; fewer bits than it watches is
	 * fine too: a completion for bits nobody wants is dropped and the poll replaced. */
	if ((reg->user_events & AFD_POLL_KNOWN_EVENTS & ~reg->pending_events) != 0)
		mio__afd_port_request_update(port, reg);
}

static int
cancel_poll(struct mio_backend_reg *reg)
{
	int err = mio__afd_device_cancel(reg->group->afd, &reg->iosb);
	if (err < 0)
		return err;
	reg->status = SOCK_CANCELLED;
	reg->pending_events = 0;
	return 0;
}

int
mio__afd_sock_update(struct afd_port *port, struct mio_backend_reg *reg)
{
	if (reg->status == SOCK_PENDING) {
		/* A poll can be neither changed nor synchronously cancelled: if the one out misses
		 * wanted bits, cancel it; the completion then starts the right one. */
		if ((reg->user_events & AFD_POLL_KNOWN_EVENTS & ~reg->pending_events) != 0) {
			int err = cancel_poll(reg);
			if (err < 0)
				return err;
		}
	} else if (reg->status == SOCK_IDLE) {
		reg->poll_info.exclusive = FALSE;
		reg->poll_info.number_of_handles = 1;
		reg->poll_info.timeout.QuadPart = INT64_MAX;
		reg->poll_info.handles[0].handle = (HANDLE)reg->base;
		reg->poll_info.handles[0].status = 0;
		reg->poll_info.handles[0].events = reg->user_events | AFD_POLL_LOCAL_CLOSE;
		int err = mio__afd_device_poll(reg->group->afd, &reg->poll_info, &reg->iosb);
		if (err == -EBADF) {
			/* The socket was closed without deregistering: poll it no more. */
			reg->closed = true;
		} else if (err < 0) {
			return err;
		} else {
			reg->status = SOCK_PENDING;
			reg->pending_events = reg->user_events;
			port->outstanding++;
		}
	}
	/* SOCK_CANCELLED: the completion, when it comes, queues the record again. */
	mio__afd_port_cancel_update(port, reg);
	return 0;
}

static void
release(struct afd_port *port, struct mio_backend_reg *reg)
{
	mio__afd_port_cancel_update(port, reg);
	list_remove(&reg->node);
	mio__afd_group_release(&port->groups, reg->group);
	list_append(&port->spare_regs, &reg->node);
}

int
mio__afd_sock_feed(struct afd_port *port, struct mio_backend_reg *reg, struct mio_event *ev)
{
	reg->status = SOCK_IDLE;
	reg->pending_events = 0;
	port->outstanding--;

	if (reg->delete_pending) {
		release(port, reg);
		return 0;
	}
	if (reg->discard) {
		reg->discard = false;
		if (reg->user_events != 0)
			mio__afd_port_request_update(port, reg);
		return 0;
	}

	uint32_t afd_events = 0;
	NTSTATUS status = reg->iosb.Status;
	if (status == NTSTATUS_CANCELLED) {
		/* Cancelled by an update or a reregister: nothing happened. */
	} else if (status < 0) {
		/* The poll itself failed (mio and wepoll report it as a connect failure). Wine 8
		 * completes polls with STATUS_HANDLES_CLOSED (a warning, negative too) when their
		 * helper handle is closed; the backend never closes one with a poll out. */
		afd_events = AFD_POLL_CONNECT_FAIL;
	} else if (reg->poll_info.number_of_handles < 1) {
		/* Completed without reporting the socket. */
	} else if (reg->poll_info.handles[0].events & AFD_POLL_LOCAL_CLOSE) {
		/* Closed without deregistering (mio marks the state for deletion; here the core
		 * still holds the record, so it stays, unpolled, until deregister, forget or a
		 * register of the reused handle number). */
		reg->closed = true;
		mio__afd_port_cancel_update(port, reg);
		return 0;
	} else {
		afd_events = reg->poll_info.handles[0].events;
	}

	mio__afd_port_request_update(port, reg);
	afd_events &= reg->user_events;
	if (afd_events == 0)
		return 0;
	/* Edge emulation: what is reported stays out of the poll until rearm. */
	reg->user_events &= ~afd_events;
	atomic_store_explicit(&reg->disarmed, true, memory_order_relaxed);
	ev->flags = mio__afd_event_flags(afd_events);
	ev->token = reg->token;
	return 1;
}

void
mio__afd_sock_delete(struct afd_port *port, struct mio_backend_reg *reg)
{
	if (reg->status == SOCK_PENDING)
		(void)cancel_poll(reg); /* on failure the poll completes some day all the same */
	reg->delete_pending = true;
	if (reg->status == SOCK_IDLE)
		release(port, reg);
	else
		mio__afd_port_cancel_update(port, reg);
}

void
mio__afd_sock_free_spares(struct afd_port *port)
{
	struct list *node;
	while ((node = list_first(&port->spare_regs))) {
		list_remove(node);
		free(list_entry(node, struct mio_backend_reg, node));
	}
}
