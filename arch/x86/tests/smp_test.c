/*
 * arch.x86.smp: every CPU the firmware lists is up, and each is set up as a CPU of
 * this kernel: its own number, APIC id, per-CPU area, GDT and TSS, the
 * boot CPU's control registers, a timer that ticks.
 *
 * Facts about another CPU are gathered on that CPU with a waited
 * smp_call_function_single(), so they are what it sees, not what the
 * boot CPU believes. On one CPU the cases still check CPU 0.
 */
#include <kernel/cpu.h>
#include <kernel/main.h>
#include <kernel/smp.h>
#include <lib/cmdline.h>
#include <lib/atomic.h>
#include <lib/errno.h>
#include <lib/ktest.h>
#include <lib/ktime.h>
#include <drivers/acpi/acpi.h>
#include <asm/cpu.h>
#include <asm/ctrlregs.h>
#include <asm/cpufeature.h>
#include <asm/msr.h>
#include <asm/percpu.h>
#include "../apic.h"
#include "../gdt.h"
#include "../smpboot.h"

static DEFINE_PER_CPU(unsigned long, smp_test_var);

struct cpu_facts {
	unsigned int cpu;		/* smp_processor_id() there */
	uint32_t apic_id;
	unsigned long this_var;		/* &smp_test_var through GS */
	unsigned long gs_base;
	uint64_t gdt_base;
	uint16_t tr;
	uint64_t cr0, cr4, efer, pat;
	bool irqs_off;
};

static void gather_facts(void *arg)
{
	struct cpu_facts *f = arg;
	struct __packed { uint16_t limit; uint64_t base; } gdtr;

	f->cpu = smp_processor_id();
	f->apic_id = apic_id();
	f->this_var = (unsigned long)this_cpu_ptr(&smp_test_var);
	f->gs_base = rdmsr(0xc0000101);
	__asm__ volatile("sgdt %0" : "=m"(gdtr));
	f->gdt_base = gdtr.base;
	__asm__ volatile("str %0" : "=r"(f->tr));
	f->cr0 = read_cr0();
	f->cr4 = read_cr4();
	f->efer = rdmsr(MSR_EFER);
	f->pat = cpu_has(X86_FEATURE_PAT) ? rdmsr(MSR_PAT) : 0;
	f->irqs_off = arch_irqs_disabled();
}

static void facts_of(struct ktest *t, unsigned int cpu, struct cpu_facts *f)
{
	ASSERT_EQ(t, smp_call_function_single(cpu, gather_facts, f, true), 0);
}

/* The enabled MADT CPUs, as many as NR_CPUS and maxcpus= allow. */
static unsigned int expected_cpus(void)
{
	const char *v = cmdline_get(boot_cmdline(), "maxcpus");
	unsigned long max = NR_CPUS;
	unsigned int n = 0;

	for (unsigned int i = 0; i < acpi_cpu_count(); i++)
		n += acpi_cpu_at(i)->enabled;
	if (v && parse_ulong(v, &max) == 0 && max)
		n = (unsigned int)MIN((unsigned long)n, max);
	return n ? MIN(n, (unsigned int)NR_CPUS) : 1;
}

static void every_madt_cpu_is_online(struct ktest *t)
{
	unsigned int cpu, expected = expected_cpus();

	EXPECT_EQ(t, nr_cpu_ids, expected);
	EXPECT_EQ(t, num_online_cpus(), expected);
	for (cpu = 0; cpu < nr_cpu_ids; cpu++) {
		EXPECT_TRUE(t, cpu_online(cpu));
		EXPECT_EQ(t, cpu_state(cpu), CPU_ONLINE);
	}
	EXPECT_FALSE(t, cpu_online(nr_cpu_ids));
	ktest_log(t, "%u CPUs online", num_online_cpus());
}

static void boot_cpu_is_cpu_0(struct ktest *t)
{
	EXPECT_EQ(t, smp_processor_id(), 0);
	EXPECT_EQ(t, apic_id(), cpu_apic_id(0));
	EXPECT_EQ(t, cpu_of_apic_id(apic_id()), 0);
}

static void each_cpu_knows_its_number_and_apic_id(struct ktest *t)
{
	unsigned int cpu;

	for_each_online_cpu(cpu) {
		struct cpu_facts f = { 0 };

		facts_of(t, cpu, &f);
		EXPECT_EQ(t, f.cpu, cpu);
		EXPECT_EQ(t, f.apic_id, cpu_apic_id(cpu));
		EXPECT_TRUE(t, f.irqs_off);	/* a call runs with interrupts masked */
	}
}

static void per_cpu_areas_are_distinct(struct ktest *t)
{
	unsigned int a, b;

	for_each_online_cpu(a) {
		struct cpu_facts f = { 0 };

		facts_of(t, a, &f);
		EXPECT_EQ(t, f.this_var, (unsigned long)per_cpu_ptr(&smp_test_var, a));
		EXPECT_EQ(t, f.gs_base, __per_cpu_offset[a]);
		for_each_online_cpu(b) {
			long d = (long)(__per_cpu_offset[a] - __per_cpu_offset[b]);

			if (a != b && (d < 0 ? -d : d) < PERCPU_AREA_SIZE)
				ktest_fail(t, "the areas of CPUs %u and %u overlap", a, b);
		}
	}
}

static void each_cpu_has_its_own_gdt_and_tss(struct ktest *t)
{
	unsigned int a, b;
	uint64_t bases[NR_CPUS] = { 0 };

	for_each_online_cpu(a) {
		struct cpu_facts f = { 0 };
		uint16_t limit;
		uint64_t base;

		facts_of(t, a, &f);
		gdt_describe(a, &limit, &base);
		EXPECT_EQ(t, f.gdt_base, base);
		EXPECT_EQ(t, f.tr, GDT_TSS);
		bases[a] = f.gdt_base;
		for (b = 0; b < a; b++)
			if (bases[b] && bases[b] == bases[a])
				ktest_fail(t, "CPUs %u and %u share a GDT at 0x%lx", a, b, bases[a]);
	}
}

static void control_registers_match_the_boot_cpu(struct ktest *t)
{
	struct cpu_facts boot = { 0 };
	unsigned int cpu;

	facts_of(t, 0, &boot);
	EXPECT_TRUE(t, boot.cr0 & X86_CR0_WP);
	for_each_online_cpu(cpu) {
		struct cpu_facts f = { 0 };

		facts_of(t, cpu, &f);
		EXPECT_EQ(t, f.cr0, boot.cr0);
		EXPECT_EQ(t, f.cr4, boot.cr4);
		EXPECT_EQ(t, f.efer, boot.efer);
		EXPECT_EQ(t, f.pat, boot.pat);
	}
}

static void timer_ticks_on_every_cpu(struct ktest *t)
{
	unsigned long before[NR_CPUS];
	uint64_t start;
	unsigned int cpu;

	if (!apic_timer_hz())
		ktest_skip(t, "no calibrated LAPIC timer");
	for_each_online_cpu(cpu)
		before[cpu] = READ_ONCE(per_cpu(irq_stats, cpu).timer);
	start = ktime_get_ns();
	mdelay(300);
	for_each_online_cpu(cpu) {
		unsigned long ticks = READ_ONCE(per_cpu(irq_stats, cpu).timer) - before[cpu];
		uint64_t ms = (ktime_get_ns() - start) / NSEC_PER_MSEC;

		/* 30 expected at HZ 100; emulation may lose some, never most */
		EXPECT_GE(t, ticks, 10);
		ktest_log(t, "CPU %u: %lu ticks in %llu ms (HZ %d)", cpu, ticks,
			  (unsigned long long)ms, HZ);
	}
}

static const struct ktest_case smp_cases[] = {
	KTEST_CASE(every_madt_cpu_is_online,
		   "each enabled MADT CPU (up to maxcpus=) has a number and is online"),
	KTEST_CASE(boot_cpu_is_cpu_0,
		   "the tests run on CPU 0, whose APIC id is the boot CPU's"),
	KTEST_CASE(each_cpu_knows_its_number_and_apic_id,
		   "smp_processor_id() and the APIC id read on each CPU are its own"),
	KTEST_CASE(per_cpu_areas_are_distinct,
		   "each CPU's GS base finds its own per-CPU area, no two overlap"),
	KTEST_CASE(each_cpu_has_its_own_gdt_and_tss,
		   "each CPU runs on its own GDT with its TSS loaded"),
	KTEST_CASE(control_registers_match_the_boot_cpu,
		   "CR0 (WP), CR4, EFER (NX) and PAT are the boot CPU's on every CPU"),
	KTEST_CASE(timer_ticks_on_every_cpu,
		   "the LAPIC timer interrupts every CPU about HZ times a second"),
	{}
};
KTEST_SUITE(smp_suite, "arch.x86.smp", smp_cases);
