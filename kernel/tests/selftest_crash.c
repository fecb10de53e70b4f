/*
 * "lib.ktest.selftest.crash": deliberate crashes that prove the crash path. Selected
 * only by name (ktest=lib.ktest.selftest.crash, or lib.ktest.selftest.panic): the run must
 * print the register dump and a symbolised backtrace, report the case as
 * failed with the reason, print the CRASH verdict and leave QEMU with the
 * crash code; tests/test-all checks all of that.
 */
#include <lib/ktest.h>
#include <lib/bug.h>
#include <lib/compiler.h>

/* The address is read from memory so the compiler cannot see the crash coming. */
static volatile uintptr_t unmapped_address = 0x10;

/* A few named frames so the backtrace has something to show. */
static __noinline void crash_write_to_unmapped(void)
{
	*(volatile unsigned long *)unmapped_address = 0xdead;
}

static __noinline void crash_one_level_up(void)
{
	crash_write_to_unmapped();
	__asm__ volatile("" ::: "memory");	/* keep the frame */
}

static void page_fault_is_reported(struct ktest *t)
{
	ktest_log(t, "about to write to address 0x10 on purpose");
	crash_one_level_up();
	ktest_fail(t, "the write to 0x10 did not fault");
}

static const struct ktest_case crash_cases[] = {
	KTEST_CASE(page_fault_is_reported, "a kernel page fault ends the run as a crash"),
	{}
};
KTEST_SUITE_BOOT_ONLY(selftest_crash_suite, "lib.ktest.selftest.crash", crash_cases);

static void panic_is_reported(struct ktest *t)
{
	panic("deliberate panic from the self-test (value %d)", 42);
}

static const struct ktest_case panic_cases[] = {
	KTEST_CASE(panic_is_reported, "panic() ends the run as a crash"),
	{}
};
KTEST_SUITE_BOOT_ONLY(selftest_panic_suite, "lib.ktest.selftest.panic", panic_cases);
