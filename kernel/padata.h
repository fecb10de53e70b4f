/*
 * padata_do_multithreaded(): one job split over every online CPU.
 * (Linux: kernel/padata.c, used there for deferred struct page init.)
 *
 * A job is a range of items [start, start + size) and a function that does
 * a sub-range of them. The caller's thread and the padata worker of each
 * other online CPU that is free (at most max_threads in all) take chunks
 * of `chunk` items from a shared cursor until none is left; the call
 * returns when every item is done. Items must be independent: the chunks
 * run in any order and at once.
 *
 *   struct padata_mt_job job = {
 *           .thread_fn = init_some, .fn_arg = &ctx,
 *           .start = 0, .size = nr_sections, .chunk = 1,
 *   };
 *   padata_do_multithreaded(&job);
 *
 * The workers are kernel threads made once, one per online CPU, by
 * padata_init() (start_kernel, once the CPUs are up; the host tests'
 * main). A job allocates nothing and cannot fail: a worker busy with
 * another job, or never made, is simply not used, and the caller does
 * what no worker takes. It is for process context (the caller sleeps
 * until the workers it used are done).
 *
 * Fields: (i) set by the caller before the call, read-only during it;
 * (a) atomic, written by the job's threads, readable by anyone during the
 * call (progress displays); (o) the caller's, valid after the call. The
 * caller owns the structure (usually on its stack): no worker touches it
 * after the call returns.
 */
#ifndef KERNEL_PADATA_H
#define KERNEL_PADATA_H

#include <lib/compiler.h>

struct padata_mt_job {
	/* (i) do items [start, end); called from several threads at once */
	void (*thread_fn)(unsigned long start, unsigned long end, void *arg);
	void *fn_arg;				/* (i) */
	unsigned long start;			/* (i) first item */
	unsigned long size;			/* (i) items in all */
	unsigned long chunk;			/* (i) items per take; 0 means 1 */
	unsigned int max_threads;		/* (i) 0: one per online CPU */
	unsigned long next;			/* (a) items handed out so far */
	unsigned long done;			/* (a) items finished so far */
	unsigned int running;			/* (a) workers still in the job */
	unsigned int threads;			/* (o) threads used, the caller included */
};

/* Make a worker on every online CPU that has none: 0, or -ENOMEM if one
 * could not be made (the others still serve). */
int padata_init(void);
void padata_do_multithreaded(struct padata_mt_job *job);

#endif /* KERNEL_PADATA_H */
