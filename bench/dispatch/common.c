/* SPDX-License-Identifier: MIT */
/* The dispatch benchmark's driver: arguments, socketpairs, the timed loop, the output.
 *
 * Usage: bench-IMPL [-b variant] [-r once|drain] [-n pairs] [-a active] [-w writes]
 *                   [-i iterations] [-W warmup] [-t seconds]
 * -r: after an event, read until a short read (once, the default: one read per event here)
 * or until -EAGAIN (drain: two reads per event).
 * Prints one line: "impl=... n=... a=... w=... iters=... events=... turns=... reads=...
 * failures=... us=t1,t2,..." with the time of every measured iteration in microseconds,
 * events and turns per iteration and reads per event (averaged over the measured
 * iterations). -t stops measuring once the measured iterations have taken that long, after
 * at least 10 of them.
 */
#include "common.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MIN_ITERATIONS 10

int *bench_pairs; /* see common.h */
static size_t num_pairs, num_active, num_writes;

/* bench.c's counters: bytes read, bytes sent this iteration, forwards left. */
static size_t count, fired, writes;
static size_t failures, events, reads;

static void
forward(size_t idx)
{
	if (!writes)
		return;
	size_t widx = idx + 1;
	if (widx >= num_pairs)
		widx -= num_pairs;
	if (send(bench_pairs[2 * widx + 1], "e", 1, 0) != 1)
		failures++;
	writes--;
	fired++;
}

/* A read function with libmio's convention; recv(2) unless bench_set_reader() says. */
static ssize_t
recv_reader(int fd, void *buf, size_t len)
{
	ssize_t n = recv(fd, buf, len, 0);
	return n < 0 ? -errno : n;
}

static bench_reader reader = recv_reader;
static bool drain; /* -r drain */

void
bench_set_reader(bench_reader read)
{
	reader = read;
}

/* Reads with a 64-byte buffer (every socket holds a byte or two): the short-read loop
 * stops at the first read that returns less than the buffer, the draining one at -EAGAIN.
 * A spurious event (-EAGAIN at once) is no failure; end of stream or an error is. */
void
bench_read(size_t idx)
{
	unsigned char buf[64];
	ssize_t n;
	do {
		n = reader(bench_pairs[2 * idx], buf, sizeof(buf));
		reads++;
		if (n > 0)
			count += (size_t)n;
	} while (n == (ssize_t)sizeof(buf) || (drain && n > 0));
	if (n <= 0 && n != -EAGAIN && n != -EWOULDBLOCK)
		failures++;
	events++;
	forward(idx);
}

/* Named, not inlined, so callgrind can attribute them to the workload. */
__attribute__((noinline)) static int64_t
bench_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* bench.c's run_once() before its timed loop: write to a pairs spread over all n. */
__attribute__((noinline)) static void
bench_prime(void)
{
	size_t space = num_pairs / num_active * 2;
	fired = 0;
	for (size_t i = 0; i < num_active; i++, fired++)
		if (send(bench_pairs[i * space + 1], "e", 1, 0) != 1)
			failures++;
	count = 0;
	writes = num_writes;
}

struct options {
	const char *variant;
	const char *read_mode;
	size_t iterations, warmup;
	double budget_s;
};

/* The result line. Its cost grows with the iterations, so callgrind must see it by name. */
__attribute__((noinline)) static void
bench_print(const struct options *o, const double *us, size_t done, size_t turns)
{
	printf("impl=%s%s%s%s n=%zu a=%zu w=%zu iters=%zu events=%.2f turns=%.2f reads=%.3f "
	       "failures=%zu us=",
	       bench_impl.name, o->variant ? "-" : "", o->variant ? o->variant : "",
	       drain ? "-drain" : "", num_pairs, num_active, num_writes, done,
	       (double)events / (double)done, (double)turns / (double)done,
	       (double)reads / (double)events, failures);
	for (size_t i = 0; i < done; i++)
		printf("%s%.3f", i ? "," : "", us[i]);
	printf("\n");
}

/* One timed iteration; returns its duration in ns, or -1 on a loop error. */
static int64_t
run_once(size_t *turns)
{
	bench_prime();
	int64_t start = bench_now();
	do {
		int r = bench_impl.turn();
		if (r < 0) {
			fprintf(stderr, "%s: event loop turn failed: %s\n", bench_impl.name,
				strerror(-r));
			return -1;
		}
		++*turns;
	} while (count != fired);
	return bench_now() - start;
}

static void
raise_fd_limit(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static int
make_pairs(size_t n)
{
	bench_pairs = calloc(2 * n, sizeof(*bench_pairs));
	if (!bench_pairs)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0,
			       &bench_pairs[2 * i]) < 0)
			return -errno;
	return 0;
}

static size_t
parse_size(const char *s, const char *what)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v == 0 || v > 1000000) {
		fprintf(stderr, "bad %s '%s'\n", what, s);
		exit(2);
	}
	return (size_t)v;
}

static void
parse_args(int argc, char **argv, struct options *o)
{
	num_pairs = 100;
	num_active = 1;
	num_writes = 100;
	*o = (struct options){ NULL, "once", 200, 5, 0 };
	int c;
	while ((c = getopt(argc, argv, "b:r:n:a:w:i:W:t:")) != -1) {
		switch (c) {
		case 'b': o->variant = optarg; break;
		case 'r': o->read_mode = optarg; break;
		case 'n': num_pairs = parse_size(optarg, "-n"); break;
		case 'a': num_active = parse_size(optarg, "-a"); break;
		case 'w': num_writes = parse_size(optarg, "-w"); break;
		case 'i': o->iterations = parse_size(optarg, "-i"); break;
		case 'W': o->warmup = strcmp(optarg, "0") ? parse_size(optarg, "-W") : 0; break;
		case 't': o->budget_s = atof(optarg); break;
		default: exit(2);
		}
	}
	if (o->variant && !bench_impl.takes_variant) {
		fprintf(stderr, "%s: takes no -b variant\n", bench_impl.name);
		exit(2);
	}
	if (strcmp(o->read_mode, "once") != 0 && strcmp(o->read_mode, "drain") != 0) {
		fprintf(stderr, "-r must be 'once' or 'drain'\n");
		exit(2);
	}
	drain = strcmp(o->read_mode, "drain") == 0;
	if (num_active > num_pairs) {
		fprintf(stderr, "-a must not exceed -n\n");
		exit(2);
	}
}

int
main(int argc, char **argv)
{
	struct options o;
	parse_args(argc, argv, &o);
	raise_fd_limit();

	int r = make_pairs(num_pairs);
	if (r < 0) {
		fprintf(stderr, "socketpair: %s\n", strerror(-r));
		return 1;
	}
	int *read_fds = malloc(num_pairs * sizeof(*read_fds));
	if (!read_fds)
		return 1;
	for (size_t i = 0; i < num_pairs; i++)
		read_fds[i] = bench_pairs[2 * i];
	if (bench_impl.setup(o.variant, read_fds, num_pairs) < 0)
		return 1;
	free(read_fds);
	if (bench_impl.turn() < 0) /* bench.c: one turn to settle the registrations */
		return 1;

	size_t turns = 0;
	for (size_t i = 0; i < o.warmup; i++)
		if (run_once(&turns) < 0)
			return 1;

	double *us = malloc(o.iterations * sizeof(*us));
	if (!us)
		return 1;
	size_t done = 0;
	double total_s = 0;
	turns = 0;
	events = 0;
	reads = 0;
	while (done < o.iterations && !(o.budget_s > 0 && total_s >= o.budget_s &&
					 done >= MIN_ITERATIONS)) {
		int64_t ns = run_once(&turns);
		if (ns < 0)
			return 1;
		us[done++] = (double)ns / 1e3;
		total_s += (double)ns / 1e9;
	}

	bench_print(&o, us, done, turns);
	free(us);
	return failures ? 1 : 0;
}
