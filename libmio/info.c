/* SPDX-License-Identifier: MIT */
/* Introspection (<mio/info.h>): the backend directory's modules as the loader sees them,
 * and the process's default choice. mio-info is a plain consumer of this. */
#include "mio-private.h"
#include "loader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct mio_backend_info {
	char name[MIO_BACKEND_NAME_MAX + 1];
	const struct mio_backend *backend; /* NULL: refused */
	int error;                         /* load error (refused) or probe error */
	char detail[512];
};

struct mio_backend_list {
	size_t len;
	struct mio_backend_info items[];
};

MIO_API int
mio_backend_dir(char *buf, size_t size)
{
	mio_return_val_if_fail(buf, -EINVAL);
	return mio__backend_dir(buf, size);
}

MIO_API void
mio_backend_abi_version(unsigned *ret_major, unsigned *ret_minor)
{
	if (ret_major)
		*ret_major = MIO_BACKEND_ABI_MAJOR;
	if (ret_minor)
		*ret_minor = MIO_BACKEND_ABI_MINOR;
}

/* Loads, checks and probes one module, as the loader would, without caching it. */
static void
inspect(struct mio_backend_info *info, const char *name)
{
	snprintf(info->name, sizeof(info->name), "%.*s", MIO_BACKEND_NAME_MAX, name);
	if (!mio__backend_name_is_valid(name, strlen(name))) {
		info->error = -EINVAL;
		snprintf(info->detail, sizeof(info->detail),
			 "'%s' is not a valid backend name ([a-z0-9_-], at most %d)", name,
			 MIO_BACKEND_NAME_MAX);
		return;
	}
	const struct mio_backend *b;
	info->error = mio__backend_open(name, &b, info->detail, sizeof(info->detail));
	if (info->error < 0)
		return;
	info->backend = b;
	info->error = MIO_BACKEND_HAS(b, probe) ? b->probe() : 0;
}

/* The module names of a directory: <name> of every mio-<name><suffix>, sorted. */
struct names {
	char **v;
	size_t len, capacity;
};

static int
compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
add_module_name(const char *file, void *ctx)
{
	struct names *n = ctx;
	const size_t prefix_len = 4, suffix_len = strlen(MIO_MODULE_SUFFIX);
	size_t len = strlen(file);
	if (len <= prefix_len + suffix_len || strncmp(file, "mio-", prefix_len) != 0 ||
	    strcmp(file + len - suffix_len, MIO_MODULE_SUFFIX) != 0)
		return 0;
	if (n->len == n->capacity) {
		size_t capacity = n->capacity ? 2 * n->capacity : 8;
		char **v = realloc(n->v, capacity * sizeof(*v));
		if (!v)
			return -ENOMEM;
		n->v = v;
		n->capacity = capacity;
	}
	size_t name_len = len - prefix_len - suffix_len;
	if (!(n->v[n->len] = malloc(name_len + 1)))
		return -ENOMEM;
	memcpy(n->v[n->len], file + prefix_len, name_len);
	n->v[n->len++][name_len] = '\0';
	return 0;
}

MIO_API int
mio_backend_list_new(struct mio_backend_list **ret)
{
	mio_return_val_if_fail(ret, -EINVAL);
	char dir[MIO_PATH_MAX];
	int err = mio__backend_dir(dir, sizeof(dir));
	struct names names = { 0 };
	if (err == 0)
		err = mio__sys_dir_each(dir, add_module_name, &names);
	struct mio_backend_list *list = NULL;
	if (err == 0) {
		list = calloc(1, sizeof(*list) + names.len * sizeof(struct mio_backend_info));
		err = list ? 0 : -ENOMEM;
	}
	if (err == 0) {
		qsort(names.v, names.len, sizeof(*names.v), compare_names);
		for (size_t i = 0; i < names.len; i++)
			inspect(&list->items[i], names.v[i]);
		list->len = names.len;
		*ret = list;
	}
	for (size_t i = 0; i < names.len; i++)
		free(names.v[i]);
	free(names.v);
	return err;
}

MIO_API void
mio_backend_list_free(struct mio_backend_list *list)
{
	free(list);
}

MIO_API size_t
mio_backend_list_len(const struct mio_backend_list *list)
{
	return list ? list->len : 0;
}

MIO_API const struct mio_backend_info *
mio_backend_list_get(const struct mio_backend_list *list, size_t i)
{
	return list && i < list->len ? &list->items[i] : NULL;
}

MIO_API const char *
mio_backend_info_name(const struct mio_backend_info *info)
{
	return info ? info->name : NULL;
}

MIO_API enum mio_backend_state
mio_backend_info_state(const struct mio_backend_info *info)
{
	if (!info || !info->backend)
		return MIO_BACKEND_REFUSED;
	return info->error == 0 ? MIO_BACKEND_USABLE : MIO_BACKEND_UNUSABLE;
}

MIO_API int
mio_backend_info_error(const struct mio_backend_info *info)
{
	mio_return_val_if_fail(info, -EINVAL);
	return info->error;
}

MIO_API int
mio_backend_info_abi(const struct mio_backend_info *info, unsigned *ret_major,
		     unsigned *ret_minor)
{
	mio_return_val_if_fail(info, -EINVAL);
	if (!info->backend)
		return -ENOENT;
	if (ret_major)
		*ret_major = info->backend->abi_major;
	if (ret_minor)
		*ret_minor = info->backend->abi_minor;
	return 0;
}

MIO_API int
mio_backend_info_priority(const struct mio_backend_info *info)
{
	return info && info->backend ? info->backend->priority : 0;
}

MIO_API const char *
mio_backend_info_detail(const struct mio_backend_info *info)
{
	return info ? info->detail : "";
}

MIO_API int
mio_backend_default(const char **ret_name, enum mio_backend_reason *ret_reason)
{
	const struct mio_backend *b;
	int err = mio__backend_default(&b);
	if (ret_reason)
		*ret_reason = mio__backend_default_from_env() ? MIO_BACKEND_REASON_ENV
							      : MIO_BACKEND_REASON_PRIORITY;
	if (err < 0)
		return err;
	if (ret_name)
		*ret_name = b->name;
	return 0;
}
