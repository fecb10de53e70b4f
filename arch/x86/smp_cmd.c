/*
 * `cpus`: every CPU of the MADT with its number, APIC id, state, and what
 * it has received: timer ticks and IPIs (call-function / TLB shootdown /
 * reschedule). Counters are read from the other CPUs' per-CPU areas as
 * they are changing: a snapshot, each number exact at some moment.
 */
#include <kernel/shell.h>
#include <kernel/smp.h>
#include <lib/atomic.h>
#include <lib/printk.h>
#include <lib/vsprintf.h>
#include <drivers/acpi/acpi.h>
#include <asm/percpu.h>
#include "apic.h"
#include "smpboot.h"

static void print_cpu(int cpu, uint32_t apic_id, const char *state)
{
	const struct cpu_irq_stats *s;
	char num[8] = "-";

	if (cpu < 0 || cpu_state((unsigned int)cpu) != CPU_ONLINE) {
		if (cpu >= 0)
			scnprintf(num, sizeof(num), "%d", cpu);
		kprintf("%-4s %-8u %-34s\n", num, apic_id, state);
		return;
	}
	s = per_cpu_ptr(&irq_stats, (unsigned int)cpu);
	kprintf("%-4d %-8u %-34s %10lu %8lu / %lu / %lu\n", cpu, apic_id, state,
		READ_ONCE(s->timer), READ_ONCE(s->call), READ_ONCE(s->tlb),
		READ_ONCE(s->resched));
}

static const char *state_of(int cpu, const struct acpi_cpu *c, char *buf, size_t size)
{
	if (cpu < 0)
		return c->enabled ? "off (maxcpus, NR_CPUS or x2APIC id)" :
		       c->online_capable ? "not present (online-capable)" :
		       "not present (disabled in the MADT)";
	switch (cpu_state((unsigned int)cpu)) {
	case CPU_ONLINE:
		return cpu == 0 ? "online (boot CPU)" : "online";
	case CPU_FAILED:
		scnprintf(buf, size, "failed at: %s", cpu_failed_step((unsigned int)cpu));
		return buf;
	case CPU_BOOTING:
		return "booting";
	default:
		return "not started";
	}
}

static int cmd_cpus(int argc, char **argv)
{
	unsigned int n = acpi_cpu_count();
	char buf[96];

	if (argc > 1)
		return shell_usage_error(argv, "takes no arguments");
	kprintf("%u of %u CPUs online; %s\n", num_online_cpus(), nr_cpu_ids,
		apic_x2apic_mode() ? "x2APIC" : "xAPIC");
	kprintf("%-4s %-8s %-34s %10s %s\n", "CPU", "APIC id", "state", "ticks",
		"IPIs call / tlb / resched");
	if (!n) {
		print_cpu(0, cpu_apic_id(0), "online (boot CPU; no MADT)");
		return 0;
	}
	for (unsigned int i = 0; i < n; i++) {
		const struct acpi_cpu *c = acpi_cpu_at(i);
		int cpu = cpu_of_apic_id(c->apic_id);

		print_cpu(cpu, c->apic_id, state_of(cpu, c, buf, sizeof(buf)));
	}
	return 0;
}
SHELL_COMMAND(cpus, "", "list the CPUs: number, APIC id, state, timer ticks, IPIs received",
	      "takes no arguments; one row per CPU the MADT lists: number, APIC id, online,\n"
	      "failed or not present, timer ticks, IPIs received\n"
	      "example: cpus\n", cmd_cpus);
