/*
 * The boot stages of a build with the self-test harness
 * (kernel/boot_stage.h): the self-tests selected by `ktest=` (default:
 * all; `ktest.repeat=N`), then the benchmarks selected by `bench=`
 * (default: none), and the shell commands `ktest` and `bench` that run
 * the same from the prompt. A crash while a case runs finishes its KTAP
 * lines (ktest_crash()) before the kernel's CRASH verdict.
 */
#include <kernel/boot_stage.h>
#include <kernel/main.h>
#include <kernel/shell.h>
#include <kernel/smp.h>
#include <drivers/base/device.h>
#include <drivers/pmem/pmem.h>
#include <lib/boot_param.h>
#include <lib/bench.h>
#include <lib/cmdline.h>
#include <lib/errno.h>
#include <lib/ktest.h>
#include <lib/printk.h>
#include <lib/string.h>
#include <lib/vsprintf.h>

#define REPEAT_MAX	100000	/* ktest.repeat= and ktest's REPEAT */

/* Tell the harness what this machine has, for the cases' declared needs,
 * and what may stop a run between cases (NULL: nothing). */
static void ktest_say_machine(const char *(*stop)(void))
{
	struct ktest_machine m = {
		.cpus = num_online_cpus(),
		.no_nvdimm = pmem_device_count() ? NULL : "no pmem device: the NFIT lists none",
		/* the kernel's persistent memory is pmem0 and pieces of it */
		.no_pmem = pmem_device_count() ? NULL : "no pmem device: the NFIT lists none",
		.stop = stop,
	};

	ktest_set_machine(&m);
}

BOOT_PARAM(ktest, "ktest", "GLOBS|none (default *)", "the self-tests the boot runs");
BOOT_PARAM(ktest_repeat, "ktest.repeat", "1..100000 (default 1)",
	   "run each selected self-test this many times");
BOOT_PARAM(bench, "bench", "GLOBS (default none)", "the benchmarks the boot runs");

/* `ktest=GLOBS` (default all): the verdict the selected tests deserve. */
static enum verdict run_boot_tests(const struct cmdline *cl, char *detail, size_t size)
{
	const char *globs = cmdline_get(cl, "ktest");
	const char *rep = cmdline_get(cl, "ktest.repeat");
	unsigned long repeat = 1;
	struct ktest_totals tot;

	if (!globs)
		globs = "*";
	if (!strcmp(globs, "none")) {
		scnprintf(detail, size, "no tests selected (ktest=none)");
		return VERDICT_PASS;
	}
	if (rep && (parse_ulong(rep, &repeat) < 0 || repeat == 0 || repeat > REPEAT_MAX)) {
		pr_err("cmdline: ktest.repeat=%s: expected a count from 1 to %u; using 1", rep,
		       REPEAT_MAX);
		repeat = 1;
	}
	if (!ktest_globs_match_any(globs)) {
		pr_err("ktest: '%s' selects no test (see 'ktest -l' in the shell)", globs);
		scnprintf(detail, size, "ktest=%s selects no test", globs);
		return VERDICT_FAIL;
	}
	wait_for_device_probe();	/* the tests see every device bound */
	pr_info("ktest: running '%s' (repeat %lu)", globs, repeat);
	ktest_say_machine(NULL);
	ktest_run(globs, (unsigned int)repeat, &tot);
	scnprintf(detail, size, "%u passed, %u failed, %u skipped",
		  tot.passed, tot.failed, tot.skipped);
	return tot.failed ? VERDICT_FAIL : VERDICT_PASS;
}

static void close_running_test(const char *reason)
{
	ktest_crash(reason);
}

static const struct boot_stage ktest_stage = {
	.name = "ktest", .order = 10, .run = run_boot_tests, .dying = close_running_test,
};
BOOT_STAGE(ktest_stage);

/* `bench=GLOBS` (default none): FAIL only if a benchmark could not run. */
static enum verdict run_boot_benchmarks(const struct cmdline *cl, char *detail, size_t size)
{
	const char *globs = cmdline_get(cl, "bench");
	struct bench_totals tot;
	int failed;

	if (!globs || !strcmp(globs, "none"))
		return VERDICT_PASS;
	if (!bench_globs_match_any(globs)) {
		pr_err("bench: '%s' selects no benchmark (see 'bench -l' in the shell)", globs);
		scnprintf(detail, size, "bench=%s selects no benchmark", globs);
		return VERDICT_FAIL;
	}
	wait_for_device_probe();
	failed = bench_run_all(globs, NULL, &tot);
	pr_info("bench: %u benchmarks ran, %d could not run", tot.ran, failed);
	if (failed)
		scnprintf(detail, size, "a benchmark could not run");
	return failed ? VERDICT_FAIL : VERDICT_PASS;
}

static const struct boot_stage bench_stage = {
	.name = "bench", .order = 20, .run = run_boot_benchmarks,
};
BOOT_STAGE(bench_stage);

static long long boot_ms_sample(struct bench_run *r)
{
	return (long long)(kernel_ready_ns() / 1000);	/* thousandths of a ms */
}
BENCH(boot_kernel_ms, .name = "boot.kernel_ms", .unit = "ms", .samples = 1,
      .sample = boot_ms_sample);

/*
 * Tests and benchmarks unbind, rebind and do I/O to the pmem devices:
 * with the shell holding pages of one (`pin`) or a queue frozen, they
 * would wait for the shell, which waits for them. Refuse instead.
 */
static bool shell_is_free(char **argv)
{
	char what[96];

	if (!shell_holds(NULL, what, sizeof(what)))
		return true;
	kprintf("%s: refused: the tests and benchmarks may touch every pmem device, and would "
		"wait for the shell itself: %s\n", argv[0], what);
	return false;
}

static bool no_probe_pending(void *arg)
{
	return !device_probes_pending();
}

/* The tests and benchmarks see every device bound: wait for the probes, or ^C. */
static bool probes_done(char **argv)
{
	if (shell_wait(no_probe_pending, NULL, 0, NULL) != -EINTR)
		return true;
	kprintf("%s: interrupted while waiting for the background probes ('devices')\n",
		argv[0]);
	return false;
}

#define STOPPED_BY_CTRL_C	"stopped by Ctrl-C"

/*
 * ktest's cases run commands of their own (kernel.shell.faults): ^C is
 * masked while they run, and looked for here, between cases and repeats.
 */
static const char *ktest_stop(void)
{
	bool stop;

	shell_interrupt_mask(false);
	stop = shell_interrupted();
	shell_interrupt_mask(true);
	return stop ? STOPPED_BY_CTRL_C : NULL;
}

static int cmd_ktest(int argc, char **argv)
{
	const char *globs = argc > 1 ? argv[1] : "*";
	unsigned long repeat = 1;
	struct ktest_totals tot;

	if (argc > 3)
		return shell_usage_error(argv, "too many arguments");
	if (argc > 1 && !strcmp(argv[1], "-l")) {
		if (argc > 2)
			return shell_usage_error(argv, "-l takes nothing after it");
		ktest_list();
		return 0;
	}
	if (argc > 2 && !shell_number(argv, "REPEAT", argv[2], 1, REPEAT_MAX, &repeat))
		return 2;
	if (!ktest_globs_match_any(globs))
		return shell_usage_error(argv, "'%s' selects no test (ktest -l lists them)", globs);
	if (ktest_globs_boot_only(globs)) {
		kprintf("ktest: refused: '%s' selects %s, which crashes the kernel or overwrites a "
			"device on purpose: boot it with ktest=%s instead\n", globs,
			ktest_globs_boot_only(globs), globs);
		return 1;
	}
	if (!shell_is_free(argv))
		return 1;
	if (!probes_done(argv))
		return SHELL_INTERRUPTED;
	ktest_say_machine(ktest_stop);
	shell_interrupt_mask(true);
	ktest_run(globs, (unsigned int)repeat, &tot);
	shell_interrupt_mask(false);
	ktest_say_machine(NULL);
	if (tot.stopped) {
		kprintf("ktest: %s: %u passed, %u failed, %u skipped; %u not run (reported as "
			"skipped)\n", STOPPED_BY_CTRL_C, tot.passed, tot.failed, tot.skipped,
			tot.not_run);
		return SHELL_INTERRUPTED;
	}
	kprintf("ktest: %u passed, %u failed, %u skipped\n",
		tot.passed, tot.failed, tot.skipped);
	return tot.failed ? 1 : 0;
}
SHELL_COMMAND(ktest, "[GLOBS|-l] [REPEAT]", "run self-tests (default all) or list them",
	      "GLOBS: comma-separated shell patterns (* ? [...]) over suite names and\n"
	      "      SUITE.CASE names (default *: every suite but the explicit ones, which only\n"
	      "      a pattern spelling out their parent selects); the boot-only suites are\n"
	      "      refused here (boot them with ktest=GLOBS)\n"
	      "-l: list every suite and case with its intent, then the counts\n"
	      "REPEAT: runs of each selected case, 1 to 100000 (default 1); a case passes only\n"
	      "      if every run does\n"
	      "Ctrl-C stops the run between two cases or two repeats, never inside a case;\n"
	      "      the case it stops and those not run are reported '# SKIP stopped by Ctrl-C'\n"
	      "Refused while 'pin' holds pages or a queue is frozen (the tests would wait).\n"
	      "examples: ktest lib.crc32; ktest 'lib.*,mm.buddy' 10; ktest -l\n", cmd_ktest);

static int cmd_bench(int argc, char **argv)
{
	const char *globs = argc > 1 ? argv[1] : "*";
	struct bench_totals tot;
	int failed;

	if (argc > 2)
		return shell_usage_error(argv, "too many arguments");
	if (argc > 1 && !strcmp(argv[1], "-l")) {
		bench_print_list();
		return 0;
	}
	if (!bench_globs_match_any(globs))
		return shell_usage_error(argv, "'%s' selects no benchmark (bench -l lists them)", globs);
	if (!shell_is_free(argv))
		return 1;
	if (!probes_done(argv))
		return SHELL_INTERRUPTED;
	/* ^C between two benchmarks, never inside one: its setup would stay
	 * undone, its figure would be wrong */
	failed = bench_run_all(globs, shell_interrupted, &tot);
	if (tot.stopped) {
		kprintf("bench: %s after %u of %u benchmarks (%d could not run); the other %u "
			"not run\n", STOPPED_BY_CTRL_C, tot.ran, tot.selected, failed,
			tot.selected - tot.ran);
		return SHELL_INTERRUPTED;
	}
	kprintf("bench: %u ran, %d could not run\n", tot.ran, failed);
	return failed ? 1 : 0;
}
SHELL_COMMAND(bench, "[GLOBS|-l]", "run benchmarks (default all) or list them",
	      "GLOBS: comma-separated shell patterns over benchmark names (default *)\n"
	      "-l: list the benchmarks\n"
	      "Each prints a line and a BENCH {json} record. Ctrl-C stops the run between two\n"
	      "      benchmarks, never inside one. Refused while 'pin' holds pages or a queue\n"
	      "      is frozen.\n"
	      "examples: bench boot.kernel_ms; bench 'mm.*'; bench -l\n", cmd_bench);

