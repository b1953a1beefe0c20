/* SPDX-License-Identifier: MIT */
/* The AFD backend: mio's Windows selector (selector.rs, afd.rs, iocp.rs; wepoll's design,
 * mio-reference.md 2.13). Sockets are polled with IOCTL_AFD_POLL on \Device\Afd helper
 * handles (poll-group.c), one poll out per socket (sock.c), completed through the I/O
 * completion port of the selector family (port.c).
 *
 * AFD polls are one-shot and level-triggered, so edge triggering is emulated as in mio:
 * the bits of a reported event leave the socket's interest until the core calls rearm()
 * after I/O on it would block (mio's do_io) or the user reregisters. The socket record is
 * the core's struct mio_backend_reg: the core's registration map hands it back to rearm,
 * forget and deregister, since libmio's sockets are plain handles. A record outlives its
 * deregistration until the cancelled poll's completion is dequeued, because the kernel
 * writes into it until then.
 *
 * Changes are queued and the polls started just before the port is waited on, or at once
 * when another thread is waiting (mio's update queue), so a registration made during a
 * blocked select() applies to it. Everything runs under the port's lock except the wait. */
#include <errno.h>
#include <stdlib.h>

#include <mio-backend.h>

#include "port.h"
#include "sock.h"
#include "ws.h"

struct mio_selector {
	struct afd_port *port;
};

struct mio_backend_waker {
	struct afd_port *port;
	mio_token_t token;
};

/* Usable where \Device\Afd opens (Windows, and Wine from 6.x). */
static int
afd_probe(void)
{
	HANDLE iocp = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
	if (!iocp)
		return mio__sys_error_from_win32(GetLastError());
	HANDLE afd;
	int err = mio__afd_device_open(iocp, &afd);
	if (err == 0)
		CloseHandle(afd);
	CloseHandle(iocp);
	return err;
}

static int
selector_wrap(struct afd_port *port, struct mio_selector **ret)
{
	struct mio_selector *sel = malloc(sizeof(*sel));
	if (!sel)
		return -ENOMEM;
	sel->port = port;
	*ret = sel;
	return 0;
}

static int
afd_selector_new(struct mio_selector **ret)
{
	/* Winsock must be up before registering asks it about handles, even when no socket
	 * was made through libmio (once per process; the module has its own platform copy). */
	int err = mio__sys_net_init();
	if (err < 0)
		return err;
	struct afd_port *port;
	err = mio__afd_port_new(&port);
	if (err < 0)
		return err;
	err = selector_wrap(port, ret);
	if (err < 0)
		mio__afd_port_unref(port);
	return err;
}

static int
afd_selector_clone(struct mio_selector *sel, struct mio_selector **ret)
{
	mio__afd_port_ref(sel->port);
	int err = selector_wrap(sel->port, ret);
	if (err < 0)
		mio__afd_port_unref(sel->port);
	return err;
}

static void
afd_selector_free(struct mio_selector *sel)
{
	mio__afd_port_unref(sel->port);
	free(sel);
}

static int
afd_select(struct mio_selector *sel, struct mio_event *events, size_t capacity,
	   int64_t timeout_ns)
{
	return mio__afd_port_select(sel->port, events, capacity, timeout_ns);
}

static int
afd_register_fd(struct mio_selector *sel, mio_fd_t fd, mio_token_t token,
		mio_interest_t interest, struct mio_backend_reg **reg)
{
	struct afd_port *port = sel->port;
	SOCKET base;
	int err = mio__afd_ws_base_socket(fd, &base);
	if (err < 0)
		return err;

	mio__afd_port_lock(port);
	if (*reg) {
		/* The family has a record for this handle number: either the socket is still
		 * registered, or it was closed without deregistering and the number reused. */
		if (mio__afd_sock_is_stale(*reg))
			mio__afd_sock_renew(port, *reg, base);
		else
			err = -EEXIST;
	} else {
		err = mio__afd_sock_new(port, base, reg);
	}
	if (err == 0) {
		mio__afd_sock_set_interest(port, *reg, token, interest);
		mio__afd_port_update_if_polling(port);
	}
	mio__afd_port_unlock(port);
	return err;
}

static int
afd_reregister_fd(struct mio_selector *sel, mio_fd_t fd, mio_token_t token,
		  mio_interest_t interest, struct mio_backend_reg *reg)
{
	struct afd_port *port = sel->port;
	if (!reg)
		return mio__afd_ws_unregistered_error(fd);
	int err = 0;
	mio__afd_port_lock(port);
	if (mio__afd_sock_is_stale(reg)) {
		/* Closed without deregistering: as on epoll, that socket is registered no more. */
		err = mio__afd_ws_unregistered_error(fd);
	} else {
		mio__afd_sock_set_interest(port, reg, token, interest);
		mio__afd_port_update_if_polling(port);
	}
	mio__afd_port_unlock(port);
	return err;
}

static int
afd_deregister_fd(struct mio_selector *sel, mio_fd_t fd, struct mio_backend_reg *reg)
{
	struct afd_port *port = sel->port;
	if (!reg)
		return mio__afd_ws_unregistered_error(fd);
	mio__afd_port_lock(port);
	int err = mio__afd_sock_is_stale(reg) ? mio__afd_ws_unregistered_error(fd) : 0;
	mio__afd_sock_delete(port, reg);
	mio__afd_port_unlock(port);
	return err;
}

static void
afd_forget(struct mio_selector *sel, mio_fd_t fd, struct mio_backend_reg *reg)
{
	/* Only the helper handle is touched (the poll is cancelled), never fd. */
	mio__afd_port_lock(sel->port);
	mio__afd_sock_delete(sel->port, reg);
	mio__afd_port_unlock(sel->port);
}

/* Only the direction's events: a read that would block must not bring back a writable
 * socket (mio re-arms every interest; see docs/porting-notes.md). */
static void
afd_rearm(struct mio_selector *sel, mio_fd_t fd, struct mio_backend_reg *reg,
	  mio_interest_t direction)
{
	(void)fd;
	/* The I/O helpers' hot path: nothing to do unless select() took bits away. */
	if (!atomic_load_explicit(&reg->disarmed, memory_order_acquire))
		return;
	struct afd_port *port = sel->port;
	mio__afd_port_lock(port);
	mio__afd_sock_rearm(port, reg, mio__afd_interest_events(direction));
	mio__afd_port_update_if_polling(port);
	mio__afd_port_unlock(port);
}

static int
afd_waker_new(struct mio_selector *sel, mio_token_t token, struct mio_backend_waker **ret)
{
	struct mio_backend_waker *waker = malloc(sizeof(*waker));
	if (!waker)
		return -ENOMEM;
	mio__afd_port_ref(sel->port);
	waker->port = sel->port;
	waker->token = token;
	*ret = waker;
	return 0;
}

static int
afd_waker_wake(struct mio_backend_waker *waker)
{
	return mio__afd_port_post(waker->port, waker->token);
}

static void
afd_waker_free(struct mio_backend_waker *waker)
{
	mio__afd_port_unref(waker->port);
	free(waker);
}

const struct mio_backend mio__backend_afd = {
	.abi_major = MIO_BACKEND_ABI_MAJOR,
	.abi_minor = MIO_BACKEND_ABI_MINOR,
	.size = sizeof(struct mio_backend),
	.name = "afd",
	.priority = MIO_BACKEND_PRIORITY_PRIMARY,
	.flags = MIO_BACKEND_EMULATES_EDGES,
	.probe = afd_probe,
	.selector_new = afd_selector_new,
	.selector_clone = afd_selector_clone,
	.selector_free = afd_selector_free,
	.selector_fd = NULL, /* an IOCP cannot be nested in another loop: -ENOTSUP */
	.select = afd_select,
	.register_fd = afd_register_fd,
	.reregister_fd = afd_reregister_fd,
	.deregister_fd = afd_deregister_fd,
	.waker_new = afd_waker_new,
	.waker_wake = afd_waker_wake,
	.waker_free = afd_waker_free,
	.rearm = afd_rearm,
	.forget = afd_forget,
};
