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
 * Every pmem_dax_mmap() makes a record (struct pmem_dax_map) that is the
 * region's vm_private_data: which device, which binding of it (the probe
 * bumps pmem->dax_gen), which address space. The record joins the
 * binding's list *before* the region exists, under dax_lock with the
 * check that the device is bound, so there is no moment when the region
 * can fault and the teardown would not find it (Linux gets the same from
 * the VMA joining the file's mapping tree inside mmap). At unbind the
 * pgmap teardown calls pmem_dax_kill() first of all, before it kills the
 * reference (device DAX's order: unmap, kill, put, wait, remove): it
 * marks the device gone (faults now fail, reported) and zaps every region
 * of every record of this binding (zap_vmas_of: only the record's
 * regions, wherever they lie, TLB shootdown).
 *
 * A mapping belongs to one binding for good: after an unbind and a new
 * bind, a fault in a region mapped before still fails, because its
 * record's generation is old. (If it could fault again it would install
 * leaves the next unbind does not know about, and they would outlive
 * that teardown.)
 *
 * The record's life: created by pmem_dax_mmap() with one reference, the
 * first region's (dropped there if the region cannot be made); a split
 * region's new piece takes one (.open), every region freed drops one
 * (.close); pmem_dax_kill() takes the record off the binding's list and
 * holds one while it zaps. The last put frees it (mmdrop, put_device,
 * kfree), so neither the address space nor the device goes away under a
 * zap.
 *
 * Ordering: dax_gone and dax_gen are written under dax_lock and read
 * under it by pmem_dax_mmap() and the fault, and so are the binding's
 * size and data_offset by pmem_dax_mmap()'s length check (dax_gone is false only
 * while a binding with struct pages lasts, so neither reads the device's
 * state or has_pages, which a concurrent bind or unbind is writing); the
 * zap then takes each mm's mmap_lock for writing, so a fault that saw
 * "alive" (it holds the lock for reading) has installed its leaf before
 * the zap clears it, and a later fault sees "gone". A region made after
 * the zap ran can fault only after that, and sees "gone" too.
 */
#include <drivers/pmem/pmem.h>
#include <lib/errno.h>
#include <lib/printk.h>
#include <lib/ratelimit.h>
#include <lib/trace.h>
#include <mm/mm.h>
#include <mm/slab.h>

struct pmem_dax_map {
	struct list_head node;		/* (L: dax_lock) on pmem->dax_maps until the
					 * binding's teardown takes it off */
	struct pmem_device *pmem;	/* (i) with a device reference */
	struct mm_struct *mm;		/* (i) mmgrab'd */
	unsigned int gen;		/* (i) pmem->dax_gen at the mmap */
	int refs;			/* (L: dax_lock) regions + a zap at work */
};

/* Drop a reference; the last one frees the record (no lock held). */
static void dax_map_put(struct pmem_dax_map *m)
{
	struct pmem_device *pmem = m->pmem;
	bool last;

	spin_lock(&pmem->dax_lock);
	last = --m->refs == 0;
	if (last && !list_empty(&m->node))
		list_del_init(&m->node);
	spin_unlock(&pmem->dax_lock);
	if (!last)
		return;
	mmdrop(m->mm);
	put_device(&pmem->dev);
	kfree(m);
}

static void pmem_dax_open(struct vm_area_struct *vma)
{
	struct pmem_dax_map *m = vma->vm_private_data;

	spin_lock(&m->pmem->dax_lock);
	m->refs++;
	spin_unlock(&m->pmem->dax_lock);
}

static void pmem_dax_close(struct vm_area_struct *vma)
{
	dax_map_put(vma->vm_private_data);
}

static int pmem_dax_fault(struct vm_fault *vmf)
{
	struct pmem_dax_map *m = vmf->vma->vm_private_data;
	struct pmem_device *pmem = m->pmem;
	unsigned long pfn, base;
	bool gone, stale;
	long n;

	spin_lock(&pmem->dax_lock);
	stale = m->gen != pmem->dax_gen;
	gone = pmem->dax_gone || stale;
	spin_unlock(&pmem->dax_lock);
	if (gone) {
		pr_warn_ratelimited("%s: DAX fault at 0x%lx (page %lu): %s: no page", pmem->dev.name,
			vmf->address, vmf->pgoff, stale ? "mapped under an earlier binding" :
			"the device is unbound");
		__atomic_fetch_add(&pmem->nr_dax_gone_faults, 1, __ATOMIC_RELAXED);
		trace_event(dax_fault, vmf->address, 0, -EFAULT);
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
		trace_event(dax_fault, vmf->address, pfn, PMD_ORDER);
		return 0;
	}
	n = pmem_direct_access(pmem, vmf->pgoff, 1, NULL, &pfn);
	if (n < 1) {
		trace_event(dax_fault, vmf->address, 0, -EFAULT);
		return -EFAULT;
	}
	vmf->order = 0;
	vmf->pfn = pfn;
	trace_event(dax_fault, vmf->address, pfn, 0);
	return 0;
}

const struct vm_operations_struct pmem_dax_ops = {
	.name = "pmem_dax",
	.fault = pmem_dax_fault,
	.open = pmem_dax_open,
	.close = pmem_dax_close,
};

void (*pmem_dax_mmap_window)(struct pmem_device *pmem, struct mm_struct *mm,
			    unsigned long addr);

long pmem_dax_mmap(struct pmem_device *pmem, struct mm_struct *mm, unsigned long addr,
		   unsigned long len, unsigned int prot)
{
	struct pmem_dax_map *m;
	long ret;

	m = kzalloc(sizeof(*m));
	if (!m)
		return -ENOMEM;
	INIT_LIST_HEAD(&m->node);
	get_device(&pmem->dev);
	mmgrab(mm);
	m->pmem = pmem;
	m->mm = mm;
	m->refs = 1;			/* the region mmap_with_ops will make */

	/*
	 * Visible to the teardown before the region exists (see above). The
	 * length is checked against this binding's data area (the memmap may
	 * take the device's first pages), which is fixed while it lasts.
	 */
	spin_lock(&pmem->dax_lock);
	ret = pmem->dax_gone ? -ENODEV :	/* unbound, or no struct pages */
	      len > pmem->size - pmem->data_offset ? -EINVAL : 0;
	if (!ret) {
		m->gen = pmem->dax_gen;
		list_add_tail(&m->node, &pmem->dax_maps);
	}
	spin_unlock(&pmem->dax_lock);
	if (ret) {
		dax_map_put(m);
		return ret;
	}
	ret = mmap_with_ops(mm, addr, len, prot, &pmem_dax_ops, m);
	if (ret < 0) {
		dax_map_put(m);		/* off the list, freed unless a zap holds it */
		return ret;
	}
	if (unlikely(pmem_dax_mmap_window))
		pmem_dax_mmap_window(pmem, mm, (unsigned long)ret);
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
		if (m) {
			list_del_init(&m->node);
			m->refs++;		/* held across the zap */
		}
		spin_unlock(&pmem->dax_lock);
		if (!m)
			break;
		if (mmget_not_zero(m->mm)) {
			unsigned long bytes = zap_vmas_of(m->mm, 0, ~0UL, &pmem_dax_ops, m);

			trace_event(dax_zap, m, bytes, 0);
			zapped += bytes;
			mmput(m->mm);
		}
		dax_map_put(m);
	}
	pmem->dax_zapped_bytes = zapped;
	if (zapped)
		pr_info("%s: zapped %lu KiB of DAX mappings", pmem->dev.name, zapped >> 10);
}
