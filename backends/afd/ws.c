/* SPDX-License-Identifier: MIT */
/* Winsock helpers (mio's get_base_socket, wepoll's ws.c). */
#include "ws.h"

#include <errno.h>

#include <mswsock.h>

static bool
is_open_handle(mio_fd_t fd)
{
	DWORD flags;
	return GetHandleInformation((HANDLE)fd, &flags) != 0;
}

static int
query_base(SOCKET s, DWORD ioctl, SOCKET *ret)
{
	DWORD bytes;
	if (WSAIoctl(s, ioctl, NULL, 0, ret, sizeof(*ret), &bytes, NULL, NULL) == SOCKET_ERROR)
		return WSAGetLastError();
	return 0;
}

int
mio__afd_ws_base_socket(mio_fd_t fd, SOCKET *ret)
{
	SOCKET s = (SOCKET)fd;
	/* Is it a socket at all? Windows' SIO_BASE_HANDLE would say so, but Wine 8 answers it
	 * for any handle value, open or not, socket or file (it returns the value itself), so
	 * the check is made apart, the same way on both. */
	int type, len = sizeof(type);
	if (getsockopt(s, SOL_SOCKET, SO_TYPE, (char *)&type, &len) == SOCKET_ERROR) {
		int err = WSAGetLastError();
		if (err == WSAENOTSOCK)
			return is_open_handle(fd) ? -EPERM : -EBADF;
		return mio__sys_error_from_win32((unsigned long)err);
	}
	int err = query_base(s, SIO_BASE_HANDLE, ret);
	if (err == 0)
		return 0;
	/* SIO_BASE_HANDLE is not meant to be intercepted, but at least one LSP breaks it; then
	 * mio tries these, trusting only an answer that is not the socket itself. Wine 8 has
	 * no LSPs and refuses all three (WSAEOPNOTSUPP, windows-wine.md), so this path is not
	 * exercised under Wine. */
	static const DWORD fallbacks[] = { SIO_BSP_HANDLE_SELECT, SIO_BSP_HANDLE_POLL,
					   SIO_BSP_HANDLE };
	for (size_t i = 0; i < sizeof(fallbacks) / sizeof(fallbacks[0]); i++) {
		SOCKET base;
		if (query_base(s, fallbacks[i], &base) == 0 && base != s) {
			*ret = base;
			return 0;
		}
	}
	return mio__sys_error_from_win32((unsigned long)err);
}

int
mio__afd_ws_unregistered_error(mio_fd_t fd)
{
	return is_open_handle(fd) ? -ENOENT : -EBADF;
}
