/*
 * kernel/smp.h while only the boot CPU runs.
 *
 * One CPU is online, CPU 0; "calling a function on a CPU" is calling it
 * here, with interrupts masked as an IPI handler would run. Any other CPU
 * is not online: -ENODEV, so a test that needs a second CPU can skip with
 * its reason. The SMP step replaces this file with the IPI-based one.
 */
#include <kernel/smp.h>
#include <lib/errno.h>
#include <asm/cpu.h>
#include <asm/percpu.h>

unsigned int num_online_cpus(void)
{
	return 1;
}

bool cpu_online(unsigned int cpu)
{
	return cpu == 0;
}

int smp_call_function_single(unsigned int cpu, void (*fn)(void *info),
			     void *info, bool wait)
{
	unsigned long flags;

	if (cpu != smp_processor_id())
		return -ENODEV;
	flags = arch_irq_save();
	fn(info);
	arch_irq_restore(flags);
	return 0;
}
