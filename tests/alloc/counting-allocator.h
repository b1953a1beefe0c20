/* SPDX-License-Identifier: MIT */
#ifndef COUNTING_ALLOCATOR_H
#define COUNTING_ALLOCATOR_H

#include <stdbool.h>
#include <stddef.h>

/* Counts the calling thread's heap allocations between start and stop. */
void alloc_count_start(void);
size_t alloc_count_stop(void);

#endif
