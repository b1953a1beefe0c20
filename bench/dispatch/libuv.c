/* SPDX-License-Identifier: MIT */
/* libuv: one uv_poll_t per read end, uv_run(UV_RUN_NOWAIT) per turn. Level-triggered. */
#include "common.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <uv.h>

static uv_loop_t *loop;
static uv_poll_t *handles;

static void
read_cb(uv_poll_t *handle, int status, int revents)
{
	bench_read((size_t)(handle - handles));
}

static int
libuv_setup(const char *variant, const int *read_fds, size_t n)
{
	loop = uv_default_loop();
	handles = calloc(n, sizeof(*handles));
	if (!loop || !handles)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		int r = uv_poll_init(loop, &handles[i], read_fds[i]);
		if (r == 0)
			r = uv_poll_start(&handles[i], UV_READABLE, read_cb);
		if (r < 0) {
			fprintf(stderr, "libuv: %s\n", uv_strerror(r));
			return r;
		}
	}
	return 0;
}

static int
libuv_turn(void)
{
	uv_run(loop, UV_RUN_NOWAIT);
	return 0;
}

const struct bench_impl bench_impl = { "libuv", false, libuv_setup, libuv_turn };
