/*
 * padata_do_multithreaded(): see kernel/padata.h.
 *
 * Each worker has a slot: NULL while idle, else the job it serves. A job
 * claims an idle worker by a compare-and-exchange of its slot (so two
 * jobs never share one), counts it in job->running and wakes it. The
 * worker runs the job's chunks until none is left, empties its slot,
 * and only then leaves the job by decrementing job->running: its last
 * access to the job. The caller, after its own share, sleeps on the
 * global padata_wq until running is 0, so the job may live on its stack.
 */
#include <kernel/padata.h>
#include <kernel/kthread.h>
#include <kernel/smp.h>
#include <kernel/wait.h>
#include <lib/compiler.h>
#include <lib/err.h>
#include <lib/errno.h>
#include <lib/printk.h>

struct padata_worker {
	struct task_struct *task;		/* (L: init_lock) once made */
	struct padata_mt_job *job;		/* (a) the job it serves, or NULL */
	wait_queue_head_t wq;			/* it sleeps here while idle */
};

static struct padata_worker workers[NR_CPUS];
static DECLARE_WAIT_QUEUE_HEAD(padata_wq);	/* callers wait for their workers */
static DEFINE_SPINLOCK(init_lock);

/* Take chunks until the job has none left. */
static void do_chunks(struct padata_mt_job *job)
{
	unsigned long chunk = job->chunk ? job->chunk : 1;

	for (;;) {
		unsigned long first = __atomic_fetch_add(&job->next, chunk, __ATOMIC_RELAXED);
		unsigned long n;

		if (first >= job->size)
			return;
		n = MIN(chunk, job->size - first);
		job->thread_fn(job->start + first, job->start + first + n, job->fn_arg);
		/* Release: a reader that sees the count sees the items done. */
		__atomic_fetch_add(&job->done, n, __ATOMIC_RELEASE);
	}
}

static int padata_worker_fn(void *arg)
{
	struct padata_worker *w = arg;

	for (;;) {
		struct padata_mt_job *job;

		wait_event(w->wq, __atomic_load_n(&w->job, __ATOMIC_ACQUIRE));
		job = __atomic_load_n(&w->job, __ATOMIC_ACQUIRE);
		do_chunks(job);
		__atomic_store_n(&w->job, NULL, __ATOMIC_RELEASE);
		/* The last touch of the job: the caller may return after it. */
		if (__atomic_sub_fetch(&job->running, 1, __ATOMIC_ACQ_REL) == 0)
			wake_up_all(&padata_wq);
	}
	return 0;
}

int padata_init(void)
{
	unsigned int cpu;
	int err = 0;

	for_each_online_cpu(cpu) {
		struct padata_worker *w = &workers[cpu];
		struct task_struct *t;
		unsigned long flags;
		bool have;

		spin_lock_irqsave(&init_lock, flags);
		have = w->task;
		spin_unlock_irqrestore(&init_lock, flags);
		if (have)
			continue;
		init_waitqueue_head(&w->wq);
		t = kthread_run_on_named(cpu, padata_worker_fn, w, "padata");
		if (IS_ERR(t)) {
			pr_warn("padata: no worker on CPU %u (%ld); jobs run without it", cpu,
				PTR_ERR(t));
			err = -ENOMEM;
			continue;
		}
		spin_lock_irqsave(&init_lock, flags);
		__atomic_store_n(&w->task, t, __ATOMIC_RELEASE);
		spin_unlock_irqrestore(&init_lock, flags);
	}
	return err;
}

void padata_do_multithreaded(struct padata_mt_job *job)
{
	unsigned int want = num_online_cpus(), used = 1, cpu;
	unsigned int me = smp_processor_id();	/* a task never changes CPU */
	unsigned long chunk = job->chunk ? job->chunk : 1;
	unsigned long chunks = (job->size + chunk - 1) / chunk;

	if (job->max_threads && job->max_threads < want)
		want = job->max_threads;
	if (want > chunks)
		want = (unsigned int)MAX(chunks, 1UL);
	job->next = job->done = 0;
	job->running = 1;			/* the caller, until its share is done */

	for_each_online_cpu(cpu) {
		struct padata_worker *w = &workers[cpu];
		struct padata_mt_job *idle = NULL;

		if (used >= want)
			break;
		if (cpu == me || !__atomic_load_n(&w->task, __ATOMIC_ACQUIRE))
			continue;
		__atomic_add_fetch(&job->running, 1, __ATOMIC_RELAXED);
		if (!__atomic_compare_exchange_n(&w->job, &idle, job, false,
						 __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
			__atomic_sub_fetch(&job->running, 1, __ATOMIC_RELAXED);
			continue;		/* busy with another job */
		}
		wake_up_all(&w->wq);
		used++;
	}
	do_chunks(job);
	if (__atomic_sub_fetch(&job->running, 1, __ATOMIC_ACQ_REL))
		wait_event(padata_wq, __atomic_load_n(&job->running, __ATOMIC_ACQUIRE) == 0);
	job->threads = used;
}
