/*
 * Host build: the host's C library (glibc before 2.38) has no strlcpy,
 * which lib/string.h promises and generic code may call. Supply it from
 * the implementation under test, lib/string.c built as zdk_strlcpy.
 */
#include <lib/string.h>

size_t zdk_strlcpy(char *dst, const char *src, size_t size);

size_t strlcpy(char *dst, const char *src, size_t size)
{
	return zdk_strlcpy(dst, src, size);
}
