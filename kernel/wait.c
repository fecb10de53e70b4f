/*
 * Wait queues (kernel/wait.h, where the lost-wake-up argument is).
 *
 * The queue is a FIFO of entries under the head's lock. Waking walks it
 * in order: every ordinary entry's task is woken, exclusive entries until
 * `nr_exclusive` of them were actually woken (a task already running
 * does not count). Entries stay queued until their waiter calls
 * finish_wait(), so a waiter woken spuriously, or before it slept, is
 * still queued for the next wake-up.
 */
#include <kernel/sched.h>
#include <kernel/wait.h>

void init_waitqueue_head(wait_queue_head_t *wq)
{
	spin_lock_init(&wq->lock);
	INIT_LIST_HEAD(&wq->list);
}

void init_wait_entry(struct wait_queue_entry *w, unsigned int flags)
{
	INIT_LIST_HEAD(&w->node);
	w->task = current;
	w->flags = flags;
}

void prepare_to_wait(wait_queue_head_t *wq, struct wait_queue_entry *w)
{
	unsigned long flags;

	spin_lock_irqsave(&wq->lock, flags);
	if (list_empty(&w->node))
		list_add_tail(&w->node, &wq->list);
	/* The barrier inside pairs with the waker's lock (kernel/wait.h). */
	set_current_state(TASK_SLEEPING);
	spin_unlock_irqrestore(&wq->lock, flags);
}

void finish_wait(wait_queue_head_t *wq, struct wait_queue_entry *w)
{
	unsigned long flags;

	__set_current_state(TASK_RUNNING);
	spin_lock_irqsave(&wq->lock, flags);
	if (!list_empty(&w->node))
		list_del_init(&w->node);
	spin_unlock_irqrestore(&wq->lock, flags);
}

void __wake_up_locked(wait_queue_head_t *wq, unsigned int nr_exclusive)
{
	struct wait_queue_entry *w;
	unsigned int woken = 0;

	list_for_each_entry(w, &wq->list, node) {
		if (!(w->flags & WQ_FLAG_EXCLUSIVE)) {
			wake_up_process(w->task);
			continue;
		}
		if (nr_exclusive && woken == nr_exclusive)
			continue;
		if (wake_up_process(w->task))
			woken++;
	}
}

static void __wake_up(wait_queue_head_t *wq, unsigned int nr_exclusive)
{
	unsigned long flags;

	/* This lock is the pair of the waiter's barrier (kernel/wait.h). */
	spin_lock_irqsave(&wq->lock, flags);
	__wake_up_locked(wq, nr_exclusive);
	spin_unlock_irqrestore(&wq->lock, flags);
}

void wake_up(wait_queue_head_t *wq)
{
	__wake_up(wq, 1);
}

void wake_up_all(wait_queue_head_t *wq)
{
	__wake_up(wq, 0);
}

bool waitqueue_active(wait_queue_head_t *wq)
{
	return __atomic_load_n(&wq->list.next, __ATOMIC_RELAXED) != &wq->list;
}
