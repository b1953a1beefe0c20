/* SPDX-License-Identifier: MIT */
/* The cost of creating a poll: mio_poll_new() (backend discovery, module load, probe) or
 * mio_poll_new_with_backend(), cold (the first call in a fresh process) or warm (later
 * calls, the loader's decision already made). mio_poll_free() is never timed.
 *
 * Usage: bench-startup cold|warm [BACKEND] [-i N]
 * Prints one line: "impl=startup-MODE-BACKEND|default iters=N us=t1,t2,...". cold times one
 * call (run the process many times); warm makes one untimed poll first, then times N.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mio/mio.h>

static int64_t
now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* One mio_poll_new[_with_backend]; returns its duration in ns, or -1. */
static int64_t
timed_new(const char *backend)
{
	struct mio_poll *poll;
	int64_t start = now_ns();
	int r = backend ? mio_poll_new_with_backend(backend, &poll) : mio_poll_new(&poll);
	int64_t ns = now_ns() - start;
	if (r < 0) {
		fprintf(stderr, "startup: %s: %s\n", backend ? backend : "default", strerror(-r));
		return -1;
	}
	mio_poll_free(poll);
	return ns;
}

int
main(int argc, char **argv)
{
	if (argc < 2 || (strcmp(argv[1], "cold") != 0 && strcmp(argv[1], "warm") != 0)) {
		fprintf(stderr, "usage: %s cold|warm [BACKEND] [-i N]\n", argv[0]);
		return 2;
	}
	bool warm = strcmp(argv[1], "warm") == 0;
	const char *backend = NULL;
	long iters = 1;
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "-i") == 0 && i + 1 < argc)
			iters = strtol(argv[++i], NULL, 10);
		else
			backend = argv[i];
	}
	if (iters < 1 || (!warm && iters != 1)) {
		fprintf(stderr, "startup: -i must be >= 1, and 1 for cold\n");
		return 2;
	}

	if (warm && timed_new(backend) < 0)
		return 1;
	printf("impl=startup-%s-%s iters=%ld us=", argv[1], backend ? backend : "default", iters);
	for (long i = 0; i < iters; i++) {
		int64_t ns = timed_new(backend);
		if (ns < 0)
			return 1;
		printf("%s%.3f", i ? "," : "", (double)ns / 1e3);
	}
	printf("\n");
	return 0;
}
