/*
 * mm.memblock: the early allocator's range lists, its top-down and
 * bottom-up allocation and its free-range walk, on private instances (the boot
 * instance has retired by the time tests run); plus what boot left in the
 * boot instance.
 */
#include <lib/ktest.h>
#include <lib/errno.h>
#include <mm/memblock.h>
#include <mm/mem_init.h>
#include <asm/page.h>

#define MAXR	8

struct mb {
	struct memblock mb;
	struct memblock_region mem[MAXR], res[MAXR];
};

static void mb_init(struct mb *m)
{
	memblock_init_instance(&m->mb, m->mem, m->res, MAXR);
}

/* Is `type` exactly the n ranges [base, end) in want? */
static bool ranges_are(const struct memblock_type *type, const phys_addr_t (*want)[2],
		       unsigned int n)
{
	if (type->cnt != n)
		return false;
	for (unsigned int i = 0; i < n; i++)
		if (type->regions[i].base != want[i][0] ||
		    type->regions[i].base + type->regions[i].size != want[i][1])
			return false;
	return true;
}

static void add_keeps_order(struct ktest *t)
{
	static const phys_addr_t want[][2] = { { 0x1000, 0x2000 }, { 0x5000, 0x6000 },
					       { 0x9000, 0xa000 } };
	struct mb m;

	mb_init(&m);
	EXPECT_EQ(t, memblock_add_range(&m.mb.memory, 0x9000, 0x1000), 0);
	EXPECT_EQ(t, memblock_add_range(&m.mb.memory, 0x1000, 0x1000), 0);
	EXPECT_EQ(t, memblock_add_range(&m.mb.memory, 0x5000, 0x1000), 0);
	EXPECT_TRUE(t, ranges_are(&m.mb.memory, want, 3));
}

static void add_merges_adjacent(struct ktest *t)
{
	static const phys_addr_t want[][2] = { { 0x1000, 0x4000 } };
	struct mb m;

	mb_init(&m);
	memblock_add_range(&m.mb.memory, 0x1000, 0x1000);
	memblock_add_range(&m.mb.memory, 0x3000, 0x1000);
	memblock_add_range(&m.mb.memory, 0x2000, 0x1000);
	EXPECT_TRUE(t, ranges_are(&m.mb.memory, want, 1));
}

static void add_merges_overlap(struct ktest *t)
{
	static const phys_addr_t want[][2] = { { 0x1000, 0x8000 } };
	struct mb m;

	mb_init(&m);
	memblock_add_range(&m.mb.memory, 0x2000, 0x2000);
	memblock_add_range(&m.mb.memory, 0x5000, 0x1000);
	memblock_add_range(&m.mb.memory, 0x1000, 0x7000);	/* swallows both */
	EXPECT_TRUE(t, ranges_are(&m.mb.memory, want, 1));
}

static void add_rejects_wrap_and_overflow(struct ktest *t)
{
	struct mb m;

	mb_init(&m);
	EXPECT_EQ(t, memblock_add_range(&m.mb.memory, ~0ULL - 0xfff, 0x2000), -EINVAL);
	for (unsigned int i = 0; i < MAXR; i++)
		EXPECT_EQ(t, memblock_add_range(&m.mb.memory, 0x10000 * (i + 1), 0x1000), 0);
	EXPECT_EQ(t, memblock_add_range(&m.mb.memory, 0x10000000, 0x1000), -ENOSPC);
	EXPECT_EQ(t, m.mb.memory.cnt, MAXR);
}

struct walk {
	phys_addr_t r[MAXR][2];
	unsigned int n;
};

static void record(phys_addr_t start, phys_addr_t end, void *arg)
{
	struct walk *w = arg;

	if (w->n < MAXR) {
		w->r[w->n][0] = start;
		w->r[w->n][1] = end;
	}
	w->n++;
}

static void free_ranges_skip_reserved(struct ktest *t)
{
	struct walk w = { .n = 0 };
	struct mb m;

	mb_init(&m);
	memblock_add_range(&m.mb.memory, 0x10000, 0x10000);	/* 0x10000-0x20000 */
	memblock_add_range(&m.mb.memory, 0x40000, 0x4000);	/* 0x40000-0x44000 */
	memblock_add_range(&m.mb.reserved, 0x0, 0x11000);	/* overlaps the start */
	memblock_add_range(&m.mb.reserved, 0x18000, 0x1000);	/* a hole inside */
	memblock_add_range(&m.mb.reserved, 0x40000, 0x4000);	/* all of the second */
	memblock_free_ranges_in(&m.mb, record, &w);
	ASSERT_EQ(t, w.n, 2);
	EXPECT_EQ(t, w.r[0][0], 0x11000);
	EXPECT_EQ(t, w.r[0][1], 0x18000);
	EXPECT_EQ(t, w.r[1][0], 0x19000);
	EXPECT_EQ(t, w.r[1][1], 0x20000);
}

static void alloc_is_top_down(struct ktest *t)
{
	struct mb m;

	mb_init(&m);
	memblock_add_range(&m.mb.memory, 0x100000, 0x100000);
	memblock_add_range(&m.mb.memory, 0x400000, 0x100000);
	EXPECT_EQ(t, memblock_alloc_in(&m.mb, 0x1000, 0x1000), 0x4ff000);
	EXPECT_EQ(t, memblock_alloc_in(&m.mb, 0x1000, 0x1000), 0x4fe000);
	EXPECT_EQ(t, m.mb.reserved.cnt, 1);	/* the two merged */
	EXPECT_EQ(t, m.mb.reserved.regions[0].size, 0x2000);
}

static void alloc_honours_alignment(struct ktest *t)
{
	struct mb m;

	mb_init(&m);
	memblock_add_range(&m.mb.memory, 0x100000, 0x2ff000);	/* ends at 0x3ff000 */
	EXPECT_EQ(t, memblock_alloc_in(&m.mb, 0x1000, 0x200000), 0x200000);
	EXPECT_EQ(t, memblock_alloc_in(&m.mb, 0x10, 0), 0x3fe000);	/* 0: a page */
}

static void alloc_skips_reserved_gaps_too_small(struct ktest *t)
{
	struct mb m;

	mb_init(&m);
	memblock_add_range(&m.mb.memory, 0x100000, 0x10000);
	memblock_add_range(&m.mb.reserved, 0x10e000, 0x1000);	/* leaves 0x1000 above */
	EXPECT_EQ(t, memblock_alloc_in(&m.mb, 0x2000, 0x1000), 0x10c000);
}

static void alloc_respects_limit(struct ktest *t)
{
	struct mb m;

	mb_init(&m);
	memblock_add_range(&m.mb.memory, 0x100000, 0x400000);
	m.mb.current_limit = 0x200000;
	EXPECT_EQ(t, memblock_alloc_in(&m.mb, 0x1000, 0x1000), 0x1ff000);
}

static void alloc_fails_when_full(struct ktest *t)
{
	struct mb m;

	mb_init(&m);
	memblock_add_range(&m.mb.memory, 0x100000, 0x2000);
	EXPECT_EQ(t, memblock_alloc_in(&m.mb, 0x2000, 0x1000), 0x100000);
	EXPECT_EQ(t, memblock_alloc_in(&m.mb, 0x1000, 0x1000), 0);
	EXPECT_EQ(t, memblock_alloc_in(&m.mb, 0x1000, 0x3000), 0);	/* not a power of 2 */
}

static void alloc_never_returns_zero_address(struct ktest *t)
{
	struct mb m;

	mb_init(&m);
	memblock_add_range(&m.mb.memory, 0, 0x1000);
	EXPECT_EQ(t, memblock_alloc_in(&m.mb, 0x1000, 0x1000), 0);
}

static void bottom_up_takes_the_lowest_gap(struct ktest *t)
{
	struct mb m;

	mb_init(&m);
	memblock_add_range(&m.mb.memory, 0x100000, 0x100000);
	memblock_add_range(&m.mb.memory, 0x400000, 0x100000);
	m.mb.bottom_up = true;
	EXPECT_EQ(t, memblock_alloc_in(&m.mb, 0x1000, 0x1000), 0x100000);
	EXPECT_EQ(t, memblock_alloc_in(&m.mb, 0x1000, 0x1000), 0x101000);
	EXPECT_EQ(t, m.mb.reserved.cnt, 1);	/* the two merged */
}

static void bottom_up_skips_reserved_and_small_gaps(struct ktest *t)
{
	struct mb m;

	mb_init(&m);
	memblock_add_range(&m.mb.memory, 0x100000, 0x10000);
	memblock_add_range(&m.mb.reserved, 0x0ff000, 0x2000);	/* straddles the start */
	memblock_add_range(&m.mb.reserved, 0x102000, 0x1000);	/* leaves 0x1000 below */
	m.mb.bottom_up = true;
	EXPECT_EQ(t, memblock_alloc_in(&m.mb, 0x2000, 0x1000), 0x103000);
	EXPECT_EQ(t, memblock_alloc_in(&m.mb, 0x1000, 0x1000), 0x101000);
}

static void bottom_up_honours_alignment_and_limit(struct ktest *t)
{
	struct mb m;

	mb_init(&m);
	memblock_add_range(&m.mb.memory, 0x101000, 0x4ff000);	/* 0x101000-0x600000 */
	m.mb.bottom_up = true;
	EXPECT_EQ(t, memblock_alloc_in(&m.mb, 0x1000, 0x200000), 0x200000);
	m.mb.current_limit = 0x202000;
	EXPECT_EQ(t, memblock_alloc_in(&m.mb, 0x2000, 0x1000), 0x101000);
	EXPECT_EQ(t, memblock_alloc_in(&m.mb, 0x200000, 0x1000), 0);	/* no room below */
}

/* --- the boot instance ---------------------------------------------------------- */

static void low_mib_stays_reserved(struct ktest *t)
{
	struct walk w = { .n = 0 };

	memblock_free_ranges(record, &w);
	for (unsigned int i = 0; i < MIN(w.n, (unsigned int)MAXR); i++)
		EXPECT_UGE(t, w.r[i][0], 0x100000);
}

static void boot_lists_are_sorted_and_disjoint(struct ktest *t)
{
	const struct memblock_type *types[] = { &memblock.memory, &memblock.reserved };

	for (unsigned int k = 0; k < 2; k++)
		for (unsigned int i = 1; i < types[k]->cnt; i++)
			EXPECT_GT(t, types[k]->regions[i].base,
				  types[k]->regions[i - 1].base + types[k]->regions[i - 1].size);
	EXPECT_GT(t, memblock.memory.cnt, 0);
}

static void retired_after_mem_init(struct ktest *t)
{
	unsigned long before = ktest_warnings(t);

	ASSERT_TRUE(t, mem_init_done());
	EXPECT_EQ(t, memblock_alloc(PAGE_SIZE, PAGE_SIZE), 0);
	EXPECT_EQ(t, memblock_reserve(0x1000, 0x1000), -EPERM);
	EXPECT_EQ(t, ktest_warnings(t) - before, 2);
}

static const struct ktest_case memblock_cases[] = {
	KTEST_CASE(add_keeps_order, "ranges added out of order come out sorted"),
	KTEST_CASE(add_merges_adjacent, "touching ranges become one"),
	KTEST_CASE(add_merges_overlap, "a range covering others swallows them"),
	KTEST_CASE(add_rejects_wrap_and_overflow, "a wrapping range and a full list are refused"),
	KTEST_CASE(free_ranges_skip_reserved, "the free walk yields memory minus reserved"),
	KTEST_CASE(alloc_is_top_down, "allocations come from the top and are reserved"),
	KTEST_CASE(alloc_honours_alignment, "an allocation is aligned as asked (0: a page)"),
	KTEST_CASE(alloc_skips_reserved_gaps_too_small, "a gap too small is skipped for the next"),
	KTEST_CASE(alloc_respects_limit, "nothing is allocated above the current limit"),
	KTEST_CASE(alloc_fails_when_full, "exhaustion and a bad alignment give 0"),
	KTEST_CASE(alloc_never_returns_zero_address, "address 0 is never handed out"),
	KTEST_CASE(bottom_up_takes_the_lowest_gap, "bottom-up allocations come from the bottom"),
	KTEST_CASE(bottom_up_skips_reserved_and_small_gaps,
		   "bottom-up skips reserved ranges and gaps too small"),
	KTEST_CASE(bottom_up_honours_alignment_and_limit,
		   "bottom-up aligns as asked and stays below the limit"),
	KTEST_CASE(low_mib_stays_reserved, "boot kept the first MiB out of the free ranges"),
	KTEST_CASE(boot_lists_are_sorted_and_disjoint, "boot's lists keep the invariant"),
	KTEST_CASE(retired_after_mem_init, "after mem_init memblock warns and refuses"),
	{}
};
KTEST_SUITE(memblock_suite, "mm.memblock", memblock_cases);
