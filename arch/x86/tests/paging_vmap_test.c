/*
 * "arch.x86.paging", the map API (mm/vmap.h): round trips through the vmap
 * area, refusals, permissions, page sizes, splitting, memremap_range().
 *
 * Each case works in its own 1 GiB window of the vmap area and unmaps it
 * before it ends. Ranges that are only looked up, never touched, use
 * physical addresses above the direct map (where an NVDIMM may live).
 */
#include <drivers/acpi/nfit.h>
#include <lib/errno.h>
#include <lib/string.h>
#include <mm/memblock.h>
#include <mm/page_alloc.h>
#include <asm/cpufeature.h>
#include <asm/layout.h>
#include <asm/page.h>
#include "../direct_map.h"
#include "../pgtable.h"
#include "../traps.h"
#include "paging_test.h"

#define SZ_2M		(2UL << 20)
#define SZ_1G		(1UL << 30)
#define WINDOW(n)	(VMAP_START + (n) * SZ_1G)

extern char __kernel_start[];

static uint64_t pattern(unsigned int i)
{
	return 0x9e3779b97f4a7c15ULL * (i + 1);
}

/*
 * A 1 GiB-aligned physical address above everything the direct map covers
 * and above the NVDIMM regions (a bound pmem device has memremapped its
 * range at its direct-map address).
 */
static phys_addr_t phys_beyond_ram(void)
{
	phys_addr_t end = direct_map_size();

	for (unsigned int i = 0; i < nfit_region_count(); i++)
		end = MAX(end, nfit_region_at(i)->base + nfit_region_at(i)->size);
	return ALIGN_UP(end, SZ_1G);
}

static phys_addr_t image_phys(void)
{
	return kernel_virt_to_phys((uintptr_t)__kernel_start);
}

/* The page size that maps virt, 0 if none. */
static size_t page_size_at(unsigned long virt)
{
	struct kernel_mapping m;

	return kernel_mapping_query(virt, &m) ? 0 : m.page_size;
}

void map_round_trip(struct ktest *t)
{
	phys_addr_t phys = paging_test_alloc_page(t);
	uint64_t *direct = phys_to_virt(phys);
	volatile uint64_t *v = (uint64_t *)WINDOW(0);
	unsigned int n = PAGE_SIZE / sizeof(uint64_t), differ = 0;
	struct kernel_mapping m;

	for (unsigned int i = 0; i < n; i++)
		direct[i] = pattern(i);
	ASSERT_EQ(t, map_kernel_range(WINDOW(0), phys, PAGE_SIZE, MAP_WB | MAP_NX), 0);

	for (unsigned int i = 0; i < n; i++)
		differ += v[i] != pattern(i);
	EXPECT_EQ(t, differ, 0);
	v[7] = 0xfeedface;
	EXPECT_EQ(t, direct[7], 0xfeedface);
	EXPECT_EQ(t, kernel_virt_to_phys(WINDOW(0) + 123), phys + 123);
	ASSERT_EQ(t, kernel_mapping_query(WINDOW(0), &m), 0);
	EXPECT_EQ(t, m.page_size, PAGE_SIZE);
	EXPECT_EQ(t, m.flags, MAP_WB | MAP_NX);

	EXPECT_EQ(t, unmap_kernel_range(WINDOW(0), PAGE_SIZE), 0);
	paging_test_free_page(phys);
}

void unmap_then_access_faults(struct ktest *t)
{
	phys_addr_t phys = paging_test_alloc_page(t);
	void *v = (void *)WINDOW(1);
	struct fault_info f;

	ASSERT_EQ(t, map_kernel_range(WINDOW(1), phys, PAGE_SIZE, MAP_WB | MAP_NX), 0);
	/* a read fills the TLB: the unmap must flush it */
	EXPECT_EQ(t, fault_fixture_run(paging_test_read, v, &f), 0);
	EXPECT_EQ(t, unmap_kernel_range(WINDOW(1), PAGE_SIZE), 0);
	EXPECT_EQ(t, kernel_virt_to_phys(WINDOW(1)), PHYS_ADDR_INVALID);
	paging_test_expect_pf(t, paging_test_read, v, 0, X86_PF_PROT | X86_PF_WRITE);
	paging_test_free_page(phys);
}

void unmap_frees_emptied_tables(struct ktest *t)
{
	unsigned long tables = pgtable_pages(), free = nr_free_pages();
	phys_addr_t p = phys_beyond_ram();

	if (!memblock.retired)
		ktest_skip(t, "no page allocator yet: tables come from memblock");
	/* 4 KiB pages in a fresh window need a PMD table and a PTE table */
	ASSERT_EQ(t, map_kernel_range(WINDOW(12), p, 2 * PAGE_SIZE, MAP_UC | MAP_NX), 0);
	EXPECT_EQ(t, pgtable_pages(), tables + 2);
	EXPECT_EQ(t, unmap_kernel_range(WINDOW(12), PAGE_SIZE), 0);
	EXPECT_EQ(t, pgtable_pages(), tables + 2);	/* one page still mapped */
	EXPECT_EQ(t, unmap_kernel_range(WINDOW(12) + PAGE_SIZE, PAGE_SIZE), 0);
	EXPECT_EQ(t, pgtable_pages(), tables);
	EXPECT_EQ(t, nr_free_pages(), free);
}

void map_again_after_unmap(struct ktest *t)
{
	phys_addr_t a = paging_test_alloc_page(t), b = paging_test_alloc_page(t);
	volatile uint64_t *v = (uint64_t *)WINDOW(2);

	*(uint64_t *)phys_to_virt(a) = 0xaaaa;
	*(uint64_t *)phys_to_virt(b) = 0xbbbb;
	ASSERT_EQ(t, map_kernel_range(WINDOW(2), a, PAGE_SIZE, MAP_WB | MAP_NX), 0);
	EXPECT_EQ(t, *v, 0xaaaa);
	ASSERT_EQ(t, unmap_kernel_range(WINDOW(2), PAGE_SIZE), 0);
	ASSERT_EQ(t, map_kernel_range(WINDOW(2), b, PAGE_SIZE, MAP_WB | MAP_NX), 0);
	EXPECT_EQ(t, *v, 0xbbbb);
	EXPECT_EQ(t, unmap_kernel_range(WINDOW(2), PAGE_SIZE), 0);
	paging_test_free_page(a);
	paging_test_free_page(b);
}

void map_refuses_overlap(struct ktest *t)
{
	phys_addr_t phys = paging_test_alloc_page(t);
	unsigned long w = WINDOW(3);

	ASSERT_EQ(t, map_kernel_range(w + PAGE_SIZE, phys, PAGE_SIZE, MAP_WB | MAP_NX), 0);
	ktest_log(t, "one \"already mapped\" error is expected below");
	EXPECT_EQ(t, map_kernel_range(w, phys, 2 * PAGE_SIZE, MAP_WB | MAP_NX), -EEXIST);
	EXPECT_EQ(t, kernel_virt_to_phys(w), PHYS_ADDR_INVALID);
	EXPECT_EQ(t, kernel_virt_to_phys(w + PAGE_SIZE), phys);
	EXPECT_EQ(t, unmap_kernel_range(w, 2 * PAGE_SIZE), 0);
	paging_test_free_page(phys);
}

void map_refuses_bad_arguments(struct ktest *t)
{
	unsigned long w = WINDOW(4), image = (unsigned long)__kernel_start;
	phys_addr_t p = phys_beyond_ram();

	ktest_log(t, "eight \"vmap:\" errors are expected below");
	EXPECT_EQ(t, map_kernel_range(w + 1, p, PAGE_SIZE, MAP_WB), -EINVAL);
	EXPECT_EQ(t, map_kernel_range(w, p + 1, PAGE_SIZE, MAP_WB), -EINVAL);
	EXPECT_EQ(t, map_kernel_range(w, p, 0, MAP_WB), -EINVAL);
	EXPECT_EQ(t, map_kernel_range(w, p, PAGE_SIZE, 0x80), -EINVAL);
	EXPECT_EQ(t, map_kernel_range(0x400000, p, PAGE_SIZE, MAP_WB), -EINVAL);
	EXPECT_EQ(t, map_kernel_range(VMAP_END - PAGE_SIZE, p, 2 * PAGE_SIZE, MAP_WB), -EINVAL);
	EXPECT_EQ(t, map_kernel_range(image, p, PAGE_SIZE, MAP_WB), -EINVAL);
	/* and nobody unmaps kernel text through this API */
	EXPECT_EQ(t, unmap_kernel_range(image, PAGE_SIZE), -EINVAL);
	EXPECT_NE(t, kernel_virt_to_phys(image), PHYS_ADDR_INVALID);
	EXPECT_EQ(t, kernel_virt_to_phys(w), PHYS_ADDR_INVALID);
}

void map_read_only_write_faults(struct ktest *t)
{
	phys_addr_t phys = paging_test_alloc_page(t);
	void *v = (void *)WINDOW(5);
	struct fault_info f;
	struct kernel_mapping m;

	ASSERT_EQ(t, map_kernel_range(WINDOW(5), phys, PAGE_SIZE, MAP_WB | MAP_RO | MAP_NX), 0);
	ASSERT_EQ(t, kernel_mapping_query(WINDOW(5), &m), 0);
	EXPECT_EQ(t, m.flags & MAP_RO, MAP_RO);
	EXPECT_EQ(t, fault_fixture_run(paging_test_read, v, &f), 0);
	paging_test_expect_pf(t, paging_test_write, v, X86_PF_PROT | X86_PF_WRITE, X86_PF_INSTR);
	EXPECT_EQ(t, unmap_kernel_range(WINDOW(5), PAGE_SIZE), 0);
	paging_test_free_page(phys);
}

void map_nx_exec_faults(struct ktest *t)
{
	phys_addr_t phys = paging_test_alloc_page(t);
	void *v = (void *)WINDOW(6);
	struct fault_info f;

	*(uint8_t *)phys_to_virt(phys) = 0xc3;		/* ret */
	if (cpu_has(X86_FEATURE_NX)) {
		ASSERT_EQ(t, map_kernel_range(WINDOW(6), phys, PAGE_SIZE, MAP_WB | MAP_RO | MAP_NX), 0);
		paging_test_expect_pf(t, paging_test_call, v, X86_PF_PROT | X86_PF_INSTR, 0);
		ASSERT_EQ(t, unmap_kernel_range(WINDOW(6), PAGE_SIZE), 0);
	}
	ASSERT_EQ(t, map_kernel_range(WINDOW(6), phys, PAGE_SIZE, MAP_WB | MAP_RO), 0);
	EXPECT_EQ(t, fault_fixture_run(paging_test_call, v, &f), 0);
	EXPECT_EQ(t, unmap_kernel_range(WINDOW(6), PAGE_SIZE), 0);
	paging_test_free_page(phys);
}

void map_uncached_is_reported(struct ktest *t)
{
	struct kernel_mapping m;

	/* looked up only, never touched */
	ASSERT_EQ(t, map_kernel_range(WINDOW(7), phys_beyond_ram(), PAGE_SIZE, MAP_UC | MAP_NX), 0);
	ASSERT_EQ(t, kernel_mapping_query(WINDOW(7), &m), 0);
	EXPECT_EQ(t, m.flags, MAP_UC | MAP_NX);
	EXPECT_EQ(t, m.phys, phys_beyond_ram());
	EXPECT_EQ(t, unmap_kernel_range(WINDOW(7), PAGE_SIZE), 0);
}

void map_2m_aligned_uses_2m_page(struct ktest *t)
{
	phys_addr_t phys = image_phys();
	unsigned long w = WINDOW(8);
	struct kernel_mapping m;

	if (!IS_ALIGNED(phys, SZ_2M))
		ktest_skip(t, "the image at phys 0x%lx is not 2 MiB-aligned", phys);
	/* a read-only second view of the 2 MiB that hold the image */
	ASSERT_EQ(t, map_kernel_range(w, phys, SZ_2M, MAP_WB | MAP_RO | MAP_NX), 0);
	ASSERT_EQ(t, kernel_mapping_query(w + SZ_2M - 1, &m), 0);
	EXPECT_EQ(t, m.page_size, SZ_2M);
	EXPECT_EQ(t, m.phys, phys + SZ_2M - 1);
	EXPECT_EQ(t, memcmp((void *)w, __kernel_start, PAGE_SIZE), 0);
	EXPECT_EQ(t, unmap_kernel_range(w, SZ_2M), 0);
	EXPECT_EQ(t, page_size_at(w), 0);
}

void partial_unmap_splits_2m_page(struct ktest *t)
{
	phys_addr_t phys = image_phys();
	unsigned long w = WINDOW(9);
	struct kernel_mapping m;

	if (!IS_ALIGNED(phys, SZ_2M))
		ktest_skip(t, "the image at phys 0x%lx is not 2 MiB-aligned", phys);
	ASSERT_EQ(t, map_kernel_range(w, phys, SZ_2M, MAP_WB | MAP_RO | MAP_NX), 0);
	ASSERT_EQ(t, page_size_at(w), SZ_2M);
	ASSERT_EQ(t, unmap_kernel_range(w + PAGE_SIZE, PAGE_SIZE), 0);

	EXPECT_EQ(t, page_size_at(w), PAGE_SIZE);
	EXPECT_EQ(t, page_size_at(w + PAGE_SIZE), 0);
	EXPECT_EQ(t, page_size_at(w + 2 * PAGE_SIZE), PAGE_SIZE);
	ASSERT_EQ(t, kernel_mapping_query(w + SZ_2M - 1, &m), 0);
	EXPECT_EQ(t, m.phys, phys + SZ_2M - 1);
	EXPECT_EQ(t, m.flags, MAP_WB | MAP_RO | MAP_NX);	/* the split kept them */
	EXPECT_EQ(t, memcmp((void *)w, __kernel_start, PAGE_SIZE), 0);
	EXPECT_EQ(t, memcmp((void *)(w + 2 * PAGE_SIZE), __kernel_start + 2 * PAGE_SIZE, 64), 0);
	paging_test_expect_pf(t, paging_test_read, (void *)(w + PAGE_SIZE), 0, X86_PF_PROT);

	EXPECT_EQ(t, unmap_kernel_range(w, SZ_2M), 0);
	EXPECT_EQ(t, page_size_at(w + 2 * PAGE_SIZE), 0);
}

void partial_unmap_splits_1g_page(struct ktest *t)
{
	phys_addr_t phys = phys_beyond_ram();
	unsigned long w = WINDOW(10), hole = w + SZ_1G / 2 + PAGE_SIZE;

	if (!cpu_has(X86_FEATURE_GBPAGES))
		ktest_skip(t, "the CPU has no 1 GiB pages");
	/* looked up only, never touched */
	ASSERT_EQ(t, map_kernel_range(w, phys, SZ_1G, MAP_UC | MAP_RO | MAP_NX), 0);
	ASSERT_EQ(t, page_size_at(w), SZ_1G);
	ASSERT_EQ(t, unmap_kernel_range(hole, PAGE_SIZE), 0);

	EXPECT_EQ(t, page_size_at(w), SZ_2M);
	EXPECT_EQ(t, page_size_at(hole - PAGE_SIZE), PAGE_SIZE);
	EXPECT_EQ(t, page_size_at(hole), 0);
	EXPECT_EQ(t, page_size_at(hole + PAGE_SIZE), PAGE_SIZE);
	EXPECT_EQ(t, page_size_at(hole + SZ_2M), SZ_2M);
	EXPECT_EQ(t, kernel_virt_to_phys(w + SZ_1G - 1), phys + SZ_1G - 1);
	EXPECT_EQ(t, kernel_virt_to_phys(hole + PAGE_SIZE), phys + SZ_1G / 2 + 2 * PAGE_SIZE);

	EXPECT_EQ(t, unmap_kernel_range(w, SZ_1G), 0);
	EXPECT_EQ(t, page_size_at(w + SZ_1G - 1), 0);
}

void unaligned_range_uses_small_pages_at_edges(struct ktest *t)
{
	phys_addr_t p = phys_beyond_ram();
	unsigned long w = WINDOW(11), start = w + SZ_2M - 2 * PAGE_SIZE;
	size_t size = 2 * PAGE_SIZE + SZ_2M + 3 * PAGE_SIZE;

	/* virt and phys equally misaligned: 2 x 4K, one 2M, 3 x 4K */
	ASSERT_EQ(t, map_kernel_range(start, p + SZ_2M - 2 * PAGE_SIZE, size, MAP_UC | MAP_NX), 0);
	EXPECT_EQ(t, page_size_at(start - PAGE_SIZE), 0);
	EXPECT_EQ(t, page_size_at(start), PAGE_SIZE);
	EXPECT_EQ(t, page_size_at(w + SZ_2M), SZ_2M);
	EXPECT_EQ(t, page_size_at(w + 2 * SZ_2M + 2 * PAGE_SIZE), PAGE_SIZE);
	EXPECT_EQ(t, page_size_at(w + 2 * SZ_2M + 3 * PAGE_SIZE), 0);
	EXPECT_EQ(t, unmap_kernel_range(start, size), 0);

	/* virt aligned, phys not: no large page is possible */
	ASSERT_EQ(t, map_kernel_range(w, p + PAGE_SIZE, SZ_2M, MAP_UC | MAP_NX), 0);
	EXPECT_EQ(t, page_size_at(w), PAGE_SIZE);
	EXPECT_EQ(t, kernel_virt_to_phys(w + SZ_2M - 1), p + PAGE_SIZE + SZ_2M - 1);
	EXPECT_EQ(t, unmap_kernel_range(w, SZ_2M), 0);
}

void memremap_beyond_ram(struct ktest *t)
{
	phys_addr_t phys = phys_beyond_ram();
	void *p;

	phys_addr_t mem_end = direct_map_ranges_end(direct_map_ranges());

	ktest_log(t, "one \"part of it is memory\" error is expected below");
	EXPECT_NULL(t, memremap_range(mem_end - PAGE_SIZE, 2 * PAGE_SIZE, MAP_WB));

	/* looked up only, never touched */
	p = memremap_range(phys, SZ_2M, MAP_WB);
	ASSERT_TRUE(t, p == phys_to_virt(phys));
	EXPECT_EQ(t, page_size_at((unsigned long)p), SZ_2M);
	EXPECT_EQ(t, kernel_virt_to_phys((unsigned long)p + 5), phys + 5);
	memunmap_range(p, SZ_2M);
	EXPECT_EQ(t, page_size_at((unsigned long)p), 0);
}

void memremap_of_ram_reuses_direct_map(struct ktest *t)
{
	phys_addr_t phys = image_phys();
	void *p;

	p = memremap_range(phys, PAGE_SIZE, MAP_WB);
	EXPECT_TRUE(t, p == phys_to_virt(phys));
	ktest_log(t, "one \"cannot be mapped uncached\" error is expected below");
	EXPECT_NULL(t, memremap_range(phys, PAGE_SIZE, MAP_UC));
	memunmap_range(p, PAGE_SIZE);
	EXPECT_EQ(t, kernel_virt_to_phys((unsigned long)phys_to_virt(phys)), phys);
}

/* A page of device registers between memory ranges: mapped on demand,
 * uncached, by one owner, and gone again after memunmap_range(). */
void memremap_of_mmio_hole_maps_on_demand(struct ktest *t)
{
	const phys_addr_t ioapic = 0xfec00000UL;
	unsigned long virt = (unsigned long)phys_to_virt(ioapic);
	struct kernel_mapping m;
	void *p;

	ASSERT_EQ(t, direct_map_covers(ioapic, PAGE_SIZE), DIRECT_MAP_NONE);
	ASSERT_EQ(t, kernel_mapping_query(virt, &m), -ENOENT);
	p = memremap_range(ioapic, PAGE_SIZE, MAP_UC);
	ASSERT_TRUE(t, p == (void *)virt);
	ASSERT_EQ(t, kernel_mapping_query(virt, &m), 0);
	EXPECT_EQ(t, m.flags & MAP_CACHE_MASK, MAP_UC);
	EXPECT_TRUE(t, m.flags & MAP_NX);
	EXPECT_EQ(t, m.phys, ioapic);
	ktest_log(t, "one \"already mapped\" error is expected below");
	EXPECT_NULL(t, memremap_range(ioapic, PAGE_SIZE, MAP_UC));
	memunmap_range(p, PAGE_SIZE);
	EXPECT_EQ(t, kernel_mapping_query(virt, &m), -ENOENT);
}
