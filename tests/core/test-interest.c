/* SPDX-License-Identifier: MIT */
/* Port of mio's tests/interest.rs: is_tests, bit_or, fmt_debug, add; plus Interest::remove
 * (mio_interest_remove), validity (mio's NonZeroU8) and mio_interest_format's snprintf
 * contract. Backend-independent, but runs once per backend like every suite.
 * mio prints AIO/LIO only on the BSDs and PRIORITY only on Linux; libmio prints every bit
 * everywhere, so each name is checked alone. (mio's order is READABLE, WRITABLE, AIO, LIO,
 * PRIORITY; libmio puts PRIORITY before AIO, which no mio platform can show.) */
#include "test-util.h"

#include <string.h>

static bool
is_readable(mio_interest_t i)
{
	return (i & MIO_INTEREST_READABLE) != 0;
}

static bool
is_writable(mio_interest_t i)
{
	return (i & MIO_INTEREST_WRITABLE) != 0;
}

/* Formats i and checks the text and the returned length. */
static void
assert_format(mio_interest_t i, const char *want)
{
	char buf[128];
	memset(buf, 'Z', sizeof(buf));
	int n = mio_interest_format(i, buf, sizeof(buf));
	mt_assert_eq(n, (int)strlen(want));
	mt_assert_str_eq(buf, want);
}

MT_TEST(interest, is_tests)
{
	mt_assert(is_readable(MIO_INTEREST_READABLE), "READABLE is readable");
	mt_assert(!is_writable(MIO_INTEREST_READABLE), "READABLE is not writable");
	mt_assert(!is_readable(MIO_INTEREST_WRITABLE), "WRITABLE is not readable");
	mt_assert(is_writable(MIO_INTEREST_WRITABLE), "WRITABLE is writable");
	mt_assert(!(MIO_INTEREST_WRITABLE & MIO_INTEREST_AIO), "WRITABLE is not aio");
	mt_assert(!(MIO_INTEREST_WRITABLE & MIO_INTEREST_LIO), "WRITABLE is not lio");
	mt_assert(!(MIO_INTEREST_READABLE & MIO_INTEREST_PRIORITY), "READABLE is not priority");
}

MT_TEST(interest, bit_or)
{
	mio_interest_t interests = MIO_INTEREST_READABLE | MIO_INTEREST_WRITABLE;
	mt_assert(is_readable(interests), "R|W is readable");
	mt_assert(is_writable(interests), "R|W is writable");
	mt_assert(mio_interest_is_valid(interests), "R|W is valid");
}

MT_TEST(interest, add)
{
	mio_interest_t interest = MIO_INTEREST_READABLE;
	interest |= MIO_INTEREST_WRITABLE;
	mt_assert(is_readable(interest), "readable");
	mt_assert(is_writable(interest), "writable");
}

MT_TEST(interest, fmt_debug)
{
	assert_format(MIO_INTEREST_READABLE, "READABLE");
	assert_format(MIO_INTEREST_WRITABLE, "WRITABLE");
	assert_format(MIO_INTEREST_READABLE | MIO_INTEREST_WRITABLE, "READABLE | WRITABLE");
	assert_format(MIO_INTEREST_AIO, "AIO");
	assert_format(MIO_INTEREST_LIO, "LIO");
	assert_format(MIO_INTEREST_PRIORITY, "PRIORITY");
	assert_format(MIO_INTEREST_READABLE | MIO_INTEREST_PRIORITY, "READABLE | PRIORITY");
	assert_format(MIO_INTEREST_READABLE | MIO_INTEREST_WRITABLE | MIO_INTEREST_PRIORITY,
		      "READABLE | WRITABLE | PRIORITY");
}

/* snprintf contract: the full length is returned, the output is cut and NUL-terminated. */
MT_TEST(interest, fmt_truncates)
{
	const char *full = "READABLE | WRITABLE";
	char buf[8];
	memset(buf, 'Z', sizeof(buf));
	int n = mio_interest_format(MIO_INTEREST_READABLE | MIO_INTEREST_WRITABLE, buf,
				    sizeof(buf));
	mt_assert_eq(n, (int)strlen(full));
	mt_assert_str_eq(buf, "READABL");

	/* Cut inside the separator. */
	char buf2[11];
	n = mio_interest_format(MIO_INTEREST_READABLE | MIO_INTEREST_WRITABLE, buf2,
				sizeof(buf2));
	mt_assert_eq(n, (int)strlen(full));
	mt_assert_str_eq(buf2, "READABLE |");

	/* size 0 writes nothing and may take NULL: the length query. */
	char one = 'Z';
	mt_assert_eq(mio_interest_format(MIO_INTEREST_READABLE | MIO_INTEREST_WRITABLE, &one, 0),
		     (int)strlen(full));
	mt_assert_eq(one, 'Z');
	mt_assert_eq(mio_interest_format(MIO_INTEREST_READABLE | MIO_INTEREST_WRITABLE, NULL, 0),
		     (int)strlen(full));

	/* size 1: just the NUL. */
	n = mio_interest_format(MIO_INTEREST_WRITABLE, &one, 1);
	mt_assert_eq(n, 8);
	mt_assert_eq(one, '\0');

	mt_assert_err(mio_interest_format(MIO_INTEREST_READABLE, NULL, 16), -EINVAL);
}

MT_TEST(interest, remove)
{
	mio_interest_t rw = MIO_INTEREST_READABLE | MIO_INTEREST_WRITABLE;
	mt_assert_eq(mio_interest_remove(rw, MIO_INTEREST_WRITABLE), MIO_INTEREST_READABLE);
	mt_assert_eq(mio_interest_remove(rw, MIO_INTEREST_READABLE), MIO_INTEREST_WRITABLE);
	/* Removing a bit that is not there changes nothing. */
	mt_assert_eq(mio_interest_remove(MIO_INTEREST_READABLE, MIO_INTEREST_WRITABLE),
		     MIO_INTEREST_READABLE);
	/* Nothing would be left: mio's None. */
	mt_assert_err(mio_interest_remove(MIO_INTEREST_READABLE, MIO_INTEREST_READABLE), -EINVAL);
	mt_assert_err(mio_interest_remove(rw, rw), -EINVAL);
}

MT_TEST(interest, validity)
{
	mt_assert(!mio_interest_is_valid(0), "empty interest is invalid");
	mt_assert(!mio_interest_is_valid(0x20), "unknown bit is invalid");
	mt_assert(!mio_interest_is_valid(MIO_INTEREST_READABLE | 0x80), "unknown bit is invalid");
	mt_assert(mio_interest_is_valid(MIO_INTEREST_ALL), "ALL is valid");
	static const mio_interest_t each[] = { MIO_INTEREST_READABLE, MIO_INTEREST_WRITABLE,
					       MIO_INTEREST_AIO, MIO_INTEREST_LIO,
					       MIO_INTEREST_PRIORITY };
	mio_interest_t all = 0;
	for (size_t i = 0; i < sizeof(each) / sizeof(each[0]); i++) {
		mt_assert(mio_interest_is_valid(each[i]), "bit 0x%x is valid", each[i]);
		mt_assert(!(all & each[i]), "bits overlap");
		all |= each[i];
	}
	mt_assert_eq(all, MIO_INTEREST_ALL);
	/* mio's values. */
	mt_assert_eq(MIO_INTEREST_READABLE, 0x01);
	mt_assert_eq(MIO_INTEREST_WRITABLE, 0x02);
	mt_assert_eq(MIO_INTEREST_PRIORITY, 0x10);
}
