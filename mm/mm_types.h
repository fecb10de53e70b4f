/*
 * Address spaces and their mappings: struct mm_struct and struct
 * vm_area_struct (the API is in mm/mm.h).
 *
 * An address space is a top-level page table whose lower half (the user
 * range, [0, USER_ADDR_END)) belongs to it alone and whose upper half is
 * the kernel's, shared by every address space; plus the set of mapped
 * regions (VMAs) of the user range, each with its permissions and, if it
 * is not plain anonymous memory, the operations that fill it on a fault.
 *
 * The life story of an mm_struct
 * ------------------------------
 * Two counts, as in Linux:
 *   mm_users  the users of the mappings: the owner who created it, and
 *             anyone who will fault or pin pages in it (mmget()). The last
 *             mmput() tears the mappings down: every VMA is removed, every
 *             page unmapped and released, every page-table page below the
 *             top level freed (after the TLB flush).
 *   mm_count  holders of the structure and its top-level table. All users
 *             together hold one; a CPU running on the table holds one more
 *             (use_mm() takes it with mmgrab()), so the table outlives the
 *             last user for as long as a CPU may still load it. The last
 *             mmdrop() frees the table and the structure.
 *
 *   mm_create()            users 1, count 1: the creator's user reference
 *   mmget()/mmput()        +1/-1 users; the last mmput() unmaps everything
 *                          and then drops the users' count
 *   mmget_not_zero()       a user reference unless the mappings are gone
 *   mmgrab()/mmdrop()      +1/-1 count; the last frees the pgd and the mm
 *   use_mm()/unuse_mm()    a CPU runs "in" the mm (CR3), with a count held
 *
 * Pages pinned by GUP hold their own page references, so they outlive the
 * mapping (and the address space) they were pinned from: the final put by
 * whoever pinned them frees them.
 *
 * The field legend (the letters: docs/layout.md, "Field legends")
 * ----------------
 *   (i)  immutable once mm_create() / the mapping call has set it;
 *   (a)  atomic;
 *   (L)  under mmap_lock: written with it held for writing, read with it
 *        held either way;
 *   (L: page_table_lock)  written under page_table_lock (the mmap_lock
 *        held for reading at least), read under either lock;
 *   (p)  the CPUs that run on the table: set and cleared by each CPU for
 *        itself (its own bit) with atomic bit operations.
 * Page-table entries of the user range follow the same rule as
 * (L: page_table_lock), plus:
 * a table is unlinked and freed only with mmap_lock held for writing, and
 * only after the TLB flush that every CPU acknowledges (mm/mmu_gather.c),
 * so a walker with interrupts off never reads a freed table
 * (docs/gup.md). Entries are read and written whole (ptep_get/set_pte).
 */
#ifndef MM_MM_TYPES_H
#define MM_MM_TYPES_H

#include <lib/avltree.h>
#include <lib/compiler.h>
#include <lib/spinlock.h>
#include <kernel/cpumask.h>
#include <kernel/rwsem.h>
#include <asm/pgtable.h>

struct page;
struct vm_area_struct;

/* vm_flags: what a region allows, and what it is. */
#define VM_READ		0x01UL
#define VM_WRITE	0x02UL
#define VM_EXEC		0x04UL
#define VM_SHARED	0x08UL	/* stores are seen by every mapper (no private copy) */
#define VM_IO		0x10UL	/* device registers: never pinned by GUP */
#define VM_PFNMAP	0x20UL	/* raw frames without struct pages: never pinned */
#define VM_DAX		0x40UL	/* device pages with a dev_pagemap (pmem DAX) */
#define VM_ACCESS_FLAGS	(VM_READ | VM_WRITE | VM_EXEC)
#define VM_TYPE_FLAGS	(VM_SHARED | VM_IO | VM_PFNMAP | VM_DAX)

/* Fault flags: why handle_mm_fault() was called. */
#define FAULT_FLAG_WRITE	0x01	/* a write */
#define FAULT_FLAG_INSTRUCTION	0x02	/* an instruction fetch */
#define FAULT_FLAG_USER		0x04	/* from ring 3 */
#define FAULT_FLAG_REMOTE	0x08	/* for GUP, not a CPU access */
#define FAULT_FLAG_NOWAIT	0x10	/* the faulting code may not sleep */

/*
 * What a region's fault handler is asked, and what it answers.
 *
 * In: the region, the page-aligned address, the fault flags, the page
 * offset of the address in the object (vm_pgoff + pages from vm_start),
 * and max_order: 9 (PMD_ORDER) if a 2 MiB leaf may be put there (the
 * aligned 2 MiB block lies inside the region and nothing is mapped in
 * it), else 0.
 *
 * Out (return 0): pfn and order of the frames to map (order 0: one 4 KiB
 * page at address; PMD_ORDER: 2 MiB at address rounded down, pfn aligned
 * to 512) and their kind:
 *   VMF_PAGE     ordinary frames with struct pages. The mapping takes one
 *                reference on each page (get_page()), dropped when it is
 *                unmapped; the handler's owner must already hold one on
 *                each (get_page() of a page at 0 is refused and warned).
 *   VMF_SPECIAL  frames without struct pages (PTE_SPECIAL): nothing is
 *                counted, and GUP never pins them.
 *   VMF_DEVMAP   device pages of a dev_pagemap (PTE_DEVMAP): the mapping
 *                holds no page reference, the device keeps its pages for
 *                as long as they may be mapped (docs/zone-device.md).
 * A negative errno refuses the fault (the access then fails with it).
 */
enum vmf_kind {
	VMF_PAGE = 0,
	VMF_SPECIAL,
	VMF_DEVMAP,
};

#define PMD_ORDER	9		/* a 2 MiB leaf maps 2^9 pages */

struct vm_fault {
	struct vm_area_struct *vma;	/* in */
	unsigned long address;		/* in: page-aligned */
	unsigned int flags;		/* in: FAULT_FLAG_* */
	unsigned long pgoff;		/* in */
	unsigned int max_order;		/* in: 0 or PMD_ORDER */
	unsigned long pfn;		/* out */
	unsigned int order;		/* out: 0 or PMD_ORDER */
	enum vmf_kind kind;		/* out */
};

/*
 * A region that is not plain anonymous memory. Every hook is optional.
 *   fault   fill a slot (see struct vm_fault); called with mmap_lock held
 *           for reading and no other lock; may allocate.
 *   open    a new region now shares the object (a split made a second
 *           piece of a region); close is called once per piece.
 *   close   the region is gone (unmapped, or its address space torn
 *           down); its slots are already unmapped and flushed.
 */
struct vm_operations_struct {
	const char *name;		/* for messages */
	unsigned long vm_flags;		/* VM_TYPE_FLAGS added to every region */
	int (*fault)(struct vm_fault *vmf);
	void (*open)(struct vm_area_struct *vma);
	void (*close)(struct vm_area_struct *vma);
};

/*
 * A mapped region [vm_start, vm_end) of one address space. Page-aligned,
 * never empty, never overlapping another region of the same mm. Created
 * by the mmap calls, cut in two by munmap()/mprotect() of a part of it,
 * freed when unmapped or when its mm is torn down.
 */
struct vm_area_struct {
	struct avl_node vm_node;	/* (L) in mm->mm_vmas, by vm_start */
	unsigned long vm_start;		/* (L) first byte */
	unsigned long vm_end;		/* (L) first byte after */
	unsigned long vm_flags;		/* (L) VM_* */
	unsigned long vm_pgoff;		/* (L) page offset of vm_start in the object */
	struct mm_struct *vm_mm;	/* (i) */
	const struct vm_operations_struct *vm_ops;	/* (i) NULL: anonymous */
	void *vm_private_data;		/* (i) the ops' own */
};

struct mm_struct {
	pte_t *pgd;			/* (i) top-level table; kernel half shared */
	int mm_users;			/* (a) see the life story */
	int mm_count;			/* (a) */
	struct rw_semaphore mmap_lock;	/* the regions; use mm/mmap_lock.h */
	spinlock_t page_table_lock;	/* filling user page tables */
	struct avl_root mm_vmas;	/* (L) the regions, by address */
	unsigned long map_count;	/* (L) regions in mm_vmas */
	unsigned long mmap_base;	/* (i) where a search for free space starts */
	unsigned long nr_pgtables;	/* (L: page_table_lock) page-table pages below pgd */
	unsigned long nr_mapped;	/* (L: page_table_lock) 4 KiB frames
					 * mapped (a 2 MiB leaf: 512) */
	cpumask_t cpu_mask;		/* (a) the CPUs that run on pgd: each sets
					 * and clears its own bit (locked); the
					 * flusher reads it after a barrier */
};

static inline unsigned long vma_pages(const struct vm_area_struct *vma)
{
	return (vma->vm_end - vma->vm_start) >> 12;
}

#endif /* MM_MM_TYPES_H */
