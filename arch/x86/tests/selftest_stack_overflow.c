/*
 * "lib.ktest.selftest.stack_overflow": a deliberate kernel stack overflow that
 * proves the guard page and the double-fault stack. Selected only by name
 * (ktest=lib.ktest.selftest.stack_overflow). The recursion runs off the bottom of
 * the boot stack into its unmapped guard page; the CPU cannot push the
 * page fault's frame there, so it raises a double fault, which runs on
 * its own IST stack and is reported ("a kernel stack overflowed", the
 * registers, a backtrace) before the run ends with the CRASH verdict.
 * tests/test-all checks that.
 */
#include <lib/compiler.h>
#include <lib/ktest.h>

/* Never reached; read at run time so the recursion is not infinite to gcc. */
static volatile unsigned long depth_limit = ~0UL;

static __noinline unsigned long recurse(unsigned long depth)
{
	volatile char frame[512];

	frame[0] = (char)depth;
	if (depth == depth_limit)
		return 0;
	return recurse(depth + 1) + frame[0];
}

static void stack_overflow_is_reported(struct ktest *t)
{
	ktest_log(t, "recursing until the boot stack runs into its guard page");
	recurse(0);
	ktest_fail(t, "the recursion returned");
}

static const struct ktest_case stack_overflow_cases[] = {
	KTEST_CASE(stack_overflow_is_reported,
		   "overflowing the boot stack is a double fault, reported as a crash"),
	{}
};
KTEST_SUITE_BOOT_ONLY(stack_overflow_suite, "lib.ktest.selftest.stack_overflow", stack_overflow_cases);
