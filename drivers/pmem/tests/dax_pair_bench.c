/*
 * gup_fast.dax_over_anon_4k: what a DAX page costs fast GUP against an
 * anonymous one, as one paired figure (a ratio, in thousandths of 1).
 *
 * Why paired. gup_fast.dax_4k.get and gup_fast.anon_4k.get each give a
 * median, measured seconds apart; on a shared host the CPU's speed moves
 * between them (the same figure was seen at 13.6 and 24.2 ns in two runs),
 * and their ratio moves with it. Here one address space holds both ranges,
 * 512 pages each with 4 KiB leaves, and each sample times the two walks
 * back to back, in alternating order, and returns the ratio of the two:
 * whatever slows the CPU slows both halves of a sample alike.
 *
 * Both halves make the same calls: PAIR_ROUNDS of gup_fast_only() over 512
 * pages (the lockless walk alone: a page it refused would otherwise go to
 * slow GUP and hide inside the figure, so a short count fails the sample),
 * then unpin_user_pages(). Both ranges start 4 KiB past a 2 MiB boundary,
 * so each walk reads the same two page tables' worth of leaves.
 *
 * Pairing cancels the CPU's changes of speed, not another CPU's work
 * contending for the caches: judge the figure on an idle machine (make
 * bench runs the host benchmarks after its boots).
 */
#include <drivers/pmem/pmem.h>
#include <drivers/pmem/tests/pmem_test.h>
#include <lib/bench.h>
#include <lib/errno.h>
#include <lib/ktime.h>
#include <mm/gup.h>
#include <mm/mm.h>

#define PAIR_DAX_ADDR	0x40001000UL	/* not 2 MiB aligned: 4 KiB leaves */
#define PAIR_ANON_ADDR	0x80001000UL	/* the same offset in its 2 MiB */
#define PAIR_PAGES	512UL
#define PAIR_ROUNDS	4

static struct {
	struct pmem_device *p;
	struct mm_struct *mm;
	unsigned int turn;			/* which half goes first */
	struct page *pages[PAIR_ROUNDS * PAIR_PAGES];
} pb;

static void pair_teardown(struct bench_run *r)
{
	if (pb.mm) {
		unuse_mm(pb.mm);
		mm_destroy(pb.mm);
		pb.mm = NULL;
	}
	if (pb.p) {
		put_device(&pb.p->dev);
		pb.p = NULL;
	}
}

static int pair_setup(struct bench_run *r)
{
	pb.p = dax_bench_pmem();
	if (!pb.p)
		return bench_skip(r, "no pmem0 bound with struct pages");
	pb.mm = mm_create();
	if (!pb.mm) {
		pair_teardown(r);
		return -ENOMEM;
	}
	use_mm(pb.mm);
	/* map and fault in both: from now on the lockless walk pins every page */
	if (pmem_dax_mmap(pb.p, pb.mm, PAIR_DAX_ADDR, PAIR_PAGES * PAGE_SIZE,
			  PROT_READ | PROT_WRITE) != (long)PAIR_DAX_ADDR ||
	    mmap_anon(pb.mm, PAIR_ANON_ADDR, PAIR_PAGES * PAGE_SIZE,
		      PROT_READ | PROT_WRITE) != (long)PAIR_ANON_ADDR ||
	    get_user_pages(pb.mm, PAIR_DAX_ADDR, PAIR_PAGES, FOLL_WRITE, NULL) != (long)PAIR_PAGES ||
	    get_user_pages(pb.mm, PAIR_ANON_ADDR, PAIR_PAGES, FOLL_WRITE, NULL) != (long)PAIR_PAGES) {
		pair_teardown(r);
		return -EFAULT;
	}
	return 0;
}

/* ns for PAIR_ROUNDS fast walks of one range, or a negative errno. */
static long long walk_ns(unsigned long addr)
{
	unsigned long total = 0;
	uint64_t t0, t1;

	t0 = ktime_get_ns();
	for (unsigned int round = 0; round < PAIR_ROUNDS; round++) {
		unsigned long n = gup_fast_only(addr, PAIR_PAGES, FOLL_GET | FOLL_WRITE,
						pb.pages + total);

		if (n != PAIR_PAGES) {
			unpin_user_pages(pb.pages, total + n);
			return -EFAULT;
		}
		total += n;
	}
	t1 = ktime_get_ns();
	unpin_user_pages(pb.pages, total);
	return (long long)(t1 - t0);
}

static long long pair_sample(struct bench_run *r)
{
	bool dax_first = pb.turn++ & 1;
	long long a = walk_ns(dax_first ? PAIR_DAX_ADDR : PAIR_ANON_ADDR);
	long long b = a < 0 ? a : walk_ns(dax_first ? PAIR_ANON_ADDR : PAIR_DAX_ADDR);
	long long dax = dax_first ? a : b, anon = dax_first ? b : a;

	if (a < 0 || b < 0)
		return a < 0 ? a : b;
	return anon ? dax * 1000 / anon : -EIO;
}

BENCH(gup_fast_dax_over_anon_4k, .name = "gup_fast.dax_over_anon_4k", .unit = "ratio",
      .samples = 63, .setup = pair_setup, .sample = pair_sample, .teardown = pair_teardown);
