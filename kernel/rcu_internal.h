/*
 * What kernel/rcu.c (grace periods) and kernel/rcu_cb.c (callbacks) share:
 * the per-CPU callback lists and the grace-period state. docs/rcu.md and
 * the top of kernel/rcu.c explain both; nothing outside those two files
 * includes this.
 */
#ifndef KERNEL_RCU_INTERNAL_H
#define KERNEL_RCU_INTERNAL_H

#include <kernel/rcu.h>
#include <kernel/wait.h>
#include <lib/compiler.h>
#include <lib/spinlock.h>
#include <asm/percpu.h>

_Static_assert(NR_CPUS <= 64, "qs_pending and cpus are 64-bit masks");

#define ULONG_CMP_GE(a, b)	((long)((a) - (b)) >= 0)

struct task_struct;

struct rcu_cblist {
	struct rcu_head *head;
	struct rcu_head **tail;		/* a zeroed list (tail NULL) is empty */
};

/*
 * One per CPU (field legends: docs/layout.md). (L) under `lock`; (L/a)
 * written under it, read atomically without it; (p) by this CPU only,
 * interrupts masked; (a) atomic; (i) set once when the CPU starts.
 */
struct rcu_data {
	spinlock_t lock;
	struct rcu_cblist next;		/* (L) queued, no GP chosen yet */
	struct rcu_cblist wait;		/* (L) waiting for GP wait_gp */
	unsigned long wait_gp;		/* (L/a) stored atomically: gp_ended() peeks */
	struct rcu_cblist done;		/* (L) their GP is over: to invoke */
	unsigned long n_cbs;		/* (a) queued and not yet invoked */
	unsigned long qs_gp;		/* (p) the GP last reported for */
	unsigned long n_invoked;	/* (a) statistics */
	struct task_struct *kthread;	/* (i) "rcu/N" */
} __aligned(64);

extern struct rcu_data rcu_data[NR_CPUS];

/* (L) under `lock`; (L/a) the two counters are also read atomically. */
struct rcu_state {
	spinlock_t lock;
	unsigned long gp_started;	/* (L/a) release store, acquire loads */
	unsigned long gp_completed;	/* (L/a) release store, acquire loads */
	unsigned long gp_needed;	/* (L) */
	uint64_t qs_pending;		/* (L) */
	uint64_t cpus;			/* (L) */
	uint64_t gp_start_ns;		/* (L) for the stall warning */
	unsigned long stall_warned_gp;	/* (L) */
	wait_queue_head_t gp_wq;	/* synchronize_rcu() sleeps here */
};

extern struct rcu_state rcu_state;
extern bool rcu_active;			/* (a) sched_init() has run */

static inline unsigned long gp_completed(void)
{
	return __atomic_load_n(&rcu_state.gp_completed, __ATOMIC_ACQUIRE);
}

static inline unsigned long gp_started(void)
{
	return __atomic_load_n(&rcu_state.gp_started, __ATOMIC_ACQUIRE);
}

/* The CPU's callback thread, NULL until it is started. */
static inline struct task_struct *rcu_kthread(struct rcu_data *rdp)
{
	return __atomic_load_n(&rdp->kthread, __ATOMIC_ACQUIRE);
}

static inline bool rcu_is_active(void)
{
	return __atomic_load_n(&rcu_active, __ATOMIC_ACQUIRE);
}

/* kernel/rcu.c */
void gp_request_locked(unsigned long gp);
void rcu_qs(void);
void expedite(void);
bool may_not_wait(const char *what, unsigned long caller);
bool irqs_off_after_boot(void);

/* kernel/rcu_cb.c */
bool advance_locked(struct rcu_data *rdp);
bool advance(struct rcu_data *rdp);
void invoke_done(struct rcu_data *rdp);
void run_all_early(void);
int rcu_cb_thread(void *arg);

#endif /* KERNEL_RCU_INTERNAL_H */
