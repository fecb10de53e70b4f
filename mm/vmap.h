/*
 * Mapping physical ranges into the kernel's address space.
 *
 * The kernel sees all RAM through the direct map (phys_to_virt). This is
 * for everything else: device memory, which the direct map never covers
 * (persistent memory, device registers), a second view of some pages at
 * an address of the caller's choice.
 * The architecture implements it (arch/x86/vmap.c); this header is
 * generic and holds no page-table detail.
 *
 * Life of a mapping:
 *
 *   err = map_kernel_range(virt, phys, size, MAP_WB | MAP_NX);
 *   ... use virt ...
 *   unmap_kernel_range(virt, size);     (the TLBs are flushed on return)
 *
 * or, for a device range placed at its direct-map address:
 *
 *   void *p = memremap_range(phys, size, MAP_WB);
 *   ...
 *   memunmap_range(p, size);
 *
 * Addresses and sizes are page-aligned; mappings use the largest pages
 * that the alignment of virt and phys allows (2 MiB, 1 GiB when the CPU
 * has them), and unmapping part of a large page splits it, leaving the
 * rest mapped. Errors are negative errnos, each with a pr_err that names
 * the addresses. Callers serialise with each other (a lock comes with
 * SMP); safe to call once the architecture's paging_init() ran.
 */
#ifndef MM_VMAP_H
#define MM_VMAP_H

#include <stddef.h>
#include <stdint.h>

typedef uint64_t phys_addr_t;

/* The answer of kernel_virt_to_phys() for an address nothing maps. */
#define PHYS_ADDR_INVALID	((phys_addr_t)-1)

/* Mapping flags: one caching mode, plus restrictions. */
#define MAP_WB		0x0	/* write-back cached (RAM, pmem) */
#define MAP_UC		0x1	/* uncached (device registers) */
#define MAP_CACHE_MASK	0x1
#define MAP_RO		0x2	/* read-only: a write faults */
#define MAP_NX		0x4	/* no instruction fetch */

/*
 * Map [virt, virt + size) to [phys, phys + size). virt must lie in the
 * vmap area or in the direct-map region (the architecture says where
 * those are); nothing may be mapped there yet (-EEXIST). -EINVAL for a
 * bad address, size or flag, -ENOMEM if page tables cannot be allocated
 * (nothing stays mapped then).
 */
int map_kernel_range(unsigned long virt, phys_addr_t phys, size_t size, unsigned int flags);

/*
 * Remove every mapping in [virt, virt + size) (holes are fine) and flush
 * the TLBs; afterwards an access faults. -EINVAL for a bad range,
 * -ENOMEM if a large page had to be split and could not be.
 */
int unmap_kernel_range(unsigned long virt, size_t size);

/* The physical address virt is mapped to, or PHYS_ADDR_INVALID. */
phys_addr_t kernel_virt_to_phys(unsigned long virt);

/* What maps one kernel address (for tests and diagnostics). */
struct kernel_mapping {
	phys_addr_t phys;	/* of virt itself */
	size_t page_size;	/* of the page that maps it: 4 KiB, 2 MiB... */
	unsigned int flags;	/* MAP_* that describe it */
};

/* Fill *m for virt: 0, or -ENOENT if nothing maps it (-ENOSYS: the
 * host build, which cannot tell). */
int kernel_mapping_query(unsigned long virt, struct kernel_mapping *m);

/*
 * phys..phys+size at its direct-map address (phys_to_virt(phys)), NULL on
 * failure. Memory the direct map holds (RAM, firmware memory) is mapped
 * write-back from boot on: that mapping is returned for MAP_WB and
 * refused for any other caching. Anything else (device memory, MMIO,
 * reserved ranges, wherever they lie) is mapped here with the caching
 * flags ask for, MAP_NX added; phys and size must then be page-aligned,
 * and the range has one owner: a second memremap_range() of any of it
 * fails (-EEXIST from map_kernel_range()) until the first is undone. A
 * range that is part memory, part not, is refused.
 */
void *memremap_range(phys_addr_t phys, size_t size, unsigned int flags);

/* Undo memremap_range(); memory of the direct map stays mapped. */
void memunmap_range(void *addr, size_t size);

#endif /* MM_VMAP_H */
