/*
 * lib.hexdump: the layout of a hex dump and the collapse of repeated
 * lines into "*" (lib/hexdump.h), collected from the callback and
 * compared whole.
 */
#include <lib/hexdump.h>
#include <lib/ktest.h>
#include <lib/string.h>

static char dump[2048];			/* every line printed, in order */
static size_t dumped;

static void collect(const char *line, void *arg)
{
	size_t n = strlen(line);

	if (dumped + n < sizeof(dump)) {
		memcpy(dump + dumped, line, n + 1);
		dumped += n;
	}
}

static const struct hexdump_style pmem_style = { .indent = "", .offset_digits = 10, .ascii = true };
static const struct hexdump_style plain_style = { .indent = "  ", .offset_digits = 4 };

static unsigned int run(const struct hexdump_style *st, uint64_t base, const void *buf,
			size_t len)
{
	dumped = 0;
	dump[0] = '\0';
	return hexdump(st, base, buf, len, collect, NULL);
}

static void one_line_with_text(struct ktest *t)
{
	static const char buf[16] = "zdk\x01\x7f hex dump!";

	EXPECT_EQ(t, run(&pmem_style, 0x200000, buf, sizeof(buf)), 1);
	EXPECT_STREQ(t, dump, "0000200000: 7a 64 6b 01 7f 20 68 65 78 20 64 75 6d 70 21 00"
			      "  zdk.. hex dump!.\n");
}

static void zeros_collapse_to_first_star_last(struct ktest *t)
{
	static uint8_t sector[512];

	memset(sector, 0, sizeof(sector));
	EXPECT_EQ(t, run(&plain_style, 0, sector, sizeof(sector)), 3);
	EXPECT_STREQ(t, dump,
		     "  0000: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00\n"
		     "  *\n"
		     "  01f0: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00\n");
}

static void one_repeat_is_not_starred(struct ktest *t)
{
	static uint8_t two[32];

	memset(two, 0xab, sizeof(two));
	/* the second line is the last: printed, and nothing was left out */
	EXPECT_EQ(t, run(&plain_style, 0, two, sizeof(two)), 2);
	EXPECT_STREQ(t, dump,
		     "  0000: ab ab ab ab ab ab ab ab ab ab ab ab ab ab ab ab\n"
		     "  0010: ab ab ab ab ab ab ab ab ab ab ab ab ab ab ab ab\n");
}

static void each_run_gets_its_own_star(struct ktest *t)
{
	static uint8_t buf[7 * 16];

	/* lines: A A A B B B C -> A * B * C */
	memset(buf, 'A', 48);
	memset(buf + 48, 'B', 48);
	memset(buf + 96, 'C', 16);
	EXPECT_EQ(t, run(&plain_style, 0x100, buf, sizeof(buf)), 5);
	EXPECT_STREQ(t, dump,
		     "  0100: 41 41 41 41 41 41 41 41 41 41 41 41 41 41 41 41\n"
		     "  *\n"
		     "  0130: 42 42 42 42 42 42 42 42 42 42 42 42 42 42 42 42\n"
		     "  *\n"
		     "  0160: 43 43 43 43 43 43 43 43 43 43 43 43 43 43 43 43\n");
}

static void short_last_line_is_aligned_and_never_a_repeat(struct ktest *t)
{
	static uint8_t buf[36];

	memset(buf, 0, sizeof(buf));
	/* two whole zero lines (the second starred), then four zero bytes: not a
	 * repeat of 16, printed with its text under the others' */
	EXPECT_EQ(t, run(&pmem_style, 0, buf, sizeof(buf)), 3);
	EXPECT_STREQ(t, dump,
		     "0000000000: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00  ................\n"
		     "*\n"
		     "0000000020: 00 00 00 00                                      ....\n");
	EXPECT_EQ(t, run(&plain_style, 0, buf, 3), 1);
	EXPECT_STREQ(t, dump, "  0000: 00 00 00\n");
}

static void nothing_prints_nothing(struct ktest *t)
{
	EXPECT_EQ(t, run(&pmem_style, 0, "", 0), 0);
	EXPECT_STREQ(t, dump, "");
}

static const struct ktest_case hexdump_cases[] = {
	KTEST_CASE(one_line_with_text, "offset, 16 bytes in hex, the bytes as text"),
	KTEST_CASE(zeros_collapse_to_first_star_last,
		   "a run of equal lines is one '*'; the last line is always printed"),
	KTEST_CASE(one_repeat_is_not_starred, "a repeat that is the last line leaves nothing out"),
	KTEST_CASE(each_run_gets_its_own_star, "each run of repeats collapses on its own"),
	KTEST_CASE(short_last_line_is_aligned_and_never_a_repeat,
		   "a short last line keeps the text column and is never collapsed"),
	KTEST_CASE(nothing_prints_nothing, "zero bytes: no line"),
	{}
};
KTEST_SUITE(hexdump_suite, "lib.hexdump", hexdump_cases);
