/*
 * Kernel thread stacks in the kstack area (kernel/kstack.h).
 *
 * The area is cut into KSTACK_SLOTS slots of twice KSTACK_SIZE; a bitmap
 * under kstack_lock says which are taken, and a cursor makes the search
 * next-fit. The pages come from alloc_pages(KSTACK_ORDER) and are mapped
 * with map_kernel_range() (write-back, not executable); the lower half of
 * each slot is never mapped.
 *
 * The lookups for the fault path (kstack_contains, kstack_guard_page)
 * take no lock: they run in an exception report, where a lock could be
 * held by the code that faulted. They read the bitmap as it is and then
 * ask the page tables, so a frame pointer into a stack that is being
 * freed is at worst refused, never followed into an unmapped page.
 */
#include <kernel/kstack.h>
#include <lib/errno.h>
#include <lib/printk.h>
#include <lib/spinlock.h>
#include <mm/memmap.h>
#include <mm/page_alloc.h>
#include <mm/vmap.h>
#include <asm/layout.h>

#define SLOT_SIZE	(2UL * KSTACK_SIZE)
#define BITS		(8 * sizeof(unsigned long))

_Static_assert((unsigned long long)KSTACK_SLOTS * SLOT_SIZE <=
	       KSTACK_AREA_END - KSTACK_AREA_START,
	       "the kstack area holds every slot");

static DEFINE_SPINLOCK(kstack_lock);
static unsigned long slot_map[KSTACK_SLOTS / BITS];	/* (L: kstack_lock) taken slots */
static unsigned int cursor;				/* (L: kstack_lock) next-fit start */
static unsigned int nr_stacks;				/* (L: kstack_lock) */

static unsigned long slot_base(unsigned int slot)
{
	return KSTACK_AREA_START + (unsigned long)slot * SLOT_SIZE;
}

static bool slot_taken(unsigned int slot)
{
	unsigned long word = __atomic_load_n(&slot_map[slot / BITS], __ATOMIC_RELAXED);

	return word & (1UL << (slot % BITS));
}

/* A free slot, marked taken; -1 if all are taken. */
static int take_slot(void)
{
	unsigned long flags;
	int found = -1;

	spin_lock_irqsave(&kstack_lock, flags);
	for (unsigned int i = 0; i < KSTACK_SLOTS; i++) {
		unsigned int s = (cursor + i) % KSTACK_SLOTS;

		if (!slot_taken(s)) {
			__atomic_fetch_or(&slot_map[s / BITS], 1UL << (s % BITS),
					  __ATOMIC_RELAXED);
			cursor = (s + 1) % KSTACK_SLOTS;
			nr_stacks++;
			found = (int)s;
			break;
		}
	}
	spin_unlock_irqrestore(&kstack_lock, flags);
	return found;
}

static void put_slot(unsigned int slot)
{
	unsigned long flags;

	spin_lock_irqsave(&kstack_lock, flags);
	__atomic_fetch_and(&slot_map[slot / BITS], ~(1UL << (slot % BITS)),
			   __ATOMIC_RELAXED);
	nr_stacks--;
	spin_unlock_irqrestore(&kstack_lock, flags);
}

int kstack_alloc(struct kstack *ks)
{
	struct page *page;
	unsigned long base;
	int slot, err;

	ks->base = NULL;
	slot = take_slot();
	if (slot < 0) {
		pr_err("kstack: all %u stack slots are taken", KSTACK_SLOTS);
		return -ENOMEM;
	}
	page = alloc_pages(KSTACK_ORDER);
	if (!page) {
		put_slot((unsigned int)slot);
		return -ENOMEM;
	}
	base = slot_base((unsigned int)slot) + KSTACK_SIZE;
	err = map_kernel_range(base, PFN_PHYS(page_to_pfn(page)), KSTACK_SIZE,
			       MAP_WB | MAP_NX);
	if (err) {
		__free_pages(page, KSTACK_ORDER);
		put_slot((unsigned int)slot);
		return err;
	}
	ks->base = (void *)base;
	ks->page = page;
	ks->slot = (unsigned int)slot;
	return 0;
}

void kstack_free(struct kstack *ks)
{
	if (!ks->base)
		return;
	/* Unmapped (and flushed everywhere) before the pages go back, so no
	 * CPU can write through a stale translation into a reused page. */
	if (unmap_kernel_range((unsigned long)ks->base, KSTACK_SIZE))
		pr_err("kstack: slot %u at %p could not be unmapped; leaking it",
		       ks->slot, ks->base);
	else {
		__free_pages(ks->page, KSTACK_ORDER);
		put_slot(ks->slot);
	}
	ks->base = NULL;
}

/* The slot holding addr, or -1 outside the slots. */
static long slot_of(unsigned long addr)
{
	if (addr < KSTACK_AREA_START ||
	    addr >= KSTACK_AREA_START + (unsigned long)KSTACK_SLOTS * SLOT_SIZE)
		return -1;
	return (long)((addr - KSTACK_AREA_START) / SLOT_SIZE);
}

bool kstack_contains(unsigned long addr, unsigned long len)
{
	long slot = slot_of(addr);
	unsigned long stack;

	if (slot < 0 || !slot_taken((unsigned int)slot))
		return false;
	stack = slot_base((unsigned int)slot) + KSTACK_SIZE;
	if (addr < stack || len > stack + KSTACK_SIZE - addr)
		return false;
	return kernel_virt_to_phys(addr) != PHYS_ADDR_INVALID &&
	       kernel_virt_to_phys(addr + len - 1) != PHYS_ADDR_INVALID;
}

bool kstack_guard_page(unsigned long addr)
{
	long slot = slot_of(addr);

	return slot >= 0 && addr - slot_base((unsigned int)slot) < KSTACK_SIZE;
}

unsigned int kstack_count(void)
{
	return __atomic_load_n(&nr_stacks, __ATOMIC_RELAXED);
}
