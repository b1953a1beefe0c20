/* SPDX-License-Identifier: MIT */
/* The allocation counter on macOS. Under two-level namespaces a malloc defined in the
 * test program does not replace libSystem's for libmio or the backends, as it does on
 * ELF; but every malloc() in the process goes through the default malloc zone's function
 * pointers (<malloc/malloc.h>), so those are wrapped instead. Compiled and linked for
 * macOS in CI, never run here: counter_sees_allocations fails if it does not count.
 *
 * It counts without thread-local storage (counting.c's): macOS allocates a thread's TLS
 * lazily with malloc, which would recurse into the wrappers. */
#include "counting-allocator.h"

#include <malloc/malloc.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

static atomic_bool counting;
static pthread_t counting_thread;
static size_t allocations;     /* written by counting_thread only */
static malloc_zone_t original; /* the default zone's functions before wrapping */

static inline void
count(size_t n)
{
	if (atomic_load_explicit(&counting, memory_order_acquire) &&
	    pthread_equal(pthread_self(), counting_thread))
		allocations += n;
}

static void *
counting_malloc(malloc_zone_t *zone, size_t size)
{
	count(1);
	return original.malloc(zone, size);
}

static void *
counting_calloc(malloc_zone_t *zone, size_t n, size_t size)
{
	count(1);
	return original.calloc(zone, n, size);
}

static void *
counting_valloc(malloc_zone_t *zone, size_t size)
{
	count(1);
	return original.valloc(zone, size);
}

static void *
counting_realloc(malloc_zone_t *zone, void *p, size_t size)
{
	count(1);
	return original.realloc(zone, p, size);
}

static void *
counting_memalign(malloc_zone_t *zone, size_t align, size_t size)
{
	count(1);
	return original.memalign(zone, align, size);
}

static unsigned
counting_batch_malloc(malloc_zone_t *zone, size_t size, void **results, unsigned n)
{
	unsigned got = original.batch_malloc(zone, size, results, n);
	count(got);
	return got;
}

/* Wraps the default zone's allocating functions, once. Its page is read-only; it stays
 * writable afterwards, since what else shares the page is unknown. */
static void
install(void)
{
	malloc_zone_t *zone = malloc_default_zone();
	original = *zone;
	uintptr_t page = (uintptr_t)getpagesize();
	uintptr_t start = (uintptr_t)zone & ~(page - 1);
	uintptr_t end = ((uintptr_t)(zone + 1) + page - 1) & ~(page - 1);
	if (mprotect((void *)start, end - start, PROT_READ | PROT_WRITE) != 0)
		return; /* nothing is counted: counter_sees_allocations says so */
	zone->malloc = counting_malloc;
	zone->calloc = counting_calloc;
	zone->valloc = counting_valloc;
	zone->realloc = counting_realloc;
	if (zone->version >= 5 && zone->memalign)
		zone->memalign = counting_memalign;
	if (zone->batch_malloc)
		zone->batch_malloc = counting_batch_malloc;
}

void
alloc_count_start(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, install);
	allocations = 0;
	counting_thread = pthread_self();
	atomic_store_explicit(&counting, true, memory_order_release);
}

size_t
alloc_count_stop(void)
{
	atomic_store_explicit(&counting, false, memory_order_release);
	return allocations;
}
