/* SPDX-License-Identifier: MIT */
/* The socket state (mio's SockState, wepoll's sock.c): one record per socket registered
 * with a port, and the core's struct mio_backend_reg. It holds the pending IOCTL_AFD_POLL
 * (its IO_STATUS_BLOCK and buffer, which the kernel writes until the completion is
 * dequeued), the interest, and the edge emulation: bits reported by select() leave
 * user_events until rearm. Every function here is called with the port's lock held. */
#ifndef MIO_AFD_SOCK_H
#define MIO_AFD_SOCK_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <mio/event.h>
#include <mio/interest.h>

#include "afd.h"
#include "list.h"
#include "poll-group.h"
#include "port.h"

enum sock_poll_status {
	SOCK_IDLE,      /* no poll is out */
	SOCK_PENDING,   /* a poll is out, watching pending_events */
	SOCK_CANCELLED, /* a poll is out and cancelled; its completion is still to come */
};

struct mio_backend_reg {
	IO_STATUS_BLOCK iosb;            /* first: the completion's OVERLAPPED pointer */
	struct afd_poll_info poll_info;
	struct list node;                /* in port->regs, or port->spare_regs once freed */
	struct list update_node;         /* in port->update_queue while an update is due */
	struct afd_group *group;
	SOCKET base;                     /* the base socket AFD polls */
	mio_token_t token;
	uint32_t interest_events;        /* AFD events the interest asks for; rearm restores them */
	uint32_t user_events;            /* interest_events minus what was reported since */
	uint32_t pending_events;         /* what the poll that is out watches */
	enum sock_poll_status status;
	bool delete_pending;             /* deregistered: freed when the poll is back */
	bool closed;                     /* LOCAL_CLOSE seen or the handle invalid: no more polls */
	bool discard;                    /* the poll out is for a closed socket of this number */
	atomic_bool disarmed;            /* user_events lost bits: rearm has work to do */
};

/* mio's Windows Event accessors decide from AFD bits; libmio's inline accessors read epoll
 * bits (<mio/event.h>). Each AFD bit becomes the epoll bits that make libmio's accessors
 * answer as mio's do for it (mio-reference.md 1.3), and OR-ing them keeps that true for
 * any combination:
 *   RECEIVE, ACCEPT  readable                                  IN
 *   SEND             writable                                  OUT
 *   DISCONNECT       readable, read_closed                     IN|RDHUP
 *   ABORT            readable, writable, read/write_closed     IN|OUT|HUP
 *   CONNECT_FAIL     all of those and error                    IN|OUT|ERR|HUP
 * RECEIVE_EXPEDITED (mio's is_priority) is never asked for: mio ignores PRIORITY on
 * Windows, and PRI would also make libmio's is_readable true where mio's is false. */
static inline uint32_t
mio__afd_event_flags(uint32_t afd_events)
{
	uint32_t f = 0;
	if (afd_events & (AFD_POLL_RECEIVE | AFD_POLL_ACCEPT))
		f |= MIO_EVENT_IN;
	if (afd_events & AFD_POLL_SEND)
		f |= MIO_EVENT_OUT;
	if (afd_events & AFD_POLL_DISCONNECT)
		f |= MIO_EVENT_IN | MIO_EVENT_RDHUP;
	if (afd_events & AFD_POLL_ABORT)
		f |= MIO_EVENT_IN | MIO_EVENT_OUT | MIO_EVENT_HUP;
	if (afd_events & AFD_POLL_CONNECT_FAIL)
		f |= MIO_EVENT_IN | MIO_EVENT_OUT | MIO_EVENT_ERR | MIO_EVENT_HUP;
	return f;
}

/* A record for base, polled through a group of port. 0 or a negative errno. */
int mio__afd_sock_new(struct afd_port *port, SOCKET base, struct mio_backend_reg **ret);
/* Whether reg's socket is known to be closed: a stale record for its handle number. */
bool mio__afd_sock_is_stale(const struct mio_backend_reg *reg);
/* Re-initialises a stale record for the socket that now has its number. */
void mio__afd_sock_renew(struct afd_port *port, struct mio_backend_reg *reg, SOCKET base);
/* Register or reregister: the token and interest replace the old ones, fully armed. */
void mio__afd_sock_set_interest(struct afd_port *port, struct mio_backend_reg *reg,
				mio_token_t token, mio_interest_t interest);
/* mio's do_io after WouldBlock: arms the interest again. */
/* The AFD events an interest (or a re-arm's direction) covers; CONNECT_FAIL and ABORT are
 * in every one. */
uint32_t mio__afd_interest_events(mio_interest_t interest);
/* Gives back the interest's events among events (a re-arm's direction; all of them after a
 * reregister), and asks for a new poll where the one out misses some. */
void mio__afd_sock_rearm(struct afd_port *port, struct mio_backend_reg *reg, uint32_t events);
/* Starts, keeps or cancels the poll so it watches user_events (called for queued records
 * before each wait). 0 or a negative errno (the record stays queued). */
int mio__afd_sock_update(struct afd_port *port, struct mio_backend_reg *reg);
/* reg's poll completed (its completion was dequeued). Returns 1 and fills *ev when it
 * carries an event the user asked for, else 0. May free a deregistered record. */
int mio__afd_sock_feed(struct afd_port *port, struct mio_backend_reg *reg,
		       struct mio_event *ev);
/* Deregister: no event is reported for reg from now on. Freed now if no poll is out,
 * else cancelled and freed when the completion is dequeued. A freed record is kept for the
 * next mio__afd_sock_new() of the port. */
void mio__afd_sock_delete(struct afd_port *port, struct mio_backend_reg *reg);
/* Frees the kept records: the port is going away. */
void mio__afd_sock_free_spares(struct afd_port *port);

#endif
