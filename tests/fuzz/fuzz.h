/* SPDX-License-Identifier: MIT */
/* Differential fuzzing of the backends (issue 7, part 4). One random sequence of
 * operations runs in lockstep on every built backend in one process: each backend has its
 * own poll, registry and waker, and they all watch the same fds, so the kernel's readiness
 * is one and the same for all of them. After every operation each backend is checked
 * against a model of mio's contract, the part of it that is deterministic:
 *  - registry calls and wakes return what the model says (and so the same everywhere);
 *  - a poll reports no token that is not registered now (deregistered, reregistered away,
 *    closed) and nothing for a direction the registration does not ask for;
 *  - an armed direction (armed by register/reregister, or by libmio I/O that returned
 *    -EAGAIN in that direction, and not reported since) that the oracle (fuzz-oracle.h:
 *    poll(2) on POSIX, WSAPoll on Windows) says is ready is reported by the next full poll;
 *  - a wake is reported by the next full poll, exactly once, and never without a wake (afd
 *    posts one event per wake, as mio does on Windows: there never more events than wakes);
 *  - afd may be one full poll late after a change to a socket (fuzz-run.c, struct traits).
 * Extra events (epoll reports new data before -EAGAIN, the poll backend does not) are
 * allowed, as in mio. See docs/testing.md for how to run more seeds and read a failure. */
#ifndef FUZZ_H
#define FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FUZZ_SLOTS 8        /* fd pairs alive at once */
#define FUZZ_MAX_BACKENDS 8

enum fuzz_op_type {
	FUZZ_CREATE,        /* slot: a new pair of kind arg (fuzz-os.h), if the slot is empty */
	FUZZ_CLOSE,         /* mio_close() of one end */
	FUZZ_REGISTER,      /* interest from arg */
	FUZZ_REREGISTER,
	FUZZ_DEREGISTER,
	FUZZ_READ,          /* up to size bytes, through libmio */
	FUZZ_DRAIN,         /* read until -EAGAIN, end of file or error */
	FUZZ_WRITE,         /* size bytes, through libmio */
	FUZZ_FILL,          /* write until -EAGAIN or error */
	FUZZ_SHUTDOWN,      /* mio_socket_shutdown(), how from arg */
	FUZZ_WAKE,
	FUZZ_POLL,          /* zero timeout, room for every registration: all checks */
	FUZZ_POLL_SMALL,    /* zero timeout, 1 to 3 events: what is reported is checked */
	FUZZ_CLOSED_NUMBER, /* register/reregister/deregister of a closed number: -EBADF */
	FUZZ_UNPOLLABLE,    /* register /dev/null (Windows: NUL): -EPERM */
	FUZZ_OP_TYPES
};

struct fuzz_op {
	uint8_t type; /* enum fuzz_op_type */
	uint8_t slot;
	uint8_t end;  /* 0 or 1; of a pipe, 0 reads and 1 writes */
	uint8_t arg;
	uint32_t size;
};

/* fuzz-gen.c: the sequence of a seed; one line describing an op. */
void fuzz_generate(uint64_t seed, struct fuzz_op *ops, size_t n);
void fuzz_format(const struct fuzz_op *op, char *buf, size_t size);

/* fuzz-run.c */
struct fuzz_stats {
	unsigned long ops;      /* applied (an op that does not apply to the state is skipped) */
	unsigned long polls;    /* backend polls */
	unsigned long events;   /* events checked */
	unsigned long edges;    /* armed and ready directions that had to be reported */
	unsigned long wakes;    /* wakes that had to be reported */
};

struct fuzz_divergence {
	size_t op;           /* index of the operation after which it showed */
	char backend[32];
	char rule[32];       /* which check: "return code", "missing edge", "stale token"... */
	char detail[256];
};

enum fuzz_result { FUZZ_OK, FUZZ_DIVERGED, FUZZ_ERROR };

/* Runs ops on the named backends (MIO_BACKEND_DIR must point at them). FUZZ_DIVERGED or
 * FUZZ_ERROR (a setup failure: no backend, no fds) fill *div. stats may be NULL. */
enum fuzz_result fuzz_run(const struct fuzz_op *ops, size_t n, const char *const *backends,
			  size_t n_backends, struct fuzz_stats *stats, struct fuzz_divergence *div);

/* fuzz-shrink.c: removes operations from the failing ops[0..n) while the same rule still
 * fails on the same backend (delta debugging), at most max_runs replays. Returns the new n. */
size_t fuzz_shrink(struct fuzz_op *ops, size_t n, const char *const *backends,
		   size_t n_backends, struct fuzz_divergence *div, unsigned max_runs);

#endif
