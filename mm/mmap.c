/*
 * Mapping, unmapping and re-protecting regions of an address space
 * (mm/mm.h): the argument checks, the region tree changes, and the page
 * table work through the free-after-flush gather.
 *
 * Every call holds the mmap_lock for writing from the first look at the
 * tree to the end of the flush, so faults and the slow path of GUP (which
 * hold it for reading) see either the old regions with the old entries or
 * the new ones with the new entries. The fast path of GUP takes no lock:
 * it reads entries, and the gather keeps what it reads alive until it is
 * done (docs/gup.md).
 *
 * Cutting: munmap() and mprotect() of part of a region first split it at
 * the range's edges, so the range then consists of whole regions.
 */
#define pr_fmt(fmt) "mmap: " fmt

#include <lib/errno.h>
#include <lib/printk.h>
#include <mm/mm.h>
#include <mm/mmap_lock.h>
#include <mm/slab.h>
#include <mm/vm_internal.h>
#include <asm/page.h>

#define PROT_ALL	(PROT_READ | PROT_WRITE | PROT_EXEC)

static unsigned long prot_to_vm_flags(unsigned int prot)
{
	unsigned long flags = 0;

	if (prot & (PROT_READ | PROT_WRITE | PROT_EXEC))
		flags |= VM_READ;
	if (prot & PROT_WRITE)
		flags |= VM_WRITE;
	if (prot & PROT_EXEC)
		flags |= VM_EXEC;
	return flags;
}

/*
 * A range of the user half: addr page-aligned, len rounded up to pages
 * (in *len). -EINVAL, with the reason printed, for anything else.
 */
static int check_range(const char *op, unsigned long addr, unsigned long *len)
{
	unsigned long n = ALIGN_UP(*len, PAGE_SIZE);

	if (!*len || n < *len) {
		pr_err("%s 0x%lx: length 0x%lx is empty or wraps", op, addr, *len);
		return -EINVAL;
	}
	if (!IS_ALIGNED(addr, PAGE_SIZE)) {
		pr_err("%s 0x%lx: not page-aligned", op, addr);
		return -EINVAL;
	}
	if (addr < MMAP_MIN_ADDR || addr >= USER_ADDR_END || n > USER_ADDR_END - addr) {
		pr_err("%s 0x%lx-0x%lx: outside the user range 0x%lx-0x%llx", op, addr,
		       addr + n - 1, MMAP_MIN_ADDR, (unsigned long long)USER_ADDR_END - 1);
		return -EINVAL;
	}
	*len = n;
	return 0;
}

static int check_prot(const char *op, unsigned long addr, unsigned int prot)
{
	if (prot & ~PROT_ALL) {
		pr_err("%s 0x%lx: unknown prot bits 0x%x", op, addr, prot & ~PROT_ALL);
		return -EINVAL;
	}
	return 0;
}

static long do_mmap(struct mm_struct *mm, unsigned long addr, unsigned long len,
		    unsigned int prot, const struct vm_operations_struct *ops, void *priv)
{
	const char *op = ops ? "mmap_with_ops" : "mmap_anon";
	unsigned long flags = prot_to_vm_flags(prot);
	struct vm_area_struct *vma;
	int err;

	err = check_prot(op, addr, prot);
	if (err)
		return err;
	if (ops && (ops->vm_flags & ~VM_TYPE_FLAGS)) {
		pr_err("%s: ops %s: vm_flags 0x%lx beyond the type flags 0x%lx", op,
		       ops->name ?: "?", ops->vm_flags, VM_TYPE_FLAGS);
		return -EINVAL;
	}
	if (ops)
		flags |= ops->vm_flags;
	/* addr 0: anywhere, so only the length is checked (against the base) */
	err = check_range(op, addr ?: MMAP_BASE, &len);
	if (err)
		return err;

	vma = vma_alloc(mm, addr, addr + len, flags, ops, priv);
	if (!vma)
		return -ENOMEM;
	mmap_write_lock(mm);
	if (!addr) {
		addr = vma_find_gap(mm, len, len >= PMD_SIZE ? PMD_SIZE : PAGE_SIZE);
		vma->vm_start = addr;
		vma->vm_end = addr + len;
		err = addr ? 0 : -ENOMEM;
	}
	if (!err)
		err = vma_insert(mm, vma);
	mmap_write_unlock(mm);
	if (err) {
		kfree(vma);
		return err;
	}
	return (long)addr;
}

long mmap_anon(struct mm_struct *mm, unsigned long addr, unsigned long len, unsigned int prot)
{
	return do_mmap(mm, addr, len, prot, NULL, NULL);
}

long mmap_with_ops(struct mm_struct *mm, unsigned long addr, unsigned long len,
		   unsigned int prot, const struct vm_operations_struct *ops, void *priv)
{
	if (!ops) {
		pr_err("mmap_with_ops 0x%lx: no ops (use mmap_anon)", addr);
		return -EINVAL;
	}
	return do_mmap(mm, addr, len, prot, ops, priv);
}

/*
 * Split the regions that straddle start or end, so that [start, end)
 * holds whole regions only. -ENOMEM if a cut fails (a finished first
 * cut is harmless: two regions where there was one).
 */
static int split_at_edges(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	struct vm_area_struct *v = vma_lookup(mm, start);

	if (v && v->vm_start < start && !vma_split(v, start))
		return -ENOMEM;
	v = vma_lookup(mm, end);
	if (v && v->vm_start < end && !vma_split(v, end))
		return -ENOMEM;
	return 0;
}

int munmap(struct mm_struct *mm, unsigned long addr, unsigned long len)
{
	struct vm_area_struct *v, *gone = NULL;
	struct mmu_gather tlb;
	unsigned long end;
	int err;

	err = check_range("munmap", addr, &len);
	if (err)
		return err;
	end = addr + len;

	mmap_write_lock(mm);
	err = split_at_edges(mm, addr, end);
	if (err)
		goto out;
	/* out of the tree, onto a private list linked through vm_node.parent */
	while ((v = find_vma(mm, addr)) && v->vm_start < end) {
		vma_remove(mm, v);
		v->vm_node.parent = (struct avl_node *)gone;
		gone = v;
	}
	tlb_gather_init(&tlb, mm);
	pt_zap_range(&tlb, addr, end);
	tlb_finish(&tlb);
	while (gone) {
		v = gone;
		gone = (struct vm_area_struct *)v->vm_node.parent;
		vma_free(v);		/* close: after the flush */
	}
out:
	mmap_write_unlock(mm);
	return err;
}

/* Is [start, end) covered by regions without a gap? */
static bool range_mapped(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	struct vm_area_struct *v = find_vma(mm, start);

	while (start < end) {
		if (!v || v->vm_start > start)
			return false;
		start = v->vm_end;
		v = vma_next(v);
	}
	return true;
}

int mprotect(struct mm_struct *mm, unsigned long addr, unsigned long len, unsigned int prot)
{
	unsigned long flags = prot_to_vm_flags(prot), end;
	struct vm_area_struct *v;
	struct mmu_gather tlb;
	int err;

	err = check_range("mprotect", addr, &len);
	if (!err)
		err = check_prot("mprotect", addr, prot);
	if (err)
		return err;
	end = addr + len;

	mmap_write_lock(mm);
	if (!range_mapped(mm, addr, end)) {
		err = -ENOMEM;
		goto out;
	}
	err = split_at_edges(mm, addr, end);
	if (err)
		goto out;
	tlb_gather_init(&tlb, mm);
	for (v = find_vma(mm, addr); v && v->vm_start < end; v = vma_next(v)) {
		v->vm_flags = (v->vm_flags & ~VM_ACCESS_FLAGS) | flags;
		pt_change_prot(&tlb, v->vm_start, v->vm_end, vma_pgprot(v));
	}
	tlb_finish(&tlb);
out:
	mmap_write_unlock(mm);
	if (err == -ENOMEM)
		pr_err("mprotect 0x%lx-0x%lx: not mapped throughout, or no memory to cut a region",
		       addr, end - 1);
	return err;
}
