/*
 * zap_vmas_of(): clear the leaves of every region of one kind in a range
 * of an address space, keeping the regions (a later touch faults into
 * their handler again). For a device going away: its DAX mappings must
 * stop reaching its pages before its teardown waits (mm/memremap.h).
 *
 * Only regions whose vm_ops and vm_private_data match are touched, so a
 * range that was unmapped and reused for something else is left alone.
 * The mmap_lock is taken for writing: faults (which hold it for reading)
 * have either installed their leaf, which is zapped here, or start after
 * and see the owner's "gone" flag. The TLB shootdown is the gather's.
 */
#include <mm/memremap.h>
#include <mm/mm.h>
#include <mm/mmap_lock.h>
#include <mm/mmu_gather.h>
#include <mm/vm_internal.h>

unsigned long zap_vmas_of(struct mm_struct *mm, unsigned long start, unsigned long end,
			  const struct vm_operations_struct *ops, void *priv)
{
	struct vm_area_struct *vma;
	struct mmu_gather tlb;
	unsigned long zapped = 0;

	mmap_write_lock(mm);
	tlb_gather_init(&tlb, mm);
	for (vma = find_vma(mm, start); vma && vma->vm_start < end; vma = vma_next(vma)) {
		unsigned long s = vma->vm_start > start ? vma->vm_start : start;
		unsigned long e = vma->vm_end < end ? vma->vm_end : end;

		if (vma->vm_ops != ops || vma->vm_private_data != priv)
			continue;
		pt_zap_range(&tlb, s, e);
		zapped += e - s;
	}
	tlb_finish(&tlb);
	mmap_write_unlock(mm);
	return zapped;
}
