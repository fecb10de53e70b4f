/*
 * Forced into lib/string.c (gcc -include) when the host build compiles it
 * as build/host/string_under_test.o: every function that file defines gets
 * a zdk_ prefix, so it links beside the C library's own and
 * arch/host/tests/string_diff_test.c can compare the two on random inputs.
 * memcpy and memset are not renamed: on the host they are the C library's.
 */
#ifndef TESTS_HOST_STRING_PREFIX_H
#define TESTS_HOST_STRING_PREFIX_H

#define memmove		zdk_memmove
#define memcmp		zdk_memcmp
#define memchr		zdk_memchr
#define strlen		zdk_strlen
#define strnlen		zdk_strnlen
#define strcmp		zdk_strcmp
#define strncmp		zdk_strncmp
#define strchr		zdk_strchr
#define strrchr		zdk_strrchr
#define strstr		zdk_strstr
#define strspn		zdk_strspn
#define strcspn		zdk_strcspn
#define strlcpy		zdk_strlcpy

#endif /* TESTS_HOST_STRING_PREFIX_H */
