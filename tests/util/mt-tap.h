/* SPDX-License-Identifier: MIT */
/* Inside the TAP runner: what its portable part (mt-tap.c) and its platform part
 * (mt-tap-posix.c, mt-tap-win.c) give each other. Test bodies never include this. */
#ifndef MT_TAP_H
#define MT_TAP_H

#include "mt.h"

#include <stdio.h>

/* What a child writes on its report channel, once, as it ends: 'P' (passed), 'S' and the
 * reason (skipped) or 'F' and "file:line: message" (failed). Longer text is cut. */
#define MT_TAP_REPORT_MAX 2048

/* How one test's child process ended. */
struct mt_tap_child {
	int status;	       /* its exit status, or -1 when it did not exit (see how) */
	char how[160];	       /* when it did not exit: "killed by signal 11 (...)", "timed out..." */
	char report[MT_TAP_REPORT_MAX]; /* what it wrote on its report channel, NUL-terminated */
};

/* Runs test in a child process of its own, kills it after timeout_ms, and says how it ended. */
void mt_tap_sys_run(const struct mt_test *test, unsigned timeout_ms, struct mt_tap_child *child);
/* In a child started with --mt-child=<channel>: opens the report channel it names. */
FILE *mt_tap_sys_child_open(const char *channel);

/* In the child: runs the test's body and reports to report; never returns. */
_Noreturn void mt_tap_child_run(const struct mt_test *test, FILE *report);
/* The runner cannot go on (a failed fork, pipe...): says why in TAP and exits with 2. */
_Noreturn void mt_tap_bail_out(const char *fmt, ...) MT_PRINTF(1, 2);

#endif
