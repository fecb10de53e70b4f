/*
 * kernel.padata: padata_do_multithreaded() does every item once, on the
 * CPUs it may use, and waits for all of them.
 */
#include <kernel/kthread.h>
#include <kernel/padata.h>
#include <lib/err.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <lib/ktest.h>
#include <lib/ktime.h>
#include <asm/cpu.h>

#define ITEMS	1000

static unsigned int done_count[ITEMS];		/* (a) per item */
static struct task_struct *ran_in[ITEMS];	/* (a) per item */

static void count_items(unsigned long start, unsigned long end, void *arg)
{
	for (unsigned long i = start; i < end; i++) {
		__atomic_fetch_add(&done_count[i], 1, __ATOMIC_RELAXED);
		__atomic_store_n(&ran_in[i], current, __ATOMIC_RELAXED);
	}
}

static void reset(void)
{
	for (unsigned int i = 0; i < ITEMS; i++) {
		done_count[i] = 0;
		ran_in[i] = NULL;
	}
}

static void every_item_once(struct ktest *t)
{
	struct padata_mt_job job = {
		.thread_fn = count_items, .start = 0, .size = ITEMS, .chunk = 7,
	};
	unsigned int wrong = 0;

	reset();
	padata_do_multithreaded(&job);
	for (unsigned int i = 0; i < ITEMS; i++)
		wrong += done_count[i] != 1;
	EXPECT_EQ(t, wrong, 0);
	EXPECT_EQ(t, job.done, ITEMS);
	EXPECT_TRUE(t, job.threads >= 1 && job.threads <= num_online_cpus());
}

static void start_offsets_items(struct ktest *t)
{
	struct padata_mt_job job = {
		.thread_fn = count_items, .start = 10, .size = 20, .chunk = 3,
	};
	unsigned int in = 0, out = 0;

	reset();
	padata_do_multithreaded(&job);
	for (unsigned int i = 0; i < ITEMS; i++) {
		if (i >= 10 && i < 30)
			in += done_count[i] == 1;
		else
			out += done_count[i] != 0;
	}
	EXPECT_EQ(t, in, 20);
	EXPECT_EQ(t, out, 0);
}

static void one_thread_is_the_caller(struct ktest *t)
{
	struct padata_mt_job job = {
		.thread_fn = count_items, .start = 0, .size = 64, .chunk = 1, .max_threads = 1,
	};
	unsigned int others = 0;

	reset();
	padata_do_multithreaded(&job);
	for (unsigned int i = 0; i < 64; i++)
		others += ran_in[i] != current;
	EXPECT_EQ(t, others, 0);
	EXPECT_EQ(t, job.threads, 1);
}

static void empty_job_calls_nothing(struct ktest *t)
{
	struct padata_mt_job job = { .thread_fn = count_items, .size = 0 };

	reset();
	padata_do_multithreaded(&job);
	EXPECT_EQ(t, done_count[0], 0);
	EXPECT_EQ(t, job.threads, 1);
}

/* Item 0 waits until item 1 is done by another task: both must run at once. */
static struct task_struct *waiter_saw;		/* (a) who did item 1 */
static bool waited_out;				/* (a) the watchdog fired */

static void wait_for_partner(unsigned long start, unsigned long end, void *arg)
{
	for (unsigned long i = start; i < end; i++) {
		if (i == 1) {
			__atomic_store_n(&waiter_saw, current, __ATOMIC_RELEASE);
			continue;
		}
		uint64_t deadline = ktime_get_ns() + 30 * NSEC_PER_SEC;	/* watchdog only */

		while (!__atomic_load_n(&waiter_saw, __ATOMIC_ACQUIRE)) {
			if (ktime_get_ns() > deadline) {
				__atomic_store_n(&waited_out, true, __ATOMIC_RELAXED);
				break;
			}
			cpu_relax();
		}
	}
}

static void chunks_run_at_once_on_several_cpus(struct ktest *t)
{
	struct padata_mt_job job = {
		.thread_fn = wait_for_partner, .start = 0, .size = 2, .chunk = 1,
	};

	if (num_online_cpus() < 2)
		ktest_skip(t, "needs 2 CPUs");
	waiter_saw = NULL;
	waited_out = false;
	padata_do_multithreaded(&job);
	EXPECT_FALSE(t, waited_out);		/* item 1 ran while item 0 waited */
	EXPECT_TRUE(t, waiter_saw != NULL);
	EXPECT_EQ(t, job.threads, 2);
}

/*
 * Two jobs at once, from two tasks: the workers are shared, each job
 * whole. Each job's first chunk says its job has started and waits until
 * the other has too, so the two really overlap (a watchdog only).
 */
static unsigned int second_count[ITEMS];	/* (a) per item, the second job's */
static bool started[2];				/* (a) job 0 / job 1 has run a chunk */
static bool overlap_timed_out;			/* (a) */

static void meet_the_other_job(unsigned int me)
{
	uint64_t deadline = ktime_get_ns() + 30 * NSEC_PER_SEC;

	__atomic_store_n(&started[me], true, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&started[!me], __ATOMIC_ACQUIRE)) {
		if (ktime_get_ns() > deadline) {
			__atomic_store_n(&overlap_timed_out, true, __ATOMIC_RELAXED);
			return;
		}
		cpu_relax();
	}
}

static void count_first(unsigned long start, unsigned long end, void *arg)
{
	if (start == 0)
		meet_the_other_job(0);
	count_items(start, end, arg);
}

static void count_second(unsigned long start, unsigned long end, void *arg)
{
	if (start == 0)
		meet_the_other_job(1);
	for (unsigned long i = start; i < end; i++)
		__atomic_fetch_add(&second_count[i], 1, __ATOMIC_RELAXED);
}

static int second_job(void *arg)
{
	struct padata_mt_job job = {
		.thread_fn = count_second, .start = 0, .size = ITEMS, .chunk = 3,
	};

	padata_do_multithreaded(&job);
	return (int)job.done;
}

static void two_jobs_at_once_each_whole(struct ktest *t)
{
	struct padata_mt_job job = {
		.thread_fn = count_first, .start = 0, .size = ITEMS, .chunk = 5,
	};
	unsigned int wrong = 0;
	struct task_struct *other;
	int other_done;

	if (num_online_cpus() < 2)
		ktest_skip(t, "needs 2 CPUs");
	reset();
	for (unsigned int i = 0; i < ITEMS; i++)
		second_count[i] = 0;
	started[0] = started[1] = false;
	overlap_timed_out = false;
	other = kthread_run_on(smp_processor_id() ? 0 : 1, second_job, NULL);
	ASSERT_FALSE(t, IS_ERR(other));
	padata_do_multithreaded(&job);
	other_done = kthread_join(other);
	for (unsigned int i = 0; i < ITEMS; i++)
		wrong += done_count[i] != 1 || second_count[i] != 1;
	EXPECT_FALSE(t, overlap_timed_out);	/* the two jobs ran at the same time */
	EXPECT_EQ(t, wrong, 0);
	EXPECT_EQ(t, job.done, ITEMS);
	EXPECT_EQ(t, other_done, ITEMS);
}

static struct ktest_case padata_cases[] = {
	KTEST_CASE(every_item_once, "every item of a job is done exactly once"),
	KTEST_CASE(start_offsets_items, "items are start..start+size, nothing outside"),
	KTEST_CASE(one_thread_is_the_caller, "max_threads 1: the caller does it all"),
	KTEST_CASE(empty_job_calls_nothing, "a job of no items calls nothing"),
	KTEST_CASE(two_jobs_at_once_each_whole,
		   "two jobs from two tasks, made to overlap: each item of each done exactly once"),
	KTEST_CASE(chunks_run_at_once_on_several_cpus,
		   "two chunks run at the same time in two tasks (the race is forced)"),
	{}
};
KTEST_SUITE(padata_suite, "kernel.padata", padata_cases);
