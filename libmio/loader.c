/* SPDX-License-Identifier: MIT */
/* The backend loader: MIO_BACKEND / MIO_BACKEND_DIR parsing, module loading and checking,
 * the process-wide choice. Every module is loaded at most once and never unloaded. */
#include "mio-private.h"
#include "loader.h"

#include <stdio.h>
#include <string.h>

#define MAX_MODULES 16

/* Modules that loaded and probed; at most a handful exist. */
struct module {
	char name[MIO_BACKEND_NAME_MAX + 1];
	const struct mio_backend *backend;
};

static mio__sys_mutex lock = MIO__SYS_MUTEX_INIT;
static struct module modules[MAX_MODULES];
static size_t n_modules;

bool
mio__backend_name_is_valid(const char *name, size_t len)
{
	if (len == 0 || len > MIO_BACKEND_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
			return false;
	}
	return true;
}

int
mio__backend_dir(char *buf, size_t size)
{
	int err = mio__sys_getenv("MIO_BACKEND_DIR", buf, size);
	if (err == -ENOENT)
		return mio__sys_backend_dir(buf, size);
	if (err < 0)
		return err;
	if (!mio__sys_path_is_absolute(buf)) {
		mio__debug("MIO_BACKEND_DIR='%s' refused: not an absolute path", buf);
		return -EINVAL;
	}
	return 0;
}

/* The smallest descriptor of ABI 2.0: every member up to forget. */
#define DESCRIPTOR_SIZE_2_0                                                                  \
	(offsetof(struct mio_backend, forget) + sizeof(((struct mio_backend *)0)->forget))

/* Checks a descriptor against the core's ABI; -ENOEXEC with the reason in msg. */
static int
check_descriptor(const struct mio_backend *b, const char *name, char *msg, size_t size)
{
	if (!b) {
		snprintf(msg, size, "entry returned no descriptor");
		return -ENOEXEC;
	}
	if (b->abi_major != MIO_BACKEND_ABI_MAJOR) {
		snprintf(msg, size, "ABI %u.%u, this libmio needs %u.x", b->abi_major,
			 b->abi_minor, MIO_BACKEND_ABI_MAJOR);
		return -ENOEXEC;
	}
	if (b->size < DESCRIPTOR_SIZE_2_0) {
		snprintf(msg, size, "descriptor too small (%u bytes, ABI 2.0 has %zu)", b->size,
			 (size_t)DESCRIPTOR_SIZE_2_0);
		return -ENOEXEC;
	}
	if (!b->name || strcmp(b->name, name) != 0) {
		snprintf(msg, size, "module calls itself '%s', file says '%s'",
			 b->name ? b->name : "(null)", name);
		return -ENOEXEC;
	}
	if (!b->selector_new || !b->selector_clone || !b->selector_free || !b->select ||
	    !b->register_fd || !b->reregister_fd || !b->deregister_fd || !b->waker_new ||
	    !b->waker_wake || !b->waker_free) {
		snprintf(msg, size, "descriptor lacks a mandatory operation");
		return -ENOEXEC;
	}
	/* The registration map needs a way to re-arm; forget is optional (deregister does). */
	if (mio__backend_emulates(b) && !b->rearm) {
		snprintf(msg, size, "emulates edge triggering without a rearm operation");
		return -ENOEXEC;
	}
	return 0;
}

int
mio__backend_open(const char *name, const struct mio_backend **ret, char *msg, size_t size)
{
	char dir[MIO_PATH_MAX];
	int err = mio__backend_dir(dir, sizeof(dir));
	if (err == -EINVAL) {
		snprintf(msg, size, "MIO_BACKEND_DIR must be an absolute path");
		return err;
	}
	if (err < 0) {
		snprintf(msg, size, "no backend directory: %s", mio_strerror(err));
		return err;
	}
	char path[MIO_PATH_MAX];
	if (snprintf(path, sizeof(path), "%s" MIO__SYS_PATH_SEP "mio-%s" MIO_MODULE_SUFFIX, dir,
		     name) >= (int)sizeof(path)) {
		snprintf(msg, size, "module path too long");
		return -ENAMETOOLONG;
	}

	void *module = mio__sys_module_open(path, &err, msg, size);
	if (!module)
		return err;
	mio_backend_entry_fn entry;
	*(void **)&entry = mio__sys_module_symbol(module, MIO_BACKEND_ENTRY_SYMBOL);
	if (!entry) {
		snprintf(msg, size, "%s: no symbol " MIO_BACKEND_ENTRY_SYMBOL, path);
		return -ENOSYS;
	}
	const struct mio_backend *b = entry(&mio__backend_host);
	err = check_descriptor(b, name, msg, size);
	if (err < 0)
		return err;
	*ret = b;
	snprintf(msg, size, "%s: ABI %u.%u, priority %d", path, b->abi_major, b->abi_minor,
		 b->priority);
	return 0;
}

/* A module that loaded, checked and probed, looked up or added; the caller holds the
 * lock. Failures are not cached (only real modules take a slot) and are tried again. */
static int
module_get_locked(const char *name, const struct mio_backend **ret)
{
	for (size_t i = 0; i < n_modules; i++) {
		if (strcmp(modules[i].name, name) == 0) {
			*ret = modules[i].backend;
			return 0;
		}
	}
	if (n_modules == MAX_MODULES)
		return -ENOSPC;

	const struct mio_backend *b;
	char msg[512];
	int err = mio__backend_open(name, &b, msg, sizeof(msg));
	if (err < 0) {
		mio__debug("backend '%s' refused: %s (%s)", name, msg, mio_strerror(err));
		return err;
	}
	mio__debug("backend '%s' loaded: %s", name, msg);
	err = MIO_BACKEND_HAS(b, probe) ? b->probe() : 0;
	mio__debug("backend '%s' probe: %s", name, err ? mio_strerror(err) : "usable");
	if (err < 0)
		return err;

	struct module *m = &modules[n_modules++];
	snprintf(m->name, sizeof(m->name), "%s", name);
	m->backend = b;
	*ret = b;
	return 0;
}

/* fork() while another thread loads a backend: the child must be able to make a poll of
 * its own, so both loader locks are held across fork() (in the order the loader takes
 * them) and released on both sides. */
static mio__sys_mutex default_lock = MIO__SYS_MUTEX_INIT;

static void
fork_prepare(void)
{
	mio__sys_mutex_lock(&default_lock);
	mio__sys_mutex_lock(&lock);
}

static void
fork_release(void)
{
	mio__sys_mutex_unlock(&lock);
	mio__sys_mutex_unlock(&default_lock);
}

static void
fork_handlers_install(void)
{
	mio__sys_at_fork(fork_prepare, fork_release, fork_release);
}

static mio__sys_once fork_once = MIO__SYS_ONCE_INIT;

int
mio__backend_by_name(const char *name, const struct mio_backend **ret)
{
	mio__sys_call_once(&fork_once, fork_handlers_install);
	if (!mio__backend_name_is_valid(name, strlen(name))) {
		mio__debug("backend name '%s' refused: names match [a-z0-9_-]+", name);
		return -EINVAL;
	}
	mio__sys_mutex_lock(&lock);
	int err = module_get_locked(name, ret);
	mio__sys_mutex_unlock(&lock);
	return err;
}

bool
mio__backend_list_is_valid(const char *list, size_t *ret_count)
{
	size_t count = 0;
	for (const char *p = list;; p++) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (!mio__backend_name_is_valid(p, len)) {
			mio__debug("MIO_BACKEND='%s' refused: '%.*s' is not a backend name "
				   "([a-z0-9_-]+, comma-separated)",
				   list, (int)len, p);
			return false;
		}
		count++;
		if (!end)
			break;
		p = end;
	}
	*ret_count = count;
	return true;
}

int
mio__backend_choose(const char *list, const struct mio_backend **ret)
{
	/* Validate the whole list before loading anything. */
	size_t count;
	if (!mio__backend_list_is_valid(list, &count))
		return -EINVAL;

	/* If none works, report the most telling failure: the first that is not a
	 * missing module (a failed probe says more than a later typo). */
	int err = -ENOENT;
	for (const char *p = list; count--; p += strcspn(p, ",") + 1) {
		char name[MIO_BACKEND_NAME_MAX + 1];
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(p, ","), p);
		int r = mio__backend_by_name(name, ret);
		if (r == 0) {
			mio__debug("chose '%s' from MIO_BACKEND", name);
			return 0;
		}
		if (err == -ENOENT)
			err = r;
	}
	return err;
}

static int
choose_best(const struct mio_backend **ret)
{
	const struct mio_backend *best = NULL;
	int err = -ENOENT;
	char list[] = MIO_BACKENDS;
	for (char *save, *name = strtok_r(list, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
		const struct mio_backend *b;
		int r = mio__backend_by_name(name, &b);
		if (r < 0) {
			err = r;
			continue;
		}
		if (b->priority <= MIO_BACKEND_PRIORITY_NONE)
			continue;
		if (!best || b->priority > best->priority)
			best = b;
	}
	if (!best)
		return err;
	mio__debug("chose '%s' (highest priority that probes)", best->name);
	*ret = best;
	return 0;
}

/* The process's choice, kept once made. A failure is not kept: it may be transient (fds or
 * memory exhausted while loading or probing), so the next mio_poll_new() tries again. */
static _Atomic(const struct mio_backend *) default_backend;
static atomic_int default_from_env = -1; /* of the last choice made or tried; -1: none yet */

static int
resolve_default(const struct mio_backend **ret)
{
	char env[MIO_BACKEND_LIST_MAX];
	int err = mio__sys_getenv("MIO_BACKEND", env, sizeof(env));
	atomic_store(&default_from_env, err != -ENOENT);
	if (err == 0)
		return mio__backend_choose(env, ret);
	if (err == -ENOENT)
		return choose_best(ret);
	return err == -ENAMETOOLONG ? -EINVAL : err;
}

int
mio__backend_default(const struct mio_backend **ret)
{
	const struct mio_backend *b = atomic_load_explicit(&default_backend, memory_order_acquire);
	int err = 0;
	if (mio_unlikely(!b)) {
		mio__sys_call_once(&fork_once, fork_handlers_install);
		mio__sys_mutex_lock(&default_lock);
		b = atomic_load_explicit(&default_backend, memory_order_relaxed);
		if (!b && (err = resolve_default(&b)) == 0)
			atomic_store_explicit(&default_backend, b, memory_order_release);
		mio__sys_mutex_unlock(&default_lock);
	}
	if (err == 0)
		*ret = b;
	return err;
}

bool
mio__backend_default_from_env(void)
{
	if (atomic_load(&default_from_env) < 0) {
		const struct mio_backend *b;
		mio__backend_default(&b);
	}
	return atomic_load(&default_from_env) == 1;
}
