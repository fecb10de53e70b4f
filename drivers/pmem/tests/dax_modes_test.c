/*
 * Suite pgmap.modes (explicit: booted once per teaching mode by make
 * test, zone_device.refs=legacy|regression and memremap.teardown=v4.12,
 * and once in the default modes; mm/memremap_modes.h):
 * the same scenario in every mode, each mode's outcome asserted, so a
 * case passes only if the mode's failure was DETECTED (or, for single and
 * legacy, did not happen). Needs the NVDIMM and 2 CPUs.
 *
 * The scenario (docs/zone-device.md, scenarios 3 and 4): map pmem0 DAX, 3 fast-GUP
 * pin/unpin cycles, pin one page with fast GUP, drop the address space;
 * a thread on CPU 1 waits until the teardown waits (or is over) and, in
 * the seed-bug mode, until it is over; notes whether the memmap is still
 * there, and unpins; CPU 0 unbinds pmem0. Every wait is for a state, not
 * for time: a teardown that waits for the pin cannot end before the
 * unpin, and one that does not wait ends on its own (a 60 s watchdog
 * only bounds a teardown that never gets there). One line per mode says
 * what happened.
 */
#include <drivers/pmem/tests/pmem_test.h>
#include <kernel/smp.h>
#include <lib/errno.h>
#include <lib/ktime.h>
#include <lib/printk.h>
#include <mm/gup.h>
#include <mm/memremap.h>
#include <mm/mm.h>
#include <mm/page_ref.h>
#include <mm/tests/vm_test.h>
#include <asm/cpu.h>

#define M_ADDR	0x40000000UL
#define M_LEN	(4UL << 20)

int dax_test_run_on_cpu1(int (*fn)(void *), void *arg, void **handle);
int dax_test_join(void *handle);

static struct pmem_device *mp;
static struct page *mpage;
static unsigned long mpfn;
static int m_dead_at_unpin, m_valid_at_unpin;
static bool m_expect_no_wait;		/* the mode's teardown does not wait */

#define M_WATCHDOG_NS	(60 * NSEC_PER_SEC)

static int unpin_later(void *arg)
{
	uint64_t start = ktime_get_ns(), seen;
	int st;

	while ((st = __atomic_load_n(&mp->pgmap.state, __ATOMIC_ACQUIRE)) != PGMAP_WAITING &&
	       st != PGMAP_DEAD && ktime_get_ns() - start < M_WATCHDOG_NS) {
		rcu_quiescent_state();
		cpu_relax();
	}
	/* a teardown that does not wait for the pin ends without it */
	seen = ktime_get_ns();
	while (m_expect_no_wait &&
	       __atomic_load_n(&mp->pgmap.state, __ATOMIC_ACQUIRE) != PGMAP_DEAD &&
	       ktime_get_ns() - seen < M_WATCHDOG_NS) {
		rcu_quiescent_state();
		cpu_relax();
	}
	m_dead_at_unpin = mp->pgmap.state == PGMAP_DEAD;
	m_valid_at_unpin = pfn_valid(mpfn);
	put_page(mpage);		/* a late access unless the teardown waited */
	return 0;
}

struct outcome {
	unsigned long warnings, late;
	int dead_at_unpin, valid_at_unpin;
};

static void run_scenario(struct ktest *t, struct outcome *o)
{
	struct pmem_device *p = pmem_test_get(t, "pmem0");
	unsigned long late0 = memremap_late_accesses;
	struct mm_struct *mm;
	struct page *pg[1];
	void *worker;
	int err;

	if (num_online_cpus() < 2 || !cpu_online(1)) {
		put_device(&p->dev);
		ktest_skip(t, "needs 2 online CPUs (%u online)", num_online_cpus());
	}
	if (!p->has_pages) {
		put_device(&p->dev);
		ktest_skip(t, "pmem0 has no struct pages");
	}
	mm = test_mm_create(t);
	ASSERT_EQ(t, pmem_dax_mmap(p, mm, M_ADDR, M_LEN, PROT_READ | PROT_WRITE), (long)M_ADDR);
	use_mm(mm);
	test_fault_range(t, mm, M_ADDR, 1, FAULT_FLAG_WRITE);
	for (int i = 0; i < 3; i++) {
		EXPECT_EQ(t, gup_fast_only(M_ADDR + PAGE_SIZE, 1, FOLL_GET, pg), 1);
		put_page(pg[0]);
	}
	EXPECT_EQ(t, gup_fast_only(M_ADDR + 7 * PAGE_SIZE, 1, FOLL_GET, pg), 1);
	unuse_mm(mm);
	mm_destroy(mm);
	mp = p;
	mpage = pg[0];
	mpfn = page_to_pfn(mpage);
	m_dead_at_unpin = m_valid_at_unpin = -1;
	err = dax_test_run_on_cpu1(unpin_later, NULL, &worker);
	if (err) {
		put_page(mpage);
		put_device(&p->dev);
		ktest_skip(t, "no thread on CPU 1: %d (%s)", err, errno_name(err));
	}
	ASSERT_EQ(t, device_unbind(&p->dev), 0);
	EXPECT_EQ(t, dax_test_join(worker), 0);
	o->warnings = ktest_warnings(t);
	o->late = memremap_late_accesses - late0;
	o->dead_at_unpin = m_dead_at_unpin;
	o->valid_at_unpin = m_valid_at_unpin;
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
static void expect_waited_cleanly(struct ktest *t, const struct outcome *o)
{
	EXPECT_EQ(t, o->warnings, 0);
	EXPECT_EQ(t, o->late, 0);
	EXPECT_EQ(t, o->dead_at_unpin, 0);
	EXPECT_EQ(t, o->valid_at_unpin, 1);
}

static void refs_single_waits_for_the_pin(struct ktest *t)
{
	struct outcome o;

	need_modes(t, ZONE_DEVICE_REFS_SINGLE, MEMREMAP_TEARDOWN_FIXED);
	run_scenario(t, &o);
	expect_waited_cleanly(t, &o);
	pr_info("pgmap.modes: refs=single: unbind waited for the pinned page; memmap intact until "
		"the unpin; no warning");
}

static void refs_legacy_waits_for_the_pin(struct ktest *t)
{
	struct outcome o;

	need_modes(t, ZONE_DEVICE_REFS_LEGACY, MEMREMAP_TEARDOWN_FIXED);
	run_scenario(t, &o);
	expect_waited_cleanly(t, &o);
	pr_info("pgmap.modes: refs=legacy: correct (hooked gets and puts), unbind waited; it costs "
		"a percpu_ref operation per get/put (page_ref.getput.device)");
}

static void refs_regression_underflow_detected(struct ktest *t)
{
	struct outcome o;

	need_modes(t, ZONE_DEVICE_REFS_REGRESSION, MEMREMAP_TEARDOWN_FIXED);
	m_expect_no_wait = true;
	run_scenario(t, &o);
	m_expect_no_wait = false;
	EXPECT_GE(t, o.warnings, 2);		/* percpu_ref underflow + late access */
	EXPECT_EQ(t, o.late, 1);		/* the unpin hit the removed memmap */
	EXPECT_EQ(t, o.dead_at_unpin, 1);	/* the teardown did not wait */
	EXPECT_EQ(t, o.valid_at_unpin, 0);
	pr_info("pgmap.modes: refs=regression: DETECTED: percpu_ref underflow at kill, teardown did "
		"not wait for the pin, late put on the poisoned memmap caught (%lu warnings)",
		o.warnings);
}

static void teardown_v4_12_unmap_under_pin_detected(struct ktest *t)
{
	struct outcome o;

	need_modes(t, ZONE_DEVICE_REFS_SINGLE, MEMREMAP_TEARDOWN_V4_12);
	run_scenario(t, &o);
	EXPECT_EQ(t, o.late, 1);		/* the unpin hit the removed memmap */
	EXPECT_EQ(t, o.dead_at_unpin, 0);	/* it was still waiting... */
	EXPECT_EQ(t, o.valid_at_unpin, 0);	/* ...with the memmap already gone */
	EXPECT_EQ(t, o.warnings, 1);
	pr_info("pgmap.modes: teardown=v4.12: DETECTED: the range was removed under the pin (memmap "
		"gone while the teardown waited); the late put was caught");
}

static const struct ktest_case modes_cases[] = {
	KTEST_CASE(refs_single_waits_for_the_pin, "default: unbind waits for a fast-GUP pin"),
	KTEST_CASE(refs_legacy_waits_for_the_pin, "legacy hooks: correct, unbind waits"),
	KTEST_CASE(refs_regression_underflow_detected,
		   "seed bug: underflow and late access detected"),
	KTEST_CASE(teardown_v4_12_unmap_under_pin_detected,
		   "v4.12 order: removal under the pin detected"),
	{ 0 },
};
KTEST_SUITE_EXPLICIT(modes_suite, "pgmap.modes", modes_cases);
