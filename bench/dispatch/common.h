/* SPDX-License-Identifier: MIT */
/* The dispatch benchmark's common driver: libevent's test/bench.c workload.
 *
 * n socketpairs, each with a read registration; a active pairs written to; every readable
 * event reads its socket and forwards one byte to the next pair until w writes are done.
 * One iteration is timed from the first event-loop turn until every byte sent has been
 * read; setup and the a priming writes are outside the timed region.
 *
 * Each program is this driver plus one implementation file that defines bench_impl. The
 * implementations differ only in their event-loop calls; the per-event work (recv, send,
 * counting) is the driver's, in bench_read(), so that callgrind can
 * separate dispatch cost from workload cost by function.
 */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Event buffer size for implementations that choose one (raw epoll, libmio). */
#define BENCH_EVENT_CAPACITY 1024

struct bench_impl {
	const char *name;
	bool takes_variant; /* -b: false makes the driver refuse one */
	/* Registers read interest on read_fds[0..n); fd i is identified by index i.
	 * variant is the -b argument (a backend name, "et"/"lt"...), NULL if none given.
	 * Returns 0, or a negative errno after printing why. */
	int (*setup)(const char *variant, const int *read_fds, size_t n);
	/* One non-blocking turn of the event loop: dispatch what is ready now.
	 * Returns 0, or a negative errno. */
	int (*turn)(void);
};

/* Defined by each implementation file. */
extern const struct bench_impl bench_impl;

/* Per-event work, the same call in every implementation: reads the socket (the driver's
 * -r option: until a short read, or until -EAGAIN) and forwards one byte while writes
 * remain. */
void bench_read(size_t idx);

/* A read function with libmio's convention: bytes read, or a negative errno. */
typedef ssize_t (*bench_reader)(int fd, void *buf, size_t len);
/* The reads bench_read() does: recv by default. libmio's setup picks mio_stream_read,
 * which re-arms emulated edges itself after a short read or -EAGAIN, as a libmio program
 * would. Chosen once, so every loop calls bench_read(idx) alike. */
void bench_set_reader(bench_reader read);

/* The socketpairs: bench_pairs[2i] is pair i's read end (the registered one),
 * bench_pairs[2i + 1] its write end. */
extern int *bench_pairs;

static inline int
bench_read_fd(size_t idx)
{
	return bench_pairs[2 * idx];
}

#endif
