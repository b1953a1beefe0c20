/* SPDX-License-Identifier: MIT */
/* mio-info: which backends libmio can load, and which one mio_poll_new() would pick.
 * A plain consumer of libmio.so.0's public API (<mio/info.h>), like gst-inspect. */
#include <mio/mio.h>

#include <errno.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Exit codes (mio-info(1)). */
enum {
	EXIT_CHOSEN = 0,     /* a backend is usable and chosen */
	EXIT_NO_BACKEND = 1, /* none usable, or MIO_BACKEND / MIO_BACKEND_DIR invalid */
	EXIT_USAGE = 2,
};

static void
usage(FILE *f, const char *argv0)
{
	fprintf(f,
		"usage: %s [--help] [--version]\n"
		"Lists the backends in libmio's backend directory (ABI version, priority,\n"
		"probe result) and the one mio_poll_new() would choose, and why.\n"
		"Honours MIO_BACKEND, MIO_BACKEND_DIR and MIO_DEBUG.\n"
		"\n"
		"Exit status: 0 a backend was chosen; 1 none is usable, or MIO_BACKEND or\n"
		"MIO_BACKEND_DIR is invalid; 2 usage error.\n",
		argv0);
}

/* One line per module; returns how many are usable. */
static int
print_backends(const struct mio_backend_list *list)
{
	int usable = 0;
	for (size_t i = 0; i < mio_backend_list_len(list); i++) {
		const struct mio_backend_info *info = mio_backend_list_get(list, i);
		const char *name = mio_backend_info_name(info);
		int err = mio_backend_info_error(info);
		unsigned major, minor;
		if (mio_backend_info_state(info) == MIO_BACKEND_REFUSED ||
		    mio_backend_info_abi(info, &major, &minor) < 0) {
			printf("  %-8s refused: %s (%s)\n", name, mio_strerror(err),
			       mio_backend_info_detail(info));
			continue;
		}
		printf("  %-8s ABI %u.%u  priority %-3d  probe: %s\n", name, major, minor,
		       mio_backend_info_priority(info), err ? mio_strerror(err) : "ok");
		usable += err == 0;
	}
	if (mio_backend_list_len(list) == 0)
		printf("  (no backend modules)\n");
	return usable;
}

static const struct mio_backend_info *
find(const struct mio_backend_list *list, const char *name, size_t len)
{
	for (size_t i = 0; i < mio_backend_list_len(list); i++) {
		const struct mio_backend_info *info = mio_backend_list_get(list, i);
		if (strlen(mio_backend_info_name(info)) == len &&
		    strncmp(mio_backend_info_name(info), name, len) == 0)
			return info;
	}
	return NULL;
}

/* Why each backend of MIO_BACKEND's list is unusable, one line each, on stderr. */
static void
explain_list(const struct mio_backend_list *list, const char *dir, const char *env)
{
	for (const char *p = env; *p;) {
		size_t len = strcspn(p, ",");
		const struct mio_backend_info *info = find(list, p, len);
		if (!info)
			fprintf(stderr, "  %.*s: %s (no module mio-%.*s in %s)\n", (int)len, p,
				mio_strerror(-ENOENT), (int)len, p, dir);
		else if (mio_backend_info_error(info) < 0)
			fprintf(stderr, "  %.*s: %s (%s)\n", (int)len, p,
				mio_strerror(mio_backend_info_error(info)),
				mio_backend_info_state(info) == MIO_BACKEND_REFUSED
					? mio_backend_info_detail(info)
					: "probe failed");
		p += len + (p[len] == ',');
	}
}

int
main(int argc, char **argv)
{
	if (argc > 1) {
		if (strcmp(argv[1], "--help") == 0 && argc == 2) {
			usage(stdout, argv[0]);
			return EXIT_CHOSEN;
		}
		if (strcmp(argv[1], "--version") == 0 && argc == 2) {
			printf("mio-info (libmio) %s\n", mio_version_string());
			return EXIT_CHOSEN;
		}
		usage(stderr, argv[0]);
		return EXIT_USAGE;
	}
	unsigned abi_major, abi_minor;
	mio_backend_abi_version(&abi_major, &abi_minor);
	printf("libmio %s, backend ABI %u.%u\n", mio_version_string(), abi_major, abi_minor);

	char dir[4096];
	int err = mio_backend_dir(dir, sizeof(dir));
	const char *env_dir = getenv("MIO_BACKEND_DIR");
	if (err == -EINVAL) {
		fprintf(stderr, "mio-info: MIO_BACKEND_DIR='%s' is not an absolute path\n",
			env_dir ? env_dir : "");
		return EXIT_NO_BACKEND;
	}
	if (err < 0) {
		fprintf(stderr, "mio-info: no backend directory: %s\n", mio_strerror(err));
		return EXIT_NO_BACKEND;
	}
	/* The library ignores the environment in setuid programs: say so only if it used it. */
	printf("backend directory: %s%s\n", dir,
	       env_dir && strcmp(env_dir, dir) == 0 ? " (from MIO_BACKEND_DIR)" : "");
	struct mio_backend_list *list = NULL;
	err = mio_backend_list_new(&list);
	int usable = 0;
	if (err < 0)
		printf("  (cannot read %s: %s)\n", dir, mio_strerror(err));
	else
		usable = print_backends(list);

	const char *chosen;
	enum mio_backend_reason reason;
	err = mio_backend_default(&chosen, &reason);
	int status = EXIT_CHOSEN;
	if (err == 0) {
		printf("chosen: %s (%s)\n", chosen,
		       reason == MIO_BACKEND_REASON_ENV ? "from MIO_BACKEND"
							: "highest priority that probes");
	} else if (reason == MIO_BACKEND_REASON_ENV) {
		const char *env = getenv("MIO_BACKEND");
		if (!env)
			env = "";
		if (err == -EINVAL)
			fprintf(stderr, "mio-info: MIO_BACKEND='%s' is invalid: give backend names "
					"([a-z0-9_-]+), comma-separated, in order of preference\n",
				env);
		else {
			fprintf(stderr, "mio-info: no backend of MIO_BACKEND='%s' is usable: %s\n",
				env, mio_strerror(err));
			explain_list(list, dir, env);
		}
		status = EXIT_NO_BACKEND;
	} else {
		fprintf(stderr, "mio-info: no usable backend in %s (%d found usable): %s\n", dir,
			usable, mio_strerror(err));
		status = EXIT_NO_BACKEND;
	}
	mio_backend_list_free(list);
	return status;
}
