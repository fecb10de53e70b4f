/*
 * start_kernel(): from a machine the architecture has prepared to a
 * tested kernel waiting at the shell.
 *
 *   1. read the command line (bad syntax is reported and ignored);
 *   2. discover the platform's ACPI tables (bad tables are skipped), bring
 *      up the other CPUs the MADT lists (kernel/smp.h), and
 *      bind a pmem device to each persistent-memory region of the NFIT;
 *   3. run the boot stages (kernel/boot_stage.h: in a build with the
 *      self-test harness, the self-tests selected by `ktest=`, default
 *      all, and the benchmarks selected by `bench=`, default none) and
 *      print the verdict line;
 *   4. with `shell=off`, leave QEMU with that verdict; otherwise open the
 *      serial shell.
 */
#include <kernel/boot_stage.h>
#include <kernel/main.h>
#include <kernel/sched.h>
#include <lib/console_mode.h>
#include <mm/meminfo.h>
#include <kernel/shell.h>
#include <kernel/smp.h>
#include <kernel/verdict.h>
#include <kernel/version.h>
#include <lib/cmdline.h>
#include <lib/errno.h>
#include <lib/ktime.h>
#include <lib/printk.h>
#include <lib/vsprintf.h>
#include <lib/string.h>
#include <drivers/acpi/acpi.h>
#include <drivers/pmem/pmem.h>
#include <kernel/padata.h>
#include <kernel/trace_setup.h>
#include <mm/mem_init.h>
#include <lib/boot_param.h>
#include <asm/platform.h>

BOOT_PARAM(loglevel, "loglevel", "0..7 (default 6)",
	   "the console shows messages up to this level");
BOOT_PARAM(shell, "shell", "on|off (default on)", "open the shell after the boot stages");

static void parse_cmdline(void)
{
	const struct cmdline *cl = boot_cmdline();	/* the one parse, shared */
	unsigned long level;
	const char *v;

	pr_info("Command line: %s", arch_cmdline());
	if (cl->error)
		pr_err("cmdline: %s at offset %zu; keeping the %u arguments before it",
		       cl->error, cl->error_pos, cl->nargs);
	v = cmdline_get(cl, "loglevel");
	if (v) {
		if (parse_ulong(v, &level) < 0 || level > LOGLEVEL_DEBUG)
			pr_err("cmdline: loglevel=%s: expected 0..7", v);
		else
			printk_set_console_level((int)level);
	}
	boot_params_check(cl);
}

static uint64_t ready_ns;	/* loader entry -> ready for the boot stages */

uint64_t kernel_ready_ns(void)
{
	return ready_ns;
}

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
	padata_init();			/* a worker per CPU for parallel jobs */
	trace_setup(boot_cmdline());	/* a ring per CPU; trace= from here */
	pmem_init();			/* a pmem device per NFIT region */

	ready_ns = arch_since_loader_ns();
	v = boot_stages_run(boot_cmdline(), detail, sizeof(detail));
	console_summary_end();		/* console=summary: the terminal shows all again */
	meminfo_boot_stages_done();	/* counters the stages disturbed: shown apart */
	pmem_boot_stages_done();
	verdict_print(v, detail);

	if (cmdline_get_bool(boot_cmdline(), "shell", true, &shell) < 0)
		pr_err("cmdline: shell=%s: expected on or off",
		       cmdline_get(boot_cmdline(), "shell"));
	pr_info("boot: %llu ms from loader entry to %s",
		(unsigned long long)(arch_since_loader_ns() / NSEC_PER_MSEC),
		shell ? "the shell" : "power-off");
	if (!shell)
		verdict_exit(v, detail);
	shell_run();
}
