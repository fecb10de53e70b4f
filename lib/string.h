/*
 * String and memory functions with the C library's names and meanings.
 *
 * memcpy/memset/memmove come from the platform (arch/x86/lib: `rep movsb`
 * when CPUID says ERMS is fast, else `rep movsq` plus tail); the rest are
 * generic (lib/string.c). Prototypes are exactly the standard ones so the
 * compiler's builtins and the host's C library agree with them.
 */
#ifndef LIB_STRING_H
#define LIB_STRING_H

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *s, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);

size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
char *strstr(const char *haystack, const char *needle);
size_t strspn(const char *s, const char *accept);
size_t strcspn(const char *s, const char *reject);
/* Copies at most size-1 bytes, always terminates; returns strlen(src). */
size_t strlcpy(char *dst, const char *src, size_t size);

#endif /* LIB_STRING_H */
