/*
 * drivers.pmem.stress: unbind and rebind pmem0 over and over while writer threads
 * on the other CPUs keep writing to it: no lost write, no crash, no
 * leak.
 *
 * Each writer is a kernel thread bound to one CPU other than 0, with its
 * own STRESS_SECTORS sectors of pmem0, which it writes round-robin through
 * pmem_submit(). Every write carries a generation number that the writer
 * never reuses, and a sector says what it is: magic, sector number,
 * generation, writer CPU, a pattern seeded by those, and the CRC-32 of
 * everything before it (lib/crc32.h). A write that returns 0 is recorded
 * as the sector's latest generation; one refused with -ENODEV (the
 * driver's errno for I/O on a dying or unbound queue, docs/pmem.md) is
 * counted and retried after a short sleep, on the next generation; any
 * other error is counted apart. Before each write the writer reads the
 * sector back: it must hold the latest generation that succeeded, across
 * any unbind and rebind since, so every successful write is checked, not
 * only the last one of each sector. The writers run until kthread_stop(), with
 * a watchdog (STRESS_WATCHDOG_MS) that ends them on its own and fails the
 * case. Meanwhile CPU 0 (the ktest thread) unbinds and rebinds pmem0.
 *
 * After the writers are stopped and joined, with pmem0 bound:
 *   - no lost write: no read-back was wrong, and every sector holds, intact, exactly the latest
 *     generation its writer saw succeed (each sector has one writer, and
 *     a refused request touches nothing, so there is only one right
 *     answer);
 *   - the teardown order of each unbind: killed, drained, unmapped, with
 *     nothing in flight at the unmap, and no write completing
 *     successfully after the unbind returned;
 *   - the counters agree: refusals seen by the writers = the queue's
 *     refused enters = the device's errors; successful writes = the
 *     device's write count;
 *   - no leak: free pages, kmalloc objects in use, free per-CPU bytes and
 *     the device's references equal their values before the run, the
 *     devres list is empty when unbound and as long as before when bound.
 *
 * While the case runs, the writers never touch ktest: they only record,
 * and CPU 0 asserts after the join. Nothing between starting and joining
 * the writers may end the case early (no ASSERT there). The sectors used
 * are saved before and restored after each case.
 *
 * The writer threads and the sector format are in pmem_stress_writers.c
 * (pmem_stress.h); this file is CPU 0's side: setup, the cycles, the
 * verdicts and the cases.
 */
#include <drivers/pmem/tests/pmem_stress.h>
#include <drivers/base/devres.h>
#include <kernel/kthread.h>
#include <kernel/rcu.h>
#include <kernel/smp.h>
#include <kernel/timer.h>
#include <lib/crc32.h>
#include <lib/errno.h>
#include <lib/ktime.h>
#include <lib/list.h>
#include <lib/string.h>
#include <mm/page_alloc.h>
#include <mm/percpu.h>
#include <mm/slab.h>

/* --- setup and teardown of a case ------------------------------------------ */

static uint8_t saved[STRESS_MAX_WRITERS * STRESS_SECTORS * PMEM_SECTOR_SIZE];

struct stress_base {
	unsigned long refused, q_refused, errors, writes;
	unsigned int devres_bound;
	unsigned long refcount;
};

/*
 * pmem0 (or the host's stand-in, pmem_test_device()), bound, with a
 * reference (the cases declare that they need it and a 2nd CPU).
 */
static struct pmem_device *stress_get(struct ktest *t)
{
	struct pmem_device *p;

	p = pmem_test_device(t);
	if (p->nr_sectors < STRESS_BASE + STRESS_MAX_WRITERS * STRESS_SECTORS) {
		put_device(&p->dev);
		ktest_skip(t, "pmem0 too small (%llu sectors)",
			   (unsigned long long)p->nr_sectors);
	}
	return p;
}

/* Save the sectors, then write generation 0 to every one (latest = 0). */
static void stress_setup(struct ktest *t, struct pmem_device *p, struct stress_base *b)
{
	struct stress_sector s;

	stress_pmem = p;
	__atomic_store_n(&stress_unbound, 0, __ATOMIC_RELAXED);
	stress_writers_init();
	ASSERT_GT(t, nr_stress_writers, 0);
	ASSERT_EQ(t, pmem_rw(p, STRESS_BASE, saved, (uint64_t)nr_stress_writers * STRESS_SECTORS,
			     PMEM_READ), 0);
	for (unsigned int n = 0; n < nr_stress_writers; n++)
		for (unsigned int i = 0; i < STRESS_SECTORS; i++) {
			stress_fill_sector(&s, stress_writers[n].base + i, 0, stress_writers[n].cpu);
			ASSERT_EQ(t, pmem_rw(p, stress_writers[n].base + i, &s, 1, PMEM_WRITE), 0);
		}
	b->refused = 0;
	b->q_refused = READ_ONCE_A(p->queue.nr_enter_refused);
	b->errors = READ_ONCE_A(p->nr_errors);
	b->writes = READ_ONCE_A(p->nr_writes);
	b->devres_bound = p->dev.devres_count;
	b->refcount = device_refcount(&p->dev);
}

static void stress_restore(struct ktest *t, struct pmem_device *p)
{
	if (p->dev.state != DEVICE_BOUND)
		EXPECT_EQ(t, device_bind(&p->dev, "pmem"), 0);
	EXPECT_EQ(t, pmem_rw(p, STRESS_BASE, saved, (uint64_t)nr_stress_writers * STRESS_SECTORS,
			     PMEM_WRITE), 0);
}

/* What went wrong in the unbind/rebind cycles (counted, checked after the join). */
struct cycle_result {
	unsigned int cycles;		/* completed */
	int unbind_err, bind_err;	/* the first failure, which ends the cycles */
	unsigned int bad_order;		/* teardown steps not killed, drained, unmapped */
	unsigned int not_dead;		/* queue not "dead" after unbind */
	unsigned int devres_left;	/* unbinds that left devres records */
	unsigned int devres_changed;	/* binds with another number of records */
	unsigned int no_refusal;	/* unbound windows where a writer saw no -ENODEV */
	unsigned int no_success;	/* rebinds after which a writer never succeeded */
};

/*
 * n unbind/bind cycles from CPU 0 while the writers run. With `strict`,
 * each unbound window lasts until every writer has been refused, and each
 * bound one until every writer has succeeded again; otherwise they last
 * unbound_ms and bound_ms.
 */
static void run_cycles(struct pmem_device *p, struct cycle_result *r, unsigned int n,
		       unsigned int bound_ms, unsigned int unbound_ms, bool strict,
		       unsigned int devres_bound)
{
	struct pmem_teardown_log log;
	unsigned long snap[STRESS_MAX_WRITERS];
	int err;

	memset(r, 0, sizeof(*r));
	for (unsigned int c = 0; c < n; c++) {
		if (strict) {
			stress_writers_snap(f_ok, snap);
			if (!stress_writers_wait_past(f_ok, snap))
				r->no_success++;
		} else {
			msleep(bound_ms);
		}
		stress_writers_snap(f_refused, snap);
		err = device_unbind(&p->dev);
		if (err) {
			r->unbind_err = err;
			return;
		}
		__atomic_store_n(&stress_unbound, 1, __ATOMIC_RELEASE);
		pmem_test_take_log(&log);
		if (!pmem_test_log_in_order(&log))
			r->bad_order++;
		if (strcmp(blk_queue_state(&p->queue), "dead"))
			r->not_dead++;
		if (p->dev.devres_count || !list_empty(&p->dev.devres_head))
			r->devres_left++;
		if (strict) {
			if (!stress_writers_wait_past(f_refused, snap))
				r->no_refusal++;
		} else {
			msleep(unbound_ms);
		}
		__atomic_store_n(&stress_unbound, 0, __ATOMIC_RELEASE);
		err = device_bind(&p->dev, "pmem");
		if (err) {
			r->bind_err = err;
			return;
		}
		if (p->dev.devres_count != devres_bound)
			r->devres_changed++;
		r->cycles++;
	}
}

/*
 * Start the writers, run the cycles, stop the writers, bind pmem0 again if
 * a cycle failed half-way; then check what the cycles recorded.
 */
static void stress_run(struct ktest *t, struct pmem_device *p, const struct stress_base *b,
		       unsigned int n, bool strict)
{
	struct cycle_result r = { 0 };
	uint64_t start = ktime_get_ns();
	unsigned int bad_exit;
	int err = stress_writers_start();

	if (!err) {
		pmem_test_watch(p, NULL);
		run_cycles(p, &r, n, 10, 2, strict, b->devres_bound);
		pmem_test_unwatch();
	}
	bad_exit = stress_writers_stop();
	if (p->dev.state != DEVICE_BOUND)
		device_bind(&p->dev, "pmem");
	ASSERT_EQ(t, err, 0);
	ktest_log(t, "%u writers, %u cycles in %llu ms: %lu writes ok, %lu read back, "
		  "%lu refused (-ENODEV)", nr_stress_writers, r.cycles,
		  (unsigned long long)((ktime_get_ns() - start) / NSEC_PER_MSEC),
		  stress_writers_sum(f_ok), stress_writers_sum(f_checked), stress_writers_sum(f_refused));
	EXPECT_EQ(t, r.unbind_err, 0);
	EXPECT_EQ(t, r.bind_err, 0);
	EXPECT_EQ(t, r.cycles, n);
	EXPECT_EQ(t, bad_exit, 0);	/* no watchdog */
	EXPECT_EQ(t, r.bad_order, 0);
	EXPECT_EQ(t, r.not_dead, 0);
	EXPECT_EQ(t, r.devres_left, 0);
	EXPECT_EQ(t, r.devres_changed, 0);
	EXPECT_EQ(t, r.no_refusal, 0);
	EXPECT_EQ(t, r.no_success, 0);
	EXPECT_EQ(t, stress_writers_sum(f_after), 0);
	EXPECT_EQ(t, stress_writers_sum(f_other), 0);
	for (unsigned int w = 0; w < nr_stress_writers; w++) {
		if (stress_writers[w].nr_bad)
			ktest_log(t, "writer on CPU %u: %lu of %lu read-backs wrong, the first "
				  "sector %llu: %s: generation %llu, expected %llu", stress_writers[w].cpu,
				  stress_writers[w].nr_bad, stress_writers[w].nr_checked,
				  (unsigned long long)stress_writers[w].bad_sector, stress_writers[w].bad_why,
				  (unsigned long long)stress_writers[w].bad_gen,
				  (unsigned long long)stress_writers[w].bad_expected);
		EXPECT_EQ(t, stress_writers[w].nr_bad, 0);
		if (stress_writers[w].nr_other)
			ktest_log(t, "writer on CPU %u: %lu errors, the first %d (%s)",
				  stress_writers[w].cpu, stress_writers[w].nr_other, stress_writers[w].first_other,
				  errno_name(stress_writers[w].first_other));
		EXPECT_GT(t, stress_writers[w].nr_ok, 0);
	}
	ASSERT_EQ(t, p->dev.state, DEVICE_BOUND);
}

/* Every sector holds its writer's latest successful generation, intact. */
static void verify_sectors(struct ktest *t, struct pmem_device *p)
{
	struct stress_sector s;
	unsigned int bad = 0;

	for (unsigned int n = 0; n < nr_stress_writers; n++) {
		struct stress_writer *w = &stress_writers[n];

		for (unsigned int i = 0; i < STRESS_SECTORS; i++) {
			const char *why;

			ASSERT_EQ(t, pmem_rw(p, w->base + i, &s, 1, PMEM_READ), 0);
			why = stress_sector_problem(&s, w->base + i, w->cpu);
			if (!why && s.gen < w->latest[i])
				why = "lost write (older generation)";
			else if (!why && s.gen > w->latest[i])
				why = "a write that failed reached the device";
			if (why && bad++ < 4)
				ktest_log(t, "sector %llu (CPU %u): %s: generation %llu, expected %llu",
					  (unsigned long long)(w->base + i), w->cpu, why,
					  (unsigned long long)s.gen,
					  (unsigned long long)w->latest[i]);
		}
	}
	EXPECT_EQ(t, bad, 0);
}

/* The counters of the device and its queue agree with what the writers saw. */
static void verify_counters(struct ktest *t, struct pmem_device *p, const struct stress_base *b)
{
	unsigned long refused = stress_writers_sum(f_refused);

	EXPECT_EQ(t, READ_ONCE_A(p->queue.nr_enter_refused) - b->q_refused, refused);
	EXPECT_EQ(t, READ_ONCE_A(p->nr_errors) - b->errors, refused);
	EXPECT_EQ(t, READ_ONCE_A(p->nr_writes) - b->writes, stress_writers_sum(f_ok));
}

/* --- cases ---------------------------------------------------------------------------- */

static void unbind_waits_for_inflight_writes(struct ktest *t)
{
	struct pmem_device *p = stress_get(t);
	struct stress_base b;

	stress_setup(t, p, &b);
	stress_run(t, p, &b, 20, false);
	verify_sectors(t, p);
	stress_restore(t, p);
	put_device(&p->dev);
}

static void io_during_unbind_fails_cleanly(struct ktest *t)
{
	struct pmem_device *p = stress_get(t);
	struct stress_base b;

	stress_setup(t, p, &b);
	stress_run(t, p, &b, 5, true);
	EXPECT_GE(t, stress_writers_sum(f_refused), 5 * nr_stress_writers);
	verify_counters(t, p, &b);
	verify_sectors(t, p);	/* the refused writes touched nothing */
	stress_restore(t, p);
	put_device(&p->dev);
}

static void rebind_after_cycles_keeps_data(struct ktest *t)
{
	struct pmem_device *p = stress_get(t);
	struct stress_base b;

	stress_setup(t, p, &b);
	stress_run(t, p, &b, 20, false);
	verify_counters(t, p, &b);
	verify_sectors(t, p);
	ASSERT_EQ(t, device_unbind(&p->dev), 0);
	ASSERT_EQ(t, device_bind(&p->dev, "pmem"), 0);
	verify_sectors(t, p);
	stress_restore(t, p);
	put_device(&p->dev);
}

static void no_leak_after_cycles(struct ktest *t)
{
	struct pmem_device *p = stress_get(t);
	struct mem_sample before, after;
	struct stress_base b;

	stress_setup(t, p, &b);
	stress_run(t, p, &b, 3, false);	/* warm up: first-use allocations */
	mem_sample(&before);
	stress_run(t, p, &b, 20, false);
	ASSERT_EQ(t, device_unbind(&p->dev), 0);
	EXPECT_EQ(t, p->dev.devres_count, 0);
	EXPECT_TRUE(t, list_empty(&p->dev.devres_head));
	ASSERT_EQ(t, device_bind(&p->dev, "pmem"), 0);
	EXPECT_EQ(t, p->dev.devres_count, b.devres_bound);
	mem_sample(&after);
	ktest_log(t, "free pages %lu -> %lu, kmalloc objects %lu -> %lu, free per-CPU bytes "
		  "%zu -> %zu", before.free_pages, after.free_pages, before.kmalloc_inuse,
		  after.kmalloc_inuse, before.percpu_free, after.percpu_free);
	EXPECT_EQ(t, after.free_pages, before.free_pages);
	EXPECT_EQ(t, after.kmalloc_inuse, before.kmalloc_inuse);
	EXPECT_EQ(t, after.percpu_free, before.percpu_free);
	EXPECT_EQ(t, device_refcount(&p->dev), b.refcount);
	verify_sectors(t, p);
	stress_restore(t, p);
	put_device(&p->dev);
}

static void queue_ref_consistent_after_cycles(struct ktest *t)
{
	struct pmem_device *p = stress_get(t);
	struct request_queue *q = &p->queue;
	struct stress_base b;
	unsigned long zeros;

	stress_setup(t, p, &b);
	stress_run(t, p, &b, 10, false);
	EXPECT_STREQ(t, blk_queue_state(q), "live");
	EXPECT_EQ(t, blk_queue_in_flight(q), 0);
	zeros = READ_ONCE_A(q->nr_zero);
	ASSERT_EQ(t, blk_freeze_queue(q), 0);
	EXPECT_TRUE(t, percpu_ref_is_zero(&q->q_usage_counter));
	EXPECT_EQ(t, percpu_ref_atomic_count(&q->q_usage_counter), 0);
	EXPECT_EQ(t, READ_ONCE_A(q->nr_zero), zeros + 1);	/* released once */
	blk_unfreeze_queue(q);
	EXPECT_STREQ(t, blk_queue_state(q), "live");
	EXPECT_EQ(t, device_refcount(&p->dev), b.refcount);
	verify_sectors(t, p);	/* and I/O works after the unfreeze */
	stress_restore(t, p);
	put_device(&p->dev);
}

#define STRESS_NEEDS	(KTEST_NEEDS_PMEM | KTEST_NEEDS_CPUS(2))

static const struct ktest_case pmem_stress_cases[] = {
	KTEST_CASE_NEEDS(unbind_waits_for_inflight_writes, STRESS_NEEDS,
		   "20 unbinds under writers on every other CPU: killed, drained, then unmapped"),
	KTEST_CASE_NEEDS(io_during_unbind_fails_cleanly, STRESS_NEEDS,
		   "writes while unbound fail with -ENODEV only, touch nothing, resume after bind"),
	KTEST_CASE_NEEDS(rebind_after_cycles_keeps_data, STRESS_NEEDS,
		   "every successful write is on the device after the cycles and one more rebind"),
	KTEST_CASE_NEEDS(no_leak_after_cycles, STRESS_NEEDS,
		   "20 cycles leave free pages, kmalloc, per-CPU memory and devres as they were"),
	KTEST_CASE_NEEDS(queue_ref_consistent_after_cycles, STRESS_NEEDS,
		   "after the cycles the usage counter drains to 0 and is released exactly once"),
	{}
};
KTEST_SUITE(pmem_stress_suite, "drivers.pmem.stress", pmem_stress_cases);
