/*
 * Faults in the user range: handle_mm_fault() and what it maps.
 *
 * The steps, with the mmap_lock held for reading:
 *   1. the region: none at the address -> -EFAULT;
 *   2. its permissions: a write to a region without VM_WRITE, a fetch
 *      from one without VM_EXEC, any access to PROT_NONE -> -EACCES;
 *   3. a leaf already there (another CPU faulted it in, or a stale TLB
 *      entry sent us here): make it what the region allows, done;
 *   4. fill the slot: a zeroed page for anonymous memory; the region's
 *      fault handler's answer otherwise (a 4 KiB page, a 2 MiB block,
 *      special frames or device pages: struct vm_fault in mm/mm_types.h).
 *
 * Anything that may take long (allocating and zeroing a page, the
 * handler) happens before page_table_lock is taken; under the lock the
 * slot is found (tables allocated as needed) and filled only if it is
 * still empty. Losing that race is fine: the winner's leaf serves, the
 * loser's page goes back.
 *
 * References: the leaf of an ordinary page holds one reference on it (a
 * new anonymous page is born with it; a handler's pages get one each,
 * get_page()); release_leaf() in pt_walk.c drops them after the flush.
 */
#define pr_fmt(fmt) "fault: " fmt

#include <lib/bug.h>
#include <lib/errno.h>
#include <lib/printk.h>
#include <lib/string.h>
#include <mm/memmap.h>
#include <mm/mm.h>
#include <mm/mmap_lock.h>
#include <mm/page_alloc.h>
#include <mm/page_ref.h>
#include <mm/vm_internal.h>

static bool access_allowed(const struct vm_area_struct *vma, unsigned int flags)
{
	if (flags & FAULT_FLAG_WRITE)
		return vma->vm_flags & VM_WRITE;
	if (flags & FAULT_FLAG_INSTRUCTION)
		return vma->vm_flags & VM_EXEC;
	return vma->vm_flags & VM_ACCESS_FLAGS;
}

/*
 * Step 3: a leaf maps addr already. If it allows the access (it is
 * present, and writable if this is a write) there is nothing to do;
 * otherwise it is rebuilt with the region's permissions, which allow the
 * access (step 2). Making an entry more permissive needs no flush: a stale
 * stricter TLB entry only brings the CPU back here once more.
 */
static int fix_existing_leaf(struct vm_area_struct *vma, unsigned long addr,
			     unsigned int flags)
{
	struct mm_struct *mm = vma->vm_mm;
	enum pt_level level;
	pte_t *slot, e;

	spin_lock(&mm->page_table_lock);
	slot = pt_leaf_slot(mm, addr, &level);
	if (slot) {
		e = ptep_get(slot);
		if (!pte_present(e) || ((flags & FAULT_FLAG_WRITE) && !pte_write(e))) {
			pgprot_t keep = pte_leaf_prot(e, level) &
					(PTE_SPECIAL | PTE_DEVMAP | PTE_CACHE_MASK);

			set_pte(slot, pte_mkleaf(pte_leaf_phys(e, level),
						 vma_pgprot(vma) | keep, level));
		}
	}
	spin_unlock(&mm->page_table_lock);
	return slot ? 0 : -ENOENT;
}

static int anon_fault(struct vm_area_struct *vma, unsigned long addr)
{
	struct mm_struct *mm = vma->vm_mm;
	struct page *page = alloc_page();
	pte_t *slot;
	int err = 0;

	if (!page)
		return -ENOMEM;
	memset(page_address(page), 0, PAGE_SIZE);

	spin_lock(&mm->page_table_lock);
	slot = pt_alloc_slot(mm, addr, PT_PTE, &err);
	if (slot && pte_none(ptep_get(slot))) {
		/* release: the zeroes are visible before the entry is */
		set_pte(slot, pte_mkleaf(PFN_PHYS(page_to_pfn(page)), vma_pgprot(vma), PT_PTE));
		mm->nr_mapped++;
		page = NULL;		/* its reference is the leaf's now */
	}
	spin_unlock(&mm->page_table_lock);
	if (page)
		__free_page(page);
	return err;
}

static bool pages_referenced(struct page *page, unsigned long nr)
{
	for (unsigned long i = 0; i < nr; i++)
		if (page_ref_count(page + i) <= 0)
			return false;
	return true;
}

/* Is the handler's answer something we may map? (It is reported if not.) */
static int check_answer(const struct vm_fault *vmf)
{
	const struct vm_area_struct *vma = vmf->vma;
	unsigned long nr = 1UL << vmf->order;
	const char *bad = NULL;

	if (vmf->order != 0 && vmf->order != PMD_ORDER)
		bad = "order is neither 0 nor 9";
	else if (vmf->order > vmf->max_order)
		bad = "a 2 MiB answer where only 4 KiB fits";
	else if (!IS_ALIGNED(vmf->pfn, nr))
		bad = "pfn not aligned to the answer's size";
	else if (vmf->kind > VMF_DEVMAP)
		bad = "unknown kind";
	else if (vmf->kind != VMF_SPECIAL &&
		 (!pfn_valid(vmf->pfn) || !pfn_valid(vmf->pfn + nr - 1) ||
		  __pfn_to_page(vmf->pfn) + nr - 1 != __pfn_to_page(vmf->pfn + nr - 1)))
		bad = "frames without one contiguous memmap";
	else if (vmf->kind == VMF_PAGE && !pages_referenced(__pfn_to_page(vmf->pfn), nr))
		bad = "a page at refcount 0: the handler must hold a reference on each";
	if (!bad)
		return 0;
	pr_err("%s at 0x%lx: handler answered pfn 0x%lx order %u kind %d: %s",
	       vma->vm_ops->name ?: "region", vmf->address, vmf->pfn, vmf->order,
	       vmf->kind, bad);
	return -EINVAL;
}

/* May a 2 MiB leaf go at addr's block? (checked again under the lock) */
static unsigned int max_order_at(struct vm_area_struct *vma, unsigned long addr)
{
	unsigned long base = addr & PMD_MASK;
	pte_t *table = vma->vm_mm->pgd;

	if (base < vma->vm_start || base + PMD_SIZE > vma->vm_end)
		return 0;
	for (enum pt_level l = PT_PGD; l > PT_PMD; l--) {
		pte_t e = ptep_get(&table[pt_index(base, l)]);

		if (pte_none(e))
			return PMD_ORDER;
		if (pte_leaf(e, l))
			return 0;
		table = phys_to_virt(pte_table_phys(e));
	}
	return pte_none(ptep_get(&table[pt_index(base, PT_PMD)])) ? PMD_ORDER : 0;
}

static int ops_fault(struct vm_area_struct *vma, unsigned long addr, unsigned int flags)
{
	struct mm_struct *mm = vma->vm_mm;
	struct vm_fault vmf = {
		.vma = vma,
		.address = addr,
		.flags = flags,
		.pgoff = vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT),
		.max_order = max_order_at(vma, addr),
	};
	enum pt_level level;
	unsigned long nr;
	pgprot_t prot;
	pte_t *slot;
	int err;

	if (!vma->vm_ops->fault)
		return -EFAULT;
	err = vma->vm_ops->fault(&vmf);
	if (err)
		return err < 0 ? err : -EFAULT;
	err = check_answer(&vmf);
	if (err)
		return err;

	level = vmf.order ? PT_PMD : PT_PTE;
	nr = 1UL << vmf.order;
	prot = vma_pgprot(vma);
	if (vmf.kind == VMF_SPECIAL)
		prot |= PTE_SPECIAL;
	else if (vmf.kind == VMF_DEVMAP)
		prot |= PTE_DEVMAP;

	spin_lock(&mm->page_table_lock);
	slot = pt_alloc_slot(mm, vmf.order ? addr & PMD_MASK : addr, level, &err);
	/*
	 * Not empty: another fault filled it first, or (2 MiB) a table of
	 * 4 KiB leaves appeared since max_order_at(). Either way the access
	 * is retried and finds what is there, or asks again for 4 KiB.
	 */
	if (slot && pte_none(ptep_get(slot))) {
		if (vmf.kind == VMF_PAGE) {
			struct page *page = __pfn_to_page(vmf.pfn);

			for (unsigned long i = 0; i < nr; i++)
				get_page(page + i);
		}
		set_pte(slot, pte_mkleaf(PFN_PHYS(vmf.pfn), prot, level));
		mm->nr_mapped += nr;
	}
	spin_unlock(&mm->page_table_lock);
	return err == -EEXIST ? 0 : err;
}

int handle_mm_fault(struct mm_struct *mm, unsigned long addr, unsigned int flags)
{
	struct vm_area_struct *vma;

	WARN_ON_ONCE(!mmap_lock_is_locked(mm));
	addr = ALIGN_DOWN(addr, PAGE_SIZE);
	vma = vma_lookup(mm, addr);
	if (!vma)
		return -EFAULT;
	if (!access_allowed(vma, flags))
		return -EACCES;
	if (fix_existing_leaf(vma, addr, flags) == 0)
		return 0;
	if (vma->vm_ops)
		return ops_fault(vma, addr, flags);
	return anon_fault(vma, addr);
}

int handle_user_fault(struct mm_struct *mm, unsigned long addr, unsigned int flags)
{
	int err;

	if (addr >= USER_ADDR_END)
		return -EFAULT;
	if (!(flags & FAULT_FLAG_NOWAIT))
		mmap_read_lock(mm);
	else if (!mmap_read_trylock(mm))
		return -EAGAIN;
	err = handle_mm_fault(mm, addr, flags);
	mmap_read_unlock(mm);
	return err;
}
