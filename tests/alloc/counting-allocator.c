/* SPDX-License-Identifier: MIT */
/* An interposed allocator: the test executable defines malloc and friends, so every
 * allocation in the process (libmio, its dlopen'ed backends, libc) comes through here and
 * is counted while the calling thread has counting switched on. It forwards to glibc's
 * __libc_* entry points, so it cannot miss a call or recurse; elsewhere (musl, which
 * supports replacing malloc) to libc's own functions, found with dlsym(RTLD_NEXT), which
 * does not allocate there. */
#include "counting-allocator.h"

#include <malloc.h>
#include <stdlib.h>

/* Exported from the executable, so the dynamic linker binds every library's calls here
 * (the project builds with -fvisibility=hidden). */
#define INTERPOSE __attribute__((visibility("default")))

#ifdef __GLIBC__
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);
extern void *__libc_memalign(size_t align, size_t size);
extern void __libc_free(void *p);
#define libc_malloc __libc_malloc
#define libc_calloc __libc_calloc
#define libc_realloc __libc_realloc
#define libc_memalign __libc_memalign
#define libc_free __libc_free
#else
#include <dlfcn.h>

/* libc's own function called name, looked up on first use (the same answer in any thread). */
static void *
libc_function(const char *name, void **cache)
{
	if (!*cache)
		*cache = dlsym(RTLD_NEXT, name);
	return *cache;
}

static void *
libc_malloc(size_t size)
{
	static void *cache;
	void *(*fn)(size_t);
	*(void **)&fn = libc_function("malloc", &cache);
	return fn(size);
}

static void *
libc_calloc(size_t n, size_t size)
{
	static void *cache;
	void *(*fn)(size_t, size_t);
	*(void **)&fn = libc_function("calloc", &cache);
	return fn(n, size);
}

static void *
libc_realloc(void *p, size_t size)
{
	static void *cache;
	void *(*fn)(void *, size_t);
	*(void **)&fn = libc_function("realloc", &cache);
	return fn(p, size);
}

static void *
libc_memalign(size_t align, size_t size)
{
	static void *cache;
	void *(*fn)(size_t, size_t);
	*(void **)&fn = libc_function("aligned_alloc", &cache);
	return fn(align, size);
}

static void
libc_free(void *p)
{
	static void *cache;
	void (*fn)(void *);
	*(void **)&fn = libc_function("free", &cache);
	fn(p);
}
#endif

void
alloc_count_start(void)
{
	alloc_count_reset();
}

INTERPOSE void *
malloc(size_t size)
{
	alloc_count_one();
	return libc_malloc(size);
}

INTERPOSE void *
calloc(size_t n, size_t size)
{
	alloc_count_one();
	return libc_calloc(n, size);
}

INTERPOSE void *
realloc(void *p, size_t size)
{
	alloc_count_one();
	return libc_realloc(p, size);
}

INTERPOSE void *
memalign(size_t align, size_t size)
{
	alloc_count_one();
	return libc_memalign(align, size);
}

INTERPOSE void *
aligned_alloc(size_t align, size_t size)
{
	alloc_count_one();
	return libc_memalign(align, size);
}

INTERPOSE int
posix_memalign(void **ret, size_t align, size_t size)
{
	alloc_count_one();
	void *p = libc_memalign(align, size);
	if (!p)
		return 12; /* ENOMEM */
	*ret = p;
	return 0;
}

INTERPOSE void
free(void *p)
{
	libc_free(p);
}
