/*
 * paging_init(): the kernel leaves the loader's page tables for its own.
 *
 * The loader mapped everything writable and executable. The kernel's
 * tables (layout in <asm/layout.h>, reasons in docs/paging.md) map
 *
 *   the image, 4 KiB pages, one permission per section (linker.ld):
 *       text      read-only, executable
 *       rodata    read-only, NX        (with ktest_suites, shell_cmds...)
 *       data/bss  read-write, NX       except the stack guard pages,
 *                                      which stay unmapped (stack_guard.h)
 *       kallsyms  read-only, NX
 *   the direct map of memory (RAM and firmware memory, not devices),
 *       read-write, NX, write-back (direct_map.c);
 *
 * and the top-level entries of the direct map, the vmap area and the
 * image all exist from now on, so a later address space can share the
 * kernel half by copying those entries once. (Only memremap_range() of a
 * device beyond the first 512 GiB of physical space would add one.)
 *
 * The order matters: EFER.NXE before a table with NX bits is loaded (the
 * bit is reserved otherwise), the new CR3 while the loader's mappings of
 * the same addresses still back the code and stack we run on, then CR0.WP
 * (so that even the kernel's own writes honour read-only pages) and
 * CR4.PGE, and a full flush.
 */
#define pr_fmt(fmt) "paging: " fmt

#include <lib/bug.h>
#include <lib/compiler.h>
#include <lib/printk.h>
#include <lib/vsprintf.h>
#include <kernel/shell.h>
#include <asm/cpufeature.h>
#include <asm/ctrlregs.h>
#include <asm/layout.h>
#include <asm/msr.h>
#include <asm/page.h>
#include <asm/tlbflush.h>
#include "direct_map.h"
#include "paging.h"
#include "pgtable.h"
#include "stack_guard.h"

/* The power-on PAT: WB, WT, UC-, UC, and the same again (index = PAT:PCD:PWT). */
#define PAT_POWER_ON	0x0007040600070406ULL
#define PAT_TYPE_UC	0x00
#define PAT_TYPE_WB	0x06

/* linker.ld */
extern char __kernel_start[], __text_start[], __text_end[];
extern char __rodata_start[], __rodata_end[], __data_start[], __data_end[];
extern char __kallsyms_start[], __kernel_end[];

struct image_section {
	const char *name;
	const char *start, *end;
	pgprot_t prot;
};

static const struct image_section image_sections[] = {
	{ "text",     __text_start,     __text_end,   PAGE_KERNEL_RX },
	{ "rodata",   __rodata_start,   __rodata_end, PAGE_KERNEL_RO },
	{ "data/bss", __data_start,     __data_end,   PAGE_KERNEL },
	{ "kallsyms", __kallsyms_start, __kernel_end, PAGE_KERNEL_RO },
};

static uint64_t image_phys;

/* Decide which entry bits this CPU accepts; make the PAT what we assume. */
static void cpu_paging_features(void)
{
	uint64_t pat;

	if (cpu_has(X86_FEATURE_NX)) {
		wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
	} else {
		pte_supported_mask &= ~PTE_NX;
		pr_warn("the CPU has no NX: data and stacks stay executable");
	}
	if (!cpu_has(X86_FEATURE_PGE))
		pte_supported_mask &= ~PTE_GLOBAL;

	if (!cpu_has(X86_FEATURE_PAT))
		return;		/* PCD|PWT then mean uncached without a PAT */
	pat = rdmsr(MSR_PAT);
	if ((pat & 0xff) != PAT_TYPE_WB || ((pat >> 24) & 0xff) != PAT_TYPE_UC) {
		pr_info("PAT was 0x%016lx; setting the power-on value 0x%016llx",
			pat, PAT_POWER_ON);
		wrmsr(MSR_PAT, PAT_POWER_ON);
	}
}

static void map_section(const struct image_section *s)
{
	uint64_t start = ALIGN_DOWN((uint64_t)s->start, PAGE_SIZE);
	uint64_t end = ALIGN_UP((uint64_t)s->end, PAGE_SIZE);
	uint64_t phys = image_phys + (start - (uint64_t)__kernel_start);
	int err;

	if (start == end)
		return;
	err = pt_map(kernel_pgd, start, phys, end - start, s->prot, PT_PTE);
	if (err)
		panic("paging: cannot map the kernel's %s 0x%lx-0x%lx (%d)",
		      s->name, start, end - 1, err);
}

static void unmap_guard_pages(void)
{
	for (const void *const *g = __start_stack_guards; g < __stop_stack_guards; g++) {
		uint64_t page = (uint64_t)*g;

		if (!IS_ALIGNED(page, PAGE_SIZE) || page < (uint64_t)__data_start ||
		    page >= (uint64_t)__data_end)
			panic("paging: stack guard page 0x%lx is not a page of data/bss", page);
		/* a 4 KiB leaf: no split, and boot tables are never freed */
		pt_unmap(kernel_pgd, page, PAGE_SIZE, &(struct pt_freelist){ 0 });
	}
}

/* Create the top-level entry for virt (and the table below it) now. */
static void prealloc_pgd_entry(uint64_t virt)
{
	pte_t *slot = &kernel_pgd[pt_index(virt, PT_PGD)];
	pte_t *table;

	if (pte_present(ptep_get(slot)))
		return;
	table = pgtable_alloc();
	if (!table)
		panic("paging: no memory for the top-level entry of 0x%lx", virt);
	set_pte(slot, pte_mktable(virt_to_phys(table), PAGE_KERNEL_TABLE));
}

static void build_kernel_tables(void)
{
	uint64_t dm_size = direct_map_size();

	kernel_pgd = pgtable_alloc();
	if (!kernel_pgd)
		panic("paging: no memory for the top-level page table");

	for (unsigned int i = 0; i < ARRAY_SIZE(image_sections); i++)
		map_section(&image_sections[i]);
	unmap_guard_pages();
	direct_map_build(kernel_pgd, dm_size);
	prealloc_pgd_entry(VMAP_START);
}

void paging_init(uint64_t kernel_phys)
{
	image_phys = kernel_phys;
	cpu_paging_features();
	build_kernel_tables();

	write_cr3(virt_to_phys(kernel_pgd));
	write_cr0(read_cr0() | X86_CR0_WP);
	if (cpu_has(X86_FEATURE_PGE))
		write_cr4(read_cr4() | X86_CR4_PGE);
	flush_tlb_all();

	paging_print_summary();
}

/* --- the summary ------------------------------------------------------ */

struct leaf_count {
	uint64_t pages[PT_PUD + 1];	/* leaves per level */
	uint64_t bytes, wb_bytes;
	pte_t first;			/* the first leaf seen, 0 if none */
};

static void count_leaf(uint64_t virt, pte_t e, enum pt_level level, void *arg)
{
	struct leaf_count *c = arg;

	c->pages[level]++;
	c->bytes += pt_level_size(level);
	if ((pte_leaf_prot(e, level) & PTE_CACHE_MASK) == PTE_CACHE_WB)
		c->wb_bytes += pt_level_size(level);
	if (!c->first)
		c->first = pte_leaf_prot(e, level);
}

static struct leaf_count count_range(uint64_t start, uint64_t end)
{
	struct leaf_count c = { 0 };

	pt_walk_leaves(kernel_pgd, start, end, count_leaf, &c);
	return c;
}

static void print_section(const struct image_section *s)
{
	uint64_t start = ALIGN_DOWN((uint64_t)s->start, PAGE_SIZE);
	uint64_t end = ALIGN_UP((uint64_t)s->end, PAGE_SIZE);
	struct leaf_count c = count_range(start, end);
	uint64_t unmapped = (end - start - c.bytes) / PAGE_SIZE;
	char note[48] = "";

	if (unmapped)
		scnprintf(note, sizeof(note), ", %lu guard pages unmapped", unmapped);
	pr_info("  %-9s 0x%lx-0x%lx %c%c%c %5lu KiB%s", s->name, start, end - 1,
		c.first ? 'r' : '-', pte_write(c.first) ? 'w' : '-',
		c.first && pte_exec(c.first) ? 'x' : '-', (end - start) >> 10, note);
}

void paging_print_summary(void)
{
	const struct direct_map_ranges *mem = direct_map_ranges();
	uint64_t dm_start = DIRECT_MAP_BASE, dm_end = DIRECT_MAP_END;
	struct leaf_count dm = count_range(dm_start, dm_end);
	uint64_t mem_bytes = 0;

	for (unsigned int i = 0; i < mem->nr; i++)
		mem_bytes += mem->r[i].end - mem->r[i].start;

	pr_info("CR3 0x%lx, %lu table pages; NX %s, WP %s, global pages %s, 1 GiB pages %s",
		read_cr3() & PTE_ADDR_MASK, pgtable_pages(),
		rdmsr(MSR_EFER) & EFER_NXE ? "on" : "off",
		read_cr0() & X86_CR0_WP ? "on" : "off",
		read_cr4() & X86_CR4_PGE ? "on" : "off",
		cpu_has(X86_FEATURE_GBPAGES) ? "on" : "off");
	pr_info("direct map at 0x%lx: memory %lu MiB in %u ranges below 0x%lx; "
		"with device mappings: %lu x 1G, %lu x 2M, %lu x 4K, "
		"write-back %lu MiB, uncached %lu KiB",
		dm_start, mem_bytes >> 20, mem->nr, direct_map_size(),
		dm.pages[PT_PUD], dm.pages[PT_PMD], dm.pages[PT_PTE],
		dm.wb_bytes >> 20, (dm.bytes - dm.wb_bytes) >> 10);
	pr_info("kernel image at phys 0x%lx:", image_phys);
	for (unsigned int i = 0; i < ARRAY_SIZE(image_sections); i++)
		print_section(&image_sections[i]);
}

static int cmd_pagetables(int argc, char **argv)
{
	if (argc > 1)
		return shell_usage_error(argv, "takes no arguments");
	paging_print_summary();
	return 0;
}
SHELL_COMMAND(pagetables, "", "the kernel's page tables: layout, page sizes, permissions",
	      "takes no arguments; read back from the live tables: the direct map's page sizes\n"
	      "and caching, each kernel section's permissions\n"
	      "example: pagetables\n", cmd_pagetables);
