/*
 * The tick, and sleeping until a deadline (kernel/timer.h).
 *
 * Each CPU keeps its sleeping threads' deadlines in a list sorted by
 * time, under that CPU's timer lock. A sleeper adds its own entry (an
 * object on its stack) on its own CPU, sleeps, and takes the entry off
 * again when it runs; the tick of that CPU wakes every entry whose
 * deadline has passed, from the head of the list, and unlinks it. Because
 * a thread never leaves its CPU, the entry's CPU is the tick's CPU: the
 * tick handler runs with interrupts masked on the sleeper's own CPU, so
 * the sleeper cannot return (and drop its stack frame) while the tick
 * still looks at its entry, and the timer lock is only ever contended by
 * nobody. It is kept anyway, for the day threads migrate.
 *
 * Lock order: timer lock, then a run queue's (the tick wakes under it).
 *
 * timer_tick(), HZ times a second on each CPU (kernel/cpu.h), in order:
 * jiffies on the boot CPU, expired sleepers, RCU's bookkeeping, the time
 * slice.
 */
#include <kernel/cpu.h>
#include <kernel/rcu_sched.h>
#include <kernel/sched.h>
#include <kernel/timer.h>
#include <lib/bug.h>
#include <lib/ktime.h>
#include <lib/list.h>
#include <lib/printk.h>
#include <lib/spinlock.h>

/* Field legends: docs/layout.md; (L) is the CPU's timer_base lock. */
struct sleep_timer {
	struct list_head node;		/* (L) on the CPU's list while armed */
	uint64_t deadline;		/* (i) ktime_get_ns() value */
	struct task_struct *task;	/* (i) whom to wake */
};

struct timer_base {
	spinlock_t lock;
	struct list_head list;		/* (L) armed timers, by deadline */
	unsigned long ticks;		/* (p) this CPU's ticks; atomic reads */
} __aligned(64);

static struct timer_base timer_bases[NR_CPUS];
static unsigned long jiffies;		/* (a) boot CPU's ticks */

unsigned long jiffies_read(void)
{
	return __atomic_load_n(&jiffies, __ATOMIC_RELAXED);
}

unsigned long cpu_ticks(unsigned int cpu)
{
	return cpu < NR_CPUS ?
	       __atomic_load_n(&timer_bases[cpu].ticks, __ATOMIC_RELAXED) : 0;
}

static struct timer_base *this_base(void)
{
	return &timer_bases[smp_processor_id()];
}

static void arm(struct timer_base *b, struct sleep_timer *t)
{
	struct list_head *pos;
	unsigned long flags;

	spin_lock_irqsave(&b->lock, flags);
	list_for_each(pos, &b->list) {
		if (list_entry(pos, struct sleep_timer, node)->deadline > t->deadline)
			break;
	}
	list_add_tail(&t->node, pos);	/* before the first later one */
	spin_unlock_irqrestore(&b->lock, flags);
}

static void disarm(struct timer_base *b, struct sleep_timer *t)
{
	unsigned long flags;

	spin_lock_irqsave(&b->lock, flags);
	if (!list_empty(&t->node))
		list_del_init(&t->node);
	spin_unlock_irqrestore(&b->lock, flags);
}

static void run_expired(struct timer_base *b)
{
	uint64_t now = ktime_get_ns();

	spin_lock(&b->lock);
	while (!list_empty(&b->list)) {
		struct sleep_timer *t = list_first_entry(&b->list, struct sleep_timer, node);

		if (t->deadline > now)
			break;
		list_del_init(&t->node);
		wake_up_process(t->task);
	}
	spin_unlock(&b->lock);
}

bool schedule_until(uint64_t deadline)
{
	struct sleep_timer t = { .deadline = deadline, .task = current };
	struct timer_base *b;

	if (ktime_get_ns() >= deadline) {
		__set_current_state(TASK_RUNNING);
		return false;
	}
	b = this_base();		/* ours for life: no migration */
	INIT_LIST_HEAD(&t.node);
	arm(b, &t);
	schedule();
	disarm(b, &t);
	return true;
}

void msleep(unsigned int ms)
{
	uint64_t deadline = deadline_after_ms(ms);

	if (!sched_running()) {
		mdelay(ms);		/* early boot: nothing else to run */
		return;
	}
	might_sleep();
	if (WARN_ONCE(!cpu_ticks(smp_processor_id()),
		      "msleep(%u) on CPU %u, whose timer does not tick yet: "
		      "busy-waiting", ms, smp_processor_id())) {
		mdelay(ms);
		return;
	}
	sleep_until(deadline);
}

void sleep_until(uint64_t deadline_ns)
{
	while (ktime_get_ns() < deadline_ns) {
		set_current_state(TASK_SLEEPING);
		schedule_until(deadline_ns);
	}
	__set_current_state(TASK_RUNNING);
}

void timer_tick(void)
{
	unsigned int cpu = smp_processor_id();
	struct timer_base *b = &timer_bases[cpu];

	if (cpu == 0)
		__atomic_store_n(&jiffies, jiffies + 1, __ATOMIC_RELAXED);
	__atomic_store_n(&b->ticks, b->ticks + 1, __ATOMIC_RELAXED);
	if (!sched_running())
		return;
	run_expired(b);
	rcu_tick();
	sched_tick();
}

void timer_init(void)
{
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
		spin_lock_init(&timer_bases[cpu].lock);
		INIT_LIST_HEAD(&timer_bases[cpu].list);
	}
}
