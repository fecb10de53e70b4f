/*
 * The writer threads of suite drivers.pmem.stress (pmem_bind_stress_test.c says
 * what the suite checks): the sector format, the threads that write and
 * read back on the CPUs other than 0, and their counters. The case code
 * (CPU 0) starts, samples, stops and judges them.
 */
#ifndef DRIVERS_PMEM_TESTS_PMEM_STRESS_H
#define DRIVERS_PMEM_TESTS_PMEM_STRESS_H

#include <drivers/pmem/tests/pmem_test.h>
#include <kernel/kthread.h>

#define STRESS_MAX_WRITERS	7		/* CPUs 1..7 */
#define STRESS_SECTORS		32		/* per writer */
#define STRESS_BASE		16384		/* first sector used: 8 MiB in */
#define STRESS_MAGIC		0x5354524553534d50ULL	/* "PMSSERTS" */
#define STRESS_WATCHDOG_MS	20000
#define STRESS_WAIT_NS		(10 * NSEC_PER_SEC)

/* The layout of a written sector; crc covers every byte before it. */
struct stress_sector {
	uint64_t magic;
	uint64_t sector;
	uint64_t gen;
	uint32_t cpu;
	uint8_t fill[PMEM_SECTOR_SIZE - 32];
	uint32_t crc;
} __packed;
_Static_assert(sizeof(struct stress_sector) == PMEM_SECTOR_SIZE, "a sector");

/*
 * One writer (field legends: docs/layout.md). (t) written by the writer
 * thread only, read by CPU 0 after kthread_stop() (the join orders them);
 * (a) atomic, read by CPU 0 while the writer runs; (i) set by CPU 0 before
 * the thread starts.
 */
struct stress_writer {
	unsigned int cpu;			/* (i) */
	uint64_t base;				/* (i) first sector */
	struct task_struct *task;		/* (i) NULL: not started */
	uint64_t latest[STRESS_SECTORS];	/* (t) last generation that succeeded */
	unsigned long nr_ok, nr_refused;	/* (a) */
	unsigned long nr_other;			/* (t) errors other than -ENODEV */
	int first_other;			/* (t) the first of them */
	unsigned long ok_after_unbind;		/* (t) successes seen after an unbind returned */
	bool watchdog;				/* (t) the watchdog ended it */
	uint64_t next_gen;			/* (t) never reused, across runs */
	unsigned long nr_checked, nr_bad;	/* (t) read-backs before a write, wrong ones */
	const char *bad_why;			/* (t) the first wrong one */
	uint64_t bad_sector, bad_gen, bad_expected;
	struct stress_sector buf, rbuf;		/* (t) */
	struct pmem_request rq;			/* (t) */
};

/* The writers of the case running now (set up by stress_writers_init()). */
extern struct stress_writer stress_writers[STRESS_MAX_WRITERS];
extern unsigned int nr_stress_writers;
extern struct pmem_device *stress_pmem;		/* the device they write to */
/*
 * 1 from the return of a device_unbind() until just before the next
 * device_bind(): a write completing with status 0 while it is 1 ran on an
 * unmapped range. Release store by CPU 0 after device_unbind() returned,
 * acquire load in the writer's end_io: since end_io runs inside the
 * usage reference, which unbind waits for, a correct driver never lets
 * the writer see 1 there.
 */
extern int stress_unbound;

/* A sector as the writers write it: sector number, generation, CPU. */
void stress_fill_sector(struct stress_sector *s, uint64_t sector, uint64_t gen, unsigned int cpu);
/* NULL if s is an intact sector `sector` of writer cpu, else what is wrong. */
const char *stress_sector_problem(const struct stress_sector *s, uint64_t sector, unsigned int cpu);
/* One writer per online CPU but 0 (at most STRESS_MAX_WRITERS), not started. */
void stress_writers_init(void);
/* 0, or the error of the first thread that could not be started. */
int stress_writers_start(void);
/* Stop and join every started writer; how many did not return 0. */
unsigned int stress_writers_stop(void);

/* A counter of every writer, for the sums and waits below. */
typedef unsigned long *(*writer_field)(struct stress_writer *w);
static inline unsigned long *f_ok(struct stress_writer *w) { return &w->nr_ok; }
static inline unsigned long *f_refused(struct stress_writer *w) { return &w->nr_refused; }
static inline unsigned long *f_other(struct stress_writer *w) { return &w->nr_other; }
static inline unsigned long *f_after(struct stress_writer *w) { return &w->ok_after_unbind; }
static inline unsigned long *f_checked(struct stress_writer *w) { return &w->nr_checked; }
unsigned long stress_writers_sum(writer_field field);
/* Wait until every writer's counter has grown past snap[]: true if it did. */
bool stress_writers_wait_past(writer_field field, const unsigned long *snap);
void stress_writers_snap(writer_field field, unsigned long *snap);

#endif /* DRIVERS_PMEM_TESTS_PMEM_STRESS_H */
