/* SPDX-License-Identifier: MIT */
/* mio::net::SocketAddr for Unix sockets: building and classifying struct mio_unix_addr. */
#include "net-private.h"

#include <string.h>

#define SUN_PATH_OFFSET offsetof(struct sockaddr_un, sun_path)
#define SUN_PATH_SIZE sizeof(((struct sockaddr_un *)0)->sun_path)

MIO_API int
mio_unix_addr_from_pathname(const char *path, struct mio_unix_addr *ret)
{
	mio_return_val_if_fail(path && ret, -EINVAL);
	size_t n = strlen(path);
	mio_return_val_if_fail(n > 0 && n < SUN_PATH_SIZE, -EINVAL);
	memset(ret, 0, sizeof(*ret));
	ret->addr.sun_family = AF_UNIX;
	memcpy(ret->addr.sun_path, path, n + 1);
	ret->len = (socklen_t)(SUN_PATH_OFFSET + n + 1);
	return 0;
}

MIO_API int
mio_unix_addr_from_abstract(const void *name, size_t name_len, struct mio_unix_addr *ret)
{
	mio_return_val_if_fail((name || name_len == 0) && ret, -EINVAL);
	mio_return_val_if_fail(name_len < SUN_PATH_SIZE, -EINVAL);
#ifdef __linux__
	memset(ret, 0, sizeof(*ret));
	ret->addr.sun_family = AF_UNIX;
	if (name_len)
		memcpy(ret->addr.sun_path + 1, name, name_len);
	ret->len = (socklen_t)(SUN_PATH_OFFSET + 1 + name_len);
	return 0;
#else
	/* No abstract namespace: a leading NUL would name an odd path, not this. */
	return -ENOTSUP;
#endif
}

MIO_API enum mio_unix_addr_kind
mio_unix_addr_kind(const struct mio_unix_addr *addr)
{
	if (!addr || addr->len <= SUN_PATH_OFFSET)
		return MIO_UNIX_ADDR_UNNAMED;
	if (addr->addr.sun_path[0] == '\0') {
#ifdef __linux__
		return MIO_UNIX_ADDR_ABSTRACT;
#else
		return MIO_UNIX_ADDR_UNNAMED;
#endif
	}
	return MIO_UNIX_ADDR_PATHNAME;
}

/* The bytes of sun_path that addr's length covers (clamped to sun_path). */
static size_t
sun_path_len(const struct mio_unix_addr *addr)
{
	size_t n = addr->len - SUN_PATH_OFFSET;
	return n < SUN_PATH_SIZE ? n : SUN_PATH_SIZE;
}

MIO_API const char *
mio_unix_addr_pathname(const struct mio_unix_addr *addr, size_t *ret_len)
{
	if (mio_unix_addr_kind(addr) != MIO_UNIX_ADDR_PATHNAME)
		return NULL;
	if (ret_len)
		*ret_len = strnlen(addr->addr.sun_path, sun_path_len(addr));
	return addr->addr.sun_path;
}

MIO_API const void *
mio_unix_addr_abstract(const struct mio_unix_addr *addr, size_t *ret_len)
{
	if (mio_unix_addr_kind(addr) != MIO_UNIX_ADDR_ABSTRACT)
		return NULL;
	if (ret_len)
		*ret_len = sun_path_len(addr) - 1;
	return addr->addr.sun_path + 1;
}
