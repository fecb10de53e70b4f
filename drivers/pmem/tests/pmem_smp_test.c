/*
 * drivers.pmem.smp: the queue drain with I/O really in flight on another CPU.
 *
 * CPU 1 (through smp_call_function_single, without waiting) submits a
 * write whose completion callback holds it in flight until CPU 0 says
 * go: the request has entered the queue and holds its usage reference.
 * CPU 0 starts the freeze, checks that the counter cannot reach zero
 * while the write is held, lets it go, and waits for the freeze: the wait
 * must return only after the write has exited the queue. The same with
 * an unbind (suite zone_device's scenario 14): the mapping must outlive
 * the write.
 *
 * Needs a second online CPU; skipped with the reason otherwise.
 */
#include <drivers/pmem/tests/pmem_test.h>
#include <drivers/pmem/tests/zone_device_test.h>
#include <kernel/smp.h>
#include <lib/errno.h>
#include <lib/ktime.h>
#include <lib/string.h>
#include <asm/cpu.h>

/* Shared with CPU 1; each flag written by one side, read by the other. */
static struct pmem_device *held_pmem;
static uint8_t held_buf[PMEM_SECTOR_SIZE];
static struct pmem_request held_rq;
static int held_entered, held_go, held_exiting, held_returned;
static unsigned int held_delay_ms;
static uint8_t saved_sector[PMEM_SECTOR_SIZE];

static bool wait_flag(int *flag, uint64_t ns)
{
	uint64_t start = ktime_get_ns();

	/* acquire: pairs with the release store of the other CPU */
	while (!__atomic_load_n(flag, __ATOMIC_ACQUIRE)) {
		if (ktime_get_ns() - start > ns)
			return false;
		cpu_relax();
	}
	return true;
}

/* On CPU 1, inside the queue's usage reference. */
static void held_end_io(struct pmem_request *rq)
{
	__atomic_store_n(&held_entered, 1, __ATOMIC_RELEASE);
	wait_flag(&held_go, 20 * NSEC_PER_SEC);
	mdelay(held_delay_ms);	/* still in flight a while after "go" */
	__atomic_store_n(&held_exiting, 1, __ATOMIC_RELEASE);
}

static void held_io_on_cpu1(void *arg)
{
	pmem_submit(held_pmem, &held_rq);
	__atomic_store_n(&held_returned, 1, __ATOMIC_RELEASE);
}

static void start_held_write(struct ktest *t, struct pmem_device *p, uint64_t sector,
			     unsigned int delay_ms)
{
	int err;

	ASSERT_TRUE(t, cpu_online(1));	/* declared: KTEST_NEEDS_CPUS(2) */
	ASSERT_EQ(t, pmem_rw(p, sector, saved_sector, 1, PMEM_READ), 0);
	held_pmem = p;
	held_delay_ms = delay_ms;
	held_entered = held_go = held_exiting = held_returned = 0;
	pmem_test_pattern(held_buf, sizeof(held_buf), 11 + sector);
	held_rq = (struct pmem_request){
		.sector = sector, .count = 1, .buf = held_buf, .dir = PMEM_WRITE,
		.end_io = held_end_io,
	};
	err = smp_call_function_single(1, held_io_on_cpu1, NULL, false);
	if (err)
		ktest_skip(t, "cannot run a function on CPU 1: %d (%s)", err, errno_name(err));
	ASSERT_TRUE(t, wait_flag(&held_entered, 10 * NSEC_PER_SEC));
	EXPECT_EQ(t, blk_queue_in_flight(&p->queue), 1);
}

static void finish_held_write(struct ktest *t)
{
	__atomic_store_n(&held_go, 1, __ATOMIC_RELEASE);
	EXPECT_TRUE(t, wait_flag(&held_returned, 20 * NSEC_PER_SEC));
}

static void freeze_waits_for_inflight_io(struct ktest *t)
{
	struct pmem_device *p = pmem_test_get(t, "pmem0");
	uint8_t in[PMEM_SECTOR_SIZE];

	start_held_write(t, p, 40, 20);
	blk_freeze_queue_start(&p->queue);
	/* the held write keeps the queue from draining, however long it takes */
	EXPECT_FALSE(t, percpu_ref_is_zero(&p->queue.q_usage_counter));
	__atomic_store_n(&held_go, 1, __ATOMIC_RELEASE);
	ASSERT_EQ(t, blk_mq_freeze_queue_wait(&p->queue), 0);
	/* the wait ended only after the write left the queue */
	EXPECT_EQ(t, __atomic_load_n(&held_exiting, __ATOMIC_ACQUIRE), 1);
	EXPECT_EQ(t, blk_queue_in_flight(&p->queue), 0);
	blk_unfreeze_queue(&p->queue);
	finish_held_write(t);
	EXPECT_EQ(t, held_rq.status, 0);
	ASSERT_EQ(t, pmem_rw(p, 40, in, 1, PMEM_READ), 0);
	EXPECT_EQ(t, memcmp(in, held_buf, sizeof(in)), 0);
	EXPECT_EQ(t, pmem_rw(p, 40, saved_sector, 1, PMEM_WRITE), 0);
	put_device(&p->dev);
}

static int exiting_at_unmap = -1;

static void note_write_at_unmap(void)
{
	exiting_at_unmap = __atomic_load_n(&held_exiting, __ATOMIC_ACQUIRE);
}

/* Suite drivers.pmem.zone_device's scenario 14 (zone_device_test.c lists it). */
void zd_s14_unbind_during_inflight_io(struct ktest *t)
{
	struct pmem_device *p = pmem_test_get(t, "pmem0");
	struct pmem_teardown_log log;
	int err;

	start_held_write(t, p, 41, 300);
	exiting_at_unmap = -1;
	pmem_test_watch(p, note_write_at_unmap);
	__atomic_store_n(&held_go, 1, __ATOMIC_RELEASE);	/* 300 ms more in flight */
	err = device_unbind(&p->dev);
	pmem_test_unwatch();
	ASSERT_EQ(t, err, 0);
	pmem_test_take_log(&log);
	EXPECT_TRUE(t, pmem_test_log_in_order(&log));
	/* the mapping outlived the write: it had left the queue at the unmap */
	EXPECT_EQ(t, exiting_at_unmap, 1);
	finish_held_write(t);
	EXPECT_EQ(t, held_rq.status, 0);
	EXPECT_EQ(t, device_bind(&p->dev, "pmem"), 0);
	EXPECT_EQ(t, pmem_rw(p, 41, saved_sector, 1, PMEM_WRITE), 0);
	put_device(&p->dev);
}

static const struct ktest_case pmem_smp_cases[] = {
	KTEST_CASE_NEEDS(freeze_waits_for_inflight_io, KTEST_NEEDS_CPUS(2) | KTEST_NEEDS_NVDIMM,
			 "a freeze waits for a write in flight on CPU 1"),
	{}
};
KTEST_SUITE(pmem_smp_suite, "drivers.pmem.smp", pmem_smp_cases);
