/* SPDX-License-Identifier: MIT */
/* with-loopback PROGRAM [ARGS...]: runs PROGRAM if loopback (127.0.0.1) works, else says
 * why and exits 77, which meson counts as a skip. For the tests that are whole programs
 * (the examples); the test bodies skip through net-util.c instead. */
#include "loopback.h"

#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: with-loopback PROGRAM [ARGS...]\n");
		return 2;
	}
	char why[256];
	if (!mt_loopback_usable(AF_INET, why, sizeof(why))) {
		printf("SKIP: %s\n", why);
		return 77;
	}
	execv(argv[1], argv + 1);
	perror(argv[1]);
	return 2;
}
