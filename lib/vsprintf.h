/*
 * vsnprintf and friends: the kernel's only formatter.
 *
 * Supported: %d %i %u %x %X %o %c %s %p %% with the flags '-' '0' '+' ' '
 * '#', field width and precision (also as '*'), and the length modifiers
 * hh h l ll z t j. Pointer extensions:
 *   %p   the pointer in hex, 0x-prefixed, 16 digits
 *   %pS  symbol+offset/size of a kernel text address (kallsyms), else hex
 *   %ps  symbol name only
 * Floating point is not supported (the kernel has no FPU state).
 * Returns the length the full output would have (C99 semantics); the
 * buffer is always NUL-terminated when size > 0.
 */
#ifndef LIB_VSPRINTF_H
#define LIB_VSPRINTF_H

#include <stdarg.h>
#include <lib/compiler.h>

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
__printf(3, 4) int snprintf(char *buf, size_t size, const char *fmt, ...);
/* Like vsnprintf but returns the number of characters actually written. */
int vscnprintf(char *buf, size_t size, const char *fmt, va_list ap);
__printf(3, 4) int scnprintf(char *buf, size_t size, const char *fmt, ...);

#endif /* LIB_VSPRINTF_H */
