/*
 * Suite drivers.pmem.zone_device: the zone_device scenarios (docs/zone-device.md) 1-14, one named case (or
 * a few) per scenario, end to end on pmem0; and suite drivers.pmem.zone_device.stress
 * (explicit), the long bind/unbind run. See zone_device_test.h for where
 * each case lives and what every case leaves behind.
 */
#include <drivers/pmem/tests/zone_device_test.h>
#include <lib/errno.h>
#include <mm/gup.h>
#include <mm/mm.h>
#include <mm/mmap_lock.h>
#include <mm/page_ref.h>
#include <mm/tests/vm_test.h>

struct pmem_device *zd_get(struct ktest *t)
{
	struct pmem_device *p = pmem_test_device(t);

	if (!p->has_pages) {
		put_device(&p->dev);
		ktest_skip(t, "pmem0 has no struct pages");
	}
	return p;
}

struct mm_struct *zd_map(struct ktest *t, struct pmem_device *p, unsigned long addr,
			 unsigned int prot)
{
	struct mm_struct *mm = test_mm_create(t);
	long ret = pmem_dax_mmap(p, mm, addr, ZD_LEN, prot);

	if (ret != (long)addr) {
		mm_destroy(mm);
		put_device(&p->dev);
		ktest_fail(t, "pmem_dax_mmap at 0x%lx: %ld (%s)", addr, ret,
			   ret < 0 ? errno_name((int)ret) : "elsewhere");
		ktest_abort(t);
	}
	use_mm(mm);
	return mm;
}

void zd_unmap(struct mm_struct *mm)
{
	unuse_mm(mm);
	mm_destroy(mm);
}

void zd_expect_invariant(struct ktest *t, struct pmem_device *p)
{
	unsigned long live;
	long refs;

	EXPECT_EQ(t, memremap_check_invariant(&p->pgmap, &refs, &live), 0);
	EXPECT_EQ(t, refs, 1 + (long)p->pgmap.nr_pages);
}

unsigned long zd_pages_not_idle(struct pmem_device *p)
{
	unsigned long bad = 0;

	for (unsigned long i = 0; i < p->pgmap.nr_pages; i++)
		bad += page_ref_count(__pfn_to_page(p->pgmap.pfn_first + i)) != 1;
	return bad;
}

void zd_check_and_unpin_512(struct ktest *t, struct pmem_device *p, struct page **pages)
{
	unsigned long bad = 0;

	for (unsigned long i = 0; i < 512; i++)
		bad += page_ref_count(pages[i]) != 2 || pages[i]->pgmap != &p->pgmap ||
		       page_to_pfn(pages[i]) != PHYS_PFN(pmem_data_phys(p)) + i;
	EXPECT_EQ(t, bad, 0);
	zd_expect_invariant(t, p);		/* pins are no pgmap references */
	unpin_user_pages(pages, 512);
	EXPECT_EQ(t, zd_pages_not_idle(p), 0);
}

void zd_rebind(struct ktest *t, struct pmem_device *p)
{
	EXPECT_EQ(t, device_bind(&p->dev, "pmem"), 0);
	if (p->dev.state == DEVICE_BOUND && p->has_pages) {
		zd_expect_invariant(t, p);
		EXPECT_EQ(t, zd_pages_not_idle(p), 0);
	}
}

/*
 * A case named after its function without the zd_ prefix. Every case
 * binds a device with struct pages (pmem0, or the host's stand-in);
 * ZD_SMP_CASE's also run threads on other CPUs.
 */
#define ZD_CASE(fn, intent)	{ #fn + 3, fn, intent, KTEST_NEEDS_PMEM }
#define ZD_SMP_CASE(fn, intent)	\
	ZD_CASE_NEEDS(fn, KTEST_NEEDS_PMEM | KTEST_NEEDS_CPUS(2), intent)
#define ZD_CASE_NEEDS(fn, needs, intent)	{ #fn + 3, fn, intent, needs }

static const struct ktest_case zone_device_cases[] = {
	ZD_CASE(zd_s01_mapping_gives_one_ref_per_page,
		"after mapping: refs = 1 + pages, each page at 1 with its pgmap"),
	ZD_CASE(zd_s02_idle_unbind_releases_every_page,
		"idle unbind: every page 1 -> 0, release once, no warning"),
	ZD_SMP_CASE(zd_s03_unbind_waits_for_pin_on_other_cpu,
		"a pin held on CPU 1 keeps the unbind waiting; memmap removed after"),
	ZD_CASE(zd_s04_1000_pin_cycles_keep_count_exact,
		"1000 pin/unpin cycles: the count at kill is exactly 1 + pages"),
	ZD_CASE(zd_s05_slow_gup_one_lookup_per_range,
		"slow GUP: same accounting, one pgmap lookup for a 512-page range"),
	ZD_CASE(zd_s06_2m_pin_takes_512_refs,
		"a 2 MiB devmap pin takes 512 subpage references"),
	ZD_CASE(zd_s06_pmd_change_undoes_all_512,
		"a PMD change after the 512 gets undoes all of them"),
	ZD_SMP_CASE(zd_s06_pmd_changes_on_other_cpu,
		"CPU 1 zaps and refaults the PMD under fast GUP: 512 or none, no leak"),
	ZD_CASE(zd_s07_pin_after_kill_fails_without_leak,
		"after the kill: fast path undoes and stops, slow path -EFAULT, no leak"),
	ZD_SMP_CASE(zd_s08_pin_races_teardown_put_loop,
		"pins held on other CPUs across the put loop: waited for; later pins fail cleanly"),
	ZD_CASE(zd_s09_write_pin_of_readonly_fails,
		"write GUP of a read-only DAX mapping fails in both paths, no leak"),
	ZD_CASE(zd_dax_fault_and_pin_while_frozen,
		"a frozen queue stops block I/O, not DAX: faults and both GUPs work"),
	ZD_CASE(zd_s10_unbind_zaps_mappings_late_touch_faults,
		"mapped, unpinned at unbind: zapped; a later touch is a clean fault"),
	ZD_CASE(zd_s10_old_mapping_stays_dead_after_rebind,
		"a mapping made before an unbind does not come back with a new bind"),
	ZD_CASE(zd_s10_mapping_zapped_even_before_mmap_returns,
		"a region faulted on another CPU before its mmap returns is zapped by an unbind"),
	ZD_CASE(zd_s11_ordinary_pages_unchanged_device_never_freed,
		"anon and device pages pin alike; device pages never reach the allocator"),
	ZD_CASE(zd_dax_mmap_longer_than_data_refused,
		"a DAX mmap longer than the data area is refused with EINVAL"),
	ZD_CASE(zd_s12_map_conflicts_refused_cleanly,
		"overlaps with pmem0 or RAM refused, nothing left, a rebind works"),
	ZD_SMP_CASE(zd_s13_100_cycles_with_pins_on_other_cpus,
		"100 bind/unbind cycles with pins outstanding on other CPUs: no leak"),
	ZD_CASE_NEEDS(zd_s14_unbind_during_inflight_io, KTEST_NEEDS_NVDIMM | KTEST_NEEDS_CPUS(2),
		"unbind during a write in flight on CPU 1: the mapping outlives the drain"),
	{ 0 },
};
KTEST_SUITE(zone_device_suite, "drivers.pmem.zone_device", zone_device_cases);

static const struct ktest_case stress_cases[] = {
	ZD_SMP_CASE(zd_stress_200_cycles_fast_and_slow_pinners,
		"200 cycles, fast and slow GUP pinners on every other CPU: no leak, no hang"),
	{ 0 },
};
KTEST_SUITE_EXPLICIT(zone_device_stress_suite, "drivers.pmem.zone_device.stress", stress_cases);
