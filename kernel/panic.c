/*
 * panic() and die(): the ends of a run that cannot go on.
 *
 * panic() explains (message, caller, backtrace) and calls die(); the CPU
 * exception handler explains in its own way (registers, CR2) and calls
 * die() too. die() tells the boot stages (a running self-test closes its
 * report, kernel/boot_stage.h), prints the CRASH
 * verdict and leaves QEMU. A second fatal error while dying (a fault in
 * the reporting itself) skips straight to the exit, so a run can never
 * hang here.
 */
#include <kernel/boot_stage.h>
#include <kernel/panic.h>
#include <kernel/verdict.h>
#include <lib/bug.h>
#include <lib/console_mode.h>
#include <lib/printk.h>
#include <lib/vsprintf.h>
#include <asm/cpu.h>
#include <asm/platform.h>

static bool dying;

void die(const char *reason)
{
	arch_irq_disable();
	if (dying)
		arch_debug_exit(VERDICT_CRASH);
	dying = true;

	if (console_summary_active()) {	/* the report went to COM2 only: show it */
		console_summary("--- the crash, as COM2 has it (the last %u bytes) ---\n",
				CONSOLE_HELD_SIZE);
		console_held_replay();
	}
	boot_stages_dying(reason);	/* a running self-test closes its report (and, in
					 * summary mode, its suite family's line) */
	console_summary_end();
	verdict_exit(VERDICT_CRASH, reason);
}

void panic(const char *fmt, ...)
{
	static char msg[256];
	va_list ap;

	arch_irq_disable();
	va_start(ap, fmt);
	vscnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);

	if (!dying) {
		pr_emerg("Kernel panic: %s (called from %pS)", msg, __builtin_return_address(0));
		dump_stack();
	}
	die(msg);
}
