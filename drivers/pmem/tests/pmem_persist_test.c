/*
 * pmem_persist.write and pmem_persist.check: data written through the
 * driver survives a power-off. tests/test-all boots twice with the same
 * fresh backing file (build/test-pmem-persist.img):
 *
 *   boot 1  ktest=pmem_persist.write: a header at sector 0, 1 MiB of a
 *           seeded pattern from sector 1, a copy of the header in the
 *           last sector; then the CRC-32 of the whole device, printed;
 *           QEMU powers off;
 *   boot 2  ktest=pmem_persist.check: the header is intact, the pattern
 *           regenerated from its seed has the CRC the header recorded,
 *           the last sector holds the header again; the whole-device
 *           CRC-32 is printed again.
 *
 * test-all then compares both printed CRCs with zlib's CRC-32 of the
 * backing file, read on the host. Both suites are explicit
 * (KTEST_SUITE_EXPLICIT): `ktest=*` and `ktest=drivers.pmem*` never run
 * them, since boot 1 overwrites the device. Without an NVDIMM
 * they fail: they only run when a boot asks for them.
 */
#include <stddef.h>

#include <drivers/pmem/tests/pmem_test.h>
#include <lib/crc32.h>
#include <lib/printk.h>
#include <lib/string.h>
#include <mm/slab.h>

#define PERSIST_MAGIC		"ZDKPERS1"
#define PERSIST_SEED		0x5eed0f2d1cULL
#define PERSIST_SECTORS		2048			/* 1 MiB of pattern */

struct persist_header {
	char magic[8];
	uint32_t version;
	uint32_t nsectors;		/* pattern sectors, from sector 1 */
	uint64_t seed;
	uint64_t device_sectors;	/* where the copy of this header is */
	uint32_t data_crc;		/* CRC-32 of the pattern */
	uint32_t header_crc;		/* CRC-32 of the bytes before this field */
};

static struct pmem_device *persist_device(struct ktest *t)
{
	struct pmem_device *p = pmem_find("pmem0");

	if (!p)
		ASSERT_TRUE(t, !"pmem0 exists (this suite needs an NVDIMM)");
	if (p->dev.state != DEVICE_BOUND) {
		put_device(&p->dev);
		ASSERT_TRUE(t, !"pmem0 is bound");
	}
	ASSERT_GT(t, p->nr_sectors, PERSIST_SECTORS + 2);
	return p;
}

/* Print and return the whole device's CRC-32 (test-all reads this line). */
static uint32_t device_crc(struct ktest *t, struct pmem_device *p)
{
	uint32_t crc = 0;

	EXPECT_EQ(t, pmem_crc32(p, 0, p->nr_sectors, 0, &crc), 0);
	pr_info("pmem_persist: %s crc32 0x%08x over %llu bytes", p->dev.name, crc,
		(unsigned long long)p->size);
	return crc;
}

static void write_pattern_and_crc(struct ktest *t)
{
	struct pmem_device *p = persist_device(t);
	size_t len = PERSIST_SECTORS * PMEM_SECTOR_SIZE;
	uint8_t *data = kmalloc(len), *sector = kzalloc(PMEM_SECTOR_SIZE);
	struct persist_header *h = (struct persist_header *)sector;

	ASSERT_NOT_NULL(t, data);
	ASSERT_NOT_NULL(t, sector);
	pmem_test_pattern(data, len, PERSIST_SEED);
	memcpy(h->magic, PERSIST_MAGIC, sizeof(h->magic));
	h->version = 1;
	h->nsectors = PERSIST_SECTORS;
	h->seed = PERSIST_SEED;
	h->device_sectors = p->nr_sectors;
	h->data_crc = crc32(0, data, len);
	h->header_crc = crc32(0, h, offsetof(struct persist_header, header_crc));

	ASSERT_EQ(t, pmem_rw(p, 1, data, PERSIST_SECTORS, PMEM_WRITE), 0);
	ASSERT_EQ(t, pmem_rw(p, p->nr_sectors - 1, sector, 1, PMEM_WRITE), 0);
	ASSERT_EQ(t, pmem_rw(p, 0, sector, 1, PMEM_WRITE), 0);	/* the header last */
	ktest_log(t, "wrote %u sectors, data crc32 0x%08x, seed 0x%llx", PERSIST_SECTORS,
		  h->data_crc, (unsigned long long)PERSIST_SEED);
	device_crc(t, p);
	kfree(data);
	kfree(sector);
	put_device(&p->dev);
}

static void pattern_survived_power_off(struct ktest *t)
{
	struct pmem_device *p = persist_device(t);
	size_t len = PERSIST_SECTORS * PMEM_SECTOR_SIZE;
	uint8_t *data = kmalloc(len), *want = kmalloc(len);
	uint8_t *sector = kzalloc(PMEM_SECTOR_SIZE), *last = kzalloc(PMEM_SECTOR_SIZE);
	struct persist_header *h = (struct persist_header *)sector;

	ASSERT_NOT_NULL(t, data);
	ASSERT_NOT_NULL(t, want);
	ASSERT_NOT_NULL(t, sector);
	ASSERT_NOT_NULL(t, last);
	ASSERT_EQ(t, pmem_rw(p, 0, sector, 1, PMEM_READ), 0);
	ASSERT_EQ(t, memcmp(h->magic, PERSIST_MAGIC, sizeof(h->magic)), 0);
	ASSERT_EQ(t, h->header_crc,
		  crc32(0, h, offsetof(struct persist_header, header_crc)));
	EXPECT_EQ(t, h->version, 1);
	EXPECT_EQ(t, h->nsectors, PERSIST_SECTORS);
	EXPECT_EQ(t, h->seed, PERSIST_SEED);
	EXPECT_EQ(t, h->device_sectors, p->nr_sectors);

	ASSERT_EQ(t, pmem_rw(p, 1, data, PERSIST_SECTORS, PMEM_READ), 0);
	pmem_test_pattern(want, len, h->seed);
	EXPECT_EQ(t, crc32(0, data, len), h->data_crc);
	EXPECT_EQ(t, memcmp(data, want, len), 0);
	ASSERT_EQ(t, pmem_rw(p, p->nr_sectors - 1, last, 1, PMEM_READ), 0);
	EXPECT_EQ(t, memcmp(last, sector, PMEM_SECTOR_SIZE), 0);
	ktest_log(t, "header, 1 MiB pattern (crc32 0x%08x) and last sector intact",
		  h->data_crc);
	device_crc(t, p);
	kfree(data);
	kfree(want);
	kfree(sector);
	kfree(last);
	put_device(&p->dev);
}

static const struct ktest_case write_cases[] = {
	KTEST_CASE(write_pattern_and_crc, "write header, pattern and end marker; print the device CRC"),
	{}
};
KTEST_SUITE_BOOT_ONLY(persist_write_suite, "drivers.pmem.persist.write", write_cases);

static const struct ktest_case check_cases[] = {
	KTEST_CASE(pattern_survived_power_off, "after a power-off the pattern and CRCs read back"),
	{}
};
KTEST_SUITE_EXPLICIT(persist_check_suite, "drivers.pmem.persist.check", check_cases);
