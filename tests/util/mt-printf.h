/* SPDX-License-Identifier: MIT */
/* MT_PRINTF: printf-style checking of the C99 formats the tests use (%zu...). Apart from
 * mt.h for programs that have no test runner (the fuzz). */
#ifndef MT_PRINTF_H
#define MT_PRINTF_H

/* mingw's printf family is gnu_printf with __USE_MINGW_ANSI_STDIO, while plain "printf"
 * means msvcrt's there. */
#if defined(__MINGW32__)
#define MT_PRINTF(fmt, args) __attribute__((format(gnu_printf, fmt, args)))
#else
#define MT_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#endif

#endif
