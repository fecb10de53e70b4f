/*
 * The harness tests itself ("ktest.harness"): each check runs a small
 * inner case through ktest_run_inner() and asserts the status it ended
 * with, so a broken EXPECT or ASSERT shows up as a failure here rather
 * than as silently green suites everywhere else.
 */
#include <lib/ktest.h>
#include <lib/bug.h>

static int reached_after_assert;

static void inner_passes(struct ktest *t)		{ EXPECT_EQ(t, 2 + 2, 4); }
static void inner_expect_fails(struct ktest *t)		{ EXPECT_EQ(t, 2 + 2, 5); }
static void inner_expect_continues(struct ktest *t)
{
	EXPECT_TRUE(t, false);
	reached_after_assert = 1;
}
static void inner_assert_ends(struct ktest *t)
{
	ASSERT_NE(t, 1, 1);
	reached_after_assert = 1;
}
static void inner_skips(struct ktest *t)		{ ktest_skip(t, "on purpose"); }
static void inner_fail_then_skip(struct ktest *t)
{
	EXPECT_STREQ(t, "a", "b");
	ktest_skip(t, "too late to hide the failure");
}
static void inner_warns(struct ktest *t)
{
	EXPECT_EQ(t, ktest_warnings(t), 0);
	WARN(true, "deliberate warning from the harness test (value %d)", 42);
	EXPECT_EQ(t, ktest_warnings(t), 1);
}

static int body_ran;

static void inner_marks_that_it_ran(struct ktest *t)
{
	body_ran = 1;
}

#define INNER(fn) { #fn, fn, NULL, 0 }
static const struct ktest_case c_needs_too_much = {
	"needs_255_cpus", inner_marks_that_it_ran, NULL, KTEST_NEEDS_CPUS(255),
};
static const struct ktest_case c_needs_one_cpu = {
	"needs_1_cpu", inner_marks_that_it_ran, NULL, KTEST_NEEDS_CPUS(1),
};
static const struct ktest_case c_pass = INNER(inner_passes);
static const struct ktest_case c_expect = INNER(inner_expect_fails);
static const struct ktest_case c_continue = INNER(inner_expect_continues);
static const struct ktest_case c_assert = INNER(inner_assert_ends);
static const struct ktest_case c_skip = INNER(inner_skips);
static const struct ktest_case c_fail_skip = INNER(inner_fail_then_skip);
static const struct ktest_case c_warns = INNER(inner_warns);

static void passing_case_passes(struct ktest *t)
{
	EXPECT_EQ(t, ktest_run_inner(&c_pass), KTEST_PASS);
}

static void failed_expect_fails_case(struct ktest *t)
{
	EXPECT_EQ(t, ktest_run_inner(&c_expect), KTEST_FAIL);
}

static void expect_continues_after_failure(struct ktest *t)
{
	reached_after_assert = 0;
	EXPECT_EQ(t, ktest_run_inner(&c_continue), KTEST_FAIL);
	EXPECT_EQ(t, reached_after_assert, 1);
}

static void assert_ends_the_case(struct ktest *t)
{
	reached_after_assert = 0;
	EXPECT_EQ(t, ktest_run_inner(&c_assert), KTEST_FAIL);
	EXPECT_EQ(t, reached_after_assert, 0);
}

static void skip_reports_skip(struct ktest *t)
{
	EXPECT_EQ(t, ktest_run_inner(&c_skip), KTEST_SKIP);
}

static void skip_does_not_hide_failure(struct ktest *t)
{
	EXPECT_EQ(t, ktest_run_inner(&c_fail_skip), KTEST_FAIL);
}

static void warnings_are_counted(struct ktest *t)
{
	EXPECT_EQ(t, ktest_run_inner(&c_warns), KTEST_PASS);
	EXPECT_EQ(t, ktest_warnings(t), 1);
}

static void unmet_need_skips_without_running(struct ktest *t)
{
	body_ran = 0;
	EXPECT_EQ(t, ktest_run_inner(&c_needs_too_much), KTEST_SKIP);
	EXPECT_EQ(t, body_ran, 0);
}

static void met_need_runs_the_case(struct ktest *t)
{
	body_ran = 0;
	EXPECT_EQ(t, ktest_run_inner(&c_needs_one_cpu), KTEST_PASS);
	EXPECT_EQ(t, body_ran, 1);
}

static void current_is_the_running_case(struct ktest *t)
{
	EXPECT_TRUE(t, ktest_current() == t);
}

static void explicit_suites_need_their_name(struct ktest *t)
{
	/* lib.ktest.selftest.* suites exist but "*" or "lib.*" must not pick them. */
	EXPECT_TRUE(t, ktest_globs_match_any("lib.ktest.selftest.fail"));
	EXPECT_TRUE(t, ktest_globs_match_any("lib.ktest.selftest.*"));
	EXPECT_FALSE(t, ktest_globs_match_any("lib.ktest.sel*"));
	EXPECT_FALSE(t, ktest_globs_match_any("selftest.fail"));
	EXPECT_FALSE(t, ktest_globs_match_any("none"));
}

static const struct ktest_case harness_cases[] = {
	KTEST_CASE(passing_case_passes, "a case whose EXPECTs hold passes"),
	KTEST_CASE(failed_expect_fails_case, "one failed EXPECT fails the case"),
	KTEST_CASE(expect_continues_after_failure, "EXPECT records and carries on"),
	KTEST_CASE(assert_ends_the_case, "ASSERT ends the case at once"),
	KTEST_CASE(skip_reports_skip, "ktest_skip() ends the case as skipped"),
	KTEST_CASE(skip_does_not_hide_failure, "a skip after a failure stays a failure"),
	KTEST_CASE(warnings_are_counted, "WARN() is visible to the running case"),
	KTEST_CASE(unmet_need_skips_without_running,
		   "a case needing more CPUs than the machine has is skipped, not run"),
	KTEST_CASE(met_need_runs_the_case, "a case whose needs the machine meets runs"),
	KTEST_CASE(current_is_the_running_case, "ktest_current() is the case"),
	KTEST_CASE(explicit_suites_need_their_name, "'*' never selects the selftest suites"),
	{}
};
KTEST_SUITE(ktest_harness_suite, "lib.ktest", harness_cases);

/* --- deliberately failing suite: proves `not ok` and the FAIL verdict --- */

static void fails_on_purpose(struct ktest *t)
{
	ktest_log(t, "this case fails on purpose to prove the FAIL path");
	EXPECT_EQ(t, 1 + 1, 3);
}

static void passes_beside_the_failure(struct ktest *t)
{
	EXPECT_EQ(t, 1 + 1, 2);
}

static void skips_on_purpose(struct ktest *t)
{
	ktest_skip(t, "skipped on purpose to prove the SKIP directive");
}

static const struct ktest_case selftest_fail_cases[] = {
	KTEST_CASE(fails_on_purpose, "an EXPECT that cannot hold"),
	KTEST_CASE(passes_beside_the_failure, "a failure does not spill over"),
	KTEST_CASE(skips_on_purpose, "a skip is reported as # SKIP"),
	{}
};
KTEST_SUITE_EXPLICIT(selftest_fail_suite, "lib.ktest.selftest.fail", selftest_fail_cases);
