/*
 * The soak's CPU 0 side (soak.h says what a round is): the boot stage,
 * the round's action, and the invariants checked after every round. The
 * soak stops at the first round that breaks one, prints every violation
 * of that round with the command line that replays it, and fails the run.
 *
 * Checked after each round, with every worker idle and nothing pinned or
 * mapped:
 *   - pmem0 bound, its pgmap live, refs = 1 + pages exactly, every device
 *     page at refcount 1 (the single-reference rule, docs/lifetimes.md);
 *   - its queue live with nothing in flight;
 *   - an unbind's teardown ran killed, drained, unmapped, and left DEAD;
 *   - no page both free and referenced: zone_check() walks the free lists
 *     (each block PG_buddy at refcount 0, the counts agree);
 *   - no warning, no late access to a removed memmap, no violation seen
 *     by a worker (a wrong page from GUP, a lost or stray write, an error
 *     other than the one documented for a device going away);
 *   - after every round from the ninth of the run on: free pages, kmalloc
 *     objects, free per-CPU bytes, pmem0's device references and the
 *     pgmaps are what they were after the eighth (the first rounds warm
 *     the caches; a leak shows within a few rounds of a replay too).
 */
#include <drivers/pmem/tests/kernel/soak.h>
#include <drivers/base/device.h>
#include <kernel/boot_stage.h>
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
#include <mm/page_alloc.h>
#include <mm/page_ref.h>
#include <mm/slab.h>

#define WARMUP_ROUNDS	8
#define REPORT_NS	(10 * NSEC_PER_SEC)

BOOT_PARAM(soak, "soak", "SECONDS (default: none)",
	   "run the soak on pmem0 for this long (make soak)");
BOOT_PARAM(soak_seed, "soak.seed", "N (default: from the clock)", "the soak's seed");
BOOT_PARAM(soak_from, "soak.from", "ROUND (default 0)",
	   "the soak's first round: with soak.seed, replays a round");

/* The run: CPU 0's only (the boot thread), but the workers' (i) fields. */
struct soak_run {
	struct pmem_device *p;
	uint64_t seed;
	unsigned long first, round;		/* the first round, the one running */
	unsigned long rounds;			/* rounds run (the last may have failed) */
	struct soak_worker w[SOAK_MAX_WORKERS];
	unsigned int nw;
	unsigned long actions[SOAK_NR_ACTIONS];
	unsigned long ops[SOAK_NR_OPS], failed[SOAK_NR_OPS];
	unsigned long violations;
	/* the books at the start (warnings, late accesses) and after warm-up */
	unsigned long warn0, late0, refcount0;
	unsigned int pgmaps0;
	struct mem_sample base;
	struct pmem_teardown_log log;
	void *saved;
};

static struct soak_run run;

__printf(2, 3) static void soak_violation(struct soak_run *r, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vscnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	r->violations++;
	pr_err("soak: VIOLATION in round %lu: %s (replay: soak.seed=%llu soak.from=%lu)",
	       r->round, msg, (unsigned long long)r->seed, r->round);
}

static unsigned long progress(const struct soak_run *r)
{
	unsigned long sum = 0;

	for (unsigned int i = 0; i < r->nw; i++)
		sum += __atomic_load_n(&r->w[i].progress, __ATOMIC_RELAXED);
	return sum;
}

static bool all_done(const struct soak_run *r)
{
	for (unsigned int i = 0; i < r->nw; i++)
		if (__atomic_load_n(&r->w[i].done, __ATOMIC_ACQUIRE) != r->round + 1)
			return false;
	return true;
}

/*
 * Wait until the workers have done `target` operations in this round, or
 * all have finished it. The watchdog only turns a stuck round into a
 * violation that names where each worker stood.
 */
static void wait_progress(struct soak_run *r, unsigned long target)
{
	uint64_t start = ktime_get_ns();

	while (progress(r) < target && !all_done(r)) {
		if (ktime_get_ns() - start > SOAK_WATCHDOG_MS * NSEC_PER_MSEC) {
			for (unsigned int i = 0; i < r->nw; i++)
				soak_violation(r, "worker on CPU %u stuck after %lu operations for "
					       "%u s", r->w[i].cpu,
					       __atomic_load_n(&r->w[i].progress, __ATOMIC_RELAXED),
					       SOAK_WATCHDOG_MS / 1000);
			return;
		}
		msleep(1);
	}
}

/* CPU 0's action of the round, at a random point of the workers' progress. */
static void do_action(struct soak_run *r, enum soak_action a, uint64_t *rng)
{
	struct pmem_device *p = r->p;
	int err;

	wait_progress(r, soak_next(rng) % (64 * r->nw));
	switch (a) {
	case SOAK_UNBIND:
		pmem_test_watch(p, NULL);
		err = device_unbind(&p->dev);	/* waits for the workers' pins */
		pmem_test_take_log(&r->log);
		pmem_test_unwatch();
		if (err)
			soak_violation(r, "unbind of pmem0: %d (%s)", err, errno_name(err));
		else if (!pmem_test_log_in_order(&r->log) || p->pgmap.state != PGMAP_DEAD)
			soak_violation(r, "unbind: %u teardown steps not killed, drained, "
				       "unmapped, or pgmap %s", r->log.n,
				       pgmap_state_name(p->pgmap.state));
		wait_progress(r, progress(r) + soak_next(rng) % 64);
		err = device_bind(&p->dev, "pmem");
		if (err)
			soak_violation(r, "bind of pmem0: %d (%s)", err, errno_name(err));
		break;
	case SOAK_FREEZE:
		err = blk_freeze_queue(&p->queue);
		if (err)
			soak_violation(r, "freeze of pmem0's queue: %d (%s)", err, errno_name(err));
		/* how long it stays frozen is only a shape of the workload */
		msleep((unsigned int)(soak_next(rng) % 5));
		if (!err)
			blk_unfreeze_queue(&p->queue);
		break;
	default:
		break;
	}
}

static unsigned long pages_not_idle(struct pmem_device *p)
{
	unsigned long bad = 0;

	for (unsigned long i = 0; i < p->pgmap.nr_pages; i++)
		bad += page_ref_count(__pfn_to_page(p->pgmap.pfn_first + i)) != 1;
	return bad;
}

static void check_pmem0(struct soak_run *r)
{
	struct pmem_device *p = r->p;
	unsigned long live;
	long refs;

	if (p->dev.state != DEVICE_BOUND || p->pgmap.state != PGMAP_LIVE) {
		soak_violation(r, "pmem0 not bound (pgmap %s)", pgmap_state_name(p->pgmap.state));
		return;
	}
	if (memremap_check_invariant(&p->pgmap, &refs, &live) ||
	    refs != 1 + (long)p->pgmap.nr_pages)
		soak_violation(r, "pgmap refs %ld, live pages %lu, pages %lu: expected refs = "
			       "1 + pages", refs, live, p->pgmap.nr_pages);
	live = pages_not_idle(p);
	if (live)
		soak_violation(r, "%lu device pages not at refcount 1 with nothing pinned", live);
	if (strcmp(blk_queue_state(&p->queue), "live") || blk_queue_in_flight(&p->queue))
		soak_violation(r, "pmem0's queue %s with %ld in flight",
			       blk_queue_state(&p->queue), blk_queue_in_flight(&p->queue));
}

static void check_books(struct soak_run *r)
{
	struct dev_pagemap *all[MAX_PGMAPS];
	struct mem_sample now;
	char msg[120];

	if (warn_count() != r->warn0)
		soak_violation(r, "%lu warning(s) (above)", warn_count() - r->warn0);
	if (memremap_late_accesses != r->late0)
		soak_violation(r, "%lu late access(es) to a removed memmap",
			       memremap_late_accesses - r->late0);
	if (zone_check(&zone_normal, msg, sizeof(msg)))
		soak_violation(r, "free lists: %s", msg);
	if (r->rounds < WARMUP_ROUNDS)
		return;
	mem_sample(&now);
	if (r->rounds == WARMUP_ROUNDS) {
		r->base = now;
		r->refcount0 = device_refcount(&r->p->dev);
		r->pgmaps0 = pgmap_snapshot(all, MAX_PGMAPS);
		pr_info("soak: the books after %u rounds: %lu free pages, %lu kmalloc objects, "
			"%zu free per-CPU bytes", WARMUP_ROUNDS, now.free_pages, now.kmalloc_inuse,
			now.percpu_free);
		return;
	}
	if (now.free_pages != r->base.free_pages || now.kmalloc_inuse != r->base.kmalloc_inuse ||
	    now.percpu_free != r->base.percpu_free)
		soak_violation(r, "leak: free pages %lu -> %lu, kmalloc objects %lu -> %lu, "
			       "free per-CPU bytes %zu -> %zu", r->base.free_pages, now.free_pages,
			       r->base.kmalloc_inuse, now.kmalloc_inuse, r->base.percpu_free,
			       now.percpu_free);
	if (device_refcount(&r->p->dev) != r->refcount0 ||
	    pgmap_snapshot(all, MAX_PGMAPS) != r->pgmaps0)
		soak_violation(r, "pmem0 references %lu (were %lu), pgmaps %u (were %u)",
			       device_refcount(&r->p->dev), r->refcount0,
			       pgmap_snapshot(all, MAX_PGMAPS), r->pgmaps0);
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
		w->bound_throughout = a != SOAK_UNBIND;
		memset(w->ops, 0, sizeof(w->ops));
		memset(w->failed, 0, sizeof(w->failed));
		w->violations = 0;
		w->why[0] = 0;
		__atomic_store_n(&w->progress, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&w->go, r->round + 1, __ATOMIC_RELEASE);
	}
	wake_up_all(&soak_go_wq);
	do_action(r, a, &rng);
	wait_progress(r, ~0UL);
	if (!all_done(r))
		return false;		/* stuck: said above; the workers cannot be judged */
	for (unsigned int i = 0; i < r->nw; i++) {
		struct soak_worker *w = &r->w[i];

		for (unsigned int op = 0; op < SOAK_NR_OPS; op++) {
			r->ops[op] += w->ops[op];
			r->failed[op] += w->failed[op];
		}
		if (w->violations)
			soak_violation(r, "%s (%lu in all on CPU %u)", w->why, w->violations, w->cpu);
	}
	check_pmem0(r);
	check_books(r);
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

static enum verdict run_soak(const struct cmdline *cl, char *detail, size_t size)
{
	const char *secs = cmdline_get(cl, "soak"), *seed = cmdline_get(cl, "soak.seed");
	const char *from = cmdline_get(cl, "soak.from");
	struct soak_run *r = &run;
	unsigned long seconds, v;
	uint64_t start, last;
	size_t bytes;
	int err;

	if (!secs)
		return VERDICT_PASS;
	if (parse_ulong(secs, &seconds) || seconds == 0 || seconds > 7 * 24 * 3600 ||
	    (seed && parse_ulong(seed, &v)) || (from && parse_ulong(from, &r->first))) {
		scnprintf(detail, size, "soak=%s soak.seed=%s soak.from=%s: expected SECONDS "
			  "(1..604800), N and ROUND", secs, seed ? seed : "", from ? from : "");
		return VERDICT_FAIL;
	}
	r->seed = seed ? (parse_ulong(seed, &v), v) : soak_mix(ktime_get_ns(), 0);
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
	bytes = SOAK_MAX_WORKERS * SOAK_SECTORS * PMEM_SECTOR_SIZE;
	r->saved = kmalloc(bytes);
	if (!r->saved || pmem_rw(r->p, SOAK_BASE, r->saved, bytes / PMEM_SECTOR_SIZE, PMEM_READ)) {
		scnprintf(detail, size, "soak: cannot save pmem0's sectors %u..%zu", SOAK_BASE,
			  SOAK_BASE + bytes / PMEM_SECTOR_SIZE - 1);
		kfree(r->saved);
		put_device(&r->p->dev);
		return VERDICT_FAIL;
	}
	init_waitqueue_head(&soak_go_wq);
	r->warn0 = warn_count();
	r->late0 = memremap_late_accesses;
	err = start_workers(r);
	pr_info("soak: %lu s on pmem0 from %u CPUs (%u worker%s), seed %llu, from round %lu%s",
		seconds, r->nw + 1, r->nw, r->nw == 1 ? "" : "s", (unsigned long long)r->seed, r->first,
		err ? ": a worker could not start" : "");
	start = last = ktime_get_ns();
	for (r->round = r->first; !err; r->round++) {
		r->rounds++;
		if (!soak_round(r))
			break;
		if (ktime_get_ns() - last >= REPORT_NS) {
			last = ktime_get_ns();
			report(r, last - start);
		}
		if (ktime_get_ns() - start >= seconds * NSEC_PER_SEC)
			break;
	}
	for (unsigned int i = 0; i < r->nw; i++)
		kthread_stop(r->w[i].task);
	if (r->p->dev.state == DEVICE_BOUND &&
	    pmem_rw(r->p, SOAK_BASE, r->saved, bytes / PMEM_SECTOR_SIZE, PMEM_WRITE))
		pr_err("soak: could not put pmem0's sectors %u..%zu back", SOAK_BASE,
		       SOAK_BASE + bytes / PMEM_SECTOR_SIZE - 1);
	kfree(r->saved);
	report(r, ktime_get_ns() - start);
	for (unsigned int op = 0; op < SOAK_NR_OPS; op++)
		pr_info("soak: %-8s %lu (%lu failed while pmem0 was going)", soak_op_name(op),
			r->ops[op], r->failed[op]);
	pr_info("soak: %lu rounds (%lu with an unbind, %lu with a freeze), %lu operations, "
		"%lu violations; seed %llu", r->rounds, r->actions[SOAK_UNBIND],
		r->actions[SOAK_FREEZE], total_ops(r), r->violations, (unsigned long long)r->seed);
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
