/*
 * mm.tlb: free after flush (mm/mmu_gather.h). Pages and page tables that
 * an unmap queues must still be allocated when the flush happens and be
 * freed right after it; a full batch flushes before it frees; a gather
 * with nothing to do flushes nothing.
 *
 * The gather's flush_hook runs between the flush and the frees, so each
 * case records there what was still allocated. The cases with a second
 * CPU (the flush really reaching it, and really waiting for a CPU that
 * walks with interrupts off) are suite mm.tlb.smp
 * (mm/tests/kernel/mm_smp_test.c): the kernel's only.
 */
#include <lib/errno.h>
#include <lib/string.h>
#include <mm/memmap.h>
#include <mm/mmap_lock.h>
#include <mm/page_alloc.h>
#include <mm/page_ref.h>
#include <mm/vm_internal.h>
#include <mm/tests/mm_test.h>
#include <mm/tests/vm_test.h>

#define P	PAGE_SIZE
#define A	0x40000000UL

struct flush_seen {
	unsigned int flushes;
	unsigned long free_at_flush[4];		/* nr_free_pages() in the hook */
	struct page **pages;			/* pages to look at in the hook */
	unsigned int nr_pages;
	unsigned int alive_at_flush[4];		/* of those, still at refcount >= 1 */
};

static void record_flush(struct mmu_gather *tlb, void *arg)
{
	struct flush_seen *s = arg;
	unsigned int alive = 0;

	for (unsigned int i = 0; i < s->nr_pages; i++)
		alive += page_ref_count(s->pages[i]) >= 1;
	if (s->flushes < 4) {
		s->free_at_flush[s->flushes] = nr_free_pages();
		s->alive_at_flush[s->flushes] = alive;
	}
	s->flushes++;
}

static void gather_init(struct mmu_gather *tlb, struct mm_struct *mm, struct flush_seen *s)
{
	tlb_gather_init(tlb, mm);
	tlb->flush_hook = record_flush;
	tlb->hook_arg = s;
}

MM_TEST(gather_frees_only_after_the_flush)
{
	struct mm_struct *mm = test_mm_create(t);
	struct page *pages[3];
	struct flush_seen seen = { .pages = pages, .nr_pages = 3 };
	struct mmu_gather tlb;
	unsigned long before;
	struct page *table;

	for (unsigned int i = 0; i < 3; i++) {
		pages[i] = alloc_page();
		ASSERT_NOT_NULL(t, pages[i]);
	}
	table = alloc_page();
	ASSERT_NOT_NULL(t, table);
	memset(page_address(table), 0, P);
	before = nr_free_pages();

	gather_init(&tlb, mm, &seen);
	tlb_track_range(&tlb, A, A + 3 * P);
	for (unsigned int i = 0; i < 3; i++)
		tlb_remove_pages(&tlb, pages[i], 1);	/* their "mapping" references */
	tlb_remove_table(&tlb, page_address(table));
	EXPECT_EQ(t, nr_free_pages(), before);		/* queued, not freed */
	tlb_finish(&tlb);
	EXPECT_EQ(t, seen.flushes, 1);
	EXPECT_EQ(t, seen.alive_at_flush[0], 3);	/* alive at the flush... */
	EXPECT_EQ(t, seen.free_at_flush[0], before);
	EXPECT_EQ(t, nr_free_pages(), before + 4);	/* ...freed right after it */
	EXPECT_EQ(t, tlb.flushes, 1);
	mm_destroy(mm);
}

MM_TEST(full_batch_flushes_before_it_frees)
{
	struct mm_struct *mm = test_mm_create(t);
	static struct page *pages[GATHER_BATCH + 5];
	struct flush_seen seen = { .pages = pages, .nr_pages = GATHER_BATCH + 5 };
	struct mmu_gather tlb;
	unsigned long before;

	for (unsigned int i = 0; i < GATHER_BATCH + 5; i++) {
		pages[i] = alloc_page();
		ASSERT_NOT_NULL(t, pages[i]);
	}
	before = nr_free_pages();
	gather_init(&tlb, mm, &seen);
	for (unsigned int i = 0; i < GATHER_BATCH + 5; i++) {
		tlb_track_range(&tlb, A + i * P, A + (i + 1) * P);
		tlb_remove_pages(&tlb, pages[i], 1);
	}
	/* the 33rd page found the batch full: one flush, then 32 freed */
	EXPECT_EQ(t, seen.flushes, 1);
	EXPECT_EQ(t, seen.alive_at_flush[0], GATHER_BATCH + 5);	/* nothing freed before it */
	EXPECT_EQ(t, nr_free_pages(), before + GATHER_BATCH);
	tlb_finish(&tlb);
	EXPECT_EQ(t, seen.flushes, 2);
	EXPECT_EQ(t, seen.alive_at_flush[1], 5);
	EXPECT_EQ(t, nr_free_pages(), before + GATHER_BATCH + 5);
	mm_destroy(mm);
}

MM_TEST(empty_gather_flushes_nothing)
{
	struct mm_struct *mm = test_mm_create(t);
	struct flush_seen seen = { 0 };
	struct mmu_gather tlb;

	gather_init(&tlb, mm, &seen);
	tlb_finish(&tlb);
	EXPECT_EQ(t, seen.flushes, 0);
	EXPECT_EQ(t, tlb.flushes, 0);
	mm_destroy(mm);
}

MM_TEST(untracked_queue_warns_and_flushes_everything)
{
	struct mm_struct *mm = test_mm_create(t);
	struct page *page = alloc_page();
	struct flush_seen seen = { .pages = &page, .nr_pages = 1 };
	unsigned long warned = ktest_warnings(t);
	struct mmu_gather tlb;

	ASSERT_NOT_NULL(t, page);
	gather_init(&tlb, mm, &seen);
	tlb_remove_pages(&tlb, page, 1);		/* a caller that forgot to track */
	tlb_finish(&tlb);
	EXPECT_EQ(t, ktest_warnings(t), warned + 1);
	EXPECT_EQ(t, seen.flushes, 1);			/* flushed all the same */
	EXPECT_EQ(t, seen.alive_at_flush[0], 1);
	mm_destroy(mm);
}

/* An unmap goes through one gather: one flush, then pages and tables go. */
MM_TEST(zap_queues_pages_and_tables_for_one_flush)
{
	struct mm_struct *mm = test_mm_create(t);
	struct page *pages[8];
	struct flush_seen seen = { .pages = pages, .nr_pages = 8 };
	struct mmu_gather tlb;
	unsigned long before;

	ASSERT_EQ(t, mmap_anon(mm, A, 8 * P, PROT_READ | PROT_WRITE), (long)A);
	test_fault_range(t, mm, A, 8, FAULT_FLAG_WRITE);
	for (unsigned int i = 0; i < 8; i++)
		pages[i] = test_page_at(t, mm, A + i * P);
	before = nr_free_pages();

	mmap_write_lock(mm);
	gather_init(&tlb, mm, &seen);
	pt_zap_range(&tlb, A, A + 8 * P);
	EXPECT_EQ(t, mm->nr_pgtables, 0);		/* unlinked... */
	EXPECT_EQ(t, nr_free_pages(), before);		/* ...but not freed */
	tlb_finish(&tlb);
	mmap_write_unlock(mm);
	EXPECT_EQ(t, seen.flushes, 1);
	EXPECT_EQ(t, seen.alive_at_flush[0], 8);
	EXPECT_EQ(t, seen.free_at_flush[0], before);
	EXPECT_EQ(t, nr_free_pages(), before + 8 + 3);	/* pages, PTE/PMD/PUD tables */
	EXPECT_UGE(t, tlb.start, tlb.end);		/* the range was reset */
	mm_destroy(mm);
}

static const struct ktest_case tlb_cases[] = {
	KTEST_CASE(gather_frees_only_after_the_flush,
		   "queued pages and tables are alive at the flush and freed right after"),
	KTEST_CASE(full_batch_flushes_before_it_frees,
		   "the 33rd page flushes and frees the first 32; the rest at the finish"),
	KTEST_CASE(empty_gather_flushes_nothing, "a gather with nothing tracked or queued does no flush"),
	KTEST_CASE(untracked_queue_warns_and_flushes_everything,
		   "pages queued without a range: a warning, and a full flush before the free"),
	KTEST_CASE(zap_queues_pages_and_tables_for_one_flush,
		   "zapping 8 pages unlinks 3 tables; all 11 pages freed after one flush"),
	{}
};
KTEST_SUITE(tlb_suite, "mm.tlb", tlb_cases);
