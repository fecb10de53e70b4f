/*
 * Suite drivers.pmem.zone_device, scenario 13, and suite drivers.pmem.zone_device.stress: pmem0
 * unbound and bound again and again while a pinner on every other CPU
 * maps it DAX and pins and unpins random pages, holding some across the
 * unbinds, so that most teardowns have to wait for them.
 *
 * A pinner's life per binding: a fresh address space, pmem_dax_mmap() of
 * the first ZD_LEN of pmem0 (fails while pmem0 is unbound: it retries);
 * then until its pins start failing (the binding is going away): pin 1-8
 * pages at a random place, with fast GUP or (stress) slow GUP, keep them
 * for a random number of rounds in a small table, put the oldest when the
 * table is full. When its pins fail it keeps what it holds until the
 * teardown is WAITING for them, so that every unbind that finds pins
 * outstanding must wait, whatever the relative speed of the CPUs. Each held page is checked before its put: its memmap is
 * still there and its count is at least 1 (a late access would be
 * caught here, or by the graveyard, mm/memremap_graveyard.h). Once pins fail it
 * puts everything it holds and drops the address space.
 *
 * CPU 0 cycles: unbind (waits for the held pins), check DEAD and no
 * warning, bind, let the pinners get going (a few ms), again. At the end
 * the pinners are stopped and the books must balance: the pgmap lookup
 * has the entries it had, the page allocator's free count and the kmalloc
 * objects are back at their baselines, every page of pmem0 is at 1, the
 * invariant holds, no warning, no late access.
 */
#include <drivers/pmem/tests/zone_device_test.h>
#include <kernel/kthread.h>
#include <kernel/rcu.h>
#include <kernel/smp.h>
#include <kernel/timer.h>
#include <mm/memremap_graveyard.h>
#include <lib/err.h>
#include <lib/ktime.h>
#include <mm/gup.h>
#include <mm/mm.h>
#include <mm/page_ref.h>
#include <mm/tests/vm_test.h>
#include <asm/cpu.h>

#define MAX_PINNERS	7
#define HOLD_SLOTS	16		/* pins a pinner keeps at most */
#define PIN_MAX		8		/* pages per GUP call */

struct pinner {
	struct pmem_device *p;
	unsigned int cpu;
	bool slow_too;			/* (i) half the pins through slow GUP */
	uint64_t seed;			/* (i) then the thread's */
	/* (t) written by the thread only, read after kthread_stop() */
	unsigned long pins, pages, fails, maps, map_retries, bad;
	unsigned long held_at_wait;	/* teardowns that waited for our pins */
	unsigned long max_held;
	struct {
		struct page *pages[PIN_MAX];
		unsigned int n;
	} held[HOLD_SLOTS];
};

static uint64_t next_rand(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return *s >> 33;
}

/* Put slot i's pages, after checking what a held pin must see. */
static void drop_slot(struct pinner *w, unsigned int i)
{
	for (unsigned int k = 0; k < w->held[i].n; k++) {
		struct page *pg = w->held[i].pages[k];

		if (!pfn_valid(page_to_pfn(pg)) || page_ref_count(pg) < 1)
			w->bad++;
		put_page(pg);
	}
	w->held[i].n = 0;
}

static void drop_all(struct pinner *w)
{
	for (unsigned int i = 0; i < HOLD_SLOTS; i++)
		drop_slot(w, i);
}

static unsigned int slots_in_use(const struct pinner *w)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < HOLD_SLOTS; i++)
		n += w->held[i].n != 0;
	return n;
}

/*
 * The pins fail: the binding is going away. If we hold any, keep them
 * until the teardown says it waits for them (WAITING; acquire: pairs
 * with its release store of the state), then 0-2 ms more: so every
 * unbind that finds pins outstanding really waits, however slow this
 * CPU or that one. The teardown cannot end while we hold pins, so the
 * state cannot move past WAITING meanwhile; 30 s is only a watchdog.
 */
static void hold_until_waited_for(struct pinner *w)
{
	uint64_t t0 = ktime_get_ns(), more = next_rand(&w->seed) % 2000;

	if (!slots_in_use(w))
		return;
	while (__atomic_load_n(&w->p->pgmap.state, __ATOMIC_ACQUIRE) != PGMAP_WAITING) {
		if (kthread_should_stop())
			return;			/* the test is over: no unbind comes */
		if (ktime_get_ns() - t0 > 30 * NSEC_PER_SEC) {
			w->bad++;		/* reported with the counts */
			return;
		}
		msleep(1);		/* leave this CPU to the teardown's work */
	}
	w->held_at_wait++;
	for (t0 = ktime_get_ns(); ktime_get_ns() - t0 < more * 1000;)
		rcu_quiescent_state();
}

/* Pin until the binding goes away (or we are stopped); keep some pins. */
static void pin_while_bound(struct pinner *w, struct mm_struct *mm)
{
	unsigned int next = 0, failures = 0;

	while (!kthread_should_stop() && failures < 4) {
		unsigned int n = 1 + next_rand(&w->seed) % PIN_MAX;
		unsigned long a = ZD_ADDR + next_rand(&w->seed) % (ZD_PAGES - n) * PAGE_SIZE;
		bool slow = w->slow_too && (next_rand(&w->seed) & 1);
		long got;

		drop_slot(w, next);		/* the oldest pins go first */
		got = slow ? get_user_pages(mm, a, n, FOLL_GET, w->held[next].pages)
			   : get_user_pages_fast(a, n, 0, w->held[next].pages);
		if (got > 0) {
			w->held[next].n = (unsigned int)got;
			w->pins++;
			w->pages += (unsigned long)got;
			failures = 0;
		} else {
			w->fails++;
			failures++;
		}
		if (slots_in_use(w) > w->max_held)
			w->max_held = slots_in_use(w);
		next = (next + 1) % HOLD_SLOTS;
		/* sometimes let go of everything, so idle teardowns happen too */
		if (next_rand(&w->seed) % 64 == 0)
			drop_all(w);
		rcu_quiescent_state();
	}
	if (failures >= 4)
		hold_until_waited_for(w);
	drop_all(w);
}

static int pinner_main(void *arg)
{
	struct pinner *w = arg;

	while (!kthread_should_stop()) {
		struct mm_struct *mm = mm_create();

		if (!mm) {
			w->bad++;
			break;
		}
		if (pmem_dax_mmap(w->p, mm, ZD_ADDR, ZD_LEN, PROT_READ | PROT_WRITE) !=
		    (long)ZD_ADDR) {
			mm_destroy(mm);		/* unbound now: try again soon */
			w->map_retries++;
			for (int i = 0; i < 100 && !kthread_should_stop(); i++) {
				rcu_quiescent_state();
				cpu_relax();
			}
			continue;
		}
		w->maps++;
		use_mm(mm);
		pin_while_bound(w, mm);
		unuse_mm(mm);
		mm_destroy(mm);
	}
	return 0;
}

/* Spin for ms milliseconds, letting RCU go on. */
static void spin_ms(unsigned int ms)
{
	uint64_t start = ktime_get_ns();

	while (ktime_get_ns() - start < ms * 1000000ULL) {
		rcu_quiescent_state();
		cpu_relax();
	}
}

static void bind_unbind_cycles(struct ktest *t, unsigned int cycles, bool slow_too)
{
	static struct pinner w[MAX_PINNERS];
	struct task_struct *th[MAX_PINNERS];
	struct pmem_device *p = zd_get(t);
	struct dev_pagemap *all[MAX_PGMAPS];
	unsigned int n = 0, pgmaps = pgmap_snapshot(all, MAX_PGMAPS), done = 0;
	unsigned long waited = 0, late0 = memremap_late_accesses, bad = 0, altmap0;
	struct mem_sample before, after;
	uint64_t start;

	mem_sample(&before);
	altmap0 = p->pgmap.altmap.alloc;
	ktest_log(t, "memmap %llu KiB in %s", (unsigned long long)(p->pgmap.memmap_bytes >> 10),
		  p->pgmap.flags & MEMREMAP_ALTMAP ? "the device (altmap)" : "RAM");
	for (unsigned int c = 1; c < nr_cpu_ids && n < MAX_PINNERS; c++) {
		if (!cpu_online(c))
			continue;
		w[n] = (typeof(w[n])){ .p = p, .cpu = c, .slow_too = slow_too,
				       .seed = 0x2545f4914f6cdd1dULL * (c + 1) };
		th[n] = kthread_run_on(c, pinner_main, &w[n]);
		if (IS_ERR(th[n]))
			break;
		n++;
	}
	if (n == 0) {
		put_device(&p->dev);
		ktest_fail(t, "no thread on another CPU");
		ktest_abort(t);
	}
	start = ktime_get_ns();
	for (; done < cycles; done++) {
		spin_ms(2 + done % 5);		/* the pinners map and pin */
		if (device_unbind(&p->dev) || p->pgmap.state != PGMAP_DEAD) {
			ktest_fail(t, "cycle %u: unbind left pmem0 %s", done,
				   pgmap_state_name(p->pgmap.state));
			break;
		}
		waited += p->pgmap.count_at_kill > 0;
		if (p->pgmap.altmap.alloc) {		/* the teardown gave it all back */
			ktest_fail(t, "cycle %u: %lu altmap pages still in use after the unbind",
				   done, p->pgmap.altmap.alloc);
			break;
		}
		if (ktest_warnings(t)) {
			ktest_fail(t, "cycle %u: a warning (above)", done);
			break;
		}
		if (device_bind(&p->dev, "pmem")) {
			ktest_fail(t, "cycle %u: bind failed", done);
			break;
		}
	}
	for (unsigned int i = 0; i < n; i++)
		EXPECT_EQ(t, kthread_stop(th[i]), 0);
	ktest_log(t, "%u cycles in %llu ms; %u unbinds of %u waited for pins",
		  done, (unsigned long long)((ktime_get_ns() - start) / 1000000), (unsigned)waited,
		  done);
	for (unsigned int i = 0; i < n; i++) {
		ktest_log(t, "cpu %u: %lu maps, %lu pins (%lu pages), %lu failed, "
			  "up to %lu held, waited for %lu times, %lu bad", w[i].cpu, w[i].maps,
			  w[i].pins, w[i].pages, w[i].fails, w[i].max_held, w[i].held_at_wait,
			  w[i].bad);
		bad += w[i].bad;
	}
	EXPECT_EQ(t, done, cycles);
	EXPECT_TRUE(t, waited > 0);		/* the pins were really outstanding */
	EXPECT_EQ(t, bad, 0);
	EXPECT_EQ(t, memremap_late_accesses, late0);
	EXPECT_EQ(t, ktest_warnings(t), 0);
	EXPECT_EQ(t, pgmap_snapshot(all, MAX_PGMAPS), pgmaps);
	EXPECT_EQ(t, p->pgmap.altmap.alloc, altmap0);	/* the memmap on the device, if any */
	mem_sample(&after);
	EXPECT_EQ(t, after.free_pages, before.free_pages);
	EXPECT_EQ(t, after.kmalloc_inuse, before.kmalloc_inuse);
	EXPECT_EQ(t, after.percpu_free, before.percpu_free);
	if (p->dev.state == DEVICE_BOUND) {
		EXPECT_EQ(t, zd_pages_not_idle(p), 0);
		zd_expect_invariant(t, p);
	}
	put_device(&p->dev);
}

/* Scenario 13: 100 cycles, fast-GUP pins held across them. */
void zd_s13_100_cycles_with_pins_on_other_cpus(struct ktest *t)
{
	bind_unbind_cycles(t, 100, false);
}

/* The stress: 200 cycles, fast and slow GUP pins. */
void zd_stress_200_cycles_fast_and_slow_pinners(struct ktest *t)
{
	bind_unbind_cycles(t, 200, true);
}
