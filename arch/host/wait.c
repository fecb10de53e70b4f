/*
 * Host build: the wait queues of kernel/wait.h (and the scheduler and
 * timer calls its macros use) for host threads. A host thread has no
 * scheduler of zdk's to sleep in, so "sleeping" is yielding the host CPU
 * and looking at the condition again (as arch/host/rwsem.c does);
 * queueing and waking have nothing to do. wait_event() and
 * wait_event_timeout() keep their semantics: they return once the
 * condition holds, or at the deadline.
 */
#include <sched.h>
#include <time.h>
#include <kernel/wait.h>

void init_waitqueue_head(wait_queue_head_t *wq)
{
	spin_lock_init(&wq->lock);
	INIT_LIST_HEAD(&wq->list);
}

void init_wait_entry(struct wait_queue_entry *w, unsigned int flags)
{
	INIT_LIST_HEAD(&w->node);
	w->task = NULL;
	w->flags = flags;
}

void prepare_to_wait(wait_queue_head_t *wq, struct wait_queue_entry *w)
{
}

void finish_wait(wait_queue_head_t *wq, struct wait_queue_entry *w)
{
}

void wake_up(wait_queue_head_t *wq)
{
}

void wake_up_all(wait_queue_head_t *wq)
{
}

void __wake_up_locked(wait_queue_head_t *wq, unsigned int nr_exclusive)
{
}

bool waitqueue_active(wait_queue_head_t *wq)
{
	return false;
}

void schedule(void)
{
	sched_yield();
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

bool schedule_until(uint64_t deadline_ns)
{
	sched_yield();
	return now_ns() < deadline_ns;
}

void __might_sleep(unsigned long ip)
{
}

uint64_t deadline_after_ms(unsigned long ms)
{
	return now_ns() + (uint64_t)ms * 1000000ULL;
}

long ms_left_until(uint64_t deadline_ns)
{
	uint64_t now = now_ns();

	return now < deadline_ns ? (long)((deadline_ns - now + 999999) / 1000000) : 1;
}
