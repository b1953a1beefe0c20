/* SPDX-License-Identifier: MIT */
/* Shrinking a failing sequence (delta debugging, Zeller's ddmin without the complement
 * step): cut chunks, halving their size, and keep every cut after which the same rule
 * still fails on the same backend. Operations that no longer apply are skipped by the run,
 * so every cut is a valid sequence. */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

static bool
same_failure(const struct fuzz_op *ops, size_t n, const char *const *backends, size_t nb,
	     const struct fuzz_divergence *want, struct fuzz_divergence *got)
{
	return fuzz_run(ops, n, backends, nb, NULL, got) == FUZZ_DIVERGED &&
	       strcmp(got->rule, want->rule) == 0 && strcmp(got->backend, want->backend) == 0;
}

size_t
fuzz_shrink(struct fuzz_op *ops, size_t n, const char *const *backends, size_t n_backends,
	    struct fuzz_divergence *div, unsigned max_runs)
{
	n = div->op + 1; /* nothing after the failure matters */
	struct fuzz_op *cand = malloc(n * sizeof(*cand));
	if (!cand)
		return n;
	struct fuzz_divergence got;
	unsigned runs = 0;
	for (size_t chunk = n / 2; chunk >= 1 && runs < max_runs;) {
		bool cut = false;
		for (size_t at = 0; at < n && runs < max_runs; runs++) {
			size_t len = chunk < n - at ? chunk : n - at;
			memcpy(cand, ops, at * sizeof(*ops));
			memcpy(cand + at, ops + at + len, (n - at - len) * sizeof(*ops));
			if (same_failure(cand, n - len, backends, n_backends, div, &got)) {
				memcpy(ops, cand, (n - len) * sizeof(*ops));
				n = got.op + 1;
				*div = got;
				cut = true;
			} else {
				at += len;
			}
		}
		if (!cut)
			chunk /= 2;
		else if (chunk > n / 2)
			chunk = n / 2 > 0 ? n / 2 : 1;
	}
	free(cand);
	return n;
}
