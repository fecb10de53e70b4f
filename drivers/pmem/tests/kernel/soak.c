/*
 * The soak's CPU 0 side (soak.h says what a round is): the boot stage,
 * the workers' start and stop, and the round: its seed, its action, the
 * wait for the workers, then the books (soak_check.c). The soak stops at
 * the first round that breaks an invariant, prints every violation of
 * that round with the command line that replays it, and fails the run.
 *
 * Nothing here waits without a watchdog: the workers' progress and the
 * unbind (which waits for every pin a worker holds) are waited for at
 * most SOAK_WATCHDOG_MS; past it the round is a violation that says
 * where each worker stood, the soak stops without joining what is stuck,
 * and the run fails with a verdict instead of hanging.
 */
#include <drivers/pmem/tests/kernel/soak.h>
#include <drivers/base/device.h>
#include <kernel/boot_stage.h>
#include <kernel/completion.h>
#include <kernel/kthread.h>
#include <kernel/smp.h>
#include <kernel/timer.h>
#include <lib/boot_param.h>
#include <lib/bug.h>
#include <lib/cmdline.h>
#include <lib/errno.h>
#include <lib/ktime.h>
#include <lib/printk.h>
#include <lib/string.h>
#include <lib/vsprintf.h>
#include <mm/memremap.h>
#include <mm/memremap_graveyard.h>
#include <mm/slab.h>

#define REPORT_NS	(10 * NSEC_PER_SEC)

BOOT_PARAM(soak, "soak", "SECONDS (default: none)",
	   "run the soak on pmem0 for this long (make soak; it overwrites sectors 36864-37087)");
BOOT_PARAM(soak_seed, "soak.seed", "N (default: from the clock)", "the soak's seed");
BOOT_PARAM(soak_from, "soak.from", "ROUND (default 0)",
	   "the soak's first round: with soak.seed, replays a round");
BOOT_PARAM(soak_rounds, "soak.rounds", "N (default: no limit)",
	   "stop the soak after N rounds, or at its time, whichever comes first");

static struct soak_run run;

void soak_violation(struct soak_run *r, const char *fmt, ...)
{
	char msg[240];
	va_list ap;

	va_start(ap, fmt);
	vscnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	unsigned long from = r->round - MIN((unsigned long)r->replay_back, r->round - r->first);

	r->violations++;
	pr_err("soak: VIOLATION in round %lu: %s (replay: soak.seed=%llu soak.from=%lu "
	       "soak.rounds=%lu on %u CPUs)", r->round, msg, (unsigned long long)r->seed, from,
	       r->round - from + 1, r->nw + 1);
}

static unsigned long progress(const struct soak_run *r)
{
	unsigned long sum = 0;

	for (unsigned int i = 0; i < r->nw; i++)
		sum += __atomic_load_n(&r->w[i].progress, __ATOMIC_RELAXED);
	return sum;
}

static bool worker_done(const struct soak_run *r, const struct soak_worker *w)
{
	/* acquire: pairs with the worker's release of done, after its counters */
	return __atomic_load_n(&w->done, __ATOMIC_ACQUIRE) == r->round + 1;
}

static bool all_done(const struct soak_run *r)
{
	for (unsigned int i = 0; i < r->nw; i++)
		if (!worker_done(r, &r->w[i]))
			return false;
	return true;
}

static void report_stuck(struct soak_run *r, const char *what)
{
	soak_violation(r, "%s: nothing came back within %u s", what, SOAK_WATCHDOG_MS / 1000);
	for (unsigned int i = 0; i < r->nw; i++)
		if (!worker_done(r, &r->w[i]))
			pr_err("soak: the worker on CPU %u is in round %lu after %lu operations",
			       r->w[i].cpu, r->round,
			       __atomic_load_n(&r->w[i].progress, __ATOMIC_RELAXED));
	pr_err("soak: pmem0's pgmap is %s", pgmap_state_name(r->p->pgmap.state));
	r->stuck = true;
}

/*
 * Wait (polling the workers' counters: they never wake CPU 0) until they
 * have done `target` operations in this round, or all have finished it.
 */
static void wait_progress(struct soak_run *r, unsigned long target)
{
	uint64_t start = ktime_get_ns();

	while (progress(r) < target && !all_done(r)) {
		if (ktime_get_ns() - start > SOAK_WATCHDOG_MS * NSEC_PER_MSEC) {
			report_stuck(r, "the workers");
			return;
		}
		msleep(1);
	}
}

struct unbinder {
	struct soak_run *r;
	int err;				/* (t) read after `done` */
	struct completion done;
};

/* A helper thread on CPU 0: the unbind, which waits for the workers' pins. */
static int unbind_thread(void *arg)
{
	struct unbinder *u = arg;

	pmem_test_watch(u->r->p, NULL);
	u->err = device_unbind(&u->r->p->dev);
	pmem_test_take_log(&u->r->log);
	pmem_test_unwatch();
	complete(&u->done);
	return 0;
}

static void do_unbind(struct soak_run *r, uint64_t *rng)
{
	static struct unbinder u;	/* outlives a stuck round: never joined then */
	struct pmem_device *p = r->p;
	struct task_struct *th;
	int err;

	/* release: the odd epoch before anything of the unbind */
	__atomic_store_n(&soak_epoch, soak_epoch + 1, __ATOMIC_RELEASE);
	u = (struct unbinder){ .r = r };
	init_completion(&u.done);
	th = kthread_run_on(0, unbind_thread, &u);
	if (IS_ERR(th)) {
		soak_violation(r, "no thread for the unbind: %ld", PTR_ERR(th));
		/* back to the even epoch before: the binding never changed (an
		 * operation begun at the odd one is excused by e0 & 1 anyway) */
		__atomic_store_n(&soak_epoch, soak_epoch - 1, __ATOMIC_RELEASE);
		return;				/* still bound: the round ends as usual */
	}
	if (!wait_for_completion_timeout(&u.done, SOAK_WATCHDOG_MS)) {
		report_stuck(r, "the unbind of pmem0");
		return;
	}
	kthread_join(th);
	if (u.err)
		soak_violation(r, "unbind of pmem0: %d (%s)", u.err, errno_name(u.err));
	else if (!pmem_test_log_in_order(&r->log) || p->pgmap.state != PGMAP_DEAD)
		soak_violation(r, "unbind: %u teardown steps not killed, drained, unmapped, or "
			       "pgmap %s", r->log.n, pgmap_state_name(p->pgmap.state));
	wait_progress(r, progress(r) + soak_next(rng) % 64);
	if (r->stuck)
		return;
	err = device_bind(&p->dev, "pmem");
	if (err)
		soak_violation(r, "bind of pmem0: %d (%s)", err, errno_name(err));
	/* release: even again once the new binding is live */
	__atomic_store_n(&soak_epoch, soak_epoch + 1, __ATOMIC_RELEASE);
}

static void do_freeze(struct soak_run *r, uint64_t *rng)
{
	int err = blk_freeze_queue(&r->p->queue);

	if (err)
		soak_violation(r, "freeze of pmem0's queue: %d (%s)", err, errno_name(err));
	/* how long it stays frozen is only a shape of the workload */
	msleep((unsigned int)(soak_next(rng) % 5));
	blk_unfreeze_queue(&r->p->queue);	/* a freeze that timed out is undone too */
}

/* One round; false if it broke an invariant. */
static bool soak_round(struct soak_run *r)
{
	uint64_t seed = soak_mix(r->seed, r->round), rng = soak_mix(seed, 1000);
	unsigned long v0 = r->violations;
	enum soak_action a;

	/* nothing 1 in 4, unbind 2 in 4, freeze 1 in 4 */
	a = (enum soak_action[]){ SOAK_NOTHING, SOAK_UNBIND, SOAK_UNBIND,
				  SOAK_FREEZE }[soak_next(&rng) % 4];
	r->actions[a]++;
	for (unsigned int i = 0; i < r->nw; i++) {
		struct soak_worker *w = &r->w[i];

		w->seed = seed;
		memset(w->ops, 0, sizeof(w->ops));
		memset(w->failed, 0, sizeof(w->failed));
		w->violations = 0;
		w->why[0] = 0;
		__atomic_store_n(&w->progress, 0, __ATOMIC_RELAXED);
		/* release: the seed and the zeroed counters before go */
		__atomic_store_n(&w->go, r->round + 1, __ATOMIC_RELEASE);
	}
	wake_up_all(&soak_go_wq);
	wait_progress(r, soak_next(&rng) % (64 * r->nw));
	if (a == SOAK_UNBIND && !r->stuck)
		do_unbind(r, &rng);
	else if (a == SOAK_FREEZE && !r->stuck)
		do_freeze(r, &rng);
	if (!r->stuck)
		wait_progress(r, ~0UL);
	if (r->stuck)
		return false;		/* said above; the workers cannot be judged */
	for (unsigned int i = 0; i < r->nw; i++) {
		struct soak_worker *w = &r->w[i];

		for (unsigned int op = 0; op < SOAK_NR_OPS; op++) {
			r->ops[op] += w->ops[op];
			r->failed[op] += w->failed[op];
		}
		if (w->violations)
			soak_violation(r, "%s (%lu in all on CPU %u)", w->why, w->violations, w->cpu);
	}
	soak_check_round(r);
	return r->violations == v0;
}

static unsigned long total_ops(const struct soak_run *r)
{
	unsigned long n = 0;

	for (unsigned int op = 0; op < SOAK_NR_OPS; op++)
		n += r->ops[op];
	return n;
}

/* Start a worker on every online CPU but 0, on its own sectors. */
static int start_workers(struct soak_run *r)
{
	for (unsigned int c = 1; c < nr_cpu_ids && r->nw < SOAK_MAX_WORKERS; c++) {
		struct soak_worker *w = &r->w[r->nw];

		if (!cpu_online(c))
			continue;
		*w = (struct soak_worker){ .cpu = c, .p = r->p,
					   .base = SOAK_BASE + r->nw * SOAK_SECTORS };
		for (unsigned int i = 0; i < SOAK_SECTORS; i++) {
			stress_fill_sector(&w->buf, w->base + i, 0, c);
			if (pmem_rw(r->p, w->base + i, &w->buf, 1, PMEM_WRITE))
				return -EIO;
		}
		w->task = kthread_run_on(c, soak_worker_main, w);
		if (IS_ERR(w->task))
			return (int)PTR_ERR(w->task);
		r->nw++;
	}
	return r->nw ? 0 : -ENODEV;
}

static void report(const struct soak_run *r, uint64_t ns)
{
	unsigned long ms = (unsigned long)(ns / NSEC_PER_MSEC), ops = total_ops(r);

	pr_info("soak: %lu s: round %lu, %lu operations (%lu/s), %lu violations",
		ms / 1000, r->round, ops, ms ? ops * 1000 / ms : 0, r->violations);
}

static void summary(const struct soak_run *r, uint64_t ns)
{
	report(r, ns);
	for (unsigned int op = 0; op < SOAK_NR_OPS; op++)
		pr_info("soak: %-10s %lu (%lu failed while pmem0 was going)", soak_op_name(op),
			r->ops[op], r->failed[op]);
	pr_info("soak: %lu rounds (%lu with an unbind, %lu with a freeze; %lu with the memory "
		"books compared%s), %lu operations, %lu violations; seed %llu", r->rounds,
		r->actions[SOAK_UNBIND], r->actions[SOAK_FREEZE], r->booked,
		r->booked ? "" : ": too short, they are kept after 8 rounds", total_ops(r),
		r->violations, (unsigned long long)r->seed);
}

/* The arguments, or false with what is wrong in detail. */
static bool soak_args(const struct cmdline *cl, unsigned long *seconds, unsigned long *rounds,
		      struct soak_run *r, char *detail, size_t size)
{
	const char *secs = cmdline_get(cl, "soak"), *seed = cmdline_get(cl, "soak.seed");
	const char *from = cmdline_get(cl, "soak.from"), *max = cmdline_get(cl, "soak.rounds");
	unsigned long v = 0;

	*rounds = ~0UL;
	if (parse_ulong(secs, seconds) || *seconds == 0 || *seconds > 7 * 24 * 3600 ||
	    (seed && parse_ulong(seed, &v)) || (from && parse_ulong(from, &r->first)) ||
	    (max && (parse_ulong(max, rounds) || *rounds == 0))) {
		scnprintf(detail, size, "soak=%s soak.seed=%s soak.from=%s soak.rounds=%s: "
			  "expected SECONDS (1..604800), N, ROUND and N (1 or more)", secs,
			  seed ? seed : "", from ? from : "", max ? max : "");
		return false;
	}
	r->seed = seed ? v : soak_mix(ktime_get_ns(), 0);
	return true;
}

static enum verdict run_soak(const struct cmdline *cl, char *detail, size_t size)
{
	struct soak_run *r = &run;
	unsigned long seconds, rounds;
	uint64_t start, last;
	int err;

	if (!cmdline_get(cl, "soak"))
		return VERDICT_PASS;
	if (!soak_args(cl, &seconds, &rounds, r, detail, size))
		return VERDICT_FAIL;
	wait_for_device_probe();
	r->p = pmem_find("pmem0");
	if (!r->p || r->p->dev.state != DEVICE_BOUND || !r->p->has_pages ||
	    r->p->nr_sectors < SOAK_BASE + SOAK_MAX_WORKERS * SOAK_SECTORS ||
	    num_online_cpus() < 2) {
		scnprintf(detail, size, "soak: needs pmem0 bound with struct pages, %u sectors, and "
			  "2 CPUs or more (%u online)", SOAK_BASE + SOAK_MAX_WORKERS * SOAK_SECTORS,
			  num_online_cpus());
		if (r->p)
			put_device(&r->p->dev);
		return VERDICT_FAIL;
	}
	init_waitqueue_head(&soak_go_wq);
	r->warn0 = warn_count();
	r->late0 = memremap_late_accesses;
	err = start_workers(r);
	pr_info("soak: %lu s on pmem0 from %u CPUs (%u worker%s), seed %llu, from round %lu%s",
		seconds, r->nw + 1, r->nw, r->nw == 1 ? "" : "s", (unsigned long long)r->seed,
		r->first, err ? ": a worker could not start" : "");
	start = last = ktime_get_ns();
	for (r->round = r->first; !err; r->round++) {
		r->rounds++;
		if (!soak_round(r))
			break;
		if (ktime_get_ns() - last >= REPORT_NS) {
			last = ktime_get_ns();
			report(r, last - start);
		}
		if (ktime_get_ns() - start >= seconds * NSEC_PER_SEC || r->rounds == rounds)
			break;
	}
	summary(r, ktime_get_ns() - start);
	if (r->stuck) {
		/* what is stuck cannot be joined: end the run with the verdict */
		scnprintf(detail, size, "soak: stuck in round %lu (above)", r->round);
		return VERDICT_FAIL;
	}
	for (unsigned int i = 0; i < r->nw; i++)
		kthread_stop(r->w[i].task);
	put_device(&r->p->dev);
	if (err) {
		scnprintf(detail, size, "soak: a worker could not start: %d (%s)", err,
			  errno_name(err));
		return VERDICT_FAIL;
	}
	scnprintf(detail, size, "soak: %lu rounds, %lu operations, %lu violations",
		  r->rounds, total_ops(r), r->violations);
	return r->violations ? VERDICT_FAIL : VERDICT_PASS;
}

static const struct boot_stage soak_stage = {
	.name = "soak", .order = 30, .run = run_soak,
};
BOOT_STAGE(soak_stage);
