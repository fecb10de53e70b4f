/*
 * start_kernel(): from a machine the architecture has prepared to a
 * tested kernel waiting at the shell.
 *
 *   1. read the command line (bad syntax is reported and ignored);
 *   2. discover the platform's ACPI tables (bad tables are skipped), bring
 *      up the other CPUs the MADT lists (kernel/smp.h), and
 *      bind a pmem device to each persistent-memory region of the NFIT;
 *   3. run the boot self-tests selected by `ktest=` (default: all) and the
 *      benchmarks selected by `bench=` (default: none), and print the
 *      verdict line;
 *   4. with `shell=off`, leave QEMU with that verdict; otherwise open the
 *      serial shell.
 */
#include <kernel/main.h>
#include <kernel/sched.h>
#include <kernel/shell.h>
#include <kernel/smp.h>
#include <kernel/verdict.h>
#include <kernel/version.h>
#include <lib/bench.h>
#include <lib/cmdline.h>
#include <lib/errno.h>
#include <lib/ktest.h>
#include <lib/ktime.h>
#include <lib/printk.h>
#include <lib/vsprintf.h>
#include <lib/string.h>
#include <drivers/acpi/acpi.h>
#include <drivers/pmem/pmem.h>
#include <mm/mem_init.h>
#include <asm/platform.h>

static struct cmdline boot_cmdline;

const struct cmdline *kernel_cmdline(void)
{
	return &boot_cmdline;
}

static void parse_cmdline(void)
{
	const char *raw = arch_cmdline();
	unsigned long level;
	const char *v;
	int err;

	pr_info("Command line: %s", raw);
	err = cmdline_parse(&boot_cmdline, raw);
	if (err < 0) {
		pr_err("cmdline: %s at offset %zu (%s); keeping the %u arguments before it",
		       boot_cmdline.error, boot_cmdline.error_pos, errno_name(err),
		       boot_cmdline.nargs);
	}
	v = cmdline_get(&boot_cmdline, "loglevel");
	if (v) {
		if (parse_ulong(v, &level) < 0 || level > LOGLEVEL_DEBUG)
			pr_err("cmdline: loglevel=%s: expected 0..7", v);
		else
			printk_set_console_level((int)level);
	}
}

/* Runs the selected boot tests; returns the verdict they deserve. */
static enum verdict run_boot_tests(char *detail, size_t size)
{
	const char *globs = cmdline_get(&boot_cmdline, "ktest");
	const char *rep = cmdline_get(&boot_cmdline, "ktest.repeat");
	unsigned long repeat = 1;
	struct ktest_totals tot;

	if (!globs)
		globs = "*";
	if (!strcmp(globs, "none")) {
		scnprintf(detail, size, "no tests selected (ktest=none)");
		return VERDICT_PASS;
	}
	if (rep && (parse_ulong(rep, &repeat) < 0 || repeat == 0 || repeat > 100000)) {
		pr_err("cmdline: ktest.repeat=%s: expected a count from 1 to 100000; using 1", rep);
		repeat = 1;
	}
	if (!ktest_globs_match_any(globs)) {
		pr_err("ktest: '%s' selects no test (see 'ktest -l' in the shell)", globs);
		scnprintf(detail, size, "ktest=%s selects no test", globs);
		return VERDICT_FAIL;
	}
	pr_info("ktest: running '%s' (repeat %lu)", globs, repeat);
	ktest_run(globs, (unsigned int)repeat, &tot);
	scnprintf(detail, size, "%u passed, %u failed, %u skipped",
		  tot.passed, tot.failed, tot.skipped);
	return tot.failed ? VERDICT_FAIL : VERDICT_PASS;
}

static uint64_t ready_ns;	/* loader entry -> ready for the self-tests */

/* Selected benchmarks (`bench=GLOBS`); false if one could not run. */
static bool run_boot_benchmarks(void)
{
	const char *globs = cmdline_get(&boot_cmdline, "bench");
	unsigned int ran;
	int failed;

	if (!globs || !strcmp(globs, "none"))
		return true;
	if (!bench_globs_match_any(globs)) {
		pr_err("bench: '%s' selects no benchmark (see 'bench -l' in the shell)", globs);
		return false;
	}
	failed = bench_run_all(globs, &ran);
	pr_info("bench: %u benchmarks ran, %d could not run", ran, failed);
	return failed == 0;
}

static long long boot_ms_sample(struct bench_run *r)
{
	return (long long)(ready_ns / 1000);	/* thousandths of a ms */
}
BENCH(boot_kernel_ms, .name = "boot.kernel_ms", .unit = "ms", .samples = 1,
      .sample = boot_ms_sample);

void start_kernel(void)
{
	char detail[128];
	enum verdict v;
	bool shell = true;

	parse_cmdline();
	mem_init();
	sched_init();			/* this context becomes the thread "init" */
	acpi_init(arch_rsdp_phys());
	smp_boot_cpus();		/* every CPU up; interrupts on from here */
	pmem_init();			/* a pmem device per NFIT region */

	ready_ns = arch_since_loader_ns();
	v = run_boot_tests(detail, sizeof(detail));
	if (!run_boot_benchmarks() && v == VERDICT_PASS) {
		v = VERDICT_FAIL;
		scnprintf(detail, sizeof(detail), "a benchmark could not run");
	}
	verdict_print(v, detail);

	if (cmdline_get_bool(&boot_cmdline, "shell", true, &shell) < 0)
		pr_err("cmdline: shell=%s: expected on or off",
		       cmdline_get(&boot_cmdline, "shell"));
	pr_info("boot: %llu ms from loader entry to %s",
		(unsigned long long)(arch_since_loader_ns() / NSEC_PER_MSEC),
		shell ? "the shell" : "power-off");
	if (!shell)
		verdict_exit(v, detail);
	shell_run();
}
