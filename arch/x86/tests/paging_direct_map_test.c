/*
 * "mm.paging", the direct map: it covers RAM, has the right caching, and
 * uses large pages wherever alignment and caching allow.
 */
#include <drivers/acpi/nfit.h>
#include <lib/errno.h>
#include <lib/string.h>
#include <mm/memblock.h>
#include <asm/cpufeature.h>
#include <asm/layout.h>
#include <asm/page.h>
#include <asm/platform.h>
#include "../pgtable.h"
#include "paging_test.h"

#define LAPIC_PHYS	0xfee00000UL
#define IOAPIC_PHYS	0xfec00000UL

extern char __kernel_start[], __kernel_end[];

/* The byte at phys reads through the direct map and walks back to phys. */
static void expect_readable(struct ktest *t, phys_addr_t phys)
{
	struct fault_info f;
	void *virt = phys_to_virt(phys);
	int r = fault_fixture_run(paging_test_read, virt, &f);

	if (r != 0)
		ktest_fail(t, "phys 0x%lx at 0x%lx: fault_fixture_run %d, error code 0x%lx",
			   phys, (uintptr_t)virt, r, f.error_code);
	EXPECT_EQ(t, kernel_virt_to_phys((uintptr_t)virt), phys);
}

struct ram_walk {
	struct ktest *t;
	unsigned int ranges;
	uint64_t bytes;
};

static void check_ram_range(phys_addr_t start, phys_addr_t end, void *arg)
{
	struct ram_walk *w = arg;

	expect_readable(w->t, start);
	expect_readable(w->t, end - 1);
	w->ranges++;
	w->bytes += end - start;
}

void direct_map_covers_ram(struct ktest *t)
{
	struct ram_walk w = { .t = t };

	memblock_memory_ranges(check_ram_range, &w);
	ktest_log(t, "%u memblock memory ranges, %lu MiB, all reachable", w.ranges, w.bytes >> 20);
	EXPECT_GT(t, w.ranges, 0);
	EXPECT_EQ(t, w.bytes, memblock_phys_mem_size());
}

static unsigned int cache_of(struct ktest *t, phys_addr_t phys)
{
	struct kernel_mapping m;

	ASSERT_EQ(t, kernel_mapping_query((uintptr_t)phys_to_virt(phys), &m), 0);
	EXPECT_TRUE(t, m.flags & MAP_NX);
	EXPECT_FALSE(t, m.flags & MAP_RO);
	return m.flags & MAP_CACHE_MASK;
}

void direct_map_caching(struct ktest *t)
{
	phys_addr_t rsdp = arch_rsdp_phys();

	EXPECT_EQ(t, cache_of(t, kernel_virt_to_phys((uintptr_t)__kernel_start)), MAP_WB);
	EXPECT_EQ(t, cache_of(t, LAPIC_PHYS), MAP_UC);
	EXPECT_EQ(t, cache_of(t, IOAPIC_PHYS), MAP_UC);
	if (!rsdp)
		ktest_skip(t, "no ACPI RSDP");
	EXPECT_EQ(t, cache_of(t, rsdp), MAP_WB);
	EXPECT_EQ(t, memcmp(phys_to_virt(rsdp), "RSD PTR ", 8), 0);
}

/*
 * A run of 512 leaves of one level that fill a block of the level above
 * with one set of attributes could have been a single larger leaf.
 */
struct split_check {
	enum pt_level max_leaf;
	uint64_t block;			/* block of the level above being counted */
	enum pt_level level;
	unsigned int leaves;
	pgprot_t prot;
	bool uniform;
	unsigned int needless;		/* blocks split without a reason */
	uint64_t first_needless;
	unsigned long large_wb;		/* write-back leaves of 2 MiB or more */
};

static void close_block(struct split_check *c)
{
	if (c->leaves == PT_ENTRIES && c->uniform && c->level < c->max_leaf) {
		if (!c->needless++)
			c->first_needless = c->block;
	}
	c->leaves = 0;
}

static void check_leaf(uint64_t virt, pte_t e, enum pt_level level, void *arg)
{
	struct split_check *c = arg;
	uint64_t block = ALIGN_DOWN(virt, pt_level_size(level + 1));
	pgprot_t prot = pte_leaf_prot(e, level);

	if (level >= PT_PMD && (prot & PTE_CACHE_MASK) == PTE_CACHE_WB)
		c->large_wb++;
	if (c->leaves && (block != c->block || level != c->level))
		close_block(c);
	if (!c->leaves) {
		c->block = block;
		c->level = level;
		c->prot = prot;
		c->uniform = true;
	}
	c->uniform &= prot == c->prot;
	c->leaves++;
}

void direct_map_uses_large_pages(struct ktest *t)
{
	struct split_check c = {
		.max_leaf = cpu_has(X86_FEATURE_GBPAGES) ? PT_PUD : PT_PMD,
	};

	pt_walk_leaves(kernel_pgd, DIRECT_MAP_BASE, DIRECT_MAP_BASE + direct_map_size(),
		       check_leaf, &c);
	close_block(&c);
	EXPECT_GT(t, c.large_wb, 0);
	EXPECT_EQ(t, c.needless, 0);
	if (c.needless)
		ktest_log(t, "first needlessly split block at 0x%lx", c.first_needless);
}

/* Is virt the direct-map address of an NVDIMM region (memremapped by pmem)? */
static bool in_nvdimm_region(uintptr_t virt)
{
	for (unsigned int i = 0; i < nfit_region_count(); i++) {
		const struct nfit_region *r = nfit_region_at(i);
		uintptr_t start = (uintptr_t)phys_to_virt(r->base);

		if (virt >= start && virt - start < r->size)
			return true;
	}
	return false;
}

void unmapped_addresses_have_no_phys(struct ktest *t)
{
	const uintptr_t holes[] = {
		0, PAGE_SIZE, USER_SPACE_END - PAGE_SIZE,
		DIRECT_MAP_BASE + direct_map_size(),
		VMAP_START, VMAP_END - PAGE_SIZE,
		(uintptr_t)__kernel_end, KERNEL_IMAGE_END - PAGE_SIZE,
	};
	struct kernel_mapping m;

	for (unsigned int i = 0; i < ARRAY_SIZE(holes); i++) {
		if (in_nvdimm_region(holes[i]))
			continue;	/* a bound pmem device mapped it */
		EXPECT_EQ(t, kernel_virt_to_phys(holes[i]), PHYS_ADDR_INVALID);
		EXPECT_EQ(t, kernel_mapping_query(holes[i], &m), -ENOENT);
	}
}
