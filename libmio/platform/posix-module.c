/* SPDX-License-Identifier: MIT */
/* POSIX loadable modules (platform.h): who may have replaced the file, then dlopen(), and
 * why it failed. */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "platform.h"

/* Code we load must not be replaceable by other users (OpenSSH's StrictModes idea): the
 * module and the directory holding it belong to root or to the effective user, and neither
 * they nor any directory above is writable by every user, unless it is a sticky directory
 * (/tmp), where only an entry's owner may replace it. Group-writable is fine: a umask of
 * 002 makes whole trees so. The owner of directories above the module's own is not asked:
 * a build tree in a checkout owned by another uid (a container running as root on a
 * mounted checkout) still loads. */
static int
check_replaceable(const char *what, const char *path, const struct stat *st, bool own,
		  char *msg, size_t size)
{
	if (own && st->st_uid != 0 && st->st_uid != geteuid()) {
		snprintf(msg, size, "%s %s is owned by uid %u, neither root nor the effective "
			 "user (uid %u)", what, path, (unsigned)st->st_uid, (unsigned)geteuid());
		return -EPERM;
	}
	bool sticky_dir = S_ISDIR(st->st_mode) && (st->st_mode & S_ISVTX);
	if ((st->st_mode & S_IWOTH) && !sticky_dir) {
		snprintf(msg, size, "%s %s is writable by every user%s", what, path,
			 S_ISDIR(st->st_mode) ? " and not sticky" : "");
		return -EPERM;
	}
	return 0;
}

/* The directories of resolved (absolute, without links), from its own up to "/". */
static int
check_directories(const char *resolved, char *msg, size_t size)
{
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s", resolved);
	for (bool own = true;; own = false) {
		char *slash = strrchr(dir, '/');
		if (!slash)
			return 0;
		if (slash == dir)
			slash[1] = '\0'; /* "/" itself */
		else
			*slash = '\0';
		struct stat st;
		if (stat(dir, &st) < 0) {
			int err = -errno;
			snprintf(msg, size, "%s: %s", dir, strerror(errno));
			return err;
		}
		int err = check_replaceable("directory", dir, &st, own, msg, size);
		if (err < 0 || strcmp(dir, "/") == 0)
			return err;
	}
}

/* The file itself: opened (O_NONBLOCK: a FIFO must not hang us) for the errno of the common
 * failures dlopen() would not tell (missing, unreadable, out of fds or memory), then its
 * type, owner and mode. */
static int
check_file(const char *path, char *msg, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		int err = -errno;
		snprintf(msg, size, "%s: %s", path, strerror(errno));
		return err;
	}
	struct stat st;
	int err = fstat(fd, &st) < 0 ? -errno : 0;
	close(fd);
	if (err < 0) {
		snprintf(msg, size, "%s: %s", path, strerror(-err));
		return err;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(msg, size, "%s: not a regular file", path);
		return -ENOEXEC;
	}
	return check_replaceable("module", path, &st, true, msg, size);
}

/* Why dlopen() failed, where that matters to the caller: out of fds or memory (try again
 * later) rather than a file that will never load. glibc's dlopen() restores errno, but its
 * message ends in ": " and strerror() of the call that failed, so that text is compared
 * with this process's own strerror() of each such cause (musl's message ends the same way). */
static int
dlopen_cause(const char *msg)
{
	static const int transient[] = { EMFILE, ENFILE, ENOMEM };
	size_t len = strlen(msg);
	for (size_t i = 0; i < sizeof(transient) / sizeof(transient[0]); i++) {
		const char *text = strerror(transient[i]);
		size_t n = strlen(text);
		if (len >= n + 2 && strcmp(msg + len - n, text) == 0 &&
		    memcmp(msg + len - n - 2, ": ", 2) == 0)
			return -transient[i];
	}
	return -ENOEXEC;
}

/* Links are resolved first: the checks are of the file and directories really used, and
 * dlopen() gets that same path, so no link can be switched in between. */
void *
mio__sys_module_open(const char *path, int *err, char *msg, size_t msg_size)
{
	char resolved[PATH_MAX];
	if (!realpath(path, resolved)) {
		*err = -errno;
		snprintf(msg, msg_size, "%s: %s", path, strerror(errno));
		return NULL;
	}
	*err = check_file(resolved, msg, msg_size);
	if (*err == 0)
		*err = check_directories(resolved, msg, msg_size);
	if (*err < 0)
		return NULL;
	/* RTLD_NODELETE: modules are never unloaded, so stacks stay symbolized. */
	void *h = dlopen(resolved, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
	if (!h) {
		const char *e = dlerror();
		*err = e ? dlopen_cause(e) : -ENOEXEC;
		snprintf(msg, msg_size, "%s", e ? e : "dlopen failed");
	}
	return h;
}

void *
mio__sys_module_symbol(void *module, const char *symbol)
{
	return dlsym(module, symbol);
}
