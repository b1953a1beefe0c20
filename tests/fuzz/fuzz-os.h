/* SPDX-License-Identifier: MIT */
/* What the fuzz needs from the platform beyond what it compares: the kinds of handle pairs
 * it makes, and the few raw OS calls of its checks. One file per platform:
 * fuzz-os-posix.c (Unix stream and datagram pairs, pipes, UDP pairs) and fuzz-os-windows.c
 * (loopback TCP pairs and UDP pairs: AFD polls sockets only, and libmio's Windows API has
 * no pipes or Unix sockets). The readiness oracle is apart, in fuzz-oracle.h. */
#ifndef FUZZ_OS_H
#define FUZZ_OS_H

#include <stdbool.h>
#include <stdint.h>

#include <mio/io.h>
#include <mio/net.h>

/* A kind of connected pair, made and used through libmio's helpers only. */
struct fuzz_kind {
	const char *name;
	bool one_way;  /* end 0 only reads, end 1 only writes, no shutdown: a pipe */
	bool loopback; /* loopback sockets: made only where loopback works */
	int (*pair)(mio_fd_t *a, mio_fd_t *b);
	ssize_t (*read)(mio_fd_t fd, void *buf, size_t len);
	ssize_t (*write)(mio_fd_t fd, const void *buf, size_t len);
};

/* The platform's kinds; an op's kind is its arg modulo the count (fuzz-gen.c). */
extern const struct fuzz_kind fuzz_kinds[];
extern const unsigned fuzz_kind_count;

/* Once, before anything else (POSIX: a write to a closed peer must fail with EPIPE, not
 * kill the process). */
void fuzz_os_init(void);

/* Whether fd is an open handle of any kind now (a closed number may have been reused). */
bool fuzz_os_is_open(mio_fd_t fd);
/* A number that is never an open handle. */
mio_fd_t fuzz_os_never_open(void);

/* A handle that cannot be polled, which every backend refuses with -EPERM (/dev/null; on
 * Windows the NUL device, a file handle). 0 or a negative errno. */
extern const char fuzz_os_unpollable_name[];
int fuzz_os_unpollable_open(mio_fd_t *ret);
void fuzz_os_unpollable_close(mio_fd_t fd);

/* Whether an event with these flags may come whatever the interest: POSIX never (epoll and
 * poll report only what was asked for); on Windows the readable and writable of an
 * AFD_POLL_ABORT or AFD_POLL_CONNECT_FAIL (IN|OUT|HUP), which mio puts in every interest. */
bool fuzz_os_in_every_interest(uint32_t flags);

/* fuzz-udp.c, for both: a connected UDP pair on 127.0.0.1, and its I/O. */
int fuzz_udp_pair(mio_fd_t *a, mio_fd_t *b);
ssize_t fuzz_udp_recv(mio_fd_t fd, void *buf, size_t len);
ssize_t fuzz_udp_send(mio_fd_t fd, const void *buf, size_t len);

#endif
