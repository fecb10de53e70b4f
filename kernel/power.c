/*
 * Power-off and reboot.
 *
 * Power-off asks ACPI (SLP_TYP of \_S5 written to PM1 control); QEMU then
 * exits with status 0 and tests/qemu-run judges the run by the last
 * verdict line. If ACPI cannot do it (no FADT, no \_S5), the run leaves
 * through isa-debug-exit with the last verdict's code instead, so a
 * power-off always ends the run with the right result.
 *
 * Reboot tries the ACPI reset register, then the platform's ways. Under
 * QEMU with -no-reboot a reset ends the run.
 */
#include <kernel/power.h>
#include <kernel/verdict.h>
#include <lib/ktime.h>
#include <lib/printk.h>
#include <drivers/acpi/acpi.h>
#include <asm/platform.h>

void kernel_poweroff(void)
{
	int err;

	pr_info("power: powering off");
	err = acpi_poweroff();
	mdelay(100);		/* the write takes effect at once; allow slack */
	pr_err("power: ACPI power-off failed (%d); leaving through the debug exit", err);
	arch_debug_exit(verdict_last());
}

void kernel_reboot(void)
{
	int err;

	pr_info("power: rebooting");
	err = acpi_reboot();
	mdelay(100);
	pr_err("power: ACPI reset failed (%d); trying the platform reset", err);
	arch_reboot();
}
