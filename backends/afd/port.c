/* SPDX-License-Identifier: MIT */
/* The port (mio's SelectorInner in selector.rs, wepoll's port.c). */
#include "port.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>

#include <mio-backend-module.h>
#include <timeout.h>

#include "sock.h"

/* Completions dequeued per wait. On the stack: select() never allocates. */
#define BATCH 256

/* Freeing a port waits this long for its cancelled polls (they complete at once on
 * Windows; under Wine the completion needs a round trip to wineserver). */
#define DRAIN_WAIT_MS 100
#define DRAIN_WAITS 100

_Static_assert(offsetof(struct mio_backend_reg, iosb) == 0,
	       "a completion's OVERLAPPED pointer is its record's IO_STATUS_BLOCK");

int
mio__afd_port_new(struct afd_port **ret)
{
	struct afd_port *port = malloc(sizeof(*port));
	if (!port)
		return -ENOMEM;
	/* Not inheritable: no security attributes. */
	HANDLE iocp = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
	if (!iocp) {
		int err = mio__sys_error_from_win32(GetLastError());
		free(port);
		return err;
	}
	*port = (struct afd_port){ .lock = MIO__SYS_MUTEX_INIT, .iocp = iocp };
	atomic_init(&port->refs, 1);
	list_init(&port->update_queue);
	list_init(&port->regs);
	list_init(&port->spare_regs);
	list_init(&port->groups);
	*ret = port;
	return 0;
}

void
mio__afd_port_ref(struct afd_port *port)
{
	atomic_fetch_add_explicit(&port->refs, 1, memory_order_relaxed);
}

void
mio__afd_port_lock(struct afd_port *port)
{
	mio__sys_mutex_lock(&port->lock);
}

void
mio__afd_port_unlock(struct afd_port *port)
{
	mio__sys_mutex_unlock(&port->lock);
}

void
mio__afd_port_request_update(struct afd_port *port, struct mio_backend_reg *reg)
{
	if (!list_is_linked(&reg->update_node))
		list_append(&port->update_queue, &reg->update_node);
}

void
mio__afd_port_cancel_update(struct afd_port *port, struct mio_backend_reg *reg)
{
	(void)port;
	if (list_is_linked(&reg->update_node))
		list_remove(&reg->update_node);
}

/* Brings every queued record's poll up to date. A record that fails stays queued and the
 * first error is returned (mio's update_sockets_events). */
static int
update_events(struct afd_port *port)
{
	int first_err = 0;
	struct list *node = port->update_queue.next;
	while (node != &port->update_queue) {
		struct list *next = node->next;
		int err = mio__afd_sock_update(port,
					       list_entry(node, struct mio_backend_reg, update_node));
		if (err < 0 && first_err == 0)
			first_err = err;
		node = next;
	}
	return first_err;
}

void
mio__afd_port_update_if_polling(struct afd_port *port)
{
	/* An error leaves the record queued: the waiting select() retries and reports it
	 * after its wait (wepoll does the same). */
	if (port->polling > 0)
		(void)update_events(port);
}

/* One pass over the dequeued completions, writing events straight into the caller's
 * array; each completion gives at most one event. */
static size_t
feed(struct afd_port *port, const OVERLAPPED_ENTRY *entries, ULONG count,
     struct mio_event *events)
{
	size_t n = 0;
	for (ULONG i = 0; i < count; i++) {
		OVERLAPPED *overlapped = entries[i].lpOverlapped;
		if (!overlapped) {
			/* Posted by the waker: the AFD bits are in the byte count, as in mio. */
			events[n].flags = mio__afd_event_flags(entries[i].dwNumberOfBytesTransferred);
			events[n].token = (uint64_t)entries[i].lpCompletionKey;
			n++;
			continue;
		}
		n += (size_t)mio__afd_sock_feed(port, (struct mio_backend_reg *)(void *)overlapped,
						&events[n]);
	}
	return n;
}

static uint64_t
now_ms(void)
{
	LARGE_INTEGER count, freq;
	QueryPerformanceCounter(&count);
	QueryPerformanceFrequency(&freq);
	uint64_t c = (uint64_t)count.QuadPart, f = (uint64_t)freq.QuadPart;
	return c / f * 1000 + c % f * 1000 / f;
}

int
mio__afd_port_select(struct afd_port *port, struct mio_event *events, size_t capacity,
		     int64_t timeout_ns)
{
	OVERLAPPED_ENTRY entries[BATCH];
	/* Rounded up to milliseconds; -1 (forever) is INFINITE. At most INT_MAX ms (24.8
	 * days), where mio takes up to UINT32_MAX. */
	DWORD wait = (DWORD)mio_backend_timeout_ms(timeout_ns);
	uint64_t deadline = wait != 0 && wait != INFINITE ? now_ms() + wait : 0;
	size_t n = 0;
	bool more = false;
	int err = 0;

	if (capacity == 0)
		return -EINVAL;
	if (capacity > INT_MAX)
		capacity = INT_MAX;

	mio__afd_port_lock(port);
	for (;;) {
		/* Not before taking the rest of a full batch: a poll started now could complete
		 * at once and report a socket twice in one call. */
		if (!more && (err = update_events(port)) < 0)
			break;
		ULONG want = capacity - n < BATCH ? (ULONG)(capacity - n) : BATCH, got = 0;
		port->polling++;
		mio__afd_port_unlock(port);
		BOOL ok = GetQueuedCompletionStatusEx(port->iocp, entries, want, &got,
						      more ? 0 : wait, FALSE);
		DWORD last = ok ? 0 : GetLastError();
		mio__afd_port_lock(port);
		port->polling--;

		if (!ok && last != WAIT_TIMEOUT) {
			err = mio__sys_error_from_win32(last);
			break;
		}
		if (ok)
			n += feed(port, entries, got, events + n);
		/* A full batch: take what else is queued without waiting. */
		more = ok && got == want && n < capacity;
		if (more)
			continue;
		if (n > 0 || wait == 0)
			break;
		/* Only completions without a user event (cancelled or superseded polls): mio
		 * absorbs them when waiting forever; a finite wait goes on for what is left. */
		if (wait != INFINITE) {
			uint64_t now = now_ms();
			if (now >= deadline)
				break;
			wait = (DWORD)(deadline - now);
		}
	}
	mio__afd_port_unlock(port);
	return n > 0 ? (int)n : err;
}

int
mio__afd_port_post(struct afd_port *port, mio_token_t token)
{
	/* mio's waker: a null OVERLAPPED, the token as the key, AFD_POLL_RECEIVE as the bytes. */
	if (!PostQueuedCompletionStatus(port->iocp, AFD_POLL_RECEIVE, (ULONG_PTR)token, NULL))
		return mio__sys_error_from_win32(GetLastError());
	return 0;
}

/* Dequeues until every poll out has come back; false if some never did. */
static bool
drain(struct afd_port *port)
{
	OVERLAPPED_ENTRY entries[BATCH];
	unsigned timeouts = 0;
	while (port->outstanding > 0) {
		ULONG got = 0;
		if (!GetQueuedCompletionStatusEx(port->iocp, entries, BATCH, &got, DRAIN_WAIT_MS,
						 FALSE)) {
			if (GetLastError() == WAIT_TIMEOUT && ++timeouts < DRAIN_WAITS)
				continue;
			return false;
		}
		for (ULONG i = 0; i < got; i++) {
			struct mio_event ignored;
			if (entries[i].lpOverlapped)
				(void)mio__afd_sock_feed(
					port, (struct mio_backend_reg *)(void *)entries[i].lpOverlapped,
					&ignored);
		}
	}
	return true;
}

void
mio__afd_port_unref(struct afd_port *port)
{
	if (atomic_fetch_sub_explicit(&port->refs, 1, memory_order_acq_rel) != 1)
		return;
	/* The last handle: registrations still held by the core die with the family. Delete
	 * each (cancelling its poll), then wait for the completions, which free them. */
	struct list *node = port->regs.next;
	while (node != &port->regs) {
		struct list *next = node->next;
		struct mio_backend_reg *reg = list_entry(node, struct mio_backend_reg, node);
		if (!reg->delete_pending)
			mio__afd_sock_delete(port, reg);
		node = next;
	}
	if (!drain(port)) {
		/* A poll that never came back may still be written by the kernel: leak the
		 * records, their helper handles and the port rather than free them under it. */
		mio_backend_debug("afd", "%lu AFD polls did not come back; leaking their port",
				  (unsigned long)port->outstanding);
		return;
	}
	mio__afd_sock_free_spares(port);
	mio__afd_group_free_all(&port->groups);
	CloseHandle(port->iocp);
	free(port);
}
