/*
 * The soak (`make soak`, docs/testing.md, "Soak"): a boot stage that runs
 * rounds of random work on pmem0 from every CPU until `soak=SECONDS` have
 * passed, and checks the books between rounds.
 *
 * A round, numbered from 0, has its own seed, computed from the run's
 * seed and its number alone (soak_round_seed()), so `soak.seed=S
 * soak.from=R` replays round R with the same operations in the same order
 * on each CPU (the interleaving between CPUs is the machine's). In it:
 *   - each worker (a kernel thread on CPUs 1..) runs 64-255 random
 *     operations: map pmem0 DAX into an address space of its own, unmap
 *     it, pin pages with fast or slow GUP, unpin, fault a page in, write a
 *     sector of its own and read it back (soak_worker.c);
 *   - CPU 0 meanwhile does the round's action at a random point of the
 *     workers' progress: nothing, unbind and bind pmem0, or freeze and
 *     unfreeze its queue (soak.c);
 *   - at the end every worker drops what it holds, and CPU 0 checks the
 *     invariants (soak.c, check_round()).
 *
 * A worker's life: started once by CPU 0, it waits for the next round
 * number (`go`), runs it, publishes `done`, and waits again, until
 * kthread_stop(). Field legends: docs/layout.md; (t) fields are written
 * by the worker during a round and read by CPU 0 only after it has seen
 * `done` for that round (acquire, pairing with the worker's release).
 */
#ifndef DRIVERS_PMEM_TESTS_KERNEL_SOAK_H
#define DRIVERS_PMEM_TESTS_KERNEL_SOAK_H

#include <drivers/pmem/tests/pmem_stress.h>
#include <kernel/wait.h>

#define SOAK_MAX_WORKERS	7		/* CPUs 1..7 */
#define SOAK_SECTORS		32		/* a worker's own sectors */
#define SOAK_BASE		(32768 + 4096)	/* the first: 18 MiB into pmem0 */
#define SOAK_LEN		(4UL << 20)	/* a worker maps pmem0's first 4 MiB */
#define SOAK_ADDR		0x40000000UL	/* at this address, 2 MiB aligned */
#define SOAK_SLOTS		16		/* pins a worker holds at most */
#define SOAK_PIN_MAX		8		/* pages per GUP call */
#define SOAK_WATCHDOG_MS	120000		/* a round that takes longer is stuck */

enum soak_op {
	SOAK_MAP, SOAK_UNMAP, SOAK_PIN_FAST, SOAK_PIN_SLOW, SOAK_UNPIN, SOAK_FAULT,
	SOAK_IO, SOAK_NR_OPS
};

/* What CPU 0 does during a round. */
enum soak_action { SOAK_NOTHING, SOAK_UNBIND, SOAK_FREEZE, SOAK_NR_ACTIONS };

struct soak_pin {
	struct page *pages[SOAK_PIN_MAX];
	unsigned long first_pfn;	/* what pages[0] must be */
	unsigned int n;
};

struct soak_worker {
	unsigned int cpu;			/* (i) */
	struct pmem_device *p;			/* (i) pmem0, a reference held by CPU 0 */
	uint64_t base;				/* (i) its first sector */
	struct task_struct *task;		/* (i) */
	unsigned long go;			/* (a) the round to run: CPU 0 stores (release) */
	unsigned long done;			/* (a) the last round run: the worker stores (release) */
	unsigned long progress;			/* (a) operations done in this round */
	/* the round's, (t) */
	uint64_t seed;				/* the round's seed, set by CPU 0 with go */
	bool bound_throughout;			/* no unbind this round: every operation must work */
	uint64_t rng;
	struct mm_struct *mm;			/* NULL: nothing mapped */
	struct soak_pin held[SOAK_SLOTS];
	unsigned long ops[SOAK_NR_OPS], failed[SOAK_NR_OPS];
	unsigned long violations;
	char why[160];				/* the first violation */
	/* across rounds, (o) the worker's */
	uint64_t latest[SOAK_SECTORS];		/* generation last written there */
	uint64_t next_gen;
	struct stress_sector buf;
};

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
