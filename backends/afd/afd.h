/* SPDX-License-Identifier: MIT */
/* The AFD device: helper handles on \Device\Afd that carry IOCTL_AFD_POLL requests for
 * sockets, completed through an I/O completion port (mio's afd.rs, wepoll's afd.c). */
#ifndef MIO_AFD_AFD_H
#define MIO_AFD_AFD_H

#include <stdint.h>

#include "nt.h"

/* AFD_POLL_* event bits (mio's afd.rs, wepoll's afd.h). */
#define AFD_POLL_RECEIVE 0x0001u
#define AFD_POLL_RECEIVE_EXPEDITED 0x0002u
#define AFD_POLL_SEND 0x0004u
#define AFD_POLL_DISCONNECT 0x0008u
#define AFD_POLL_ABORT 0x0010u
#define AFD_POLL_LOCAL_CLOSE 0x0020u
/* Never asked for: AFD reports it with every event of a connected socket, not once. */
#define AFD_POLL_CONNECT 0x0040u
#define AFD_POLL_ACCEPT 0x0080u
#define AFD_POLL_CONNECT_FAIL 0x0100u
#define AFD_POLL_KNOWN_EVENTS                                                                \
	(AFD_POLL_RECEIVE | AFD_POLL_RECEIVE_EXPEDITED | AFD_POLL_SEND | AFD_POLL_DISCONNECT | \
	 AFD_POLL_ABORT | AFD_POLL_LOCAL_CLOSE | AFD_POLL_ACCEPT | AFD_POLL_CONNECT_FAIL)

/* IOCTL_AFD_POLL's input and output buffer, for one socket. */
struct afd_poll_handle_info {
	HANDLE handle;
	ULONG events;
	NTSTATUS status;
};

struct afd_poll_info {
	LARGE_INTEGER timeout;
	ULONG number_of_handles;
	ULONG exclusive;
	struct afd_poll_handle_info handles[1];
};

/* Opens a helper handle (an AFD endpoint that is not a socket) and associates it with the
 * completion port iocp. 0 or a negative errno. */
int mio__afd_device_open(HANDLE iocp, HANDLE *ret);

/* Starts a poll of info->handles[0] on the helper handle afd. The completion carries iosb
 * as its OVERLAPPED pointer. 0: a completion will be queued (also when the poll completed
 * at once); -EBADF: the socket is closed; another negative errno: nothing was queued. */
int mio__afd_device_poll(HANDLE afd, struct afd_poll_info *info, IO_STATUS_BLOCK *iosb);

/* Cancels the poll started with iosb; its completion still comes, with STATUS_CANCELLED
 * unless it had completed already. 0 or a negative errno. */
int mio__afd_device_cancel(HANDLE afd, IO_STATUS_BLOCK *iosb);

/* Whether the poll started with iosb has completed (its completion may still be queued). */
static inline bool
mio__afd_device_poll_done(const IO_STATUS_BLOCK *iosb)
{
	return *(const volatile NTSTATUS *)&iosb->Status != NTSTATUS_PENDING;
}

#endif
