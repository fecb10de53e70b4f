/*
 * lib.crc32: CRC-32 against values computed with Python's zlib.crc32(),
 * which is the reference the header promises to match. Each expected
 * value sits next to its input.
 */
#include <lib/ktest.h>
#include <lib/crc32.h>

static void check_value(struct ktest *t)
{
	EXPECT_EQ(t, crc32(0, "123456789", 9), 0xcbf43926);
}

static void empty_input(struct ktest *t)
{
	EXPECT_EQ(t, crc32(0, "", 0), 0);
	EXPECT_EQ(t, crc32(0, NULL, 0), 0);
	/* No data: the running value passes through unchanged. */
	EXPECT_EQ(t, crc32(0xcbf43926, "ignored", 0), 0xcbf43926);
}

static void short_strings(struct ktest *t)
{
	EXPECT_EQ(t, crc32(0, "a", 1), 0xe8b7be43);
	EXPECT_EQ(t, crc32(0, "abc", 3), 0x352441c2);
	EXPECT_EQ(t, crc32(0, "zdk", 3), 0x7dd622e7);
	EXPECT_EQ(t, crc32(0, "The quick brown fox jumps over the lazy dog", 43),
		  0x414fa339);
}

static void zeros_and_ones(struct ktest *t)
{
	unsigned char buf[32];

	memset(buf, 0, sizeof(buf));
	EXPECT_EQ(t, crc32(0, buf, 1), 0xd202ef8d);
	EXPECT_EQ(t, crc32(0, buf, 32), 0x190a55ad);
	memset(buf, 0xff, sizeof(buf));
	EXPECT_EQ(t, crc32(0, buf, 32), 0xff6cab0b);
}

static void every_byte_value(struct ktest *t)
{
	unsigned char buf[256];

	for (int i = 0; i < 256; i++)
		buf[i] = (unsigned char)i;
	EXPECT_EQ(t, crc32(0, buf, sizeof(buf)), 0x29058c73);
}

static void long_buffer(struct ktest *t)
{
	static unsigned char buf[4096];

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)(i * 7 + 3);
	EXPECT_EQ(t, crc32(0, buf, sizeof(buf)), 0x5e4e1995);
}

static void chaining_equals_whole(struct ktest *t)
{
	const char *s = "123456789";

	EXPECT_EQ(t, crc32(crc32(0, s, 3), s + 3, 6), 0xcbf43926);
	/* Every split point gives the same answer. */
	for (size_t cut = 0; cut <= 9; cut++)
		EXPECT_EQ(t, crc32(crc32(0, s, cut), s + cut, 9 - cut), 0xcbf43926);
}

static void byte_at_a_time(struct ktest *t)
{
	const char *s = "The quick brown fox jumps over the lazy dog";
	uint32_t crc = 0;

	for (size_t i = 0; i < 43; i++)
		crc = crc32(crc, s + i, 1);
	EXPECT_EQ(t, crc, 0x414fa339);
}

static void nonzero_start(struct ktest *t)
{
	/* zlib.crc32(b"abc", 0x12345678) */
	EXPECT_EQ(t, crc32(0x12345678, "abc", 3), 0xa293765f);
}

static void detects_one_bit_flip(struct ktest *t)
{
	unsigned char buf[64];
	uint32_t clean;

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)i;
	clean = crc32(0, buf, sizeof(buf));
	for (size_t bit = 0; bit < sizeof(buf) * 8; bit++) {
		buf[bit / 8] ^= (unsigned char)(1u << (bit % 8));
		EXPECT_NE(t, crc32(0, buf, sizeof(buf)), clean);
		buf[bit / 8] ^= (unsigned char)(1u << (bit % 8));
	}
	EXPECT_EQ(t, crc32(0, buf, sizeof(buf)), clean);
}

static const struct ktest_case crc32_cases[] = {
	KTEST_CASE(check_value, "the standard check value of \"123456789\" is 0xcbf43926"),
	KTEST_CASE(empty_input, "no data leaves the running value unchanged"),
	KTEST_CASE(short_strings, "short strings match zlib"),
	KTEST_CASE(zeros_and_ones, "runs of 0x00 and 0xff match zlib"),
	KTEST_CASE(every_byte_value, "bytes 0..255 in order match zlib (every table entry used)"),
	KTEST_CASE(long_buffer, "a 4 KiB buffer matches zlib"),
	KTEST_CASE(chaining_equals_whole, "crc32(crc32(0,a),b) equals crc32(0,a||b) at every split"),
	KTEST_CASE(byte_at_a_time, "feeding one byte per call gives the whole-buffer value"),
	KTEST_CASE(nonzero_start, "a nonzero start value chains like zlib"),
	KTEST_CASE(detects_one_bit_flip, "every single-bit change of 64 bytes changes the CRC"),
	{}
};
KTEST_SUITE(crc32_suite, "lib.crc32", crc32_cases);
