/*
 * arch.x86.ipi: calling functions on other CPUs (kernel/smp.h) and the TLB
 * shootdown (<asm/tlbflush.h>).
 *
 * Calls: one CPU and wait, every other CPU and wait, asynchronous calls,
 * a thousand in a row, calls an AP makes to the boot CPU, calls to CPUs
 * that are not online. Shootdown: a page is mapped and read on another
 * CPU (its TLB now holds the translation); the page-table entry is then
 * changed behind the TLBs' back, and after flush_tlb_kernel_range() the
 * other CPU must see the new page. Whether it still saw the old one
 * before the flush is logged, not asserted (a TLB may drop an entry at
 * any time; QEMU's keeps it).
 */
#include <kernel/smp.h>
#include <lib/atomic.h>
#include <lib/errno.h>
#include <lib/ktest.h>
#include <lib/ktime.h>
#include <mm/memmap.h>
#include <mm/page_alloc.h>
#include <mm/vmap.h>
#include <asm/layout.h>
#include <asm/page.h>
#include <asm/percpu.h>
#include <asm/pgtable.h>
#include <asm/tlbflush.h>
#include "../apic.h"
#include "../pgtable.h"
#include "../smpboot.h"
#include <lib/tests/other_cpu.h>

#define WAIT_NS		(10 * NSEC_PER_SEC)
#define MANY		1000
/* A window of the vmap area no other test uses. */
#define TLB_WINDOW	(VMAP_START + 500UL * (1UL << 30))

static void need_two(struct ktest *t)
{
	ASSERT_TRUE(t, num_online_cpus() >= 2);	/* declared: KTEST_NEEDS_CPUS(2) */
}

static bool wait_for_count(atomic_t *v, int want)
{
	uint64_t start = ktime_get_ns();

	while (atomic_read_acquire(v) != want) {
		if (ktime_get_ns() - start > WAIT_NS)
			return false;
		cpu_relax();
	}
	return true;
}

struct where {
	unsigned int cpu;
	bool irqs_off;
};

static void note_where(void *arg)
{
	struct where *w = arg;

	w->cpu = smp_processor_id();
	w->irqs_off = arch_irqs_disabled();
}

static void call_one_cpu_and_wait(struct ktest *t)
{
	struct where w = { .cpu = ~0u };
	unsigned int other;

	need_two(t);
	other = other_cpu(1);
	ASSERT_EQ(t, smp_call_function_single(other, note_where, &w, true), 0);
	EXPECT_EQ(t, w.cpu, other);
	EXPECT_TRUE(t, w.irqs_off);
}

static void call_on_self_runs_here_masked(struct ktest *t)
{
	struct where w = { .cpu = ~0u };
	bool before = arch_irqs_disabled();

	ASSERT_EQ(t, smp_call_function_single(smp_processor_id(), note_where, &w, true), 0);
	EXPECT_EQ(t, w.cpu, smp_processor_id());
	EXPECT_TRUE(t, w.irqs_off);
	EXPECT_EQ(t, arch_irqs_disabled(), before);
}

static atomic_t hits[NR_CPUS];

static void count_hit(void *arg)
{
	atomic_inc_return(&hits[smp_processor_id()]);
}

static void reset_hits(void)
{
	for (unsigned int i = 0; i < NR_CPUS; i++)
		atomic_set(&hits[i], 0);
}

static void call_every_other_cpu_and_wait(struct ktest *t)
{
	unsigned int cpu;

	reset_hits();
	ASSERT_EQ(t, smp_call_function(count_hit, NULL, true), 0);
	for_each_online_cpu(cpu)
		EXPECT_EQ(t, atomic_read(&hits[cpu]), cpu == smp_processor_id() ? 0 : 1);
}

static void async_calls_run_everywhere(struct ktest *t)
{
	unsigned int cpu;

	need_two(t);
	reset_hits();
	ASSERT_EQ(t, smp_call_function(count_hit, NULL, false), 0);
	for_each_online_cpu(cpu)
		if (cpu != smp_processor_id())
			EXPECT_TRUE(t, wait_for_count(&hits[cpu], 1));
	EXPECT_EQ(t, atomic_read(&hits[smp_processor_id()]), 0);
}

static void many_calls_in_a_row(struct ktest *t)
{
	unsigned int other;
	unsigned long ipis;

	need_two(t);
	other = other_cpu(1);
	reset_hits();
	ipis = READ_ONCE(per_cpu(irq_stats, other).call);
	for (int i = 0; i < MANY; i++)
		ASSERT_EQ(t, smp_call_function_single(other, count_hit, NULL, true), 0);
	EXPECT_EQ(t, atomic_read(&hits[other]), MANY);
	for (int i = 0; i < MANY; i++)
		ASSERT_EQ(t, smp_call_function_single(other, count_hit, NULL, false), 0);
	EXPECT_TRUE(t, wait_for_count(&hits[other], 2 * MANY));
	ktest_log(t, "%d calls to CPU %u arrived with %lu IPIs", 2 * MANY, other,
		  READ_ONCE(per_cpu(irq_stats, other).call) - ipis);
}

static void offline_cpu_is_enodev(struct ktest *t)
{
	reset_hits();
	EXPECT_EQ(t, smp_call_function_single(nr_cpu_ids, count_hit, NULL, true), -ENODEV);
	EXPECT_EQ(t, smp_call_function_single(NR_CPUS + 5, count_hit, NULL, false), -ENODEV);
	EXPECT_EQ(t, smp_call_function_single(~0u, count_hit, NULL, true), -ENODEV);
	for (unsigned int cpu = 0; cpu < nr_cpu_ids; cpu++)
		if (!cpu_online(cpu))
			EXPECT_EQ(t, smp_call_function_single(cpu, count_hit, NULL, true),
				  -ENODEV);
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
		EXPECT_EQ(t, atomic_read(&hits[cpu]), 0);
}

static void call_the_boot_cpu(void *arg)
{
	/* On the AP, in its interrupt context: asynchronous, never wait here. */
	if (smp_call_function_single(0, count_hit, NULL, false))
		atomic_set(&hits[NR_CPUS - 1], -1);
}

static void an_ap_calls_the_boot_cpu(struct ktest *t)
{
	need_two(t);
	reset_hits();
	ASSERT_EQ(t, smp_call_function_single(other_cpu(1), call_the_boot_cpu, NULL, true), 0);
	EXPECT_TRUE(t, wait_for_count(&hits[0], 1));
	EXPECT_EQ(t, atomic_read(&hits[NR_CPUS - 1]), 0);
}

static void reschedule_ipi_arrives(struct ktest *t)
{
	unsigned int other;
	unsigned long before;
	uint64_t start;

	need_two(t);
	other = other_cpu(1);
	before = READ_ONCE(per_cpu(irq_stats, other).resched);
	smp_send_reschedule(other);
	start = ktime_get_ns();
	while (READ_ONCE(per_cpu(irq_stats, other).resched) == before &&
	       ktime_get_ns() - start < WAIT_NS)
		cpu_relax();
	EXPECT_GT(t, READ_ONCE(per_cpu(irq_stats, other).resched), before);
}

/* --- TLB shootdown ------------------------------------------------------------- */

#define MAGIC_OLD	0x01d01d01d01d01d0ULL
#define MAGIC_NEW	0x0e00e00e00e00e00ULL

struct probe {
	const volatile uint64_t *p;
	uint64_t seen[NR_CPUS];
};

static void read_probe(void *arg)
{
	struct probe *pr = arg;

	pr->seen[smp_processor_id()] = *pr->p;
}

struct tlb_pages {
	struct page *old, *new;
};

static void tlb_pages_get(struct ktest *t, struct tlb_pages *tp)
{
	tp->old = alloc_page();
	tp->new = alloc_page();
	if (!tp->old || !tp->new) {
		if (tp->old)
			__free_page(tp->old);
		if (tp->new)
			__free_page(tp->new);
		ktest_fail(t, "no pages");
		ktest_abort(t);
	}
	*(uint64_t *)page_address(tp->old) = MAGIC_OLD;
	*(uint64_t *)page_address(tp->new) = MAGIC_NEW;
}

/* Point the leaf of TLB_WINDOW at `page` without flushing any TLB. */
static void repoint_behind_tlbs(struct ktest *t, struct page *page)
{
	enum pt_level level;
	pte_t *slot = pt_lookup(kernel_pgd, TLB_WINDOW, &level);

	ASSERT_NOT_NULL(t, slot);
	ASSERT_EQ(t, level, PT_PTE);
	set_pte(slot, (ptep_get(slot) & ~PTE_ADDR_MASK) | PFN_PHYS(page_to_pfn(page)));
}

#define ALL_CPUS	NR_CPUS

/* Read on `only` (or ALL_CPUS), repoint, flush, read again everywhere. */
static void shootdown_case(struct ktest *t, unsigned int only)
{
	struct probe pr = { .p = (const volatile uint64_t *)TLB_WINDOW };
	unsigned int cpu, stale = 0, readers = 0;
	struct tlb_pages tp;

	need_two(t);
	tlb_pages_get(t, &tp);
	ASSERT_EQ(t, map_kernel_range(TLB_WINDOW, PFN_PHYS(page_to_pfn(tp.old)), PAGE_SIZE,
				      MAP_WB | MAP_NX), 0);
	for_each_online_cpu(cpu) {
		if (cpu == smp_processor_id() || (only != ALL_CPUS && cpu != only))
			continue;
		EXPECT_EQ(t, smp_call_function_single(cpu, read_probe, &pr, true), 0);
		EXPECT_EQ(t, pr.seen[cpu], MAGIC_OLD);		/* now in its TLB */
	}
	repoint_behind_tlbs(t, tp.new);
	for_each_online_cpu(cpu) {
		if (cpu == smp_processor_id() || (only != ALL_CPUS && cpu != only))
			continue;
		smp_call_function_single(cpu, read_probe, &pr, true);
		stale += pr.seen[cpu] == MAGIC_OLD;
		readers++;
	}
	flush_tlb_kernel_range(TLB_WINDOW, TLB_WINDOW + PAGE_SIZE);
	for_each_online_cpu(cpu) {
		if (only != ALL_CPUS && cpu != only && cpu != smp_processor_id())
			continue;
		EXPECT_EQ(t, smp_call_function_single(cpu, read_probe, &pr, true), 0);
		EXPECT_EQ(t, pr.seen[cpu], MAGIC_NEW);
	}
	ktest_log(t, "%u of %u CPUs still read the old page before the shootdown",
		  stale, readers);
	EXPECT_EQ(t, unmap_kernel_range(TLB_WINDOW, PAGE_SIZE), 0);
	__free_page(tp.old);
	__free_page(tp.new);
}

static void shootdown_reaches_another_cpu(struct ktest *t)
{
	need_two(t);
	shootdown_case(t, other_cpu(1));
}

static void shootdown_reaches_every_cpu(struct ktest *t)
{
	shootdown_case(t, ALL_CPUS);
}

static void shootdown_of_a_subset_spares_the_rest(struct ktest *t)
{
	cpumask_t mask = CPUMASK_NONE;
	unsigned int other, before_other, before_self;

	need_two(t);
	other = other_cpu(1);
	cpumask_set_cpu(other, &mask);
	before_other = READ_ONCE(per_cpu(irq_stats, other).tlb);
	before_self = READ_ONCE(per_cpu(irq_stats, smp_processor_id()).tlb);
	flush_tlb_mm_range(&mask, TLB_WINDOW, TLB_WINDOW + PAGE_SIZE);
	EXPECT_GE(t, READ_ONCE(per_cpu(irq_stats, other).tlb), before_other + 1);
	EXPECT_EQ(t, READ_ONCE(per_cpu(irq_stats, smp_processor_id()).tlb), before_self);
}

static const struct ktest_case ipi_cases[] = {
	KTEST_CASE_NEEDS(call_one_cpu_and_wait, KTEST_NEEDS_CPUS(2),
		   "a waited call runs on the target, with interrupts masked there"),
	KTEST_CASE(call_on_self_runs_here_masked,
		   "a call to the caller's own CPU runs at once, masked, and restores"),
	KTEST_CASE(call_every_other_cpu_and_wait,
		   "smp_call_function runs once on every other online CPU, not here"),
	KTEST_CASE_NEEDS(async_calls_run_everywhere, KTEST_NEEDS_CPUS(2),
		   "asynchronous calls to all others arrive without anyone waiting"),
	KTEST_CASE_NEEDS(many_calls_in_a_row, KTEST_NEEDS_CPUS(2),
		   "1000 waited and 1000 asynchronous calls to one CPU all run exactly once"),
	KTEST_CASE(offline_cpu_is_enodev,
		   "a call to a CPU that is not online returns -ENODEV and runs nothing"),
	KTEST_CASE_NEEDS(an_ap_calls_the_boot_cpu, KTEST_NEEDS_CPUS(2),
		   "a call made on an AP reaches the boot CPU"),
	KTEST_CASE_NEEDS(reschedule_ipi_arrives, KTEST_NEEDS_CPUS(2),
		   "smp_send_reschedule interrupts the target"),
	KTEST_CASE_NEEDS(shootdown_reaches_another_cpu, KTEST_NEEDS_CPUS(2),
		   "after a shootdown, a CPU that cached a translation sees the new page"),
	KTEST_CASE_NEEDS(shootdown_reaches_every_cpu, KTEST_NEEDS_CPUS(2),
		   "the same on every online CPU at once"),
	KTEST_CASE_NEEDS(shootdown_of_a_subset_spares_the_rest, KTEST_NEEDS_CPUS(2),
		   "flush_tlb_mm_range with a mask interrupts only the CPUs in it"),
	{}
};
KTEST_SUITE(ipi_suite, "arch.x86.ipi", ipi_cases);
