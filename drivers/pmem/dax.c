/*
 * DAX mappings of a pmem device: its pages mapped straight into an
 * address space (like mmap of /dev/daxN.M), through devmap leaves.
 *
 * pmem_dax_mmap() makes a region whose fault handler answers with the
 * device's pfns from pmem_direct_access(): a 2 MiB devmap leaf where the
 * address and the device offset are both 2 MiB aligned, else 4 KiB. A
 * devmap leaf holds no page reference (the device does, at refcount 1);
 * GUP pins pages through it with get_dev_pagemap() (mm/gup*.c).
 *
 * Every pmem_dax_mmap() is recorded (mm held with mmgrab, range) on the
 * device. At unbind the pgmap teardown calls pmem_dax_kill() between
 * dropping the device's holds and waiting for the pins: it marks the
 * device gone (faults now fail, reported) and zaps every recorded range
 * (zap_vmas_of: only this device's regions, TLB shootdown). Records live
 * until that teardown (an address space destroyed earlier is skipped).
 *
 * Ordering: dax_gone is set under dax_lock and read under it by the
 * fault; the zap then takes each mm's mmap_lock for writing, so a fault
 * that saw "alive" (it holds the lock for reading) has installed its leaf
 * before the zap clears it, and a later fault sees "gone".
 */
#include <drivers/pmem/pmem.h>
#include <lib/errno.h>
#include <lib/printk.h>
#include <mm/mm.h>
#include <mm/slab.h>

struct pmem_dax_map {
	struct list_head node;		/* on pmem->dax_maps (dax_lock) */
	struct mm_struct *mm;		/* mmgrab'd */
	unsigned long start, end;
};

static int pmem_dax_fault(struct vm_fault *vmf)
{
	struct pmem_device *pmem = vmf->vma->vm_private_data;
	unsigned long pfn, base;
	bool gone;
	long n;

	spin_lock(&pmem->dax_lock);
	gone = pmem->dax_gone || !pmem->has_pages;
	spin_unlock(&pmem->dax_lock);
	if (gone) {
		pr_warn("%s: DAX fault at 0x%lx (page %lu): the device is unbound: no page",
			pmem->dev.name, vmf->address, vmf->pgoff);
		__atomic_fetch_add(&pmem->nr_dax_gone_faults, 1, __ATOMIC_RELAXED);
		return -EFAULT;
	}
	vmf->kind = VMF_DEVMAP;
	base = vmf->pgoff & ~((1UL << PMD_ORDER) - 1);
	if (vmf->max_order >= PMD_ORDER &&
	    ((vmf->address >> PAGE_SHIFT) & ((1UL << PMD_ORDER) - 1)) == vmf->pgoff - base &&
	    pmem_direct_access(pmem, base, 1UL << PMD_ORDER, NULL, &pfn) >= (1L << PMD_ORDER) &&
	    !(pfn & ((1UL << PMD_ORDER) - 1))) {
		vmf->order = PMD_ORDER;
		vmf->pfn = pfn;
		return 0;
	}
	n = pmem_direct_access(pmem, vmf->pgoff, 1, NULL, &pfn);
	if (n < 1)
		return -EFAULT;
	vmf->order = 0;
	vmf->pfn = pfn;
	return 0;
}

const struct vm_operations_struct pmem_dax_ops = {
	.name = "pmem_dax",
	.fault = pmem_dax_fault,
};

long pmem_dax_mmap(struct pmem_device *pmem, struct mm_struct *mm, unsigned long addr,
		   unsigned long len, unsigned int prot)
{
	struct pmem_dax_map *m;
	long ret;

	if (!pmem->has_pages || pmem->dev.state != DEVICE_BOUND)
		return -ENODEV;
	if (len > pmem->size)
		return -EINVAL;
	m = kzalloc(sizeof(*m));
	if (!m)
		return -ENOMEM;
	ret = mmap_with_ops(mm, addr, len, prot, &pmem_dax_ops, pmem);
	if (ret < 0) {
		kfree(m);
		return ret;
	}
	mmgrab(mm);
	m->mm = mm;
	m->start = (unsigned long)ret;
	m->end = m->start + ((len + PAGE_SIZE - 1) & PAGE_MASK);
	spin_lock(&pmem->dax_lock);
	list_add_tail(&m->node, &pmem->dax_maps);
	spin_unlock(&pmem->dax_lock);
	return ret;
}

void pmem_dax_kill(struct dev_pagemap *pgmap)
{
	struct pmem_device *pmem = container_of(pgmap, struct pmem_device, pgmap);
	unsigned long zapped = 0;
	struct pmem_dax_map *m;

	spin_lock(&pmem->dax_lock);
	pmem->dax_gone = true;
	spin_unlock(&pmem->dax_lock);
	for (;;) {
		spin_lock(&pmem->dax_lock);
		m = list_empty(&pmem->dax_maps) ? NULL :
			list_first_entry(&pmem->dax_maps, struct pmem_dax_map, node);
		if (m)
			list_del(&m->node);
		spin_unlock(&pmem->dax_lock);
		if (!m)
			break;
		if (mmget_not_zero(m->mm)) {
			zapped += zap_vmas_of(m->mm, m->start, m->end, &pmem_dax_ops, pmem);
			mmput(m->mm);
		}
		mmdrop(m->mm);
		kfree(m);
	}
	pmem->dax_zapped_bytes = zapped;
	if (zapped)
		pr_info("%s: zapped %lu KiB of DAX mappings", pmem->dev.name, zapped >> 10);
}
