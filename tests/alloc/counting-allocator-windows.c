/* SPDX-License-Identifier: MIT */
/* The allocation counter on Windows. A DLL's calls to malloc are bound to msvcrt.dll by
 * its import table, so an executable cannot interpose them as on ELF. Instead, counting
 * starts by rewriting the import tables of libmio's DLL and of every loaded backend module
 * (mio-*.dll): their malloc, calloc, realloc, _aligned_malloc (msvcrt) and HeapAlloc,
 * HeapReAlloc (kernel32) go through counting wrappers. What Windows itself allocates
 * inside a call (Winsock, ntdll) is not seen, on Wine as on Windows; libmio's and the
 * backends' own allocations are. Modules must be loaded before alloc_count_start(). */
#include "counting-allocator.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>
#include <psapi.h>

static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static void *(*real_aligned_malloc)(size_t, size_t);
static LPVOID(WINAPI *real_heap_alloc)(HANDLE, DWORD, SIZE_T);
static LPVOID(WINAPI *real_heap_realloc)(HANDLE, DWORD, LPVOID, SIZE_T);

static void *
counting_malloc(size_t size)
{
	alloc_count_one();
	return real_malloc(size);
}

static void *
counting_calloc(size_t n, size_t size)
{
	alloc_count_one();
	return real_calloc(n, size);
}

static void *
counting_realloc(void *p, size_t size)
{
	alloc_count_one();
	return real_realloc(p, size);
}

static void *
counting_aligned_malloc(size_t size, size_t align)
{
	alloc_count_one();
	return real_aligned_malloc(size, align);
}

static LPVOID WINAPI
counting_heap_alloc(HANDLE heap, DWORD flags, SIZE_T size)
{
	alloc_count_one();
	return real_heap_alloc(heap, flags, size);
}

static LPVOID WINAPI
counting_heap_realloc(HANDLE heap, DWORD flags, LPVOID p, SIZE_T size)
{
	alloc_count_one();
	return real_heap_realloc(heap, flags, p, size);
}

struct hook {
	const char *name;
	void *wrapper;
	void **real;
};

/* Names only: the wrappers and the slots for the real functions are filled in by
 * init_hooks(), as data pointers (the import table holds them that way). */
static struct hook hooks[] = {
	{ .name = "malloc" }, { .name = "calloc" }, { .name = "realloc" },
	{ .name = "_aligned_malloc" }, { .name = "HeapAlloc" }, { .name = "HeapReAlloc" },
};

static void
set_hook(size_t i, void *wrapper, void **real)
{
	hooks[i].wrapper = wrapper;
	hooks[i].real = real;
}

static void
init_hooks(void)
{
	void *w;
	/* memcpy: function pointer to data pointer without a cast that C leaves undefined. */
#define SET(i, fn, real)                                                                     \
	memcpy(&w, &(void (*)(void)){ (void (*)(void))fn }, sizeof(w));                      \
	set_hook(i, w, (void **)&real)
	SET(0, counting_malloc, real_malloc);
	SET(1, counting_calloc, real_calloc);
	SET(2, counting_realloc, real_realloc);
	SET(3, counting_aligned_malloc, real_aligned_malloc);
	SET(4, counting_heap_alloc, real_heap_alloc);
	SET(5, counting_heap_realloc, real_heap_realloc);
#undef SET
}

/* Rewrites module's import address table entries named in hooks. */
static void
patch_module(HMODULE module)
{
	uint8_t *base = (uint8_t *)module;
	IMAGE_NT_HEADERS *nt = (IMAGE_NT_HEADERS *)(base + ((IMAGE_DOS_HEADER *)base)->e_lfanew);
	IMAGE_DATA_DIRECTORY dir = nt->OptionalHeader.DataDirectory[IMAGE_DIRECTORY_ENTRY_IMPORT];
	if (!dir.VirtualAddress)
		return;
	for (IMAGE_IMPORT_DESCRIPTOR *d = (void *)(base + dir.VirtualAddress); d->Name; d++) {
		IMAGE_THUNK_DATA *names = (void *)(base + d->OriginalFirstThunk);
		IMAGE_THUNK_DATA *slots = (void *)(base + d->FirstThunk);
		for (; names->u1.AddressOfData; names++, slots++) {
			if (IMAGE_SNAP_BY_ORDINAL(names->u1.Ordinal))
				continue;
			const char *fn = ((IMAGE_IMPORT_BY_NAME *)(base + names->u1.AddressOfData))->Name;
			for (size_t i = 0; i < sizeof(hooks) / sizeof(hooks[0]); i++) {
				void *current = (void *)(uintptr_t)slots->u1.Function;
				if (strcmp(fn, hooks[i].name) != 0 || current == hooks[i].wrapper)
					continue;
				*hooks[i].real = current;
				DWORD old;
				VirtualProtect(&slots->u1.Function, sizeof(void *), PAGE_READWRITE, &old);
				slots->u1.Function = (uintptr_t)hooks[i].wrapper;
				VirtualProtect(&slots->u1.Function, sizeof(void *), old, &old);
			}
		}
	}
}

/* libmio's DLL and the backend modules: the code whose allocations the test is about. */
static bool
is_mio_module(const char *path)
{
	const char *name = strrchr(path, '\\');
	name = name ? name + 1 : path;
	return strncmp(name, "libmio", 6) == 0 || strncmp(name, "mio-", 4) == 0;
}

static void
patch_loaded_modules(void)
{
	HMODULE modules[512];
	DWORD bytes = 0;
	if (!K32EnumProcessModules(GetCurrentProcess(), modules, sizeof(modules), &bytes))
		return;
	for (DWORD i = 0; i < bytes / sizeof(HMODULE) && i < 512; i++) {
		char path[MAX_PATH];
		if (GetModuleFileNameA(modules[i], path, sizeof(path)) && is_mio_module(path))
			patch_module(modules[i]);
	}
}

void
alloc_count_start(void)
{
	if (!hooks[0].wrapper)
		init_hooks();
	patch_loaded_modules();
	alloc_count_reset();
}
