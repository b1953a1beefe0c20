/* SPDX-License-Identifier: MIT */
/* The AFD device (mio's afd.rs, wepoll's afd.c). */
#include "afd.h"

#include <errno.h>

#define IOCTL_AFD_POLL 0x00012024u

/* Opening \Device\Afd without extended attributes gives a handle that talks to the AFD
 * driver but is no socket. The name after the last backslash is free; mio uses "Mio". */
static const WCHAR device_path[] = L"\\Device\\Afd\\Mio";

int
mio__afd_device_open(HANDLE iocp, HANDLE *ret)
{
	UNICODE_STRING name = {
		.Length = sizeof(device_path) - sizeof(WCHAR),
		.MaximumLength = sizeof(device_path),
		.Buffer = (PWSTR)device_path,
	};
	OBJECT_ATTRIBUTES attributes = { .Length = sizeof(attributes), .ObjectName = &name };
	IO_STATUS_BLOCK iosb;
	HANDLE afd;

	NTSTATUS status = NtCreateFile(&afd, SYNCHRONIZE, &attributes, &iosb, NULL, 0,
				       FILE_SHARE_READ | FILE_SHARE_WRITE, FILE_OPEN, 0, NULL, 0);
	if (status != NTSTATUS_SUCCESS)
		return mio__sys_error_from_ntstatus(status);
	/* Not inherited (NtCreateFile without OBJ_INHERIT), and no event to set on each
	 * completion: the port is the only consumer. */
	if (!CreateIoCompletionPort(afd, iocp, 0, 0) ||
	    !SetFileCompletionNotificationModes(afd, FILE_SKIP_SET_EVENT_ON_HANDLE)) {
		int err = mio__sys_error_from_win32(GetLastError());
		CloseHandle(afd);
		return err;
	}
	*ret = afd;
	return 0;
}

int
mio__afd_device_poll(HANDLE afd, struct afd_poll_info *info, IO_STATUS_BLOCK *iosb)
{
	iosb->Status = NTSTATUS_PENDING;
	/* The IO_STATUS_BLOCK is also the APC context, which the completion port hands back
	 * as the entry's OVERLAPPED pointer (wepoll's choice). */
	NTSTATUS status = NtDeviceIoControlFile(afd, NULL, NULL, iosb, iosb, IOCTL_AFD_POLL,
						info, sizeof(*info), info, sizeof(*info));
	/* STATUS_SUCCESS too queues a completion: FILE_SKIP_COMPLETION_PORT_ON_SUCCESS is not
	 * set (Wine 8 behaves the same, windows-wine.md check 10). */
	if (status == NTSTATUS_SUCCESS || status == NTSTATUS_PENDING)
		return 0;
	iosb->Status = status;
	/* mio and wepoll: ERROR_INVALID_HANDLE means the socket was closed. Wine 8 answers a
	 * closed handle (or one that is no socket) with STATUS_OBJECT_TYPE_MISMATCH, which
	 * maps to the same code; the code is compared, not the NTSTATUS. */
	if (RtlNtStatusToDosError(status) == ERROR_INVALID_HANDLE)
		return -EBADF;
	return mio__sys_error_from_ntstatus(status);
}

int
mio__afd_device_cancel(HANDLE afd, IO_STATUS_BLOCK *iosb)
{
	if (mio__afd_device_poll_done(iosb))
		return 0;
	IO_STATUS_BLOCK cancel_iosb;
	NTSTATUS status = NtCancelIoFileEx(afd, iosb, &cancel_iosb);
	/* STATUS_NOT_FOUND: it completed just now, which is as good. */
	if (status == NTSTATUS_SUCCESS || status == NTSTATUS_NOT_FOUND)
		return 0;
	return mio__sys_error_from_ntstatus(status);
}
