/* SPDX-License-Identifier: MIT */
/* What the backend needs from ntdll beyond the SDK headers: NtCancelIoFileEx (undocumented,
 * so undeclared) and the NTSTATUS values it tests. winnt.h already defines some STATUS_*
 * names as DWORDs, so these carry their own NTSTATUS-typed names. */
#ifndef MIO_AFD_NT_H
#define MIO_AFD_NT_H

#include "platform.h" /* winsock2.h and windows.h, in that order */

#include <winternl.h>

#define NTSTATUS_SUCCESS ((NTSTATUS)0x00000000L)
#define NTSTATUS_PENDING ((NTSTATUS)0x00000103L)
#define NTSTATUS_CANCELLED ((NTSTATUS)0xC0000120L)
#define NTSTATUS_NOT_FOUND ((NTSTATUS)0xC0000225L)

NTSTATUS NTAPI NtCancelIoFileEx(HANDLE file, PIO_STATUS_BLOCK request, PIO_STATUS_BLOCK iosb);

#endif
