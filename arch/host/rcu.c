/*
 * Host build: kernel/rcu.h for real threads.
 *
 * Grace periods (the schemes of userspace RCU's "memb" and "mb"
 * flavours, written for this shim):
 *
 *   gp_seq        a global counter, only ever incremented (starts at 1)
 *   reader->ctr   per registered thread: 0 outside a read-side section,
 *                 else the gp_seq value read when its outermost section
 *                 began
 *
 * synchronize_rcu() increments gp_seq to `target` and waits, for each
 * registered thread, until its ctr is 0 (outside a reader) or >= target
 * (its section began after the increment, so it cannot see what the
 * updater removed before calling). A section that began before the call
 * has a ctr in [1, target): the updater waits for it to end. That is the
 * guarantee of kernel/rcu.h.
 *
 * The hard part is the start of a section. Its loads must not be served
 * before its ctr store is visible to the scan: x86 lets a load pass an
 * earlier store (the store waits in the store buffer), and the scan could
 * then read 0, return, and let the updater free what the section is
 * still reading. Something must order that store before those loads, and
 * one of two read sides does it, chosen once before main()
 * (rcu_host_read_side() names it):
 *
 * "membarrier" (the default): the reader pays no locked instruction and
 * no fence. rcu_read_lock() publishes ctr with a plain store (release, a
 * mov on x86) and a compiler barrier; the updater pays instead. synchronize_rcu() calls
 * membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED) before it increments
 * gp_seq: the kernel runs a full barrier on every CPU that runs one of
 * our threads (an IPI), and a thread that is not running passes one when
 * it is switched back in. So each reader thread executes a full barrier
 * B at some instruction while the updater is inside the call, between
 * the updater's removal (before) and its increment and scan (after):
 *   - if B comes after the section's ctr store, that store is visible
 *     once membarrier() returns, and its value was read before B, so it
 *     is older than target: the scan sees it (or a later value) and
 *     waits for the section's end;
 *   - if B comes before it, every load of the section follows B and sees
 *     the updater's stores from before its call (the removal): the
 *     section cannot reach the old object, so it may outlive the grace
 *     period.
 * The compiler barrier keeps the section's loads after the ctr store in
 * the instruction stream, which is where B falls. liburcu's "memb"
 * flavour uses membarrier(2) the same way. RCU-sched in the kernel
 * needs neither: its readers only disable preemption, and the grace
 * period waits for each CPU to be seen outside one.
 *
 * "exchange" (no membarrier in this kernel, or a ThreadSanitizer build):
 * rcu_read_lock() publishes ctr with a sequentially consistent exchange,
 * a locked instruction that is a full barrier on x86, and synchronize_rcu()
 * increments gp_seq with a sequentially consistent add: either the scan's
 * load sees the reader's ctr, or the reader's loads see everything the
 * updater wrote before the increment. Under ThreadSanitizer the shim
 * always takes this side: TSan builds its happens-before relation from
 * atomic operations and locks only, and knows nothing of the barrier
 * membarrier() makes another thread run; this side's argument is made of
 * operations it sees.
 *
 * Both sides end a section the same way: rcu_read_unlock() clears ctr
 * with a release store, and the scan's acquire load that reads 0 pairs
 * with it, so everything the reader did in its section happens before
 * synchronize_rcu() returns. The store that starts a section is a
 * release too (the exchange is one), continuing that chain: a scan that
 * reads a newer section's ctr (>= target) also orders the sections
 * before it. ThreadSanitizer sees the grace period as these edges.
 *
 * Threads register on their first rcu_read_lock() (a slot in a fixed
 * table) and are unregistered by a thread-exit destructor. call_rcu()
 * queues callbacks for a helper thread, started on first use, that takes
 * the whole queue, waits one grace period, runs the batch and counts it;
 * rcu_barrier() waits until the count covers every callback queued before
 * it. rcu_quiescent_state() has nothing to do here.
 */
#include <errno.h>
#include <linux/membarrier.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <kernel/rcu.h>
#include <lib/bug.h>
#include <lib/ktime.h>
#include <lib/printk.h>
#include <asm/rcu_host.h>

#define MAX_READERS	256
#define STALL_NS	(10 * NSEC_PER_SEC)

/*
 * Two cache lines each: readers on different cores must not share a line,
 * nor a pair of lines (Intel's L2 prefetcher fetches lines in pairs).
 */
struct reader {
	unsigned long ctr;		/* atomic: 0, or gp_seq at section start */
	bool used;			/* under reg_lock */
} __aligned(128);

static struct reader readers[MAX_READERS];
static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_key_t reader_key;
static pthread_once_t reader_key_once = PTHREAD_ONCE_INIT;

static __thread struct reader *me;
static __thread unsigned int nesting;

static unsigned long gp_seq = 1;	/* atomic */
static pthread_mutex_t gp_lock = PTHREAD_MUTEX_INITIALIZER;

/* The read side: immutable once choose_read_side() ran, before main(). */
static bool read_side_membarrier;

/* --- which read side ------------------------------------------------------ */

static long membarrier(int cmd)
{
	return syscall(__NR_membarrier, cmd, 0, 0);
}

/*
 * Before main(), so before any thread reads: a reader that stored ctr
 * plainly while the updater skipped membarrier() would be unprotected.
 * Registration is once per process (Linux requires it for the private
 * expedited command).
 */
__attribute__((constructor)) static void choose_read_side(void)
{
#ifndef HOST_TSAN
	long cmds = membarrier(MEMBARRIER_CMD_QUERY);

	read_side_membarrier = cmds > 0 && (cmds & MEMBARRIER_CMD_PRIVATE_EXPEDITED) &&
			       membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED) == 0;
#endif
}

const char *rcu_host_read_side(void)
{
	return read_side_membarrier ? "membarrier" : "exchange";
}

/* --- readers ------------------------------------------------------------ */

static void reader_exit(void *arg)
{
	struct reader *r = arg;

	if (__atomic_load_n(&r->ctr, __ATOMIC_RELAXED))
		fprintf(stderr, "rcu shim: a thread exited inside a read-side section\n");
	__atomic_store_n(&r->ctr, 0, __ATOMIC_RELEASE);
	pthread_mutex_lock(&reg_lock);
	r->used = false;
	pthread_mutex_unlock(&reg_lock);
}

static void make_reader_key(void)
{
	if (pthread_key_create(&reader_key, reader_exit))
		panic("rcu shim: pthread_key_create failed");
}

static void register_reader(void)
{
	pthread_once(&reader_key_once, make_reader_key);
	pthread_mutex_lock(&reg_lock);
	for (int i = 0; i < MAX_READERS && !me; i++) {
		if (!readers[i].used) {
			readers[i].used = true;
			me = &readers[i];
		}
	}
	pthread_mutex_unlock(&reg_lock);
	if (!me)
		panic("rcu shim: more than %d reader threads", MAX_READERS);
	pthread_setspecific(reader_key, me);
}

void rcu_read_lock(void)
{
	unsigned long snap;

	if (unlikely(!me))
		register_reader();
	if (nesting++)
		return;
	snap = __atomic_load_n(&gp_seq, __ATOMIC_RELAXED);
	if (likely(read_side_membarrier)) {
		/* Ordered before the section's loads by the barrier that
		 * synchronize_rcu()'s membarrier() runs on this thread; the
		 * compiler barrier keeps those loads after this store. */
		__atomic_store_n(&me->ctr, snap, __ATOMIC_RELEASE);
		__atomic_signal_fence(__ATOMIC_SEQ_CST);
	} else {
		/* Full barrier; pairs with the gp_seq increment and the scan
		 * in synchronize_rcu(). */
		__atomic_exchange_n(&me->ctr, snap, __ATOMIC_SEQ_CST);
	}
}

void rcu_read_unlock(void)
{
	if (WARN_ONCE(nesting == 0, "rcu_read_unlock() without rcu_read_lock(), from %pS",
		      __builtin_return_address(0)))
		return;
	if (--nesting == 0) {
		/* Pairs with the scan's acquire load in synchronize_rcu(). */
		__atomic_store_n(&me->ctr, 0, __ATOMIC_RELEASE);
	}
}

bool rcu_read_lock_held(void)
{
	return nesting != 0;
}

/* --- grace periods ------------------------------------------------------ */

static bool inside_reader(const char *what, unsigned long caller)
{
	return WARN(nesting != 0, "%s() inside an RCU read-side section (depth %u), "
		    "called from %pS: it would never return", what, nesting,
		    (void *)caller);
}

static void wait_for_reader(struct reader *r, unsigned long target)
{
	uint64_t start = ktime_get_ns();
	bool warned = false;

	for (;;) {
		/* Acquire: pairs with the reader's release stores (its
		 * unlock, or a later section's store or exchange). */
		unsigned long c = __atomic_load_n(&r->ctr, __ATOMIC_SEQ_CST);

		if (c == 0 || c >= target)
			return;
		if (!warned && ktime_get_ns() - start > STALL_NS) {
			pr_warn("rcu shim: grace period %lu stalled for 10 s on reader slot %ld "
				"(section began in %lu)", target, (long)(r - readers), c);
			warned = true;
		}
		sched_yield();
	}
}

void synchronize_rcu(void)
{
	unsigned long target;

	if (inside_reader("synchronize_rcu", _RET_IP_))
		return;
	pthread_mutex_lock(&gp_lock);
	/* A full barrier on every reader thread, between the caller's
	 * removal and the increment: pairs with the reader's plain store. */
	if (read_side_membarrier && membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED))
		panic("rcu shim: membarrier(PRIVATE_EXPEDITED) failed after it was registered: "
		      "errno %d", errno);
	/* Full barrier: the updater's earlier stores are visible to every
	 * section that reads the new gp_seq; pairs with the reader's
	 * exchange. */
	target = __atomic_add_fetch(&gp_seq, 1, __ATOMIC_SEQ_CST);
	for (int i = 0; i < MAX_READERS; i++)
		wait_for_reader(&readers[i], target);
	pthread_mutex_unlock(&gp_lock);
}

/* --- callbacks ---------------------------------------------------------- */

static pthread_mutex_t cb_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cb_queued = PTHREAD_COND_INITIALIZER;
static pthread_cond_t cb_done = PTHREAD_COND_INITIALIZER;
static struct rcu_head *cb_head;		/* under cb_lock */
static struct rcu_head **cb_tail = &cb_head;	/* under cb_lock */
static unsigned long cb_enqueued, cb_invoked;	/* under cb_lock */
static pthread_once_t helper_once = PTHREAD_ONCE_INIT;
static __thread bool in_helper;		/* this thread runs the callbacks */

static void *rcu_helper(void *unused)
{
	in_helper = true;
	for (;;) {
		struct rcu_head *list;
		unsigned long n = 0;

		pthread_mutex_lock(&cb_lock);
		while (!cb_head)
			pthread_cond_wait(&cb_queued, &cb_lock);
		list = cb_head;
		cb_head = NULL;
		cb_tail = &cb_head;
		pthread_mutex_unlock(&cb_lock);

		synchronize_rcu();
		while (list) {
			struct rcu_head *next = list->next;

			list->func(list);	/* may free `list` */
			list = next;
			n++;
		}

		pthread_mutex_lock(&cb_lock);
		cb_invoked += n;
		pthread_cond_broadcast(&cb_done);
		pthread_mutex_unlock(&cb_lock);
	}
	return NULL;
}

static void start_helper(void)
{
	pthread_t helper;

	if (pthread_create(&helper, NULL, rcu_helper, NULL) || pthread_detach(helper))
		panic("rcu shim: cannot start the callback thread");
}

void call_rcu(struct rcu_head *head, rcu_callback_t func)
{
	pthread_once(&helper_once, start_helper);
	head->func = func;
	head->next = NULL;
	pthread_mutex_lock(&cb_lock);
	*cb_tail = head;
	cb_tail = &head->next;
	cb_enqueued++;
	pthread_cond_signal(&cb_queued);
	pthread_mutex_unlock(&cb_lock);
}

void rcu_barrier(void)
{
	unsigned long target;

	if (inside_reader("rcu_barrier", _RET_IP_))
		return;
	if (WARN(in_helper, "rcu_barrier() from an RCU callback would wait for itself"))
		return;
	pthread_mutex_lock(&cb_lock);
	target = cb_enqueued;
	while (cb_invoked < target)
		pthread_cond_wait(&cb_done, &cb_lock);
	pthread_mutex_unlock(&cb_lock);
}

void rcu_quiescent_state(void)
{
}
