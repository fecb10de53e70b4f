/*
 * The life of an address space (mm/mm_types.h has the story): creating
 * it with the kernel half of its top-level table, the two reference
 * counts, the teardown of its mappings when the last user goes, and
 * running a CPU in it (use_mm).
 *
 * Which CPUs run on an mm's table is kept in mm->cpu_mask, each CPU
 * setting its own bit before it loads the table and clearing it after it
 * has loaded another (switch_mm_irqs_off()): a flush then goes to every
 * CPU that may hold translations of the mm, or walk its tables.
 *
 * The address space a thread runs in is the thread's (current_mm_slot():
 * the task in the kernel), and the scheduler calls switch_mm_irqs_off()
 * when the next thread's differs, so use_mm() survives sleeping and
 * preemption.
 */
#define pr_fmt(fmt) "mm: " fmt

#include <lib/bug.h>
#include <lib/errno.h>
#include <lib/string.h>
#include <mm/memmap.h>
#include <mm/mm.h>
#include <mm/mmap_lock.h>
#include <mm/page_alloc.h>
#include <mm/slab.h>
#include <mm/vm_internal.h>
#include <asm/barrier.h>
#include <asm/cpu.h>
#include <asm/percpu.h>

struct mm_struct *mm_create(void)
{
	struct mm_struct *mm = kzalloc(sizeof(*mm));
	struct page *pgd;

	if (!mm)
		return NULL;
	pgd = alloc_page();
	if (!pgd) {
		kfree(mm);
		return NULL;
	}
	mm->pgd = page_address(pgd);
	memset(mm->pgd, 0, PAGE_SIZE);
	arch_pgd_init_kernel_half(mm->pgd);
	mm->mm_users = 1;
	mm->mm_count = 1;
	mmap_lock_init(mm);
	spin_lock_init(&mm->page_table_lock);
	mm->mmap_base = MMAP_BASE;
	return mm;
}

bool mmget_not_zero(struct mm_struct *mm)
{
	int v = __atomic_load_n(&mm->mm_users, __ATOMIC_RELAXED);

	do {
		if (v == 0)
			return false;
	} while (!__atomic_compare_exchange_n(&mm->mm_users, &v, v + 1, false,
					      __ATOMIC_ACQUIRE, __ATOMIC_RELAXED));
	return true;
}

/*
 * The last user is gone: unmap everything. No one can fault or pin any
 * more, but a CPU may still run on the table (use_mm with only a count)
 * or walk it locklessly: the gather flushes before anything is freed.
 */
static void exit_mmap(struct mm_struct *mm)
{
	struct vm_area_struct *vma;
	struct mmu_gather tlb;

	mmap_write_lock(mm);
	tlb_gather_init(&tlb, mm);
	pt_zap_range(&tlb, 0, USER_ADDR_END);
	tlb_finish(&tlb);
	while ((vma = vma_first(mm))) {
		vma_remove(mm, vma);
		vma_free(vma);
	}
	WARN(mm->nr_pgtables || mm->nr_mapped,
	     "mm %p torn down with %lu page tables and %lu pages still mapped",
	     (void *)mm, mm->nr_pgtables, mm->nr_mapped);
	mmap_write_unlock(mm);
}

void mmput(struct mm_struct *mm)
{
	int now = __atomic_sub_fetch(&mm->mm_users, 1, __ATOMIC_ACQ_REL);

	if (WARN(now < 0, "mmput of mm %p below zero users", (void *)mm))
		return;
	if (now == 0) {
		exit_mmap(mm);
		mmdrop(mm);
	}
}

void mmdrop(struct mm_struct *mm)
{
	int now = __atomic_sub_fetch(&mm->mm_count, 1, __ATOMIC_ACQ_REL);

	if (WARN(now < 0, "mmdrop of mm %p below zero", (void *)mm))
		return;
	if (now)
		return;
	WARN(cpumask_weight(&mm->cpu_mask), "mm %p freed while %u CPUs still run on it",
	     (void *)mm, cpumask_weight(&mm->cpu_mask));
	for (unsigned int i = 0; i < PGD_USER_SLOTS; i++)
		WARN(mm->pgd[i], "mm %p freed with user slot %u of its top-level table set",
		     (void *)mm, i);
	__free_page(virt_to_page(mm->pgd));
	kfree(mm);
}

struct mm_struct *current_mm(void)
{
	return *current_mm_slot();
}

/*
 * The bit goes up before the table is loaded and comes down after
 * another one is: the full barrier after setting it pairs with the one a
 * flusher puts between clearing entries and reading the mask
 * (flush_tlb_user_range()), so either the flusher includes this CPU or
 * this CPU's walks see the cleared entries.
 */
void switch_mm_irqs_off(struct mm_struct *prev, struct mm_struct *next)
{
	unsigned int cpu = smp_processor_id();

	if (prev == next)
		return;			/* its bit stays up, its table loaded */
	if (next) {
		cpumask_set_cpu(cpu, &next->cpu_mask);
		smp_mb__after_atomic();
	}
	arch_switch_pgd(next ? next->pgd : NULL);
	if (prev)
		cpumask_clear_cpu(cpu, &prev->cpu_mask);
}

void use_mm(struct mm_struct *mm)
{
	struct mm_struct **slot, *old;
	unsigned long flags;

	mmgrab(mm);
	/* the kernel half again: a top-level entry added since mm_create */
	arch_pgd_init_kernel_half(mm->pgd);

	flags = arch_irq_save();	/* no switch sees half of it */
	slot = current_mm_slot();
	old = *slot;
	*slot = mm;
	switch_mm_irqs_off(old, mm);
	arch_irq_restore(flags);

	if (WARN(old, "use_mm(%p) while the thread runs in mm %p: replacing it",
		 (void *)mm, (void *)old))
		mmdrop(old);
}

void unuse_mm(struct mm_struct *mm)
{
	unsigned long flags = arch_irq_save();
	struct mm_struct **slot = current_mm_slot();
	struct mm_struct *cur = *slot;

	if (cur == mm) {
		*slot = NULL;
		switch_mm_irqs_off(mm, NULL);
	}
	arch_irq_restore(flags);
	if (WARN(cur != mm, "unuse_mm(%p) by a thread that runs in mm %p", (void *)mm,
		 (void *)cur))
		return;
	mmdrop(mm);
}
