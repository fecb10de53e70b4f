/*
 * "arch.x86.paging": the kernel's own page tables, checked from the inside.
 *
 * Permissions are proven by doing the forbidden thing under the fault
 * fixture (lib/tests/fault_fixture.h) and checking the fault the CPU reports:
 * the vector, the error-code bits (P = protection, W = write, I =
 * instruction fetch) and CR2. The map API is driven on scratch windows of
 * the vmap area, one window per case, each left unmapped at the end.
 */
#include <lib/errno.h>
#include <lib/tests/fault_fixture.h>
#include <lib/ktest.h>
#include <lib/string.h>
#include <mm/memmap.h>
#include <mm/page_alloc.h>
#include <mm/vmap.h>
#include <asm/cpufeature.h>
#include <asm/ctrlregs.h>
#include <asm/layout.h>
#include <asm/msr.h>
#include <asm/page.h>
#include <asm/platform.h>
#include "../pgtable.h"
#include "../stack_guard.h"
#include "../traps.h"
#include "paging_test.h"

#define SZ_2M	(2UL << 20)
#define SZ_1G	(1UL << 30)

/* linker.ld, entry.asm */
extern char __kernel_start[], __text_start[], __rodata_start[], __rodata_end[];
extern char __data_start[], __bss_start[], __kallsyms_start[];
extern char boot_stack_guard[], boot_stack_bottom[];

static const uint32_t rodata_word = 0x600df00d;
static uint8_t data_code[16] = { 0xc3 };	/* ret: harmless if it did run */
static volatile unsigned long data_word;
static volatile uintptr_t null_address;		/* 0, read at run time */

/* --- what the faulting functions do ----------------------------------- */

void paging_test_read(void *p)
{
	(void)*(volatile uint8_t *)p;
}

void paging_test_write(void *p)
{
	volatile uint8_t *b = p;

	*b = *b;
}

/* Write to p without reading it first (the page may not be readable). */
static void write_only(void *p)
{
	*(volatile uint8_t *)p = 0x5a;
}

void paging_test_call(void *p)
{
	((void (*)(void))p)();
}

/* Run fn(arg), which must fault; ends the case if it does not. */
void paging_test_expect_fault(struct ktest *t, void (*fn)(void *), void *arg,
			      struct fault_info *f)
{
	int r = fault_fixture_run(fn, arg, f);

	if (r == -ENOSYS)
		ktest_skip(t, "no fault fixture");
	ASSERT_EQ(t, r, 1);
}

void paging_test_expect_pf(struct ktest *t, void (*fn)(void *), void *addr,
			   unsigned long set, unsigned long clear)
{
	struct fault_info f;

	paging_test_expect_fault(t, fn, addr, &f);
	EXPECT_EQ(t, f.vector, X86_TRAP_PF);
	EXPECT_EQ(t, f.addr, (uintptr_t)addr);
	EXPECT_EQ(t, f.error_code & set, set);
	EXPECT_EQ(t, f.error_code & clear, 0);
}

phys_addr_t paging_test_alloc_page(struct ktest *t)
{
	struct page *page = alloc_pages(0);

	ASSERT_NOT_NULL(t, page);
	memset(page_address(page), 0, PAGE_SIZE);
	return PFN_PHYS(page_to_pfn(page));
}

void paging_test_free_page(phys_addr_t phys)
{
	__free_pages(pfn_to_page(PHYS_PFN(phys)), 0);
}

/* --- the CPU's switches ------------------------------------------------ */

static void cpu_protections_on(struct ktest *t)
{
	EXPECT_TRUE(t, read_cr0() & X86_CR0_WP);
	if (cpu_has(X86_FEATURE_NX))
		EXPECT_TRUE(t, rdmsr(MSR_EFER) & EFER_NXE);
	if (cpu_has(X86_FEATURE_PGE))
		EXPECT_TRUE(t, read_cr4() & X86_CR4_PGE);
}

static void cr3_is_the_kernels(struct ktest *t)
{
	ASSERT_NOT_NULL(t, kernel_pgd);
	EXPECT_EQ(t, read_cr3() & PTE_ADDR_MASK, virt_to_phys(kernel_pgd));
	/* the lower half (the loader's identity map) is gone */
	for (unsigned int i = 0; i < PT_ENTRIES / 2; i++)
		EXPECT_FALSE(t, pte_present(kernel_pgd[i]));
}

/* --- the image's permissions ------------------------------------------- */

static void text_write_faults(struct ktest *t)
{
	uint8_t *text = (uint8_t *)(uintptr_t)cpu_protections_on;
	uint8_t before = *text;

	paging_test_expect_pf(t, paging_test_write, text, X86_PF_PROT | X86_PF_WRITE,
			      X86_PF_USER | X86_PF_INSTR);
	EXPECT_EQ(t, *text, before);
}

static void rodata_write_faults(struct ktest *t)
{
	void *p = (void *)&rodata_word;

	ASSERT_TRUE(t, (char *)p >= __rodata_start && (char *)p < __rodata_end);
	paging_test_expect_pf(t, paging_test_write, p, X86_PF_PROT | X86_PF_WRITE, X86_PF_INSTR);
	EXPECT_EQ(t, rodata_word, 0x600df00d);
}

static void kallsyms_write_faults(struct ktest *t)
{
	paging_test_expect_pf(t, paging_test_write, __kallsyms_start,
			      X86_PF_PROT | X86_PF_WRITE, X86_PF_INSTR);
}

static void data_exec_faults(struct ktest *t)
{
	struct fault_info f;

	if (!cpu_has(X86_FEATURE_NX))
		ktest_skip(t, "the CPU has no NX");
	paging_test_expect_pf(t, paging_test_call, data_code, X86_PF_PROT | X86_PF_INSTR,
			      X86_PF_WRITE);
	paging_test_expect_fault(t, paging_test_call, data_code, &f);
	EXPECT_EQ(t, f.ip, (uintptr_t)data_code);
}

static void stack_exec_faults(struct ktest *t)
{
	uint8_t code[16] = { 0xc3 };

	if (!cpu_has(X86_FEATURE_NX))
		ktest_skip(t, "the CPU has no NX");
	paging_test_expect_pf(t, paging_test_call, code, X86_PF_PROT | X86_PF_INSTR, 0);
}

static void direct_map_exec_faults(struct ktest *t)
{
	phys_addr_t phys = kernel_virt_to_phys((uintptr_t)cpu_protections_on);

	if (!cpu_has(X86_FEATURE_NX))
		ktest_skip(t, "the CPU has no NX");
	ASSERT_NE(t, phys, PHYS_ADDR_INVALID);
	/* the same code bytes, through the direct map: not executable there */
	paging_test_expect_pf(t, paging_test_call, phys_to_virt(phys),
			      X86_PF_PROT | X86_PF_INSTR, 0);
}

static void kernel_data_reads_and_writes(struct ktest *t)
{
	data_word = 0x1234;
	EXPECT_EQ(t, data_word, 0x1234);
	data_word++;
	EXPECT_EQ(t, data_word, 0x1235);
	EXPECT_EQ(t, rodata_word, 0x600df00d);
}

static void expect_flags(struct ktest *t, const void *virt, unsigned int flags)
{
	struct kernel_mapping m;

	ASSERT_EQ(t, kernel_mapping_query((uintptr_t)virt, &m), 0);
	EXPECT_EQ(t, m.flags, flags);
	EXPECT_EQ(t, m.page_size, PAGE_SIZE);
}

static void sections_have_their_permissions(struct ktest *t)
{
	unsigned int nx = cpu_has(X86_FEATURE_NX) ? MAP_NX : 0;

	expect_flags(t, __text_start, MAP_WB | MAP_RO);
	expect_flags(t, &rodata_word, MAP_WB | MAP_RO | nx);
	expect_flags(t, __data_start, MAP_WB | nx);
	expect_flags(t, __bss_start, MAP_WB | nx);
	expect_flags(t, __kallsyms_start, MAP_WB | MAP_RO | nx);
}

static void kernel_mappings_are_global(struct ktest *t)
{
	const uintptr_t addrs[] = { (uintptr_t)__text_start, (uintptr_t)&data_word,
				    (uintptr_t)kernel_pgd };
	enum pt_level level;

	if (!cpu_has(X86_FEATURE_PGE))
		ktest_skip(t, "the CPU has no global pages");
	for (unsigned int i = 0; i < ARRAY_SIZE(addrs); i++) {
		pte_t *slot = pt_lookup(kernel_pgd, addrs[i], &level);

		ASSERT_NOT_NULL(t, slot);
		EXPECT_TRUE(t, *slot & PTE_GLOBAL);
	}
}

static void image_is_contiguous_in_phys(struct ktest *t)
{
	phys_addr_t base = kernel_virt_to_phys((uintptr_t)__kernel_start);
	const char *probes[] = { __text_start, (const char *)&rodata_word,
				 (const char *)&data_word, __kallsyms_start };

	ASSERT_NE(t, base, PHYS_ADDR_INVALID);
	for (unsigned int i = 0; i < ARRAY_SIZE(probes); i++) {
		phys_addr_t phys = kernel_virt_to_phys((uintptr_t)probes[i]);

		EXPECT_EQ(t, phys, base + (probes[i] - __kernel_start));
		/* the direct map shows the same byte */
		EXPECT_EQ(t, *(const uint8_t *)phys_to_virt(phys), *(const uint8_t *)probes[i]);
	}
}

/* --- faults that must stay faults -------------------------------------- */

static void null_write_faults(struct ktest *t)
{
	paging_test_expect_pf(t, write_only, (void *)null_address, X86_PF_WRITE,
			      X86_PF_PROT | X86_PF_USER);
}

static void lower_half_read_faults(struct ktest *t)
{
	/* where the loader's identity map put physical memory */
	paging_test_expect_pf(t, paging_test_read, (void *)(null_address + SZ_2M), 0,
			      X86_PF_PROT | X86_PF_WRITE);
}

static void noncanonical_read_is_gp(struct ktest *t)
{
	struct fault_info f;

	paging_test_expect_fault(t, paging_test_read, (void *)0x8000000000000000UL, &f);
	EXPECT_EQ(t, f.kind, FAULT_GENERAL);
	EXPECT_EQ(t, f.vector, X86_TRAP_GP);
}

static void boot_stack_guard_faults(struct ktest *t)
{
	struct kernel_mapping m;

	/* this case runs on the boot stack: its guard is right below */
	EXPECT_TRUE(t, (uintptr_t)&m >= (uintptr_t)boot_stack_bottom);
	EXPECT_EQ(t, kernel_mapping_query((uintptr_t)boot_stack_guard, &m), -ENOENT);
	EXPECT_EQ(t, kernel_mapping_query((uintptr_t)boot_stack_bottom, &m), 0);
	paging_test_expect_pf(t, write_only, boot_stack_guard + PAGE_SIZE - 8, X86_PF_WRITE,
			      X86_PF_PROT);
}

static void every_stack_guard_is_unmapped(struct ktest *t)
{
	unsigned int n = __stop_stack_guards - __start_stack_guards;
	struct kernel_mapping m;

	EXPECT_EQ(t, n, 4);	/* the boot stack and three IST stacks */
	for (unsigned int i = 0; i < n; i++) {
		uintptr_t g = (uintptr_t)__start_stack_guards[i];

		EXPECT_EQ(t, kernel_mapping_query(g, &m), -ENOENT);
		/* the stack itself starts right above */
		EXPECT_EQ(t, kernel_mapping_query(g + PAGE_SIZE, &m), 0);
	}
}

/* --- the fixture itself ------------------------------------------------ */

static void do_nothing(void *arg)
{
}

static void fixture_returns_zero_without_fault(struct ktest *t)
{
	struct fault_info f;

	EXPECT_EQ(t, fault_fixture_run(do_nothing, NULL, &f), 0);
	EXPECT_EQ(t, f.vector, 0);
}

static void nested_run(void *arg)
{
	struct fault_info f;

	*(int *)arg = fault_fixture_run(do_nothing, NULL, &f);
}

static void fixture_refuses_nesting(struct ktest *t)
{
	struct fault_info f;
	int inner = 0;

	EXPECT_EQ(t, fault_fixture_run(nested_run, &inner, &f), 0);
	EXPECT_EQ(t, inner, -EBUSY);
	/* and it is disarmed again: a second run works */
	EXPECT_EQ(t, fault_fixture_run(do_nothing, NULL, &f), 0);
}

static const struct ktest_case paging_cases[] = {
	KTEST_CASE(cpu_protections_on, "CR0.WP, EFER.NXE and CR4.PGE are set"),
	KTEST_CASE(cr3_is_the_kernels, "CR3 holds the kernel's tables, the lower half is empty"),
	KTEST_CASE(text_write_faults, "a write to kernel text is a protection fault at that address"),
	KTEST_CASE(rodata_write_faults, "a write to rodata is a protection fault"),
	KTEST_CASE(kallsyms_write_faults, "a write to the symbol table is a protection fault"),
	KTEST_CASE(data_exec_faults, "a jump into .data is an instruction-fetch fault (NX)"),
	KTEST_CASE(stack_exec_faults, "a jump onto the stack is an instruction-fetch fault"),
	KTEST_CASE(direct_map_exec_faults, "kernel code is not executable through the direct map"),
	KTEST_CASE(kernel_data_reads_and_writes, "data is writable and rodata readable"),
	KTEST_CASE(sections_have_their_permissions, "text r-x, rodata r--, data/bss rw-, kallsyms r--"),
	KTEST_CASE(kernel_mappings_are_global, "image and direct-map leaves carry the global bit"),
	KTEST_CASE(image_is_contiguous_in_phys, "the image walks to one physical block, seen alike in the direct map"),
	KTEST_CASE(null_write_faults, "a write through NULL is a not-present fault at 0"),
	KTEST_CASE(lower_half_read_faults, "low addresses the loader identity-mapped now fault"),
	KTEST_CASE(noncanonical_read_is_gp, "a non-canonical address is a #GP, caught as well"),
	KTEST_CASE(boot_stack_guard_faults, "the page under the boot stack is unmapped and faults"),
	KTEST_CASE(every_stack_guard_is_unmapped, "all four static stacks have an unmapped guard page"),
	KTEST_CASE(fixture_returns_zero_without_fault, "the fixture returns 0 when fn does not fault"),
	KTEST_CASE(fixture_refuses_nesting, "a fixture inside a fixture is refused with -EBUSY"),
	/* paging_direct_map_test.c */
	KTEST_CASE(direct_map_covers_ram, "first and last byte of every RAM range read back through the direct map"),
	KTEST_CASE(direct_map_caching, "RAM and ACPI tables are write-back, the LAPIC uncached, the IOAPIC unmapped"),
	KTEST_CASE(direct_map_holds_only_memory, "memory descriptors are mapped write-back; reserved, MMIO and holes are not"),
	KTEST_CASE(direct_map_of_qemu10_map_ends_with_memory, "with 12.5 GiB reserved below 1 TiB the direct map still ends with RAM"),
	KTEST_CASE(direct_map_of_qemu10_map_leaves_devices_out, "NVDIMMs (listed or not), reserved ranges and flash are outside it, ACPI memory inside"),
	KTEST_CASE(direct_map_uses_large_pages, "aligned write-back RAM is mapped with 2 MiB or 1 GiB pages"),
	KTEST_CASE(unmapped_addresses_have_no_phys, "kernel_virt_to_phys() returns the sentinel where nothing is mapped"),
	/* paging_vmap_test.c */
	KTEST_CASE(map_round_trip, "a page mapped in the vmap area shows what the direct map shows, both ways"),
	KTEST_CASE(unmap_then_access_faults, "after unmap_kernel_range() a read faults, even with a warm TLB"),
	KTEST_CASE(unmap_frees_emptied_tables, "tables an unmap empties go back to the page allocator"),
	KTEST_CASE(map_again_after_unmap, "a window can be mapped again after it was unmapped"),
	KTEST_CASE(map_refuses_overlap, "mapping over a mapped page is -EEXIST and changes nothing"),
	KTEST_CASE(map_refuses_bad_arguments, "misaligned, empty, lower-half, image and unknown-flag requests are -EINVAL"),
	KTEST_CASE(map_read_only_write_faults, "a MAP_RO page is readable and a write to it is a protection fault"),
	KTEST_CASE(map_nx_exec_faults, "MAP_NX forbids execution; without it the page runs"),
	KTEST_CASE(map_uncached_is_reported, "a MAP_UC mapping reads back as uncached"),
	KTEST_CASE(map_2m_aligned_uses_2m_page, "a 2 MiB-aligned range gets one 2 MiB leaf"),
	KTEST_CASE(partial_unmap_splits_2m_page, "unmapping 4 KiB of a 2 MiB leaf splits it; the rest stays mapped"),
	KTEST_CASE(partial_unmap_splits_1g_page, "unmapping 4 KiB of a 1 GiB leaf leaves 2 MiB and 4 KiB leaves around the hole"),
	KTEST_CASE(unaligned_range_uses_small_pages_at_edges, "only the unaligned ends of a range get 4 KiB pages"),
	KTEST_CASE(memremap_beyond_ram, "memremap_range() maps device memory at phys_to_virt(), refuses a range that is part memory"),
	KTEST_CASE(memremap_of_ram_reuses_direct_map, "memremap_range() of RAM returns the direct map, refuses other caching"),
	KTEST_CASE(memremap_of_mmio_hole_maps_on_demand, "an MMIO page outside memory is mapped on demand, uncached, by one owner, then unmapped"),
	{}
};
KTEST_SUITE(paging_suite, "arch.x86.paging", paging_cases);
