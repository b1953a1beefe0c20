/* SPDX-License-Identifier: MIT */
/* The thin layer between test bodies and the test framework. Bodies use only these
 * macros, so the same bodies can later run under Wine with a tiny runner of our own
 * (Criterion and GLib do not exist there; see docs/testing.md). Today: Criterion. */
#ifndef MT_H
#define MT_H

#include <criterion/criterion.h>

#include <mio/mio.h>

/* One test. Each runs in its own process (Criterion forks), with a 30 s limit. */
#define MT_TEST(suite, name) Test(suite, name, .timeout = 30.0)

#define mt_assert(cond, ...) cr_assert(cond, __VA_ARGS__)
#define mt_assert_eq(a, b) cr_assert_eq((a), (b), "%s == %s: %lld != %lld", #a, #b, \
					(long long)(a), (long long)(b))
#define mt_assert_str_eq(a, b) cr_assert_str_eq((a), (b))
#define mt_fail(...) cr_assert_fail(__VA_ARGS__)
#define mt_skip(...) cr_skip_test(__VA_ARGS__)
#define mt_log(...) cr_log_info(__VA_ARGS__)

/* expr returns >= 0 or a negative errno; the failure message names the errno. */
#define mt_assert_ok(expr)                                                                   \
	do {                                                                                 \
		long long mt_r_ = (long long)(expr);                                         \
		cr_assert(mt_r_ >= 0, "%s failed: %lld (%s)", #expr, mt_r_,                  \
			  mio_strerror((int)mt_r_));                                         \
	} while (0)

#define mt_assert_err(expr, err)                                                             \
	do {                                                                                 \
		long long mt_r_ = (long long)(expr);                                         \
		cr_assert(mt_r_ == (long long)(err), "%s returned %lld (%s), expected %s (%s)", \
			  #expr, mt_r_, mt_r_ < 0 ? mio_strerror((int)mt_r_) : "success",    \
			  #err, mio_strerror((int)(err)));                                   \
	} while (0)

#endif
