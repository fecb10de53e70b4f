/*
 * `meminfo` (mm/meminfo.c). The boot stages (self-tests, benchmarks, soak)
 * provoke failed allocations and refused frees on purpose; after them,
 * meminfo_boot_stages_done() records the counters, and `meminfo` shows
 * what happened since, with the stages' share apart, so that a person at
 * the shell never mistakes a test's leftovers for a fault.
 */
#ifndef MM_MEMINFO_H
#define MM_MEMINFO_H

void meminfo_boot_stages_done(void);

#endif /* MM_MEMINFO_H */
