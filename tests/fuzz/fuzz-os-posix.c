/* SPDX-License-Identifier: MIT */
/* The fuzz's platform part on POSIX (fuzz-os.h): Unix stream and datagram pairs, pipes and
 * UDP pairs; fcntl(2) for open numbers, /dev/null for a handle poll cannot watch. */
#include "fuzz-os.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <unistd.h>

static int
pipe_pair(mio_fd_t *a, mio_fd_t *b)
{
	return mio_pipe_new(b, a); /* end 0 reads, end 1 writes */
}

/* At most 4 KiB a datagram: below the default SO_SNDBUF's datagram limit. */
static ssize_t
dgram_send(mio_fd_t fd, const void *buf, size_t len)
{
	return mio_unix_datagram_send(fd, buf, len < 4096 ? len : 4096);
}

/* libmio's helpers where their signatures fit. The order is part of every seed's
 * sequence: append, never reorder. */
const struct fuzz_kind fuzz_kinds[] = {
	{ "unix stream pair", false, false, mio_unix_stream_pair, mio_stream_read, mio_stream_write },
	{ "unix datagram pair", false, false, mio_unix_datagram_pair, mio_unix_datagram_recv, dgram_send },
	{ "pipe", true, false, pipe_pair, mio_pipe_read, mio_pipe_write },
	{ "udp pair", false, true, fuzz_udp_pair, fuzz_udp_recv, fuzz_udp_send },
};
const unsigned fuzz_kind_count = sizeof(fuzz_kinds) / sizeof(fuzz_kinds[0]);

void
fuzz_os_init(void)
{
	signal(SIGPIPE, SIG_IGN); /* Rust ignores it too */
}

bool
fuzz_os_is_open(mio_fd_t fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

mio_fd_t
fuzz_os_never_open(void)
{
	return INT_MAX; /* above any RLIMIT_NOFILE */
}

const char fuzz_os_unpollable_name[] = "/dev/null";

int
fuzz_os_unpollable_open(mio_fd_t *ret)
{
	*ret = open("/dev/null", O_RDONLY | O_CLOEXEC);
	return *ret < 0 ? -errno : 0;
}

void
fuzz_os_unpollable_close(mio_fd_t fd)
{
	close(fd);
}

bool
fuzz_os_in_every_interest(uint32_t flags)
{
	(void)flags;
	return false;
}
