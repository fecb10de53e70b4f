/*
 * Suite pgmap.dax: DAX mappings of pmem0 (drivers/pmem/dax.c), GUP of
 * their devmap leaves, and the unbind order of LIFETIMES.md with pages
 * pinned or mapped. Needs the NVDIMM (skips "no NVDIMM" without, as on
 * the host); the two-CPU case skips with one CPU.
 *
 * Each case maps the first 4 MiB of pmem0 at DAX_ADDR (2 MiB aligned, as
 * the device is: 2 MiB devmap leaves) in an address space of its own and
 * leaves pmem0 bound, every page back at refcount 1.
 */
#include <drivers/pmem/tests/pmem_test.h>
#include <kernel/smp.h>
#include <lib/errno.h>
#include <lib/ktime.h>
#include <mm/gup.h>
#include <mm/memremap.h>
#include <mm/mm.h>
#include <mm/mmap_lock.h>
#include <mm/page_alloc.h>
#include <mm/page_ref.h>
#include <mm/tests/vm_test.h>
#include <asm/cpu.h>

#define DAX_ADDR	0x40000000UL
#define DAX_LEN		(4UL << 20)
#define PG		PAGE_SIZE

static struct page *pinned[512];

static struct mm_struct *dax_mm(struct ktest *t, struct pmem_device *p, unsigned long addr)
{
	struct mm_struct *mm;

	if (!p->has_pages) {
		put_device(&p->dev);
		ktest_skip(t, "pmem0 has no struct pages");
	}
	mm = test_mm_create(t);
	if (pmem_dax_mmap(p, mm, addr, DAX_LEN, PROT_READ | PROT_WRITE) != (long)addr) {
		mm_destroy(mm);
		put_device(&p->dev);
		ASSERT_TRUE(t, !"pmem_dax_mmap");
	}
	use_mm(mm);
	return mm;
}

static void dax_done(struct mm_struct *mm, struct pmem_device *p)
{
	unuse_mm(mm);
	mm_destroy(mm);
	put_device(&p->dev);
}

static void expect_invariant(struct ktest *t, struct pmem_device *p)
{
	unsigned long live;
	long refs;

	EXPECT_EQ(t, memremap_check_invariant(&p->pgmap, &refs, &live), 0);
	EXPECT_EQ(t, refs, 1 + (long)p->pgmap.nr_pages);
}

/* Scenarios 1, 6: a 2 MiB devmap leaf, fast GUP takes 512 subpage refs. */
static void dax_2m_leaf_pins_512_subpages(struct ktest *t)
{
	struct pmem_device *p = pmem_test_get(t, "pmem0");
	struct mm_struct *mm = dax_mm(t, p, DAX_ADDR);
	enum pt_level level;
	pte_t e;
	unsigned long bad = 0;

	test_fault_range(t, mm, DAX_ADDR, 1, FAULT_FLAG_WRITE);
	e = test_leaf(t, mm, DAX_ADDR, &level);
	EXPECT_EQ(t, level, PT_PMD);
	EXPECT_TRUE(t, pte_devmap(e));
	EXPECT_EQ(t, gup_fast_only(DAX_ADDR, 512, FOLL_GET, pinned), 512);
	for (unsigned int i = 0; i < 512; i++)
		bad += page_ref_count(pinned[i]) != 2 || pinned[i]->pgmap != &p->pgmap;
	EXPECT_EQ(t, bad, 0);
	expect_invariant(t, p);		/* pins are no pgmap references */
	unpin_user_pages(pinned, 512);
	EXPECT_EQ(t, page_ref_count(pinned[0]), 1);
	dax_done(mm, p);
}

/* Unaligned address: 4 KiB devmap leaves; slow GUP pins the same way. */
static void dax_unaligned_uses_4k_leaves(struct ktest *t)
{
	struct pmem_device *p = pmem_test_get(t, "pmem0");
	struct mm_struct *mm = dax_mm(t, p, DAX_ADDR + PG);
	enum pt_level level;

	EXPECT_EQ(t, get_user_pages(mm, DAX_ADDR + PG, 8, FOLL_GET | FOLL_WRITE, pinned), 8);
	test_leaf(t, mm, DAX_ADDR + PG, &level);
	EXPECT_EQ(t, level, PT_PTE);
	EXPECT_EQ(t, page_to_pfn(pinned[0]), PHYS_PFN(p->phys));
	EXPECT_EQ(t, page_ref_count(pinned[0]), 2);
	unpin_user_pages(pinned, 8);
	EXPECT_EQ(t, gup_fast_only(DAX_ADDR + PG, 8, FOLL_GET, pinned), 8);
	unpin_user_pages(pinned, 8);
	expect_invariant(t, p);
	dax_done(mm, p);
}

/* Scenario 4/5: 1000 fast and slow pin/unpin cycles: the count is exact. */
static void dax_1000_pin_cycles_keep_count_exact(struct ktest *t)
{
	struct pmem_device *p = pmem_test_get(t, "pmem0");
	struct mm_struct *mm = dax_mm(t, p, DAX_ADDR);

	for (int i = 0; i < 1000; i++) {
		long n = (i & 1) ? get_user_pages_fast(DAX_ADDR + (i % 64) * PG, 1, 0, pinned)
				 : get_user_pages(mm, DAX_ADDR + (i % 64) * PG, 1, FOLL_GET, pinned);

		if (n != 1) {
			ktest_fail(t, "cycle %d: pinned %ld", i, n);
			break;
		}
		unpin_user_pages(pinned, 1);
	}
	expect_invariant(t, p);
	EXPECT_EQ(t, ktest_warnings(t), 0);
	dax_done(mm, p);
}

/* Scenario 9: write GUP on a read-only DAX mapping fails, no leak. */
static void dax_write_pin_of_readonly_fails(struct ktest *t)
{
	struct pmem_device *p = pmem_test_get(t, "pmem0");
	struct mm_struct *mm;

	if (!p->has_pages) {
		put_device(&p->dev);
		ktest_skip(t, "pmem0 has no struct pages");
	}
	mm = test_mm_create(t);
	ASSERT_EQ(t, pmem_dax_mmap(p, mm, DAX_ADDR, DAX_LEN, PROT_READ), (long)DAX_ADDR);
	use_mm(mm);
	test_fault_range(t, mm, DAX_ADDR, 1, 0);
	EXPECT_EQ(t, gup_fast_only(DAX_ADDR, 4, FOLL_GET | FOLL_WRITE, pinned), 0);
	EXPECT_EQ(t, get_user_pages_fast(DAX_ADDR, 4, FOLL_WRITE, pinned), -EFAULT);
	EXPECT_EQ(t, get_user_pages_fast(DAX_ADDR, 4, 0, pinned), 4);
	unpin_user_pages(pinned, 4);
	expect_invariant(t, p);
	dax_done(mm, p);
}

/* Scenario 10: mapped, unpinned at unbind: zapped, a later touch faults. */
static void dax_unbind_zaps_and_late_touch_faults(struct ktest *t)
{
	struct pmem_device *p = pmem_test_get(t, "pmem0");
	struct mm_struct *mm = dax_mm(t, p, DAX_ADDR);
	unsigned long gone = READ_ONCE_A(p->nr_dax_gone_faults);
	int err;

	test_fault_range(t, mm, DAX_ADDR, 1024, FAULT_FLAG_WRITE);
	ASSERT_EQ(t, device_unbind(&p->dev), 0);
	EXPECT_EQ(t, p->dax_zapped_bytes, DAX_LEN);
	EXPECT_EQ(t, p->pgmap.state, PGMAP_DEAD);
	mmap_read_lock(mm);
	err = handle_mm_fault(mm, DAX_ADDR, 0);		/* clean, reported */
	mmap_read_unlock(mm);
	EXPECT_EQ(t, err, -EFAULT);
	EXPECT_EQ(t, ktest_warnings(t), 0);
	EXPECT_EQ(t, READ_ONCE_A(p->nr_dax_gone_faults), gone + 1);
	EXPECT_EQ(t, gup_fast_only(DAX_ADDR, 1, FOLL_GET, pinned), 0);
	EXPECT_EQ(t, device_bind(&p->dev, "pmem"), 0);
	dax_done(mm, p);
}

/* Scenario 7: after the kill, tryget_live fails: fast and slow GUP refuse. */
static void dax_pin_after_kill_fails(struct ktest *t)
{
	struct pmem_device *p = pmem_test_get(t, "pmem0");
	struct mm_struct *mm = dax_mm(t, p, DAX_ADDR);

	test_fault_range(t, mm, DAX_ADDR, 1, FAULT_FLAG_WRITE);
	percpu_ref_kill(p->pgmap.ref);		/* the teardown's step 1, early */
	synchronize_rcu();
	EXPECT_EQ(t, gup_fast_only(DAX_ADDR, 8, FOLL_GET, pinned), 0);
	EXPECT_EQ(t, get_user_pages_fast(DAX_ADDR, 8, 0, pinned), -EFAULT);
	EXPECT_EQ(t, page_ref_count(__pfn_to_page(PHYS_PFN(p->phys))), 1);
	ASSERT_EQ(t, device_unbind(&p->dev), 0);	/* goes on from step 2 */
	EXPECT_EQ(t, p->pgmap.state, PGMAP_DEAD);
	EXPECT_EQ(t, ktest_warnings(t), 0);
	EXPECT_EQ(t, device_bind(&p->dev, "pmem"), 0);
	dax_done(mm, p);
}

/* Scenario 13 (one CPU): bind/unbind cycles with random pins: nothing leaks. */
static void dax_bind_unbind_cycles_leave_nothing(struct ktest *t)
{
	struct pmem_device *p = pmem_test_get(t, "pmem0");
	struct dev_pagemap *all[MAX_PGMAPS];
	unsigned int pgmaps = pgmap_snapshot(all, MAX_PGMAPS);
	unsigned long free0, seed = 12345;

	if (!p->has_pages) {
		put_device(&p->dev);
		ktest_skip(t, "pmem0 has no struct pages");
	}
	ASSERT_EQ(t, device_unbind(&p->dev), 0);
	free0 = nr_free_pages();
	for (int cycle = 0; cycle < 20; cycle++) {
		struct mm_struct *mm;
		unsigned int n;

		ASSERT_EQ(t, device_bind(&p->dev, "pmem"), 0);
		mm = test_mm_create(t);
		ASSERT_EQ(t, pmem_dax_mmap(p, mm, DAX_ADDR, DAX_LEN, PROT_READ | PROT_WRITE),
			  (long)DAX_ADDR);
		use_mm(mm);
		seed = seed * 6364136223846793005UL + 1442695040888963407UL;
		n = 1 + (seed >> 33) % 16;
		for (unsigned int i = 0; i < n; i++) {
			unsigned long a = DAX_ADDR + ((seed >> (i + 7)) % 1024) * PG;
			long got = (i & 1) ? get_user_pages_fast(a, 1, 0, pinned + i)
					   : get_user_pages(mm, a, 1, FOLL_GET, pinned + i);

			if (got != 1)
				ktest_fail(t, "cycle %d: pin %u of 0x%lx: %ld", cycle, i, a, got);
		}
		unpin_user_pages(pinned, n);
		unuse_mm(mm);
		mm_destroy(mm);
		ASSERT_EQ(t, device_unbind(&p->dev), 0);
		EXPECT_EQ(t, p->pgmap.state, PGMAP_DEAD);
	}
	EXPECT_EQ(t, nr_free_pages(), free0);
	EXPECT_EQ(t, pgmap_snapshot(all, MAX_PGMAPS), pgmaps - 1);
	EXPECT_EQ(t, ktest_warnings(t), 0);
	EXPECT_EQ(t, device_bind(&p->dev, "pmem"), 0);
	EXPECT_EQ(t, pgmap_snapshot(all, MAX_PGMAPS), pgmaps);
	put_device(&p->dev);
}

/* --- scenario 3: a pin held on CPU 1 across the unbind on CPU 0 ------------ */

/*
 * A kernel thread on CPU 1: kernel/tests/pgmap_smp_glue.c (kthread_run_on
 * and kthread_join); the host has no such threads and skips.
 */
int dax_test_run_on_cpu1(int (*fn)(void *), void *arg, void **handle);
int dax_test_join(void *handle);

__attribute__((weak)) int dax_test_run_on_cpu1(int (*fn)(void *), void *arg, void **handle)
{
	return -ENODEV;
}

__attribute__((weak)) int dax_test_join(void *handle)
{
	return -ENODEV;
}

static struct pmem_device *held_p;
static struct page *held_page;
static int held_saw_waiting, held_memmap_valid;

/* The thread on CPU 1 polls (through quiescent states: RCU goes on). */
static int unpin_on_cpu1(void *arg)
{
	uint64_t start = ktime_get_ns();

	/* acquire: pairs with set_state()'s release in the teardown */
	while (__atomic_load_n(&held_p->pgmap.state, __ATOMIC_ACQUIRE) != PGMAP_WAITING) {
		if (ktime_get_ns() - start > 10 * NSEC_PER_SEC)
			break;
		rcu_quiescent_state();
		cpu_relax();
	}
	held_saw_waiting = held_p->pgmap.state == PGMAP_WAITING;
	start = ktime_get_ns();
	while (ktime_get_ns() - start < 20 * 1000000ULL)	/* 20 ms: still waiting? */
		rcu_quiescent_state();
	held_memmap_valid = pfn_valid(page_to_pfn(held_page)) &&
			    held_p->pgmap.state == PGMAP_WAITING;
	put_page(held_page);
	return 0;
}

static void dax_unbind_waits_for_pin_on_other_cpu(struct ktest *t)
{
	struct pmem_device *p = pmem_test_get(t, "pmem0");
	struct mm_struct *mm = dax_mm(t, p, DAX_ADDR);
	unsigned long pfn;
	void *worker;
	int err;

	if (num_online_cpus() < 2 || !cpu_online(1)) {
		dax_done(mm, p);
		ktest_skip(t, "needs 2 online CPUs (%u online)", num_online_cpus());
	}
	test_fault_range(t, mm, DAX_ADDR, 1, FAULT_FLAG_WRITE);
	ASSERT_EQ(t, gup_fast_only(DAX_ADDR + 5 * PG, 1, FOLL_GET, pinned), 1);
	held_page = pinned[0];
	pfn = page_to_pfn(held_page);
	dax_done(mm, p);		/* the pin outlives the address space */
	held_p = p;
	held_saw_waiting = held_memmap_valid = 0;
	err = dax_test_run_on_cpu1(unpin_on_cpu1, NULL, &worker);
	if (err) {
		put_page(held_page);
		ktest_skip(t, "no thread on CPU 1: %d (%s)", err, errno_name(err));
	}
	ASSERT_EQ(t, device_unbind(&p->dev), 0);	/* blocks until CPU 1 unpins */
	EXPECT_EQ(t, dax_test_join(worker), 0);
	EXPECT_EQ(t, held_saw_waiting, 1);
	EXPECT_EQ(t, held_memmap_valid, 1);	/* memmap still there at the unpin */
	EXPECT_FALSE(t, pfn_valid(pfn));	/* removed only afterwards */
	EXPECT_EQ(t, p->pgmap.state, PGMAP_DEAD);
	EXPECT_EQ(t, ktest_warnings(t), 0);
	EXPECT_EQ(t, device_bind(&p->dev, "pmem"), 0);
}

static const struct ktest_case dax_cases[] = {
	KTEST_CASE(dax_2m_leaf_pins_512_subpages, "a 2 MiB devmap leaf: fast GUP takes 512 subpage refs"),
	KTEST_CASE(dax_unaligned_uses_4k_leaves, "unaligned DAX: 4 KiB devmap leaves, slow and fast GUP"),
	KTEST_CASE(dax_1000_pin_cycles_keep_count_exact, "1000 fast/slow pin cycles: refs exactly 1 + pages"),
	KTEST_CASE(dax_write_pin_of_readonly_fails, "write GUP of a read-only DAX mapping fails, no leak"),
	KTEST_CASE(dax_unbind_zaps_and_late_touch_faults, "unbind zaps DAX mappings; a later touch is a clean fault"),
	KTEST_CASE(dax_pin_after_kill_fails, "after the kill both GUP paths refuse; unbind completes"),
	KTEST_CASE(dax_bind_unbind_cycles_leave_nothing, "20 bind/unbind cycles with random pins: no leak"),
	KTEST_CASE(dax_unbind_waits_for_pin_on_other_cpu, "unbind waits for CPU 1's pin; memmap removed after"),
	{ 0 },
};
KTEST_SUITE(dax_suite, "pgmap.dax", dax_cases);
