/*
 * Wait queues: sleep until a condition holds.
 *
 *   static DECLARE_WAIT_QUEUE_HEAD(wq);
 *
 *   waiter:  wait_event(wq, READ_ONCE(done));
 *   waker:   WRITE_ONCE(done, true); wake_up(&wq);
 *
 * wait_event(wq, cond) returns once cond is true; cond is evaluated again
 * after every wake-up (wake-ups may be spurious, cond decides).
 * wait_event_timeout(wq, cond, ms) gives up after ms milliseconds: it
 * returns 0 if cond is still false then, else the milliseconds that were
 * left (at least 1). Both are for process context, preemptible
 * (might_sleep() warns otherwise).
 *
 * The lost wake-up, and why it cannot happen here. A waiter that checks
 * cond, finds it false and then sleeps would sleep forever if the waker
 * set cond and called wake_up() between the check and the sleep. So the
 * waiter does it the other way round, in prepare_to_wait():
 *
 *   1. queue itself on wq (under wq->lock)
 *   2. set its state to TASK_SLEEPING, with a full barrier after the
 *      store (set_current_state())
 *   3. check cond; if false, schedule()
 *
 * and the waker: store cond; wake_up(), which takes wq->lock (a locked
 * instruction: a full barrier on x86) and wakes every queued waiter
 * whose state is TASK_SLEEPING (wake_up_process() takes the waiter's
 * run-queue lock and sets it back to TASK_RUNNING). The pairs:
 *   - waiter's barrier in 2 <-> waker's lock in wake_up(): either the
 *     waiter's check in 3 sees the new cond, or the waker, whose store
 *     came first, finds the waiter queued and sleeping and wakes it;
 *   - a wake-up that lands between 2 and schedule() only sets the state
 *     back to TASK_RUNNING, and schedule() then returns at once.
 *
 * wake_up() and wake_up_all() both wake every ordinary waiter; they
 * differ on "exclusive" waiters (completions queue those): wake_up()
 * wakes one of them, wake_up_all() every one. Any context; the wait
 * queue lock masks interrupts.
 */
#ifndef KERNEL_WAIT_H
#define KERNEL_WAIT_H

#include <stdint.h>
#include <lib/compiler.h>
#include <lib/ktime.h>
#include <lib/list.h>
#include <lib/spinlock.h>
#include <kernel/preempt.h>

struct task_struct;

#define WQ_FLAG_EXCLUSIVE	0x1

struct wait_queue_entry {
	struct list_head node;		/* (L: head->lock) on its list while queued */
	struct task_struct *task;	/* (i) the waiter */
	unsigned int flags;		/* (i) WQ_FLAG_* */
};

typedef struct wait_queue_head {
	spinlock_t lock;
	struct list_head list;		/* (L: lock) the queued entries, FIFO */
} wait_queue_head_t;

#define __WAIT_QUEUE_HEAD_INITIALIZER(name) \
	{ .lock = __SPIN_LOCK_UNLOCKED, .list = LIST_HEAD_INIT((name).list) }
#define DECLARE_WAIT_QUEUE_HEAD(name) \
	wait_queue_head_t name = __WAIT_QUEUE_HEAD_INITIALIZER(name)

void init_waitqueue_head(wait_queue_head_t *wq);
/* An entry for the calling thread. */
void init_wait_entry(struct wait_queue_entry *w, unsigned int flags);

/* Steps 1 and 2 above (queues w unless it is queued already). */
void prepare_to_wait(wait_queue_head_t *wq, struct wait_queue_entry *w);
/* Back to TASK_RUNNING, off the queue. */
void finish_wait(wait_queue_head_t *wq, struct wait_queue_entry *w);

void wake_up(wait_queue_head_t *wq);
void wake_up_all(wait_queue_head_t *wq);
/* With wq->lock held: wake every ordinary waiter and up to nr_exclusive
 * exclusive ones (0: all). */
void __wake_up_locked(wait_queue_head_t *wq, unsigned int nr_exclusive);
/* Is anybody queued? (a hint: racy without the lock) */
bool waitqueue_active(wait_queue_head_t *wq);

/* kernel/sched.h and kernel/timer.h, needed by the macros below (and
 * deadline_after_ms(), ms_left_until() of lib/ktime.h). */
void schedule(void);
bool schedule_until(uint64_t deadline_ns);
void __might_sleep(unsigned long ip);

#define wait_event(wq, cond) do {					\
	struct wait_queue_entry __we;					\
									\
	__might_sleep(_THIS_IP_);					\
	if (cond)							\
		break;							\
	init_wait_entry(&__we, 0);					\
	for (;;) {							\
		prepare_to_wait(&(wq), &__we);				\
		if (cond)						\
			break;						\
		schedule();						\
	}								\
	finish_wait(&(wq), &__we);					\
} while (0)

#define wait_event_timeout(wq, cond, timeout_ms) ({			\
	unsigned long __ms = (timeout_ms);				\
	long __ret = __ms ? (long)__ms : 1;				\
									\
	__might_sleep(_THIS_IP_);					\
	if (!(cond)) {							\
		uint64_t __deadline = deadline_after_ms(__ms);		\
		struct wait_queue_entry __we;				\
									\
		init_wait_entry(&__we, 0);				\
		for (;;) {						\
			prepare_to_wait(&(wq), &__we);			\
			if (cond) {					\
				__ret = ms_left_until(__deadline);	\
				break;					\
			}						\
			if (!schedule_until(__deadline)) {		\
				__ret = (cond) ? 1 : 0;			\
				break;					\
			}						\
		}							\
		finish_wait(&(wq), &__we);				\
	}								\
	__ret;								\
})

#endif /* KERNEL_WAIT_H */
