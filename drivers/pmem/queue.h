/*
 * The request queue's gate: who may start an I/O, and waiting for the
 * I/O in flight to finish (Linux: block/blk-core.c and blk-mq.c,
 * blk_queue_enter/exit, blk_freeze_queue, q_usage_counter).
 *
 * Every I/O holds a reference on q_usage_counter, a percpu_ref, from
 * blk_queue_enter() to blk_queue_exit(): in normal operation that is one
 * per-CPU add at each end, no shared cache line. To stop I/O (to unbind,
 * or to change something under the queue's feet) the queue is *frozen*:
 *
 *   blk_freeze_queue_start(q)   percpu_ref_kill(): new enters fail (or
 *                               wait), the count goes atomic
 *   blk_mq_freeze_queue_wait(q) wait until the count reaches zero: every
 *                               I/O that had entered has exited
 *   blk_unfreeze_queue(q)       percpu_ref_resurrect(): enters succeed again
 *
 * Life story of a queue (embedded in its device, so its memory outlives
 * every binding; only its usage counter comes and goes):
 *
 *  1. zeroed with the device: "unused"; blk_queue_enter() fails (-ENODEV);
 *  2. blk_queue_init() at probe: the counter is live ("live");
 *  3. freeze/unfreeze any number of times ("frozen" while depth > 0);
 *  4. blk_cleanup_queue() at unbind: mark "dying" (enters fail with
 *     -ENODEV instead of waiting), freeze, wait for zero, free the
 *     per-CPU counters ("dead"); blk_queue_init() may start again at 2.
 *
 * Waiting. The waits here (for zero, for an unfreeze) sleep on the
 * queue's wait queue, as in Linux: the counter's release callback wakes
 * the freeze waiters, an unfreeze or the start of the teardown wakes the
 * enter waiters; each wait gives up after a generous time with a WARN
 * naming the counts. The freeze lock is a sleeping lock (an rwsem taken
 * for writing): percpu_ref_kill/resurrect may wait for a mode switch in
 * flight, so a spinlock could not be held across them.
 *
 * Fields of struct request_queue (the letters: docs/layout.md, "Field
 * legends"):
 *   (i) set up once by blk_queue_setup() with the device's memory
 *   (b) set by blk_queue_init() at probe, read-only until blk_cleanup_queue()
 *   (a) atomic
 *   (L) under the freeze lock (freeze_lock, for writing); (L/a) written
 *       under it, read atomically without it
 *   (p) per-CPU counters (mm/percpu_stat.h): changed by I/O, summed for display
 *   q_usage_counter: see mm/percpu_ref.h
 */
#ifndef DRIVERS_PMEM_QUEUE_H
#define DRIVERS_PMEM_QUEUE_H

#include <kernel/rwsem.h>
#include <kernel/wait.h>
#include <mm/percpu_ref.h>
#include <mm/percpu_stat.h>

struct request_queue {
	const char *name;			/* (b) the device's, for messages */
	struct percpu_ref q_usage_counter;	/* one reference per I/O in flight */
	struct percpu_stat __percpu *in_flight;	/* (b) the counters (each CPU's
						 * its own: enters - exits) */
	/* set (release) once the counter and in_flight exist, cleared when
	 * the teardown frees them; pairs with the acquire in
	 * blk_queue_enter(): an enter that sees it sees both initialised */
	bool initialized;			/* (a) */
	bool dying;				/* (L/a) */
	bool dead;				/* (L/a) */
	struct rw_semaphore freeze_lock;	/* (i) the freeze lock */
	wait_queue_head_t freeze_wq;		/* (i) waiters for zero, for an unfreeze */
	unsigned int freeze_depth;		/* (L) freezes not yet undone */
	unsigned long nr_zero;			/* (a) times the counter reached zero */
	unsigned long nr_enter_refused;		/* (a) enters refused (not live) */
};

/* Once, when the memory holding q is set up (before any other call). */
void blk_queue_setup(struct request_queue *q);
/* At probe: a live counter. 0, or -ENOMEM. */
int blk_queue_init(struct request_queue *q, const char *name);
/* At unbind: dying, frozen, drained, counters freed. May wait. */
void blk_cleanup_queue(struct request_queue *q);

/*
 * Start an I/O. 0: the caller holds a usage reference until
 * blk_queue_exit(). -ENODEV: the queue is dying, dead or unused.
 * Frozen: with nowait -EAGAIN, otherwise wait for the unfreeze
 * (-ETIMEDOUT after a long time, with a warning). Any context that may
 * wait; with nowait, any context.
 */
int blk_queue_enter(struct request_queue *q, bool nowait);
void blk_queue_exit(struct request_queue *q);

void blk_freeze_queue_start(struct request_queue *q);
/* Wait until every entered I/O has exited: 0, or -ETIMEDOUT (WARN). */
int blk_mq_freeze_queue_wait(struct request_queue *q);
static inline int blk_freeze_queue(struct request_queue *q)
{
	blk_freeze_queue_start(q);
	return blk_mq_freeze_queue_wait(q);
}
void blk_unfreeze_queue(struct request_queue *q);

/* "unused", "live", "frozen", "dying", "dead" */
const char *blk_queue_state(struct request_queue *q);
/* I/Os between enter and exit now (a racy sum; 0 when not initialised). */
long blk_queue_in_flight(struct request_queue *q);

#endif /* DRIVERS_PMEM_QUEUE_H */
