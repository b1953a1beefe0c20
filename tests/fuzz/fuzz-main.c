/* SPDX-License-Identifier: MIT */
/* The differential fuzz as a test (fuzz.h says what is compared). One TAP test per seed:
 *   MT_FUZZ_SEEDS  how many seeds (10), MT_FUZZ_SEED the first (1),
 *   MT_FUZZ_OPS    operations per seed (10000; on Windows 2000, meson.build says why),
 *   MT_FUZZ_BACKENDS  the backends, a comma list (meson passes the built ones).
 * A divergence is shrunk (fuzz-shrink.c) and printed, one operation per line, with the
 * rule that failed and the backend; MT_FUZZ_SEED=<seed> MT_FUZZ_SEEDS=1 runs it again.
 *
 * It catches a planted bug. With the poll backend's re-arm skipped (poll_rearm() in
 * backends/poll/poll.c returning at once; a scratch build, never committed) every seed
 * fails with "missing edge" on poll; seed 1 after 217 operations, shrunk to 7: a datagram
 * pair, a write, register R, poll, drain (-EAGAIN), a write, poll (docs/testing.md). With
 * afd_rearm() skipped the same sequence, with one more poll, fails on afd under Wine. */
#include "fuzz.h"
#include "fuzz-os.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef FUZZ_DEFAULT_OPS
#define FUZZ_DEFAULT_OPS 10000
#endif

static unsigned long
env_number(const char *name, unsigned long fallback)
{
	const char *v = getenv(name);
	if (!v || !*v)
		return fallback;
	char *end;
	unsigned long n = strtoul(v, &end, 10);
	if (*end || n == 0) {
		printf("Bail out! %s=%s is not a positive number\n", name, v);
		exit(2);
	}
	return n;
}

static void
print_sequence(const struct fuzz_op *ops, size_t n)
{
	char line[128];
	for (size_t i = 0; i < n; i++) {
		fuzz_format(&ops[i], line, sizeof(line));
		printf("#   %3zu  %s\n", i, line);
	}
}

int
main(void)
{
	fuzz_os_init();
	unsigned long seeds = env_number("MT_FUZZ_SEEDS", 10);
	unsigned long first = env_number("MT_FUZZ_SEED", 1);
	unsigned long n_ops = env_number("MT_FUZZ_OPS", FUZZ_DEFAULT_OPS);

	static char list[256];
	const char *env = getenv("MT_FUZZ_BACKENDS");
	snprintf(list, sizeof(list), "%s", env ? env : "");
	const char *backends[FUZZ_MAX_BACKENDS];
	size_t nb = 0;
	for (char *save, *b = strtok_r(list, ",", &save); b && nb < FUZZ_MAX_BACKENDS;
	     b = strtok_r(NULL, ",", &save))
		backends[nb++] = b;
	if (nb == 0) {
		printf("Bail out! MT_FUZZ_BACKENDS names no backend\n");
		return 2;
	}
	struct fuzz_op *ops = malloc(n_ops * sizeof(*ops));
	if (!ops) {
		printf("Bail out! no memory for %lu operations\n", n_ops);
		return 2;
	}

	printf("1..%lu\n", seeds);
	struct fuzz_stats total = { 0 };
	unsigned divergences = 0;
	for (unsigned long i = 0; i < seeds; i++) {
		unsigned long seed = first + i;
		struct fuzz_stats st = { 0 };
		struct fuzz_divergence div;
		fuzz_generate(seed, ops, n_ops);
		enum fuzz_result r = fuzz_run(ops, n_ops, backends, nb, &st, &div);
		total.ops += st.ops;
		total.polls += st.polls;
		total.events += st.events;
		total.edges += st.edges;
		total.wakes += st.wakes;
		if (r == FUZZ_OK) {
			printf("ok %lu - seed %lu: %lu operations, %lu polls, %lu edges and %lu "
			       "wakes checked\n", i + 1, seed, st.ops, st.polls, st.edges, st.wakes);
			continue;
		}
		if (r == FUZZ_ERROR) {
			printf("Bail out! seed %lu: %s: %s\n", seed, div.backend, div.detail);
			return 2;
		}
		divergences++;
		printf("not ok %lu - seed %lu: %s on %s after operation %zu: %s\n", i + 1, seed,
		       div.rule, div.backend, div.op, div.detail);
		size_t at = div.op + 1;
		size_t n = fuzz_shrink(ops, at, backends, nb, &div, 5000);
		printf("# shrunk from %zu to %zu operations; it fails with %s on %s: %s\n", at, n,
		       div.rule, div.backend, div.detail);
		print_sequence(ops, n);
		printf("# again: MT_FUZZ_SEED=%lu MT_FUZZ_SEEDS=1 MT_FUZZ_OPS=%zu\n", seed, at);
	}
	printf("# fuzz on %s: %lu seeds x %lu operations: %lu applied, %lu polls, %lu events, "
	       "%lu edges and %lu wakes checked, %u divergences\n", env, seeds, n_ops,
	       total.ops, total.polls, total.events, total.edges, total.wakes, divergences);
	free(ops);
	return divergences ? 1 : 0;
}
