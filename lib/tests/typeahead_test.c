/*
 * lib.typeahead: what the shell keeps of the bytes typed while a command
 * runs (lib/typeahead.h): whole lines in order, nothing of a line that
 * did not fit, nothing typed before a Ctrl-C; every byte let go counted.
 */
#include <lib/ktest.h>
#include <lib/string.h>
#include <lib/typeahead.h>

static struct typeahead ta;

static void put(const char *s)
{
	while (*s)
		typeahead_put(&ta, *s++);
}

/* Everything held, taken, as a string (at most size - 1 bytes). */
static const char *take_all(char *buf, size_t size)
{
	size_t n = 0;
	int c;

	while ((c = typeahead_get(&ta)) >= 0)
		if (n + 1 < size)
			buf[n++] = (char)c;
	buf[n] = '\0';
	return buf;
}

/* Fill the ring with `lines` lines of 8 bytes ("line 00\r" ...). */
static void put_lines(unsigned int lines)
{
	char line[16];

	for (unsigned int i = 0; i < lines; i++) {
		memcpy(line, "line 00\r", 9);
		line[5] = (char)('0' + i / 10 % 10);
		line[6] = (char)('0' + i % 10);
		put(line);
	}
}

static void bytes_come_back_in_order(struct ktest *t)
{
	char buf[32];

	memset(&ta, 0, sizeof(ta));
	EXPECT_FALSE(t, typeahead_has_line(&ta));
	put("version\rhel");
	EXPECT_EQ(t, typeahead_len(&ta), 11);
	EXPECT_TRUE(t, typeahead_has_line(&ta));
	EXPECT_STREQ(t, take_all(buf, sizeof(buf)), "version\rhel");
	EXPECT_FALSE(t, typeahead_has_line(&ta));
	EXPECT_EQ(t, typeahead_get(&ta), -1);
	EXPECT_EQ(t, ta.dropped, 0);
	EXPECT_EQ(t, ta.discarded, 0);
}

static void ctrl_c_discards_what_was_typed_before_it(struct ktest *t)
{
	unsigned long dropped, discarded;
	char buf[32];

	memset(&ta, 0, sizeof(ta));
	put("version\rhel");
	typeahead_discard(&ta);
	EXPECT_EQ(t, typeahead_len(&ta), 0);
	EXPECT_FALSE(t, typeahead_has_line(&ta));
	put("help\r");				/* typed after the Ctrl-C: kept */
	EXPECT_STREQ(t, take_all(buf, sizeof(buf)), "help\r");
	typeahead_take_counts(&ta, &dropped, &discarded);
	EXPECT_EQ(t, dropped, 0);
	EXPECT_EQ(t, discarded, 11);
	typeahead_take_counts(&ta, &dropped, &discarded);	/* said once */
	EXPECT_EQ(t, discarded, 0);
}

static void a_line_that_does_not_fit_is_dropped_whole(struct ktest *t)
{
	char buf[TYPEAHEAD_SIZE + 1];

	memset(&ta, 0, sizeof(ta));
	put_lines(63);				/* 504 bytes */
	put("abcdefgh");			/* 512: full, the line not ended */
	EXPECT_TRUE(t, typeahead_full(&ta));
	put("ijk\r");				/* overflows: the line goes, start to end */
	EXPECT_EQ(t, ta.dropped, 12);
	EXPECT_EQ(t, typeahead_len(&ta), 504);
	EXPECT_EQ(t, ta.lines, 63);		/* its end was dropped, not counted */
	put("ok\r");				/* the next line fits again */
	take_all(buf, sizeof(buf));
	EXPECT_EQ(t, strlen(buf), 507);
	EXPECT_TRUE(t, !strncmp(buf, "line 00\rline 01\r", 16));
	EXPECT_STREQ(t, buf + 496, "line 62\rok\r");
	EXPECT_NULL(t, strstr(buf, "abc"));
}

static void a_line_ending_at_the_full_mark_is_kept(struct ktest *t)
{
	memset(&ta, 0, sizeof(ta));
	put_lines(64);				/* exactly full, every line whole */
	EXPECT_TRUE(t, typeahead_full(&ta));
	put("version\r");			/* nothing of it fits */
	EXPECT_EQ(t, ta.dropped, 8);
	EXPECT_EQ(t, typeahead_len(&ta), 512);
	EXPECT_FALSE(t, ta.dropping);		/* its end was seen */
}

static void a_line_longer_than_the_ring_goes_entirely(struct ktest *t)
{
	char buf[16];

	memset(&ta, 0, sizeof(ta));
	for (int i = 0; i < 600; i++)
		typeahead_put(&ta, 'x');
	EXPECT_TRUE(t, ta.dropping);
	EXPECT_EQ(t, typeahead_len(&ta), 0);
	typeahead_put(&ta, '\r');
	EXPECT_EQ(t, ta.dropped, 601);
	put("v\r");
	EXPECT_STREQ(t, take_all(buf, sizeof(buf)), "v\r");
}

static void a_dropped_line_is_dropped_to_its_end_even_once_read(struct ktest *t)
{
	char buf[TYPEAHEAD_SIZE + 1];

	memset(&ta, 0, sizeof(ta));
	put_lines(64);
	put("pmem");				/* overflows: dropping */
	take_all(buf, sizeof(buf));		/* the shell reads the ring meanwhile */
	put(" list\rversion\r");		/* the rest of the dropped line: dropped */
	EXPECT_STREQ(t, take_all(buf, sizeof(buf)), "version\r");
	EXPECT_EQ(t, ta.dropped, 10);
}

static void ctrl_c_ends_a_drop(struct ktest *t)
{
	unsigned long dropped, discarded;
	char buf[16];

	memset(&ta, 0, sizeof(ta));
	put_lines(63);
	put("abcdefghij");			/* overflows: 504 kept, dropping */
	typeahead_discard(&ta);
	put("ls\r");				/* after the Ctrl-C: a new line */
	EXPECT_STREQ(t, take_all(buf, sizeof(buf)), "ls\r");
	typeahead_take_counts(&ta, &dropped, &discarded);
	EXPECT_EQ(t, dropped, 10);
	EXPECT_EQ(t, discarded, 504);
}

static void indexes_wrap_around(struct ktest *t)
{
	char buf[16];

	memset(&ta, 0, sizeof(ta));
	ta.head = ta.tail = 0xfffffffcu;
	put("abcdefg\r");
	EXPECT_EQ(t, typeahead_len(&ta), 8);
	EXPECT_STREQ(t, take_all(buf, sizeof(buf)), "abcdefg\r");
}

static const struct ktest_case typeahead_cases[] = {
	KTEST_CASE(bytes_come_back_in_order,
		   "what is typed ahead comes back in order, nothing counted as lost"),
	KTEST_CASE(ctrl_c_discards_what_was_typed_before_it,
		   "a Ctrl-C discards the bytes before it, counted once; those after are kept"),
	KTEST_CASE(a_line_that_does_not_fit_is_dropped_whole,
		   "a full ring drops the line that overflows, its held start included"),
	KTEST_CASE(a_line_ending_at_the_full_mark_is_kept,
		   "lines that fit exactly stay; the next one is dropped to its end"),
	KTEST_CASE(a_line_longer_than_the_ring_goes_entirely,
		   "a line longer than the ring is dropped whole, then lines fit again"),
	KTEST_CASE(a_dropped_line_is_dropped_to_its_end_even_once_read,
		   "the rest of a dropped line is dropped after the ring is read"),
	KTEST_CASE(ctrl_c_ends_a_drop, "a Ctrl-C discards the held lines and ends a drop"),
	KTEST_CASE(indexes_wrap_around, "the ring's counters wrap at 2^32 without losing bytes"),
	{}
};
KTEST_SUITE(typeahead_suite, "lib.typeahead", typeahead_cases);
