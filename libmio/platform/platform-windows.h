/* SPDX-License-Identifier: MIT */
/* platform.h's Windows half: Win32 lock types, Winsock start-up, and the translation of
 * Win32, Winsock and NTSTATUS codes into the negative errno values libmio returns. */
#ifndef MIO_PLATFORM_WINDOWS_H
#define MIO_PLATFORM_WINDOWS_H

#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#ifndef NOMINMAX
#define NOMINMAX
#endif
/* winsock2.h before windows.h, or windows.h brings the old winsock.h. */
#include <winsock2.h>
#include <windows.h>

typedef SRWLOCK mio__sys_mutex;
#define MIO__SYS_MUTEX_INIT SRWLOCK_INIT
typedef INIT_ONCE mio__sys_once;
#define MIO__SYS_ONCE_INIT INIT_ONCE_STATIC_INIT

/* Directory separator for building module paths. */
#define MIO__SYS_PATH_SEP "\\"

/* Registration-map keys: handle values >> this (SOCKETs, like all kernel handles, are
 * multiples of 4). */
#define MIO__SYS_HANDLE_SHIFT 2

/* WSAStartup(2.2), once per process, however many threads ask at the same time. Every
 * socket libmio creates calls it first; libmio never calls WSACleanup (sockets may outlive
 * any libmio object). Returns 0 or a negative errno. */
int mio__sys_net_init(void);

/* A Win32 error (GetLastError()) or a Winsock one (WSAGetLastError(), the same number
 * space) as a negative errno: WSAEWOULDBLOCK -EAGAIN, WSAECONNREFUSED -ECONNREFUSED,
 * ERROR_FILE_NOT_FOUND -ENOENT, ... Codes with no errno counterpart give -EIO. */
int mio__sys_error_from_win32(unsigned long code);
/* An NTSTATUS (as the AFD backend gets from NtDeviceIoControlFile) as a negative errno,
 * through its Win32 code (RtlNtStatusToDosError). Success and informational codes give 0. */
int mio__sys_error_from_ntstatus(long status);

#endif
