/* SPDX-License-Identifier: MIT */
/* Operation sequences from a seed (splitmix64: the same on every platform), and their text. */
#include "fuzz.h"
#include "fuzz-os.h"

#include <stdio.h>

static uint64_t
next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* How often each operation comes, out of the sum. */
static const uint8_t weight[FUZZ_OP_TYPES] = {
	[FUZZ_CREATE] = 8,   [FUZZ_CLOSE] = 3,      [FUZZ_REGISTER] = 10,
	[FUZZ_REREGISTER] = 6, [FUZZ_DEREGISTER] = 4, [FUZZ_READ] = 10,
	[FUZZ_DRAIN] = 5,    [FUZZ_WRITE] = 12,     [FUZZ_FILL] = 2,
	[FUZZ_SHUTDOWN] = 2, [FUZZ_WAKE] = 4,       [FUZZ_POLL] = 14,
	[FUZZ_POLL_SMALL] = 4, [FUZZ_CLOSED_NUMBER] = 2, [FUZZ_UNPOLLABLE] = 1,
};

static const uint32_t sizes[] = { 1, 7, 100, 1000, 4096, 16384, 65536 };

void
fuzz_generate(uint64_t seed, struct fuzz_op *ops, size_t n)
{
	unsigned total = 0;
	for (int t = 0; t < FUZZ_OP_TYPES; t++)
		total += weight[t];
	uint64_t state = seed;
	for (size_t i = 0; i < n; i++) {
		uint64_t r = next(&state);
		unsigned pick = (unsigned)(r % total);
		uint8_t type = 0;
		while (pick >= weight[type])
			pick -= weight[type++];
		r = next(&state);
		ops[i] = (struct fuzz_op){
			.type = type,
			.slot = (uint8_t)(r % FUZZ_SLOTS),
			.end = (uint8_t)((r >> 8) & 1),
			.arg = (uint8_t)(r >> 16),
			.size = sizes[(r >> 24) % (sizeof(sizes) / sizeof(sizes[0]))],
		};
	}
}

static const char *const interest_name[3] = { "R", "W", "R|W" };
static const char *const how_name[3] = { "read", "write", "both" };
static const char *const closed_name[3] = { "register", "reregister", "deregister" };

void
fuzz_format(const struct fuzz_op *op, char *buf, size_t size)
{
	unsigned s = op->slot, e = op->end;
	switch (op->type) {
	case FUZZ_CREATE:
		snprintf(buf, size, "create %u: %s", s, fuzz_kinds[op->arg % fuzz_kind_count].name);
		break;
	case FUZZ_CLOSE:
		snprintf(buf, size, "mio_close %u.%u", s, e);
		break;
	case FUZZ_REGISTER:
	case FUZZ_REREGISTER:
		snprintf(buf, size, "%s %u.%u %s", op->type == FUZZ_REGISTER ? "register" :
			 "reregister", s, e, interest_name[op->arg % 3]);
		break;
	case FUZZ_DEREGISTER:
		snprintf(buf, size, "deregister %u.%u", s, e);
		break;
	case FUZZ_READ:
		snprintf(buf, size, "read %u.%u %u bytes", s, e, (unsigned)op->size);
		break;
	case FUZZ_DRAIN:
		snprintf(buf, size, "drain %u.%u", s, e);
		break;
	case FUZZ_WRITE:
		snprintf(buf, size, "write %u.%u %u bytes", s, e, (unsigned)op->size);
		break;
	case FUZZ_FILL:
		snprintf(buf, size, "fill %u.%u", s, e);
		break;
	case FUZZ_SHUTDOWN:
		snprintf(buf, size, "shutdown %u.%u %s", s, e, how_name[op->arg % 3]);
		break;
	case FUZZ_WAKE:
		snprintf(buf, size, "wake");
		break;
	case FUZZ_POLL:
		snprintf(buf, size, "poll");
		break;
	case FUZZ_POLL_SMALL:
		snprintf(buf, size, "poll with room for %u", 1u + op->arg % 3);
		break;
	case FUZZ_CLOSED_NUMBER:
		snprintf(buf, size, "%s of the closed number of %u.%u", closed_name[op->arg % 3], s,
			 e);
		break;
	case FUZZ_UNPOLLABLE:
		snprintf(buf, size, "register %s", fuzz_os_unpollable_name);
		break;
	default:
		snprintf(buf, size, "unknown op %u", op->type);
	}
}
