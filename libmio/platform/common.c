/* SPDX-License-Identifier: MIT */
/* What posix.c and windows.c share. */
#include <errno.h>
#include <string.h>

#include "platform.h"

int
mio__sys_copy_string(const char *s, char *buf, size_t size)
{
	size_t len = strlen(s);
	if (len >= size)
		return -ENAMETOOLONG;
	memcpy(buf, s, len + 1);
	return 0;
}
