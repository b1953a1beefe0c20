/* SPDX-License-Identifier: MIT */
#ifndef COUNTING_ALLOCATOR_H
#define COUNTING_ALLOCATOR_H

#include <stdbool.h>
#include <stddef.h>

/* Counts the calling thread's heap allocations between start and stop
 * (counting-allocator.c on ELF, counting-allocator-windows.c on Windows,
 * counting-allocator-darwin.c on macOS). */
void alloc_count_start(void);
size_t alloc_count_stop(void);

/* counting.c, for the two allocator files: the calling thread's counter. */
/* Zeroes the counter and starts counting. */
void alloc_count_reset(void);
/* One allocation, counted if the thread is counting. */
void alloc_count_one(void);

#endif
