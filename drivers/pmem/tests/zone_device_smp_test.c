/*
 * Suite drivers.pmem.zone_device, the races with other CPUs (docs/zone-device.md, scenarios 3, 6, 8),
 * with kernel threads bound to CPUs 1.. (on the host they are host
 * threads, on the stand-in device; each case declares that it
 * needs two CPUs and persistent memory).
 *
 *  3  a pin held on CPU 1 across an unbind on CPU 0: the teardown waits
 *     (state WAITING) until CPU 1 unpins, and the memmap is still there
 *     at the unpin; removed only afterwards.
 *  6  CPU 1 zaps and refaults a 2 MiB devmap leaf while CPU 0 pins it
 *     with fast GUP: each attempt takes all 512 subpages or none, and no
 *     reference is left. How often the walk saw the PMD change between
 *     its gets and its re-read (and undid them) is printed: chance
 *     decides it; zone_device_gup_test.c makes it happen on demand.
 *  8  pinners on every other CPU race the unbind's put loop: each pin
 *     either holds (and then the memmap is valid and the pgmap not DEAD
 *     while it is held: the teardown waits) or fails without touching a
 *     refcount; never a held pin on a dead range. Cycles repeat until the
 *     teardown waited for a pin held across its put loop, which is
 *     asserted. (The mappings go first at unbind, so pins that can meet
 *     the put loop are taken before it and held across it.)
 */
#include <drivers/pmem/tests/zone_device_test.h>
#include <kernel/kthread.h>
#include <kernel/rcu.h>
#include <kernel/smp.h>
#include <lib/err.h>
#include <lib/ktime.h>
#include <mm/gup.h>
#include <mm/mm.h>
#include <mm/mmap_lock.h>
#include <mm/page_ref.h>
#include <mm/tests/vm_test.h>
#include <asm/cpu.h>

#define MAX_HELPERS	8

/* --- scenario 3 ---------------------------------------------------------------- */

struct holder {
	struct pmem_device *p;
	struct page *page;
	int saw_waiting;		/* the teardown was waiting for us */
	int memmap_valid;		/* ... with the memmap still there */
};

/*
 * CPU 1: hold the pin until the teardown waits, then put it. While it is
 * held the teardown cannot leave WAITING, however long that is: the
 * memmap must still be there when the put comes.
 */
static int hold_then_unpin(void *arg)
{
	struct holder *h = arg;
	uint64_t start = ktime_get_ns();

	/* acquire: pairs with the teardown's release store of the state */
	while (__atomic_load_n(&h->p->pgmap.state, __ATOMIC_ACQUIRE) != PGMAP_WAITING &&
	       ktime_get_ns() - start < 60 * NSEC_PER_SEC) {
		rcu_quiescent_state();
		cpu_relax();
	}
	h->saw_waiting = h->p->pgmap.state == PGMAP_WAITING;
	h->memmap_valid = pfn_valid(page_to_pfn(h->page)) &&
			  h->p->pgmap.state == PGMAP_WAITING;
	put_page(h->page);
	return 0;
}

void zd_s03_unbind_waits_for_pin_on_other_cpu(struct ktest *t)
{
	struct pmem_device *p = zd_get(t);
	struct holder h = { .p = p };
	struct task_struct *th;
	struct mm_struct *mm;
	unsigned long pfn;

	mm = zd_map(t, p, ZD_ADDR, PROT_READ | PROT_WRITE);
	test_fault_range(t, mm, ZD_ADDR, 1, FAULT_FLAG_WRITE);
	ASSERT_EQ(t, gup_fast_only(ZD_ADDR + 5 * PAGE_SIZE, 1, FOLL_GET, &h.page), 1);
	pfn = page_to_pfn(h.page);
	zd_unmap(mm);			/* the pin outlives the address space */
	th = kthread_run_on(1, hold_then_unpin, &h);
	if (IS_ERR(th)) {
		put_page(h.page);
		put_device(&p->dev);
		ktest_fail(t, "no thread on CPU 1: %ld", PTR_ERR(th));
		ktest_abort(t);
	}
	ASSERT_EQ(t, device_unbind(&p->dev), 0);	/* returns after CPU 1's put */
	EXPECT_EQ(t, kthread_join(th), 0);
	EXPECT_EQ(t, h.saw_waiting, 1);
	EXPECT_EQ(t, h.memmap_valid, 1);		/* intact at the unpin */
	EXPECT_FALSE(t, pfn_valid(pfn));		/* removed only afterwards */
	EXPECT_EQ(t, p->pgmap.count_at_kill, 1);	/* the one pin */
	EXPECT_EQ(t, p->pgmap.state, PGMAP_DEAD);
	EXPECT_EQ(t, ktest_warnings(t), 0);
	zd_rebind(t, p);
	put_device(&p->dev);
}

/* --- scenario 6, by chance ------------------------------------------------------- */

struct flipper {
	struct mm_struct *mm;
	unsigned long flips, errors;
	unsigned long walks;	/* atomic: walks CPU 0 finished */
};

/*
 * CPU 1: zap the first 2 MiB leaf and fault it back, until stopped; after
 * each refault, wait until CPU 0 finished a walk that began after it, so
 * that some walks find the leaf there, whatever the speed of the walk
 * against the zap (a walk of 512 gets under TSan is slow).
 */
static int zap_and_refault(void *arg)
{
	struct flipper *f = arg;

	const struct vm_operations_struct *ops;
	struct vm_area_struct *vma;
	void *priv;

	mmap_read_lock(f->mm);
	vma = find_vma(f->mm, ZD_ADDR);
	ops = vma->vm_ops;
	priv = vma->vm_private_data;
	mmap_read_unlock(f->mm);
	while (!kthread_should_stop()) {
		int err;

		/* clear the leaf, shoot the TLBs down (mm/memremap.h) */
		zap_vmas_of(f->mm, ZD_ADDR, ZD_ADDR + (2UL << 20), ops, priv);
		mmap_read_lock(f->mm);
		err = handle_mm_fault(f->mm, ZD_ADDR, FAULT_FLAG_WRITE);
		mmap_read_unlock(f->mm);
		f->errors += err != 0;
		__atomic_fetch_add(&f->flips, 1, __ATOMIC_RELAXED);
		{
			unsigned long w = __atomic_load_n(&f->walks, __ATOMIC_ACQUIRE);

			while (__atomic_load_n(&f->walks, __ATOMIC_ACQUIRE) < w + 2 &&
			       !kthread_should_stop()) {
				rcu_quiescent_state();
				cpu_relax();
			}
		}
		rcu_quiescent_state();
	}
	return 0;
}

#define S06_EVENTS	20
#define S06_WATCHDOG_NS	(60 * NSEC_PER_SEC)

void zd_s06_pmd_changes_on_other_cpu(struct ktest *t)
{
	static struct page *pages[512];
	struct pmem_device *p = zd_get(t);
	unsigned long undone = gup_fast_pmd_undone(), all = 0, none = 0, partial = 0;
	struct flipper f = { 0 };
	struct task_struct *th;
	uint64_t start;

	f.mm = zd_map(t, p, ZD_ADDR, PROT_READ | PROT_WRITE);
	test_fault_range(t, f.mm, ZD_ADDR, 1, FAULT_FLAG_WRITE);
	mmget(f.mm);			/* the thread's user reference */
	th = kthread_run_on(1, zap_and_refault, &f);
	if (IS_ERR(th)) {
		mmput(f.mm);
		zd_unmap(f.mm);
		put_device(&p->dev);
		ktest_fail(t, "no thread on CPU 1: %ld", PTR_ERR(th));
		ktest_abort(t);
	}
	/*
	 * Walk until the walks have seen both sides of the race many times
	 * (the leaf there, taken whole; the leaf zapped, nothing taken) and
	 * CPU 1 has flipped it as often: events, however slowly the vCPUs
	 * run. A 60 s watchdog only bounds a thread that never runs. A walk
	 * that found nothing pauses 20 us with interrupts on, so CPU 1's
	 * shootdown (which waits for this CPU) and its refault get through.
	 */
	start = ktime_get_ns();
	while ((all < S06_EVENTS || none < S06_EVENTS ||
		__atomic_load_n(&f.flips, __ATOMIC_RELAXED) < S06_EVENTS) &&
	       ktime_get_ns() - start < S06_WATCHDOG_NS) {
		unsigned long n = gup_fast_only(ZD_ADDR, 512, FOLL_GET, pages);

		all += n == 512;
		none += n == 0;
		partial += n != 0 && n != 512;
		unpin_user_pages(pages, n);
		__atomic_fetch_add(&f.walks, 1, __ATOMIC_RELEASE);
		if (!n)
			udelay(20);
		rcu_quiescent_state();
	}
	EXPECT_EQ(t, kthread_stop(th), 0);
	mmput(f.mm);
	ktest_log(t, "%lu walks took all 512, %lu none; the PMD changed under %lu walks "
		  "(all undone); CPU 1 zapped and refaulted %lu times",
		  all, none, gup_fast_pmd_undone() - undone, f.flips);
	EXPECT_EQ(t, partial, 0);		/* all or nothing */
	if (all < S06_EVENTS || none < S06_EVENTS || f.flips < S06_EVENTS)
		ktest_fail(t, "in %u s the race was not seen %u times each way: %lu walks took "
			   "the leaf, %lu found it zapped, CPU 1 flipped it %lu times",
			   (unsigned int)(S06_WATCHDOG_NS / NSEC_PER_SEC), S06_EVENTS, all, none,
			   f.flips);
	EXPECT_EQ(t, f.errors, 0);
	EXPECT_EQ(t, zd_pages_not_idle(p), 0);
	zd_expect_invariant(t, p);
	EXPECT_EQ(t, ktest_warnings(t), 0);
	zd_unmap(f.mm);
	put_device(&p->dev);
}

/* --- scenario 8 ------------------------------------------------------------------ */

struct racer {
	struct mm_struct *mm;
	struct pmem_device *p;
	unsigned int cpu;
	/* written by the thread only, read after kthread_stop() */
	unsigned long pins, fails, bad, bad_pfn, bad_dead, bad_ref;
	unsigned long overlaps;		/* pins the teardown waited for */
	int last_state, last_count;
};

#define RACE_HOLD_SPINS		4096
#define RACE_WATCHDOG_NS	(60 * NSEC_PER_SEC)

/* One CPU's pinner: pin, hold, check what a held pin must see, unpin; or fail. */
static int race_pinner(void *arg)
{
	struct racer *r = arg;
	unsigned long i = r->cpu;

	use_mm(r->mm);
	while (!kthread_should_stop()) {
		unsigned long a = ZD_ADDR + (i++ % 512) * PAGE_SIZE;
		struct page *pg;

		if (gup_fast_only(a, 1, FOLL_GET, &pg) == 1) {
			/*
			 * Hold the pin a while; once a teardown has started,
			 * until it waits (for this pin, among others). The
			 * mappings go first of all at unbind, so only a pin taken
			 * before that can meet the put loop, and a pin held
			 * across it is what the teardown must wait for.
			 */
			uint64_t held = ktime_get_ns();
			int now;

			for (unsigned int k = 0; k < RACE_HOLD_SPINS &&
			     __atomic_load_n(&r->p->pgmap.state, __ATOMIC_ACQUIRE) == PGMAP_LIVE; k++) {
				rcu_quiescent_state();
				cpu_relax();
			}
			while ((now = __atomic_load_n(&r->p->pgmap.state, __ATOMIC_ACQUIRE)) !=
				       PGMAP_LIVE && now != PGMAP_WAITING && now != PGMAP_DEAD &&
			       ktime_get_ns() - held < RACE_WATCHDOG_NS) {
				rcu_quiescent_state();
				cpu_relax();
			}
			/*
			 * The refcount first: the put loop may have put this page's
			 * seed already (1 is then the pin alone), which it does only
			 * after the state left LIVE (acquire: pairs with the
			 * teardown's release store of the state).
			 */
			int rc = page_ref_count(pg);
			int st = __atomic_load_n(&r->p->pgmap.state, __ATOMIC_ACQUIRE);
			bool pv = pfn_valid(page_to_pfn(pg));
			bool low = rc < 1 || (rc < 2 && st == PGMAP_LIVE);

			/* atomic: s08_cycle() watches it for the first pin */
			__atomic_fetch_add(&r->pins, 1, __ATOMIC_RELAXED);
			r->overlaps += st == PGMAP_WAITING;
			if (!pv || st == PGMAP_DEAD || low) {
				r->bad++;
				r->bad_pfn += !pv;
				r->bad_dead += st == PGMAP_DEAD;
				r->bad_ref += low;
				r->last_state = st;
				r->last_count = rc;
			}
			put_page(pg);
		} else {
			__atomic_fetch_add(&r->fails, 1, __ATOMIC_RELAXED);
		}
		rcu_quiescent_state();
		cpu_relax();
	}
	unuse_mm(r->mm);
	return 0;
}

/* The most bind/unbind cycles s08 runs to see a pin overlap a teardown. */
#define S08_MAX_CYCLES	200

struct s08_totals {
	unsigned long pins, fails, bad, overlaps;
};

/* One bind's worth: pinners on every other CPU, an unbind under them. */
static void s08_cycle(struct ktest *t, struct pmem_device *p, struct s08_totals *sum)
{
	struct racer r[MAX_HELPERS];
	struct task_struct *th[MAX_HELPERS];
	unsigned int n = 0;
	struct mm_struct *mm;

	mm = zd_map(t, p, ZD_ADDR, PROT_READ | PROT_WRITE);
	test_fault_range(t, mm, ZD_ADDR, 1, FAULT_FLAG_WRITE);
	for (unsigned int c = 1; c < nr_cpu_ids && n < MAX_HELPERS; c++) {
		if (!cpu_online(c))
			continue;
		r[n] = (struct racer){ .mm = mm, .p = p, .cpu = c };
		th[n] = kthread_run_on(c, race_pinner, &r[n]);
		if (IS_ERR(th[n]))
			break;
		n++;
	}
	if (n == 0) {
		zd_unmap(mm);
		put_device(&p->dev);
		ktest_fail(t, "no thread on another CPU");
		ktest_abort(t);
	}
	/* let every pinner pin once before the unbind starts (a pinner
	 * whose CPU never runs is reported, not waited for) */
	for (unsigned int i = 0; i < n; i++) {
		uint64_t start = ktime_get_ns();

		while (!__atomic_load_n(&r[i].pins, __ATOMIC_RELAXED) &&
		       !__atomic_load_n(&r[i].fails, __ATOMIC_RELAXED) &&
		       ktime_get_ns() - start < RACE_WATCHDOG_NS) {
			rcu_quiescent_state();
			cpu_relax();
		}
		if (!__atomic_load_n(&r[i].pins, __ATOMIC_RELAXED) &&
		    !__atomic_load_n(&r[i].fails, __ATOMIC_RELAXED))
			ktest_fail(t, "the pinner on CPU %u did not run for %llu s", r[i].cpu,
				   (unsigned long long)(RACE_WATCHDOG_NS / NSEC_PER_SEC));
	}
	EXPECT_EQ(t, device_unbind(&p->dev), 0);
	EXPECT_EQ(t, p->pgmap.state, PGMAP_DEAD);
	/* after the unbind every pin fails: each pinner fails once more */
	for (unsigned int i = 0; i < n; i++) {
		unsigned long f0 = __atomic_load_n(&r[i].fails, __ATOMIC_RELAXED);
		uint64_t start = ktime_get_ns();

		while (__atomic_load_n(&r[i].fails, __ATOMIC_RELAXED) == f0 &&
		       ktime_get_ns() - start < RACE_WATCHDOG_NS) {
			rcu_quiescent_state();
			cpu_relax();
		}
		if (__atomic_load_n(&r[i].fails, __ATOMIC_RELAXED) == f0)
			ktest_fail(t, "the pinner on CPU %u tried no pin in %llu s after the unbind",
				   r[i].cpu, (unsigned long long)(RACE_WATCHDOG_NS / NSEC_PER_SEC));
	}
	for (unsigned int i = 0; i < n; i++) {
		EXPECT_EQ(t, kthread_stop(th[i]), 0);
		sum->pins += r[i].pins;
		sum->fails += r[i].fails;
		sum->bad += r[i].bad;
		sum->overlaps += r[i].overlaps;
		if (r[i].bad)
			ktest_log(t, "cpu %u: %lu bad pins: %lu memmap gone, %lu pgmap DEAD, "
				  "%lu refcount too low; last state %s refcount %d", r[i].cpu,
				  r[i].bad, r[i].bad_pfn, r[i].bad_dead, r[i].bad_ref,
				  pgmap_state_name(r[i].last_state), r[i].last_count);
	}
	zd_unmap(mm);
}

/*
 * Bind/unbind cycles with pinners racing each unbind, until a pin was held
 * across the put loop so that the teardown waited for it (its holder saw
 * WAITING): the race this scenario is about. How many cycles that takes
 * is chance; that it happens is asserted (at most S08_MAX_CYCLES cycles).
 */
void zd_s08_pin_races_teardown_put_loop(struct ktest *t)
{
	struct pmem_device *p = zd_get(t);
	struct s08_totals sum = { 0 };
	unsigned int cycles = 0;

	while (cycles < S08_MAX_CYCLES && !sum.overlaps && !sum.bad) {
		if (cycles++)
			zd_rebind(t, p);
		s08_cycle(t, p, &sum);
	}
	ktest_log(t, "%u cycle(s): %lu pins, %lu waited for by the teardown, %lu clean failures",
		  cycles, sum.pins, sum.overlaps, sum.fails);
	EXPECT_EQ(t, sum.bad, 0);
	if (!sum.overlaps)
		ktest_fail(t, "the teardown waited for no pin in %u cycles: the race never happened",
			   cycles);
	EXPECT_TRUE(t, sum.fails > 0);		/* after an unbind every pin fails */
	EXPECT_EQ(t, ktest_warnings(t), 0);
	zd_rebind(t, p);
	put_device(&p->dev);
}
