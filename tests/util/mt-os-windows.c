/* SPDX-License-Identifier: MIT */
/* mt-os.h on Windows: Win32 threads and barriers, Winsock peers. */
#include "mt-os.h"
#include "mt.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>

struct mt_thread {
	HANDLE handle;
	void *(*fn)(void *);
	void *arg;
};

static DWORD WINAPI
thread_main(LPVOID param)
{
	struct mt_thread *t = param;
	t->fn(t->arg);
	return 0;
}

struct mt_thread *
mt_thread_spawn(void *(*fn)(void *), void *arg)
{
	struct mt_thread *t = malloc(sizeof(*t));
	mt_assert(t != NULL, "out of memory");
	t->fn = fn;
	t->arg = arg;
	t->handle = CreateThread(NULL, 0, thread_main, t, 0, NULL);
	mt_assert(t->handle != NULL, "CreateThread: error %lu", (unsigned long)GetLastError());
	return t;
}

void
mt_thread_join(struct mt_thread *thread)
{
	mt_assert(WaitForSingleObject(thread->handle, INFINITE) == WAIT_OBJECT_0,
		  "WaitForSingleObject: error %lu", (unsigned long)GetLastError());
	CloseHandle(thread->handle);
	free(thread);
}

/* A lock and a condition variable, not SYNCHRONIZATION_BARRIER: Wine 8.0 does not implement
 * InitializeSynchronizationBarrier (the call aborts the process). */
struct mt_barrier {
	SRWLOCK lock;
	CONDITION_VARIABLE all_here;
	unsigned count, waiting, generation;
};

struct mt_barrier *
mt_barrier_new(unsigned count)
{
	struct mt_barrier *b = calloc(1, sizeof(*b));
	mt_assert(b != NULL, "out of memory");
	InitializeSRWLock(&b->lock);
	InitializeConditionVariable(&b->all_here);
	b->count = count;
	return b;
}

void
mt_barrier_wait(struct mt_barrier *barrier)
{
	AcquireSRWLockExclusive(&barrier->lock);
	unsigned generation = barrier->generation;
	if (++barrier->waiting == barrier->count) {
		barrier->waiting = 0;
		barrier->generation++;
		WakeAllConditionVariable(&barrier->all_here);
	} else {
		while (generation == barrier->generation)
			SleepConditionVariableSRW(&barrier->all_here, &barrier->lock, INFINITE, 0);
	}
	ReleaseSRWLockExclusive(&barrier->lock);
}

void
mt_barrier_free(struct mt_barrier *barrier)
{
	free(barrier);
}

int64_t
mt_now_ns(void)
{
	LARGE_INTEGER now, freq;
	QueryPerformanceCounter(&now);
	QueryPerformanceFrequency(&freq);
	return (int64_t)(now.QuadPart / freq.QuadPart) * 1000000000LL +
	       (int64_t)(now.QuadPart % freq.QuadPart) * 1000000000LL / freq.QuadPart;
}

void
mt_sleep_ms(unsigned ms)
{
	Sleep(ms);
}

void
mt_setenv(const char *name, const char *value)
{
	/* The process environment, which libmio reads with GetEnvironmentVariableW. Not the
	 * CRT's copy: _putenv("NAME=") would delete the variable, and an empty value is one of
	 * the cases the loader tests set. */
	mt_assert(SetEnvironmentVariableA(name, value), "SetEnvironmentVariable %s: error %lu",
		  name, (unsigned long)GetLastError());
}

bool
mt_os_is_windows(void)
{
	return true;
}

bool
mt_os_is_wine(void)
{
	HMODULE ntdll = GetModuleHandleA("ntdll.dll");
	return ntdll && GetProcAddress(ntdll, "wine_get_version") != NULL;
}

int
mt_open_handle_count(void)
{
	DWORD n = 0;
	mt_assert(GetProcessHandleCount(GetCurrentProcess(), &n), "GetProcessHandleCount");
	return (int)n;
}

bool
mt_module_is_loaded(const char *path)
{
	return GetModuleHandleA(path) != NULL;
}

static void
net_init(void)
{
	static INIT_ONCE once = INIT_ONCE_STATIC_INIT;
	BOOL pending;
	if (InitOnceBeginInitialize(&once, 0, &pending, NULL) && pending) {
		WSADATA data;
		WSAStartup(MAKEWORD(2, 2), &data);
		InitOnceComplete(&once, 0, NULL);
	}
}

mio_fd_t
mt_os_socket(int family, int type)
{
	net_init();
	return WSASocketW(family, type, 0, NULL, 0, WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
}

mio_fd_t
mt_os_accept(mio_fd_t listener)
{
	return accept(listener, NULL, NULL);
}

int
mt_os_last_error(void)
{
	switch (WSAGetLastError()) {
	case WSAEWOULDBLOCK: return -EAGAIN;
	case WSAECONNRESET: return -ECONNRESET;
	case WSAECONNABORTED: return -ECONNABORTED;
	case WSAETIMEDOUT: return -ETIMEDOUT;
	default: return -EIO;
	}
}

const char *
mt_os_error_text(void)
{
	static _Thread_local char text[64];
	snprintf(text, sizeof(text), "Winsock error %d", WSAGetLastError());
	return text;
}

static int
result(int r)
{
	return r == SOCKET_ERROR ? mt_os_last_error() : r;
}

int
mt_os_close(mio_fd_t fd)
{
	return result(closesocket(fd));
}

int
mt_os_setsockopt(mio_fd_t fd, int level, int name, const void *value, socklen_t len)
{
	return result(setsockopt(fd, level, name, value, len));
}

static int
clamp(size_t len)
{
	return len > INT_MAX ? INT_MAX : (int)len;
}

ssize_t
mt_os_read(mio_fd_t fd, void *buf, size_t len)
{
	return result(recv(fd, buf, clamp(len), 0));
}

ssize_t
mt_os_write(mio_fd_t fd, const void *buf, size_t len)
{
	return result(send(fd, buf, clamp(len), 0));
}

ssize_t
mt_os_send_oob(mio_fd_t fd, const void *buf, size_t len)
{
	return result(send(fd, buf, clamp(len), MSG_OOB));
}

mio_iovec_t
mt_iovec(void *base, size_t len)
{
	return (mio_iovec_t){ .len = (ULONG)len, .buf = base };
}

int
mt_os_shutdown_write(mio_fd_t fd)
{
	return result(shutdown(fd, SD_SEND));
}

int
mt_os_set_recv_timeout(mio_fd_t fd, unsigned ms)
{
	DWORD timeout = ms;
	return mt_os_setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
}

void
mt_os_wait_writable(mio_fd_t fd, int ms)
{
	WSAPOLLFD pfd = { .fd = fd, .events = POLLOUT };
	WSAPoll(&pfd, 1, ms);
}

void
mt_assert_nonblocking_cloexec(mio_fd_t fd)
{
	DWORD flags = 0;
	mt_assert(GetHandleInformation((HANDLE)fd, &flags), "GetHandleInformation: error %lu",
		  (unsigned long)GetLastError());
	mt_assert(!(flags & HANDLE_FLAG_INHERIT), "socket %llu is inheritable",
		  (unsigned long long)fd);
}

static void
set_nonblocking(mio_fd_t fd)
{
	u_long on = 1;
	mt_assert(ioctlsocket(fd, FIONBIO, &on) == 0, "FIONBIO: %s", mt_os_error_text());
}

/* Binds a new socket of type to 127.0.0.1:0 and returns its address. */
static mio_fd_t
loopback_socket(int type, struct sockaddr_in *ret_addr)
{
	mio_fd_t fd = mt_os_socket(AF_INET, type);
	mt_assert(mio_fd_is_valid(fd), "socket: %s", mt_os_error_text());
	struct sockaddr_in addr = { .sin_family = AF_INET };
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int len = sizeof(addr);
	mt_assert(bind(fd, (struct sockaddr *)&addr, len) == 0 &&
			  getsockname(fd, (struct sockaddr *)ret_addr, &len) == 0,
		  "bind: %s", mt_os_error_text());
	return fd;
}

void
mt_socketpair(int type, mio_fd_t fds[2])
{
	struct sockaddr_in a0, a1;
	fds[0] = loopback_socket(type, &a0);
	if (type == SOCK_DGRAM) {
		fds[1] = loopback_socket(type, &a1);
		mt_assert(connect(fds[0], (struct sockaddr *)&a1, sizeof(a1)) == 0 &&
				  connect(fds[1], (struct sockaddr *)&a0, sizeof(a0)) == 0,
			  "connect: %s", mt_os_error_text());
	} else {
		mio_fd_t listener = fds[0];
		mt_assert(listen(listener, 1) == 0, "listen: %s", mt_os_error_text());
		fds[1] = mt_os_socket(AF_INET, SOCK_STREAM);
		mt_assert(mio_fd_is_valid(fds[1]) &&
				  connect(fds[1], (struct sockaddr *)&a0, sizeof(a0)) == 0,
			  "connect: %s", mt_os_error_text());
		fds[0] = mt_os_accept(listener);
		mt_assert(mio_fd_is_valid(fds[0]), "accept: %s", mt_os_error_text());
		mt_os_close(listener);
		/* Accepted sockets may inherit nothing of WSA_FLAG_NO_HANDLE_INHERIT. */
		SetHandleInformation((HANDLE)fds[0], HANDLE_FLAG_INHERIT, 0);
	}
	set_nonblocking(fds[0]);
	set_nonblocking(fds[1]);
}

void
mt_pipe(mio_fd_t fds[2])
{
	mt_socketpair(SOCK_STREAM, fds);
}
