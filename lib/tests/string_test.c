/*
 * lib.string: the string and memory functions of lib/string.h.
 *
 * In the kernel these are lib/string.c plus the arch's memcpy/memset; on
 * the host they are the C library's (lib/string.c itself is compared with
 * it in host.string_diff), so the same expectations hold for both.
 *
 * The memory functions are checked at every length 0..64 and every
 * source and destination alignment 0..7, with guard bytes around the
 * destination, plus a few large sizes; results are compared with byte
 * loops written here.
 */
#include <lib/ktest.h>

#define SMALL_MAX	64
#define ALIGN_MAX	8
#define GUARD		16
#define BIG_MAX		(64 * 1024 + 3)
#define GUARD_BYTE	0xa5

/* Buffers big enough for the largest case plus guards on both sides. */
static unsigned char src_buf[BIG_MAX + 2 * GUARD + ALIGN_MAX];
static unsigned char dst_buf[BIG_MAX + 2 * GUARD + ALIGN_MAX];

/* A byte pattern that differs at every nearby offset and from GUARD_BYTE. */
static unsigned char pattern(size_t i)
{
	unsigned char b = (unsigned char)(i * 7 + 3 + (i >> 8));

	return b == GUARD_BYTE ? 0x5a : b;
}

static void fill_pattern(unsigned char *p, size_t n, size_t seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = pattern(i + seed);
}

/* Every byte of [p, p+n) equal to c? Returns the first bad index or n. */
static size_t first_not(const unsigned char *p, size_t n, unsigned char c)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] != c)
			return i;
	}
	return n;
}

/* Copy n bytes at alignments (sa, da) and check the copy and the guards. */
static bool check_memcpy(struct ktest *t, size_t n, size_t sa, size_t da)
{
	unsigned char *src = src_buf + GUARD + sa;
	unsigned char *dst = dst_buf + GUARD + da;
	bool ok = true;

	fill_pattern(src, n, n + sa);
	memset(dst_buf, GUARD_BYTE, n + 2 * GUARD + ALIGN_MAX);
	if (memcpy(dst, src, n) != dst)
		ok = false;
	for (size_t i = 0; i < n; i++) {
		if (dst[i] != pattern(i + n + sa))
			ok = false;
	}
	if (first_not(dst_buf, GUARD + da, GUARD_BYTE) != GUARD + da ||
	    first_not(dst + n, GUARD, GUARD_BYTE) != GUARD)
		ok = false;
	if (!ok)
		ktest_fail(t, "memcpy n=%zu src align %zu dst align %zu", n, sa, da);
	return ok;
}

static void memcpy_small_all_alignments(struct ktest *t)
{
	for (size_t n = 0; n <= SMALL_MAX; n++)
		for (size_t sa = 0; sa < ALIGN_MAX; sa++)
			for (size_t da = 0; da < ALIGN_MAX; da++)
				if (!check_memcpy(t, n, sa, da))
					return;
}

static void memcpy_big(struct ktest *t)
{
	static const size_t sizes[] = { 255, 4096, 4097, 65536, BIG_MAX };

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		check_memcpy(t, sizes[i], 0, 0);
		check_memcpy(t, sizes[i], 3, 5);
	}
}

static bool check_memset(struct ktest *t, size_t n, size_t da, int c)
{
	unsigned char *dst = dst_buf + GUARD + da;
	bool ok = true;

	memset(dst_buf, GUARD_BYTE, n + 2 * GUARD + ALIGN_MAX);
	if (memset(dst, c, n) != dst)
		ok = false;
	if (first_not(dst, n, (unsigned char)c) != n ||
	    first_not(dst_buf, GUARD + da, GUARD_BYTE) != GUARD + da ||
	    first_not(dst + n, GUARD, GUARD_BYTE) != GUARD)
		ok = false;
	if (!ok)
		ktest_fail(t, "memset n=%zu align %zu c=%#x", n, da, c);
	return ok;
}

static void memset_small_all_alignments(struct ktest *t)
{
	for (size_t n = 0; n <= SMALL_MAX; n++)
		for (size_t da = 0; da < ALIGN_MAX; da++)
			if (!check_memset(t, n, da, 0x3c) || !check_memset(t, n, da, 0))
				return;
}

static void memset_big(struct ktest *t)
{
	check_memset(t, 4096, 0, 0xff);
	check_memset(t, 4099, 1, 0x11);
	check_memset(t, BIG_MAX, 7, 0);
}

static void memset_uses_low_byte(struct ktest *t)
{
	unsigned char b[4];

	memset(b, 0x1234, sizeof(b));
	EXPECT_EQ(t, first_not(b, sizeof(b), 0x34), sizeof(b));
}

/*
 * Move n bytes from offset `from` to offset `to` inside one buffer and
 * compare with the expected result computed from a saved copy.
 */
static bool check_memmove(struct ktest *t, size_t n, size_t from, size_t to)
{
	unsigned char *buf = dst_buf + GUARD;
	size_t span = n + MAX(from, to);
	bool ok = true;

	memset(dst_buf, GUARD_BYTE, span + 2 * GUARD);
	fill_pattern(buf, span, from * 131 + to);
	memcpy(src_buf, buf, span);			/* the original */
	if (memmove(buf + to, buf + from, n) != buf + to)
		ok = false;
	for (size_t i = 0; i < span; i++) {
		unsigned char want = src_buf[i];

		if (i >= to && i < to + n)
			want = src_buf[from + i - to];
		if (buf[i] != want)
			ok = false;
	}
	if (first_not(dst_buf, GUARD, GUARD_BYTE) != GUARD ||
	    first_not(buf + span, GUARD, GUARD_BYTE) != GUARD)
		ok = false;
	if (!ok)
		ktest_fail(t, "memmove n=%zu from %zu to %zu", n, from, to);
	return ok;
}

static void memmove_overlap_forward(struct ktest *t)
{
	/* dst below src: the copy must run from the front. */
	for (size_t n = 0; n <= SMALL_MAX; n++)
		for (size_t d = 1; d <= 2 * ALIGN_MAX + 1; d++)
			for (size_t to = 0; to < ALIGN_MAX; to++)
				if (!check_memmove(t, n, to + d, to))
					return;
}

static void memmove_overlap_backward(struct ktest *t)
{
	/* dst above src: the copy must run from the back. */
	for (size_t n = 0; n <= SMALL_MAX; n++)
		for (size_t d = 1; d <= 2 * ALIGN_MAX + 1; d++)
			for (size_t from = 0; from < ALIGN_MAX; from++)
				if (!check_memmove(t, n, from, from + d))
					return;
}

static void memmove_disjoint_and_same(struct ktest *t)
{
	check_memmove(t, 40, 0, 100);
	check_memmove(t, 40, 100, 3);
	check_memmove(t, 40, 5, 5);
	check_memmove(t, 0, 0, 0);
}

static void memmove_big_overlap(struct ktest *t)
{
	check_memmove(t, 60000, 0, 8);
	check_memmove(t, 60000, 8, 0);
	check_memmove(t, 60000, 3, 4000);
	check_memmove(t, 60000, 4001, 2);
}

static void memcmp_orders_as_unsigned(struct ktest *t)
{
	EXPECT_EQ(t, memcmp("abc", "abc", 3), 0);
	EXPECT_LT(t, memcmp("abc", "abd", 3), 0);
	EXPECT_GT(t, memcmp("abd", "abc", 3), 0);
	EXPECT_GT(t, memcmp("\x80", "\x01", 1), 0);	/* 0x80 > 0x01 */
	EXPECT_EQ(t, memcmp("abX", "abY", 2), 0);
	EXPECT_EQ(t, memcmp("x", "y", 0), 0);
}

static void memcmp_past_nul(struct ktest *t)
{
	static const char a[4] = { 'a', 0, 'b', 'c' };
	static const char b[4] = { 'a', 0, 'b', 'd' };

	EXPECT_LT(t, memcmp(a, b, 4), 0);
}

static void memchr_finds_first(struct ktest *t)
{
	static const char s[] = "hello\0world";

	EXPECT_TRUE(t, memchr(s, 'l', 11) == s + 2);
	EXPECT_TRUE(t, memchr(s, 'w', 11) == s + 6);	/* past the NUL */
	EXPECT_TRUE(t, memchr(s, 0, 11) == s + 5);
	EXPECT_NULL(t, memchr(s, 'w', 5));		/* outside n */
	EXPECT_NULL(t, memchr(s, 'z', 11));
	EXPECT_TRUE(t, memchr(s, 0x100 + 'h', 11) == s);	/* c as unsigned char */
}

static void strlen_and_strnlen(struct ktest *t)
{
	static const char unterminated[4] = { 'a', 'b', 'c', 'd' };
	static const char roomy[16] = "abc";

	EXPECT_EQ(t, strlen(""), 0);
	EXPECT_EQ(t, strlen("abc"), 3);
	EXPECT_EQ(t, strnlen(roomy, sizeof(roomy)), 3);
	EXPECT_EQ(t, strnlen("abc", 2), 2);
	EXPECT_EQ(t, strnlen("abc", 0), 0);
	EXPECT_EQ(t, strnlen(unterminated, 4), 4);	/* reads no further */
}

static void strcmp_orders(struct ktest *t)
{
	EXPECT_EQ(t, strcmp("", ""), 0);
	EXPECT_EQ(t, strcmp("abc", "abc"), 0);
	EXPECT_LT(t, strcmp("abc", "abd"), 0);
	EXPECT_LT(t, strcmp("ab", "abc"), 0);		/* prefix sorts first */
	EXPECT_GT(t, strcmp("abc", "ab"), 0);
	EXPECT_GT(t, strcmp("\xff", "a"), 0);		/* unsigned chars */
}

static void strncmp_stops_at_n(struct ktest *t)
{
	EXPECT_EQ(t, strncmp("abcX", "abcY", 3), 0);
	EXPECT_LT(t, strncmp("abcX", "abcY", 4), 0);
	EXPECT_EQ(t, strncmp("abc", "abc", 100), 0);	/* stops at NUL */
	EXPECT_EQ(t, strncmp("a", "b", 0), 0);
	EXPECT_GT(t, strncmp("\x80", "\x7f", 1), 0);
}

static void strchr_and_strrchr(struct ktest *t)
{
	static const char s[] = "a/b/c";

	EXPECT_TRUE(t, strchr(s, '/') == s + 1);
	EXPECT_TRUE(t, strrchr(s, '/') == s + 3);
	EXPECT_NULL(t, strchr(s, 'z'));
	EXPECT_NULL(t, strrchr(s, 'z'));
	EXPECT_TRUE(t, strchr(s, 0) == s + 5);		/* finds the NUL */
	EXPECT_TRUE(t, strrchr(s, 0) == s + 5);
	EXPECT_TRUE(t, strrchr(s, 'a') == s);
}

static void strstr_finds_substrings(struct ktest *t)
{
	static const char s[] = "aaab ab";

	EXPECT_TRUE(t, strstr(s, "ab") == s + 2);	/* after a false start */
	EXPECT_TRUE(t, strstr(s, "") == s);
	EXPECT_TRUE(t, strstr(s, "b ab") == s + 3);
	EXPECT_TRUE(t, strstr(s, "aaab ab") == s);
	EXPECT_NULL(t, strstr(s, "aaab abc"));		/* longer than s */
	EXPECT_NULL(t, strstr(s, "ba"));
	EXPECT_NULL(t, strstr("", "a"));
}

static void strspn_and_strcspn(struct ktest *t)
{
	EXPECT_EQ(t, strspn("  \tx y", " \t"), 3);
	EXPECT_EQ(t, strspn("abc", ""), 0);
	EXPECT_EQ(t, strspn("abc", "cba"), 3);
	EXPECT_EQ(t, strcspn("key=value", "="), 3);
	EXPECT_EQ(t, strcspn("key", "="), 3);
	EXPECT_EQ(t, strcspn("", "="), 0);
	EXPECT_EQ(t, strcspn("a,b", ""), 3);
}

static void strlcpy_truncates_and_terminates(struct ktest *t)
{
	char buf[6];

	memset(buf, 'x', sizeof(buf));
	EXPECT_EQ(t, strlcpy(buf, "abc", sizeof(buf)), 3);
	EXPECT_STREQ(t, buf, "abc");
	EXPECT_EQ(t, strlcpy(buf, "abcdefgh", sizeof(buf)), 8);
	EXPECT_STREQ(t, buf, "abcde");
	EXPECT_EQ(t, strlcpy(buf, "12345", sizeof(buf)), 5);	/* exact fit */
	EXPECT_STREQ(t, buf, "12345");
}

static void strlcpy_size_zero_and_one(struct ktest *t)
{
	char buf[2] = { 'x', 'y' };

	EXPECT_EQ(t, strlcpy(buf, "abc", 0), 3);
	EXPECT_EQ(t, buf[0], 'x');			/* untouched */
	EXPECT_EQ(t, strlcpy(buf, "abc", 1), 3);
	EXPECT_EQ(t, buf[0], 0);
	EXPECT_EQ(t, buf[1], 'y');
}

static const struct ktest_case string_cases[] = {
	KTEST_CASE(memcpy_small_all_alignments, "memcpy of 0..64 bytes at every alignment copies exactly n bytes"),
	KTEST_CASE(memcpy_big, "memcpy of page-sized and larger buffers, aligned and not"),
	KTEST_CASE(memset_small_all_alignments, "memset of 0..64 bytes at every alignment fills exactly n bytes"),
	KTEST_CASE(memset_big, "memset of large buffers fills exactly n bytes"),
	KTEST_CASE(memset_uses_low_byte, "memset stores c converted to unsigned char"),
	KTEST_CASE(memmove_overlap_forward, "memmove to a lower overlapping address keeps the source intact"),
	KTEST_CASE(memmove_overlap_backward, "memmove to a higher overlapping address keeps the source intact"),
	KTEST_CASE(memmove_disjoint_and_same, "memmove of disjoint, identical and empty ranges"),
	KTEST_CASE(memmove_big_overlap, "memmove of 60000 bytes overlapping both ways"),
	KTEST_CASE(memcmp_orders_as_unsigned, "memcmp compares bytes as unsigned, n bytes only"),
	KTEST_CASE(memcmp_past_nul, "memcmp does not stop at a NUL"),
	KTEST_CASE(memchr_finds_first, "memchr finds the first match within n, NUL included"),
	KTEST_CASE(strlen_and_strnlen, "strlen counts to the NUL, strnlen stops at max"),
	KTEST_CASE(strcmp_orders, "strcmp orders by unsigned chars, prefixes first"),
	KTEST_CASE(strncmp_stops_at_n, "strncmp looks at no more than n characters"),
	KTEST_CASE(strchr_and_strrchr, "strchr/strrchr find the first/last match, NUL included"),
	KTEST_CASE(strstr_finds_substrings, "strstr finds the first occurrence, empty needle at start"),
	KTEST_CASE(strspn_and_strcspn, "strspn/strcspn measure runs of accepted/rejected chars"),
	KTEST_CASE(strlcpy_truncates_and_terminates, "strlcpy truncates, terminates, returns strlen(src)"),
	KTEST_CASE(strlcpy_size_zero_and_one, "strlcpy with size 0 writes nothing, size 1 only the NUL"),
	{}
};
KTEST_SUITE(string_suite, "lib.string", string_cases);
