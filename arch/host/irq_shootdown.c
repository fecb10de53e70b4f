/*
 * Host build: interrupts as a per-thread flag, and the TLB shootdown's
 * wait for threads that have them off.
 *
 * What this models. In the kernel, fast GUP walks user page tables with
 * interrupts off and no lock; a page table is freed only after the TLB
 * shootdown that follows its unlinking, and the shootdown returns only
 * once every CPU running the mm has acknowledged it from its interrupt
 * handler (arch/x86/tlb.c). So a walk with interrupts off delays the free
 * of every table it may be reading. Without this file the host's
 * interrupt masking did nothing and its shootdown only counted: host runs
 * of the GUP races walked tables that a concurrent munmap could free, and
 * ASan and TSan could not check the protocol.
 *
 * The model: each thread owns a slot { off, mm, acks }. arch_irq_save()
 * sets off (recording the thread's current mm), arch_irq_restore() to
 * enabled clears it and counts one acknowledgement. flush_tlb_user_range(mm)
 * (arch/host/mmu_context.c) calls host_shootdown_wait(mm): for every
 * other thread with interrupts off in mm, it waits until that thread
 * enables them (its acks change). As in the kernel, a thread waiting in a
 * shootdown acknowledges requests itself meanwhile (it counts acks of its
 * own), so two threads that flush with interrupts off do not deadlock;
 * and as in the kernel, waiting with interrupts off for something a
 * flusher holds would deadlock.
 *
 * Ordering: setting off is a sequentially consistent exchange (a full
 * barrier; TSan takes no fences) before the walk reads any entry; the
 * flusher cleared its entries and does a sequentially consistent
 * read-modify-write before it reads off (flush_tlb_user_range's smp_mb()
 * in the kernel). Either the flusher
 * sees off and waits, or the walker sees the cleared entries. Clearing
 * off and counting acks are release stores, read with acquire: the
 * walker's last read of a table happens before the flusher frees it.
 *
 * Slots: HOST_IRQ_SLOTS, claimed at a thread's first use and given back
 * when it exits (a pthread key's destructor).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <mm/mm.h>
#include <asm/cpu.h>

#define HOST_IRQ_SLOTS	1024

static struct irq_slot {
	bool used;		/* atomic: claimed by a live thread */
	bool off;		/* atomic: its interrupts are off (owner writes) */
	struct mm_struct *mm;	/* atomic: its mm when it turned them off */
	unsigned long acks;	/* atomic: times it enabled them (release) */
} slots[HOST_IRQ_SLOTS];

static __thread struct irq_slot *my_slot;
static pthread_key_t slot_key;
static pthread_once_t slot_key_once = PTHREAD_ONCE_INIT;

static void slot_release(void *p)
{
	struct irq_slot *s = p;

	my_slot = NULL;		/* a later save in this thread claims afresh */
	__atomic_store_n(&s->off, false, __ATOMIC_RELEASE);
	__atomic_fetch_add(&s->acks, 1, __ATOMIC_RELEASE);
	__atomic_store_n(&s->used, false, __ATOMIC_RELEASE);
}

static void slot_key_init(void)
{
	if (pthread_key_create(&slot_key, slot_release)) {
		fprintf(stderr, "host irq model: pthread_key_create failed\n");
		abort();
	}
}

static struct irq_slot *slot(void)
{
	if (__builtin_expect(my_slot != NULL, 1))
		return my_slot;
	pthread_once(&slot_key_once, slot_key_init);
	for (unsigned int i = 0; i < HOST_IRQ_SLOTS; i++) {
		bool expected = false;

		if (__atomic_compare_exchange_n(&slots[i].used, &expected, true, false,
						__ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
			my_slot = &slots[i];
			pthread_setspecific(slot_key, my_slot);
			return my_slot;
		}
	}
	fprintf(stderr, "host irq model: more than %d threads at once\n", HOST_IRQ_SLOTS);
	abort();
}

unsigned long host_irq_save(void)
{
	struct irq_slot *s = slot();
	bool was_off = __atomic_load_n(&s->off, __ATOMIC_RELAXED);

	if (!was_off) {
		__atomic_store_n(&s->mm, *current_mm_slot(), __ATOMIC_RELAXED);
		/* a full barrier before any table read of the section, pairing
		 * with the flusher's; release: a flusher that sees off sees mm */
		(void)__atomic_exchange_n(&s->off, true, __ATOMIC_SEQ_CST);
	}
	return was_off ? 0 : HOST_FLAGS_IF;
}

void host_irq_restore(unsigned long flags)
{
	struct irq_slot *s = slot();

	if (!(flags & HOST_FLAGS_IF) || !__atomic_load_n(&s->off, __ATOMIC_RELAXED))
		return;		/* stays off, or was on already */
	/* release: the section's reads come before a flusher's free */
	__atomic_store_n(&s->off, false, __ATOMIC_RELEASE);
	__atomic_fetch_add(&s->acks, 1, __ATOMIC_RELEASE);
}

bool host_irqs_disabled(void)
{
	return __atomic_load_n(&slot()->off, __ATOMIC_RELAXED);
}

unsigned long host_shootdown_waits;	/* atomic: threads a shootdown waited for */
static unsigned long host_shootdown_flushes;	/* atomic: calls (for the barrier) */
unsigned long host_shootdown_waiting;	/* atomic: shootdowns waiting right now */

void host_shootdown_wait(struct mm_struct *mm)
{
	struct irq_slot *self = slot();

	/* the entries were cleared before: a full barrier, pairing with
	 * host_irq_save()'s exchange */
	__atomic_fetch_add(&host_shootdown_flushes, 1, __ATOMIC_SEQ_CST);
	for (unsigned int i = 0; i < HOST_IRQ_SLOTS; i++) {
		struct irq_slot *s = &slots[i];
		unsigned long acks;
		bool waited = false;

		if (s == self || !__atomic_load_n(&s->used, __ATOMIC_ACQUIRE))
			continue;
		acks = __atomic_load_n(&s->acks, __ATOMIC_ACQUIRE);
		if (__atomic_load_n(&s->off, __ATOMIC_ACQUIRE) &&
		    __atomic_load_n(&s->mm, __ATOMIC_RELAXED) == mm) {
			waited = true;
			__atomic_fetch_add(&host_shootdown_waiting, 1, __ATOMIC_SEQ_CST);
		}
		while (__atomic_load_n(&s->off, __ATOMIC_ACQUIRE) &&
		       __atomic_load_n(&s->mm, __ATOMIC_RELAXED) == mm &&
		       __atomic_load_n(&s->acks, __ATOMIC_ACQUIRE) == acks) {
			/* answer our own requests while we wait */
			if (__atomic_load_n(&self->off, __ATOMIC_RELAXED))
				__atomic_fetch_add(&self->acks, 1, __ATOMIC_RELEASE);
			sched_yield();
		}
		if (waited) {
			__atomic_fetch_sub(&host_shootdown_waiting, 1, __ATOMIC_SEQ_CST);
			__atomic_fetch_add(&host_shootdown_waits, 1, __ATOMIC_RELAXED);
		}
	}
}
