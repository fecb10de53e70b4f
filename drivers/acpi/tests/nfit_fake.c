/*
 * Fake NFITs and a fake platform for the NFIT self-tests (nfit_fake.h).
 *
 * qemu_nfit_one_dimm[] was read from a QEMU 7.2 guest with `nfit raw`
 * (-machine q35,nvdimm=on, one 256 MiB NVDIMM, no label): the tests check
 * that fake_qemu_dimm() rebuilds it exactly, which also checks the layouts
 * of actbl_nfit.h field by field.
 */
#include <drivers/acpi/tests/nfit_fake.h>
#include <lib/bug.h>
#include <lib/ktest.h>
#include <lib/string.h>

const uint8_t qemu_nfit_one_dimm[224] = {
	/* header: "NFIT", length 224, revision 1, checksum, "BOCHS ", "BXPC    " ... */
	0x4e, 0x46, 0x49, 0x54, 0xe0, 0x00, 0x00, 0x00, 0x01, 0x04, 0x42, 0x4f, 0x43, 0x48, 0x53, 0x20,
	0x42, 0x58, 0x50, 0x43, 0x20, 0x20, 0x20, 0x20, 0x01, 0x00, 0x00, 0x00, 0x42, 0x58, 0x50, 0x43,
	0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	/* 0x28 SPA range: index 2, flags 3, PM GUID, base 4 GiB, 256 MiB, WB|NV */
	0x00, 0x00, 0x38, 0x00, 0x02, 0x00, 0x03, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x79, 0xd3, 0xf0, 0x66, 0xf3, 0xb4, 0x74, 0x40,
	0xac, 0x43, 0x0d, 0x33, 0x18, 0xb7, 0x8c, 0xdb, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x08, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	/* 0x60 memory device map: handle 1, SPA 2, control region 3, 256 MiB, 1 way */
	0x01, 0x00, 0x30, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x03, 0x00,
	0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
	/* 0x90 control region: index 3, vendor 0x8086, device 1, rev 1, serial 0x123456, fic 0x301 */
	0x04, 0x00, 0x50, 0x00, 0x03, 0x00, 0x86, 0x80, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x56, 0x34, 0x12, 0x00, 0x01, 0x03, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* --- the platform ---------------------------------------------------------------- */

static bool overlaps(uint64_t base, uint64_t size, uint64_t b, uint64_t bsize)
{
	return base < b + bsize && b < base + size;
}

static bool fake_overlaps_ram(uint64_t base, uint64_t size)
{
	return overlaps(base, size, 0, FAKE_RAM_END);
}

static bool fake_overlaps_kernel(uint64_t base, uint64_t size)
{
	return overlaps(base, size, FAKE_KERNEL_BASE, FAKE_KERNEL_SIZE);
}

const struct nfit_ops fake_platform = {
	.overlaps_ram = fake_overlaps_ram,
	.overlaps_kernel = fake_overlaps_kernel,
};

static struct {
	const uint8_t *base;
	size_t size;
	uint64_t phys;
} arena;

static const void *arena_map(uint64_t phys, uint64_t len)
{
	uint64_t off = phys - arena.phys;

	if (phys < arena.phys || off > arena.size || len > arena.size - off)
		return NULL;
	return arena.base + off;
}

static const struct acpi_os_ops arena_ops = { .map = arena_map };

const struct acpi_os_ops *nfit_fake_os(const void *base, size_t size, uint64_t phys)
{
	arena.base = base;
	arena.size = size;
	arena.phys = phys;
	return &arena_ops;
}

/* --- building tables ------------------------------------------------------------- */

struct acpi_table_header *fake_nfit_begin(uint8_t *buf)
{
	struct acpi_table_header *h = (void *)buf;

	memset(buf, 0, FAKE_NFIT_CAP);
	memcpy(h->signature, "NFIT", 4);
	h->length = sizeof(struct acpi_table_nfit);
	h->revision = 1;
	memcpy(h->oem_id, "BOCHS ", 6);
	memcpy(h->oem_table_id, "BXPC    ", 8);
	h->oem_revision = 1;
	memcpy(&h->creator_id, "BXPC", 4);
	h->creator_revision = 1;
	return h;
}

void *fake_nfit_add(struct acpi_table_header *h, const void *sub, size_t len)
{
	uint8_t *at = (uint8_t *)h + h->length;

	BUG_ON(h->length + len > FAKE_NFIT_CAP);
	memcpy(at, sub, len);
	h->length += len;
	return at;
}

void fake_nfit_seal(struct acpi_table_header *h)
{
	h->checksum = 0;
	h->checksum = -acpi_checksum(h, h->length);
}

void *fake_at(struct acpi_table_header *h, uint32_t off)
{
	return (uint8_t *)h + off;
}

struct acpi_nfit_spa fake_spa(uint16_t index, uint64_t base, uint64_t length)
{
	return (struct acpi_nfit_spa){
		.h = { ACPI_NFIT_TYPE_SPA, sizeof(struct acpi_nfit_spa) },
		.range_index = index,
		.flags = ACPI_NFIT_SPA_HOTADD_ONLY | ACPI_NFIT_SPA_PROXIMITY_VALID,
		.range_guid = ACPI_NFIT_GUID_PM,
		.base = base, .length = length,
		.attributes = EFI_MEMORY_WB | EFI_MEMORY_NV,
	};
}

struct acpi_nfit_memdev fake_memdev(uint32_t handle, uint16_t spa_index,
				    uint16_t dcr_index, uint64_t size)
{
	return (struct acpi_nfit_memdev){
		.h = { ACPI_NFIT_TYPE_MEMDEV, sizeof(struct acpi_nfit_memdev) },
		.device_handle = handle, .spa_index = spa_index,
		.dcr_index = dcr_index, .region_size = size, .interleave_ways = 1,
	};
}

struct acpi_nfit_dcr fake_dcr(uint16_t index, uint32_t serial)
{
	return (struct acpi_nfit_dcr){
		.h = { ACPI_NFIT_TYPE_DCR, sizeof(struct acpi_nfit_dcr) },
		.dcr_index = index, .vendor_id = 0x8086, .device_id = 1,
		.revision_id = 1, .serial_number = serial, .format_code = 0x301,
	};
}

/* QEMU numbers DIMM `slot`: handle slot + 1, SPA index 2 (slot + 1), control
 * region index one more, serial 0x123456 + slot. */
void fake_qemu_dimm(struct acpi_table_header *h, unsigned int slot,
		    uint64_t base, uint64_t size)
{
	uint16_t spa_index = (uint16_t)((slot + 1) * 2);
	struct acpi_nfit_spa spa = fake_spa(spa_index, base, size);
	struct acpi_nfit_memdev m = fake_memdev(slot + 1, spa_index, spa_index + 1, size);
	struct acpi_nfit_dcr d = fake_dcr(spa_index + 1, 0x123456 + slot);

	fake_nfit_add(h, &spa, sizeof(spa));
	fake_nfit_add(h, &m, sizeof(m));
	fake_nfit_add(h, &d, sizeof(d));
}

/* --- the parse under test ------------------------------------------------------------ */

struct nfit nt;
uint8_t nt_buf[FAKE_NFIT_CAP] __aligned(8);

struct acpi_table_header *nt_qemu_table(void)
{
	struct acpi_table_header *h = fake_nfit_begin(nt_buf);

	fake_qemu_dimm(h, 0, PM_BASE, 256 * MiB);
	return h;
}

int nt_parse(struct acpi_table_header *h)
{
	fake_nfit_seal(h);
	nfit_reset(&nt, &fake_platform);
	return nfit_parse_table(&nt, h);
}

/* What the parser recorded about the sub-table at `off` (first of it), or NULL. */
const struct nfit_problem *nt_problem_at(uint32_t off)
{
	for (unsigned int i = 0; i < nt.nproblems; i++)
		if (nt.problem[i].offset == off && !nt.problem[i].whole_table)
			return &nt.problem[i];
	return NULL;
}

/* Was the sub-table at `off` refused, with `words` in the reason? */
bool nt_refused_at(uint32_t off, const char *words)
{
	const struct nfit_problem *p = nt_problem_at(off);

	return p && p->kind == NFIT_REFUSED && strstr(p->text, words);
}

bool nt_warned_at(uint32_t off, const char *words)
{
	const struct nfit_problem *p = nt_problem_at(off);

	return p && p->kind == NFIT_WARNING && strstr(p->text, words);
}

/* The QEMU DIMM made its region, whatever else happened. */
void nt_expect_qemu_region(struct ktest *t, unsigned int i)
{
	const struct nfit_region *r = &nt.region[i];

	ASSERT_LT(t, i, nt.nregions);
	EXPECT_EQ(t, r->base, PM_BASE);
	EXPECT_EQ(t, r->size, 256 * MiB);
	ASSERT_EQ(t, r->ndimms, 1);
	EXPECT_EQ(t, r->dimm[0].handle, 1);
	EXPECT_EQ(t, r->dimm[0].serial, 0x123456);
}
