/* SPDX-License-Identifier: MIT */
/* Poll groups: sockets share AFD helper handles, up to 32 per handle (mio's AfdGroup,
 * wepoll's poll-group.c). A port keeps its groups in a list, the full ones first, so the
 * last group is the one to fill. The caller holds the port's lock. */
#ifndef MIO_AFD_POLL_GROUP_H
#define MIO_AFD_POLL_GROUP_H

#include <stddef.h>

#include "list.h"
#include "nt.h"

#define AFD_GROUP_MAX_SIZE 32

struct afd_group {
	struct list node; /* in the port's groups */
	HANDLE afd;       /* the helper handle, associated with the port's IOCP */
	size_t size;      /* records using it, including deregistered ones whose poll is out */
};

/* A group with room for one more socket, opening a new helper handle on iocp when every
 * group is full. 0 or a negative errno. */
int mio__afd_group_acquire(struct list *groups, HANDLE iocp, struct afd_group **ret);
/* Gives a socket's place back. An empty group is closed unless it is the only one, so a
 * register/deregister loop does not open a handle each time. Only once no poll is
 * outstanding on it: closing the handle would complete them. */
void mio__afd_group_release(struct list *groups, struct afd_group *group);
/* Closes every group, used or not: the port is going away. */
void mio__afd_group_free_all(struct list *groups);

#endif
