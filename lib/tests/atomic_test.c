/*
 * lib.atomic: lib/atomic.h and the barriers of <asm/barrier.h>.
 *
 * First the value each operation returns (the same table for atomic_t
 * and atomic_long_t, with longs past 32 bits); then what the orders
 * promise between CPUs: increments from two CPUs add up exactly, a
 * release/acquire pair passes a message intact, and the store-buffer
 * litmus test (each CPU stores its flag, then reads the other's) never
 * sees both flags unset when smp_mb() separates the store from the load.
 * Without the barrier x86 allows that outcome; how often it appeared is
 * printed, never asserted.
 */
#include <lib/atomic.h>
#include <lib/ktest.h>
#include <lib/ktime.h>
#include "other_cpu.h"

#define INC_ROUNDS	100000
#define MP_ROUNDS	2000
#define SB_ROUNDS	2000
#define WAIT_NS		(30 * NSEC_PER_SEC)

static void int_ops_return_what_linux_returns(struct ktest *t)
{
	atomic_t v = ATOMIC_INIT(5);
	int old;

	EXPECT_EQ(t, atomic_read(&v), 5);
	EXPECT_EQ(t, atomic_add_return(3, &v), 8);
	EXPECT_EQ(t, atomic_sub_return_relaxed(2, &v), 6);
	EXPECT_EQ(t, atomic_inc_return_acquire(&v), 7);
	EXPECT_EQ(t, atomic_dec_return_release(&v), 6);
	EXPECT_EQ(t, atomic_fetch_add(10, &v), 6);
	EXPECT_EQ(t, atomic_fetch_sub_relaxed(6, &v), 16);
	EXPECT_EQ(t, atomic_xchg(&v, 42), 10);
	EXPECT_EQ(t, atomic_cmpxchg(&v, 41, 0), 42);		/* no swap: found 42 */
	EXPECT_EQ(t, atomic_read(&v), 42);
	EXPECT_EQ(t, atomic_cmpxchg_acquire(&v, 42, 1), 42);	/* swapped */
	EXPECT_EQ(t, atomic_read_acquire(&v), 1);

	old = 7;
	EXPECT_FALSE(t, atomic_try_cmpxchg(&v, &old, 9));
	EXPECT_EQ(t, old, 1);				/* the value found */
	EXPECT_TRUE(t, atomic_try_cmpxchg_release(&v, &old, 9));
	EXPECT_EQ(t, atomic_read(&v), 9);

	atomic_set_release(&v, 2);
	EXPECT_FALSE(t, atomic_dec_and_test(&v));
	EXPECT_TRUE(t, atomic_dec_and_test(&v));
	EXPECT_FALSE(t, atomic_inc_not_zero(&v));		/* stays 0 */
	EXPECT_EQ(t, atomic_read(&v), 0);
	EXPECT_TRUE(t, atomic_add_unless(&v, 5, 1));
	EXPECT_FALSE(t, atomic_add_unless(&v, 5, 5));
	EXPECT_EQ(t, atomic_read(&v), 5);
	EXPECT_EQ(t, atomic_fetch_or(0x30, &v), 5);
	EXPECT_EQ(t, atomic_fetch_and(0x31, &v), 0x35);
	EXPECT_EQ(t, atomic_read(&v), 0x31);
	EXPECT_TRUE(t, atomic_sub_and_test(0x31, &v));
}

static void long_ops_use_all_64_bits(struct ktest *t)
{
	atomic_long_t v = ATOMIC_LONG_INIT(0x100000000L);
	long old = 0;

	EXPECT_EQ(t, atomic_long_add_return(0x100000000L, &v), 0x200000000L);
	EXPECT_EQ(t, atomic_long_dec_return(&v), 0x1ffffffffL);
	EXPECT_EQ(t, atomic_long_cmpxchg(&v, 0x1ffffffffL, -1L), 0x1ffffffffL);
	EXPECT_FALSE(t, atomic_long_try_cmpxchg_relaxed(&v, &old, 3));
	EXPECT_EQ(t, old, -1L);
	EXPECT_TRUE(t, atomic_long_inc_and_test(&v));
	EXPECT_TRUE(t, atomic_long_inc_not_zero(&(atomic_long_t)ATOMIC_LONG_INIT(1)));
}

static void overflow_wraps(struct ktest *t)
{
	atomic_t v = ATOMIC_INIT(0x7fffffff);

	EXPECT_EQ(t, atomic_inc_return(&v), (int)0x80000000u);
	EXPECT_EQ(t, atomic_sub_return(1, &v), 0x7fffffff);
}

static void read_once_write_once_move_whole_values(struct ktest *t)
{
	uint64_t q = 0;
	uint8_t b = 0;

	WRITE_ONCE(q, 0x0123456789abcdefULL);
	WRITE_ONCE(b, 0xfe);
	EXPECT_EQ(t, READ_ONCE(q), 0x0123456789abcdefULL);
	EXPECT_EQ(t, READ_ONCE(b), 0xfe);
}

/* --- several CPUs ------------------------------------------------------------ */

struct inc_work {
	atomic_t full;
	atomic_long_t relaxed;
	struct start_line start;
};

static void increment_many(void *arg)
{
	struct inc_work *w = arg;

	start_line_wait(&w->start);
	for (int i = 0; i < INC_ROUNDS; i++) {
		atomic_inc_return(&w->full);
		atomic_long_inc(&w->relaxed);
	}
}

static void two_cpus_increment_exactly(struct ktest *t)
{
	struct inc_work w = { ATOMIC_INIT(0), ATOMIC_LONG_INIT(0), START_LINE_INIT };
	struct other_cpu_run r;

	ASSERT_TRUE(t, num_online_cpus() >= 2);	/* declared: KTEST_NEEDS_CPUS(2) */
	ASSERT_EQ(t, other_cpu_start(&r, other_cpu(1), increment_many, &w), 0);
	EXPECT_TRUE(t, start_line_go(&w.start, 1, WAIT_NS));
	increment_many(&w);
	ASSERT_TRUE(t, other_cpu_wait(&r, WAIT_NS));
	EXPECT_EQ(t, atomic_read(&w.full), 2 * INC_ROUNDS);
	EXPECT_EQ(t, atomic_long_read(&w.relaxed), 2 * INC_ROUNDS);
}

struct message {
	int data[4];			/* plain: published by `seq` */
	atomic_t seq;			/* the round the data belongs to */
	atomic_t ack;			/* the round the reader has checked */
	atomic_t bad;			/* rounds whose data did not match */
};

static void message_reader(void *arg)
{
	struct message *m = arg;

	for (int round = 1; round <= MP_ROUNDS; round++) {
		/* Acquire: pairs with the writer's atomic_set_release(seq). */
		while (atomic_read_acquire(&m->seq) != round)
			cpu_relax();
		for (int i = 0; i < 4; i++)
			if (m->data[i] != round * 4 + i)
				atomic_inc(&m->bad);
		/* Release: pairs with the writer's acquire of ack; our reads of
		 * data are done before it may overwrite them. */
		atomic_set_release(&m->ack, round);
	}
}

static void release_acquire_passes_messages(struct ktest *t)
{
	struct message m = { .seq = ATOMIC_INIT(0), .ack = ATOMIC_INIT(0),
			     .bad = ATOMIC_INIT(0) };
	struct other_cpu_run r;

	ASSERT_TRUE(t, num_online_cpus() >= 2);	/* declared: KTEST_NEEDS_CPUS(2) */
	ASSERT_EQ(t, other_cpu_start(&r, other_cpu(1), message_reader, &m), 0);
	for (int round = 1; round <= MP_ROUNDS; round++) {
		for (int i = 0; i < 4; i++)
			m.data[i] = round * 4 + i;
		/* Release: the data above before the round number. */
		atomic_set_release(&m.seq, round);
		/* Acquire: pairs with the reader's release of ack. */
		while (atomic_read_acquire(&m.ack) != round)
			cpu_relax();
	}
	ASSERT_TRUE(t, other_cpu_wait(&r, WAIT_NS));
	EXPECT_EQ(t, atomic_read(&m.bad), 0);
}

struct litmus {
	int x, y;			/* the flags; READ_ONCE/WRITE_ONCE */
	int r_other;			/* what the other CPU read of x */
	atomic_t start, done;		/* round handshakes */
	bool fence;
};

static void litmus_other(void *arg)
{
	struct litmus *l = arg;

	for (int round = 1; round <= SB_ROUNDS; round++) {
		while (atomic_read_acquire(&l->start) != round)
			cpu_relax();
		WRITE_ONCE(l->y, 1);
		if (l->fence)
			smp_mb();	/* pairs with the smp_mb() in store_buffer_rounds() */
		WRITE_ONCE(l->r_other, READ_ONCE(l->x));
		atomic_set_release(&l->done, round);
	}
}

/* Rounds in which both CPUs read 0: the outcome smp_mb() forbids. */
static int store_buffer_rounds(struct ktest *t, bool fence)
{
	struct litmus l = { .start = ATOMIC_INIT(0), .done = ATOMIC_INIT(0),
			    .fence = fence };
	struct other_cpu_run r;
	int both_zero = 0;

	if (other_cpu_start(&r, other_cpu(1), litmus_other, &l))
		return -1;
	for (int round = 1; round <= SB_ROUNDS; round++) {
		int mine;

		WRITE_ONCE(l.x, 0);
		WRITE_ONCE(l.y, 0);
		atomic_set_release(&l.start, round);
		WRITE_ONCE(l.x, 1);
		if (fence)
			smp_mb();	/* pairs with the smp_mb() in litmus_other() */
		mine = READ_ONCE(l.y);
		while (atomic_read_acquire(&l.done) != round)
			cpu_relax();
		if (!mine && !READ_ONCE(l.r_other))
			both_zero++;
	}
	if (!other_cpu_wait(&r, WAIT_NS))
		return -1;
	return both_zero;
}

static void smp_mb_forbids_store_buffering(struct ktest *t)
{
	int with, without;

	ASSERT_TRUE(t, num_online_cpus() >= 2);	/* declared: KTEST_NEEDS_CPUS(2) */
	with = store_buffer_rounds(t, true);
	without = store_buffer_rounds(t, false);
	ASSERT_GE(t, with, 0);
	ASSERT_GE(t, without, 0);
	EXPECT_EQ(t, with, 0);
	ktest_log(t, "both flags read 0 in %d of %d rounds without smp_mb(), "
		  "%d with it", without, SB_ROUNDS, with);
}

static const struct ktest_case atomic_cases[] = {
	KTEST_CASE(int_ops_return_what_linux_returns,
		   "every atomic_t operation returns the new or old value as Linux's does"),
	KTEST_CASE(long_ops_use_all_64_bits,
		   "atomic_long_t operations carry values past 32 bits"),
	KTEST_CASE(overflow_wraps,
		   "INT_MAX + 1 wraps to INT_MIN, no undefined behaviour"),
	KTEST_CASE(read_once_write_once_move_whole_values,
		   "READ_ONCE/WRITE_ONCE round-trip 1- and 8-byte values"),
	KTEST_CASE_NEEDS(two_cpus_increment_exactly, KTEST_NEEDS_CPUS(2),
		   "2 CPUs x 100000 full and relaxed increments sum exactly"),
	KTEST_CASE_NEEDS(release_acquire_passes_messages, KTEST_NEEDS_CPUS(2),
		   "data written before a release store is seen by the acquire reader"),
	KTEST_CASE_NEEDS(smp_mb_forbids_store_buffering, KTEST_NEEDS_CPUS(2),
		   "with smp_mb() between store and load, no round reads both flags 0"),
	{}
};
KTEST_SUITE(atomic_suite, "lib.atomic", atomic_cases);
