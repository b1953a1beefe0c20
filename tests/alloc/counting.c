/* SPDX-License-Identifier: MIT */
/* The per-thread allocation counter both allocator files count into. */
#include "counting-allocator.h"

static _Thread_local bool counting;
static _Thread_local size_t allocations;

void
alloc_count_reset(void)
{
	allocations = 0;
	counting = true;
}

void
alloc_count_one(void)
{
	if (counting)
		allocations++;
}

size_t
alloc_count_stop(void)
{
	counting = false;
	return allocations;
}
