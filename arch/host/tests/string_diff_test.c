/*
 * arch.host.string_diff: lib/string.c against the host's C library.
 *
 * build/host/string_under_test.o is lib/string.c compiled with every name
 * prefixed zdk_ (arch/host/tests/string_prefix.h). Each case feeds the same
 * random inputs to zdk_X and to the C library's X and expects the same
 * answer (for comparisons: the same sign). Inputs live in heap blocks of
 * exactly their size, so AddressSanitizer catches a read past the end.
 * The generator is seeded with a constant, so a failure repeats.
 *
 * glibc (before 2.38) has no strlcpy; zdk_strlcpy is compared with a
 * reference written here from its definition.
 */
#include <stdlib.h>
#include <string.h>

#include <lib/ktest.h>

void *zdk_memmove(void *dst, const void *src, size_t n);
int zdk_memcmp(const void *a, const void *b, size_t n);
void *zdk_memchr(const void *s, int c, size_t n);
size_t zdk_strlen(const char *s);
size_t zdk_strnlen(const char *s, size_t max);
int zdk_strcmp(const char *a, const char *b);
int zdk_strncmp(const char *a, const char *b, size_t n);
char *zdk_strchr(const char *s, int c);
char *zdk_strrchr(const char *s, int c);
char *zdk_strstr(const char *haystack, const char *needle);
size_t zdk_strspn(const char *s, const char *accept);
size_t zdk_strcspn(const char *s, const char *reject);
size_t zdk_strlcpy(char *dst, const char *src, size_t size);

#define ROUNDS	20000

/* xorshift64*: small, fast, and the same sequence on every run. */
static uint64_t rng_state;

static void rng_seed(uint64_t seed)
{
	rng_state = seed;
}

static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

/* Uniform-enough in [0, n). */
static size_t rng_below(size_t n)
{
	return (size_t)(rng() % n);
}

/*
 * A small alphabet makes equal prefixes and matches common; it includes
 * bytes above 0x7f, where signed-char bugs show.
 */
static const char alphabet[] = "ab\x80\xff";

static char rng_char(void)
{
	return alphabet[rng_below(sizeof(alphabet) - 1)];
}

/* A NUL-terminated random string of length len in a block of len + 1. */
static char *rng_string(size_t len)
{
	char *s = malloc(len + 1);

	for (size_t i = 0; i < len; i++)
		s[i] = rng_char();
	s[len] = '\0';
	return s;
}

/* n random bytes from the alphabet and NUL, in a block of exactly n. */
static unsigned char *rng_bytes(size_t n)
{
	unsigned char *p = malloc(n ? n : 1);

	for (size_t i = 0; i < n; i++)
		p[i] = rng_below(5) ? (unsigned char)rng_char() : 0;
	return p;
}

/* Stop a loop at its first failure rather than report thousands. */
static bool passing(const struct ktest *t)
{
	return t->status != KTEST_FAIL;
}

static int sign(int x)
{
	return (x > 0) - (x < 0);
}

/* A character to search for: alphabet, NUL, absent, or out of range. */
static int rng_search_char(void)
{
	static const int choices[] = { 'a', 'b', 0x80, 0xff, 0, 'z', 0x100 + 'a', -1 };

	return choices[rng_below(ARRAY_SIZE(choices))];
}

static void memmove_matches_libc(struct ktest *t)
{
	enum { SIZE = 300 };
	unsigned char *mine = malloc(SIZE), *theirs = malloc(SIZE);

	rng_seed(1);
	for (int r = 0; r < ROUNDS && passing(t); r++) {
		size_t n = rng_below(SIZE / 2);
		size_t from = rng_below(SIZE - n + 1), to = rng_below(SIZE - n + 1);

		for (size_t i = 0; i < SIZE; i++)
			mine[i] = theirs[i] = (unsigned char)rng();
		EXPECT_TRUE(t, zdk_memmove(mine + to, mine + from, n) == mine + to);
		memmove(theirs + to, theirs + from, n);
		if (memcmp(mine, theirs, SIZE) != 0) {
			ktest_fail(t, "memmove n=%zu from %zu to %zu differs", n, from, to);
			break;
		}
	}
	free(mine);
	free(theirs);
}

static void memcmp_matches_libc(struct ktest *t)
{
	rng_seed(2);
	for (int r = 0; r < ROUNDS && passing(t); r++) {
		size_t n = rng_below(12);
		unsigned char *a = rng_bytes(n), *b = rng_bytes(n);

		/* Mostly equal prefixes, so the decision comes late. */
		if (n && rng_below(2))
			memcpy(b, a, rng_below(n + 1));
		if (sign(zdk_memcmp(a, b, n)) != sign(memcmp(a, b, n)))
			ktest_fail(t, "memcmp n=%zu: %d vs %d", n,
				   zdk_memcmp(a, b, n), memcmp(a, b, n));
		free(a);
		free(b);
	}
}

static void memchr_matches_libc(struct ktest *t)
{
	rng_seed(3);
	for (int r = 0; r < ROUNDS && passing(t); r++) {
		size_t n = rng_below(20);
		unsigned char *p = rng_bytes(n);
		int c = rng_search_char();

		if (zdk_memchr(p, c, n) != memchr(p, c, n))
			ktest_fail(t, "memchr n=%zu c=%#x", n, c);
		free(p);
	}
}

static void strlen_strnlen_match_libc(struct ktest *t)
{
	rng_seed(4);
	for (int r = 0; r < ROUNDS && passing(t); r++) {
		size_t len = rng_below(40), max = rng_below(50);
		char *s = rng_string(len);

		EXPECT_EQ(t, zdk_strlen(s), strlen(s));
		/* strnlen may not look past max or past the NUL. */
		EXPECT_EQ(t, zdk_strnlen(s, max), strnlen(s, max));
		free(s);
	}
}

static void strcmp_strncmp_match_libc(struct ktest *t)
{
	rng_seed(5);
	for (int r = 0; r < ROUNDS && passing(t); r++) {
		char *a = rng_string(rng_below(8)), *b = rng_string(rng_below(8));
		size_t n = rng_below(10);

		if (sign(zdk_strcmp(a, b)) != sign(strcmp(a, b)))
			ktest_fail(t, "strcmp(\"%s\", \"%s\")", a, b);
		if (sign(zdk_strncmp(a, b, n)) != sign(strncmp(a, b, n)))
			ktest_fail(t, "strncmp(\"%s\", \"%s\", %zu)", a, b, n);
		free(a);
		free(b);
	}
}

static void strchr_strrchr_match_libc(struct ktest *t)
{
	rng_seed(6);
	for (int r = 0; r < ROUNDS && passing(t); r++) {
		char *s = rng_string(rng_below(20));
		int c = rng_search_char();

		if (zdk_strchr(s, c) != strchr(s, c))
			ktest_fail(t, "strchr(\"%s\", %#x)", s, c);
		if (zdk_strrchr(s, c) != strrchr(s, c))
			ktest_fail(t, "strrchr(\"%s\", %#x)", s, c);
		free(s);
	}
}

static void strstr_matches_libc(struct ktest *t)
{
	rng_seed(7);
	for (int r = 0; r < ROUNDS && passing(t); r++) {
		char *h = rng_string(rng_below(20)), *n = rng_string(rng_below(5));

		if (zdk_strstr(h, n) != strstr(h, n))
			ktest_fail(t, "strstr(\"%s\", \"%s\")", h, n);
		free(h);
		free(n);
	}
}

static void strspn_strcspn_match_libc(struct ktest *t)
{
	rng_seed(8);
	for (int r = 0; r < ROUNDS && passing(t); r++) {
		char *s = rng_string(rng_below(20)), *set = rng_string(rng_below(4));

		EXPECT_EQ(t, zdk_strspn(s, set), strspn(s, set));
		EXPECT_EQ(t, zdk_strcspn(s, set), strcspn(s, set));
		free(s);
		free(set);
	}
}

/* strlcpy by its definition: copy what fits, terminate, report strlen(src). */
static size_t reference_strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = len < size ? len : size - 1;

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

static void strlcpy_matches_reference(struct ktest *t)
{
	rng_seed(9);
	for (int r = 0; r < ROUNDS && passing(t); r++) {
		char *src = rng_string(rng_below(20));
		size_t size = rng_below(24);
		char *mine = malloc(size ? size : 1), *theirs = malloc(size ? size : 1);

		memset(mine, 'x', size);
		memset(theirs, 'x', size);
		EXPECT_EQ(t, zdk_strlcpy(mine, src, size),
			  reference_strlcpy(theirs, src, size));
		if (memcmp(mine, theirs, size) != 0)
			ktest_fail(t, "strlcpy(\"%s\", %zu) stored differently", src, size);
		free(src);
		free(mine);
		free(theirs);
	}
}

static const struct ktest_case string_diff_cases[] = {
	KTEST_CASE(memmove_matches_libc, "zdk_memmove leaves the buffer as libc's does, any overlap"),
	KTEST_CASE(memcmp_matches_libc, "zdk_memcmp gives libc's sign on random byte strings"),
	KTEST_CASE(memchr_matches_libc, "zdk_memchr finds what libc's finds"),
	KTEST_CASE(strlen_strnlen_match_libc, "zdk_strlen/strnlen agree with libc"),
	KTEST_CASE(strcmp_strncmp_match_libc, "zdk_strcmp/strncmp give libc's sign, high bytes included"),
	KTEST_CASE(strchr_strrchr_match_libc, "zdk_strchr/strrchr agree with libc, NUL and c>255 included"),
	KTEST_CASE(strstr_matches_libc, "zdk_strstr finds what libc's finds"),
	KTEST_CASE(strspn_strcspn_match_libc, "zdk_strspn/strcspn agree with libc"),
	KTEST_CASE(strlcpy_matches_reference, "zdk_strlcpy stores and returns what the definition says"),
	{}
};
KTEST_SUITE(string_diff_suite, "arch.host.string_diff", string_diff_cases);
