/*
 * A copy of a physical range that a test is about to overwrite, put back
 * afterwards: for cases that borrow part of a device's data (the altmap
 * case of suite mm.memremap writes struct pages into pmem0, whose contents are a
 * user's and must survive every boot's self-tests).
 *
 *   if (range_backup_save(&b, phys, bytes))
 *           ktest_skip(t, ...);        no copy: do not touch the range
 *   ... the range is overwritten ...
 *   range_backup_restore(t, &b);       written back, durable, CRC checked
 *
 * The copy lives in pages of the page allocator. The range is mapped only
 * while it is read or written (memremap_range), so the test's own mapping
 * of it must be gone by the restore. No ASSERT may end the case between
 * the save and the restore: it would skip the restore.
 */
#ifndef MM_TESTS_RANGE_BACKUP_H
#define MM_TESTS_RANGE_BACKUP_H

#include <lib/ktest.h>
#include <mm/vmap.h>

struct page;

struct range_backup {
	phys_addr_t phys;		/* page aligned */
	size_t bytes;			/* a multiple of the page size */
	struct page *copy;		/* 2^order pages, NULL once restored */
	unsigned int order;
	uint32_t crc;			/* CRC-32 of the range at save time */
};

/*
 * Copy [phys, phys + bytes) aside. 0, or (nothing kept, nothing touched)
 * -ENOMEM: no pages for the copy, or the range cannot be mapped.
 */
int range_backup_save(struct range_backup *b, phys_addr_t phys, size_t bytes);

/*
 * Write the copy back, make it durable (cache write-back and drain) and
 * free it; expects the range's CRC-32 to equal the one at save time.
 */
void range_backup_restore(struct ktest *t, struct range_backup *b);

#endif /* MM_TESTS_RANGE_BACKUP_H */
