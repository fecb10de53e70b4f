/*
 * Address spaces: creating them, mapping regions of their user range,
 * running in them, faulting pages in. docs/gup.md explains the whole;
 * mm/mm_types.h has the structures and their life story, mm/gup.h the
 * pinning of pages.
 *
 *   struct mm_struct *mm = mm_create();
 *   long a = mmap_anon(mm, 0, 16 * PAGE_SIZE, PROT_READ | PROT_WRITE);
 *   use_mm(mm);                          this CPU now runs on mm's tables
 *   ((char *)a)[0] = 1;                  faults a zeroed page in
 *   unuse_mm(mm);
 *   munmap(mm, a, 16 * PAGE_SIZE);       pages and tables freed after the flush
 *   mmput(mm);                           the creator's reference: all gone
 *
 * Addresses and lengths are bytes; a start must be page-aligned, a length
 * is rounded up to whole pages. The user range is [MMAP_MIN_ADDR,
 * USER_ADDR_END): the lowest 64 KiB are never mapped, so that a kernel
 * NULL-pointer dereference always faults. Errors are negative errnos; bad
 * arguments also print one line naming what was wrong.
 */
#ifndef MM_MM_H
#define MM_MM_H

#include <lib/compiler.h>
#include <mm/mm_types.h>
#include <asm/mmu_context.h>

#define MMAP_MIN_ADDR	0x10000UL
#define MMAP_BASE	0x10000000000UL	/* 1 TiB: where mmap(0, ...) starts looking */

#define PROT_NONE	0x0
#define PROT_READ	0x1
#define PROT_WRITE	0x2	/* x86 cannot map write-only: implies PROT_READ */
#define PROT_EXEC	0x4	/* implies PROT_READ too */

/* --- life (mm/mm.c) --------------------------------------------------- */

/* A new, empty address space (users 1, count 1), or NULL without memory. */
struct mm_struct *mm_create(void);

static inline void mmget(struct mm_struct *mm)
{
	__atomic_fetch_add(&mm->mm_users, 1, __ATOMIC_RELAXED);
}

/* A user reference, unless the last one is already gone. */
bool mmget_not_zero(struct mm_struct *mm);

/* Drop a user reference; the last one tears every mapping down. */
void mmput(struct mm_struct *mm);

/* The creator's way of saying it is done: its mmput(). */
static inline void mm_destroy(struct mm_struct *mm)
{
	mmput(mm);
}

static inline void mmgrab(struct mm_struct *mm)
{
	__atomic_fetch_add(&mm->mm_count, 1, __ATOMIC_RELAXED);
}

/* Drop a structure reference; the last one frees the table and the mm. */
void mmdrop(struct mm_struct *mm);

/*
 * Make the calling thread run "in" mm: its CPU loads mm's top-level table
 * (CR3), so that user addresses mean mm's mappings, and current_mm() is
 * mm. The kernel
 * half is the same in every table, so the caller runs on unchanged.
 * unuse_mm() goes back to the kernel's own table. The caller must hold a
 * user reference for as long as it touches user addresses; use_mm() keeps
 * the table itself alive (mmgrab) until unuse_mm(). One mm at a time per
 * thread; the mm is the thread's (it follows it through every switch),
 * so the thread may sleep and be preempted in between. A thread must
 * unuse_mm() before it exits.
 */
void use_mm(struct mm_struct *mm);
void unuse_mm(struct mm_struct *mm);

/* The address space the running thread runs in, or NULL (the kernel's). */
struct mm_struct *current_mm(void);

/*
 * The scheduler's part (kernel/sched_core.c, interrupts masked): this CPU
 * leaves a thread that ran in prev for one that runs in next (either may
 * be NULL): CPU mask bits and the table to load.
 */
void switch_mm_irqs_off(struct mm_struct *prev, struct mm_struct *next);

/*
 * Where the running thread's mm is kept: in its task (kernel/task_mm.c,
 * on the host too).
 */
struct mm_struct **current_mm_slot(void);

/* --- regions (mm/mmap.c) ---------------------------------------------- */

/*
 * Map zero-filled memory, faulted in page by page. addr 0: anywhere free
 * (2 MiB-aligned when len is at least 2 MiB); otherwise exactly there, and
 * -EEXIST if any of it is mapped. Returns the start address (>= 0) or
 * -EINVAL (bad address, length or prot), -EEXIST, -ENOMEM.
 */
long mmap_anon(struct mm_struct *mm, unsigned long addr, unsigned long len,
	       unsigned int prot);

/*
 * The same for a region that ops->fault fills (mm/mm_types.h); priv is
 * the region's vm_private_data and ops->vm_flags are added to its flags.
 * The object offset of the start is 0.
 */
long mmap_with_ops(struct mm_struct *mm, unsigned long addr, unsigned long len,
		   unsigned int prot, const struct vm_operations_struct *ops, void *priv);

/*
 * Unmap [addr, addr + len): regions are cut where the range starts and
 * ends, the pages' mapping references and the emptied page tables are
 * released after the TLB flush. Holes are fine. 0 or -EINVAL, -ENOMEM
 * (a region could not be cut; nothing changed).
 */
int munmap(struct mm_struct *mm, unsigned long addr, unsigned long len);

/*
 * Change the access of [addr, addr + len), which must be mapped
 * throughout (-ENOMEM otherwise, Linux's answer). Mapped pages get the new
 * permissions at once (flushed); PROT_NONE keeps them but makes every
 * access fault. A 2 MiB leaf only partly in the range is unmapped and
 * faults back in as its handler decides.
 */
int mprotect(struct mm_struct *mm, unsigned long addr, unsigned long len,
	     unsigned int prot);

/* --- looking regions up (mm/vma.c); mmap_lock held ---------------------- */

/* The first region that ends above addr (it may start above it too). */
struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr);
/* The region containing addr, or NULL. */
struct vm_area_struct *vma_lookup(struct mm_struct *mm, unsigned long addr);
/* Regions in address order. */
struct vm_area_struct *vma_first(struct mm_struct *mm);
struct vm_area_struct *vma_next(struct vm_area_struct *vma);

/* --- faults (mm/memory.c) ----------------------------------------------- */

/*
 * Make the page at addr accessible as `flags` (FAULT_FLAG_*) asks: find
 * the region, check its permissions, then map a zeroed page (anonymous)
 * or what the region's handler answers. 0 when the access may be retried;
 * -EFAULT (no region there), -EACCES (the region forbids the access),
 * -ENOMEM, or the handler's error. The caller holds mm's mmap_lock
 * (reading is enough).
 */
int handle_mm_fault(struct mm_struct *mm, unsigned long addr, unsigned int flags);

/*
 * The same, taking and dropping the mmap_lock (the page-fault handler's).
 * With FAULT_FLAG_NOWAIT (the faulting code held a spinlock, or had
 * interrupts off) it does not wait for the lock: -EAGAIN if it is taken.
 */
int handle_user_fault(struct mm_struct *mm, unsigned long addr, unsigned int flags);

/*
 * The leaf entry mapping addr right now (read once, no lock: a snapshot)
 * and its level (PT_PTE or PT_PMD): 0, or -ENOENT if nothing maps it
 * (a PROT_NONE leaf is returned: it maps, but is not present).
 */
int follow_pte(struct mm_struct *mm, unsigned long addr, pte_t *entry,
	       enum pt_level *level);

#endif /* MM_MM_H */
