/*
 * lib.vsprintf: the formatter, one conversion or rule per case.
 *
 * Every check formats into a buffer and compares both the text and the
 * return value. Calls go through fmt(), a variadic wrapper around
 * vsnprintf, so that the host compiler cannot evaluate a constant
 * snprintf() itself and leave our code untested. Odd formats that gcc
 * would warn about are passed in a variable (odd_fmt).
 */
#include <lib/ktest.h>
#include <lib/vsprintf.h>
#include <lib/kallsyms.h>

#define LLONG_MIN_	(-__LONG_LONG_MAX__ - 1)
#define ULLONG_MAX_	(__LONG_LONG_MAX__ * 2ULL + 1)

static __noinline __printf(3, 4) int fmt(char *buf, size_t size, const char *f, ...)
{
	va_list ap;
	int n;

	va_start(ap, f);
	n = vsnprintf(buf, size, f, ap);
	va_end(ap);
	return n;
}

/* The same without format checking, for deliberately odd formats. */
static __noinline int odd_fmt(char *buf, size_t size, const char *f, ...)
{
	va_list ap;
	int n;

	va_start(ap, f);
	n = vsnprintf(buf, size, f, ap);
	va_end(ap);
	return n;
}

/* Format into a roomy buffer; expect the text and its length back. */
#define EXPECT_FMT(t, expected, ...) do {				\
	char __buf[160];						\
	int __n = fmt(__buf, sizeof(__buf), __VA_ARGS__);		\
	EXPECT_STREQ(t, __buf, expected);				\
	EXPECT_EQ(t, __n, (int)strlen(expected));			\
} while (0)

#define EXPECT_ODD_FMT(t, expected, ...) do {				\
	char __buf[160];						\
	int __n = odd_fmt(__buf, sizeof(__buf), __VA_ARGS__);		\
	EXPECT_STREQ(t, __buf, expected);				\
	EXPECT_EQ(t, __n, (int)strlen(expected));			\
} while (0)

/* --- plain text and %% ---------------------------------------------- */

static void plain_text(struct ktest *t)
{
	EXPECT_FMT(t, "hello, world", "hello, world");
	EXPECT_FMT(t, "", "%s", "");
}

static void percent_literal(struct ktest *t)
{
	EXPECT_FMT(t, "100%", "100%%");
	EXPECT_FMT(t, "%d", "%%d");
}

/* --- integers ---------------------------------------------------------- */

static void d_positive_negative_zero(struct ktest *t)
{
	EXPECT_FMT(t, "42", "%d", 42);
	EXPECT_FMT(t, "-42", "%d", -42);
	EXPECT_FMT(t, "0", "%d", 0);
	EXPECT_FMT(t, "7 -7", "%i %i", 7, -7);
}

static void d_int_limits(struct ktest *t)
{
	EXPECT_FMT(t, "2147483647", "%d", __INT_MAX__);
	EXPECT_FMT(t, "-2147483648", "%d", -__INT_MAX__ - 1);
}

static void u_unsigned(struct ktest *t)
{
	EXPECT_FMT(t, "4294967295", "%u", 4294967295u);
	EXPECT_FMT(t, "4294967295", "%u", (unsigned int)-1);
	EXPECT_FMT(t, "0", "%u", 0u);
}

static void x_and_X(struct ktest *t)
{
	EXPECT_FMT(t, "deadbeef", "%x", 0xdeadbeefu);
	EXPECT_FMT(t, "DEADBEEF", "%X", 0xdeadbeefu);
	EXPECT_FMT(t, "0", "%x", 0u);
}

static void o_octal(struct ktest *t)
{
	EXPECT_FMT(t, "755", "%o", 0755u);
	EXPECT_FMT(t, "37777777777", "%o", 0xffffffffu);
}

static void alt_hex_prefix(struct ktest *t)
{
	EXPECT_FMT(t, "0xff", "%#x", 255u);
	EXPECT_FMT(t, "0XFF", "%#X", 255u);
	EXPECT_FMT(t, "0", "%#x", 0u);	/* no prefix on zero */
}

static void alt_octal_leading_zero(struct ktest *t)
{
	EXPECT_FMT(t, "010", "%#o", 8u);
	EXPECT_FMT(t, "0", "%#o", 0u);
	EXPECT_FMT(t, "0012", "%#.4o", 10u);	/* precision already gives a 0 */
}

static void width_right_aligns(struct ktest *t)
{
	EXPECT_FMT(t, "   42", "%5d", 42);
	EXPECT_FMT(t, "  -42", "%5d", -42);
	EXPECT_FMT(t, "123456", "%3d", 123456);	/* never truncates */
}

static void minus_left_aligns(struct ktest *t)
{
	EXPECT_FMT(t, "42   |", "%-5d|", 42);
	EXPECT_FMT(t, "ff   |", "%-5x|", 255u);
}

static void zero_pads_after_sign(struct ktest *t)
{
	EXPECT_FMT(t, "00042", "%05d", 42);
	EXPECT_FMT(t, "-0042", "%05d", -42);
	EXPECT_FMT(t, "+0042", "%+05d", 42);
	EXPECT_FMT(t, "0x00ff", "%#06x", 255u);
}

static void zero_ignored_with_minus_or_precision(struct ktest *t)
{
	EXPECT_ODD_FMT(t, "42   |", "%-05d|", 42);
	EXPECT_ODD_FMT(t, "  007", "%05.3d", 7);
}

static void plus_and_space_flags(struct ktest *t)
{
	EXPECT_FMT(t, "+5", "%+d", 5);
	EXPECT_FMT(t, "-5", "%+d", -5);
	EXPECT_FMT(t, "+0", "%+d", 0);
	EXPECT_FMT(t, " 5", "% d", 5);
	EXPECT_FMT(t, "-5", "% d", -5);
	EXPECT_ODD_FMT(t, "+5", "%+ d", 5);	/* '+' beats ' ' */
}

static void precision_sets_min_digits(struct ktest *t)
{
	EXPECT_FMT(t, "007", "%.3d", 7);
	EXPECT_FMT(t, "-007", "%.3d", -7);
	EXPECT_FMT(t, "12345", "%.3d", 12345);
	EXPECT_FMT(t, "  00ff", "%6.4x", 255u);
}

static void precision_zero_of_zero_is_empty(struct ktest *t)
{
	EXPECT_FMT(t, "", "%.0d", 0);
	EXPECT_FMT(t, "     |", "%5.0d|", 0);
	EXPECT_FMT(t, "", "%.0x", 0u);
	EXPECT_FMT(t, "+", "%+.0d", 0);
}

static void star_width(struct ktest *t)
{
	EXPECT_FMT(t, "   42", "%*d", 5, 42);
	EXPECT_FMT(t, "42   |", "%*d|", -5, 42);	/* negative: left-align */
	EXPECT_FMT(t, "  abc", "%*s", 5, "abc");
}

static void star_precision(struct ktest *t)
{
	EXPECT_FMT(t, "ab", "%.*s", 2, "abcdef");
	EXPECT_FMT(t, "007", "%.*d", 3, 7);
	EXPECT_FMT(t, "7", "%.*d", -1, 7);		/* negative: no precision */
	EXPECT_FMT(t, "   07", "%*.*d", 5, 2, 7);
}

/* --- length modifiers --------------------------------------------------- */

static void length_hh(struct ktest *t)
{
	EXPECT_FMT(t, "-1", "%hhd", 255);
	EXPECT_FMT(t, "1", "%hhu", 257);
	EXPECT_FMT(t, "80", "%hhx", 0x180);
}

static void length_h(struct ktest *t)
{
	EXPECT_FMT(t, "-1", "%hd", 65535);
	EXPECT_FMT(t, "5", "%hu", 65536 + 5);
	EXPECT_FMT(t, "-32768", "%hd", 32768);
}

static void length_l(struct ktest *t)
{
	EXPECT_FMT(t, "-9223372036854775808", "%ld", -__LONG_MAX__ - 1);
	EXPECT_FMT(t, "ffffffffffffffff", "%lx", ~0UL);
	EXPECT_FMT(t, "123456789012", "%lu", 123456789012UL);
}

static void length_ll_limits(struct ktest *t)
{
	EXPECT_FMT(t, "-9223372036854775808", "%lld", LLONG_MIN_);
	EXPECT_FMT(t, "9223372036854775807", "%lld", __LONG_LONG_MAX__);
	EXPECT_FMT(t, "18446744073709551615", "%llu", ULLONG_MAX_);
	EXPECT_FMT(t, "FFFFFFFFFFFFFFFF", "%llX", ULLONG_MAX_);
	EXPECT_FMT(t, "1777777777777777777777", "%llo", ULLONG_MAX_);
}

static void llong_min_with_flags(struct ktest *t)
{
	EXPECT_FMT(t, "  -9223372036854775808", "%22lld", LLONG_MIN_);
	EXPECT_FMT(t, "-009223372036854775808", "%022lld", LLONG_MIN_);
}

static void length_z_t_j(struct ktest *t)
{
	EXPECT_FMT(t, "18446744073709551615", "%zu", (size_t)-1);
	EXPECT_FMT(t, "-3", "%zd", (ptrdiff_t)-3);
	EXPECT_FMT(t, "-7", "%td", (ptrdiff_t)-7);
	EXPECT_FMT(t, "-9223372036854775808", "%jd", (intmax_t)LLONG_MIN_);
	EXPECT_FMT(t, "18446744073709551615", "%ju", (uintmax_t)ULLONG_MAX_);
}

static void many_arguments_in_order(struct ktest *t)
{
	EXPECT_FMT(t, "a=1 b=-2 c=0x3 d=four e=5 f=F",
		   "a=%d b=%ld c=%#llx d=%s e=%zu f=%c",
		   1, -2L, 3ULL, "four", (size_t)5, 'F');
}

/* --- characters and strings --------------------------------------------- */

static void c_character(struct ktest *t)
{
	EXPECT_FMT(t, "A", "%c", 'A');
	EXPECT_FMT(t, "  A", "%3c", 'A');
	EXPECT_FMT(t, "A  |", "%-3c|", 'A');
}

static void c_nul_counts_as_one(struct ktest *t)
{
	char buf[8] = "xxxxxxx";

	EXPECT_EQ(t, fmt(buf, sizeof(buf), "%c", 0), 1);
	EXPECT_EQ(t, buf[0], 0);
	EXPECT_EQ(t, buf[1], 0);
}

static void s_width_and_alignment(struct ktest *t)
{
	EXPECT_FMT(t, "   abc|", "%6s|", "abc");
	EXPECT_FMT(t, "abc   |", "%-6s|", "abc");
	EXPECT_FMT(t, "abcdef", "%3s", "abcdef");
}

static void s_precision_limits_read(struct ktest *t)
{
	/* Not NUL-terminated: precision must stop the read (ASan watches). */
	static const char unterminated[3] = { 'a', 'b', 'c' };

	EXPECT_FMT(t, "abc", "%.3s", unterminated);
	EXPECT_FMT(t, "ab", "%.2s", unterminated);
	EXPECT_FMT(t, "   ab", "%5.2s", unterminated);
	EXPECT_FMT(t, "", "%.0s", "abc");
}

static void s_null_prints_null(struct ktest *t)
{
	const char *volatile nothing = NULL;

	EXPECT_FMT(t, "(null)", "%s", nothing);
	EXPECT_FMT(t, "  (null)", "%8s", nothing);
}

/* --- return value and truncation ------------------------------------------ */

static void truncation_returns_full_length(struct ktest *t)
{
	char buf[4];

	EXPECT_EQ(t, fmt(buf, sizeof(buf), "abcdef"), 6);
	EXPECT_STREQ(t, buf, "abc");
	EXPECT_EQ(t, fmt(buf, sizeof(buf), "%d", 12345), 5);
	EXPECT_STREQ(t, buf, "123");
}

static void truncation_mid_padding(struct ktest *t)
{
	char buf[8];

	EXPECT_EQ(t, fmt(buf, sizeof(buf), "%100d", 1), 100);
	EXPECT_STREQ(t, buf, "       ");
}

static void size_zero_writes_nothing(struct ktest *t)
{
	char buf[4] = "xyz";

	EXPECT_EQ(t, fmt(NULL, 0, "%d", 12345), 5);
	EXPECT_EQ(t, fmt(buf, 0, "%s", "abc"), 3);
	EXPECT_STREQ(t, buf, "xyz");
}

static void size_one_only_terminates(struct ktest *t)
{
	char buf[4] = "xyz";

	EXPECT_EQ(t, fmt(buf, 1, "abc"), 3);
	EXPECT_EQ(t, buf[0], 0);
	EXPECT_EQ(t, buf[1], 'y');
}

static void exact_fit(struct ktest *t)
{
	char buf[7];

	EXPECT_EQ(t, fmt(buf, sizeof(buf), "abcdef"), 6);
	EXPECT_STREQ(t, buf, "abcdef");
}

static void snprintf_itself(struct ktest *t)
{
	/* Through a pointer, so no compiler builtin stands in for it. */
	int (*volatile fn)(char *, size_t, const char *, ...) = snprintf;
	char buf[8];

	EXPECT_EQ(t, fn(buf, sizeof(buf), "%d-%s", 12, "abcdefgh"), 11);
	EXPECT_STREQ(t, buf, "12-abcd");
}

static void scnprintf_returns_written(struct ktest *t)
{
	int (*volatile fn)(char *, size_t, const char *, ...) = scnprintf;
	char buf[4];

	EXPECT_EQ(t, fn(buf, sizeof(buf), "abcdef"), 3);
	EXPECT_STREQ(t, buf, "abc");
	EXPECT_EQ(t, fn(buf, sizeof(buf), "ab"), 2);
	EXPECT_EQ(t, fn(buf, 0, "abcdef"), 0);
	EXPECT_EQ(t, fn(buf, 1, "abcdef"), 0);
	EXPECT_EQ(t, buf[0], 0);
}

/* --- pointers --------------------------------------------------------------- */

static void p_is_0x_and_16_digits(struct ktest *t)
{
	EXPECT_FMT(t, "0x0000000000001234", "%p", (void *)0x1234);
	EXPECT_FMT(t, "0x0000000000000000", "%p", NULL);
	EXPECT_FMT(t, "0xffff800000000000", "%p", (void *)0xffff800000000000UL);
	EXPECT_FMT(t, "0xffffffffffffffff", "%p", (void *)~0UL);
}

static void p_width(struct ktest *t)
{
	EXPECT_FMT(t, "  0x0000000000000001|", "%20p|", (void *)1);
	EXPECT_FMT(t, "0x0000000000000001  |", "%-20p|", (void *)1);
}

static void p_followed_by_letter(struct ktest *t)
{
	/* Only S and s extend %p; any other letter is plain text. */
	EXPECT_FMT(t, "0x0000000000000001x", "%px", (void *)1);
}

static void pS_unknown_falls_back_to_hex(struct ktest *t)
{
	/* Address 0x10 is in no symbol, in the kernel or on the host. */
	EXPECT_FMT(t, "0x0000000000000010", "%pS", (void *)0x10);
	EXPECT_FMT(t, "0x0000000000000010", "%ps", (void *)0x10);
	EXPECT_FMT(t, "[0x0000000000000010]", "[%pS]", (void *)0x10);
}

/* A function whose own name %pS must find. */
static __noinline int vsprintf_test_target(int x)
{
	return x * 3 + 1;
}

static void pS_names_a_function(struct ktest *t)
{
	unsigned long addr = (unsigned long)&vsprintf_test_target;
	unsigned long off, size, pick;
	const char *name;
	char expect[96];

	if (kallsyms_count() == 0)
		ktest_skip(t, "no kallsyms table (host build)");
	EXPECT_EQ(t, vsprintf_test_target(2), 7);

	name = kallsyms_lookup(addr, &off, &size);
	ASSERT_NOT_NULL(t, name);
	EXPECT_STREQ(t, name, "vsprintf_test_target");
	EXPECT_EQ(t, off, 0);

	/* One byte in, when the symbol is that long. */
	pick = size > 1 ? 1 : 0;
	fmt(expect, sizeof(expect), "vsprintf_test_target+0x%lx/0x%lx", pick, size);
	EXPECT_FMT(t, expect, "%pS", (void *)(addr + pick));
	EXPECT_FMT(t, "vsprintf_test_target", "%ps", (void *)(addr + pick));
}

/* --- what is not a conversion -------------------------------------------------- */

static void unknown_conversion_printed_verbatim(struct ktest *t)
{
	EXPECT_ODD_FMT(t, "%y", "%y");
	EXPECT_ODD_FMT(t, "a%5yb", "a%5yb");
	EXPECT_ODD_FMT(t, "abc%", "abc%");
}

static const struct ktest_case vsprintf_cases[] = {
	KTEST_CASE(plain_text, "text without conversions is copied as is"),
	KTEST_CASE(percent_literal, "%% prints one percent sign"),
	KTEST_CASE(d_positive_negative_zero, "%d and %i print signed decimals"),
	KTEST_CASE(d_int_limits, "%d prints INT_MAX and INT_MIN exactly"),
	KTEST_CASE(u_unsigned, "%u prints the full unsigned int range"),
	KTEST_CASE(x_and_X, "%x is lower-case hex, %X upper-case"),
	KTEST_CASE(o_octal, "%o prints octal"),
	KTEST_CASE(alt_hex_prefix, "%#x adds 0x except to zero"),
	KTEST_CASE(alt_octal_leading_zero, "%#o makes the first digit 0"),
	KTEST_CASE(width_right_aligns, "a width pads on the left, never truncates"),
	KTEST_CASE(minus_left_aligns, "'-' pads on the right"),
	KTEST_CASE(zero_pads_after_sign, "'0' pads with zeros between sign/prefix and digits"),
	KTEST_CASE(zero_ignored_with_minus_or_precision, "'0' is ignored with '-' or a precision"),
	KTEST_CASE(plus_and_space_flags, "'+' and ' ' give non-negative numbers a sign"),
	KTEST_CASE(precision_sets_min_digits, "an integer precision is a minimum digit count"),
	KTEST_CASE(precision_zero_of_zero_is_empty, "precision 0 prints no digits for 0"),
	KTEST_CASE(star_width, "'*' takes the width from the arguments"),
	KTEST_CASE(star_precision, "'.*' takes the precision from the arguments"),
	KTEST_CASE(length_hh, "hh narrows to char"),
	KTEST_CASE(length_h, "h narrows to short"),
	KTEST_CASE(length_l, "l reads a long"),
	KTEST_CASE(length_ll_limits, "ll prints LLONG_MIN and ULLONG_MAX exactly"),
	KTEST_CASE(llong_min_with_flags, "LLONG_MIN pads correctly with width and '0'"),
	KTEST_CASE(length_z_t_j, "z, t and j read size_t, ptrdiff_t, intmax_t"),
	KTEST_CASE(many_arguments_in_order, "mixed conversions consume arguments in order"),
	KTEST_CASE(c_character, "%c prints one character, padded"),
	KTEST_CASE(c_nul_counts_as_one, "%c of 0 writes a NUL and counts it"),
	KTEST_CASE(s_width_and_alignment, "%s pads to the width and never truncates without precision"),
	KTEST_CASE(s_precision_limits_read, "%.Ns reads at most N bytes"),
	KTEST_CASE(s_null_prints_null, "a NULL %s prints (null)"),
	KTEST_CASE(truncation_returns_full_length, "a short buffer truncates but returns the full length"),
	KTEST_CASE(truncation_mid_padding, "truncation inside padding still counts the padding"),
	KTEST_CASE(size_zero_writes_nothing, "size 0 only measures"),
	KTEST_CASE(size_one_only_terminates, "size 1 writes just the NUL"),
	KTEST_CASE(exact_fit, "output of size-1 characters fits exactly"),
	KTEST_CASE(snprintf_itself, "snprintf agrees with vsnprintf"),
	KTEST_CASE(scnprintf_returns_written, "scnprintf returns what it stored, not what it wanted"),
	KTEST_CASE(p_is_0x_and_16_digits, "%p prints 0x and 16 hex digits"),
	KTEST_CASE(p_width, "%p honours width and '-'"),
	KTEST_CASE(p_followed_by_letter, "a letter other than S/s after %p is plain text"),
	KTEST_CASE(pS_unknown_falls_back_to_hex, "%pS and %ps of an unknown address print hex"),
	KTEST_CASE(pS_names_a_function, "%pS prints symbol+0xoff/0xsize of a known function"),
	KTEST_CASE(unknown_conversion_printed_verbatim, "an unknown conversion is printed as written"),
	{}
};
KTEST_SUITE(vsprintf_suite, "lib.vsprintf", vsprintf_cases);
