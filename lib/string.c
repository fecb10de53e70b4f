/*
 * The generic string and memory functions (see lib/string.h).
 *
 * Written for clarity first: byte loops everywhere except memmove, which
 * copies a word at a time when source and destination share their
 * alignment. memcpy and memset are the architecture's (arch/x86/lib);
 * memmove hands non-overlapping copies to memcpy.
 *
 * The host test build compiles this file a second time with every name
 * prefixed zdk_ (arch/host/tests/string_prefix.h) and compares it with the C
 * library, so nothing here may depend on the kernel.
 */
#include <lib/string.h>
#include <lib/compiler.h>

/* A machine word that may alias any other object (used only by memmove). */
typedef unsigned long __attribute__((may_alias)) word_t;
#define WORD_SIZE	sizeof(word_t)

static void copy_forward(unsigned char *d, const unsigned char *s, size_t n)
{
	/* Words only when both pointers can become aligned together. */
	if ((((uintptr_t)d ^ (uintptr_t)s) & (WORD_SIZE - 1)) == 0) {
		while (n > 0 && !IS_ALIGNED((uintptr_t)d, WORD_SIZE)) {
			*d++ = *s++;
			n--;
		}
		for (; n >= WORD_SIZE; n -= WORD_SIZE) {
			*(word_t *)d = *(const word_t *)s;
			d += WORD_SIZE;
			s += WORD_SIZE;
		}
	}
	while (n-- > 0)
		*d++ = *s++;
}

/* Same, from the last byte down: d and s point one past the end. */
static void copy_backward(unsigned char *d, const unsigned char *s, size_t n)
{
	if ((((uintptr_t)d ^ (uintptr_t)s) & (WORD_SIZE - 1)) == 0) {
		while (n > 0 && !IS_ALIGNED((uintptr_t)d, WORD_SIZE)) {
			*--d = *--s;
			n--;
		}
		for (; n >= WORD_SIZE; n -= WORD_SIZE) {
			d -= WORD_SIZE;
			s -= WORD_SIZE;
			*(word_t *)d = *(const word_t *)s;
		}
	}
	while (n-- > 0)
		*--d = *--s;
}

/*
 * Overlapping copies go in the direction that reads every byte before it
 * is overwritten: forward when the destination is below the source,
 * backward when it is above.
 */
void *memmove(void *dst, const void *src, size_t n)
{
	uintptr_t d = (uintptr_t)dst, s = (uintptr_t)src;

	if (d == s || n == 0)
		return dst;
	if (d + n <= s || s + n <= d)
		return memcpy(dst, src, n);
	if (d < s)
		copy_forward(dst, src, n);
	else
		copy_backward((unsigned char *)dst + n,
			      (const unsigned char *)src + n, n);
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *p = a, *q = b;

	for (size_t i = 0; i < n; i++) {
		if (p[i] != q[i])
			return p[i] < q[i] ? -1 : 1;
	}
	return 0;
}

void *memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;

	for (size_t i = 0; i < n; i++) {
		if (p[i] == (unsigned char)c)
			return (void *)(p + i);
	}
	return NULL;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

/* Characters compare as unsigned char, as the C standard says. */
int strcmp(const char *a, const char *b)
{
	return strncmp(a, b, (size_t)-1);
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char x = a[i], y = b[i];

		if (x != y)
			return x < y ? -1 : 1;
		if (x == '\0')
			break;
	}
	return 0;
}

/* The terminating NUL counts as part of the string: strchr(s, 0) finds it. */
char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (*s == '\0')
			return NULL;
	}
}

char *strrchr(const char *s, int c)
{
	const char *last = NULL;

	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (*s == '\0')
			return (char *)last;
	}
}

char *strstr(const char *haystack, const char *needle)
{
	size_t n = strlen(needle);

	for (; *haystack; haystack++) {
		if (strncmp(haystack, needle, n) == 0)
			return (char *)haystack;
	}
	return n == 0 ? (char *)haystack : NULL;
}

size_t strspn(const char *s, const char *accept)
{
	size_t n = 0;

	while (s[n] && strchr(accept, s[n]))
		n++;
	return n;
}

size_t strcspn(const char *s, const char *reject)
{
	size_t n = 0;

	while (s[n] && !strchr(reject, s[n]))
		n++;
	return n;
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size > 0) {
		size_t copy = len < size - 1 ? len : size - 1;

		memcpy(dst, src, copy);
		dst[copy] = '\0';
	}
	return len;
}
