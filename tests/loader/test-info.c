/* SPDX-License-Identifier: MIT */
/* The introspection API (<mio/info.h>) against the modules of plugins/test and the built
 * backends: each module's state, error, ABI and priority, directory errors, the default
 * choice and its reason, and the run-time version. Each test sets its environment first,
 * as in test-loader.c (the default is chosen once per process). */
#include "mt.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *
env_or_fail(const char *name)
{
	const char *v = getenv(name);
	mt_assert(v && v[0], "%s must be set (meson does)", name);
	return v;
}

static void
use_dir(const char *dir)
{
	mt_assert_eq(unsetenv("MIO_BACKEND"), 0);
	mt_assert_eq(setenv("MIO_BACKEND_DIR", dir, 1), 0);
}

static const struct mio_backend_info *
find(const struct mio_backend_list *list, const char *name)
{
	for (size_t i = 0; i < mio_backend_list_len(list); i++) {
		const struct mio_backend_info *info = mio_backend_list_get(list, i);
		if (strcmp(mio_backend_info_name(info), name) == 0)
			return info;
	}
	mt_fail("module %s not listed", name);
	return NULL;
}

static void
expect(const struct mio_backend_list *list, const char *name, enum mio_backend_state state,
       int err)
{
	const struct mio_backend_info *info = find(list, name);
	mt_assert(mio_backend_info_state(info) == state, "%s: state %d, expected %d", name,
		  (int)mio_backend_info_state(info), (int)state);
	mt_assert_err(mio_backend_info_error(info), err);
	mt_assert(mio_backend_info_detail(info)[0] != '\0', "%s: no detail", name);
	unsigned major = 99, minor = 99, core_major, core_minor;
	mio_backend_abi_version(&core_major, &core_minor);
	if (state == MIO_BACKEND_REFUSED) {
		mt_assert_err(mio_backend_info_abi(info, &major, &minor), -ENOENT);
		mt_assert_eq(mio_backend_info_priority(info), 0);
	} else {
		mt_assert_ok(mio_backend_info_abi(info, &major, &minor));
		mt_assert_eq(major, core_major);
		mt_assert_eq(minor, core_minor);
		mt_assert_eq(mio_backend_info_priority(info), 257); /* mock.c's */
	}
}

MT_TEST(info, test_modules)
{
	use_dir(env_or_fail("MT_MODULE_DIR"));
	struct mio_backend_list *list;
	mt_assert_ok(mio_backend_list_new(&list));
	expect(list, "mock", MIO_BACKEND_USABLE, 0);
	expect(list, "minimal", MIO_BACKEND_USABLE, 0);
	expect(list, "probefail", MIO_BACKEND_UNUSABLE, -ENODEV);
	expect(list, "noentry", MIO_BACKEND_REFUSED, -ENOSYS);
	expect(list, "nullentry", MIO_BACKEND_REFUSED, -ENOEXEC);
	expect(list, "badabi", MIO_BACKEND_REFUSED, -ENOEXEC);
	expect(list, "oldabi", MIO_BACKEND_REFUSED, -ENOEXEC);
	expect(list, "misnamed", MIO_BACKEND_REFUSED, -ENOEXEC);
	expect(list, "small", MIO_BACKEND_REFUSED, -ENOEXEC);
	expect(list, "garbage", MIO_BACKEND_REFUSED, -ENOEXEC);
	/* Sorted by name, and nothing but mio-*.so files. */
	for (size_t i = 1; i < mio_backend_list_len(list); i++)
		mt_assert(strcmp(mio_backend_info_name(mio_backend_list_get(list, i - 1)),
				 mio_backend_info_name(mio_backend_list_get(list, i))) < 0,
			  "list not sorted at %zu", i);
	mt_assert(mio_backend_list_get(list, mio_backend_list_len(list)) == NULL,
		  "an index past the end gave a module");
	mio_backend_list_free(list);
}

MT_TEST(info, built_backends_are_usable)
{
	use_dir(env_or_fail("MT_BACKEND_DIR"));
	struct mio_backend_list *list;
	mt_assert_ok(mio_backend_list_new(&list));
	char built[256];
	snprintf(built, sizeof(built), "%s", env_or_fail("MT_BUILT_BACKENDS"));
	size_t n = 0;
	for (char *save, *name = strtok_r(built, ",", &save); name;
	     name = strtok_r(NULL, ",", &save), n++) {
		const struct mio_backend_info *info = find(list, name);
		mt_assert(mio_backend_info_state(info) == MIO_BACKEND_USABLE, "%s: %s (%s)", name,
			  mio_strerror(mio_backend_info_error(info)),
			  mio_backend_info_detail(info));
		mt_assert(mio_backend_info_priority(info) > 0, "%s has no priority", name);
	}
	mt_assert_eq(mio_backend_list_len(list), n);
	mio_backend_list_free(list);
}

/* A directory with an empty file under an invalid name and one under a valid name. */
MT_TEST(info, invalid_name_and_empty_file)
{
	char dir[] = "/tmp/mio-info-test.XXXXXX";
	mt_assert(mkdtemp(dir), "mkdtemp");
	char path[sizeof(dir) + 32];
	const char *files[] = {"mio-Bad.so", "mio-empty.so", "other.so", "mio-.so"};
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
		mt_assert(fd >= 0, "creating %s", path);
		close(fd);
	}
	use_dir(dir);
	struct mio_backend_list *list;
	int err = mio_backend_list_new(&list);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
	mt_assert_ok(err);
	mt_assert_eq(mio_backend_list_len(list), 2);
	expect(list, "Bad", MIO_BACKEND_REFUSED, -EINVAL);
	expect(list, "empty", MIO_BACKEND_REFUSED, -ENOEXEC);
	mio_backend_list_free(list);
}

MT_TEST(info, directory_errors)
{
	struct mio_backend_list *list = NULL;
	use_dir("/nonexistent/mio-0");
	mt_assert_err(mio_backend_list_new(&list), -ENOENT);
	use_dir("/dev/null");
	mt_assert_err(mio_backend_list_new(&list), -ENOTDIR);
	use_dir("relative/dir");
	mt_assert_err(mio_backend_list_new(&list), -EINVAL);
	char dir[64];
	mt_assert_err(mio_backend_dir(dir, sizeof(dir)), -EINVAL);
	mt_assert(list == NULL, "a failed mio_backend_list_new() wrote a list");
}

MT_TEST(info, null_arguments)
{
	mt_assert_err(mio_backend_list_new(NULL), -EINVAL);
	mt_assert_err(mio_backend_dir(NULL, 0), -EINVAL);
	mt_assert_eq(mio_backend_list_len(NULL), 0);
	mt_assert(mio_backend_list_get(NULL, 0) == NULL, "get on NULL");
	mt_assert(mio_backend_info_name(NULL) == NULL, "name of NULL");
	mt_assert(mio_backend_info_state(NULL) == MIO_BACKEND_REFUSED, "state of NULL");
	mt_assert_err(mio_backend_info_error(NULL), -EINVAL);
	mt_assert_err(mio_backend_info_abi(NULL, NULL, NULL), -EINVAL);
	mt_assert_eq(mio_backend_info_priority(NULL), 0);
	mt_assert_str_eq(mio_backend_info_detail(NULL), "");
	mio_backend_list_free(NULL);
}

MT_TEST(info, dir_is_the_environments)
{
	const char *want = env_or_fail("MT_MODULE_DIR");
	use_dir(want);
	char dir[4096];
	mt_assert_ok(mio_backend_dir(dir, sizeof(dir)));
	mt_assert_str_eq(dir, want);
	mt_assert_err(mio_backend_dir(dir, strlen(want)), -ENAMETOOLONG); /* no room for NUL */
}

/* Unset MIO_BACKEND: the same backend as mio_poll_new(), by priority. */
MT_TEST(info, default_by_priority)
{
	use_dir(env_or_fail("MT_BACKEND_DIR"));
	const char *name;
	enum mio_backend_reason reason;
	mt_assert_ok(mio_backend_default(&name, &reason));
	mt_assert(reason == MIO_BACKEND_REASON_PRIORITY, "reason %d", (int)reason);
	struct mio_poll *poll;
	mt_assert_ok(mio_poll_new(&poll));
	mt_assert_str_eq(name, mio_poll_backend_name(poll));
	mio_poll_free(poll);
}

MT_TEST(info, default_from_env)
{
	use_dir(env_or_fail("MT_MODULE_DIR"));
	mt_assert_eq(setenv("MIO_BACKEND", "probefail,mock", 1), 0);
	const char *name;
	enum mio_backend_reason reason;
	mt_assert_ok(mio_backend_default(&name, &reason));
	mt_assert(reason == MIO_BACKEND_REASON_ENV, "reason %d", (int)reason);
	mt_assert_str_eq(name, "mock");
	/* Decided once: a later change of the environment changes nothing. */
	mt_assert_eq(unsetenv("MIO_BACKEND"), 0);
	mt_assert_ok(mio_backend_default(NULL, &reason));
	mt_assert(reason == MIO_BACKEND_REASON_ENV, "the reason changed");
}

MT_TEST(info, default_env_invalid)
{
	use_dir(env_or_fail("MT_MODULE_DIR"));
	mt_assert_eq(setenv("MIO_BACKEND", "../x", 1), 0);
	enum mio_backend_reason reason = 0;
	const char *name = NULL;
	mt_assert_err(mio_backend_default(&name, &reason), -EINVAL);
	mt_assert(reason == MIO_BACKEND_REASON_ENV, "reason %d", (int)reason);
	mt_assert(name == NULL, "a failed mio_backend_default() wrote a name");
}

MT_TEST(info, default_env_probe_fails)
{
	use_dir(env_or_fail("MT_MODULE_DIR"));
	mt_assert_eq(setenv("MIO_BACKEND", "probefail", 1), 0);
	mt_assert_err(mio_backend_default(NULL, NULL), -ENODEV);
}

MT_TEST(info, version)
{
	mt_assert_eq(mio_version(), MIO_VERSION_HEX);
	mt_assert_str_eq(mio_version_string(), MIO_VERSION);
	char want[32];
	snprintf(want, sizeof(want), "%d.%d.%d", MIO_VERSION_MAJOR, MIO_VERSION_MINOR,
		 MIO_VERSION_MICRO);
	mt_assert_str_eq(mio_version_string(), want);
	mt_assert_eq(mio_version() >> 16, MIO_VERSION_MAJOR);
}
