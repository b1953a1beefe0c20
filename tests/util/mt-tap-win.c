/* SPDX-License-Identifier: MIT */
/* The TAP runner on Windows, which has no fork: the runner starts its own program again,
 * "prog --mt-child=<handle> suite/name", with the write end of a pipe inherited as the
 * report channel. It waits for the child with a time limit and terminates it when the
 * limit passes. A crash ends the child with the exception's code, without a dialog. */
#include "mt-tap.h"

#include <fcntl.h>
#include <inttypes.h>
#include <io.h>
#include <stdlib.h>
#include <windows.h>

/* Lets a standard handle pass to the child (STARTF_USESTDHANDLES needs inheritable ones). */
static HANDLE
inheritable(DWORD which)
{
	HANDLE h = GetStdHandle(which);
	if (h && h != INVALID_HANDLE_VALUE)
		SetHandleInformation(h, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT);
	return h;
}

/* L"\"<this program>\" --mt-child=<report> suite/name" */
static void
child_command(wchar_t *cmd, size_t size, HANDLE report, const struct mt_test *test)
{
	char args[512];
	DWORD len = GetModuleFileNameW(NULL, cmd + 1, (DWORD)size - 2);
	if (len == 0 || len >= size - 2)
		mt_tap_bail_out("GetModuleFileNameW: error %lu", GetLastError());
	cmd[0] = L'"';
	cmd[len + 1] = L'"';
	snprintf(args, sizeof(args), " --mt-child=%" PRIuPTR " %s/%s", (uintptr_t)report,
		 test->suite, test->name);
	if (!MultiByteToWideChar(CP_UTF8, 0, args, -1, cmd + len + 2, (int)(size - len - 2)))
		mt_tap_bail_out("%s/%s: command line too long", test->suite, test->name);
}

/* Reads what the child left in the pipe, without waiting for more. */
static void
read_report(HANDLE pipe, char *buf, DWORD size)
{
	DWORD len = 0, avail = 0, got;
	while (len < size - 1 && PeekNamedPipe(pipe, NULL, 0, NULL, &avail, NULL) && avail > 0 &&
	       ReadFile(pipe, buf + len, size - 1 - len, &got, NULL) && got > 0)
		len += got;
	buf[len] = '\0';
}

void
mt_tap_sys_run(const struct mt_test *test, unsigned timeout_ms, struct mt_tap_child *child)
{
	static wchar_t cmd[32768 + 600];
	SECURITY_ATTRIBUTES sa = { .nLength = sizeof(sa), .bInheritHandle = TRUE };
	STARTUPINFOW si = { .cb = sizeof(si), .dwFlags = STARTF_USESTDHANDLES };
	PROCESS_INFORMATION pi;
	HANDLE report_read, report_write;
	DWORD code = 0;

	if (!CreatePipe(&report_read, &report_write, &sa, MT_TAP_REPORT_MAX))
		mt_tap_bail_out("CreatePipe: error %lu", GetLastError());
	SetHandleInformation(report_read, HANDLE_FLAG_INHERIT, 0);
	child_command(cmd, sizeof(cmd) / sizeof(cmd[0]), report_write, test);
	si.hStdInput = inheritable(STD_INPUT_HANDLE);
	si.hStdOutput = inheritable(STD_OUTPUT_HANDLE);
	si.hStdError = inheritable(STD_ERROR_HANDLE);
	fflush(stdout);
	fflush(stderr);
	if (!CreateProcessW(NULL, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi))
		mt_tap_bail_out("CreateProcessW: error %lu", GetLastError());
	CloseHandle(pi.hThread);
	CloseHandle(report_write);

	bool timed_out = WaitForSingleObject(pi.hProcess, timeout_ms) == WAIT_TIMEOUT;
	if (timed_out) {
		TerminateProcess(pi.hProcess, 1);
		WaitForSingleObject(pi.hProcess, INFINITE);
	}
	GetExitCodeProcess(pi.hProcess, &code);
	CloseHandle(pi.hProcess);
	read_report(report_read, child->report, sizeof(child->report));
	CloseHandle(report_read);

	child->status = -1;
	if (timed_out)
		snprintf(child->how, sizeof(child->how), "timed out after %.3g s, killed",
			 timeout_ms / 1000.0);
	else if (code >= 0xC0000000u) /* an NTSTATUS error: the exception that ended it */
		snprintf(child->how, sizeof(child->how), "crashed with exception 0x%08lx",
			 (unsigned long)code);
	else
		child->status = (int)code;
}

/* An exception nobody handles ends the child with its code: no error dialog, no debugger. */
static LONG WINAPI
end_on_exception(EXCEPTION_POINTERS *info)
{
	return EXCEPTION_EXECUTE_HANDLER;
}

FILE *
mt_tap_sys_child_open(const char *channel)
{
	char *end;
	uintptr_t handle = (uintptr_t)strtoull(channel, &end, 10);
	int fd;
	if (*end || (fd = _open_osfhandle((intptr_t)handle, _O_WRONLY | _O_BINARY)) < 0)
		return NULL;
	SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX);
	SetUnhandledExceptionFilter(end_on_exception);
	return _fdopen(fd, "wb");
}
