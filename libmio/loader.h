/* SPDX-License-Identifier: MIT */
/* Loader internals shared with the introspection API (info.c). */
#ifndef MIO_LOADER_H
#define MIO_LOADER_H

#include "mio-private.h"

#define MIO_BACKEND_NAME_MAX 32
/* Longest MIO_BACKEND value read: far more names than there are backends. */
#define MIO_BACKEND_LIST_MAX 1024
/* Longest backend directory or module path. */
#define MIO_PATH_MAX 4096

bool mio__backend_name_is_valid(const char *name, size_t len);
/* The directory modules are loaded from, copied into buf: MIO_BACKEND_DIR (absolute only,
 * else -EINVAL) or the platform's (mio__sys_backend_dir()). */
int mio__backend_dir(char *buf, size_t size);
/* Opens <dir>/mio-<name> and checks its descriptor, without probing or caching.
 * msg receives what happened, in words. */
int mio__backend_open(const char *name, const struct mio_backend **ret, char *msg, size_t size);
/* True when list is MIO_BACKEND's syntax: names, comma-separated; *ret_count names. */
bool mio__backend_list_is_valid(const char *list, size_t *ret_count);
/* Whether the process's default backend (mio__backend_default) came from MIO_BACKEND. */
bool mio__backend_default_from_env(void);
/* The first usable backend of a comma list (MIO_BACKEND's syntax). */
int mio__backend_choose(const char *list, const struct mio_backend **ret);

#endif
