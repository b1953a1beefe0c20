/* SPDX-License-Identifier: MIT */
/* Issue 7, defect 7: a backend module that other users could have replaced is refused with
 * -EPERM and a MIO_DEBUG line that says why (OpenSSH's StrictModes idea). Each test copies
 * the backend under test into a fresh directory under /tmp, changes the mode or owner of
 * the copy or of its directory, and loads it from there (MIO_BACKEND_DIR); /tmp itself is
 * sticky, so the directory above is fine. Run once per backend. */
#include "test-util.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define NOBODY 65534

struct copy {
	char dir[64];
	char module[128];
	char log[128]; /* stderr of the load, for the MIO_DEBUG reason */
};

/* dir/mio-<backend> copied from MIO_BACKEND_DIR, mode 0755 in a 0755 directory. */
static struct copy
copy_new(void)
{
	struct copy c;
	snprintf(c.dir, sizeof(c.dir), "/tmp/mio-perms-XXXXXX");
	mt_assert(mkdtemp(c.dir), "mkdtemp: %s", strerror(errno));
	mt_assert_eq(chmod(c.dir, 0755), 0);
	const char *from_dir = getenv("MIO_BACKEND_DIR");
	mt_assert(from_dir, "MIO_BACKEND_DIR is not set");
	char from[4096];
	snprintf(from, sizeof(from), "%s/mio-%s%s", from_dir, mt_backend(), MT_MODULE_SUFFIX);
	snprintf(c.module, sizeof(c.module), "%s/mio-%s%s", c.dir, mt_backend(),
		 MT_MODULE_SUFFIX);
	snprintf(c.log, sizeof(c.log), "%s/stderr.log", c.dir);

	int in = open(from, O_RDONLY | O_CLOEXEC);
	mt_assert(in >= 0, "open %s: %s", from, strerror(errno));
	int out = open(c.module, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
	mt_assert(out >= 0, "create %s: %s", c.module, strerror(errno));
	char buf[65536];
	ssize_t n;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		mt_assert_eq(write(out, buf, (size_t)n), n);
	mt_assert_eq(n, 0);
	close(in);
	close(out);
	mt_assert_eq(chmod(c.module, 0755), 0); /* whatever the umask */
	return c;
}

static void
copy_remove(struct copy *c)
{
	unlink(c->module);
	unlink(c->log);
	rmdir(c->dir);
}

/* Loads the copy with MIO_DEBUG on, its stderr in c->log; returns what loading said. */
static int
load(struct copy *c)
{
	mt_assert_eq(setenv("MIO_BACKEND_DIR", c->dir, 1), 0);
	mt_assert_eq(setenv("MIO_DEBUG", "1", 1), 0);
	fflush(stderr);
	int saved = dup(2);
	int log = open(c->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	mt_assert(saved >= 0 && log >= 0, "redirecting stderr: %s", strerror(errno));
	dup2(log, 2);
	close(log);
	struct mio_poll *poll = NULL;
	int err = mio_poll_new_with_backend(mt_backend(), &poll);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	if (err == 0) {
		mt_assert_str_eq(mio_poll_backend_name(poll), mt_backend());
		mio_poll_free(poll);
	}
	return err;
}

/* Loading the copy is refused with -EPERM, and the MIO_DEBUG output contains why. */
static void
expect_refused(struct copy *c, const char *why)
{
	mt_assert_err(load(c), -EPERM);
	char text[4096] = "";
	FILE *f = fopen(c->log, "r");
	mt_assert(f, "open %s", c->log);
	size_t n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	mt_assert(strstr(text, why), "MIO_DEBUG does not say '%s': %s", why, text);
	copy_remove(c);
}

static void
expect_loads(struct copy *c)
{
	mt_assert_err(load(c), 0);
	copy_remove(c);
}

/* Gives path to uid 65534; skips the test where that is not allowed (not root, or a user
 * namespace that does not map 65534). */
static void
give_away(struct copy *c, const char *path)
{
	if (chown(path, NOBODY, NOBODY) == 0)
		return;
	int e = errno;
	copy_remove(c);
	mt_skip("cannot give a file to uid %d here (euid %u): %s", NOBODY, (unsigned)geteuid(),
		strerror(e));
}

/* The copy itself, as it is: loads (the check does not refuse the normal case). */
MT_TEST(module_perms, private_copy_loads)
{
	struct copy c = copy_new();
	expect_loads(&c);
}

MT_TEST(module_perms, world_writable_module)
{
	struct copy c = copy_new();
	mt_assert_eq(chmod(c.module, 0757), 0);
	expect_refused(&c, "is writable by every user");
}

MT_TEST(module_perms, world_writable_directory)
{
	struct copy c = copy_new();
	mt_assert_eq(chmod(c.dir, 0777), 0);
	expect_refused(&c, "is writable by every user and not sticky");
}

/* A sticky world-writable directory (like /tmp) lets nobody else replace our file. */
MT_TEST(module_perms, sticky_directory_loads)
{
	struct copy c = copy_new();
	mt_assert_eq(chmod(c.dir, 01777), 0);
	expect_loads(&c);
}

/* What a umask of 002 makes: group-writable files and directories. */
MT_TEST(module_perms, group_writable_loads)
{
	struct copy c = copy_new();
	mt_assert_eq(chmod(c.dir, 0775), 0);
	mt_assert_eq(chmod(c.module, 0775), 0);
	expect_loads(&c);
}

MT_TEST(module_perms, module_owned_by_other_user)
{
	struct copy c = copy_new();
	give_away(&c, c.module);
	expect_refused(&c, "is owned by uid 65534");
}

MT_TEST(module_perms, directory_owned_by_other_user)
{
	struct copy c = copy_new();
	give_away(&c, c.dir);
	expect_refused(&c, "is owned by uid 65534");
}

/* A link to the copy, from a directory of its own: the link's own mode (always 0777) does
 * not count, the file it leads to does. */
static void
load_through_link(struct copy *c, int want)
{
	char link_dir[64];
	snprintf(link_dir, sizeof(link_dir), "/tmp/mio-perms-link-XXXXXX");
	mt_assert(mkdtemp(link_dir), "mkdtemp: %s", strerror(errno));
	mt_assert_eq(chmod(link_dir, 0755), 0);
	char link[128];
	snprintf(link, sizeof(link), "%s/mio-%s%s", link_dir, mt_backend(), MT_MODULE_SUFFIX);
	mt_assert_eq(symlink(c->module, link), 0);
	mt_assert_eq(setenv("MIO_BACKEND_DIR", link_dir, 1), 0);
	struct mio_poll *poll = NULL;
	mt_assert_err(mio_poll_new_with_backend(mt_backend(), &poll), want);
	mio_poll_free(poll);
	unlink(link);
	rmdir(link_dir);
	copy_remove(c);
}

MT_TEST(module_perms, link_to_module_loads)
{
	struct copy c = copy_new();
	load_through_link(&c, 0);
}

MT_TEST(module_perms, link_to_world_writable_module)
{
	struct copy c = copy_new();
	mt_assert_eq(chmod(c.module, 0757), 0);
	load_through_link(&c, -EPERM);
}
