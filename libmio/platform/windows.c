/* SPDX-License-Identifier: MIT */
/* Windows implementation of platform.h and platform-windows.h: SOCKETs as handles, Win32
 * locks, LoadLibraryExW with a restricted search path, and error translation. Strings
 * crossing this file are UTF-8; Win32 is called with UTF-16. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <mio/error.h>

#include "platform.h"

#include <winternl.h>

/* --- Handles ------------------------------------------------------------------------ */

int
mio__sys_set_cloexec(mio_fd_t fd)
{
	if (!SetHandleInformation((HANDLE)fd, HANDLE_FLAG_INHERIT, 0))
		return mio__sys_error_from_win32(GetLastError());
	return 0;
}

int
mio__sys_set_nonblocking(mio_fd_t fd, bool on)
{
	u_long mode = on;
	return ioctlsocket(fd, FIONBIO, &mode) == SOCKET_ERROR ? mio__sys_socket_error() : 0;
}

int
mio__sys_close(mio_fd_t fd)
{
	return closesocket(fd) == SOCKET_ERROR ? mio__sys_socket_error() : 0;
}

/* --- Threads, locks and once ---------------------------------------------------------- */

void
mio__sys_yield(void)
{
	SwitchToThread();
}

void
mio__sys_mutex_init(mio__sys_mutex *mutex)
{
	InitializeSRWLock(mutex);
}

void
mio__sys_mutex_destroy(mio__sys_mutex *mutex)
{
	/* An SRWLOCK holds no resources. */
}

void
mio__sys_mutex_lock(mio__sys_mutex *mutex)
{
	AcquireSRWLockExclusive(mutex);
}

void
mio__sys_mutex_unlock(mio__sys_mutex *mutex)
{
	ReleaseSRWLockExclusive(mutex);
}

struct once_call {
	void (*fn)(void);
};

static BOOL CALLBACK
once_trampoline(PINIT_ONCE once, PVOID param, PVOID *context)
{
	((struct once_call *)param)->fn();
	return TRUE;
}

void
mio__sys_call_once(mio__sys_once *once, void (*fn)(void))
{
	struct once_call call = { fn };
	InitOnceExecuteOnce(once, once_trampoline, &call, NULL);
}

/* Windows has no fork(): no handler ever runs. */
void
mio__sys_at_fork(void (*prepare)(void), void (*parent)(void), void (*child)(void))
{
	(void)prepare;
	(void)parent;
	(void)child;
}

/* --- Winsock ------------------------------------------------------------------------- */

static mio__sys_once net_once = MIO__SYS_ONCE_INIT;
static int net_err;

static void
net_startup(void)
{
	WSADATA data;
	int r = WSAStartup(MAKEWORD(2, 2), &data);
	net_err = r ? mio__sys_error_from_win32((unsigned long)r) : 0;
}

int
mio__sys_net_init(void)
{
	mio__sys_call_once(&net_once, net_startup);
	return net_err;
}

/* --- Errors -------------------------------------------------------------------------- */

int
mio__sys_socket_error(void)
{
	return mio__sys_error_from_win32((unsigned long)WSAGetLastError());
}

int
mio__sys_error_from_win32(unsigned long code)
{
	switch (code) {
	case ERROR_SUCCESS: return 0;
	/* Winsock: the BSD socket errors, one for one. */
	case WSAEWOULDBLOCK: return -EAGAIN;
	case WSAEINPROGRESS: return -EINPROGRESS;
	case WSAEALREADY: return -EALREADY;
	case WSAENOTSOCK: return -ENOTSOCK;
	case WSAEDESTADDRREQ: return -EDESTADDRREQ;
	case WSAEMSGSIZE: return -EMSGSIZE;
	case WSAEPROTOTYPE: return -EPROTOTYPE;
	case WSAENOPROTOOPT: return -ENOPROTOOPT;
	case WSAEPROTONOSUPPORT: return -EPROTONOSUPPORT;
	case WSAESOCKTNOSUPPORT: return MIO_ESOCKTNOSUPPORT;
	case WSAEOPNOTSUPP: return -EOPNOTSUPP;
	case WSAEPFNOSUPPORT: return -EAFNOSUPPORT; /* protocol family: no errno of its own */
	case WSAEAFNOSUPPORT: return -EAFNOSUPPORT;
	case WSAEADDRINUSE: return -EADDRINUSE;
	case WSAEADDRNOTAVAIL: return -EADDRNOTAVAIL;
	case WSAENETDOWN: return -ENETDOWN;
	case WSAENETUNREACH: return -ENETUNREACH;
	case WSAENETRESET: return -ENETRESET;
	case WSAECONNABORTED: return -ECONNABORTED;
	case WSAECONNRESET: return -ECONNRESET;
	case WSAENOBUFS: return -ENOBUFS;
	case WSAEISCONN: return -EISCONN;
	case WSAENOTCONN: return -ENOTCONN;
	case WSAESHUTDOWN: return -EPIPE; /* send after shutdown: EPIPE, as on POSIX */
	case WSAETIMEDOUT: return -ETIMEDOUT;
	case WSAECONNREFUSED: return -ECONNREFUSED;
	case WSAELOOP: return -ELOOP;
	case WSAENAMETOOLONG: return -ENAMETOOLONG;
	case WSAEHOSTDOWN: return MIO_EHOSTDOWN;
	case WSAEHOSTUNREACH: return -EHOSTUNREACH;
	case WSAENOTEMPTY: return -ENOTEMPTY;
	case WSAEINTR: return -EINTR;
	case WSAEBADF: return -EBADF;
	case WSAEACCES: return -EACCES;
	case WSAEFAULT: return -EFAULT;
	case WSAEINVAL: return -EINVAL;
	case WSAEMFILE: return -EMFILE;
	case WSAEDISCON: return -EPIPE;
	case WSASYSNOTREADY: return -ENETDOWN;
	case WSAVERNOTSUPPORTED: return -ENOSYS;
	case WSANOTINITIALISED: return -ENOTSOCK; /* no socket can exist before WSAStartup */
	case WSAHOST_NOT_FOUND: return -ENOENT;
	case WSANO_DATA: return -ENOENT;
	/* Win32 (also what NTSTATUS codes become). WSA_INVALID_HANDLE, WSA_NOT_ENOUGH_MEMORY,
	 * WSA_INVALID_PARAMETER and WSA_OPERATION_ABORTED are these same numbers. */
	case ERROR_FILE_NOT_FOUND: return -ENOENT;
	case ERROR_PATH_NOT_FOUND: return -ENOENT;
	case ERROR_MOD_NOT_FOUND: return -ENOENT;
	case ERROR_INVALID_NAME: return -ENOENT;
	case ERROR_BAD_PATHNAME: return -ENOENT;
	case ERROR_INVALID_DRIVE: return -ENOENT;
	case ERROR_ENVVAR_NOT_FOUND: return -ENOENT;
	case ERROR_NOT_FOUND: return -ENOENT;
	case ERROR_ACCESS_DENIED: return -EACCES;
	case ERROR_NOACCESS: return -EFAULT;
	case ERROR_PRIVILEGE_NOT_HELD: return -EPERM;
	case ERROR_INVALID_HANDLE: return -EBADF;
	case ERROR_NOT_ENOUGH_MEMORY: return -ENOMEM;
	case ERROR_OUTOFMEMORY: return -ENOMEM;
	case ERROR_NO_SYSTEM_RESOURCES: return -ENOMEM;
	case ERROR_COMMITMENT_LIMIT: return -ENOMEM;
	case ERROR_TOO_MANY_OPEN_FILES: return -EMFILE;
	case ERROR_INVALID_PARAMETER: return -EINVAL;
	case ERROR_INVALID_FLAGS: return -EINVAL;
	case ERROR_INSUFFICIENT_BUFFER: return -EINVAL;
	case ERROR_INVALID_DATA: return -EINVAL;
	case ERROR_BUFFER_OVERFLOW: return -ENAMETOOLONG;
	case ERROR_FILENAME_EXCED_RANGE: return -ENAMETOOLONG;
	case ERROR_ALREADY_EXISTS: return -EEXIST;
	case ERROR_FILE_EXISTS: return -EEXIST;
	case ERROR_BAD_EXE_FORMAT: return -ENOEXEC;
	case ERROR_EXE_MACHINE_TYPE_MISMATCH: return -ENOEXEC;
	case ERROR_DLL_INIT_FAILED: return -ENOEXEC;
	case ERROR_PROC_NOT_FOUND: return -ENOSYS;
	case ERROR_CALL_NOT_IMPLEMENTED: return -ENOSYS;
	case ERROR_NOT_SUPPORTED: return -ENOTSUP;
	case ERROR_OPERATION_ABORTED: return -ECANCELED;
	case ERROR_REQUEST_ABORTED: return -ECANCELED;
	case ERROR_CONNECTION_REFUSED: return -ECONNREFUSED;
	case ERROR_PORT_UNREACHABLE: return -ECONNREFUSED;
	case ERROR_CONNECTION_ABORTED: return -ECONNABORTED;
	case ERROR_NETNAME_DELETED: return -ECONNRESET;
	case ERROR_NETWORK_UNREACHABLE: return -ENETUNREACH;
	case ERROR_HOST_UNREACHABLE: return -EHOSTUNREACH;
	case ERROR_ADDRESS_ALREADY_ASSOCIATED: return -EADDRINUSE;
	case ERROR_NOT_CONNECTED: return -ENOTCONN;
	case ERROR_GRACEFUL_DISCONNECT: return -EPIPE;
	case ERROR_BROKEN_PIPE: return -EPIPE;
	case ERROR_NO_DATA: return -EPIPE;
	case ERROR_BAD_PIPE: return -EPIPE;
	case ERROR_PIPE_NOT_CONNECTED: return -EPIPE;
	case ERROR_PIPE_BUSY: return -EBUSY;
	case ERROR_SHARING_VIOLATION: return -EBUSY;
	case ERROR_LOCK_VIOLATION: return -EBUSY;
	case ERROR_SEM_TIMEOUT: return -ETIMEDOUT;
	case ERROR_TIMEOUT: return -ETIMEDOUT;
	case WAIT_TIMEOUT: return -ETIMEDOUT;
	case ERROR_ABANDONED_WAIT_0: return -EBADF; /* the completion port was closed */
	case ERROR_DISK_FULL: return -ENOSPC;
	case ERROR_HANDLE_DISK_FULL: return -ENOSPC;
	case ERROR_DIRECTORY: return -ENOTDIR;
	case ERROR_DIR_NOT_EMPTY: return -ENOTEMPTY;
	case ERROR_WRITE_PROTECT: return -EROFS;
	case ERROR_NOT_SAME_DEVICE: return -EXDEV;
	case ERROR_NO_UNICODE_TRANSLATION: return -EILSEQ;
	case ERROR_IO_DEVICE: return -EIO;
	default: return -EIO;
	}
}

int
mio__sys_error_from_ntstatus(long status)
{
	/* NT_SUCCESS, and informational codes such as STATUS_PENDING. */
	if (status >= 0)
		return 0;
	return mio__sys_error_from_win32(RtlNtStatusToDosError((NTSTATUS)status));
}

/* --- Strings ------------------------------------------------------------------------- */

/* UTF-8 to UTF-16 into a buffer of size characters; -ENAMETOOLONG or -EILSEQ. */
static int
to_wide(const char *s, wchar_t *buf, int size)
{
	if (MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, buf, size) > 0)
		return 0;
	return GetLastError() == ERROR_INSUFFICIENT_BUFFER ? -ENAMETOOLONG : -EILSEQ;
}

static int
from_wide(const wchar_t *s, char *buf, size_t size)
{
	int n = size > INT_MAX ? INT_MAX : (int)size;
	if (WideCharToMultiByte(CP_UTF8, 0, s, -1, buf, n, NULL, NULL) > 0)
		return 0;
	return GetLastError() == ERROR_INSUFFICIENT_BUFFER ? -ENAMETOOLONG : -EILSEQ;
}

/* --- Modules ------------------------------------------------------------------------- */

/* Long enough for any path the loader builds (it refuses longer ones first). */
#define WIDE_PATH_MAX 4096

void *
mio__sys_module_open(const char *path, int *err, char *msg, size_t msg_size)
{
	wchar_t wpath[WIDE_PATH_MAX];
	*err = to_wide(path, wpath, WIDE_PATH_MAX);
	if (*err < 0) {
		snprintf(msg, msg_size, "%s: not a usable path", path);
		return NULL;
	}
	/* LoadLibrary says only "not found" when a module's dependency is missing: tell that
	 * apart from a missing file first. */
	if (GetFileAttributesW(wpath) == INVALID_FILE_ATTRIBUTES) {
		DWORD code = GetLastError();
		*err = mio__sys_error_from_win32(code);
		snprintf(msg, msg_size, "%s: %s", path, code == ERROR_ACCESS_DENIED
				? "Permission denied" : "No such file or directory");
		return NULL;
	}
	/* Dependencies only from the module's own directory and System32: never the current
	 * directory, the application directory or PATH (DLL planting). */
	HMODULE h = LoadLibraryExW(wpath, NULL,
				   LOAD_LIBRARY_SEARCH_DLL_LOAD_DIR | LOAD_LIBRARY_SEARCH_SYSTEM32);
	if (!h) {
		DWORD code = GetLastError();
		/* The file exists: "not found" means a DLL it needs is missing. */
		*err = code == ERROR_MOD_NOT_FOUND ? -ENOEXEC : mio__sys_error_from_win32(code);
		if (*err == -EIO || *err == -EINVAL)
			*err = -ENOEXEC;
		snprintf(msg, msg_size, "%s: LoadLibraryExW failed (Win32 error %lu%s)", path,
			 (unsigned long)code,
			 code == ERROR_MOD_NOT_FOUND ? ": a DLL it depends on is missing" : "");
	}
	return h;
}

void *
mio__sys_module_symbol(void *module, const char *symbol)
{
	FARPROC f = GetProcAddress((HMODULE)module, symbol);
	void *p;
	memcpy(&p, &f, sizeof(p)); /* the one way from a function pointer to void * */
	return p;
}

/* --- Paths and the environment -------------------------------------------------------- */

static mio__sys_once backend_dir_once = MIO__SYS_ONCE_INIT;
static char backend_dir[WIDE_PATH_MAX * 3];
static int backend_dir_err;

/* Any object of this module: its address tells which DLL (or exe) the code is in. */
static const char module_anchor;

static void
find_backend_dir(void)
{
	HMODULE self;
	wchar_t path[WIDE_PATH_MAX], full[WIDE_PATH_MAX];
	if (!GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS |
					GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
				(LPCWSTR)&module_anchor, &self)) {
		backend_dir_err = mio__sys_error_from_win32(GetLastError());
		return;
	}
	DWORD n = GetModuleFileNameW(self, path, WIDE_PATH_MAX);
	if (n == 0 || n >= WIDE_PATH_MAX) {
		backend_dir_err = n ? -ENAMETOOLONG : mio__sys_error_from_win32(GetLastError());
		return;
	}
	/* <dir>\libmio-0.dll -> <dir>\..\lib\mio-0 (MIO_BACKENDDIR_FROM_BINDIR) */
	wchar_t *slash = wcsrchr(path, L'\\');
	if (!slash || (size_t)(slash + 1 - path) + wcslen(L"" MIO_BACKENDDIR_FROM_BINDIR) >=
			      WIDE_PATH_MAX) {
		backend_dir_err = -ENAMETOOLONG;
		return;
	}
	wcscpy(slash + 1, L"" MIO_BACKENDDIR_FROM_BINDIR);
	/* Resolve the "..": what users see (mio-info, MIO_DEBUG) is a plain path. */
	n = GetFullPathNameW(path, WIDE_PATH_MAX, full, NULL);
	if (n == 0 || n >= WIDE_PATH_MAX) {
		backend_dir_err = n ? -ENAMETOOLONG : mio__sys_error_from_win32(GetLastError());
		return;
	}
	backend_dir_err = from_wide(full, backend_dir, sizeof(backend_dir));
}

int
mio__sys_backend_dir(char *buf, size_t size)
{
	mio__sys_call_once(&backend_dir_once, find_backend_dir);
	return backend_dir_err < 0 ? backend_dir_err : mio__sys_copy_string(backend_dir, buf, size);
}

static bool
is_sep(char c)
{
	return c == '\\' || c == '/';
}

bool
mio__sys_path_is_absolute(const char *path)
{
	bool drive = ((path[0] >= 'A' && path[0] <= 'Z') || (path[0] >= 'a' && path[0] <= 'z')) &&
		     path[1] == ':' && is_sep(path[2]);
	bool unc = is_sep(path[0]) && is_sep(path[1]); /* \\server\share, \\?\C:\ */
	return drive || unc;
}

int
mio__sys_getenv(const char *name, char *buf, size_t size)
{
	wchar_t wname[256], value[WIDE_PATH_MAX];
	int r = to_wide(name, wname, 256);
	if (r < 0)
		return r;
	SetLastError(ERROR_SUCCESS); /* a set but empty variable also gives 0 */
	DWORD n = GetEnvironmentVariableW(wname, value, WIDE_PATH_MAX);
	if (n == 0 && GetLastError() == ERROR_ENVVAR_NOT_FOUND)
		return -ENOENT;
	if (n == 0)
		value[0] = 0;
	if (n >= WIDE_PATH_MAX)
		return -ENAMETOOLONG;
	return from_wide(value, buf, size);
}

int
mio__sys_dir_each(const char *dir, int (*fn)(const char *name, void *ctx), void *ctx)
{
	char pattern[WIDE_PATH_MAX];
	if (snprintf(pattern, sizeof(pattern), "%s\\*", dir) >= (int)sizeof(pattern))
		return -ENAMETOOLONG;
	wchar_t wpattern[WIDE_PATH_MAX];
	int r = to_wide(pattern, wpattern, WIDE_PATH_MAX);
	if (r < 0)
		return r;
	WIN32_FIND_DATAW found;
	HANDLE h = FindFirstFileW(wpattern, &found);
	if (h == INVALID_HANDLE_VALUE)
		return GetLastError() == ERROR_FILE_NOT_FOUND ? 0 /* empty */
							       : mio__sys_error_from_win32(GetLastError());
	do {
		char name[4 * MAX_PATH];
		if (from_wide(found.cFileName, name, sizeof(name)) == 0)
			r = fn(name, ctx);
	} while (r >= 0 && FindNextFileW(h, &found));
	FindClose(h);
	return r < 0 ? r : 0;
}
