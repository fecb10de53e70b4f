/*
 * lib.cmdline: the command-line parser, its lookups, parse_ulong() and
 * errno_name().
 *
 * struct cmdline is a couple of KiB, too big for a test's stack in the
 * kernel, so the cases share one static instance (cases never run
 * concurrently).
 */
#include <lib/ktest.h>
#include <lib/cmdline.h>
#include <lib/errno.h>

static struct cmdline cl;

/* Expect argument i to be key (and value, NULL for a flag). */
#define EXPECT_ARG(t, i, k, v) do {					\
	const char *__v = (v);						\
	EXPECT_STREQ(t, cl.args[i].key, k);				\
	if (__v)							\
		EXPECT_STREQ(t, cl.args[i].value, __v);			\
	else								\
		EXPECT_NULL(t, cl.args[i].value);			\
} while (0)

static void splits_on_spaces(struct ktest *t)
{
	ASSERT_EQ(t, cmdline_parse(&cl, "ktest=mm.*,percpu_ref* shell=off loglevel=7 quiet"), 0);
	ASSERT_EQ(t, cl.nargs, 4);
	EXPECT_ARG(t, 0, "ktest", "mm.*,percpu_ref*");
	EXPECT_ARG(t, 1, "shell", "off");
	EXPECT_ARG(t, 2, "loglevel", "7");
	EXPECT_ARG(t, 3, "quiet", NULL);
	EXPECT_NULL(t, cl.error);
}

static void empty_and_blank(struct ktest *t)
{
	EXPECT_EQ(t, cmdline_parse(&cl, ""), 0);
	EXPECT_EQ(t, cl.nargs, 0);
	EXPECT_EQ(t, cmdline_parse(&cl, "  \t\n "), 0);
	EXPECT_EQ(t, cl.nargs, 0);
}

static void extra_whitespace_ignored(struct ktest *t)
{
	ASSERT_EQ(t, cmdline_parse(&cl, "  a=1 \t\tb  \n c=3  "), 0);
	ASSERT_EQ(t, cl.nargs, 3);
	EXPECT_ARG(t, 0, "a", "1");
	EXPECT_ARG(t, 1, "b", NULL);
	EXPECT_ARG(t, 2, "c", "3");
}

static void quotes_group_and_vanish(struct ktest *t)
{
	ASSERT_EQ(t, cmdline_parse(&cl, "\"key=a b\" k2=\"c  d\" x"), 0);
	ASSERT_EQ(t, cl.nargs, 3);
	EXPECT_ARG(t, 0, "key", "a b");
	EXPECT_ARG(t, 1, "k2", "c  d");
	EXPECT_ARG(t, 2, "x", NULL);
}

static void quoted_empty_value(struct ktest *t)
{
	ASSERT_EQ(t, cmdline_parse(&cl, "a=\"\" b="), 0);
	ASSERT_EQ(t, cl.nargs, 2);
	EXPECT_ARG(t, 0, "a", "");
	EXPECT_ARG(t, 1, "b", "");
}

static void value_keeps_later_equals(struct ktest *t)
{
	ASSERT_EQ(t, cmdline_parse(&cl, "root=LABEL=zdk"), 0);
	ASSERT_EQ(t, cl.nargs, 1);
	EXPECT_ARG(t, 0, "root", "LABEL=zdk");
}

static void unterminated_quote_fails(struct ktest *t)
{
	EXPECT_EQ(t, cmdline_parse(&cl, "a=1 b=\"oops c=3"), -EINVAL);
	EXPECT_NOT_NULL(t, cl.error);
	EXPECT_EQ(t, cl.error_pos, 4);
	/* What came before the bad argument is kept. */
	ASSERT_EQ(t, cl.nargs, 1);
	EXPECT_ARG(t, 0, "a", "1");
}

static void empty_key_fails(struct ktest *t)
{
	EXPECT_EQ(t, cmdline_parse(&cl, "ok =value"), -EINVAL);
	EXPECT_EQ(t, cl.error_pos, 3);
	EXPECT_EQ(t, cl.nargs, 1);
	EXPECT_EQ(t, cmdline_parse(&cl, "\"\""), -EINVAL);
}

static void too_many_arguments_fails(struct ktest *t)
{
	static char line[CMDLINE_MAX_ARGS * 2 + 8];
	size_t n = 0;

	for (int i = 0; i <= CMDLINE_MAX_ARGS; i++) {
		line[n++] = 'f';
		line[n++] = ' ';
	}
	line[n] = '\0';
	EXPECT_EQ(t, cmdline_parse(&cl, line), -ENOSPC);
	EXPECT_EQ(t, cl.nargs, CMDLINE_MAX_ARGS);
	EXPECT_EQ(t, cl.error_pos, CMDLINE_MAX_ARGS * 2);

	line[CMDLINE_MAX_ARGS * 2] = '\0';		/* exactly the limit */
	EXPECT_EQ(t, cmdline_parse(&cl, line), 0);
	EXPECT_EQ(t, cl.nargs, CMDLINE_MAX_ARGS);
}

static void too_long_fails(struct ktest *t)
{
	static char line[CMDLINE_MAX_LEN + 1];

	memset(line, 'x', CMDLINE_MAX_LEN);
	line[CMDLINE_MAX_LEN] = '\0';
	EXPECT_EQ(t, cmdline_parse(&cl, line), -E2BIG);
	EXPECT_EQ(t, cl.nargs, 0);
	EXPECT_NOT_NULL(t, cl.error);

	line[CMDLINE_MAX_LEN - 1] = '\0';		/* the longest that fits */
	ASSERT_EQ(t, cmdline_parse(&cl, line), 0);
	ASSERT_EQ(t, cl.nargs, 1);
	EXPECT_EQ(t, strlen(cl.args[0].key), CMDLINE_MAX_LEN - 1);
}

static void copy_outlives_source(struct ktest *t)
{
	char src[] = "name=value flag";

	ASSERT_EQ(t, cmdline_parse(&cl, src), 0);
	memset(src, '#', sizeof(src) - 1);
	EXPECT_STREQ(t, cmdline_get(&cl, "name"), "value");
	EXPECT_TRUE(t, cmdline_has_flag(&cl, "flag"));
}

static void get_last_occurrence_wins(struct ktest *t)
{
	ASSERT_EQ(t, cmdline_parse(&cl, "loglevel=3 x=1 loglevel=7"), 0);
	EXPECT_STREQ(t, cmdline_get(&cl, "loglevel"), "7");
	EXPECT_STREQ(t, cmdline_get(&cl, "x"), "1");
	EXPECT_NULL(t, cmdline_get(&cl, "absent"));
	EXPECT_NULL(t, cmdline_get(&cl, "loglevel=7"));
	EXPECT_NULL(t, cmdline_get(&cl, "log"));	/* no prefix matches */
}

static void flags(struct ktest *t)
{
	ASSERT_EQ(t, cmdline_parse(&cl, "quiet shell=off verbose verbose=0"), 0);
	EXPECT_TRUE(t, cmdline_has_flag(&cl, "quiet"));
	EXPECT_NULL(t, cmdline_get(&cl, "quiet"));
	EXPECT_FALSE(t, cmdline_has_flag(&cl, "shell"));	/* has a value */
	EXPECT_FALSE(t, cmdline_has_flag(&cl, "verbose"));	/* last has a value */
	EXPECT_FALSE(t, cmdline_has_flag(&cl, "absent"));
}

static void get_bool_words(struct ktest *t)
{
	static const char *const trues[] = { "on", "1", "yes", "true" };
	static const char *const falses[] = { "off", "0", "no", "false" };
	char line[32];
	bool v;

	for (size_t i = 0; i < ARRAY_SIZE(trues); i++) {
		strlcpy(line, "opt=", sizeof(line));
		strlcpy(line + 4, trues[i], sizeof(line) - 4);
		ASSERT_EQ(t, cmdline_parse(&cl, line), 0);
		v = false;
		EXPECT_EQ(t, cmdline_get_bool(&cl, "opt", false, &v), 0);
		EXPECT_TRUE(t, v);

		strlcpy(line + 4, falses[i], sizeof(line) - 4);
		ASSERT_EQ(t, cmdline_parse(&cl, line), 0);
		v = true;
		EXPECT_EQ(t, cmdline_get_bool(&cl, "opt", true, &v), 0);
		EXPECT_FALSE(t, v);
	}
}

static void get_bool_flag_default_and_last(struct ktest *t)
{
	bool v;

	ASSERT_EQ(t, cmdline_parse(&cl, "shell=off shell fast=on fast=off"), 0);
	EXPECT_EQ(t, cmdline_get_bool(&cl, "shell", false, &v), 0);
	EXPECT_TRUE(t, v);				/* bare flag, last */
	EXPECT_EQ(t, cmdline_get_bool(&cl, "fast", true, &v), 0);
	EXPECT_FALSE(t, v);				/* last wins */
	EXPECT_EQ(t, cmdline_get_bool(&cl, "absent", true, &v), 0);
	EXPECT_TRUE(t, v);
	EXPECT_EQ(t, cmdline_get_bool(&cl, "absent", false, &v), 0);
	EXPECT_FALSE(t, v);
}

static void get_bool_rejects_junk(struct ktest *t)
{
	bool v = false;

	ASSERT_EQ(t, cmdline_parse(&cl, "a=maybe b= c=ON d=2 e=onn"), 0);
	EXPECT_EQ(t, cmdline_get_bool(&cl, "a", true, &v), -EINVAL);
	EXPECT_TRUE(t, v);				/* default on error */
	EXPECT_EQ(t, cmdline_get_bool(&cl, "b", false, &v), -EINVAL);
	EXPECT_EQ(t, cmdline_get_bool(&cl, "c", false, &v), -EINVAL);
	EXPECT_EQ(t, cmdline_get_bool(&cl, "d", false, &v), -EINVAL);
	EXPECT_EQ(t, cmdline_get_bool(&cl, "e", false, &v), -EINVAL);
}

/* parse_ulong(s) must give exactly want. */
#define EXPECT_ULONG(t, s, want) do {					\
	unsigned long __v = 12345;					\
	EXPECT_EQ(t, parse_ulong(s, &__v), 0);				\
	EXPECT_EQ(t, __v, (unsigned long)(want));			\
} while (0)

/* parse_ulong(s) must fail with err and leave the output alone. */
#define EXPECT_ULONG_ERR(t, s, err) do {				\
	unsigned long __v = 12345;					\
	EXPECT_EQ(t, parse_ulong(s, &__v), err);			\
	EXPECT_EQ(t, __v, 12345);					\
} while (0)

static void ulong_decimal(struct ktest *t)
{
	EXPECT_ULONG(t, "0", 0);
	EXPECT_ULONG(t, "7", 7);
	EXPECT_ULONG(t, "1234567890", 1234567890UL);
	EXPECT_ULONG(t, "010", 10);			/* no octal */
	EXPECT_ULONG(t, "18446744073709551615", ~0UL);
}

static void ulong_hex(struct ktest *t)
{
	EXPECT_ULONG(t, "0x0", 0);
	EXPECT_ULONG(t, "0x1f", 0x1f);
	EXPECT_ULONG(t, "0XABCdef", 0xabcdef);
	EXPECT_ULONG(t, "0xffffffffffffffff", ~0UL);
	EXPECT_ULONG(t, "0x00000000000000001", 1);	/* leading zeros are fine */
}

static void ulong_size_suffixes(struct ktest *t)
{
	EXPECT_ULONG(t, "1K", 1024);
	EXPECT_ULONG(t, "4k", 4096);
	EXPECT_ULONG(t, "256M", 256UL << 20);
	EXPECT_ULONG(t, "2g", 2UL << 30);
	EXPECT_ULONG(t, "0x10M", 16UL << 20);
	EXPECT_ULONG(t, "0K", 0);
}

static void ulong_rejects_malformed(struct ktest *t)
{
	EXPECT_ULONG_ERR(t, "", -EINVAL);
	EXPECT_ULONG_ERR(t, "0x", -EINVAL);
	EXPECT_ULONG_ERR(t, "K", -EINVAL);
	EXPECT_ULONG_ERR(t, "12abc", -EINVAL);
	EXPECT_ULONG_ERR(t, "12 ", -EINVAL);
	EXPECT_ULONG_ERR(t, " 12", -EINVAL);
	EXPECT_ULONG_ERR(t, "-1", -EINVAL);
	EXPECT_ULONG_ERR(t, "+1", -EINVAL);
	EXPECT_ULONG_ERR(t, "1KK", -EINVAL);
	EXPECT_ULONG_ERR(t, "1T", -EINVAL);
	EXPECT_ULONG_ERR(t, "0x1g2", -EINVAL);
	EXPECT_ULONG_ERR(t, "12.5", -EINVAL);
}

static void ulong_rejects_overflow(struct ktest *t)
{
	EXPECT_ULONG_ERR(t, "18446744073709551616", -ERANGE);
	EXPECT_ULONG_ERR(t, "99999999999999999999999", -ERANGE);
	EXPECT_ULONG_ERR(t, "0x10000000000000000", -ERANGE);
	EXPECT_ULONG_ERR(t, "17179869184G", -ERANGE);	/* 2^34 GiB = 2^64 */
	EXPECT_ULONG(t, "17179869183G", 17179869183UL << 30);
	EXPECT_ULONG_ERR(t, "0x400000000000000K", -ERANGE);
}

static void errno_names(struct ktest *t)
{
	EXPECT_STREQ(t, errno_name(EINVAL), "EINVAL");
	EXPECT_STREQ(t, errno_name(-EINVAL), "EINVAL");
	EXPECT_STREQ(t, errno_name(-ENOMEM), "ENOMEM");
	EXPECT_STREQ(t, errno_name(ETIMEDOUT), "ETIMEDOUT");
	EXPECT_STREQ(t, errno_name(-E2BIG), "E2BIG");
	EXPECT_STREQ(t, errno_name(0), "E?");
	EXPECT_STREQ(t, errno_name(3), "E?");
	EXPECT_STREQ(t, errno_name(-100000), "E?");
	EXPECT_STREQ(t, errno_name(-__INT_MAX__ - 1), "E?");
}

static void errno_values_are_linux(struct ktest *t)
{
	EXPECT_EQ(t, EPERM, 1);
	EXPECT_EQ(t, ENOENT, 2);
	EXPECT_EQ(t, EIO, 5);
	EXPECT_EQ(t, E2BIG, 7);
	EXPECT_EQ(t, EAGAIN, 11);
	EXPECT_EQ(t, ENOMEM, 12);
	EXPECT_EQ(t, EFAULT, 14);
	EXPECT_EQ(t, EBUSY, 16);
	EXPECT_EQ(t, EEXIST, 17);
	EXPECT_EQ(t, ENODEV, 19);
	EXPECT_EQ(t, EINVAL, 22);
	EXPECT_EQ(t, ENOSPC, 28);
	EXPECT_EQ(t, ERANGE, 34);
	EXPECT_EQ(t, ENOSYS, 38);
	EXPECT_EQ(t, ETIMEDOUT, 110);
}

static const struct ktest_case cmdline_cases[] = {
	KTEST_CASE(splits_on_spaces, "key=value and bare flags split on spaces, in order"),
	KTEST_CASE(empty_and_blank, "an empty or all-blank line has no arguments"),
	KTEST_CASE(extra_whitespace_ignored, "runs of spaces, tabs and newlines separate like one space"),
	KTEST_CASE(quotes_group_and_vanish, "double quotes keep spaces inside one argument and are dropped"),
	KTEST_CASE(quoted_empty_value, "key=\"\" and key= give an empty, non-NULL value"),
	KTEST_CASE(value_keeps_later_equals, "only the first '=' splits key from value"),
	KTEST_CASE(unterminated_quote_fails, "an open quote fails with -EINVAL, keeps earlier arguments"),
	KTEST_CASE(empty_key_fails, "=value and \"\" fail with -EINVAL"),
	KTEST_CASE(too_many_arguments_fails, "one argument more than CMDLINE_MAX_ARGS fails with -ENOSPC"),
	KTEST_CASE(too_long_fails, "a line of CMDLINE_MAX_LEN bytes fails with -E2BIG, one less fits"),
	KTEST_CASE(copy_outlives_source, "the parsed arguments do not point into the source string"),
	KTEST_CASE(get_last_occurrence_wins, "cmdline_get returns the last value of an exact key"),
	KTEST_CASE(flags, "cmdline_has_flag is true only when the last occurrence is bare"),
	KTEST_CASE(get_bool_words, "on/1/yes/true and off/0/no/false parse as booleans"),
	KTEST_CASE(get_bool_flag_default_and_last, "a bare flag is true, absence gives the default, last wins"),
	KTEST_CASE(get_bool_rejects_junk, "any other value is -EINVAL and yields the default"),
	KTEST_CASE(ulong_decimal, "decimal numbers up to ULONG_MAX parse"),
	KTEST_CASE(ulong_hex, "0x/0X hex numbers parse in either case"),
	KTEST_CASE(ulong_size_suffixes, "K, M, G multiply by 2^10, 2^20, 2^30"),
	KTEST_CASE(ulong_rejects_malformed, "empty, signed, spaced or trailing-junk input is -EINVAL"),
	KTEST_CASE(ulong_rejects_overflow, "values beyond ULONG_MAX, suffix included, are -ERANGE"),
	KTEST_CASE(errno_names, "errno_name names known errors of either sign, E? otherwise"),
	KTEST_CASE(errno_values_are_linux, "the error numbers are Linux's"),
	{}
};
KTEST_SUITE(cmdline_suite, "lib.cmdline", cmdline_cases);
