/*
 * Suite pgmap.race: LIFETIMES.md scenario 8, a fast-GUP pin racing the
 * put loop of teardown. Kernel only (kernel threads on other CPUs).
 *
 * A thread on every CPU but 0 adopts a DAX mapping of pmem0 and pins one
 * page at a time with gup_fast_only() while CPU 0 unbinds pmem0. Each
 * attempt either pins (then, while the pin is held, the memmap must stay
 * valid and the pgmap must not be DEAD: the teardown waits) or returns 0
 * and touches no refcount (the pinned page's count is >= 1, >= 2 while
 * LIVE: the put loop may have put its seed). After the join: pmem0 rebinds, every page is
 * back at refcount 1, the pgmap invariant holds, no warning.
 *
 * Scenarios 6 and 13 on several CPUs are not written yet.
 */
#include <drivers/pmem/tests/pmem_test.h>
#include <kernel/kthread.h>
#include <kernel/smp.h>
#include <lib/err.h>
#include <lib/errno.h>
#include <lib/ktime.h>
#include <mm/gup.h>
#include <mm/memremap.h>
#include <mm/mm.h>
#include <mm/page_alloc.h>
#include <mm/page_ref.h>
#include <mm/tests/vm_test.h>
#include <asm/cpu.h>

#define RACE_ADDR	0x40000000UL
#define RACE_LEN	(4UL << 20)
#define RACE_MAX_CPUS	8

struct racer {
	struct mm_struct *mm;
	struct pmem_device *p;
	unsigned int cpu;
	unsigned long pins, fails, bad_held, bad_pfn, bad_dead, bad_ref; int bad_state, bad_count;	/* written by the thread only */
};


/* One CPU's pinner: until kthread_stop(), pin/check/unpin or fail cleanly. */
static int race_pinner(void *arg)
{
	struct racer *r = arg;
	unsigned long i = r->cpu;

	use_mm(r->mm);
	while (!kthread_should_stop()) {
		struct page *pg;
		unsigned long a = RACE_ADDR + (i++ % 512) * PAGE_SIZE;

		if (gup_fast_only(a, 1, FOLL_GET, &pg) == 1) {
			/*
			 * Refcount first: the put loop may already have put this
			 * page's seed (then 1 is the pin alone), which it does only
			 * after the state left LIVE (acquire: pairs with the
			 * teardown's release of the state).
			 */
			int rc = page_ref_count(pg);
			int st = __atomic_load_n(&r->p->pgmap.state, __ATOMIC_ACQUIRE);
			int pv = pfn_valid(page_to_pfn(pg));

			r->pins++;

			if (!pv || st == PGMAP_DEAD || rc < 1 || (rc < 2 && st == PGMAP_LIVE)) {
				r->bad_held++;
				r->bad_pfn += !pv;
				r->bad_dead += st == PGMAP_DEAD;
				r->bad_ref += rc < 1 || (rc < 2 && st == PGMAP_LIVE);
				r->bad_state = st;
				r->bad_count = rc;
			}
			put_page(pg);
		} else {
			r->fails++;
		}
		rcu_quiescent_state();
		cpu_relax();
	}
	unuse_mm(r->mm);
	return 0;
}

/* Scenario 8: pins on CPUs 1.. racing the unbind on CPU 0. */
static void race_pin_vs_teardown_put_loop(struct ktest *t)
{
	struct pmem_device *p = pmem_test_get(t, "pmem0");
	struct racer r[RACE_MAX_CPUS];
	struct task_struct *th[RACE_MAX_CPUS];
	unsigned int n = 0, ncpu = num_online_cpus();
	unsigned long pins = 0, fails = 0, bad = 0, live;
	struct mm_struct *mm;
	long refs;

	if (!p->has_pages) {
		put_device(&p->dev);
		ktest_skip(t, "pmem0 has no struct pages");
	}
	if (ncpu < 2) {
		put_device(&p->dev);
		ktest_skip(t, "needs 2 CPUs");
	}
	mm = test_mm_create(t);
	if (pmem_dax_mmap(p, mm, RACE_ADDR, RACE_LEN, PROT_READ | PROT_WRITE) != (long)RACE_ADDR) {
		mm_destroy(mm);
		put_device(&p->dev);
		ASSERT_TRUE(t, !"pmem_dax_mmap");
	}
	use_mm(mm);
	test_fault_range(t, mm, RACE_ADDR, 1, FAULT_FLAG_WRITE);
	for (unsigned int c = 1; c < RACE_MAX_CPUS && n < RACE_MAX_CPUS; c++) {
		if (!cpu_online(c))
			continue;
		r[n] = (struct racer){ .mm = mm, .p = p, .cpu = c };
		th[n] = kthread_run_on(c, race_pinner, &r[n]);
		if (IS_ERR(th[n]))
			break;
		n++;
	}
	if (n == 0) {
		unuse_mm(mm);
		mm_destroy(mm);
		put_device(&p->dev);
		ktest_skip(t, "no thread on another CPU");
	}
	/* let the pinners get going, then unbind under them */
	for (uint64_t s = ktime_get_ns(); ktime_get_ns() - s < 5 * 1000000ULL;)
		rcu_quiescent_state();
	EXPECT_EQ(t, device_unbind(&p->dev), 0);
	EXPECT_EQ(t, p->pgmap.state, PGMAP_DEAD);
	for (unsigned int i = 0; i < n; i++) {
		EXPECT_EQ(t, kthread_stop(th[i]), 0);
		pins += r[i].pins;
		fails += r[i].fails;
		bad += r[i].bad_held;
		if (r[i].bad_held)
			ktest_log(t, "cpu %u: %lu bad pins: %lu memmap gone, %lu pgmap DEAD, %lu refcount too low; last state %d refcount %d",
				  r[i].cpu, r[i].bad_held, r[i].bad_pfn, r[i].bad_dead, r[i].bad_ref,
				  r[i].bad_state, r[i].bad_count);
	}
	ktest_log(t, "%u pinners: %lu pins, %lu clean failures", n, pins, fails);
	EXPECT_EQ(t, bad, 0);
	EXPECT_TRUE(t, fails > 0);		/* after the unbind every pin fails */
	EXPECT_EQ(t, ktest_warnings(t), 0);
	unuse_mm(mm);
	mm_destroy(mm);
	EXPECT_EQ(t, device_bind(&p->dev, "pmem"), 0);
	EXPECT_EQ(t, memremap_check_invariant(&p->pgmap, &refs, &live), 0);
	EXPECT_EQ(t, refs, 1 + (long)p->pgmap.nr_pages);
	EXPECT_EQ(t, page_ref_count(__pfn_to_page(PHYS_PFN(p->phys))), 1);
	put_device(&p->dev);
}

static const struct ktest_case race_cases[] = {
	KTEST_CASE(race_pin_vs_teardown_put_loop, "fast-GUP pins on other CPUs racing unbind: pin or clean fail"),
	{ 0 },
};
KTEST_SUITE(race_suite, "pgmap.race", race_cases);
