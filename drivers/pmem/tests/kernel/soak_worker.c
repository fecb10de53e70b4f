/*
 * The soak's workers (soak.h says what a round is and when an operation
 * may fail): random operations on pmem0 from one CPU, each checked as it
 * returns. A failure is allowed only with the errno the API documents for
 * a device going away (-ENODEV to map or do I/O, -EFAULT to pin or
 * fault) and only when soak_epoch says the binding changed under the
 * operation, or the mapping it used belongs to an earlier binding or to
 * one it cannot tell (made while a binding changed). A pin
 * or fault that reaches a piece the worker munmap'd must fail there,
 * whatever the device does. Anything else is a violation, recorded with
 * the values that explain it; CPU 0 prints it after the round.
 *
 * Every operation draws its random numbers before it looks at any state,
 * so a round's draws are the same on a replay whatever failed.
 */
#include <drivers/pmem/tests/kernel/soak.h>
#include <kernel/rcu.h>
#include <lib/errno.h>
#include <lib/vsprintf.h>
#include <mm/gup.h>
#include <mm/mm.h>
#include <mm/mm_types.h>
#include <mm/page_ref.h>
#include <mm/memremap.h>

wait_queue_head_t soak_go_wq;
unsigned long soak_epoch;

uint64_t soak_mix(uint64_t seed, uint64_t n)
{
	uint64_t z = seed + n * 0x9e3779b97f4a7c15ULL + 0x632be59bd9b4e019ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static const char *const op_names[SOAK_NR_OPS] = {
	[SOAK_MAP] = "map", [SOAK_MUNMAP] = "munmap", [SOAK_DESTROY] = "destroy-mm",
	[SOAK_PIN_FAST] = "pin-fast", [SOAK_PIN_SLOW] = "pin-slow", [SOAK_UNPIN] = "unpin",
	[SOAK_FAULT] = "fault", [SOAK_IO] = "io",
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

static unsigned long epoch(void)
{
	/* acquire: pairs with CPU 0's release stores around unbind and bind */
	return __atomic_load_n(&soak_epoch, __ATOMIC_ACQUIRE);
}

/*
 * Did the binding change under an operation that began at epoch e0? Read
 * after the operation: an unbind that made it fail stored the odd epoch
 * before anything of its teardown, and the failure reached us through
 * what the teardown published (dax_lock, the pgmap's kill, the queue's
 * state: on x86 in store order even where those loads are relaxed).
 */
static bool binding_changed(unsigned long e0)
{
	return (e0 & 1) || epoch() != e0;
}

/*
 * Is the worker's mapping one of an earlier binding than e0's (so every
 * access through it must fail), a mapping of e0's binding, or unknown
 * (made while a binding changed)?
 */
enum map_age { MAP_CURRENT, MAP_STALE, MAP_UNKNOWN };

static enum map_age map_age(const struct soak_worker *w, unsigned long e0)
{
	if (w->map_epoch == SOAK_EPOCH_UNKNOWN || (e0 & 1))
		return MAP_UNKNOWN;
	return w->map_epoch == e0 ? MAP_CURRENT : MAP_STALE;
}

/*
 * An operation that began at epoch e0 failed with err: fine if it is the
 * errno for a device going away and the binding changed under it, or if
 * it went through a mapping that is stale or of unknown age (`excused`).
 */
static void failed(struct soak_worker *w, enum soak_op op, long err, long allowed,
		   unsigned long e0, bool excused)
{
	bool going = binding_changed(e0) || excused;

	w->failed[op]++;
	if (err != allowed || !going)
		violation(w, "cpu %u: %s failed with %ld (%s)%s", w->cpu, soak_op_name(op), err,
			  errno_name((int)err), going ? "" : " while pmem0 stayed bound");
}

static unsigned long rand_below(struct soak_worker *w, unsigned long n)
{
	return soak_next(&w->rng) % n;
}

static bool is_hole(const struct soak_worker *w, unsigned long idx)
{
	return w->holes[idx / 64] & (1UL << (idx % 64));
}

/* Pages from idx on that are mapped, up to n. */
static unsigned long mapped_run(const struct soak_worker *w, unsigned long idx, unsigned long n)
{
	unsigned long k = 0;

	while (k < n && !is_hole(w, idx + k))
		k++;
	return k;
}

/*
 * Put a slot's pins, checking first what a held pin must see: the memmap
 * there, and the page's count at least ours, plus the device's while no
 * unbind has begun since the pin (the teardown's put loop drops the
 * device's reference of a pinned page and leaves ours).
 */
static void unpin_slot(struct soak_worker *w, struct soak_pin *s)
{
	for (unsigned int k = 0; k < s->n; k++) {
		struct page *pg = s->pages[k];
		unsigned long pfn = page_to_pfn(pg), e;
		int count, least;

		if (!pfn_valid(pfn)) {
			violation(w, "cpu %u: pinned pfn 0x%lx has no memmap before its unpin "
				  "(not put)", w->cpu, pfn);
			continue;
		}
		count = page_ref_count(pg);
		/* a count the put loop lowered comes with the odd epoch stored before it */
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		e = epoch();
		least = e == s->epoch && !(e & 1) ? 2 : 1;
		if (count < least)
			violation(w, "cpu %u: pinned pfn 0x%lx at refcount %d before its unpin "
				  "(expected %d or more; epoch %lu, pinned at %lu)", w->cpu, pfn, count,
				  least, e, s->epoch);
		put_page(pg);
	}
	s->n = 0;
}

static void do_map(struct soak_worker *w)
{
	unsigned long e0 = epoch();
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
		failed(w, SOAK_MAP, ret, -ENODEV, e0, false);
		return;
	}
	/* the new binding's only if none changed while the mapping was made */
	w->map_epoch = !binding_changed(e0) ? e0 : SOAK_EPOCH_UNKNOWN;
	memset(w->holes, 0, sizeof(w->holes));
	use_mm(w->mm);
}

static void do_destroy(struct soak_worker *w)
{
	if (!w->mm)
		return;
	unuse_mm(w->mm);
	mm_destroy(w->mm);		/* pins outlive the address space */
	w->mm = NULL;
}

/* Unmap 1-64 pages at a random place of the mapping (a region split or trimmed). */
static void do_munmap(struct soak_worker *w)
{
	unsigned long n = 1 + rand_below(w, 64), idx = rand_below(w, SOAK_PAGES - n);
	int err;

	if (!w->mm)
		return;
	err = munmap(w->mm, SOAK_ADDR + idx * PAGE_SIZE, n * PAGE_SIZE);
	if (err) {
		violation(w, "cpu %u: munmap of pages %lu-%lu: %d (%s)", w->cpu, idx, idx + n - 1,
			  err, errno_name(err));
		return;
	}
	for (unsigned long k = idx; k < idx + n; k++)
		w->holes[k / 64] |= 1UL << (k % 64);
}

/*
 * Pin 1..SOAK_PIN_MAX pages into a slot (its pins go first). With the
 * device alive, GUP must pin exactly the pages up to the first hole, and
 * fail with -EFAULT if the first page is one; each page must be the
 * device's page for its offset.
 */
static void do_pin(struct soak_worker *w, enum soak_op op, unsigned int slot)
{
	struct soak_pin *s = &w->held[slot];
	unsigned int n = 1 + rand_below(w, SOAK_PIN_MAX);
	unsigned long idx = rand_below(w, SOAK_PAGES - n), e0 = epoch(), want;
	unsigned long a = SOAK_ADDR + idx * PAGE_SIZE;
	unsigned long pfn0 = PHYS_PFN(pmem_data_phys(w->p)) + idx;
	enum map_age age;
	long got;

	unpin_slot(w, s);
	if (!w->mm)
		return;
	want = mapped_run(w, idx, n);
	age = map_age(w, e0);
	got = op == SOAK_PIN_FAST ? get_user_pages_fast(a, n, FOLL_WRITE, s->pages)
				  : get_user_pages(w->mm, a, n, FOLL_GET | FOLL_WRITE, s->pages);
	if (got < 0) {
		if (!want && got == -EFAULT)
			return;			/* the first page is a hole: as it must */
		failed(w, op, got, -EFAULT, e0, age != MAP_CURRENT);
		return;
	}
	if (got > 0 && age == MAP_STALE && !binding_changed(e0))
		violation(w, "cpu %u: %s pinned %ld page(s) at page %lu through a mapping of an "
			  "earlier binding (epoch %lu, now %lu): it must never work again", w->cpu,
			  soak_op_name(op), got, idx, w->map_epoch, e0);
	if ((unsigned long)got > want) {
		violation(w, "cpu %u: %s of %u pages at page %lu pinned %ld, but only %lu are "
			  "mapped there", w->cpu, soak_op_name(op), n, idx, got, want);
		got = (long)MIN((unsigned long)got, (unsigned long)SOAK_PIN_MAX);
	}
	s->n = (unsigned int)got;
	s->epoch = e0;
	if ((unsigned long)got < want)		/* stopped part way */
		failed(w, op, -EFAULT, -EFAULT, e0, age != MAP_CURRENT);
	for (unsigned int k = 0; k < s->n; k++)
		if (page_to_pfn(s->pages[k]) != pfn0 + k || s->pages[k]->pgmap != &w->p->pgmap)
			violation(w, "cpu %u: %s at page %lu: page %u is pfn 0x%lx (pgmap %p), "
				  "expected pfn 0x%lx of pmem0's pgmap", w->cpu, soak_op_name(op), idx,
				  k, page_to_pfn(s->pages[k]), (void *)s->pages[k]->pgmap, pfn0 + k);
}

static void do_fault(struct soak_worker *w)
{
	unsigned long idx = rand_below(w, SOAK_PAGES), e0 = epoch();
	unsigned int flags = rand_below(w, 2) ? FAULT_FLAG_WRITE : 0;
	int err;

	if (!w->mm)
		return;
	err = handle_user_fault(w->mm, SOAK_ADDR + idx * PAGE_SIZE, flags);
	if (is_hole(w, idx)) {
		if (err != -EFAULT)
			violation(w, "cpu %u: a fault in munmap'd page %lu returned %d, not EFAULT",
				  w->cpu, idx, err);
	} else if (err) {
		failed(w, SOAK_FAULT, err, -EFAULT, e0, map_age(w, e0) != MAP_CURRENT);
	} else if (map_age(w, e0) == MAP_STALE && !binding_changed(e0)) {
		violation(w, "cpu %u: a fault at page %lu through a mapping of an earlier binding "
			  "(epoch %lu, now %lu) worked: it must never work again", w->cpu, idx,
			  w->map_epoch, e0);
	}
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
	unsigned long e0 = epoch();
	const char *why;
	int err;

	err = pmem_rw(w->p, sector, &w->buf, 1, PMEM_READ);
	if (err) {
		failed(w, SOAK_IO, err, -ENODEV, e0, false);
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
	e0 = epoch();
	err = pmem_rw(w->p, sector, &w->buf, 1, PMEM_WRITE);
	if (err)
		failed(w, SOAK_IO, err, -ENODEV, e0, false);
	else
		w->latest[i] = w->next_gen;
}

/* Weights of the operations, out of 64. */
static enum soak_op pick(struct soak_worker *w)
{
	static const unsigned char upto[SOAK_NR_OPS] = {
		[SOAK_MAP] = 4, [SOAK_MUNMAP] = 6, [SOAK_DESTROY] = 8, [SOAK_PIN_FAST] = 24,
		[SOAK_PIN_SLOW] = 32, [SOAK_UNPIN] = 41, [SOAK_FAULT] = 52, [SOAK_IO] = 64,
	};
	unsigned long r = rand_below(w, 64);
	unsigned int op = 0;

	while (r >= upto[op])
		op++;
	return (enum soak_op)op;
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
		case SOAK_MUNMAP:
			do_munmap(w);
			break;
		case SOAK_DESTROY:
			do_destroy(w);
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
	do_destroy(w);
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
		/* release: the round's counters before done */
		__atomic_store_n(&w->done, round, __ATOMIC_RELEASE);
	}
}
