/* SPDX-License-Identifier: MIT */
/* A toy test program for the TAP runner itself: one test for each way a test can end.
 * It uses only mt.h and the C library, so it also builds for Windows (check-runner.sh
 * reads its output; wine-runner-check.sh runs it under Wine). Most of these tests fail on
 * purpose: never register this program as a TAP test. */
#include "mt.h"

#include <stdlib.h>

#if defined(_WIN32)
#include <windows.h>
#else
#include <unistd.h>
#endif

static int *volatile nowhere; /* stays NULL */

MT_TEST(toy, passes)
{
	mt_log("a log line\nand a second one");
	mt_assert_eq(1 + 1, 2);
	mt_assert_str_eq("same", "same");
}

MT_TEST(toy, fails_eq)
{
	int two = 2;
	mt_assert_eq(two, 3);
	mt_fail("ran past a failed assertion");
}

MT_TEST(toy, fails_str)
{
	mt_assert_str_eq("left", "right");
}

MT_TEST(toy, fails_explicitly)
{
	mt_fail("failed on purpose: %d", 42);
}

MT_TEST(toy, skips)
{
	mt_skip("skipped on purpose: %s", "no reason");
	mt_fail("ran past mt_skip");
}

/* An illegal instruction rather than a bad pointer: the sanitizers turn SIGSEGV into an
 * exit status of their own, but leave SIGILL (EXCEPTION_ILLEGAL_INSTRUCTION) alone. */
MT_TEST(toy, crashes)
{
	__builtin_trap();
}

MT_TEST(toy, exits)
{
	exit(3);
}

MT_TEST(toy, hangs)
{
	for (;;) {
#if defined(_WIN32)
		Sleep(1000);
#else
		sleep(1);
#endif
	}
}

MT_TEST(other, passes)
{
	mt_assert(nowhere == NULL, "nowhere is %p", (void *)nowhere);
}
