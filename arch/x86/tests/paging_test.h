/*
 * Shared by the "mm.paging" test files (arch/x86/tests/paging_*test.c):
 * the faulting accessors, the fault checks, a scratch page, and the cases
 * that paging_test.c lists in the suite.
 */
#ifndef ARCH_X86_TESTS_PAGING_TEST_H
#define ARCH_X86_TESTS_PAGING_TEST_H

#include <lib/tests/fault_fixture.h>
#include <lib/ktest.h>
#include <mm/vmap.h>

/* Accessors to run under the fixture. */
void paging_test_read(void *p);
void paging_test_write(void *p);	/* writes back the byte it read */
void paging_test_call(void *p);

/* Run fn(arg), which must fault (else the case ends): *f says how. */
void paging_test_expect_fault(struct ktest *t, void (*fn)(void *), void *arg,
			      struct fault_info *f);
/* ... and it must be a page fault at addr, error code with set, without clear. */
void paging_test_expect_pf(struct ktest *t, void (*fn)(void *), void *addr,
			   unsigned long set, unsigned long clear);

/* A zeroed page of RAM for a case to map (the case ends if none), and back. */
phys_addr_t paging_test_alloc_page(struct ktest *t);
void paging_test_free_page(phys_addr_t phys);

/* paging_direct_map_test.c */
void direct_map_covers_ram(struct ktest *t);
void direct_map_caching(struct ktest *t);
void direct_map_uses_large_pages(struct ktest *t);
void unmapped_addresses_have_no_phys(struct ktest *t);
void direct_map_holds_only_memory(struct ktest *t);
void direct_map_of_qemu10_map_ends_with_memory(struct ktest *t);
void direct_map_of_qemu10_map_leaves_devices_out(struct ktest *t);

/* paging_vmap_test.c */
void map_round_trip(struct ktest *t);
void unmap_then_access_faults(struct ktest *t);
void unmap_frees_emptied_tables(struct ktest *t);
void map_again_after_unmap(struct ktest *t);
void map_refuses_overlap(struct ktest *t);
void map_refuses_bad_arguments(struct ktest *t);
void map_read_only_write_faults(struct ktest *t);
void map_nx_exec_faults(struct ktest *t);
void map_uncached_is_reported(struct ktest *t);
void map_2m_aligned_uses_2m_page(struct ktest *t);
void partial_unmap_splits_2m_page(struct ktest *t);
void partial_unmap_splits_1g_page(struct ktest *t);
void unaligned_range_uses_small_pages_at_edges(struct ktest *t);
void memremap_beyond_ram(struct ktest *t);
void memremap_of_ram_reuses_direct_map(struct ktest *t);
void memremap_of_mmio_hole_maps_on_demand(struct ktest *t);

#endif /* ARCH_X86_TESTS_PAGING_TEST_H */
