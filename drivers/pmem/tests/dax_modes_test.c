/*
 * Suite drivers.pmem.dax.modes (explicit: booted once per teaching mode by make
 * test, zone_device.refs=legacy|regression and memremap.teardown=v4.12,
 * each also with page_poison=on slab_debug=on, and once in the default
 * modes; mm/memremap_modes.h): the same scenario in every mode, each
 * mode's outcome asserted, so a case passes only if the mode's failure
 * was DETECTED (or, for single and legacy, did not happen). Needs the
 * NVDIMM and 2 CPUs.
 *
 * The scenario (docs/zone-device.md, scenarios 3 and 4): map pmem0 DAX,
 * optionally some fast-GUP pin/unpin cycles, pin one page with fast GUP
 * (once or twice), drop the address space; a thread on CPU 1 waits until
 * the teardown waits (or, where the mode's teardown does not wait, until
 * it is over), notes whether the memmap is still there, and unpins; CPU 0
 * unbinds pmem0. Every wait is for a state, not for time: a teardown that
 * waits for the pin cannot end before the unpin, and one that does not
 * wait ends on its own (a 60 s watchdog only bounds a teardown that never
 * gets there). Detection does not depend on what freed memory holds: a
 * memmap removed under a pin is quarantined with its counts biased
 * (mm/memremap_graveyard.h). One line per mode says what happened.
 */
#include <drivers/pmem/tests/pmem_test.h>
#include <kernel/kthread.h>
#include <kernel/smp.h>
#include <lib/err.h>
#include <lib/errno.h>
#include <lib/ktime.h>
#include <lib/printk.h>
#include <mm/gup.h>
#include <mm/memremap.h>
#include <mm/memremap_graveyard.h>
#include <mm/percpu_ref.h>
#include <mm/mm.h>
#include <mm/page_ref.h>
#include <mm/tests/vm_test.h>
#include <asm/cpu.h>

#define M_ADDR	0x40000000UL
#define M_LEN	(4UL << 20)

static struct pmem_device *mp;
static struct page *mpage;
static unsigned long mpfn;

/* What the scenario does, and what it saw. */
struct scenario {
	int cycles;		/* fast-GUP pin/unpin cycles before the pin */
	int pins;		/* references the held pin takes (1 or 2) */
	bool no_wait;		/* the mode's teardown does not wait for it */
	/* seen by the thread on CPU 1 */
	int dead_at_unpin, valid_at_unpin;
	int state_after_first;	/* pins == 2: the state after the first put */
	long count_after_first;	/* ... and the pgmap's count */
	/* seen after the unbind */
	unsigned long warnings, late;
	bool released;		/* the pgmap's release ran */
	long count_at_kill;
	unsigned long quarantined_after;	/* graves still holding a memmap */
};

#define M_WATCHDOG_NS	(60 * NSEC_PER_SEC)

static int pgmap_state(void)
{
	return __atomic_load_n(&mp->pgmap.state, __ATOMIC_ACQUIRE);
}

static int unpin_later(void *arg)
{
	struct scenario *sc = arg;
	uint64_t start = ktime_get_ns();
	int st;

	while ((st = pgmap_state()) != PGMAP_WAITING && st != PGMAP_DEAD &&
	       ktime_get_ns() - start < M_WATCHDOG_NS) {
		rcu_quiescent_state();
		cpu_relax();
	}
	/* a teardown that does not wait for the pin ends without it */
	start = ktime_get_ns();
	while (sc->no_wait && pgmap_state() != PGMAP_DEAD &&
	       ktime_get_ns() - start < M_WATCHDOG_NS) {
		rcu_quiescent_state();
		cpu_relax();
	}
	sc->dead_at_unpin = pgmap_state() == PGMAP_DEAD;
	sc->valid_at_unpin = pfn_valid(mpfn);
	for (int i = 0; i < sc->pins; i++) {
		put_page(mpage);	/* a late access unless the teardown waited */
		if (i == 0 && sc->pins > 1) {
			/* one reference is still held: a waiting teardown waits on */
			sc->state_after_first = pgmap_state();
			sc->count_after_first = percpu_ref_atomic_count(&mp->pgmap.ref);
		}
	}
	return 0;
}

static void run_scenario(struct ktest *t, struct scenario *sc)
{
	struct pmem_device *p = pmem_test_get(t, "pmem0");
	unsigned long late0 = memremap_late_accesses;
	struct graveyard_stats gs;
	struct mm_struct *mm;
	struct page *pg[1];
	struct task_struct *worker;

	if (!p->has_pages) {
		put_device(&p->dev);
		ktest_skip(t, "pmem0 has no struct pages");
	}
	mm = test_mm_create(t);
	ASSERT_EQ(t, pmem_dax_mmap(p, mm, M_ADDR, M_LEN, PROT_READ | PROT_WRITE), (long)M_ADDR);
	use_mm(mm);
	test_fault_range(t, mm, M_ADDR, 1, FAULT_FLAG_WRITE);
	for (int i = 0; i < sc->cycles; i++) {
		EXPECT_EQ(t, gup_fast_only(M_ADDR + PAGE_SIZE, 1, FOLL_GET, pg), 1);
		put_page(pg[0]);
	}
	for (int i = 0; i < sc->pins; i++)
		EXPECT_EQ(t, gup_fast_only(M_ADDR + 7 * PAGE_SIZE, 1, FOLL_GET, pg), 1);
	unuse_mm(mm);
	mm_destroy(mm);
	mp = p;
	mpage = pg[0];
	mpfn = page_to_pfn(mpage);
	sc->dead_at_unpin = sc->valid_at_unpin = sc->state_after_first = -1;
	sc->count_after_first = -1;
	worker = kthread_run_on(1, unpin_later, sc);
	if (IS_ERR(worker)) {
		for (int i = 0; i < sc->pins; i++)
			put_page(mpage);
		put_device(&p->dev);
		ktest_fail(t, "no thread on CPU 1: %ld", PTR_ERR(worker));
		ktest_abort(t);
	}
	ASSERT_EQ(t, device_unbind(&p->dev), 0);
	EXPECT_EQ(t, kthread_join(worker), 0);
	sc->warnings = ktest_warnings(t);
	sc->late = memremap_late_accesses - late0;
	sc->released = completion_done(&p->pgmap.zero);
	sc->count_at_kill = p->pgmap.count_at_kill;
	memremap_graveyard_reap();
	memremap_graveyard_stats(&gs);
	sc->quarantined_after = gs.quarantined;
	EXPECT_EQ(t, p->pgmap.state, PGMAP_DEAD);
	EXPECT_EQ(t, device_bind(&p->dev, "pmem"), 0);
	put_device(&p->dev);
}

/* The case's modes must be the boot's, or it skips saying how to boot. */
static void need_modes(struct ktest *t, int refs, int teardown)
{
	memremap_modes_init();
	if (memremap_modes.refs != refs || memremap_modes.teardown != teardown)
		ktest_skip(t, "boot with zone_device.refs=%s memremap.teardown=%s (now refs=%s "
			   "teardown=%s)", zone_device_refs_name(refs),
			   memremap_teardown_name(teardown),
			   zone_device_refs_name(memremap_modes.refs),
			   memremap_teardown_name(memremap_modes.teardown));
}

/* A correct mode: no warning, no late access, the teardown waited for the unpin. */
static void expect_waited_cleanly(struct ktest *t, const struct scenario *sc)
{
	EXPECT_EQ(t, sc->warnings, 0);
	EXPECT_EQ(t, sc->late, 0);
	EXPECT_EQ(t, sc->dead_at_unpin, 0);
	EXPECT_EQ(t, sc->valid_at_unpin, 1);
	EXPECT_EQ(t, sc->count_at_kill, 1);	/* the pin's page reference */
	EXPECT_TRUE(t, sc->released);
}

/* The memmap was removed under the pin, and every late put was caught. */
static void expect_removed_under_pin(struct ktest *t, const struct scenario *sc)
{
	EXPECT_EQ(t, sc->late, (unsigned long)sc->pins);	/* each unpin was late */
	EXPECT_EQ(t, sc->valid_at_unpin, 0);		/* the memmap was gone */
	EXPECT_EQ(t, sc->quarantined_after, 0);		/* and is freed now */
}

static void refs_single_waits_for_the_pin(struct ktest *t)
{
	struct scenario sc = { .cycles = 3, .pins = 1 };

	need_modes(t, ZONE_DEVICE_REFS_SINGLE, MEMREMAP_TEARDOWN_FIXED);
	run_scenario(t, &sc);
	expect_waited_cleanly(t, &sc);
	pr_info("pgmap.modes: refs=single: unbind waited for the pinned page; memmap intact until "
		"the unpin; no warning");
}

static void refs_legacy_waits_for_the_pin(struct ktest *t)
{
	struct scenario sc = { .cycles = 3, .pins = 1 };

	need_modes(t, ZONE_DEVICE_REFS_LEGACY, MEMREMAP_TEARDOWN_FIXED);
	run_scenario(t, &sc);
	expect_waited_cleanly(t, &sc);
	pr_info("pgmap.modes: refs=legacy: correct (hooked gets and puts), unbind waited; it costs "
		"a percpu_ref operation per get/put (page_ref.getput.device)");
}

/*
 * The seed bug as it struck: one fast-GUP pin (no pgmap reference)
 * across the unbind. The kill's switch finds exactly the owner's
 * reference, drops it, the count is zero, release runs: nothing warns
 * and the teardown does not wait. The memmap goes under the pin; its
 * removal and the later unpin are both caught.
 */
static void refs_regression_removed_under_pin(struct ktest *t)
{
	struct scenario sc = { .cycles = 0, .pins = 1, .no_wait = true };

	need_modes(t, ZONE_DEVICE_REFS_REGRESSION, MEMREMAP_TEARDOWN_FIXED);
	run_scenario(t, &sc);
	EXPECT_TRUE(t, sc.released);		/* zero at the switch... */
	EXPECT_EQ(t, sc.count_at_kill, 0);	/* ...with the page still pinned */
	EXPECT_EQ(t, sc.dead_at_unpin, 1);	/* the teardown did not wait */
	expect_removed_under_pin(t, &sc);
	EXPECT_EQ(t, sc.warnings, 2);		/* removal under a pin, late put */
	pr_info("pgmap.modes: refs=regression: DETECTED: the pgmap count reached zero at the kill "
		"with a page pinned (no warning there), the teardown did not wait, the memmap was "
		"removed under the pin (warned) and the late put was caught");
}

/*
 * The seed bug after earlier pin cycles: each unpin dropped a pgmap
 * reference no pin took, so the count is negative at the kill (warned),
 * zero never comes, and zdk's own exit from the wait (Linux v4.12 hung
 * there) lets the run go on to the removal under the pin.
 */
static void refs_regression_cycles_underflow(struct ktest *t)
{
	struct scenario sc = { .cycles = 3, .pins = 1, .no_wait = true };

	need_modes(t, ZONE_DEVICE_REFS_REGRESSION, MEMREMAP_TEARDOWN_FIXED);
	run_scenario(t, &sc);
	EXPECT_FALSE(t, sc.released);		/* the count never was zero */
	EXPECT_EQ(t, sc.dead_at_unpin, 1);
	expect_removed_under_pin(t, &sc);
	EXPECT_EQ(t, sc.warnings, 3);		/* underflow at kill, removal, late put */
	pr_info("pgmap.modes: refs=regression after 3 pin cycles: DETECTED: percpu_ref underflow at "
		"kill, zdk's exit from the wait (v4.12 hung), removal under the pin and the late put "
		"caught");
}

static void teardown_v4_12_unmap_under_pin_detected(struct ktest *t)
{
	struct scenario sc = { .cycles = 3, .pins = 1 };

	need_modes(t, ZONE_DEVICE_REFS_SINGLE, MEMREMAP_TEARDOWN_V4_12);
	run_scenario(t, &sc);
	EXPECT_EQ(t, sc.dead_at_unpin, 0);	/* it was still waiting... */
	expect_removed_under_pin(t, &sc);	/* ...with the memmap already gone */
	EXPECT_TRUE(t, sc.released);		/* the late put ended the wait */
	EXPECT_EQ(t, sc.count_at_kill, 1);
	EXPECT_EQ(t, sc.warnings, 2);		/* removal under a pin, late put */
	pr_info("pgmap.modes: teardown=v4.12: DETECTED: the range was removed under the pin (memmap "
		"gone while the teardown waited); the late put was caught");
}

/*
 * A page pinned twice: only the late put that takes its count to zero
 * drops its pgmap reference, so the teardown still waits after the
 * first.
 */
static void teardown_v4_12_page_pinned_twice(struct ktest *t)
{
	struct scenario sc = { .cycles = 0, .pins = 2 };

	need_modes(t, ZONE_DEVICE_REFS_SINGLE, MEMREMAP_TEARDOWN_V4_12);
	run_scenario(t, &sc);
	EXPECT_EQ(t, sc.state_after_first, PGMAP_WAITING);
	EXPECT_EQ(t, sc.count_after_first, 1);
	expect_removed_under_pin(t, &sc);
	EXPECT_TRUE(t, sc.released);
	EXPECT_EQ(t, sc.count_at_kill, 1);	/* one page, one pgmap reference */
	EXPECT_EQ(t, sc.warnings, 3);		/* removal, two late puts */
	pr_info("pgmap.modes: teardown=v4.12, a page pinned twice: the first late put left the "
		"teardown waiting, the second ended it");
}

/* Every case unbinds pmem0 while a kernel thread on CPU 1 holds the pin. */
#define MODE_CASE(fn, intent) \
	KTEST_CASE_NEEDS(fn, KTEST_NEEDS_CPUS(2) | KTEST_NEEDS_NVDIMM, intent)

static const struct ktest_case modes_cases[] = {
	MODE_CASE(refs_single_waits_for_the_pin, "default: unbind waits for a fast-GUP pin"),
	MODE_CASE(refs_legacy_waits_for_the_pin, "legacy hooks: correct, unbind waits"),
	MODE_CASE(refs_regression_removed_under_pin,
		   "seed bug, one pin: zero at kill, removal under the pin and late put detected"),
	MODE_CASE(refs_regression_cycles_underflow,
		   "seed bug after pin cycles: underflow, removal and late put detected"),
	MODE_CASE(teardown_v4_12_unmap_under_pin_detected,
		   "v4.12 order: removal under the pin detected"),
	MODE_CASE(teardown_v4_12_page_pinned_twice,
		   "v4.12 order: only the put that frees a page drops its pgmap reference"),
	{ 0 },
};
KTEST_SUITE_EXPLICIT(modes_suite, "drivers.pmem.dax.modes", modes_cases);
