/*
 * Completions (kernel/completion.h).
 *
 * `done` and the waiters are under c->wait.lock. A waiter queues an
 * exclusive entry, and sleeps with the lock dropped until `done` is
 * non-zero, then consumes one (none after complete_all()). complete()
 * wakes one exclusive waiter: if that one was woken but had not yet
 * consumed when a second complete() came, the second wakes the next
 * one (wake_up_process() of an already running task does not count),
 * so no completion is left with a waiter asleep.
 */
#include <kernel/completion.h>
#include <kernel/sched.h>
#include <kernel/timer.h>

void init_completion(struct completion *c)
{
	c->done = 0;
	init_waitqueue_head(&c->wait);
}

void reinit_completion(struct completion *c)
{
	unsigned long flags;

	spin_lock_irqsave(&c->wait.lock, flags);
	c->done = 0;
	spin_unlock_irqrestore(&c->wait.lock, flags);
}

void complete(struct completion *c)
{
	unsigned long flags;

	spin_lock_irqsave(&c->wait.lock, flags);
	if (c->done != COMPLETE_ALL)
		c->done++;
	__wake_up_locked(&c->wait, 1);
	spin_unlock_irqrestore(&c->wait.lock, flags);
}

void complete_all(struct completion *c)
{
	unsigned long flags;

	spin_lock_irqsave(&c->wait.lock, flags);
	c->done = COMPLETE_ALL;
	__wake_up_locked(&c->wait, 0);
	spin_unlock_irqrestore(&c->wait.lock, flags);
}

/* With the lock held and done != 0: take one. */
static void consume(struct completion *c)
{
	if (c->done != COMPLETE_ALL)
		c->done--;
}

/*
 * Wait until done != 0 or, with a deadline, until it passes (0 = none).
 * Returns true if a completion was consumed.
 */
static bool do_wait(struct completion *c, uint64_t deadline)
{
	struct wait_queue_entry w;
	unsigned long flags;
	bool got = false;

	__might_sleep(_RET_IP_);
	init_wait_entry(&w, WQ_FLAG_EXCLUSIVE);
	spin_lock_irqsave(&c->wait.lock, flags);
	for (;;) {
		if (c->done) {
			consume(c);
			got = true;
			break;
		}
		if (list_empty(&w.node))
			list_add_tail(&w.node, &c->wait.list);
		/* Under the lock complete() takes: no wake-up is lost. */
		set_current_state(TASK_SLEEPING);
		spin_unlock_irqrestore(&c->wait.lock, flags);
		if (!deadline)
			schedule();
		else if (!schedule_until(deadline)) {
			spin_lock_irqsave(&c->wait.lock, flags);
			if (c->done) {
				consume(c);
				got = true;
			}
			break;
		}
		spin_lock_irqsave(&c->wait.lock, flags);
	}
	if (!list_empty(&w.node))
		list_del_init(&w.node);
	__set_current_state(TASK_RUNNING);
	spin_unlock_irqrestore(&c->wait.lock, flags);
	return got;
}

void wait_for_completion(struct completion *c)
{
	do_wait(c, 0);
}

long wait_for_completion_timeout(struct completion *c, unsigned long timeout_ms)
{
	uint64_t deadline = deadline_after_ms(timeout_ms);

	if (!do_wait(c, deadline))
		return 0;
	return ms_left_until(deadline);
}

bool try_wait_for_completion(struct completion *c)
{
	unsigned long flags;
	bool got = false;

	spin_lock_irqsave(&c->wait.lock, flags);
	if (c->done) {
		consume(c);
		got = true;
	}
	spin_unlock_irqrestore(&c->wait.lock, flags);
	return got;
}

bool completion_done(struct completion *c)
{
	unsigned long flags;
	bool done;

	spin_lock_irqsave(&c->wait.lock, flags);
	done = c->done != 0;
	spin_unlock_irqrestore(&c->wait.lock, flags);
	return done;
}
