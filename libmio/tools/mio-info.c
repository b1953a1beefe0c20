/* SPDX-License-Identifier: MIT */
/* mio-info: which backends this libmio can load, and which one mio_poll_new() would pick. */
#include "mio-private.h"
#include "loader.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Prints one line per mio-<name> module in dir; returns how many probe successfully. */
static int
list_backends(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d) {
		printf("  (cannot read %s: %s)\n", dir, mio_strerror(errno));
		return 0;
	}
	char *names[256];
	size_t n = 0;
	const size_t suffix_len = strlen(MIO_MODULE_SUFFIX);
	for (struct dirent *e; (e = readdir(d));) {
		size_t len = strlen(e->d_name);
		if (strncmp(e->d_name, "mio-", 4) != 0 || len <= 4 + suffix_len ||
		    strcmp(e->d_name + len - suffix_len, MIO_MODULE_SUFFIX) != 0)
			continue;
		if (n == sizeof(names) / sizeof(names[0])) {
			printf("  (more than %zu modules: the rest is not listed)\n", n);
			break;
		}
		size_t name_len = len - 4 - suffix_len;
		if (!(names[n] = malloc(name_len + 1)))
			break;
		memcpy(names[n], e->d_name + 4, name_len);
		names[n++][name_len] = '\0';
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), compare_names);

	int usable = 0;
	for (size_t i = 0; i < n; i++) {
		const struct mio_backend *b;
		char msg[512];
		int err = mio__backend_name_is_valid(names[i], strlen(names[i]))
				  ? mio__backend_open(names[i], &b, msg, sizeof(msg))
				  : -EINVAL;
		if (err == -EINVAL)
			snprintf(msg, sizeof(msg), "not a valid backend name");
		if (err < 0) {
			printf("  %-8s refused: %s (%s)\n", names[i], mio_strerror(err), msg);
		} else {
			int probe = MIO_BACKEND_HAS(b, probe) ? b->probe() : 0;
			printf("  %-8s ABI %u.%u  priority %-3d  probe: %s\n", b->name, b->abi_major,
			       b->abi_minor, b->priority, probe ? mio_strerror(probe) : "ok");
			usable += probe == 0;
		}
		free(names[i]);
	}
	if (n == 0)
		printf("  (no mio-*%s modules)\n", MIO_MODULE_SUFFIX);
	return usable;
}

/* Why each backend of MIO_BACKEND's list is unusable, one line each, on stderr. */
static void
explain_list(const char *list)
{
	for (const char *p = list; *p; p += strcspn(p, ",") + (p[strcspn(p, ",")] == ',')) {
		char name[MIO_BACKEND_NAME_MAX + 1], msg[512];
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(p, ","), p);
		const struct mio_backend *b;
		int err = mio__backend_open(name, &b, msg, sizeof(msg));
		if (err == 0) {
			err = MIO_BACKEND_HAS(b, probe) ? b->probe() : 0;
			snprintf(msg, sizeof(msg), "probe failed");
		}
		if (err < 0)
			fprintf(stderr, "  %s: %s (%s)\n", name, mio_strerror(err), msg);
	}
}

int
main(int argc, char **argv)
{
	if (argc > 1) {
		fprintf(stderr, "usage: %s\nLists libmio's backends and the one it would pick.\n"
				"Honours MIO_BACKEND, MIO_BACKEND_DIR and MIO_DEBUG.\n",
			argv[0]);
		return strcmp(argv[1], "--help") == 0 ? 0 : 2;
	}
	printf("libmio %s, backend ABI %d.%d\n", MIO_VERSION, MIO_BACKEND_ABI_MAJOR,
	       MIO_BACKEND_ABI_MINOR);

	char dir[MIO_PATH_MAX], env_dir[MIO_PATH_MAX];
	bool from_env = mio__sys_getenv("MIO_BACKEND_DIR", env_dir, sizeof(env_dir)) == 0;
	int err = mio__backend_dir(dir, sizeof(dir));
	if (err == -EINVAL) {
		fprintf(stderr, "mio-info: MIO_BACKEND_DIR='%s' is not an absolute path\n",
			env_dir);
		return 1;
	}
	if (err < 0) {
		fprintf(stderr, "mio-info: no backend directory: %s\n", mio_strerror(err));
		return 1;
	}
	printf("backend directory: %s%s\n", dir, from_env ? " (from MIO_BACKEND_DIR)" : "");
	int usable = list_backends(dir);

	char env_list[MIO_BACKEND_LIST_MAX];
	err = mio__sys_getenv("MIO_BACKEND", env_list, sizeof(env_list));
	const char *env = err == 0 ? env_list : NULL;
	size_t count;
	if (err == -ENAMETOOLONG || (env && !mio__backend_list_is_valid(env, &count))) {
		fprintf(stderr, "mio-info: MIO_BACKEND='%s' is invalid: give backend names "
				"([a-z0-9_-]+), comma-separated, in order of preference\n",
			env ? env : "(too long)");
		return 1;
	}
	const struct mio_backend *chosen;
	err = mio__backend_default(&chosen);
	if (err < 0) {
		if (env) {
			fprintf(stderr, "mio-info: no backend of MIO_BACKEND='%s' is usable: %s\n",
				env, mio_strerror(err));
			explain_list(env);
		} else
			fprintf(stderr, "mio-info: no usable backend in %s (%d found usable): %s\n",
				dir, usable, mio_strerror(err));
		return 1;
	}
	printf("chosen: %s%s\n", chosen->name, env ? " (from MIO_BACKEND)" : "");
	return 0;
}
