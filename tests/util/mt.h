/* SPDX-License-Identifier: MIT */
/* The thin layer between test bodies and the test runner. Bodies use only these macros, so
 * the same bodies run under either runner the build chooses (meson option test_runner):
 * Criterion, or the project's own TAP runner (mt-tap.c), which also runs where Criterion
 * cannot (Windows, musl, ThreadSanitizer). Both run each test in its own process with a
 * 30 s limit. See docs/testing.md. */
#ifndef MT_H
#define MT_H

#include <string.h>

#include <mio/mio.h>

#include "mt-printf.h"

#if defined(MT_RUNNER_TAP)

/* One test, registered before main() by a constructor its MT_TEST defines. */
struct mt_test {
	const char *suite;
	const char *name;
	void (*body)(void);
	struct mt_test *next; /* the runner's list, sorted by suite, then name */
};

void mt_tap_register(struct mt_test *test);
/* Ends the test: it failed at file:line, fmt says why. */
_Noreturn void mt_tap_fail(const char *file, int line, const char *fmt, ...)
	MT_PRINTF(3, 4);
/* Ends the test: it is skipped, fmt says why. */
_Noreturn void mt_tap_skip(const char *fmt, ...) MT_PRINTF(1, 2);
void mt_tap_log(const char *fmt, ...) MT_PRINTF(1, 2);

#define MT_TEST(suite, name)                                                                 \
	static void mt_body_##suite##_##name(void);                                          \
	static struct mt_test mt_test_##suite##_##name = {                                   \
		#suite, #name, mt_body_##suite##_##name, NULL                                \
	};                                                                                   \
	__attribute__((constructor)) static void mt_register_##suite##_##name(void)          \
	{                                                                                    \
		mt_tap_register(&mt_test_##suite##_##name);                                  \
	}                                                                                    \
	static void mt_body_##suite##_##name(void)

#define mt_assert(cond, ...)                                                                 \
	do {                                                                                 \
		if (!(cond))                                                                 \
			mt_tap_fail(__FILE__, __LINE__, __VA_ARGS__);                        \
	} while (0)
#define mt_fail(...) mt_tap_fail(__FILE__, __LINE__, __VA_ARGS__)
#define mt_skip(...) mt_tap_skip(__VA_ARGS__)
#define mt_log(...) mt_tap_log(__VA_ARGS__)

#else /* Criterion */

#include <criterion/criterion.h>

#define MT_TEST(suite, name) Test(suite, name, .timeout = 30.0)

#define mt_assert(cond, ...) cr_assert(cond, __VA_ARGS__)
#define mt_fail(...) cr_assert_fail(__VA_ARGS__)
#define mt_skip(...) cr_skip_test(__VA_ARGS__)
#define mt_log(...) cr_log_info(__VA_ARGS__)

#endif

/* The same on both runners, built on mt_assert. */
#define mt_assert_eq(a, b)                                                                   \
	mt_assert((a) == (b), "%s == %s: %lld != %lld", #a, #b, (long long)(a), (long long)(b))

#define mt_assert_str_eq(a, b)                                                               \
	do {                                                                                 \
		const char *mt_a_ = (a), *mt_b_ = (b);                                       \
		mt_assert(strcmp(mt_a_, mt_b_) == 0, "%s == %s: \"%s\" != \"%s\"", #a, #b,   \
			  mt_a_, mt_b_);                                                     \
	} while (0)

/* expr returns >= 0 or a negative errno; the failure message names the errno. */
#define mt_assert_ok(expr)                                                                   \
	do {                                                                                 \
		long long mt_r_ = (long long)(expr);                                         \
		mt_assert(mt_r_ >= 0, "%s failed: %lld (%s)", #expr, mt_r_,                  \
			  mio_strerror((int)mt_r_));                                         \
	} while (0)

#define mt_assert_err(expr, err)                                                             \
	do {                                                                                 \
		long long mt_r_ = (long long)(expr);                                         \
		mt_assert(mt_r_ == (long long)(err), "%s returned %lld (%s), expected %s (%s)", \
			  #expr, mt_r_, mt_r_ < 0 ? mio_strerror((int)mt_r_) : "success",    \
			  #err, mio_strerror((int)(err)));                                   \
	} while (0)

#endif
