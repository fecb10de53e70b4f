/*
 * RCU, the sched flavour: readers are sections that cannot be preempted,
 * updaters wait for every reader that might still see the old version.
 *
 * Reader:
 *   rcu_read_lock();
 *   p = rcu_dereference(gp);         may be the old or the new object
 *   ... use *p; never sleep, never wait for a grace period ...
 *   rcu_read_unlock();               p must not be used after this
 *
 * Updater:
 *   rcu_assign_pointer(gp, new);     readers from now on may see `new`
 *   synchronize_rcu();               every reader that could see `old` is done
 *   free(old);
 * or, without waiting:
 *   call_rcu(&old->rcu, free_old);   free_old(&old->rcu) after a grace period
 *
 * The guarantee (a grace period): synchronize_rcu() returns, and a
 * call_rcu() callback runs, only after every read-side section that began
 * before the call has ended. rcu_barrier() waits until every callback
 * queued before it has run (call it before freeing what callbacks use).
 * Sections nest; rcu_read_lock_held() says whether the caller is in one.
 *
 * Rules: synchronize_rcu() and rcu_barrier() may wait, so never inside a
 * read-side section (they warn, naming the caller, and return at once);
 * call_rcu() may be called from anywhere, callbacks run in process context
 * outside any reader and must not sleep.
 *
 * Implementations: kernel/rcu.c, grace periods detected across CPUs from
 * context switches, the idle loop and the tick (docs/rcu.md);
 * arch/host/rcu.c, a multi-threaded RCU for host threads.
 */
#ifndef KERNEL_RCU_H
#define KERNEL_RCU_H

#include <lib/compiler.h>

struct rcu_head {
	struct rcu_head *next;
	void (*func)(struct rcu_head *head);
};

typedef void (*rcu_callback_t)(struct rcu_head *head);

void rcu_read_lock(void);
void rcu_read_unlock(void);
bool rcu_read_lock_held(void);

void synchronize_rcu(void);
void call_rcu(struct rcu_head *head, rcu_callback_t func);
void rcu_barrier(void);

/*
 * "This CPU is outside every reader here": a quiescent state, reported at
 * once, and the CPU's callbacks whose grace period is over run here (the
 * shell calls it between commands). Context switches, the idle loop and
 * the tick report quiescent states anyway; this only makes it sooner.
 * A no-op on the host (its grace periods need none).
 */
void rcu_quiescent_state(void);

/*
 * Publishing and reading an RCU-protected pointer. The release store in
 * rcu_assign_pointer() pairs with the acquire load in rcu_dereference():
 * a reader that sees the new pointer also sees the object's contents as
 * they were written before it was published. (Linux relies on address
 * dependencies for the reader; the acquire costs nothing on x86 and is
 * visible to ThreadSanitizer.)
 */
#define rcu_dereference(p)	__atomic_load_n(&(p), __ATOMIC_ACQUIRE)
#define rcu_assign_pointer(p, v) __atomic_store_n(&(p), (v), __ATOMIC_RELEASE)

#endif /* KERNEL_RCU_H */
