/*
 * range_backup (mm/tests/range_backup.h): a copy in allocator pages, the
 * range mapped write-back only while it is copied, and a CRC-32 to prove
 * the bytes came back.
 */
#include <lib/crc32.h>
#include <lib/errno.h>
#include <lib/string.h>
#include <mm/memmap.h>
#include <mm/page_alloc.h>
#include <mm/tests/range_backup.h>
#include <asm/cacheflush.h>

int range_backup_save(struct range_backup *b, phys_addr_t phys, size_t bytes)
{
	void *range;

	memset(b, 0, sizeof(*b));
	b->phys = phys;
	b->bytes = bytes;
	b->order = get_order(bytes);
	b->copy = alloc_pages(b->order);
	if (!b->copy)
		return -ENOMEM;
	range = memremap_range(phys, bytes, MAP_WB);
	if (!range) {
		__free_pages(b->copy, b->order);
		b->copy = NULL;
		return -ENOMEM;
	}
	memcpy(page_address(b->copy), range, bytes);
	b->crc = crc32(0, range, bytes);
	memunmap_range(range, bytes);
	return 0;
}

void range_backup_restore(struct ktest *t, struct range_backup *b)
{
	void *range;

	if (!b->copy)
		return;
	range = memremap_range(b->phys, b->bytes, MAP_WB);
	if (!range) {
		ktest_fail(t, "cannot map %#llx-%#llx to restore it: its saved bytes are lost",
			   (unsigned long long)b->phys,
			   (unsigned long long)(b->phys + b->bytes - 1));
	} else {
		memcpy(range, page_address(b->copy), b->bytes);
		arch_wb_cache_range(range, b->bytes);
		arch_pmem_drain();
		EXPECT_EQ(t, crc32(0, range, b->bytes), b->crc);
		memunmap_range(range, b->bytes);
	}
	__free_pages(b->copy, b->order);
	b->copy = NULL;
}
