/*
 * mm/vmap.h on x86-64: the checks, the translation of MAP_* flags into
 * page-table attributes, and the TLB flush; pgtable.c does the walking.
 *
 * Where mappings may go: the vmap area (VMAP_START..VMAP_END, free for
 * callers to carve up) and the direct-map region (memremap_range() puts
 * device memory at phys_to_virt(phys), beside the memory the direct map
 * holds from boot on: direct_map.c). The kernel image and the lower
 * half are refused, so no caller can unmap kernel text by mistake.
 *
 * Caching: MAP_WB is PAT index 0 (write-back), MAP_UC is PCD|PWT, PAT
 * index 3 (uncached), as paging_init() programs the PAT.
 *
 * Updates hold kernel_pt_lock; lookups take no lock (entries are read
 * whole, see <asm/pgtable.h>). Messages are printed after the lock is
 * dropped. The lock leaves interrupts as the caller had them, on purpose:
 * an unmap holds it across the TLB shootdown, which waits for every
 * other CPU to answer an interrupt, and a CPU spinning on this lock with
 * interrupts masked could never answer (arch/x86/tlb.c). So map and unmap
 * from process context with interrupts enabled (or before the other CPUs
 * run), never from an interrupt handler.
 */
#define pr_fmt(fmt) "vmap: " fmt

#include <lib/compiler.h>
#include <lib/errno.h>
#include <lib/printk.h>
#include <lib/spinlock.h>
#include <mm/vmap.h>
#include <asm/ctrlregs.h>
#include <asm/layout.h>
#include <asm/page.h>
#include <asm/tlbflush.h>
#include "direct_map.h"
#include "pgtable.h"

#define MAP_ALL_FLAGS	(MAP_CACHE_MASK | MAP_RO | MAP_NX)
#define PHYS_LIMIT	(1ULL << 52)	/* the architectural maximum */

/* Serialises every change to the kernel's page tables after boot. */
static DEFINE_SPINLOCK(kernel_pt_lock);

/* The tables in use: ours once paging_init() ran, the loader's before. */
static pte_t *current_pgd(void)
{
	return kernel_pgd ?: phys_to_virt(read_cr3() & PTE_ADDR_MASK);
}

static bool within(uint64_t virt, uint64_t size, uint64_t start, uint64_t end)
{
	return virt >= start && virt < end && size <= end - virt;
}

static int check_range(const char *op, uint64_t virt, uint64_t size)
{
	if (!size || !IS_ALIGNED(virt | size, PAGE_SIZE)) {
		pr_err("%s 0x%lx size 0x%lx: empty or not page-aligned", op, virt, size);
		return -EINVAL;
	}
	if (!within(virt, size, DIRECT_MAP_BASE, DIRECT_MAP_END) &&
	    !within(virt, size, VMAP_START, VMAP_END)) {
		pr_err("%s 0x%lx-0x%lx: outside the vmap area and the direct map",
		       op, virt, virt + size - 1);
		return -EINVAL;
	}
	return 0;
}

static pgprot_t flags_to_prot(unsigned int flags)
{
	pgprot_t prot = PAGE_KERNEL;

	if (flags & MAP_RO)
		prot &= ~(PTE_WRITE | PTE_DIRTY);
	if (!(flags & MAP_NX))
		prot &= ~PTE_NX;
	if ((flags & MAP_CACHE_MASK) == MAP_UC)
		prot |= PTE_CACHE_UC;
	return prot;
}

/* Any caching other than write-back reads as MAP_UC. */
static unsigned int prot_to_flags(pgprot_t prot)
{
	unsigned int flags = (prot & PTE_CACHE_MASK) == PTE_CACHE_WB ? MAP_WB : MAP_UC;

	if (!(prot & PTE_WRITE))
		flags |= MAP_RO;
	if (prot & PTE_NX)
		flags |= MAP_NX;
	return flags;
}

int map_kernel_range(unsigned long virt, phys_addr_t phys, size_t size, unsigned int flags)
{
	struct pt_freelist freed = { 0 };
	uint64_t busy;
	int err;

	err = check_range("map", virt, size);
	if (err)
		return err;
	if (flags & ~MAP_ALL_FLAGS) {
		pr_err("map 0x%lx: unknown flags 0x%x", virt, flags & ~MAP_ALL_FLAGS);
		return -EINVAL;
	}
	if (!IS_ALIGNED(phys, PAGE_SIZE) || phys >= PHYS_LIMIT || size > PHYS_LIMIT - phys) {
		pr_err("map 0x%lx: phys 0x%lx size 0x%zx: not page-aligned or beyond 2^52",
		       virt, phys, size);
		return -EINVAL;
	}

	spin_lock(&kernel_pt_lock);
	if (pt_range_mapped(current_pgd(), virt, size, &busy)) {
		err = -EEXIST;
	} else {
		err = pt_map(current_pgd(), virt, phys, size, flags_to_prot(flags), PT_PUD);
		if (err) {
			/* only whole leaves of ours to remove: no split, no failure */
			pt_unmap(current_pgd(), virt, size, &freed);
			flush_tlb_kernel_range(virt, virt + size);
			pt_freelist_release(&freed);
		}
	}
	spin_unlock(&kernel_pt_lock);

	if (err == -EEXIST)
		pr_err("map 0x%lx-0x%lx: 0x%lx is already mapped", virt, virt + size - 1, busy);
	else if (err)
		pr_err("map 0x%lx-0x%lx to phys 0x%lx: out of memory for page tables",
		       virt, virt + size - 1, phys);
	return err;
}

int unmap_kernel_range(unsigned long virt, size_t size)
{
	struct pt_freelist freed = { 0 };
	int err;

	err = check_range("unmap", virt, size);
	if (err)
		return err;
	spin_lock(&kernel_pt_lock);
	err = pt_unmap(current_pgd(), virt, size, &freed);
	flush_tlb_kernel_range(virt, virt + size);
	pt_freelist_release(&freed);	/* only now: no TLB walks them any more */
	spin_unlock(&kernel_pt_lock);
	if (err)
		pr_err("unmap 0x%lx-0x%lx: no memory to split a large page; partly unmapped",
		       virt, virt + size - 1);
	return err;
}

int kernel_mapping_query(unsigned long virt, struct kernel_mapping *m)
{
	enum pt_level level;
	pte_t *slot = pt_lookup(current_pgd(), virt, &level);
	pte_t e;

	if (!slot)
		return -ENOENT;
	e = ptep_get(slot);
	*m = (struct kernel_mapping){
		.phys = pte_leaf_phys(e, level) + (virt & (pt_level_size(level) - 1)),
		.page_size = pt_level_size(level),
		.flags = prot_to_flags(pte_leaf_prot(e, level)),
	};
	return 0;
}

phys_addr_t kernel_virt_to_phys(unsigned long virt)
{
	struct kernel_mapping m;

	return kernel_mapping_query(virt, &m) ? PHYS_ADDR_INVALID : m.phys;
}

void *memremap_range(phys_addr_t phys, size_t size, unsigned int flags)
{
	if (!size || phys + size < phys) {
		pr_err("memremap phys 0x%lx size 0x%zx: empty or wraps", phys, size);
		return NULL;
	}
	switch (direct_map_covers(phys, size)) {
	case DIRECT_MAP_ALL:
		if ((flags & MAP_CACHE_MASK) != MAP_WB) {
			pr_err("memremap phys 0x%lx size 0x%zx: memory the direct map holds "
			       "write-back cannot be mapped uncached as well", phys, size);
			return NULL;
		}
		return phys_to_virt(phys);
	case DIRECT_MAP_PART:
		pr_err("memremap phys 0x%lx size 0x%zx: part of it is memory in the direct map, "
		       "part is not", phys, size);
		return NULL;
	case DIRECT_MAP_NONE:
		break;
	}
	if (map_kernel_range((unsigned long)phys_to_virt(phys), phys, size, flags | MAP_NX))
		return NULL;
	return phys_to_virt(phys);
}

void memunmap_range(void *addr, size_t size)
{
	if (direct_map_covers(virt_to_phys(addr), size) == DIRECT_MAP_NONE)
		unmap_kernel_range((unsigned long)addr, size);
}
