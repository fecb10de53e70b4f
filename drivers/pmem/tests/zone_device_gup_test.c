/*
 * Suite drivers.pmem.zone_device, what GUP may and may not do with DAX mappings
 * (docs/zone-device.md, scenarios 6, 7, 9, 10): 512 subpage references for a 2 MiB leaf
 * and all of them undone when its PMD changes, refusals after the kill
 * and on a read-only mapping, and mappings zapped at unbind that stay
 * dead afterwards.
 *
 * The PMD change of scenario 6 is made on demand through the fast
 * walk's test window (gup_fast_pmd_window, mm/gup.h), which runs between
 * the subpage gets and the re-read of the PMD: the window points the
 * PMD at the next 2 MiB of pmem0, as a concurrent zap and refault could.
 * zone_device_smp_test.c has the same race by chance, with another CPU.
 */
#include <drivers/pmem/tests/zone_device_test.h>
#include <lib/err.h>
#include <lib/errno.h>
#include <mm/gup.h>
#include <mm/mm.h>
#include <mm/mmap_lock.h>
#include <mm/page_ref.h>
#include <mm/tests/vm_test.h>
#include <kernel/kthread.h>
#include <kernel/rcu.h>
#include <kernel/smp.h>
#include <mm/percpu_ref.h>

#define PG	PAGE_SIZE

static struct page *pinned[512];

/* Scenario 6: a 2 MiB devmap leaf; fast GUP takes 512 subpage references. */
void zd_s06_2m_pin_takes_512_refs(struct ktest *t)
{
	struct pmem_device *p = zd_get(t);
	struct mm_struct *mm = zd_map(t, p, ZD_ADDR, PROT_READ | PROT_WRITE);
	enum pt_level level;
	pte_t e;

	test_fault_range(t, mm, ZD_ADDR, 1, FAULT_FLAG_WRITE);
	e = test_leaf(t, mm, ZD_ADDR, &level);
	EXPECT_EQ(t, level, PT_PMD);
	EXPECT_TRUE(t, pte_devmap(e));
	ASSERT_EQ(t, gup_fast_only(ZD_ADDR, 512, FOLL_GET, pinned), 512);
	zd_check_and_unpin_512(t, p, pinned);
	zd_unmap(mm);
	put_device(&p->dev);
}

static pte_t window_new;		/* what the window writes */
static unsigned int window_calls;

static void point_pmd_elsewhere(void *slot, unsigned long long pmd)
{
	window_calls++;
	__atomic_store_n((pte_t *)slot, window_new, __ATOMIC_RELAXED);
}

/* Scenario 6: the PMD changes after the 512 gets: all 512 are put back. */
void zd_s06_pmd_change_undoes_all_512(struct ktest *t)
{
	struct pmem_device *p = zd_get(t);
	struct mm_struct *mm = zd_map(t, p, ZD_ADDR, PROT_READ | PROT_WRITE);
	unsigned long undone = gup_fast_pmd_undone(), bad = 0;
	struct page *first = __pfn_to_page(PHYS_PFN(pmem_data_phys(p)));
	enum pt_level level;
	long n;

	/* fault both 2 MiB leaves in; the window swaps the first for the second */
	test_fault_range(t, mm, ZD_ADDR, 1, FAULT_FLAG_WRITE);
	test_fault_range(t, mm, ZD_ADDR + (2UL << 20), 1, FAULT_FLAG_WRITE);
	window_new = test_leaf(t, mm, ZD_ADDR + (2UL << 20), &level);
	ASSERT_EQ(t, level, PT_PMD);
	window_calls = 0;
	gup_fast_pmd_window = point_pmd_elsewhere;
	n = (long)gup_fast_only(ZD_ADDR, 512, FOLL_GET, pinned);
	gup_fast_pmd_window = NULL;
	EXPECT_EQ(t, window_calls, 1);
	EXPECT_EQ(t, n, 0);				/* nothing kept */
	EXPECT_EQ(t, gup_fast_pmd_undone() - undone, 1);
	for (unsigned int i = 0; i < 512; i++)
		bad += page_ref_count(first + i) != 1;
	EXPECT_EQ(t, bad, 0);				/* all 512 put back */
	zd_expect_invariant(t, p);
	/* the walk now finds the new PMD: the second 2 MiB of pmem0 */
	ASSERT_EQ(t, get_user_pages_fast(ZD_ADDR, 512, 0, pinned), 512);
	EXPECT_EQ(t, page_to_pfn(pinned[0]), PHYS_PFN(pmem_data_phys(p)) + 512);
	unpin_user_pages(pinned, 512);
	EXPECT_EQ(t, zd_pages_not_idle(p), 0);
	zd_unmap(mm);		/* zaps both leaves, flushes, frees the tables */
	put_device(&p->dev);
}

/*
 * Scenario 7: after the kill tryget_live fails: the fast walk undoes the
 * pages it took in the range and stops, the slow path says -EFAULT, and
 * no page keeps a reference. The 8 pages span a 2 MiB leaf whose pgmap
 * reference the walk takes (and drops) anew.
 */
void zd_s07_pin_after_kill_fails_without_leak(struct ktest *t)
{
	struct pmem_device *p = zd_get(t);
	struct mm_struct *mm = zd_map(t, p, ZD_ADDR, PROT_READ | PROT_WRITE);
	unsigned long bad = 0;

	test_fault_range(t, mm, ZD_ADDR, 1, FAULT_FLAG_WRITE);
	percpu_ref_kill(&p->pgmap.ref);		/* the teardown's step 1, early */
	synchronize_rcu();
	EXPECT_EQ(t, gup_fast_only(ZD_ADDR, 8, FOLL_GET, pinned), 0);
	EXPECT_EQ(t, get_user_pages_fast(ZD_ADDR, 8, 0, pinned), -EFAULT);
	EXPECT_EQ(t, get_user_pages(mm, ZD_ADDR, 8, FOLL_GET, pinned), -EFAULT);
	for (unsigned int i = 0; i < 8; i++)
		bad += page_ref_count(__pfn_to_page(PHYS_PFN(pmem_data_phys(p)) + i)) != 1;
	EXPECT_EQ(t, bad, 0);
	zd_unmap(mm);
	ASSERT_EQ(t, device_unbind(&p->dev), 0);	/* goes on from step 2 */
	EXPECT_EQ(t, p->pgmap.state, PGMAP_DEAD);
	EXPECT_EQ(t, p->pgmap.count_at_kill, 0);
	EXPECT_EQ(t, ktest_warnings(t), 0);
	zd_rebind(t, p);
	put_device(&p->dev);
}

/* Scenario 9: write GUP of a read-only DAX mapping fails in both paths. */
void zd_s09_write_pin_of_readonly_fails(struct ktest *t)
{
	struct pmem_device *p = zd_get(t);
	struct mm_struct *mm = zd_map(t, p, ZD_ADDR, PROT_READ);

	test_fault_range(t, mm, ZD_ADDR, 1, 0);
	EXPECT_EQ(t, gup_fast_only(ZD_ADDR, 4, FOLL_GET | FOLL_WRITE, pinned), 0);
	EXPECT_EQ(t, get_user_pages_fast(ZD_ADDR, 4, FOLL_WRITE, pinned), -EFAULT);
	EXPECT_EQ(t, get_user_pages(mm, ZD_ADDR, 4, FOLL_GET | FOLL_WRITE, pinned), -EFAULT);
	EXPECT_EQ(t, zd_pages_not_idle(p), 0);	/* no reference left behind */
	EXPECT_EQ(t, get_user_pages_fast(ZD_ADDR, 4, 0, pinned), 4);	/* reading is fine */
	unpin_user_pages(pinned, 4);
	zd_expect_invariant(t, p);
	zd_unmap(mm);
	put_device(&p->dev);
}

/*
 * A frozen queue stops block I/O, not DAX: faults and both GUP paths work
 * on a mapping while the queue is frozen, and take the usual references.
 */
void zd_dax_fault_and_pin_while_frozen(struct ktest *t)
{
	struct pmem_device *p = zd_get(t);
	struct mm_struct *mm = zd_map(t, p, ZD_ADDR, PROT_READ | PROT_WRITE);

	ASSERT_EQ(t, blk_freeze_queue(&p->queue), 0);
	EXPECT_EQ(t, handle_user_fault(mm, ZD_ADDR + 3 * PAGE_SIZE, FAULT_FLAG_WRITE), 0);
	EXPECT_EQ(t, get_user_pages_fast(ZD_ADDR + 2 * PAGE_SIZE, 4, FOLL_WRITE, pinned), 4);
	EXPECT_EQ(t, get_user_pages(mm, ZD_ADDR + (2UL << 20), 4, FOLL_GET, pinned + 4), 4);
	EXPECT_STREQ(t, blk_queue_state(&p->queue), "frozen");
	blk_unfreeze_queue(&p->queue);
	for (unsigned int i = 0; i < 8; i++)
		EXPECT_EQ(t, page_ref_count(pinned[i]), 2);
	unpin_user_pages(pinned, 8);
	EXPECT_EQ(t, zd_pages_not_idle(p), 0);
	zd_expect_invariant(t, p);
	zd_unmap(mm);
	put_device(&p->dev);
}

static int touch(struct mm_struct *mm, unsigned long addr)
{
	int err;

	mmap_read_lock(mm);
	err = handle_mm_fault(mm, addr, 0);
	mmap_read_unlock(mm);
	return err;
}

/* Scenario 10: mapped, unpinned at unbind: zapped; a later touch faults. */
void zd_s10_unbind_zaps_mappings_late_touch_faults(struct ktest *t)
{
	struct pmem_device *p = zd_get(t);
	struct mm_struct *mm = zd_map(t, p, ZD_ADDR, PROT_READ | PROT_WRITE);
	unsigned long gone = READ_ONCE_A(p->nr_dax_gone_faults);

	test_fault_range(t, mm, ZD_ADDR, ZD_PAGES, FAULT_FLAG_WRITE);
	ASSERT_EQ(t, device_unbind(&p->dev), 0);
	EXPECT_EQ(t, p->dax_zapped_bytes, ZD_LEN);
	EXPECT_EQ(t, p->pgmap.state, PGMAP_DEAD);
	EXPECT_EQ(t, touch(mm, ZD_ADDR), -EFAULT);		/* clean, reported */
	EXPECT_EQ(t, READ_ONCE_A(p->nr_dax_gone_faults), gone + 1);
	EXPECT_EQ(t, gup_fast_only(ZD_ADDR, 1, FOLL_GET, pinned), 0);
	EXPECT_EQ(t, get_user_pages_fast(ZD_ADDR, 1, 0, pinned), -EFAULT);
	EXPECT_EQ(t, ktest_warnings(t), 0);
	zd_rebind(t, p);
	zd_unmap(mm);
	put_device(&p->dev);
}

/*
 * Scenario 10, continued: a region mapped under one binding faults no
 * more after unbind + bind (the next unbind would not know its leaves),
 * while a region mapped under the new binding works.
 */
void zd_s10_old_mapping_stays_dead_after_rebind(struct ktest *t)
{
	struct pmem_device *p = zd_get(t);
	struct mm_struct *mm = zd_map(t, p, ZD_ADDR, PROT_READ | PROT_WRITE);
	unsigned long gone = READ_ONCE_A(p->nr_dax_gone_faults);
	long again;

	test_fault_range(t, mm, ZD_ADDR, 1, FAULT_FLAG_WRITE);
	ASSERT_EQ(t, device_unbind(&p->dev), 0);
	zd_rebind(t, p);
	EXPECT_EQ(t, touch(mm, ZD_ADDR), -EFAULT);
	EXPECT_EQ(t, get_user_pages_fast(ZD_ADDR, 1, 0, pinned), -EFAULT);
	EXPECT_EQ(t, READ_ONCE_A(p->nr_dax_gone_faults), gone + 2);
	/* a new mapping in the same address space belongs to the new binding */
	again = pmem_dax_mmap(p, mm, ZD_ADDR + ZD_LEN, ZD_LEN, PROT_READ | PROT_WRITE);
	EXPECT_EQ(t, again, (long)(ZD_ADDR + ZD_LEN));
	if (again == (long)(ZD_ADDR + ZD_LEN)) {
		EXPECT_EQ(t, get_user_pages_fast(ZD_ADDR + ZD_LEN, 1, 0, pinned), 1);
		unpin_user_pages(pinned, 1);
	}
	EXPECT_EQ(t, zd_pages_not_idle(p), 0);
	zd_unmap(mm);
	/* and the next unbind zaps only the new binding's mapping: nothing here */
	ASSERT_EQ(t, device_unbind(&p->dev), 0);
	EXPECT_EQ(t, p->dax_zapped_bytes, 0);
	zd_rebind(t, p);
	put_device(&p->dev);
}

/*
 * Scenario 10, the mapping's first moment: a region that faults before
 * pmem_dax_mmap() has even returned, on another CPU, and an unbind right
 * then. The record was on the binding's list before the region existed,
 * so the teardown zaps that leaf too: nothing maps the device after the
 * unbind, and after a rebind fast GUP through the old address pins no
 * page of the new binding. (With the record registered after the mmap,
 * the leaf outlived the teardown and later pinned the next binding.)
 */
struct window {
	struct ktest *t;
	struct pmem_device *p;
	struct mm_struct *mm;
	unsigned long addr;
	int fault_err;			/* the other CPU's fault */
	int unbind_err;
	unsigned long zapped;		/* what that unbind zapped */
	bool ran;
};

static struct window window;

static int window_fault(void *arg)
{
	struct window *w = arg;

	w->fault_err = touch(w->mm, w->addr);
	return 0;
}

static void window_hook(struct pmem_device *p, struct mm_struct *mm, unsigned long addr)
{
	struct window *w = &window;

	if (p != w->p || mm != w->mm || w->ran)
		return;
	w->ran = true;
	w->addr = addr;
	struct task_struct *th = ERR_PTR(-ENODEV);

	if (num_online_cpus() > 1 && cpu_online(1))
		th = kthread_run_on(1, window_fault, w);
	if (IS_ERR(th))
		window_fault(w);	/* no other CPU: the same window, from here */
	else
		kthread_join(th);
	w->unbind_err = device_unbind(&p->dev);
	w->zapped = p->dax_zapped_bytes;
}

void zd_s10_mapping_zapped_even_before_mmap_returns(struct ktest *t)
{
	struct pmem_device *p = zd_get(t);
	struct mm_struct *mm = test_mm_create(t);
	long ret, n;

	window = (struct window){ .t = t, .p = p, .mm = mm };
	pmem_dax_mmap_window = window_hook;
	ret = pmem_dax_mmap(p, mm, ZD_ADDR, ZD_LEN, PROT_READ | PROT_WRITE);
	pmem_dax_mmap_window = NULL;
	EXPECT_EQ(t, ret, (long)ZD_ADDR);
	ASSERT_TRUE(t, window.ran);
	EXPECT_EQ(t, window.fault_err, 0);		/* the leaf was there */
	ASSERT_EQ(t, window.unbind_err, 0);
	EXPECT_EQ(t, p->pgmap.state, PGMAP_DEAD);
	EXPECT_EQ(t, window.zapped, ZD_LEN);		/* and the teardown found it */
	use_mm(mm);
	EXPECT_EQ(t, gup_fast_only(ZD_ADDR, 1, FOLL_GET, pinned), 0);
	zd_rebind(t, p);
	/* no leaf of the old binding reaches a page of the new one (a pin it
	 * did take is dropped again, or the next unbind would wait for it) */
	n = gup_fast_only(ZD_ADDR, 1, FOLL_GET, pinned);
	EXPECT_EQ(t, n, 0);
	unpin_user_pages(pinned, n > 0 ? (unsigned long)n : 0);
	n = get_user_pages_fast(ZD_ADDR, 1, 0, pinned);
	EXPECT_EQ(t, n, -EFAULT);
	unpin_user_pages(pinned, n > 0 ? (unsigned long)n : 0);
	EXPECT_EQ(t, zd_pages_not_idle(p), 0);
	zd_expect_invariant(t, p);
	zd_unmap(mm);
	put_device(&p->dev);
}
