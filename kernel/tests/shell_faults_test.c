/*
 * kernel.shell.faults: each shell command that allocates, run through
 * shell_exec() with its Nth allocation failing (kernel/fault_inject.h),
 * for N = 1, 2, ... until it makes fewer than N: every failed attempt
 * must report an error (a non-zero status, after the command's own
 * message naming what failed), and after it (and the cleanup command a
 * case names, run without injection after the check) free pages, kmalloc objects,
 * per-CPU bytes and pgmap slots are exactly back at their baseline. The
 * last attempt, with nothing failing, must succeed. Runs on pmem0.
 */
#include <drivers/pmem/tests/pmem_test.h>
#include <kernel/fault_inject.h>
#include <kernel/shell.h>
#include <lib/ktest.h>
#include <lib/string.h>

#define MAX_POINTS	2000
#define SCRATCH		300000		/* sectors the write case overwrites, then restores */
#define SCRATCH_N	64

/* Run cmd (a copy: the shell splits it in place); its status. */
static int run(const char *cmd)
{
	char line[128];

	strlcpy(line, cmd, sizeof(line));
	return shell_exec(line);
}

/* Fail each allocation of cmd in turn; how many failed. */
static unsigned int fail_each(struct ktest *t, const char *cmd, const char *cleanup)
{
	unsigned int n, failed = 0, silent = 0;
	struct mem_books base;
	const char *at;
	int ret = -1;

	mem_books_now(&base);
	for (n = 1; n < MAX_POINTS; n++) {
		fault_inject_nth(n);
		ret = run(cmd);
		at = fault_injected();
		fault_inject_nth(0);
		if (!at)
			break;			/* it made fewer than n allocations */
		failed++;
		if (!ret && silent++ == 0)
			ktest_fail(t, "'%s': allocation %u (%s) failed, yet it returned 0", cmd, n,
				   at);
		/* the books first: what a failed command left must show, not be cleaned */
		if (!mem_books_back(t, &base, n, at))
			break;
		if (cleanup)
			run(cleanup);
	}
	EXPECT_EQ(t, ret, 0);		/* with nothing failing it works */
	EXPECT_EQ(t, silent, 0);
	ktest_log(t, "'%s': %u allocations failed in turn, each reported and unwound", cmd,
		  failed);
	if (cleanup)
		run(cleanup);
	return failed;
}

static void pmem_read_and_crc32_unwind(struct ktest *t)
{
	struct pmem_device *p = pmem_test_get(t, "pmem0");

	EXPECT_GE(t, fail_each(t, "pmem read pmem0 0 16", NULL), 1);
	EXPECT_GE(t, fail_each(t, "pmem crc32 pmem0 0 300", NULL), 1);
	put_device(&p->dev);
}

static void pmem_write_unwinds(struct ktest *t)
{
	struct pmem_device *p = pmem_test_get(t, "pmem0");
	static uint8_t saved[SCRATCH_N * PMEM_SECTOR_SIZE];

	ASSERT_EQ(t, pmem_rw(p, SCRATCH, saved, SCRATCH_N, PMEM_READ), 0);
	EXPECT_GE(t, fail_each(t, "pmem write pmem0 300000 0xa5 64", NULL), 1);
	EXPECT_EQ(t, pmem_rw(p, SCRATCH, saved, SCRATCH_N, PMEM_WRITE), 0);
	put_device(&p->dev);
}

static void pin_unwinds(struct ktest *t)
{
	struct pmem_device *p = pmem_test_get(t, "pmem0");

	if (!p->has_pages) {
		put_device(&p->dev);
		ktest_skip(t, "pmem0 has no struct pages");
	}
	/* an address space, a DAX mapping, page tables, the pins */
	EXPECT_GE(t, fail_each(t, "pin pmem0 3 8", "unpin"), 2);
	put_device(&p->dev);
}

static void bind_unwinds(struct ktest *t)
{
	struct pmem_device *p = pmem_test_get(t, "pmem0");

	ASSERT_EQ(t, run("unbind pmem0"), 0);
	EXPECT_GE(t, fail_each(t, "bind pmem0", NULL), 3);
	if (p->dev.state != DEVICE_BOUND)
		EXPECT_EQ(t, device_bind(&p->dev, "pmem"), 0);
	put_device(&p->dev);
}

static void fail_command_names_the_point(struct ktest *t)
{
	EXPECT_EQ(t, run("fail 1 pmem crc32 pmem0 0 1"), 1);
	EXPECT_EQ(t, run("fail 1000000 version"), 0);
	EXPECT_EQ(t, run("fail 0 version"), 2);
	EXPECT_EQ(t, run("fail 1 fail 1 version"), 2);
	EXPECT_EQ(t, run("fail 1 ktest lib.crc32"), 2);
	EXPECT_EQ(t, run("fail 1"), 2);
	EXPECT_EQ(t, run("fail 1 nosuchcmd"), 127);
	EXPECT_NULL(t, fault_injected());	/* disarmed after each */
}

#define SHELL_FAULT_CASE(fn, intent)	KTEST_CASE_NEEDS(fn, KTEST_NEEDS_NVDIMM, intent)

static const struct ktest_case shell_fault_cases[] = {
	SHELL_FAULT_CASE(fail_command_names_the_point,
			 "`fail N CMD` fails CMD's Nth allocation; bad uses refused"),
	SHELL_FAULT_CASE(pmem_read_and_crc32_unwind,
			 "pmem read and crc32 with each allocation failing: reported, unwound"),
	SHELL_FAULT_CASE(pmem_write_unwinds,
			 "pmem write with each allocation failing: reported, unwound"),
	SHELL_FAULT_CASE(pin_unwinds, "pin with each allocation failing: reported, unwound"),
	SHELL_FAULT_CASE(bind_unwinds, "bind with each allocation failing: reported, unwound"),
	{}
};
KTEST_SUITE(shell_fault_suite, "kernel.shell.faults", shell_fault_cases);
