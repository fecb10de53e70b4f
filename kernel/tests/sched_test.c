/*
 * kernel.sched: kernel threads, the scheduler, sleeping and waking
 * (kernel/sched.h, kthread.h, wait.h, completion.h, timer.h).
 *
 * The cases run in "init" on the boot CPU and start threads that report
 * back through shared structs; only the case itself checks (threads never
 * call EXPECT). Every wait for a thread is bounded, so a broken scheduler
 * fails a case instead of hanging the run. Cases that need a second CPU
 * skip on one. Times are checked only as lower bounds (a sleep of 30 ms
 * must last 30 ms) with generous upper "watchdog" bounds.
 */
#include <kernel/completion.h>
#include <kernel/kthread.h>
#include <kernel/rcu.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <kernel/timer.h>
#include <kernel/wait.h>
#include <lib/errno.h>
#include <lib/ktest.h>
#include <lib/ktime.h>
#include <mm/page_alloc.h>
#include <mm/slab.h>
#include <mm/vmap.h>

#define WATCHDOG_MS	60000	/* no wait in these cases may take longer */

static unsigned int other_cpu(struct ktest *t)
{
	ASSERT_TRUE(t, num_online_cpus() >= 2);	/* declared: KTEST_NEEDS_CPUS(2) */
	return (smp_processor_id() + 1) % num_online_cpus();
}

static uint64_t ms_since(uint64_t t0)
{
	return (ktime_get_ns() - t0) / NSEC_PER_MSEC;
}

/* Busy-wait (the caller keeps its CPU) until *v == want or the watchdog. */
static bool spin_until_eq(int *v, int want)
{
	uint64_t end = ktime_get_ns() + WATCHDOG_MS * NSEC_PER_MSEC;

	while (__atomic_load_n(v, __ATOMIC_ACQUIRE) != want)
		if (ktime_get_ns() > end)
			return false;
	return true;
}

/* Until th sleeps (it is off its CPU's queue) or the watchdog; msleep(1) lets it run here. */
static bool wait_until_sleeping(struct task_struct *th)
{
	uint64_t end = ktime_get_ns() + WATCHDOG_MS * NSEC_PER_MSEC;

	while (__atomic_load_n(&th->state, __ATOMIC_ACQUIRE) != TASK_SLEEPING)
		if (ktime_get_ns() > end)
			return false;
		else
			msleep(1);
	return true;
}

/* --- threads ---------------------------------------------------------------- */

struct where {
	int cpu;
	int ran;
};

static int report_cpu(void *arg)
{
	struct where *w = arg;

	w->cpu = (int)smp_processor_id();
	w->ran++;
	return 100 + w->cpu;
}

static void threads_run_on_each_cpu(struct ktest *t)
{
	static struct where w[NR_CPUS];
	struct task_struct *th[NR_CPUS] = { 0 };
	unsigned int cpu;

	for_each_online_cpu(cpu) {
		w[cpu] = (struct where){ .cpu = -1 };
		th[cpu] = kthread_run_on(cpu, report_cpu, &w[cpu]);
		ASSERT_FALSE(t, IS_ERR(th[cpu]));
	}
	for_each_online_cpu(cpu) {
		EXPECT_EQ(t, kthread_join(th[cpu]), 100 + cpu);
		EXPECT_EQ(t, w[cpu].cpu, cpu);
		EXPECT_EQ(t, w[cpu].ran, 1);
	}
}

static void run_on_bad_cpu_fails(struct ktest *t)
{
	struct where w;

	EXPECT_EQ(t, PTR_ERR(kthread_run_on(NR_CPUS, report_cpu, &w)), -EINVAL);
	EXPECT_EQ(t, PTR_ERR(kthread_run_on(~0U, report_cpu, &w)), -EINVAL);
	if (nr_cpu_ids < NR_CPUS)
		EXPECT_EQ(t, PTR_ERR(kthread_run_on(NR_CPUS - 1, report_cpu, &w)),
			  -ENODEV);
}

static void kthread_run_uses_every_cpu(struct ktest *t)
{
	unsigned int n = 2 * num_online_cpus(), cpu;
	static struct where w[2 * NR_CPUS];
	struct task_struct *th[2 * NR_CPUS];
	uint64_t seen = 0, online = 0;

	for (unsigned int i = 0; i < n; i++) {
		w[i] = (struct where){ .cpu = -1 };
		th[i] = kthread_run(report_cpu, &w[i]);
		ASSERT_FALSE(t, IS_ERR(th[i]));
	}
	for (unsigned int i = 0; i < n; i++) {
		EXPECT_EQ(t, kthread_join(th[i]), 100 + w[i].cpu);
		seen |= 1ULL << w[i].cpu;
	}
	for_each_online_cpu(cpu)
		online |= 1ULL << cpu;
	EXPECT_EQ(t, seen, online);
}

/* --- yield ------------------------------------------------------------------- */

struct pingpong {
	int log[32];
	int len;		/* atomic */
	int preempted;		/* atomic: switches not made by yield() */
	struct completion go;	/* both threads exist */
};

struct player {
	struct pingpong *pp;
	int me;
};

static int yield_player(void *arg)
{
	struct player *p = arg;

	/*
	 * Start only once both threads exist (a thread that spins waiting
	 * for the other could be preempted between its check and its
	 * yield, and yield once more than its turn).
	 */
	wait_for_completion(&p->pp->go);
	for (int i = 0; i < 8; i++) {
		unsigned long switches = current->nr_switches;

		/* Not preemptible while writing: only yield() hands over. */
		preempt_disable();
		p->pp->log[__atomic_fetch_add(&p->pp->len, 1, __ATOMIC_RELAXED)] = p->me;
		preempt_enable_no_resched();
		yield();
		/* Once back in: through yield() alone. A tick or IPI between
		 * the two lines above may also have preempted us. */
		if (current->nr_switches != switches + 1)
			__atomic_fetch_add(&p->pp->preempted, 1, __ATOMIC_RELAXED);
	}
	return 0;
}

/* One game; false if a preemption spoiled it (then nothing is known). */
static bool play_yield_game(struct ktest *t, struct pingpong *pp, unsigned int cpu)
{
	struct player a = { pp, 1 }, b = { pp, 2 };
	struct task_struct *ta, *tb;
	int len;

	*pp = (struct pingpong){ 0 };
	init_completion(&pp->go);
	ta = kthread_run_on(cpu, yield_player, &a);
	ASSERT_FALSE(t, IS_ERR(ta));
	tb = kthread_run_on(cpu, yield_player, &b);
	if (IS_ERR(tb))
		complete_all(&pp->go);
	ASSERT_FALSE(t, IS_ERR(tb));
	complete_all(&pp->go);
	kthread_join(ta);
	kthread_join(tb);
	len = __atomic_load_n(&pp->len, __ATOMIC_ACQUIRE);
	ASSERT_EQ(t, len, 16);
	if (pp->preempted)
		return false;
	for (int i = 1; i < len; i++)
		if (pp->log[i] == pp->log[i - 1]) {
			ktest_fail(t, "entry %d is %d again: no alternation", i, pp->log[i]);
			for (int j = 0; j < len; j++)
				ktest_log(t, "log[%d] = %d", j, pp->log[j]);
			break;
		}
	return true;
}

static void yield_alternates_two_threads(struct ktest *t)
{
	static struct pingpong pp;
	unsigned int cpu = num_online_cpus() > 1 ? other_cpu(t) : 0;

	for (int game = 0; game < 10; game++) {
		if (play_yield_game(t, &pp, cpu))
			return;
		ktest_log(t, "game %d: a thread was preempted as well; again", game);
	}
	ktest_fail(t, "10 games in a row were spoiled by preemption");
}

/* Two threads that never yield share one CPU: only the tick's preemption
 * lets the second run while the first spins. */
static int spin_for_flag(void *arg)
{
	return spin_until_eq(arg, 1) ? 0 : -ETIMEDOUT;
}

static int set_flag(void *arg)
{
	__atomic_store_n((int *)arg, 1, __ATOMIC_RELEASE);
	return 0;
}

static void tick_preempts_a_spinning_thread(struct ktest *t)
{
	static int flag;
	unsigned int cpu = num_online_cpus() > 1 ? other_cpu(t) : 0;
	struct task_struct *spinner, *setter;

	flag = 0;
	spinner = kthread_run_on(cpu, spin_for_flag, &flag);
	ASSERT_FALSE(t, IS_ERR(spinner));
	setter = kthread_run_on(cpu, set_flag, &flag);
	ASSERT_FALSE(t, IS_ERR(setter));
	EXPECT_EQ(t, kthread_join(spinner), 0);
	EXPECT_EQ(t, kthread_join(setter), 0);
}

/* --- sleeping ------------------------------------------------------------------ */

static void msleep_sleeps_at_least_the_time_asked(struct ktest *t)
{
	static const unsigned int ms[] = { 1, 10, 35 };

	for (unsigned int i = 0; i < ARRAY_SIZE(ms); i++) {
		uint64_t t0 = ktime_get_ns(), ns;

		msleep(ms[i]);
		ns = ktime_get_ns() - t0;
		ktest_log(t, "msleep(%u) took %llu us", ms[i],
			  (unsigned long long)(ns / 1000));
		EXPECT_UGE(t, ns, ms[i] * NSEC_PER_MSEC);
		EXPECT_LT(t, ns / NSEC_PER_MSEC, WATCHDOG_MS);
	}
}

static void msleep_lets_the_cpu_idle(struct ktest *t)
{
	unsigned int cpu = smp_processor_id();
	unsigned long before = sched_nr_switches(cpu);

	msleep(20);
	/* Away to another thread (idle, at least) and back. */
	EXPECT_GE(t, sched_nr_switches(cpu) - before, 2);
}

struct waker {
	wait_queue_head_t wq;
	unsigned int delay_ms;
	int cond;		/* atomic */
	uint64_t set_ns;
};

static int wake_after_delay(void *arg)
{
	struct waker *w = arg;

	msleep(w->delay_ms);
	w->set_ns = ktime_get_ns();
	__atomic_store_n(&w->cond, 1, __ATOMIC_RELEASE);
	wake_up(&w->wq);
	return 0;
}

static struct task_struct *start_waker(struct ktest *t, struct waker *w,
				       unsigned int delay_ms)
{
	unsigned int cpu = num_online_cpus() > 1 ? other_cpu(t) : 0;
	struct task_struct *th;

	init_waitqueue_head(&w->wq);
	w->delay_ms = delay_ms;
	w->cond = 0;
	th = kthread_run_on(cpu, wake_after_delay, w);
	if (IS_ERR(th))
		ktest_fail(t, "kthread_run_on: %ld", PTR_ERR(th));
	return th;
}

static void wait_event_wakes_on_condition(struct ktest *t)
{
	static struct waker w;
	struct task_struct *th = start_waker(t, &w, 20);
	uint64_t back;

	ASSERT_FALSE(t, IS_ERR(th));
	wait_event(w.wq, __atomic_load_n(&w.cond, __ATOMIC_ACQUIRE));
	back = ktime_get_ns();
	EXPECT_EQ(t, __atomic_load_n(&w.cond, __ATOMIC_ACQUIRE), 1);
	EXPECT_UGE(t, back, w.set_ns);
	kthread_join(th);
}

static void wait_event_timeout_times_out(struct ktest *t)
{
	static DECLARE_WAIT_QUEUE_HEAD(never);
	static int cond;
	uint64_t t0 = ktime_get_ns();
	long left;

	left = wait_event_timeout(never, __atomic_load_n(&cond, __ATOMIC_RELAXED), 30);
	EXPECT_EQ(t, left, 0);
	EXPECT_GE(t, ms_since(t0), 30);
	EXPECT_LT(t, ms_since(t0), WATCHDOG_MS);
	/* A condition true from the start: the whole timeout is left. */
	cond = 1;
	EXPECT_EQ(t, wait_event_timeout(never, __atomic_load_n(&cond, __ATOMIC_RELAXED), 30), 30);
	cond = 0;
}

static void wait_event_timeout_returns_time_left(struct ktest *t)
{
	static struct waker w;
	struct task_struct *th = start_waker(t, &w, 10);
	long left;

	ASSERT_FALSE(t, IS_ERR(th));
	left = wait_event_timeout(w.wq, __atomic_load_n(&w.cond, __ATOMIC_ACQUIRE),
				  WATCHDOG_MS);
	EXPECT_GT(t, left, 0);
	EXPECT_LE(t, left, WATCHDOG_MS - 10);
	kthread_join(th);
}

/* --- completions ------------------------------------------------------------------ */

struct relay {
	struct completion ping, pong;
	int rounds;
	int value;		/* written before each complete() */
	int seen_bad;
};

static int pong_thread(void *arg)
{
	struct relay *r = arg;

	for (int i = 1; i <= r->rounds; i++) {
		wait_for_completion(&r->ping);
		if (r->value != 2 * i - 1)
			r->seen_bad++;
		r->value = 2 * i;
		complete(&r->pong);
	}
	return 0;
}

static void completion_across_cpus(struct ktest *t)
{
	static struct relay r;
	unsigned int cpu = other_cpu(t);
	struct task_struct *th;

	r = (struct relay){ .rounds = 50 };
	init_completion(&r.ping);
	init_completion(&r.pong);
	th = kthread_run_on(cpu, pong_thread, &r);
	ASSERT_FALSE(t, IS_ERR(th));
	for (int i = 1; i <= r.rounds; i++) {
		r.value = 2 * i - 1;
		complete(&r.ping);
		if (!wait_for_completion_timeout(&r.pong, WATCHDOG_MS)) {
			ktest_fail(t, "round %d: no answer from CPU %u", i, cpu);
			complete_all(&r.ping);	/* let the thread finish */
			break;
		}
		/* What the other CPU wrote before complete() is visible. */
		EXPECT_EQ(t, r.value, 2 * i);
	}
	kthread_join(th);
	EXPECT_EQ(t, r.seen_bad, 0);
}

struct crowd {
	struct completion go;
	int waiting;		/* atomic */
	int passed;		/* atomic */
};

static int crowd_member(void *arg)
{
	struct crowd *c = arg;

	__atomic_fetch_add(&c->waiting, 1, __ATOMIC_RELEASE);
	if (!wait_for_completion_timeout(&c->go, WATCHDOG_MS))
		return -ETIMEDOUT;
	__atomic_fetch_add(&c->passed, 1, __ATOMIC_RELAXED);
	return 0;
}

static void complete_all_wakes_every_waiter(struct ktest *t)
{
	static struct crowd c;
	struct task_struct *th[6];

	c = (struct crowd){ 0 };
	init_completion(&c.go);
	for (unsigned int i = 0; i < ARRAY_SIZE(th); i++) {
		th[i] = kthread_run_on(i % num_online_cpus(), crowd_member, &c);
		ASSERT_FALSE(t, IS_ERR(th[i]));
	}
	ASSERT_TRUE(t, spin_until_eq(&c.waiting, ARRAY_SIZE(th)));
	for (unsigned int i = 0; i < ARRAY_SIZE(th); i++)
		EXPECT_TRUE(t, wait_until_sleeping(th[i]));	/* all of them asleep */
	EXPECT_EQ(t, __atomic_load_n(&c.passed, __ATOMIC_RELAXED), 0);
	complete_all(&c.go);
	for (unsigned int i = 0; i < ARRAY_SIZE(th); i++)
		EXPECT_EQ(t, kthread_join(th[i]), 0);
	EXPECT_EQ(t, c.passed, (int)ARRAY_SIZE(th));
	/* Later waiters pass at once. */
	EXPECT_GT(t, wait_for_completion_timeout(&c.go, 1), 0);
}

static void completion_counts_and_times_out(struct ktest *t)
{
	struct completion c;
	uint64_t t0;

	init_completion(&c);
	complete(&c);
	complete(&c);
	EXPECT_TRUE(t, try_wait_for_completion(&c));
	EXPECT_GT(t, wait_for_completion_timeout(&c, 10), 0);
	EXPECT_FALSE(t, try_wait_for_completion(&c));
	t0 = ktime_get_ns();
	EXPECT_EQ(t, wait_for_completion_timeout(&c, 25), 0);
	EXPECT_GE(t, ms_since(t0), 25);
}

/* --- stopping, stacks, memory ------------------------------------------------------ */

static int sleep_until_stopped(void *arg)
{
	int *wakeups = arg;

	while (!kthread_should_stop()) {
		set_current_state(TASK_SLEEPING);
		if (!kthread_should_stop())
			schedule();
		__set_current_state(TASK_RUNNING);
		(*wakeups)++;
	}
	return 7;
}

static void stop_wakes_and_joins_a_sleeper(struct ktest *t)
{
	static int wakeups;
	struct task_struct *th;

	wakeups = 0;
	th = kthread_run_on(num_online_cpus() > 1 ? 1 : 0, sleep_until_stopped, &wakeups);
	ASSERT_FALSE(t, IS_ERR(th));
	EXPECT_TRUE(t, wait_until_sleeping(th));
	EXPECT_EQ(t, wakeups, 0);	/* it really slept */
	EXPECT_EQ(t, kthread_stop(th), 7);
	EXPECT_EQ(t, wakeups, 1);
}

struct stack_probe {
	unsigned long sp;
	bool on_stack, guard_below, guard_unmapped;
};

static int probe_own_stack(void *arg)
{
	struct stack_probe *p = arg;
	unsigned long base = (unsigned long)current->stack.base;

	p->sp = (unsigned long)__builtin_frame_address(0);
	p->on_stack = kstack_contains(p->sp, 16) &&
		      p->sp >= base && p->sp < base + KSTACK_SIZE;
	p->guard_below = kstack_guard_page(base - 1) && kstack_guard_page(base - PAGE_SIZE);
	p->guard_unmapped = kernel_virt_to_phys(base - 1) == PHYS_ADDR_INVALID;
	return 0;
}

static void thread_stack_has_a_guard_below(struct ktest *t)
{
	static struct stack_probe p;
	struct task_struct *th = kthread_run_on(0, probe_own_stack, &p);

	ASSERT_FALSE(t, IS_ERR(th));
	kthread_join(th);
	EXPECT_TRUE(t, p.on_stack);
	EXPECT_TRUE(t, p.guard_below);
	EXPECT_TRUE(t, p.guard_unmapped);
	EXPECT_FALSE(t, kstack_contains(p.sp, 16));	/* freed with the thread */
}

static int nothing(void *arg)
{
	return (int)(unsigned long)arg;
}

static unsigned long free_pages_settled(void)
{
	kmem_cache_shrink_all();
	return nr_free_pages();
}

static void hundred_threads_give_their_pages_back(struct ktest *t)
{
	static struct task_struct *th[100];
	unsigned long before, after;
	unsigned int stacks = kstack_count();
	int sum = 0;

	kthread_join(kthread_run(nothing, NULL));	/* warm the caches */
	before = free_pages_settled();
	for (int i = 0; i < 100; i++) {
		th[i] = kthread_run(nothing, (void *)(unsigned long)i);
		ASSERT_FALSE(t, IS_ERR(th[i]));
	}
	for (int i = 0; i < 100; i++)
		sum += kthread_join(th[i]);
	EXPECT_EQ(t, sum, 99 * 100 / 2);
	EXPECT_EQ(t, kstack_count(), stacks);
	after = free_pages_settled();
	EXPECT_EQ(t, after, before);
}

/* --- the atomic-context check ---------------------------------------------------------- */

static void sleeping_in_atomic_context_warns(struct ktest *t)
{
	preempt_disable();
	schedule();		/* runnable, nothing to switch to: returns */
	preempt_enable();
	EXPECT_EQ(t, ktest_warnings(t), 1);
	rcu_read_lock();
	might_sleep();
	rcu_read_unlock();
	EXPECT_EQ(t, ktest_warnings(t), 2);
	might_sleep();
	EXPECT_EQ(t, ktest_warnings(t), 2);
}

static const struct ktest_case sched_cases[] = {
	KTEST_CASE(threads_run_on_each_cpu,
		   "a thread on every online CPU runs there once and is joined with its code"),
	KTEST_CASE(run_on_bad_cpu_fails,
		   "kthread_run_on refuses a CPU number out of range or not online"),
	KTEST_CASE(kthread_run_uses_every_cpu,
		   "kthread_run spreads threads over every online CPU"),
	KTEST_CASE(yield_alternates_two_threads,
		   "two threads on one CPU that yield take turns strictly"),
	KTEST_CASE(tick_preempts_a_spinning_thread,
		   "a thread that never yields is preempted by the tick for another"),
	KTEST_CASE(msleep_sleeps_at_least_the_time_asked,
		   "msleep(ms) lasts at least ms, and not absurdly longer"),
	KTEST_CASE(msleep_lets_the_cpu_idle,
		   "msleep leaves the CPU (context switches) instead of spinning"),
	KTEST_CASE(wait_event_wakes_on_condition,
		   "wait_event returns after another thread sets the condition and wakes"),
	KTEST_CASE(wait_event_timeout_times_out,
		   "wait_event_timeout returns 0 after the timeout, all of it if cond holds"),
	KTEST_CASE(wait_event_timeout_returns_time_left,
		   "wait_event_timeout woken early returns the milliseconds left"),
	KTEST_CASE_NEEDS(completion_across_cpus, KTEST_NEEDS_CPUS(2),
		   "complete/wait ping-pong between two CPUs carries the data each round"),
	KTEST_CASE(complete_all_wakes_every_waiter,
		   "complete_all releases every sleeping waiter, and later ones at once"),
	KTEST_CASE(completion_counts_and_times_out,
		   "two completes allow two waits; a third wait times out with 0"),
	KTEST_CASE(stop_wakes_and_joins_a_sleeper,
		   "kthread_stop wakes a sleeping thread, which returns its code"),
	KTEST_CASE(thread_stack_has_a_guard_below,
		   "a thread's stack is known to the backtrace and has an unmapped guard"),
	KTEST_CASE(hundred_threads_give_their_pages_back,
		   "100 threads created and joined leave the free page count as it was"),
	KTEST_CASE(sleeping_in_atomic_context_warns,
		   "schedule/might_sleep with preemption disabled warn, naming the caller"),
	{}
};
KTEST_SUITE(sched_suite, "kernel.sched", sched_cases);
