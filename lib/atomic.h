/*
 * Atomic counters with an explicit memory order, and READ_ONCE/WRITE_ONCE.
 *
 * atomic_t wraps an int, atomic_long_t a long; both are only ever touched
 * through these functions, so every access is single-copy atomic and
 * visible to ThreadSanitizer in the host build. The names and argument
 * order are Linux's (atomic_add(i, v)); atomic_long_* mirror atomic_*.
 *
 * Ordering, in the names:
 *
 *   atomic_read, atomic_set            relaxed: atomic, orders nothing
 *   atomic_read_acquire                later accesses stay after it
 *   atomic_set_release                 earlier accesses stay before it
 *   atomic_add/sub/inc/dec (void)      relaxed read-modify-write
 *   atomic_OP_return, atomic_fetch_OP,
 *   atomic_xchg, atomic_cmpxchg,
 *   atomic_dec_and_test, ...           fully ordered (as if smp_mb() stood
 *                                      before and after)
 *   ..._relaxed / _acquire / _release  the same operation with the weaker
 *                                      order the suffix names
 *
 * On x86 every read-modify-write here is one lock-prefixed instruction
 * (lock xadd, lock cmpxchg, xchg), which is a full barrier whatever the
 * suffix, and every plain load/store is already an acquire/release
 * (<asm/barrier.h>). The suffixes still matter: they tell the compiler
 * what it may move, they are what the host build and ThreadSanitizer check,
 * and they document the pairing: every _acquire and _release below names,
 * at its call site, the access on the other CPU it pairs with.
 *
 * Overflow wraps (two's complement); it is never undefined behaviour.
 *
 * cmpxchg(v, old, new) returns the value it found (the swap happened iff
 * that equals old); try_cmpxchg(v, &old, new) returns whether it swapped
 * and, when it did not, writes the value found into old, which is what
 * a retry loop wants.
 */
#ifndef LIB_ATOMIC_H
#define LIB_ATOMIC_H

#include <lib/compiler.h>
#include <asm/barrier.h>

typedef struct { int counter; } atomic_t;
typedef struct { long counter; } atomic_long_t;

#define ATOMIC_INIT(i)		{ (i) }
#define ATOMIC_LONG_INIT(i)	{ (i) }

/*
 * READ_ONCE(x) / WRITE_ONCE(x, v): one whole, untorn access to a scalar
 * that another CPU (or an interrupt handler) may change or read at the
 * same time. The compiler may not merge, split, repeat or drop it. No CPU
 * ordering: pair with a barrier or use the acquire/release forms.
 */
#define __rwonce_check(x)						\
	_Static_assert(sizeof(x) == 1 || sizeof(x) == 2 ||		\
		       sizeof(x) == 4 || sizeof(x) == 8,		\
		       "READ_ONCE/WRITE_ONCE work on 1, 2, 4 or 8 byte scalars")
#define READ_ONCE(x) ({ __rwonce_check(x); __atomic_load_n(&(x), __ATOMIC_RELAXED); })
#define WRITE_ONCE(x, v) do {						\
	__rwonce_check(x);						\
	__atomic_store_n(&(x), (v), __ATOMIC_RELAXED);			\
} while (0)

/*
 * smp_load_acquire(p) / smp_store_release(p, v): a load that later
 * accesses stay after, a store that earlier accesses stay before; a plain
 * load / store on x86 (<asm/barrier.h>), ordered for the compiler and
 * checked by ThreadSanitizer on the host.
 */
#define smp_load_acquire(p)	__atomic_load_n((p), __ATOMIC_ACQUIRE)
#define smp_store_release(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELEASE)

#define __A_RELAXED	__ATOMIC_RELAXED
#define __A_ACQUIRE	__ATOMIC_ACQUIRE
#define __A_RELEASE	__ATOMIC_RELEASE
#define __A_FULL	__ATOMIC_SEQ_CST

/* The failure order of a compare-exchange may not be a release. */
#define __A_FAIL_RELAXED	__ATOMIC_RELAXED
#define __A_FAIL_ACQUIRE	__ATOMIC_ACQUIRE
#define __A_FAIL_RELEASE	__ATOMIC_RELAXED
#define __A_FAIL_FULL		__ATOMIC_SEQ_CST

/* One operation in one order: name##sfx. */
#define __ATOMIC_ORDERED_OPS(p, A, T, sfx, ord)				\
static inline T p##_add_return##sfx(T i, A *v)				\
{ return __atomic_add_fetch(&v->counter, i, __A_##ord); }		\
static inline T p##_sub_return##sfx(T i, A *v)				\
{ return __atomic_sub_fetch(&v->counter, i, __A_##ord); }		\
static inline T p##_inc_return##sfx(A *v)				\
{ return __atomic_add_fetch(&v->counter, 1, __A_##ord); }		\
static inline T p##_dec_return##sfx(A *v)				\
{ return __atomic_sub_fetch(&v->counter, 1, __A_##ord); }		\
static inline T p##_fetch_add##sfx(T i, A *v)				\
{ return __atomic_fetch_add(&v->counter, i, __A_##ord); }		\
static inline T p##_fetch_sub##sfx(T i, A *v)				\
{ return __atomic_fetch_sub(&v->counter, i, __A_##ord); }		\
static inline T p##_fetch_or##sfx(T i, A *v)				\
{ return __atomic_fetch_or(&v->counter, i, __A_##ord); }		\
static inline T p##_fetch_and##sfx(T i, A *v)				\
{ return __atomic_fetch_and(&v->counter, i, __A_##ord); }		\
static inline T p##_xchg##sfx(A *v, T n)				\
{ return __atomic_exchange_n(&v->counter, n, __A_##ord); }		\
static inline bool p##_try_cmpxchg##sfx(A *v, T *old, T n)		\
{									\
	return __atomic_compare_exchange_n(&v->counter, old, n, false,	\
					   __A_##ord, __A_FAIL_##ord);	\
}									\
static inline T p##_cmpxchg##sfx(A *v, T old, T n)			\
{									\
	p##_try_cmpxchg##sfx(v, &old, n);				\
	return old;							\
}

#define __ATOMIC_OPS(p, A, T)						\
static inline T p##_read(const A *v)					\
{ return __atomic_load_n(&v->counter, __ATOMIC_RELAXED); }		\
static inline T p##_read_acquire(const A *v)				\
{ return __atomic_load_n(&v->counter, __ATOMIC_ACQUIRE); }		\
static inline void p##_set(A *v, T i)					\
{ __atomic_store_n(&v->counter, i, __ATOMIC_RELAXED); }			\
static inline void p##_set_release(A *v, T i)				\
{ __atomic_store_n(&v->counter, i, __ATOMIC_RELEASE); }			\
static inline void p##_add(T i, A *v)					\
{ __atomic_fetch_add(&v->counter, i, __ATOMIC_RELAXED); }		\
static inline void p##_sub(T i, A *v)					\
{ __atomic_fetch_sub(&v->counter, i, __ATOMIC_RELAXED); }		\
static inline void p##_inc(A *v)	{ p##_add(1, v); }		\
static inline void p##_dec(A *v)	{ p##_sub(1, v); }		\
__ATOMIC_ORDERED_OPS(p, A, T, , FULL)					\
__ATOMIC_ORDERED_OPS(p, A, T, _relaxed, RELAXED)			\
__ATOMIC_ORDERED_OPS(p, A, T, _acquire, ACQUIRE)			\
__ATOMIC_ORDERED_OPS(p, A, T, _release, RELEASE)			\
/* Fully ordered; true if the new value is zero. */			\
static inline bool p##_dec_and_test(A *v)				\
{ return p##_dec_return(v) == 0; }					\
static inline bool p##_inc_and_test(A *v)				\
{ return p##_inc_return(v) == 0; }					\
static inline bool p##_sub_and_test(T i, A *v)				\
{ return p##_sub_return(i, v) == 0; }					\
/* Add a unless the value is u; fully ordered when it adds. Returns	\
 * whether it added (Linux's atomic_add_unless). */			\
static inline bool p##_add_unless(A *v, T a, T u)			\
{									\
	T c = p##_read(v);						\
	do {								\
		if (c == u)						\
			return false;					\
	} while (!p##_try_cmpxchg(v, &c, c + a));			\
	return true;							\
}									\
static inline bool p##_inc_not_zero(A *v)				\
{ return p##_add_unless(v, 1, 0); }

__ATOMIC_OPS(atomic, atomic_t, int)
__ATOMIC_OPS(atomic_long, atomic_long_t, long)

#undef __ATOMIC_OPS
#undef __ATOMIC_ORDERED_OPS

#endif /* LIB_ATOMIC_H */
