/*
 * drivers.pmem.faults: the Nth allocation of a bind, and of an address
 * space with a DAX mmap, fails (kernel/fault_inject.h), for N = 1, 2, ...
 * Each time the operation fails with -ENOMEM, and afterwards the memory
 * books are exactly back at their baseline: free pages, kmalloc objects,
 * per-CPU bytes, pgmap lookup slots (and for the bind, devres records).
 *
 * The device is pmem0, or the host's stand-in (pmem_test_device()); the
 * boot with pmem.memmap=dev runs the same cases with the memmap on the
 * device. A case stops at the first N at which nothing fails: the
 * operation then made fewer than N allocations. (Which allocation is the
 * Nth may shift from one try to the next when a cache refills a slab, so
 * a point is failed at least once rather than exactly once.)
 */
#include <drivers/pmem/tests/pmem_test.h>
#include <kernel/fault_inject.h>
#include <lib/errno.h>
#include <lib/ktest.h>
#include <mm/memremap.h>
#include <mm/mm.h>
#include <mm/slab.h>
#include <mm/tests/vm_test.h>

#define MAX_POINTS	10000		/* far more calls than a bind makes */
#define F_ADDR		0x40000000UL
#define F_LEN		(2UL << 20)

static struct pmem_device *unbound_device(struct ktest *t)
{
	struct pmem_device *p = pmem_test_device(t);

	if (device_unbind(&p->dev)) {
		put_device(&p->dev);
		ktest_fail(t, "cannot unbind %s to start", p->dev.name);
		ktest_abort(t);
	}
	return p;
}

static void bind_fails_cleanly_at_every_point(struct ktest *t)
{
	struct pmem_device *p = unbound_device(t);
	unsigned int n, failed = 0, other = 0;
	struct mem_books base;
	const char *at;
	int err;

	mem_books_now(&base);
	for (n = 1; n < MAX_POINTS; n++) {
		fault_inject_nth(n);
		err = device_bind(&p->dev, "pmem");
		at = fault_injected();
		fault_inject_nth(0);
		if (!at)
			break;				/* every call passed */
		failed++;
		other += err != -ENOMEM;
		EXPECT_NE(t, err, 0);			/* a failed call fails the bind */
		EXPECT_EQ(t, p->dev.state, DEVICE_UNBOUND);
		EXPECT_EQ(t, p->dev.devres_count, 0);
		if (!mem_books_back(t, &base, n, at))
			break;
	}
	if (err) {					/* leave pmem0 as it was */
		device_bind(&p->dev, "pmem");
		put_device(&p->dev);
		ktest_fail(t, "the bind after %u failed tries: %d", failed, err);
		ktest_abort(t);
	}
	EXPECT_TRUE(t, failed > 3);			/* devres, kmalloc, percpu, ... */
	EXPECT_EQ(t, other, 0);				/* each failure is ENOMEM */
	ktest_log(t, "%u allocations of a bind failed in turn; each unwound", failed);
	ASSERT_EQ(t, device_unbind(&p->dev), 0);
	EXPECT_TRUE(t, mem_books_back(t, &base, 0, "the last unbind"));
	EXPECT_EQ(t, device_bind(&p->dev, "pmem"), 0);
	put_device(&p->dev);
}

static void dax_mmap_fails_cleanly_at_every_point(struct ktest *t)
{
	struct pmem_device *p = pmem_test_device(t);
	unsigned int n, failed = 0;
	struct mem_books base;
	const char *at;
	long ret = -1;

	mem_books_now(&base);
	for (n = 1; n < MAX_POINTS; n++) {
		struct mm_struct *mm;

		fault_inject_nth(n);
		mm = mm_create();
		ret = mm ? pmem_dax_mmap(p, mm, F_ADDR, F_LEN, PROT_READ | PROT_WRITE) : -ENOMEM;
		at = fault_injected();
		fault_inject_nth(0);
		if (mm)
			mm_destroy(mm);
		if (!at)
			break;
		failed++;
		EXPECT_EQ(t, ret, -ENOMEM);
		if (!mem_books_back(t, &base, n, at))
			break;
	}
	EXPECT_EQ(t, ret, (long)F_ADDR);
	EXPECT_TRUE(t, failed >= 2);			/* the mm and the mapping's record */
	ktest_log(t, "%u allocations of an mm and a DAX mmap failed in turn; each unwound",
		  failed);
	EXPECT_TRUE(t, mem_books_back(t, &base, 0, "the last mm_destroy"));
	put_device(&p->dev);
}

static void nothing_fails_unless_armed(struct ktest *t)
{
	void *a;

	fault_inject_nth(0);
	a = kmalloc(64);
	EXPECT_NOT_NULL(t, a);
	EXPECT_NULL(t, fault_injected());
	kfree(a);
	fault_inject_nth(1);
	a = kmalloc(64);
	EXPECT_NULL(t, a);				/* the first call fails */
	EXPECT_STREQ(t, fault_injected(), "kmalloc");
	/* disarmed by its failure: the points are cheap again */
	EXPECT_EQ(t, __atomic_load_n(&fault_inject_armed, __ATOMIC_RELAXED), 0);
	a = kmalloc(64);
	EXPECT_NOT_NULL(t, a);				/* only that one */
	kfree(a);
	fault_inject_nth(0);
}

static const struct ktest_case fault_cases[] = {
	KTEST_CASE(nothing_fails_unless_armed, "fault_inject_nth(1) fails exactly the next call"),
	KTEST_CASE_NEEDS(bind_fails_cleanly_at_every_point, KTEST_NEEDS_PMEM,
			 "a bind with each of its allocations failing in turn unwinds fully"),
	KTEST_CASE_NEEDS(dax_mmap_fails_cleanly_at_every_point, KTEST_NEEDS_PMEM,
			 "an mm and a DAX mmap with each allocation failing in turn unwind fully"),
	{}
};
KTEST_SUITE(fault_suite, "drivers.pmem.faults", fault_cases);
