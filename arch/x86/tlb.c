/*
 * TLB flushes (see <asm/tlbflush.h>): on this CPU, and the shootdown
 * that makes every other CPU flush too.
 *
 * Locally, a range of up to FLUSH_ONE_BY_ONE_MAX pages goes page by page
 * with INVLPG; anything larger flushes everything, which is cheaper than
 * hundreds of INVLPGs and is the only sane choice for a 1 GiB unmap.
 *
 * The shootdown protocol (one at a time, under shootdown_lock):
 *
 *   initiator                              each target CPU
 *   ---------                              ---------------
 *   flush its own TLB (if in the set)
 *   take shootdown_lock
 *   write the range
 *   tlb_request[target] = 1  (release) --.
 *   IPI VECTOR_TLB_SHOOTDOWN to targets   '-> interrupt (once its
 *                                              interrupts are enabled):
 *                                              sees its request (acquire),
 *                                              flushes the range,
 *   wait until every tlb_request is 0 <------- tlb_request = 0 (release)
 *     (acquire)
 *   drop shootdown_lock; return
 *
 * When it returns, no CPU of the set can still use a translation of the
 * range: only then may the caller free what it mapped (page-table pages
 * included, pgtable.h's pt_freelist). A target acknowledges only from its
 * interrupt handler, that is with interrupts enabled, or from inside a
 * flush call of its own (below). So a CPU that runs with interrupts off
 * and makes no flush call keeps every page table it is walking alive
 * until it enables them again: the guarantee that lets fast GUP walk user
 * page tables without a lock (docs/gup.md, "The fast path").
 *
 * Deadlock avoidance. Two CPUs may start shootdowns at once; the loser
 * waits for shootdown_lock while the winner waits for the loser's
 * acknowledgement. The loser therefore spins with spin_trylock and
 * answers its own pending request between tries, so it never needs its
 * interrupts for that. What remains forbidden: waiting, with interrupts
 * off, for anything a shootdown initiator holds (vmap.c takes its
 * page-table lock without masking interrupts for that reason).
 *
 * Before the other CPUs are online (and with one CPU) only the local
 * flush happens.
 */
#include <kernel/cpumask.h>
#include <kernel/smp.h>
#include <lib/atomic.h>
#include <lib/compiler.h>
#include <lib/ktime.h>
#include <lib/printk.h>
#include <lib/spinlock.h>
#include <asm/cpu.h>
#include <asm/ctrlregs.h>
#include <asm/page.h>
#include <asm/percpu.h>
#include <asm/tlbflush.h>
#include "apic.h"
#include "idt.h"
#include "smpboot.h"

#define FLUSH_ONE_BY_ONE_MAX	32
#define SHOOTDOWN_STALL_NS	(5 * NSEC_PER_SEC)

static DEFINE_SPINLOCK(shootdown_lock);
static uint64_t shootdown_start, shootdown_end;	/* under shootdown_lock */
/* 1 while a shootdown waits for this CPU; set by the initiator, cleared here */
static DEFINE_PER_CPU(unsigned int, tlb_request);

void flush_tlb_all(void)
{
	uint64_t cr4 = read_cr4();

	if (cr4 & X86_CR4_PGE) {
		/* clearing PGE drops every entry, global ones too */
		write_cr4(cr4 & ~X86_CR4_PGE);
		write_cr4(cr4);
	} else {
		write_cr3(read_cr3());
	}
}

static void flush_local(uint64_t start, uint64_t end)
{
	start = ALIGN_DOWN(start, PAGE_SIZE);
	if (end - start > FLUSH_ONE_BY_ONE_MAX * PAGE_SIZE) {
		flush_tlb_all();
	} else {
		for (uint64_t v = start; v < end; v += PAGE_SIZE)
			invlpg(v);
	}
}

bool tlb_shootdown_pending(unsigned int cpu)
{
	return __atomic_load_n(per_cpu_ptr(&tlb_request, cpu), __ATOMIC_ACQUIRE);
}

/* If a shootdown waits for this CPU, do it and acknowledge. Interrupts off. */
static void answer_request(void)
{
	unsigned int *req = this_cpu_ptr(&tlb_request);

	/* Acquire: pairs with the initiator's release; the range is set. */
	if (!__atomic_load_n(req, __ATOMIC_ACQUIRE))
		return;
	flush_local(READ_ONCE(shootdown_start), READ_ONCE(shootdown_end));
	/* Release: pairs with the initiator's acquire wait; flushed before. */
	__atomic_store_n(req, 0, __ATOMIC_RELEASE);
}

static void shootdown_interrupt(struct pt_regs *regs)
{
	this_cpu_inc(irq_stats.tlb);
	answer_request();
	apic_eoi();
}

void tlb_shootdown_init(void)
{
	idt_set_handler(VECTOR_TLB_SHOOTDOWN, shootdown_interrupt);
}

static void wait_for_ack(unsigned int cpu)
{
	unsigned int *req = per_cpu_ptr(&tlb_request, cpu);
	uint64_t start = ktime_get_ns();
	unsigned long spins = 0;
	bool reported = false;

	/* Acquire: pairs with the target's release in answer_request(). */
	while (__atomic_load_n(req, __ATOMIC_ACQUIRE)) {
		cpu_relax();
		if (reported || ++spins % 4096)
			continue;
		if (ktime_get_ns() - start > SHOOTDOWN_STALL_NS) {
			pr_err("tlb: CPU %u has not acknowledged the shootdown of "
			       "0x%lx-0x%lx for %llu ms (interrupts off there?)",
			       cpu, shootdown_start, shootdown_end,
			       (unsigned long long)((ktime_get_ns() - start) / NSEC_PER_MSEC));
			reported = true;
		}
	}
}

void flush_tlb_mm_range(const cpumask_t *cpus, uint64_t start, uint64_t end)
{
	unsigned int targets[NR_CPUS], n = 0, self, cpu;
	unsigned long flags;

	flags = arch_irq_save();
	self = smp_processor_id();
	if (!cpus || cpumask_test_cpu(self, cpus))
		flush_local(start, end);
	arch_irq_restore(flags);
	if (num_online_cpus() == 1)
		return;

	while (!spin_trylock(&shootdown_lock)) {
		flags = arch_irq_save();
		answer_request();
		arch_irq_restore(flags);
		cpu_relax();
	}
	WRITE_ONCE(shootdown_start, start);
	WRITE_ONCE(shootdown_end, end);
	for_each_online_cpu(cpu) {
		if (cpu == self || (cpus && !cpumask_test_cpu(cpu, cpus)))
			continue;
		/* Release: pairs with the target's acquire; the range first. */
		__atomic_store_n(per_cpu_ptr(&tlb_request, cpu), 1, __ATOMIC_RELEASE);
		targets[n++] = cpu;
	}
	for (unsigned int i = 0; i < n; i++)
		apic_send_ipi(cpu_apic_id(targets[i]), VECTOR_TLB_SHOOTDOWN);
	for (unsigned int i = 0; i < n; i++)
		wait_for_ack(targets[i]);
	spin_unlock(&shootdown_lock);
}

void flush_tlb_kernel_range(uint64_t start, uint64_t end)
{
	flush_tlb_mm_range(NULL, start, end);
}
