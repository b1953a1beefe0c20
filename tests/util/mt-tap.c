/* SPDX-License-Identifier: MIT */
/* The project's test runner (meson -Dtest_runner=tap): a main() that runs the tests MT_TEST
 * registered, each in a child process of its own with a time limit, so that a crash or a
 * hang costs one test, and reports in TAP 13 (meson's protocol 'tap'). The platform part
 * (mt-tap-posix.c, mt-tap-win.c) starts and watches the children; this file chooses the
 * tests, runs a body inside a child and turns what each child did into TAP lines. */
#include "mt-tap.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Each test's limit, as Criterion's .timeout; MT_TIMEOUT_MULTIPLIER scales it (valgrind). */
#define TEST_TIMEOUT_MS 30000

static struct mt_test *tests; /* every registered test, sorted by suite, then name */
static FILE *report;	      /* in a child: its report channel */

static int
compare(const struct mt_test *a, const struct mt_test *b)
{
	int c = strcmp(a->suite, b->suite);
	return c ? c : strcmp(a->name, b->name);
}

void
mt_tap_register(struct mt_test *test)
{
	struct mt_test **at = &tests;
	while (*at && compare(*at, test) < 0)
		at = &(*at)->next;
	test->next = *at;
	*at = test;
}

/* Prints text as TAP comment lines, one "# " line per line of text. */
static void
print_comment(const char *text)
{
	while (*text) {
		size_t len = strcspn(text, "\n");
		printf("# %.*s\n", (int)len, text);
		text += len + (text[len] == '\n');
	}
}

void
mt_tap_bail_out(const char *fmt, ...)
{
	va_list ap;
	printf("Bail out! ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	exit(2);
}

/* --- In the child ---------------------------------------------------------------------- */

/* Writes the child's one report and ends the child. */
static _Noreturn void
end_child(int status, const char *text)
{
	FILE *to = report ? report : stderr;
	fputs(text, to);
	fflush(to);
	fflush(stdout);
	exit(status);
}

/* Formats kind, prefix and fmt into text (cut to MT_TAP_REPORT_MAX). */
MT_PRINTF(4, 0) static void
format_report(char *text, char kind, const char *prefix, const char *fmt, va_list ap)
{
	int n = snprintf(text, MT_TAP_REPORT_MAX, "%c%s", kind, prefix);
	if (n >= 0 && n < MT_TAP_REPORT_MAX)
		vsnprintf(text + n, MT_TAP_REPORT_MAX - (size_t)n, fmt, ap);
}

void
mt_tap_fail(const char *file, int line, const char *fmt, ...)
{
	char text[MT_TAP_REPORT_MAX], where[256];
	va_list ap;
	snprintf(where, sizeof(where), "%s:%d: ", file, line);
	va_start(ap, fmt);
	format_report(text, 'F', where, fmt, ap);
	va_end(ap);
	end_child(1, text);
}

void
mt_tap_skip(const char *fmt, ...)
{
	char text[MT_TAP_REPORT_MAX];
	va_list ap;
	va_start(ap, fmt);
	format_report(text, 'S', "", fmt, ap);
	va_end(ap);
	end_child(0, text);
}

void
mt_tap_log(const char *fmt, ...)
{
	char text[MT_TAP_REPORT_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	print_comment(text);
	fflush(stdout);
}

void
mt_tap_child_run(const struct mt_test *test, FILE *channel)
{
	report = channel;
	test->body();
	end_child(0, "P");
}

/* --- In the runner --------------------------------------------------------------------- */

/* Prints the TAP line of test number n and its diagnostics; returns whether it passed (or
 * was skipped): it reported so and its process exited with status 0. */
static bool
print_result(unsigned n, const struct mt_test *test, const struct mt_tap_child *child)
{
	char kind = child->report[0];
	const char *text = kind ? child->report + 1 : "";

	if (child->status == 0 && (kind == 'P' || kind == 'S')) {
		printf("ok %u - %s/%s", n, test->suite, test->name);
		if (kind == 'S')
			printf(" # SKIP %.*s", (int)strcspn(text, "\n"), text);
		printf("\n");
		return true;
	}
	printf("not ok %u - %s/%s\n", n, test->suite, test->name);
	if (kind == 'F')
		print_comment(text);
	if (child->status < 0)
		print_comment(child->how);
	else if (kind == 'P' || kind == 'S')
		printf("# the test ended, but its process exited with status %d\n", child->status);
	else if (kind != 'F')
		printf("# the process exited with status %d before the test ended\n", child->status);
	else if (child->status != 1)
		printf("# exit status %d\n", child->status);
	return false;
}

/* Whether want ("suite" or "suite/name") names test. */
static bool
names(const char *want, const struct mt_test *test)
{
	size_t len = strlen(test->suite);
	if (strncmp(want, test->suite, len) != 0)
		return false;
	return want[len] == '\0' || (want[len] == '/' && strcmp(want + len + 1, test->name) == 0);
}

/* A test runs when no name was given, or when one of the names given names it. */
static bool
is_selected(const struct mt_test *test, char **want, int n_want)
{
	for (int i = 0; i < n_want; i++)
		if (names(want[i], test))
			return true;
	return n_want == 0;
}

static unsigned
timeout_ms(void)
{
	const char *text = getenv("MT_TIMEOUT_MULTIPLIER");
	char *end;
	if (!text || !*text)
		return TEST_TIMEOUT_MS;
	errno = 0;
	double multiplier = strtod(text, &end);
	if (errno || *end || !(multiplier > 0) || multiplier > 10000) {
		fprintf(stderr, "MT_TIMEOUT_MULTIPLIER=%s: not a number in (0, 10000]\n", text);
		exit(2);
	}
	return (unsigned)(multiplier * TEST_TIMEOUT_MS);
}

/* --mt-child=<channel> SUITE/NAME: runs that test in this process, reporting on channel. The
 * platform part starts children so where it cannot fork. */
static int
run_child(const char *channel, const char *want)
{
	for (const struct mt_test *t = tests; t; t = t->next) {
		if (strchr(want, '/') && names(want, t)) {
			FILE *to = mt_tap_sys_child_open(channel);
			if (!to) {
				fprintf(stderr, "--mt-child=%s: cannot open the report channel\n",
					channel);
				return 2;
			}
			mt_tap_child_run(t, to);
		}
	}
	fprintf(stderr, "no test named %s\n", want);
	return 2;
}

static void
usage(FILE *to, const char *prog)
{
	fprintf(to,
		"usage: %s [--list] [SUITE | SUITE/NAME]...\n"
		"Runs the tests named (all without a name), each in a process of its own with a\n"
		"limit of 30 s times MT_TIMEOUT_MULTIPLIER (default 1), and reports in TAP.\n"
		"  -l, --list  print the names of the tests instead of running them\n"
		"Exit status: 0 when every test passed or was skipped, 1 when one failed,\n"
		"2 on a usage error or when the runner could not go on.\n",
		prog);
}

int
main(int argc, char **argv)
{
	bool list = false;
	int first = 1;

	if (argc == 3 && strncmp(argv[1], "--mt-child=", 11) == 0)
		return run_child(argv[1] + 11, argv[2]);
	for (; first < argc && argv[first][0] == '-'; first++) {
		if (strcmp(argv[first], "--list") == 0 || strcmp(argv[first], "-l") == 0) {
			list = true;
		} else if (strcmp(argv[first], "--help") == 0 || strcmp(argv[first], "-h") == 0) {
			usage(stdout, argv[0]);
			return 0;
		} else {
			fprintf(stderr, "%s: unknown option %s\n", argv[0], argv[first]);
			usage(stderr, argv[0]);
			return 2;
		}
	}
	char **want = argv + first;
	int n_want = argc - first;
	unsigned count = 0;
	for (int i = 0; i < n_want; i++) {
		const struct mt_test *t = tests;
		while (t && !names(want[i], t))
			t = t->next;
		if (!t) {
			fprintf(stderr, "%s: no test or suite named %s (--list lists them)\n",
				argv[0], want[i]);
			return 2;
		}
	}
	for (const struct mt_test *t = tests; t; t = t->next)
		count += is_selected(t, want, n_want);

	if (list) {
		for (const struct mt_test *t = tests; t; t = t->next)
			if (is_selected(t, want, n_want))
				printf("%s/%s\n", t->suite, t->name);
		return 0;
	}
	unsigned limit = timeout_ms(), n = 0;
	bool passed = true;
	printf("TAP version 13\n1..%u\n", count);
	for (const struct mt_test *t = tests; t; t = t->next) {
		if (!is_selected(t, want, n_want))
			continue;
		struct mt_tap_child child;
		mt_tap_sys_run(t, limit, &child);
		passed &= print_result(++n, t, &child);
		fflush(stdout);
	}
	return passed ? 0 : 1;
}
