/* SPDX-License-Identifier: MIT */
/* The backend loader against the modules of plugins/test: MIO_BACKEND and MIO_BACKEND_DIR
 * parsing, every refusal with its exact errno, and comma-list fallback.
 *
 * The loader decides once per process. Every test runs in a fresh process, so each one
 * sets its environment first, before any mio call (use_env), and meson sets nothing. */
#include "mt.h"
#include "mt-os.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Where the modules of plugins/test are (meson passes it). */
static const char *
module_dir(void)
{
	const char *dir = getenv("MT_MODULE_DIR");
	/* Absolute, or every test fails with -EINVAL (the loader's rule). */
	mt_assert(dir && dir[0], "MT_MODULE_DIR must be set to an absolute path");
	return dir;
}

/* MIO_BACKEND = backend (NULL: unset), modules from dir. */
static void
use_env_dir(const char *backend, const char *dir)
{
	mt_setenv("MIO_BACKEND", backend);
	mt_setenv("MIO_BACKEND_DIR", dir);
}

static void
use_env(const char *backend)
{
	use_env_dir(backend, module_dir());
}

/* True when mio-<name> from the test directory is mapped into this process. */
static bool
module_loaded(const char *name)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/mio-%s%s", module_dir(), name, MT_MODULE_SUFFIX);
	return mt_module_is_loaded(path);
}

/* mio_poll_new() must fail with err; the poll pointer must stay untouched. */
static void
expect_new_fails(int err)
{
	struct mio_poll *poll = NULL;
	mt_assert_err(mio_poll_new(&poll), err);
	mt_assert(poll == NULL, "a failed mio_poll_new() wrote a poll");
}

/* mio_poll_new() must succeed on the backend called name. */
static struct mio_poll *
expect_new_on(const char *name)
{
	struct mio_poll *poll = NULL;
	mt_assert_ok(mio_poll_new(&poll));
	const char *got = mio_poll_backend_name(poll);
	mt_assert(got && strcmp(got, name) == 0, "poll on '%s', expected '%s'",
		  got ? got : "(null)", name);
	return poll;
}

/* MIO_BACKEND=value must be refused as malformed, before any module is loaded. */
static void
expect_invalid(const char *value)
{
	use_env(value);
	expect_new_fails(-EINVAL);
	mt_assert(!module_loaded("mock"), "MIO_BACKEND='%s': mock was loaded", value);
}

/* --- The working mock --- */

MT_TEST(loader, mock_by_env)
{
	use_env("mock");
	mt_assert(!module_loaded("mock"), "mock loaded before any mio call");
	struct mio_poll *poll = expect_new_on("mock");
	mt_assert(module_loaded("mock"), "mock not mapped after use"); /* the check works */

	/* The core drives the mock's trivial operations. */
	struct mio_events *events = NULL;
	mt_assert_ok(mio_events_new(4, &events));
	mt_assert_err(mio_poll_poll(poll, events, 0), 0);
	mio_fd_t fd = MIO_FD_INVALID;
	mt_assert_ok(mio_poll_fd(poll, &fd)); /* the mock's selector_fd says 0 */
	mt_assert_eq(fd, 0);

	struct mio_waker *waker = NULL, *second = NULL;
	mt_assert_ok(mio_waker_new(mio_poll_registry(poll), 1, &waker));
	mt_assert_err(mio_waker_new(mio_poll_registry(poll), 2, &second), -EEXIST);
	mt_assert_ok(mio_waker_wake(waker));

	struct mio_registry *clone = NULL;
	mt_assert_ok(mio_registry_try_clone(mio_poll_registry(poll), &clone));
	mio_registry_free(clone);
	mio_waker_free(waker);
	mio_events_free(events);
	mio_poll_free(poll);
}

MT_TEST(loader, choice_is_cached)
{
	use_env("mock");
	struct mio_poll *a = expect_new_on("mock");
	/* Too late: the process already chose. */
	use_env("nope");
	struct mio_poll *b = expect_new_on("mock");
	mio_poll_free(b);
	mio_poll_free(a);
}

/* Only a success is kept: after a failure the next call chooses again (issue 7, defect 1;
 * tests/core/test-fd-limits.c has the transient failure on the real backends). */
MT_TEST(loader, failure_is_not_cached)
{
	use_env("nope");
	expect_new_fails(-ENOENT);
	use_env("mock");
	struct mio_poll *a = expect_new_on("mock");
	use_env("nope");
	struct mio_poll *b = expect_new_on("mock");
	mio_poll_free(b);
	mio_poll_free(a);
}

/* --- MIO_BACKEND unset --- */

/* Only the backends built with libmio are candidates: a higher-priority stray module in
 * the directory (mock) is never picked on its own. */
MT_TEST(loader, unset_ignores_unbuilt_modules)
{
	use_env(NULL);
	expect_new_fails(-ENOENT);
	mt_assert(!module_loaded("mock"), "mock was loaded");
}

/* Picks one of the real backends (mio-info-test.sh checks it is the highest-priority one). */
MT_TEST(loader, unset_picks_a_built_backend)
{
	const char *built = getenv("MT_BUILT_BACKENDS");
	const char *dir = getenv("MT_BACKEND_DIR");
	mt_assert(built && dir, "MT_BUILT_BACKENDS and MT_BACKEND_DIR must be set");
	if (!built[0])
		mt_skip("this build has no backend to pick");
	use_env_dir(NULL, dir);
	struct mio_poll *poll = NULL;
	mt_assert_ok(mio_poll_new(&poll));
	const char *name = mio_poll_backend_name(poll);
	mt_assert(name, "no backend name");

	char list[256];
	snprintf(list, sizeof(list), ",%s,", built);
	char needle[64];
	snprintf(needle, sizeof(needle), ",%s,", name);
	mt_assert(strstr(list, needle), "picked '%s', not one of '%s'", name, built);
	mio_poll_free(poll);
}

/* --- Each broken module, with its errno --- */

MT_TEST(loader, missing_module)
{
	use_env("nope");
	expect_new_fails(-ENOENT);
}

MT_TEST(loader, no_entry_symbol)
{
	use_env("noentry");
	expect_new_fails(-ENOSYS);
}

MT_TEST(loader, entry_returns_null)
{
	use_env("nullentry");
	expect_new_fails(-ENOEXEC);
}

MT_TEST(loader, abi_major_mismatch)
{
	use_env("badabi");
	expect_new_fails(-ENOEXEC);
}

MT_TEST(loader, name_differs_from_file)
{
	use_env("misnamed");
	expect_new_fails(-ENOEXEC);
}

MT_TEST(loader, descriptor_too_small)
{
	use_env("small");
	expect_new_fails(-ENOEXEC);
}

MT_TEST(loader, mandatory_operation_missing)
{
	use_env("noselect");
	expect_new_fails(-ENOEXEC);
}

MT_TEST(loader, old_abi_major)
{
	use_env("oldabi");
	expect_new_fails(-ENOEXEC);
}

/* ABI 2 makes probe and selector_fd optional: such a module loads, counts as probing
 * fine, and mio_poll_fd() says there is no fd. */
MT_TEST(loader, optional_operations_absent)
{
	use_env("minimal");
	struct mio_poll *poll = expect_new_on("minimal");
	mio_fd_t fd = MIO_FD_INVALID;
	mt_assert_err(mio_poll_fd(poll, &fd), -ENOTSUP);
	mt_assert(fd == MIO_FD_INVALID, "mio_poll_fd wrote %d on failure", (int)fd);
	struct mio_events *events = NULL;
	mt_assert_ok(mio_events_new(4, &events));
	mt_assert_err(mio_poll_poll(poll, events, 0), 0);
	mio_events_free(events);
	mio_poll_free(poll);
}

/* An emulating backend must say how to re-arm; forget is optional. */
MT_TEST(loader, emulating_without_rearm)
{
	use_env("norearm");
	expect_new_fails(-ENOEXEC);
}

MT_TEST(loader, not_a_shared_object)
{
	use_env("garbage");
	expect_new_fails(-ENOEXEC);
}

/* A failed probe is the error: no silent fallback to another backend. */
MT_TEST(loader, probe_fails)
{
	use_env("probefail");
	expect_new_fails(-ENODEV);
}

/* --- Comma lists: the first usable entry wins --- */

MT_TEST(loader, list_skips_missing)
{
	use_env("nope,mock");
	mio_poll_free(expect_new_on("mock"));
}

MT_TEST(loader, list_skips_failed_probe)
{
	use_env("probefail,mock");
	mio_poll_free(expect_new_on("mock"));
}

MT_TEST(loader, list_skips_refused_module)
{
	use_env("badabi,noentry,garbage,mock");
	mio_poll_free(expect_new_on("mock"));
}

MT_TEST(loader, list_stops_at_first_usable)
{
	use_env("mock,probefail");
	mio_poll_free(expect_new_on("mock"));
	mt_assert(!module_loaded("probefail"), "probefail was loaded after mock was chosen");
}

MT_TEST(loader, list_without_usable_entry)
{
	use_env("nope,missing");
	expect_new_fails(-ENOENT);
}

/* --- Malformed MIO_BACKEND: -EINVAL, and the valid entries are not loaded either --- */

MT_TEST(loader, invalid_empty)
{
	expect_invalid("");
}

MT_TEST(loader, invalid_empty_entry)
{
	expect_invalid("mock,,probefail");
}

MT_TEST(loader, invalid_leading_comma)
{
	expect_invalid(",mock");
}

MT_TEST(loader, invalid_trailing_comma)
{
	expect_invalid("mock,");
}

MT_TEST(loader, invalid_relative_path)
{
	expect_invalid("mock,../x");
}

MT_TEST(loader, invalid_relative_path_alone)
{
	expect_invalid("../x");
}

MT_TEST(loader, invalid_absolute_path)
{
	expect_invalid("mock,/abs/path");
}

MT_TEST(loader, invalid_uppercase)
{
	expect_invalid("mock,EPOLL");
}

MT_TEST(loader, invalid_space)
{
	expect_invalid("mock, probefail");
}

MT_TEST(loader, invalid_100_chars)
{
	char value[5 + 100 + 1] = "mock,";
	memset(value + 5, 'a', 100);
	value[105] = '\0';
	expect_invalid(value);
}

/* MIO_BACKEND_NAME_MAX is 32: one more is malformed, exactly 32 is just missing. */
MT_TEST(loader, invalid_33_chars)
{
	expect_invalid("mock,aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
}

MT_TEST(loader, valid_32_chars)
{
	use_env("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	expect_new_fails(-ENOENT);
}

/* --- MIO_BACKEND_DIR --- */

MT_TEST(loader, dir_relative)
{
	use_env_dir("mock", "plugins/test");
	expect_new_fails(-EINVAL);
	struct mio_poll *poll = NULL;
	mt_assert_err(mio_poll_new_with_backend("mock", &poll), -EINVAL);
	mt_assert(!module_loaded("mock"), "mock was loaded");
}

MT_TEST(loader, dir_empty)
{
	use_env_dir("mock", "");
	expect_new_fails(-EINVAL);
}

MT_TEST(loader, dir_missing)
{
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s/no-such-dir", module_dir());
	use_env_dir("mock", dir);
	expect_new_fails(-ENOENT);
}

/* --- mio_poll_new_with_backend() --- */

/* The name given wins over MIO_BACKEND, even a broken one. */
MT_TEST(loader, with_backend_ignores_env)
{
	use_env("../x");
	struct mio_poll *poll = NULL;
	mt_assert_ok(mio_poll_new_with_backend("mock", &poll));
	mt_assert_str_eq(mio_poll_backend_name(poll), "mock");
	mio_poll_free(poll);
}

MT_TEST(loader, with_backend_errors)
{
	use_env("mock");
	struct mio_poll *poll = NULL;
	mt_assert_err(mio_poll_new_with_backend("../x", &poll), -EINVAL);
	mt_assert_err(mio_poll_new_with_backend("", &poll), -EINVAL);
	mt_assert_err(mio_poll_new_with_backend("mock,mock", &poll), -EINVAL);
	mt_assert_err(mio_poll_new_with_backend(NULL, &poll), -EINVAL);
	mt_assert_err(mio_poll_new_with_backend("mock", NULL), -EINVAL);
	mt_assert_err(mio_poll_new_with_backend("nope", &poll), -ENOENT);
	mt_assert_err(mio_poll_new_with_backend("noentry", &poll), -ENOSYS);
	mt_assert_err(mio_poll_new_with_backend("misnamed", &poll), -ENOEXEC);
	/* Twice: a cached refusal keeps its errno. */
	mt_assert_err(mio_poll_new_with_backend("probefail", &poll), -ENODEV);
	mt_assert_err(mio_poll_new_with_backend("probefail", &poll), -ENODEV);
	mt_assert(poll == NULL, "a failed call wrote a poll");
	mt_assert_err(mio_poll_new(NULL), -EINVAL);
}

MT_TEST(loader, backend_of_null_poll)
{
	mt_assert(mio_poll_backend_name(NULL) == NULL, "mio_poll_backend_name(NULL) is not NULL");
}
