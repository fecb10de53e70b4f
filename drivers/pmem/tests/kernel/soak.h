/*
 * The soak (`make soak`, docs/testing.md, "Soak"): a boot stage that runs
 * rounds of random work on pmem0 from every CPU until `soak=SECONDS` have
 * passed, and checks the books between rounds.
 *
 * A round, numbered from 0, has its own seed, soak_mix(run's seed, round
 * number), so `soak.seed=S soak.from=R` on the same number of CPUs gives
 * round R again: the same operations, in the same order, on each CPU (each
 * worker draws the same numbers whatever its operations return; the
 * interleaving between CPUs is the machine's). In it:
 *   - each worker (a kernel thread on CPUs 1..) runs 64-255 random
 *     operations: map pmem0 DAX into an address space of its own, munmap
 *     a piece of the mapping, destroy the address space, pin pages with
 *     fast or slow GUP, unpin, fault a page in, write a sector of its own
 *     and read it back (soak_worker.c);
 *   - CPU 0 meanwhile does the round's action at a random point of the
 *     workers' progress: nothing, unbind and bind pmem0, or freeze and
 *     unfreeze its queue (soak.c);
 *   - at the end every worker drops what it holds, and CPU 0 checks the
 *     books (soak_check.c).
 *
 * When may an operation fail? Only while pmem0's binding changes under
 * it: CPU 0 makes soak_epoch odd before an unbind and even again once the
 * bind has returned; an operation may fail (with the errno the API gives
 * for a device going away) if the epoch was odd or changed while it ran,
 * or if it went through a mapping of unknown age (made while a binding
 * changed).
 * An operation through a mapping made under an earlier binding must fail
 * (EFAULT): such a mapping never works again (drivers/pmem/dax.c). Every
 * other failure, and a stale mapping that works, is a violation.
 *
 * A worker's life: started once by CPU 0, it waits for the next round
 * number (`go`), runs it, publishes `done`, and waits again, until
 * kthread_stop(). Field legends: docs/layout.md. In struct soak_worker:
 * (i) set by CPU 0 before the thread starts; (o) the worker thread's own;
 * (t) handed over: `seed` from CPU 0 to the worker (written before CPU 0's
 * release of `go`, read after the worker's acquire of it), the round's
 * counters from the worker to CPU 0 (written before the worker's release
 * of `done`, read after CPU 0's acquire of it; CPU 0 zeroes them before
 * the next `go`).
 */
#ifndef DRIVERS_PMEM_TESTS_KERNEL_SOAK_H
#define DRIVERS_PMEM_TESTS_KERNEL_SOAK_H

#include <drivers/pmem/tests/pmem_stress.h>
#include <kernel/wait.h>

#define SOAK_MAX_WORKERS	7		/* CPUs 1..7 */
#define SOAK_SECTORS		32		/* a worker's own sectors */
#define SOAK_BASE		(32768 + 4096)	/* the first: 18 MiB into pmem0 */
#define SOAK_LEN		(4UL << 20)	/* a worker maps pmem0's first 4 MiB */
#define SOAK_PAGES		(SOAK_LEN >> PAGE_SHIFT)
#define SOAK_ADDR		0x40000000UL	/* at this address, 2 MiB aligned */
#define SOAK_SLOTS		16		/* pins a worker holds at most */
#define SOAK_PIN_MAX		8		/* pages per GUP call */
#define SOAK_WATCHDOG_MS	120000		/* a round that takes longer is stuck */
#define SOAK_WARMUP		8		/* rounds before the memory books are kept */

enum soak_op {
	SOAK_MAP, SOAK_MUNMAP, SOAK_DESTROY, SOAK_PIN_FAST, SOAK_PIN_SLOW, SOAK_UNPIN,
	SOAK_FAULT, SOAK_IO, SOAK_NR_OPS
};

/* What CPU 0 does during a round. */
enum soak_action { SOAK_NOTHING, SOAK_UNBIND, SOAK_FREEZE, SOAK_NR_ACTIONS };

/* Odd while pmem0's binding changes (a): CPU 0 stores, release; workers load, acquire. */
extern unsigned long soak_epoch;
#define SOAK_EPOCH_UNKNOWN	(~0UL)

struct soak_pin {
	struct page *pages[SOAK_PIN_MAX];	/* (o) */
	unsigned int n;				/* (o) 0: the slot is free */
	unsigned long epoch;			/* (o) soak_epoch when they were pinned */
};

struct soak_worker {
	unsigned int cpu;			/* (i) */
	struct pmem_device *p;			/* (i) pmem0, a reference held by CPU 0 */
	uint64_t base;				/* (i) its first sector */
	struct task_struct *task;		/* (i) */
	unsigned long go;			/* (a) the round to run, plus 1 */
	unsigned long done;			/* (a) the last round run, plus 1 */
	unsigned long progress;			/* (a) operations done in this round */
	uint64_t seed;				/* (t) the round's, from CPU 0 */
	uint64_t rng;				/* (o) the round's random stream */
	struct mm_struct *mm;			/* (o) NULL: nothing mapped */
	unsigned long map_epoch;		/* (o) the binding (soak_epoch, even) of mm's
						 * mapping; SOAK_EPOCH_UNKNOWN if one changed
						 * while it was made */
	unsigned long holes[SOAK_PAGES / 64];	/* (o) pages munmap'd since */
	struct soak_pin held[SOAK_SLOTS];	/* (o) */
	unsigned long ops[SOAK_NR_OPS];		/* (t) this round's */
	unsigned long failed[SOAK_NR_OPS];	/* (t) ... that failed, as allowed */
	unsigned long violations;		/* (t) */
	char why[160];				/* (t) the first violation */
	uint64_t latest[SOAK_SECTORS];		/* (o) generation last written there */
	uint64_t next_gen;			/* (o) */
	struct stress_sector buf;		/* (o) */
};

/*
 * The run: one, static, owned by CPU 0's boot thread (o) from the boot
 * stage's start to its end; the workers read only their own struct
 * soak_worker in it.
 */
struct soak_run {
	struct pmem_device *p;			/* (o) pmem0, with a reference */
	uint64_t seed;				/* (o) */
	unsigned long first, round;		/* (o) the first round, the one running */
	unsigned long rounds;			/* (o) rounds run (the last may have failed) */
	unsigned long booked;			/* (o) rounds whose memory books were compared */
	bool stuck;				/* (o) a worker or the unbind never came back */
	unsigned int replay_back;		/* (o) rounds before this one a replay needs */
	struct soak_worker w[SOAK_MAX_WORKERS];
	unsigned int nw;			/* (o) workers started */
	unsigned long actions[SOAK_NR_ACTIONS];	/* (o) */
	unsigned long ops[SOAK_NR_OPS], failed[SOAK_NR_OPS];	/* (o) sums of the rounds */
	unsigned long violations;		/* (o) */
	/* (o) the books: at the start (warnings, late accesses), after the warm-up */
	unsigned long warn0, late0, refcount0;
	unsigned int pgmaps0;
	struct mem_sample base;
	struct pmem_teardown_log log;		/* (o) the last unbind's steps */
};

/* Print a violation of the running round with the line that replays it. */
__printf(2, 3) void soak_violation(struct soak_run *r, const char *fmt, ...);
/* What the books say after round r->round (soak_check.c). */
void soak_check_round(struct soak_run *r);

extern wait_queue_head_t soak_go_wq;		/* workers wait here for `go` */

/* The worker thread (arg: its struct soak_worker). */
int soak_worker_main(void *arg);
/* Mix a seed and a number into a new seed (splitmix64). */
uint64_t soak_mix(uint64_t seed, uint64_t n);
static inline uint64_t soak_next(uint64_t *s)
{
	*s = soak_mix(*s, 0x9e3779b97f4a7c15ULL);
	return *s;
}
const char *soak_op_name(enum soak_op op);

#endif /* DRIVERS_PMEM_TESTS_KERNEL_SOAK_H */
