/*
 * The soak's workers (soak.h says what a round is): random operations on
 * pmem0 from one CPU, each checked as it returns. A failure is allowed
 * only while an unbind may be under way (not when the round is
 * `bound_throughout`) and only with the errno the API documents for a
 * device going away: -ENODEV to map or to do I/O, -EFAULT to pin or to
 * fault. Anything else is a violation, recorded with the values that
 * explain it; CPU 0 prints it after the round.
 */
#include <drivers/pmem/tests/kernel/soak.h>
#include <kernel/rcu.h>
#include <kernel/timer.h>
#include <lib/errno.h>
#include <lib/vsprintf.h>
#include <mm/gup.h>
#include <mm/mm.h>
#include <mm/mm_types.h>
#include <mm/page_ref.h>
#include <mm/memremap.h>

wait_queue_head_t soak_go_wq;

uint64_t soak_mix(uint64_t seed, uint64_t n)
{
	uint64_t z = seed + n * 0x9e3779b97f4a7c15ULL + 0x632be59bd9b4e019ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static const char *const op_names[SOAK_NR_OPS] = {
	[SOAK_MAP] = "map", [SOAK_UNMAP] = "unmap", [SOAK_PIN_FAST] = "pin-fast",
	[SOAK_PIN_SLOW] = "pin-slow", [SOAK_UNPIN] = "unpin", [SOAK_FAULT] = "fault",
	[SOAK_IO] = "io",
};

const char *soak_op_name(enum soak_op op)
{
	return op < SOAK_NR_OPS ? op_names[op] : "?";
}

__printf(2, 3) static void violation(struct soak_worker *w, const char *fmt, ...)
{
	va_list ap;

	if (!w->violations++) {
		va_start(ap, fmt);
		vscnprintf(w->why, sizeof(w->why), fmt, ap);
		va_end(ap);
	}
}

/* A failed operation: fine with `allowed` while the device may be going. */
static void failed(struct soak_worker *w, enum soak_op op, long err, long allowed)
{
	w->failed[op]++;
	if (w->bound_throughout || err != allowed)
		violation(w, "cpu %u: %s failed with %ld (%s)%s", w->cpu, soak_op_name(op), err,
			  errno_name((int)err), w->bound_throughout ? " while pmem0 stayed bound" : "");
}

static unsigned long rand_below(struct soak_worker *w, unsigned long n)
{
	return soak_next(&w->rng) % n;
}

static void unpin_slot(struct soak_worker *w, struct soak_pin *s)
{
	for (unsigned int k = 0; k < s->n; k++) {
		struct page *pg = s->pages[k];
		unsigned long pfn = page_to_pfn(pg);

		/* a held pin keeps its page alive: memmap there, count at least 1 */
		if (!pfn_valid(pfn) || page_ref_count(pg) < 1)
			violation(w, "cpu %u: pinned pfn 0x%lx %s (refcount %d) before its unpin",
				  w->cpu, pfn, pfn_valid(pfn) ? "alive" : "has no memmap",
				  pfn_valid(pfn) ? page_ref_count(pg) : 0);
		put_page(pg);
	}
	s->n = 0;
}

static void do_map(struct soak_worker *w)
{
	long ret;

	if (w->mm)
		return;
	w->mm = mm_create();
	if (!w->mm) {
		violation(w, "cpu %u: mm_create failed", w->cpu);
		return;
	}
	ret = pmem_dax_mmap(w->p, w->mm, SOAK_ADDR, SOAK_LEN, PROT_READ | PROT_WRITE);
	if (ret != (long)SOAK_ADDR) {
		mm_destroy(w->mm);
		w->mm = NULL;
		failed(w, SOAK_MAP, ret, -ENODEV);
		return;
	}
	use_mm(w->mm);
}

static void do_unmap(struct soak_worker *w)
{
	if (!w->mm)
		return;
	unuse_mm(w->mm);
	mm_destroy(w->mm);		/* pins outlive the address space */
	w->mm = NULL;
}

/* Pin 1..SOAK_PIN_MAX pages into the oldest slot (its pins go first). */
static void do_pin(struct soak_worker *w, enum soak_op op, unsigned int slot)
{
	struct soak_pin *s = &w->held[slot];
	unsigned int n = 1 + rand_below(w, SOAK_PIN_MAX);
	unsigned long idx = rand_below(w, (SOAK_LEN >> PAGE_SHIFT) - n);
	unsigned long a = SOAK_ADDR + idx * PAGE_SIZE;
	unsigned long pfn0 = PHYS_PFN(pmem_data_phys(w->p)) + idx;
	long got;

	unpin_slot(w, s);
	if (!w->mm)
		return;
	got = op == SOAK_PIN_FAST ? get_user_pages_fast(a, n, FOLL_WRITE, s->pages)
				  : get_user_pages(w->mm, a, n, FOLL_GET | FOLL_WRITE, s->pages);
	if (got < 0) {
		failed(w, op, got, -EFAULT);
		return;
	}
	if (got > n) {
		violation(w, "cpu %u: %s of %u pages at 0x%lx returned %ld", w->cpu,
			  soak_op_name(op), n, a, got);
		return;
	}
	s->n = (unsigned int)got;
	s->first_pfn = pfn0;
	if ((unsigned int)got < n)
		failed(w, op, -EFAULT, -EFAULT);	/* stopped part way: the device is going */
	for (unsigned int k = 0; k < s->n; k++)
		if (page_to_pfn(s->pages[k]) != pfn0 + k || s->pages[k]->pgmap != &w->p->pgmap)
			violation(w, "cpu %u: %s at 0x%lx: page %u is pfn 0x%lx (pgmap %p), "
				  "expected pfn 0x%lx of pmem0's pgmap", w->cpu, soak_op_name(op), a, k,
				  page_to_pfn(s->pages[k]), (void *)s->pages[k]->pgmap, pfn0 + k);
}

static void do_fault(struct soak_worker *w)
{
	unsigned long a = SOAK_ADDR + rand_below(w, SOAK_LEN >> PAGE_SHIFT) * PAGE_SIZE;
	int err;

	if (!w->mm)
		return;
	err = handle_user_fault(w->mm, a, rand_below(w, 2) ? FAULT_FLAG_WRITE : 0);
	if (err)
		failed(w, SOAK_FAULT, err, -EFAULT);
}

/*
 * Read one of our sectors back (it must hold the generation we last wrote
 * there, intact), then write the next generation. A refused request
 * touches nothing, so the last generation that succeeded is the only
 * right answer.
 */
static void do_io(struct soak_worker *w)
{
	unsigned int i = rand_below(w, SOAK_SECTORS);
	uint64_t sector = w->base + i;
	const char *why;
	int err;

	err = pmem_rw(w->p, sector, &w->buf, 1, PMEM_READ);
	if (err) {
		failed(w, SOAK_IO, err, -ENODEV);
		return;
	}
	why = stress_sector_problem(&w->buf, sector, w->cpu);
	if (!why && w->buf.gen != w->latest[i])
		why = w->buf.gen < w->latest[i] ? "a lost write (older generation)"
						: "a write that failed reached the device";
	if (why)
		violation(w, "cpu %u: sector %llu: %s: generation %llu, expected %llu", w->cpu,
			  (unsigned long long)sector, why, (unsigned long long)w->buf.gen,
			  (unsigned long long)w->latest[i]);
	stress_fill_sector(&w->buf, sector, ++w->next_gen, w->cpu);
	err = pmem_rw(w->p, sector, &w->buf, 1, PMEM_WRITE);
	if (err)
		failed(w, SOAK_IO, err, -ENODEV);
	else
		w->latest[i] = w->next_gen;
}

/* Weights of the operations, out of 64. */
static enum soak_op pick(struct soak_worker *w)
{
	unsigned long r = rand_below(w, 64);

	if (r < 4)
		return SOAK_MAP;
	if (r < 6)
		return SOAK_UNMAP;
	if (r < 22)
		return SOAK_PIN_FAST;
	if (r < 30)
		return SOAK_PIN_SLOW;
	if (r < 40)
		return SOAK_UNPIN;
	if (r < 52)
		return SOAK_FAULT;
	return SOAK_IO;
}

static void run_round(struct soak_worker *w)
{
	unsigned int nr = 64 + rand_below(w, 192), slot = 0;

	for (unsigned int i = 0; i < nr; i++) {
		enum soak_op op = pick(w);

		w->ops[op]++;
		switch (op) {
		case SOAK_MAP:
			do_map(w);
			break;
		case SOAK_UNMAP:
			do_unmap(w);
			break;
		case SOAK_PIN_FAST:
		case SOAK_PIN_SLOW:
			do_pin(w, op, slot);
			slot = (slot + 1) % SOAK_SLOTS;
			break;
		case SOAK_UNPIN:
			unpin_slot(w, &w->held[rand_below(w, SOAK_SLOTS)]);
			break;
		case SOAK_FAULT:
			do_fault(w);
			break;
		case SOAK_IO:
			do_io(w);
			break;
		default:
			break;
		}
		__atomic_add_fetch(&w->progress, 1, __ATOMIC_RELAXED);
		rcu_quiescent_state();
	}
	for (unsigned int i = 0; i < SOAK_SLOTS; i++)
		unpin_slot(w, &w->held[i]);
	do_unmap(w);
}

int soak_worker_main(void *arg)
{
	struct soak_worker *w = arg;
	unsigned long last = 0;

	for (;;) {
		unsigned long round;

		/* acquire: pairs with CPU 0's release of go, after the seed */
		wait_event(soak_go_wq, kthread_should_stop() ||
			   __atomic_load_n(&w->go, __ATOMIC_ACQUIRE) != last);
		if (kthread_should_stop())
			return 0;
		round = __atomic_load_n(&w->go, __ATOMIC_ACQUIRE);
		w->rng = soak_mix(w->seed, w->cpu);
		run_round(w);
		last = round;
		__atomic_store_n(&w->done, round, __ATOMIC_RELEASE);
	}
}
