/*
 * nfit: the NFIT parser and validator (drivers/acpi/nfit*.c) on fuzzed
 * tables.
 *
 * The input is one or more NFITs back to back: each takes the length its
 * header gives if that fits what is left, else all that is left (a tail
 * shorter than a header is dropped). Each is copied into a heap block of
 * exactly its length, so AddressSanitizer reports a read one byte past
 * it, and given the signature and length that tables.c would have
 * checked (the checksum is not the parser's business). Then, as
 * nfit_init() does: nfit_parse_tables() over them on a fake platform
 * (RAM [0, 512 MiB), the kernel at 16 MiB: drivers/acpi/tests/nfit_fake.h),
 * every table printed (nfit_dump_table), the regions printed and
 * summarised.
 *
 * What must hold (the promises of drivers/acpi/nfit.h, the invariants
 * drivers/acpi/tests/nfit_fuzz_test.c checks, and a few more):
 *   - counts within their arrays; every problem counted, the first ones
 *     recorded;
 *   - regions numbered 0, 1, ... in address order, none overlapping
 *     another;
 *   - each region is one of its own table's persistent-memory SPA range
 *     sub-tables (found by an independent walk): same index, base and
 *     size; non-empty, 4 KiB aligned, below 2^52, clear of RAM and of the
 *     kernel;
 *   - each DIMM of a region is a memory device map of that table naming
 *     that range, not twice, mapping no more than the region's size, with
 *     at most NFIT_MAX_FLUSH_HINTS hints; at most NFIT_MAX_REGION_DIMMS;
 *   - no capabilities without a capabilities structure;
 *   - the summary line ends inside its buffer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arch/host/fuzz/fuzz.h>
#include <drivers/acpi/nfit_internal.h>

#define RAM_END		0x20000000ULL		/* as nfit_fake.h's platform */
#define KERNEL_BASE	0x01000000ULL
#define KERNEL_SIZE	0x00200000ULL
#define MAX_INPUT_TABLES	(NFIT_MAX_TABLES + 2)	/* a few past the limit */

static const uint8_t pm_guid[16] = ACPI_NFIT_GUID_PM;

static bool overlaps(uint64_t base, uint64_t size, uint64_t b, uint64_t bsize)
{
	return base < b + bsize && b < base + size;
}

static bool fake_overlaps_ram(uint64_t base, uint64_t size)
{
	return overlaps(base, size, 0, RAM_END);
}

static bool fake_overlaps_kernel(uint64_t base, uint64_t size)
{
	return overlaps(base, size, KERNEL_BASE, KERNEL_SIZE);
}

static const struct nfit_ops platform = {
	.overlaps_ram = fake_overlaps_ram,
	.overlaps_kernel = fake_overlaps_kernel,
};

static struct nfit nf;			/* static: too big for the stack */
static struct acpi_tables tabs;

/* --- an independent walk over one table's bytes -------------------------------- */

struct sub_iter {
	const uint8_t *t;
	uint32_t len, at;
};

/* The next sub-table lying wholly inside the table (any type); false at the end. */
static bool next_sub(struct sub_iter *it, uint32_t *off, uint16_t *type, uint16_t *sublen)
{
	if (it->len < 4 || it->at > it->len - 4)
		return false;
	memcpy(type, it->t + it->at, 2);
	memcpy(sublen, it->t + it->at + 2, 2);
	if (*sublen < 4 || *sublen > it->len - it->at)
		return false;
	*off = it->at;
	it->at += *sublen;
	return true;
}

/* Is there a persistent-memory SPA range (index, base, size) in the table? */
static bool declared_range(const uint8_t *t, uint32_t len, uint16_t index,
			   uint64_t base, uint64_t size)
{
	struct sub_iter it = { t, len, sizeof(struct acpi_table_nfit) };
	struct acpi_nfit_spa spa;
	uint16_t type, sublen;
	uint32_t off;

	while (next_sub(&it, &off, &type, &sublen)) {
		if (type != ACPI_NFIT_TYPE_SPA || sublen < sizeof(spa))
			continue;
		memcpy(&spa, t + off, sizeof(spa));
		if (spa.range_index == index && spa.base == base && spa.length == size &&
		    !memcmp(spa.range_guid, pm_guid, 16))
			return true;
	}
	return false;
}

/* Is there a memory device map of `handle` into range `index`? */
static bool declared_dimm(const uint8_t *t, uint32_t len, uint32_t handle, uint16_t index)
{
	struct sub_iter it = { t, len, sizeof(struct acpi_table_nfit) };
	struct acpi_nfit_memdev m;
	uint16_t type, sublen;
	uint32_t off;

	while (next_sub(&it, &off, &type, &sublen)) {
		if (type != ACPI_NFIT_TYPE_MEMDEV || sublen != sizeof(m))
			continue;
		memcpy(&m, t + off, sizeof(m));
		if (m.device_handle == handle && m.spa_index == index)
			return true;
	}
	return false;
}

/* --- what must hold ------------------------------------------------------------ */

static void check_region(unsigned int i, const uint8_t *const *table, const uint32_t *len)
{
	const struct nfit_region *r = &nf.region[i];
	unsigned long long base = r->base, size = r->size;
	char line[200], small[48];

	FUZZ_CHECK(r->id == i, "region %u has id %u", i, r->id);
	FUZZ_CHECK(r->table < nf.ntables, "region %u: table %u of %u", i, r->table, nf.ntables);
	FUZZ_CHECK(size && !((base | size) & 0xfff),
		   "region %u: 0x%llx+0x%llx is empty or not 4 KiB aligned", i, base, size);
	FUZZ_CHECK(base < NFIT_PHYS_LIMIT && size <= NFIT_PHYS_LIMIT - base,
		   "region %u: 0x%llx+0x%llx runs past 2^52", i, base, size);
	FUZZ_CHECK(!fake_overlaps_ram(base, size) && !fake_overlaps_kernel(base, size),
		   "region %u: 0x%llx+0x%llx overlaps RAM or the kernel", i, base, size);
	if (i)
		FUZZ_CHECK(base >= nf.region[i - 1].base + nf.region[i - 1].size,
			   "region %u at 0x%llx+0x%llx: not above region %u at 0x%llx+0x%llx",
			   i, base, size, i - 1, (unsigned long long)nf.region[i - 1].base,
			   (unsigned long long)nf.region[i - 1].size);
	FUZZ_CHECK(declared_range(table[r->table], len[r->table], r->range_index, base, size),
		   "region %u 0x%llx+0x%llx (table %u, index %u) is no persistent-memory SPA range of its table",
		   i, base, size, r->table, r->range_index);
	FUZZ_CHECK(r->has_capabilities || !r->capabilities,
		   "region %u: capabilities 0x%x without a capabilities structure", i,
		   r->capabilities);
	FUZZ_CHECK(r->ndimms <= NFIT_MAX_REGION_DIMMS, "region %u: %u DIMMs", i, r->ndimms);
	for (unsigned int d = 0; d < r->ndimms; d++) {
		const struct nfit_dimm *dm = &r->dimm[d];

		FUZZ_CHECK(dm->nflush <= NFIT_MAX_FLUSH_HINTS, "region %u DIMM %u: %u flush hints",
			   i, d, dm->nflush);
		FUZZ_CHECK(dm->region_size <= size,
			   "region %u DIMM %u (handle 0x%x) maps 0x%llx bytes into 0x%llx", i, d,
			   dm->handle, (unsigned long long)dm->region_size, size);
		FUZZ_CHECK(declared_dimm(table[r->table], len[r->table], dm->handle, r->range_index),
			   "region %u DIMM %u: handle 0x%x has no memory device map into range %u",
			   i, d, dm->handle, r->range_index);
		for (unsigned int e = 0; e < d; e++)
			FUZZ_CHECK(r->dimm[e].handle != dm->handle,
				   "region %u: DIMMs %u and %u are both handle 0x%x", i, e, d,
				   dm->handle);
	}

	nfit_region_summary(r, line, sizeof(line));
	FUZZ_CHECK(strnlen(line, sizeof(line)) < sizeof(line), "region %u: summary not ended", i);
	nfit_region_summary(r, small, sizeof(small));
	FUZZ_CHECK(strnlen(small, sizeof(small)) < sizeof(small),
		   "region %u: short summary not ended", i);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *table[MAX_INPUT_TABLES];
	uint32_t len[MAX_INPUT_TABLES];
	unsigned int ntables = 0, total;
	size_t off = 0;

	while (ntables < MAX_INPUT_TABLES && size - off >= sizeof(struct acpi_table_nfit)) {
		uint32_t hlen, n;

		memcpy(&hlen, data + off + 4, 4);
		n = hlen >= sizeof(struct acpi_table_nfit) && hlen <= size - off ?
			hlen : (uint32_t)(size - off);
		table[ntables] = malloc(n);
		FUZZ_CHECK(table[ntables], "out of memory for %u bytes", n);
		memcpy(table[ntables], data + off, n);
		memcpy(table[ntables], "NFIT", 4);
		memcpy(table[ntables] + 4, &n, 4);
		len[ntables++] = n;
		off += n;
	}

	acpi_tables_reset(&tabs, NULL);
	for (unsigned int i = 0; i < ntables; i++) {
		struct acpi_table_info *ti = &tabs.table[tabs.count++];

		memcpy(ti->signature, "NFIT", 5);
		ti->length = len[i];
		ti->phys = 0x100000 + i * 0x10000;
		ti->header = (const void *)table[i];
	}

	nfit_reset(&nf, &platform);
	nf.silent = true;
	nfit_parse_tables(&nf, &tabs);

	FUZZ_CHECK(nf.ntables == (ntables < NFIT_MAX_TABLES ? ntables : NFIT_MAX_TABLES),
		   "%u tables given, %u parsed", ntables, nf.ntables);
	FUZZ_CHECK(nf.nregions <= NFIT_MAX_REGIONS, "%u regions", nf.nregions);
	FUZZ_CHECK(nf.nranges <= NFIT_MAX_RANGES, "%u ranges", nf.nranges);
	total = nf.refused + nf.warnings + nf.notes;
	FUZZ_CHECK(nf.nproblems == (total < NFIT_MAX_PROBLEMS ? total : NFIT_MAX_PROBLEMS),
		   "%u problems counted, %u recorded", total, nf.nproblems);
	for (unsigned int i = 0; i < nf.nproblems; i++) {
		const struct nfit_problem *p = &nf.problem[i];

		FUZZ_CHECK(p->kind <= NFIT_NOTE && p->table < nf.ntables,
			   "problem %u: kind %u table %u", i, p->kind, p->table);
		FUZZ_CHECK(strnlen(p->text, sizeof(p->text)) < sizeof(p->text),
			   "problem %u: text not ended", i);
	}
	for (unsigned int i = 0; i < nf.nregions; i++)
		check_region(i, (const uint8_t *const *)table, len);
	if (fuzz_verbose)
		fprintf(stderr, "nfit: %u tables, %u regions, %u DIMMs in the first; "
			"%u refused, %u warnings, %u notes\n", nf.ntables, nf.nregions,
			nf.nregions ? nf.region[0].ndimms : 0, nf.refused, nf.warnings, nf.notes);

	/* as the `nfit` command: every NFIT, parsed or past the limit */
	for (unsigned int i = 0; i < ntables; i++)
		nfit_dump_table(&nf, i, (const void *)table[i], fuzz_discard, NULL);
	nfit_dump_regions(&nf, fuzz_discard, NULL);

	for (unsigned int i = 0; i < ntables; i++)
		free(table[i]);
	return 0;
}
