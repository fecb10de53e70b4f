/*
 * Dynamic per-CPU allocation: one object per CPU, all at the same offset
 * of each CPU's area, named by one template address (<asm/percpu.h>).
 *
 *   unsigned long __percpu *c = alloc_percpu(unsigned long);
 *   this_cpu_inc(*c);                        this CPU's copy, one instruction
 *   sum += *per_cpu_ptr(c, cpu);             any CPU's copy
 *   free_percpu(c);
 *
 * (A count summed like this is a per-CPU statistic: mm/percpu_stat.h.)
 *
 * The objects come from the dynamic region of the areas
 * (PERCPU_DYNAMIC_SIZE bytes per CPU, fixed at build time), zeroed in
 * every CPU's area. When the region cannot satisfy a request, the
 * allocation fails with a warning that says what was asked for, by whom,
 * and how much is left, and returns NULL: callers handle NULL (percpu_ref
 * returns -ENOMEM).
 *
 * May be called from any context (a spinlock with interrupts masked
 * guards the map; zeroing happens outside it). Not before
 * percpu_init_boot_cpu() in the kernel.
 */
#ifndef MM_PERCPU_H
#define MM_PERCPU_H

#include <lib/compiler.h>
#include <asm/percpu.h>

/* Allocation granule and the smallest alignment of every object. */
#define PERCPU_MIN_ALIGN	8

void __percpu *__alloc_percpu(size_t size, size_t align);
void free_percpu(void __percpu *ptr);

#define alloc_percpu(type) \
	((type __percpu *)__alloc_percpu(sizeof(type), __alignof__(type)))

/* Bytes of the dynamic region not allocated (the same in every area). */
size_t percpu_dynamic_free(void);

/*
 * For the architecture, before any per-CPU access: every one of the
 * NR_CPUS areas gets its copy of the template [template_start,
 * template_end), its offset and its cpu_number (panics if the template
 * outgrows PERCPU_DYNAMIC_OFFSET).
 */
void percpu_setup_areas(char (*areas)[PERCPU_AREA_SIZE], char *template_start,
			char *template_end);

#endif /* MM_PERCPU_H */
