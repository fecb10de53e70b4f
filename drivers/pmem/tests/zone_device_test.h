/*
 * What the files of suite drivers.pmem.zone_device share: the zone_device scenarios (docs/zone-device.md)
 * run end to end on pmem0 (bound by the pmem driver, memmap in RAM) with
 * DAX mappings and both GUP paths. The suite's table is in
 * zone_device_test.c; the cases live in files by theme:
 *   zone_device_map_test.c     1 2 4 5 11 12  accounting and lookups
 *   zone_device_gup_test.c     6 7 9 10       what GUP may and may not do
 *   zone_device_smp_test.c     3 6 8          races with other CPUs
 *   zone_device_cycles_test.c  13             bind/unbind cycles with pins
 *   pmem_smp_test.c            14             unbind during block I/O
 * Suite drivers.pmem.zone_device.stress (explicit, zone_device_cycles_test.c) is the
 * 200-cycle version with fast and slow GUP pinners on every other CPU.
 *
 * Every case leaves pmem0 bound, every page at refcount 1, and the pgmap
 * invariant (refs = 1 + pages) true. Without an NVDIMM (the host, or a
 * boot with --nvdimm none) the cases skip "no NVDIMM"; those that need
 * another CPU skip with the count.
 */
#ifndef DRIVERS_PMEM_TESTS_ZONE_DEVICE_TEST_H
#define DRIVERS_PMEM_TESTS_ZONE_DEVICE_TEST_H

#include <drivers/pmem/tests/pmem_test.h>
#include <mm/memremap.h>

#define ZD_ADDR		0x40000000UL	/* 2 MiB aligned, as pmem0 is */
#define ZD_LEN		(4UL << 20)	/* the first 4 MiB of pmem0 */
#define ZD_PAGES	(ZD_LEN >> PAGE_SHIFT)

struct mm_struct;

/* pmem0 with a reference, or skip (no NVDIMM, or no struct pages). */
struct pmem_device *zd_get(struct ktest *t);
/*
 * A new address space with pmem0's first ZD_LEN mapped DAX at addr
 * (read-write unless prot says otherwise), made current (use_mm).
 */
struct mm_struct *zd_map(struct ktest *t, struct pmem_device *p, unsigned long addr,
			 unsigned int prot);
/* Leave the address space and destroy it. */
void zd_unmap(struct mm_struct *mm);
/* The pgmap invariant with the exact count: refs == 1 + pages. */
void zd_expect_invariant(struct ktest *t, struct pmem_device *p);
/* Pages of pmem0's pgmap whose refcount is not 1 (every page idle?). */
unsigned long zd_pages_not_idle(struct pmem_device *p);
/*
 * pages[] holds pins of pmem0's first 512 pages, in order, one each:
 * check each is at 2 with its pgmap and the invariant is exact, then
 * unpin them and check every page is back at 1.
 */
void zd_check_and_unpin_512(struct ktest *t, struct pmem_device *p, struct page **pages);
/* Bind pmem0 again (after a case unbound it) and check it is whole. */
void zd_rebind(struct ktest *t, struct pmem_device *p);

/* The cases (one per scenario, see the table in zone_device_test.c). */
void zd_s01_mapping_gives_one_ref_per_page(struct ktest *t);
void zd_s02_idle_unbind_releases_every_page(struct ktest *t);
void zd_s03_unbind_waits_for_pin_on_other_cpu(struct ktest *t);
void zd_s04_1000_pin_cycles_keep_count_exact(struct ktest *t);
void zd_s05_slow_gup_one_lookup_per_range(struct ktest *t);
void zd_s06_2m_pin_takes_512_refs(struct ktest *t);
void zd_s06_pmd_change_undoes_all_512(struct ktest *t);
void zd_s06_pmd_changes_on_other_cpu(struct ktest *t);
void zd_s07_pin_after_kill_fails_without_leak(struct ktest *t);
void zd_s08_pin_races_teardown_put_loop(struct ktest *t);
void zd_s09_write_pin_of_readonly_fails(struct ktest *t);
void zd_dax_fault_and_pin_while_frozen(struct ktest *t);
void zd_s10_unbind_zaps_mappings_late_touch_faults(struct ktest *t);
void zd_s10_old_mapping_stays_dead_after_rebind(struct ktest *t);
void zd_s10_mapping_zapped_even_before_mmap_returns(struct ktest *t);
void zd_s11_ordinary_pages_unchanged_device_never_freed(struct ktest *t);
void zd_dax_mmap_longer_than_data_refused(struct ktest *t);
void zd_s12_map_conflicts_refused_cleanly(struct ktest *t);
void zd_s13_100_cycles_with_pins_on_other_cpus(struct ktest *t);
void zd_s14_unbind_during_inflight_io(struct ktest *t);
void zd_stress_200_cycles_fast_and_slow_pinners(struct ktest *t);

#endif /* DRIVERS_PMEM_TESTS_ZONE_DEVICE_TEST_H */
