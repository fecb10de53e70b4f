/*
 * "arch.x86.paging", the direct map: it holds RAM and firmware memory and
 * nothing else, write-back, with large pages wherever alignment allows;
 * and it is sized by memory, not by the highest reserved range, on this
 * machine's map and on one like QEMU 10's.
 */
#include <boot/bootinfo.h>
#include <drivers/acpi/nfit.h>
#include <lib/errno.h>
#include <lib/string.h>
#include <mm/memblock.h>
#include <asm/cpufeature.h>
#include <asm/layout.h>
#include <asm/page.h>
#include <asm/platform.h>
#include "../direct_map.h"
#include "../pgtable.h"
#include "paging_test.h"

#define LAPIC_PHYS	0xfee00000UL
#define SZ_256M		(256UL << 20)
#define SZ_1G		(1UL << 30)
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
	struct kernel_mapping m;

	EXPECT_EQ(t, cache_of(t, kernel_virt_to_phys((uintptr_t)__kernel_start)), MAP_WB);
	/* memremap_range()d by the APIC code, uncached */
	EXPECT_EQ(t, cache_of(t, LAPIC_PHYS), MAP_UC);
	/* device registers nobody asked for have no mapping at all */
	EXPECT_EQ(t, kernel_mapping_query((uintptr_t)phys_to_virt(IOAPIC_PHYS), &m), -ENOENT);
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

/* Mapped by a driver through memremap_range(), not by the direct map. */
static bool device_mapped(phys_addr_t phys)
{
	return ALIGN_DOWN(phys, PAGE_SIZE) == LAPIC_PHYS ||
	       in_nvdimm_region((uintptr_t)phys_to_virt(phys));
}

static void expect_unmapped(struct ktest *t, phys_addr_t phys, uint32_t type)
{
	struct kernel_mapping m;

	if (device_mapped(phys))
		return;
	if (kernel_mapping_query((uintptr_t)phys_to_virt(phys), &m) != -ENOENT)
		ktest_fail(t, "phys 0x%lx (%s) is mapped by the direct map (flags 0x%x)",
			   phys, efi_memtype_name(type), m.flags);
}

void direct_map_holds_only_memory(struct ktest *t)
{
	struct efi_memmap_iter it;
	struct efi_memdesc d;
	unsigned int memory = 0, other = 0;

	for_each_efi_memdesc(&it, &d) {
		phys_addr_t first = d.phys_start;
		phys_addr_t last = d.phys_start + (d.num_pages - 1) * EFI_PAGE_SIZE;

		if (!d.num_pages)
			continue;
		if (bootinfo_memtype_is_memory(d.type)) {
			EXPECT_EQ(t, cache_of(t, first), MAP_WB);
			EXPECT_EQ(t, cache_of(t, last), MAP_WB);
			memory++;
		} else {
			expect_unmapped(t, first, d.type);
			expect_unmapped(t, last, d.type);
			other++;
		}
	}
	ktest_log(t, "%u memory descriptors mapped write-back, %u others unmapped", memory, other);
	EXPECT_GT(t, memory, 0);
	EXPECT_EQ(t, direct_map_size(),
		  ALIGN_UP(direct_map_ranges_end(direct_map_ranges()), SZ_1G));
}

/*
 * A memory map shaped like the one OVMF 2025.02 hands over under QEMU 10
 * (512 MiB of RAM, q35): RAM with firmware ranges in it, the PCIe window
 * and flash as MMIO, and 12.5 GiB reserved just below 1 TiB. The NVDIMM
 * at 4 GiB is in no descriptor (QEMU lists it only in the NFIT); a second
 * one at 8 GiB is listed as persistent memory, as firmware on real
 * machines does.
 */
struct synthetic_desc {
	uint32_t type;
	uint64_t start, end;
};

static const struct synthetic_desc qemu10_map[] = {
	{ EFI_BOOT_SERVICES_CODE,	0x00000000, 0x00001000 },
	{ EFI_CONVENTIONAL_MEMORY,	0x00001000, 0x000a0000 },
	{ EFI_CONVENTIONAL_MEMORY,	0x00100000, 0x00800000 },
	{ EFI_ACPI_MEMORY_NVS,		0x00800000, 0x00808000 },
	{ EFI_CONVENTIONAL_MEMORY,	0x00808000, 0x1e000000 },
	{ EFI_RUNTIME_SERVICES_DATA,	0x1e000000, 0x1e100000 },
	{ EFI_ACPI_RECLAIM_MEMORY,	0x1e100000, 0x1e200000 },
	{ EFI_BOOT_SERVICES_DATA,	0x1e200000, 0x1f000000 },
	{ EFI_ACPI_MEMORY_NVS,		0x1f000000, 0x20000000 },
	{ EFI_RESERVED_TYPE,		0x20000000, 0x20100000 },
	{ EFI_MEMORY_MAPPED_IO,		0xe0000000, 0xf0000000 },
	{ EFI_MEMORY_MAPPED_IO,		0xffc00000, 0x100000000 },
	{ EFI_PERSISTENT_MEMORY,	0x200000000, 0x240000000 },
	{ EFI_RESERVED_TYPE,		0xfd00000000, 0x10000000000 },
	{ EFI_RESERVED_TYPE,		0x10000000000, 0x10080000000 },
};

#define QEMU10_NVDIMM		0x100000000ULL
#define QEMU10_RAM_END		0x20000000ULL
#define SYNTHETIC_DESC_SIZE	48	/* OVMF's stride, longer than the struct */

static void collect_synthetic(struct ktest *t, struct direct_map_ranges *dm)
{
	static uint8_t buf[ARRAY_SIZE(qemu10_map) * SYNTHETIC_DESC_SIZE];
	struct efi_memmap_iter it;

	memset(buf, 0x5a, sizeof(buf));		/* the stride's tail is not ours */
	for (unsigned int i = 0; i < ARRAY_SIZE(qemu10_map); i++) {
		struct efi_raw_desc *raw = (void *)&buf[i * SYNTHETIC_DESC_SIZE];

		*raw = (struct efi_raw_desc){
			.type = qemu10_map[i].type,
			.phys_start = qemu10_map[i].start,
			.num_pages = (qemu10_map[i].end - qemu10_map[i].start) / EFI_PAGE_SIZE,
		};
	}
	efi_memmap_iter_init_buf(&it, buf, sizeof(buf), SYNTHETIC_DESC_SIZE);
	ASSERT_EQ(t, direct_map_ranges_collect(dm, &it), 0);
}

void direct_map_of_qemu10_map_ends_with_memory(struct ktest *t)
{
	static struct direct_map_ranges dm;

	collect_synthetic(t, &dm);
	/* low RAM, then everything from 1 MiB to 512 MiB merged into one */
	EXPECT_EQ(t, dm.nr, 2);
	EXPECT_EQ(t, dm.r[1].start, 0x100000);
	EXPECT_EQ(t, direct_map_ranges_end(&dm), QEMU10_RAM_END);
	EXPECT_EQ(t, ALIGN_UP(direct_map_ranges_end(&dm), SZ_1G), SZ_1G);
}

void direct_map_of_qemu10_map_leaves_devices_out(struct ktest *t)
{
	static struct direct_map_ranges dm;

	collect_synthetic(t, &dm);
	/* the NVDIMM: memremap_range() maps it write-back itself */
	EXPECT_EQ(t, direct_map_ranges_cover(&dm, QEMU10_NVDIMM, SZ_256M), DIRECT_MAP_NONE);
	EXPECT_EQ(t, direct_map_ranges_cover(&dm, 0x200000000ULL, PAGE_SIZE), DIRECT_MAP_NONE);
	EXPECT_EQ(t, direct_map_ranges_cover(&dm, 0xfd00000000ULL, PAGE_SIZE), DIRECT_MAP_NONE);
	EXPECT_EQ(t, direct_map_ranges_cover(&dm, 0xffc00000, PAGE_SIZE), DIRECT_MAP_NONE);
	EXPECT_EQ(t, direct_map_ranges_cover(&dm, QEMU10_RAM_END, PAGE_SIZE), DIRECT_MAP_NONE);
	/* RAM and ACPI memory are in it; a range across its end is not either way */
	EXPECT_EQ(t, direct_map_ranges_cover(&dm, 0x1e100000, PAGE_SIZE), DIRECT_MAP_ALL);
	EXPECT_EQ(t, direct_map_ranges_cover(&dm, 0x1000, 0x9f000), DIRECT_MAP_ALL);
	EXPECT_EQ(t, direct_map_ranges_cover(&dm, QEMU10_RAM_END - PAGE_SIZE, 2 * PAGE_SIZE),
		  DIRECT_MAP_PART);
	EXPECT_EQ(t, direct_map_ranges_cover(&dm, 0x9f000, 0x62000), DIRECT_MAP_PART);
}
