/*
 * What the pmem test files share: finding pmem0 (or skipping without an
 * NVDIMM) and reproducible byte patterns.
 */
#ifndef DRIVERS_PMEM_TESTS_PMEM_TEST_H
#define DRIVERS_PMEM_TESTS_PMEM_TEST_H

#include <drivers/pmem/pmem.h>
#include <lib/ktest.h>

/* Fill len bytes from a xorshift64 stream seeded with seed (never 0). */
static inline void pmem_test_pattern(void *buf, size_t len, uint64_t seed)
{
	uint64_t x = seed ? seed : 0x9e3779b97f4a7c15ULL;
	uint8_t *p = buf;

	for (size_t i = 0; i < len; i++) {
		if (!(i & 7)) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
		}
		p[i] = (uint8_t)(x >> ((i & 7) * 8));
	}
}

/* The RAM-backed device of suite drivers.pmem.ram (pmem_test.c). */
#define PMEM_TEST_RAM	"pmem-ram"

/*
 * The device called name, bound, with a reference the caller puts; for
 * an NVDIMM device, skips the case with "no NVDIMM" when there is none.
 */
struct pmem_device *pmem_test_get(struct ktest *t, const char *name);

/*
 * The device the suites that need struct pages and several CPUs run on:
 * pmem0 with an NVDIMM; without one, where the platform offers a range
 * that is no RAM (the host), a stand-in called PMEM_TEST_STANDIN over
 * 32 MiB of it; otherwise the case skips with "no NVDIMM". Bound, with a
 * reference the caller puts.
 */
#define PMEM_TEST_STANDIN	"pmem-standin"
struct pmem_device *pmem_test_device(struct ktest *t);
/* The platform's range for the stand-in: 0, or -ENODEV (the kernel). */
int pmem_test_standin_range(uint64_t size, phys_addr_t *phys);
/*
 * The stand-in itself, created on first use, bound or not, with a
 * reference the caller puts; NULL where the platform has no range (the
 * kernel) or it cannot be created. For code that is no test case (the
 * host's DAX benchmarks).
 */
struct pmem_device *pmem_test_standin(void);
/*
 * The device the DAX benchmarks map (dax_bench.c): pmem0 bound with struct
 * pages, else the stand-in, bound; with a reference the caller puts, or NULL.
 */
struct pmem_device *dax_bench_pmem(void);

/*
 * The memory books a no-leak check compares (pmem_test.c): page-allocator
 * free pages, kmalloc objects in use, free dynamic per-CPU bytes, taken
 * after an RCU barrier and a shrink of the kmalloc caches, so deferred
 * frees have landed and empty slabs are given back.
 */
struct mem_sample {
	unsigned long free_pages, kmalloc_inuse;
	size_t percpu_free;
};
void mem_sample(struct mem_sample *m);
/*
 * The books a fault-injection case compares after each failed attempt:
 * the memory sample and the pgmap lookup's slots in use. mem_books_back()
 * says whether they are back at base, and if not fails the case naming
 * attempt n, the point that failed (at) and each difference.
 */
struct mem_books {
	struct mem_sample mem;
	unsigned int pgmaps;
};
void mem_books_now(struct mem_books *b);
bool mem_books_back(struct ktest *t, const struct mem_books *base, unsigned int n,
		    const char *at);

/*
 * Watch p's teardown steps (pmem_teardown_observer) as they happen, from
 * now until pmem_test_unwatch(): each is logged, and at_unmap (may be
 * NULL) runs at PMEM_EV_UNMAPPED, to look at what else holds then. One
 * watch at a time; the log is read by the thread that unbinds.
 */
#define PMEM_TEST_MAX_STEPS	8
struct pmem_teardown_log {
	enum pmem_event steps[PMEM_TEST_MAX_STEPS];
	unsigned int n;			/* steps seen (may exceed the array) */
};
void pmem_test_watch(struct pmem_device *p, void (*at_unmap)(void));
void pmem_test_unwatch(void);
/* Copy the log so far and start a new one. */
void pmem_test_take_log(struct pmem_teardown_log *out);
/* Is the log exactly killed, drained, unmapped? */
bool pmem_test_log_in_order(const struct pmem_teardown_log *log);

#endif /* DRIVERS_PMEM_TESTS_PMEM_TEST_H */
