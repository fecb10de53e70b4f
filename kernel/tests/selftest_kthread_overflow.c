/*
 * "lib.ktest.selftest.kthread_stack_overflow": a deliberate overflow of a kernel
 * thread's stack, which proves its guard (kernel/kstack.h). Selected only
 * by name. The thread recurses until it writes into the unmapped guard
 * below its stack; the page fault cannot push its frame there, so the CPU
 * raises a double fault, which runs on its IST stack and is reported ("a
 * kernel stack overflowed", registers, a backtrace through the thread's
 * frames) before the run ends with the CRASH verdict. tests/test-all
 * checks that.
 */
#include <kernel/kthread.h>
#include <lib/compiler.h>
#include <lib/ktest.h>

/* Never reached; read at run time so the recursion is not infinite to gcc. */
static volatile unsigned long depth_limit = ~0UL;

static __noinline unsigned long recurse(unsigned long depth)
{
	volatile char frame[256];

	frame[0] = (char)depth;
	if (depth == depth_limit)
		return 0;
	return recurse(depth + 1) + frame[0];
}

static int overflow_thread(void *arg)
{
	return (int)recurse(0);
}

static void kthread_stack_overflow_is_reported(struct ktest *t)
{
	struct task_struct *th;

	ktest_log(t, "a thread on CPU 0 recurses into the guard below its stack");
	th = kthread_run_on(0, overflow_thread, NULL);
	ASSERT_FALSE(t, IS_ERR(th));
	kthread_join(th);
	ktest_fail(t, "the thread returned");
}

static const struct ktest_case kthread_overflow_cases[] = {
	KTEST_CASE(kthread_stack_overflow_is_reported,
		   "overflowing a kernel thread's stack is a double fault, reported"),
	{}
};
KTEST_SUITE_BOOT_ONLY(kthread_overflow_suite, "lib.ktest.selftest.kthread_stack_overflow",
		     kthread_overflow_cases);
