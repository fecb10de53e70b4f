/*
 * Host build: the barriers of arch/x86/include/asm/barrier.h for code
 * that runs as host threads, in the C11 memory model's terms.
 *
 *   barrier()            a compiler-only fence (atomic_signal_fence)
 *   smp_mb(), mb()       a sequentially consistent thread fence
 *   smp_rmb(), rmb()     an acquire fence (orders earlier loads)
 *   smp_wmb(), wmb()     a release fence (orders later stores)
 *
 * ThreadSanitizer does not model stand-alone fences (GCC refuses to
 * compile them with -fsanitize=thread). Under TSan the CPU fences become
 * a locked no-op on a thread-local word, which still orders this CPU's
 * accesses on an x86 host but tells TSan nothing: code checked by TSan
 * must publish through atomics with acquire/release (lib/atomic.h),
 * never through plain accesses and a fence. The compiler fence stays.
 */
#ifndef ASM_BARRIER_H
#define ASM_BARRIER_H

#define barrier()		__atomic_signal_fence(__ATOMIC_SEQ_CST)

#ifdef __SANITIZE_THREAD__
extern __thread int host_fence_word;
#define __host_fence(order) \
	((void)__atomic_fetch_add(&host_fence_word, 0, __ATOMIC_SEQ_CST))
#else
#define __host_fence(order)	__atomic_thread_fence(order)
#endif

#define smp_mb()		__host_fence(__ATOMIC_SEQ_CST)
#define smp_rmb()		__host_fence(__ATOMIC_ACQUIRE)
#define smp_wmb()		__host_fence(__ATOMIC_RELEASE)
#define mb()			smp_mb()
#define rmb()			smp_rmb()
#define wmb()			smp_wmb()

#define smp_mb__before_atomic()	smp_mb()
#define smp_mb__after_atomic()	smp_mb()

#endif /* ASM_BARRIER_H */
