/*
 * lib.glob: glob_match(), the matcher of test selection: literals, '?',
 * '*' in every position, backtracking, and a pattern that would take
 * exponential time in a naive recursive matcher.
 */
#include <lib/glob.h>
#include <lib/ktest.h>

static void literal(struct ktest *t)
{
	EXPECT_TRUE(t, glob_match("lib.crc32", "lib.crc32"));
	EXPECT_FALSE(t, glob_match("lib.crc32", "lib.crc3"));
	EXPECT_FALSE(t, glob_match("lib.crc3", "lib.crc32"));
	EXPECT_FALSE(t, glob_match("Lib", "lib"));	/* case matters */
	EXPECT_TRUE(t, glob_match("", ""));
	EXPECT_FALSE(t, glob_match("", "a"));
	EXPECT_FALSE(t, glob_match("a", ""));
}

static void question_mark_is_one_char(struct ktest *t)
{
	EXPECT_TRUE(t, glob_match("a?c", "abc"));
	EXPECT_FALSE(t, glob_match("a?c", "ac"));
	EXPECT_FALSE(t, glob_match("a?c", "abbc"));
	EXPECT_TRUE(t, glob_match("???", "xyz"));
	EXPECT_FALSE(t, glob_match("?", ""));
}

static void star_matches_any_run(struct ktest *t)
{
	EXPECT_TRUE(t, glob_match("*", ""));
	EXPECT_TRUE(t, glob_match("*", "anything.at.all"));
	EXPECT_TRUE(t, glob_match("mm.*", "mm."));		/* empty run */
	EXPECT_TRUE(t, glob_match("mm.*", "mm.alloc.big"));
	EXPECT_FALSE(t, glob_match("mm.*", "mm"));
	EXPECT_TRUE(t, glob_match("*ref", "percpu_ref"));
	EXPECT_TRUE(t, glob_match("per*ref", "percpu_ref"));
	EXPECT_TRUE(t, glob_match("**", "x"));
}

static void star_backtracks(struct ktest *t)
{
	/* The first 'b' is a false start; the star must give it back. */
	EXPECT_TRUE(t, glob_match("*bc", "abbc"));
	EXPECT_TRUE(t, glob_match("a*b*c", "aXbYbZc"));
	EXPECT_TRUE(t, glob_match("*a*a*", "banana"));
	EXPECT_FALSE(t, glob_match("*a*a*a*a", "banana"));
	EXPECT_TRUE(t, glob_match("lib.*.*_init", "lib.list.splice_init"));
	EXPECT_FALSE(t, glob_match("*.x", "a.x.y"));
}

static void star_and_question_mix(struct ktest *t)
{
	EXPECT_TRUE(t, glob_match("*?", "a"));
	EXPECT_FALSE(t, glob_match("*?", ""));
	EXPECT_TRUE(t, glob_match("?*?", "ab"));
	EXPECT_FALSE(t, glob_match("?*?", "a"));
	EXPECT_TRUE(t, glob_match("lib.?list*", "lib.xlist_test"));
}

static void special_chars_are_literal(struct ktest *t)
{
	EXPECT_TRUE(t, glob_match("[ab]", "[ab]"));
	EXPECT_FALSE(t, glob_match("[ab]", "a"));
	EXPECT_TRUE(t, glob_match("a\\b", "a\\b"));
	EXPECT_TRUE(t, glob_match("x,y", "x,y"));
}

static void pathological_pattern_is_fast(struct ktest *t)
{
	/* Exponential for naive recursion; linear-ish here. */
	static char str[201];

	memset(str, 'a', 200);
	str[200] = '\0';
	EXPECT_FALSE(t, glob_match("*a*a*a*a*a*a*a*a*a*a*a*a*b", str));
	EXPECT_TRUE(t, glob_match("*a*a*a*a*a*a*a*a*a*a*a*a*a", str));
}

static const struct ktest_case glob_cases[] = {
	KTEST_CASE(literal, "characters without meaning match only themselves, whole string"),
	KTEST_CASE(question_mark_is_one_char, "'?' matches exactly one character"),
	KTEST_CASE(star_matches_any_run, "'*' matches any run, the empty one included"),
	KTEST_CASE(star_backtracks, "'*' gives characters back after a false start"),
	KTEST_CASE(star_and_question_mix, "'*' and '?' combine"),
	KTEST_CASE(special_chars_are_literal, "brackets, backslash and comma have no special meaning"),
	KTEST_CASE(pathological_pattern_is_fast, "many stars against a long string do not blow up"),
	{}
};
KTEST_SUITE(glob_suite, "lib.glob", glob_cases);
