/*
 * Memory barriers on x86-64, and what each one means here.
 *
 * x86 is "TSO" (total store order) for ordinary write-back memory:
 *
 *   load  -> load    kept in order by the CPU
 *   store -> store   kept in order by the CPU
 *   load  -> store   kept in order by the CPU
 *   store -> load    NOT kept: a store may wait in the store buffer while
 *                    a later load to another address is served. The only
 *                    reordering; the one smp_mb() exists for.
 *
 * and every lock-prefixed instruction (xchg with memory, lock add, lock
 * cmpxchg: all the read-modify-write atomics of lib/atomic.h) is a full
 * barrier. So:
 *
 *   barrier()    compiler only: the compiler may not move memory accesses
 *                across it, nor cache a value in a register across it.
 *                No instruction.
 *   smp_mb()     full barrier between CPUs: `lock addl $0,-4(%rsp)`, a
 *                locked no-op on the stack, which drains the store buffer
 *                like MFENCE but is cheaper on most cores. Needed only for
 *                store -> load ordering (Dekker / "store my flag, then
 *                read yours").
 *   smp_rmb()    load -> load between CPUs: the CPU already keeps that
 *                order, so barrier() (the compiler must not reorder).
 *   smp_wmb()    store -> store between CPUs: likewise barrier().
 *   smp_mb__before_atomic() / smp_mb__after_atomic()
 *                around a relaxed atomic RMW to make it fully ordered:
 *                the lock prefix already is, so barrier().
 *
 *   mb() rmb() wmb()
 *                for device memory and non-temporal / write-combining
 *                stores, which TSO does not cover: MFENCE, LFENCE, SFENCE.
 *                (Persistent-memory flushes use SFENCE after CLWB.)
 *
 * Acquire and release (smp_load_acquire, smp_store_release, and the
 * _acquire/_release atomics, all in lib/atomic.h) cost nothing on x86
 * beyond keeping the compiler in line: every load is an acquire and every
 * store a release. They are written with the compiler's __atomic builtins
 * so that the same generic code is correct on the host build, where
 * ThreadSanitizer checks the pairs (arch/host/include/asm/barrier.h).
 *
 * Every use of a barrier names the barrier it pairs with on the other
 * side; a barrier without a partner orders nothing anyone can observe.
 */
#ifndef ASM_BARRIER_H
#define ASM_BARRIER_H

#define barrier()		__asm__ volatile("" ::: "memory")

#define mb()			__asm__ volatile("mfence" ::: "memory")
#define rmb()			__asm__ volatile("lfence" ::: "memory")
#define wmb()			__asm__ volatile("sfence" ::: "memory")

#define smp_mb()		__asm__ volatile("lock; addl $0,-4(%%rsp)" ::: "memory", "cc")
#define smp_rmb()		barrier()
#define smp_wmb()		barrier()

#define smp_mb__before_atomic()	barrier()
#define smp_mb__after_atomic()	barrier()

#endif /* ASM_BARRIER_H */
