/*
 * The request queue's usage counter: enter/exit, freeze/unfreeze and the
 * teardown drain (drivers/pmem/queue.h tells the life story).
 *
 * The freeze depth is changed, and the counter killed or resurrected,
 * under the freeze lock (an rwsem taken for writing). The waits for zero
 * and for an unfreeze sleep on freeze_wq *outside* it, as Linux does
 * with mq_freeze_lock and mq_freeze_wq.
 */
#include <drivers/pmem/queue.h>
#include <lib/bug.h>
#include <lib/errno.h>
#include <lib/ktime.h>
#include <lib/printk.h>
#include <mm/percpu.h>
#include <lib/trace.h>
#include <asm/cpu.h>

#define FREEZE_WAIT_MS	(60 * 1000)	/* generous: TCG is slow */
#define ENTER_WAIT_MS	(60 * 1000)

/* A wait gave up: say on what, with the counts that explain it. */
static int wait_timed_out(struct request_queue *q, const char *what, unsigned long ms)
{
	WARN(1, "%s: gave up waiting for %s after %lu s (usage count %ld, in flight %ld)",
	     q->name, what, ms / 1000, percpu_ref_atomic_count(&q->q_usage_counter),
	     blk_queue_in_flight(q));
	return -ETIMEDOUT;
}

static void freeze_lock(struct request_queue *q)
{
	down_write(&q->freeze_lock);
}

static void freeze_unlock(struct request_queue *q)
{
	up_write(&q->freeze_lock);
}

/* The counter reached zero: every I/O of a freeze has exited. */
static void blk_queue_usage_counter_release(struct percpu_ref *ref)
{
	struct request_queue *q = container_of(ref, struct request_queue, q_usage_counter);

	__atomic_fetch_add(&q->nr_zero, 1, __ATOMIC_RELAXED);
	wake_up_all(&q->freeze_wq);	/* blk_mq_freeze_queue_wait() */
}

void blk_queue_setup(struct request_queue *q)
{
	init_rwsem(&q->freeze_lock);
	init_waitqueue_head(&q->freeze_wq);
}

int blk_queue_init(struct request_queue *q, const char *name)
{
	int err;

	q->name = name;
	q->in_flight = alloc_percpu(struct percpu_stat);
	if (!q->in_flight)
		return -ENOMEM;
	err = percpu_ref_init(&q->q_usage_counter, blk_queue_usage_counter_release,
			      PERCPU_REF_ALLOW_REINIT);
	if (err) {
		free_percpu(q->in_flight);
		q->in_flight = NULL;
		return err;
	}
	q->freeze_depth = 0;
	__atomic_store_n(&q->dying, false, __ATOMIC_RELAXED);
	__atomic_store_n(&q->dead, false, __ATOMIC_RELAXED);
	/* release: pairs with the acquire in blk_queue_enter() */
	__atomic_store_n(&q->initialized, true, __ATOMIC_RELEASE);
	return 0;
}

static bool queue_unfrozen_or_dying(struct request_queue *q)
{
	return !percpu_ref_is_dying(&q->q_usage_counter) ||
	       __atomic_load_n(&q->dying, __ATOMIC_RELAXED);
}

static int __blk_queue_enter(struct request_queue *q, bool nowait)
{
	/* acquire: pairs with the release in blk_queue_init() */
	if (!__atomic_load_n(&q->initialized, __ATOMIC_ACQUIRE)) {
		/* unused, torn down, or being set up again: refused, counted */
		__atomic_fetch_add(&q->nr_enter_refused, 1, __ATOMIC_RELAXED);
		return -ENODEV;
	}
	for (;;) {
		if (percpu_ref_tryget_live(&q->q_usage_counter)) {
			percpu_stat_inc(*q->in_flight);
			return 0;
		}
		if (__atomic_load_n(&q->dying, __ATOMIC_RELAXED) ||
		    __atomic_load_n(&q->dead, __ATOMIC_RELAXED)) {
			__atomic_fetch_add(&q->nr_enter_refused, 1, __ATOMIC_RELAXED);
			return -ENODEV;
		}
		if (nowait)
			return -EAGAIN;
		if (!wait_event_timeout(q->freeze_wq, queue_unfrozen_or_dying(q), ENTER_WAIT_MS))
			return wait_timed_out(q, "the queue to be unfrozen", ENTER_WAIT_MS);
	}
}

int blk_queue_enter(struct request_queue *q, bool nowait)
{
	int ret = __blk_queue_enter(q, nowait);

	trace_event(queue_enter, q, ret, 0);
	return ret;
}

void blk_queue_exit(struct request_queue *q)
{
	trace_event(queue_exit, q, 0, 0);
	/* The counter may belong to another CPU: only the sum means anything. */
	percpu_stat_dec(*q->in_flight);
	percpu_ref_put(&q->q_usage_counter);
}

void blk_freeze_queue_start(struct request_queue *q)
{
	freeze_lock(q);
	if (++q->freeze_depth == 1) {
		trace_event(queue_freeze, q, 1, 0);
		percpu_ref_kill(&q->q_usage_counter);
	}
	freeze_unlock(q);
}

int blk_mq_freeze_queue_wait(struct request_queue *q)
{
	int err = 0;

	if (!wait_event_timeout(q->freeze_wq, percpu_ref_is_zero(&q->q_usage_counter),
				FREEZE_WAIT_MS))
		err = wait_timed_out(q, "the I/O in flight to drain", FREEZE_WAIT_MS);

	/*
	 * The put that reached zero may still be running on another CPU:
	 * it reads ref->release and calls it after its decrement. It runs
	 * inside an RCU read-side section (percpu_ref_put_many), so once a
	 * grace period has passed it, and the release it called, are over
	 * (pairs with its rcu_read_unlock): only then may the caller
	 * resurrect, reinitialise or free the counter. Linux gets the same
	 * by freeing the queue from an RCU callback.
	 */
	if (!err)
		synchronize_rcu();
	return err;
}

void blk_unfreeze_queue(struct request_queue *q)
{
	freeze_lock(q);
	if (WARN(q->freeze_depth == 0, "%s: unfreeze of a queue that is not frozen",
		 q->name)) {
		freeze_unlock(q);
		return;
	}
	if (--q->freeze_depth == 0) {
		trace_event(queue_freeze, q, 0, 0);
		percpu_ref_resurrect(&q->q_usage_counter);
	}
	freeze_unlock(q);
	wake_up_all(&q->freeze_wq);	/* blk_queue_enter() waiters */
}

void blk_cleanup_queue(struct request_queue *q)
{
	freeze_lock(q);
	__atomic_store_n(&q->dying, true, __ATOMIC_RELAXED);
	freeze_unlock(q);
	wake_up_all(&q->freeze_wq);	/* enter waiters: -ENODEV now */

	blk_freeze_queue(q);	/* new I/O fails from here; in-flight I/O drains */

	freeze_lock(q);
	__atomic_store_n(&q->dead, true, __ATOMIC_RELAXED);
	/*
	 * Until the next blk_queue_init() publishes a whole new counter and
	 * in_flight, enters stop before touching either (an enter that
	 * passed this check earlier finds the counter dead and fails).
	 */
	__atomic_store_n(&q->initialized, false, __ATOMIC_RELAXED);
	percpu_ref_exit(&q->q_usage_counter);	/* stays dead, count readable */
	free_percpu(q->in_flight);
	freeze_unlock(q);
}

const char *blk_queue_state(struct request_queue *q)
{
	if (__atomic_load_n(&q->dead, __ATOMIC_RELAXED))
		return "dead";
	if (!__atomic_load_n(&q->initialized, __ATOMIC_ACQUIRE))
		return "unused";
	if (__atomic_load_n(&q->dying, __ATOMIC_RELAXED))
		return "dying";
	if (percpu_ref_is_dying(&q->q_usage_counter))
		return "frozen";
	return "live";
}

long blk_queue_in_flight(struct request_queue *q)
{
	if (!__atomic_load_n(&q->initialized, __ATOMIC_ACQUIRE) ||
	    __atomic_load_n(&q->dead, __ATOMIC_RELAXED))
		return 0;
	return (long)percpu_stat_sum(q->in_flight);	/* signed: see mm/percpu_stat.h */
}
