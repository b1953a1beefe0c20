/* SPDX-License-Identifier: MIT */
/* Port of mio's tests/regressions.rs (v0.8.11): the socket cases.
 *
 * not ported here: issue_1205: needs no socket; ported in tests/core/test-regressions.c.
 * not ported: issue_1893: Windows named pipes.
 * POSIX only: issue_1403 (a Unix datagram socket; libmio has no Unix sockets on Windows).
 */
#include "net-util.h"

MT_TEST(regressions, issue_776)
{
	mt_run_close_after_would_block();
}

#if !defined(_WIN32)
MT_TEST(regressions, issue_1403)
{
	struct mt_tempdir dir = mt_tempdir_new();
	struct mt_unix_path path = mt_tempdir_path(&dir, "issue_1403");
	mio_fd_t datagram1, datagram2;
	mt_assert_ok(mio_unix_datagram_bind(path.s, &datagram1));
	mt_assert_nonblocking_cloexec(datagram1);
	mt_assert_ok(mio_unix_datagram_unbound(&datagram2));
	mt_assert_nonblocking_cloexec(datagram2);

	char buf[1024];
	memset(buf, 1, sizeof(buf));
	ssize_t n = mio_unix_datagram_send_to(datagram2, buf, sizeof(buf), path.s);
	mt_assert_ok(n);

	struct mio_unix_addr addr;
	ssize_t got = mio_unix_datagram_recv_from(datagram1, buf, sizeof(buf), &addr);
	mt_assert_ok(got);
	mt_assert_eq(got, n);
	mt_assert(mio_unix_addr_pathname(&addr, NULL) == NULL, "the sender must have no pathname");

	mt_close(datagram2);
	mt_close(datagram1);
	mt_tempdir_remove(&dir);
}
#endif
