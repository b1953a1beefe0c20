/* SPDX-License-Identifier: MIT */
/* An interposed allocator: the test executable defines malloc and friends, so every
 * allocation in the process (libmio, its dlopen'ed backends, libc) comes through here and
 * is counted while the calling thread has counting switched on. It forwards to glibc's
 * __libc_* entry points, so it cannot miss a call or recurse. */
#include "counting-allocator.h"

#include <malloc.h>
#include <stdlib.h>

/* Exported from the executable, so the dynamic linker binds every library's calls here
 * (the project builds with -fvisibility=hidden). */
#define INTERPOSE __attribute__((visibility("default")))

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);
extern void *__libc_memalign(size_t align, size_t size);
extern void __libc_free(void *p);

void
alloc_count_start(void)
{
	alloc_count_reset();
}

INTERPOSE void *
malloc(size_t size)
{
	alloc_count_one();
	return __libc_malloc(size);
}

INTERPOSE void *
calloc(size_t n, size_t size)
{
	alloc_count_one();
	return __libc_calloc(n, size);
}

INTERPOSE void *
realloc(void *p, size_t size)
{
	alloc_count_one();
	return __libc_realloc(p, size);
}

INTERPOSE void *
memalign(size_t align, size_t size)
{
	alloc_count_one();
	return __libc_memalign(align, size);
}

INTERPOSE void *
aligned_alloc(size_t align, size_t size)
{
	alloc_count_one();
	return __libc_memalign(align, size);
}

INTERPOSE int
posix_memalign(void **ret, size_t align, size_t size)
{
	alloc_count_one();
	void *p = __libc_memalign(align, size);
	if (!p)
		return 12; /* ENOMEM */
	*ret = p;
	return 0;
}

INTERPOSE void
free(void *p)
{
	__libc_free(p);
}
