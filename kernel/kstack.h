/*
 * Kernel thread stacks with a guard below each one.
 *
 * A stack is KSTACK_SIZE bytes of pages from the page allocator (one
 * block of order KSTACK_ORDER), mapped at the top of a slot of the
 * kstack area (<asm/layout.h>); the lower half of the slot stays
 * unmapped:
 *
 *   slot base                  slot base + KSTACK_SIZE     slot end
 *   |---- guard: never mapped ----|---- the stack (mapped) ----|
 *                                  ^ kstack.base               ^ kstack_top()
 *
 * A thread that overflows its stack writes into the guard and faults;
 * the CPU cannot push the fault's frame there either, which makes it a
 * double fault, handled on its own IST stack and reported as a stack
 * overflow (kstack_guard_page() tells the report). The backtrace walker
 * accepts frame pointers on live stacks (kstack_contains()).
 *
 * Slots are handed out next-fit, so a slot freed now is reused as late as
 * possible: a stale pointer into a dead thread's stack faults instead of
 * reading a new thread's frames.
 *
 * Life: kstack_alloc() by the thread's creator; the thread runs on it;
 * kstack_free() once the thread is off its CPU for good (kthread_join(),
 * see kernel/sched.h). kstack_free() unmaps, which flushes the TLB on
 * every CPU, so it needs interrupts enabled and may not be called from
 * the scheduler itself.
 */
#ifndef KERNEL_KSTACK_H
#define KERNEL_KSTACK_H

#include <lib/compiler.h>
#include <asm/page.h>

#define KSTACK_ORDER	2
#define KSTACK_SIZE	(PAGE_SIZE << KSTACK_ORDER)	/* 16 KiB */
#define KSTACK_SLOTS	8192				/* stacks alive at once */

struct page;

struct kstack {
	void *base;		/* lowest byte of the stack; NULL if none */
	struct page *page;	/* the block behind it */
	unsigned int slot;
};

/* A fresh stack in *ks: 0, -ENOMEM (no pages, page tables or slot). */
int kstack_alloc(struct kstack *ks);
void kstack_free(struct kstack *ks);

static inline void *kstack_top(const struct kstack *ks)
{
	return (char *)ks->base + KSTACK_SIZE;
}

/* [addr, addr + len) lies on a live thread stack (for backtraces). */
bool kstack_contains(unsigned long addr, unsigned long len);
/* addr lies in the guard of a stack slot (for the fault report). */
bool kstack_guard_page(unsigned long addr);
/* Stacks allocated now (for the `threads` command and tests). */
unsigned int kstack_count(void);

#endif /* KERNEL_KSTACK_H */
