/* SPDX-License-Identifier: MIT */
/* POSIX directory listing for platform.h (the backend directory, for mio_backend_list_new). */
#include "config.h"

#include <dirent.h>
#include <errno.h>

#include "platform.h"

int
mio__sys_dir_each(const char *dir, int (*fn)(const char *name, void *ctx), void *ctx)
{
	DIR *d = opendir(dir);
	if (!d)
		return -errno;
	int r = 0;
	for (struct dirent *e; r >= 0 && (e = readdir(d));)
		r = fn(e->d_name, ctx);
	closedir(d);
	return r < 0 ? r : 0;
}
