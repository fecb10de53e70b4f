/*
 * The per-CPU areas and the GS base that finds them (<asm/percpu.h>).
 *
 * Where the areas live: a static array in .bss, one PERCPU_AREA_SIZE
 * area for each of the NR_CPUS CPUs (64 x 16 KiB = 1 MiB). It exists
 * before memblock does, so the boot CPU can use per-CPU data from the
 * first milliseconds, and no CPU's area ever moves. (Linux allocates the
 * areas of the possible CPUs from memblock instead; nothing outside this
 * file would notice the difference.)
 *
 * percpu_init_boot_cpu() prepares *every* area at once (template copy,
 * offset and cpu_number by percpu_setup_areas() of mm/percpu.c, then
 * this_cpu_off): per_cpu(var, cpu) is then valid for
 * every cpu < NR_CPUS, even before that CPU runs, so a new dynamic
 * allocation can be zeroed in all areas and a CPU being brought up can be
 * given its per-CPU values in advance. percpu_setup_cpu(cpu), called on
 * the CPU itself, only loads its GS base.
 *
 * GS base: the IA32_GS_BASE MSR. Loading a selector into %gs clears it,
 * so it is written after gdt_init() has reloaded the segment registers.
 * (zdk has no user mode, hence no swapgs and no KERNEL_GS_BASE.)
 */
#include <lib/bug.h>
#include <lib/compiler.h>
#include <lib/printk.h>
#include <mm/percpu.h>
#include <asm/msr.h>
#include <asm/page.h>
#include <asm/percpu.h>

#define MSR_GS_BASE	0xc0000101	/* base of the GS segment in 64-bit mode */

unsigned int nr_cpu_ids = 1;
unsigned long __per_cpu_offset[NR_CPUS];

DEFINE_PER_CPU(unsigned int, cpu_number);
DEFINE_PER_CPU(unsigned long, this_cpu_off);

static char percpu_areas[NR_CPUS][PERCPU_AREA_SIZE] __aligned(PAGE_SIZE);

_Static_assert(PERCPU_DYNAMIC_OFFSET % PAGE_SIZE == 0,
	       "the dynamic region starts on a page of its own");

void percpu_init_boot_cpu(void)
{
	size_t template_size = (size_t)(__per_cpu_end - __per_cpu_start);

	if (!IS_ALIGNED((unsigned long)__per_cpu_start, PAGE_SIZE))
		panic("percpu: template at %p is not page-aligned (linker.ld)",
		      (void *)__per_cpu_start);

	percpu_setup_areas(percpu_areas, __per_cpu_start, __per_cpu_end);
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
		per_cpu(this_cpu_off, cpu) = __per_cpu_offset[cpu];
	percpu_setup_cpu(0);
	pr_info("percpu: %u areas of %u KiB at %p: template %zu bytes, "
		"dynamic region %u KiB at offset %u",
		NR_CPUS, PERCPU_AREA_SIZE / 1024, (void *)percpu_areas,
		template_size, PERCPU_DYNAMIC_SIZE / 1024, PERCPU_DYNAMIC_OFFSET);
}

void percpu_setup_cpu(unsigned int cpu)
{
	BUG_ON(cpu >= NR_CPUS);
	wrmsr(MSR_GS_BASE, __per_cpu_offset[cpu]);
	/* The GS base is live now: check that it finds this CPU's copy. */
	if (this_cpu_read(cpu_number) != cpu)
		panic("percpu: CPU %u reads cpu_number %u through GS base %#lx",
		      cpu, this_cpu_read(cpu_number), __per_cpu_offset[cpu]);
}
