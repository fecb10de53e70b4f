/*
 * acpi: the ACPI table walker (drivers/acpi/tables.c) and what reads the
 * tables it keeps (the FADT, the MADT, \_S5_ in the DSDT and SSDTs, the
 * NFITs, power-off and reset through fake ports), on fuzzed firmware.
 *
 * The input is "physical memory" at FAKE_PHYS, the RSDP at its first
 * byte: every address in the tables is an address in it, as in
 * drivers/acpi/tests/acpi_test.c. Each input is scanned four times:
 *   - as given, and with every checksum repaired (the RSDP's two, the
 *     root tables', each listed table's and the DSDT's), so that mutated
 *     tables also get past the checksum to the parsers behind it;
 *   - each through two maps: a flat one that hands out pointers into the
 *     input (like acpi_test.c's fake_map), and a strict one that copies
 *     just the bytes asked for into a heap block of their size (a
 *     stricter bounce_map): a read past what was mapped is an ASan report.
 *
 * What must hold: the scan answers 0 or -EINVAL, and keeps no table when
 * it fails; each kept table lies inside the input, is 36 bytes to 16 MiB
 * long, sums to 0, has a printable signature and the input's bytes, and
 * is kept once; the strings are NUL-terminated; the MADT's arrays are not
 * overrun and its APIC ids are unique; \_S5_'s sleep types are 3-bit; a
 * power-off writes PM1 control with SLP_EN last, a reset writes its value
 * once; and both maps give the same verdicts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arch/host/fuzz/fuzz.h>
#include <drivers/acpi/internal.h>
#include <drivers/acpi/nfit_internal.h>

#define FAKE_PHYS	0x100000ULL
#define MAX_WRITES	8

static const uint8_t *arena;
static size_t arena_size;

static const void *flat_map(uint64_t phys, uint64_t len)
{
	uint64_t off = phys - FAKE_PHYS;

	if (phys < FAKE_PHYS || off > arena_size || len > arena_size - off)
		return NULL;
	return arena + off;
}

/* The strict map's blocks, freed after each scan. */
static void **blocks;
static size_t nblocks, blocks_cap;

static const void *strict_map(uint64_t phys, uint64_t len)
{
	const uint8_t *src = flat_map(phys, len);
	void *b;

	if (!src)
		return NULL;
	if (nblocks == blocks_cap) {
		blocks_cap = blocks_cap ? 2 * blocks_cap : 64;
		blocks = realloc(blocks, blocks_cap * sizeof(*blocks));
		FUZZ_CHECK(blocks, "out of memory for %zu blocks", blocks_cap);
	}
	b = malloc(len ? len : 1);
	FUZZ_CHECK(b, "out of memory for %llu bytes", (unsigned long long)len);
	memcpy(b, src, len);
	blocks[nblocks++] = b;
	return b;
}

static void free_blocks(void)
{
	while (nblocks)
		free(blocks[--nblocks]);
}

static struct {
	uint16_t port;
	uint32_t value;
	unsigned int width;
} writes[MAX_WRITES];
static unsigned int nwrites;

static uint32_t fake_read_port(uint16_t port, unsigned int width_bits)
{
	return 0x1;			/* SCI_EN, as a running machine has it */
}

static void fake_write_port(uint16_t port, uint32_t value, unsigned int width_bits)
{
	if (nwrites < MAX_WRITES)
		writes[nwrites] = (typeof(writes[0])){ port, value, width_bits };
	nwrites++;
}

static const struct acpi_os_ops flat_ops = {
	.map = flat_map, .read_port = fake_read_port, .write_port = fake_write_port,
};
static const struct acpi_os_ops strict_ops = {
	.map = strict_map, .read_port = fake_read_port, .write_port = fake_write_port,
};

static bool no_overlap(uint64_t base, uint64_t size)
{
	return false;
}

static const struct nfit_ops nfit_platform = {
	.overlaps_ram = no_overlap, .overlaps_kernel = no_overlap,
};

/* --- one scan ---------------------------------------------------------------------- */

/* What a scan found, to compare the two maps' answers. */
struct verdict {
	int ret;
	unsigned int count, refused;
	struct { char sig[5]; uint64_t phys; uint32_t length; } table[ACPI_MAX_TABLES];
	int fadt, madt, s5, poweroff, reset;
	unsigned int ncpus, nioapics, noverrides, nnmis, bad_entries, writes;
	unsigned int nfit_tables, nfit_regions;
};

static struct acpi_tables tables;	/* static: too big for the stack */
static struct acpi_madt madt;
static struct nfit nf;

static bool terminated(const char *s, size_t size)
{
	return strnlen(s, size) < size;
}

static void check_tables(const char *pass, int ret)
{
	FUZZ_CHECK(ret == 0 || ret == -EINVAL, "%s: acpi_tables_scan() returned %d", pass, ret);
	FUZZ_CHECK(ret == 0 || tables.count == 0, "%s: failed (%d) but kept %u tables", pass,
		   ret, tables.count);
	FUZZ_CHECK(tables.count <= ACPI_MAX_TABLES, "%s: %u tables", pass, tables.count);
	if (ret == 0)
		FUZZ_CHECK(tables.count && (!strcmp(tables.table[0].signature, "XSDT") ||
					    !strcmp(tables.table[0].signature, "RSDT")),
			   "%s: the first of %u tables is '%s', not the root", pass, tables.count,
			   tables.count ? tables.table[0].signature : "");
	for (unsigned int i = 0; i < tables.count; i++) {
		const struct acpi_table_info *ti = &tables.table[i];
		unsigned long long phys = ti->phys, off = phys - FAKE_PHYS;

		FUZZ_CHECK(phys >= FAKE_PHYS && off <= arena_size &&
			   ti->length <= arena_size - off,
			   "%s: table %u '%s' at 0x%llx+%u lies outside the %zu-byte input", pass,
			   i, ti->signature, phys, ti->length, arena_size);
		FUZZ_CHECK(ti->length >= sizeof(struct acpi_table_header) &&
			   ti->length <= ACPI_MAX_TABLE_LENGTH,
			   "%s: table %u '%s' has length %u", pass, i, ti->signature, ti->length);
		FUZZ_CHECK(ti->header && ti->header->length == ti->length &&
			   !memcmp(ti->header, arena + off, ti->length),
			   "%s: table %u '%s' at 0x%llx: its mapping is not its %u bytes", pass, i,
			   ti->signature, phys, ti->length);
		FUZZ_CHECK(acpi_checksum(arena + off, ti->length) == 0,
			   "%s: table %u '%s' at 0x%llx: kept with a bad checksum", pass, i,
			   ti->signature, phys);
		FUZZ_CHECK(strlen(ti->signature) == 4 && !memcmp(ti->signature, arena + off, 4),
			   "%s: table %u: signature '%s'", pass, i, ti->signature);
		for (int k = 0; k < 4; k++)
			FUZZ_CHECK(ti->signature[k] >= 0x20 && ti->signature[k] < 0x7f,
				   "%s: table %u: signature byte %d is 0x%02x", pass, i, k,
				   (uint8_t)ti->signature[k]);
		FUZZ_CHECK(strlen(ti->oem_id) == 6 && strlen(ti->oem_table_id) == 8,
			   "%s: table %u: OEM '%s' '%s'", pass, i, ti->oem_id, ti->oem_table_id);
		for (unsigned int k = 0; k < i; k++)
			FUZZ_CHECK(tables.table[k].phys != ti->phys,
				   "%s: tables %u and %u are both at 0x%llx", pass, k, i, phys);
	}
	for (unsigned int i = 0; i < tables.refused && i < ACPI_MAX_REFUSALS; i++) {
		const struct acpi_table_refusal *r = &tables.refusal[i];

		FUZZ_CHECK(terminated(r->signature, sizeof(r->signature)) &&
			   terminated(r->from, sizeof(r->from)) && terminated(r->why, sizeof(r->why)),
			   "%s: refusal %u: a string is not ended", pass, i);
	}
}

static void check_madt(const char *pass, int ret)
{
	FUZZ_CHECK(ret >= -EINVAL, "%s: acpi_madt_parse() returned %d", pass, ret);
	FUZZ_CHECK(madt.ncpus <= ACPI_MAX_CPUS && madt.nioapics <= ACPI_MAX_IOAPICS &&
		   madt.noverrides <= ACPI_MAX_OVERRIDES && madt.nnmis <= ACPI_MAX_LAPIC_NMIS,
		   "%s: MADT counts %u CPUs, %u IOAPICs, %u overrides, %u NMIs", pass,
		   madt.ncpus, madt.nioapics, madt.noverrides, madt.nnmis);
	for (unsigned int i = 0; i < madt.ncpus; i++)
		for (unsigned int k = 0; k < i; k++)
			FUZZ_CHECK(madt.cpu[i].apic_id != madt.cpu[k].apic_id,
				   "%s: MADT CPUs %u and %u both have APIC id %u", pass, k, i,
				   madt.cpu[i].apic_id);
}

/* \_S5_ in every DSDT and SSDT kept. */
static int check_s5(const char *pass)
{
	static const char *const sigs[] = { "DSDT", "SSDT" };
	const struct acpi_table_header *h;
	int found = 0;

	for (unsigned int s = 0; s < 2; s++) {
		for (unsigned int i = 0; (h = acpi_tables_find(&tables, sigs[s], i)); i++) {
			uint8_t a = 0xff, b = 0xff;
			int ret = acpi_aml_find_s5((const uint8_t *)(h + 1),
						   h->length - sizeof(*h), &a, &b);

			FUZZ_CHECK(ret == 0 || ret == -ENOENT || ret == -EINVAL,
				   "%s: acpi_aml_find_s5() in %s %u returned %d", pass, sigs[s], i,
				   ret);
			FUZZ_CHECK(ret || (a <= 7 && b <= 7), "%s: \\_S5_ in %s %u gives %u, %u",
				   pass, sigs[s], i, a, b);
			found = found * 4 + (ret == 0 ? 1 : ret == -ENOENT ? 2 : 3);
		}
	}
	return found;
}

static void check_poweroff(const char *pass, const struct acpi_fadt_info *f, int ret)
{
	unsigned int n = nwrites;

	FUZZ_CHECK(ret <= 0, "%s: acpi_enter_s5() returned %d", pass, ret);
	if (ret) {
		FUZZ_CHECK(n == 0, "%s: acpi_enter_s5() failed (%d) after %u port writes", pass,
			   ret, n);
		return;
	}
	FUZZ_CHECK(f->valid && (n == 2 || n == 4), "%s: power-off made %u port writes", pass, n);
	FUZZ_CHECK(writes[n - 1].value & ACPI_PM1_SLP_EN && !(writes[0].value & ACPI_PM1_SLP_EN),
		   "%s: power-off writes 0x%x ... 0x%x: SLP_EN not last", pass, writes[0].value,
		   writes[n - 1].value);
	FUZZ_CHECK(writes[0].port == f->pm1a_cnt.address && writes[n / 2].port == writes[0].port,
		   "%s: power-off wrote port 0x%x, PM1a_CNT is 0x%llx", pass, writes[0].port,
		   (unsigned long long)f->pm1a_cnt.address);
}

static void scan(const char *pass, const struct acpi_os_ops *ops, struct verdict *v)
{
	const struct acpi_table_header *h;
	struct acpi_fadt_info fadt;

	memset(v, 0, sizeof(*v));
	acpi_tables_reset(&tables, ops);
	tables.quiet = true;
	v->ret = acpi_tables_scan(&tables, FAKE_PHYS);
	check_tables(pass, v->ret);
	v->count = tables.count;
	v->refused = tables.refused;
	for (unsigned int i = 0; i < tables.count; i++) {
		memcpy(v->table[i].sig, tables.table[i].signature, 5);
		v->table[i].phys = tables.table[i].phys;
		v->table[i].length = tables.table[i].length;
	}

	memset(&fadt, 0, sizeof(fadt));
	h = acpi_tables_find(&tables, "FACP", 0);
	if (h) {
		v->fadt = acpi_fadt_parse(&fadt, h) + 1000;
		FUZZ_CHECK(v->fadt == 1000 || v->fadt == 1000 - EINVAL,
			   "%s: acpi_fadt_parse() returned %d", pass, v->fadt - 1000);
	}
	h = acpi_tables_find(&tables, "APIC", 0);
	if (h) {
		v->madt = acpi_madt_parse(&madt, h) + 1000;
		check_madt(pass, v->madt - 1000);
		v->ncpus = madt.ncpus;
		v->nioapics = madt.nioapics;
		v->noverrides = madt.noverrides;
		v->nnmis = madt.nnmis;
		v->bad_entries = madt.bad_entries;
	}
	v->s5 = check_s5(pass);

	nwrites = 0;
	v->poweroff = acpi_enter_s5(&tables, &fadt);
	check_poweroff(pass, &fadt, v->poweroff);
	v->writes = nwrites;
	nwrites = 0;
	v->reset = acpi_write_reset(&tables, &fadt);
	FUZZ_CHECK(v->reset <= 0 && (v->reset ? nwrites == 0 :
		   nwrites == 1 && writes[0].value == fadt.reset_value && writes[0].width == 8),
		   "%s: acpi_write_reset() returned %d after %u writes", pass, v->reset, nwrites);

	nfit_reset(&nf, &nfit_platform);
	nf.silent = true;
	nfit_parse_tables(&nf, &tables);
	FUZZ_CHECK(nf.ntables <= NFIT_MAX_TABLES && nf.nregions <= NFIT_MAX_REGIONS,
		   "%s: %u NFITs, %u regions", pass, nf.ntables, nf.nregions);
	v->nfit_tables = nf.ntables;
	v->nfit_regions = nf.nregions;
}

static void scan_both(const char *pass)
{
	static struct verdict flat, strict;

	scan(pass, &flat_ops, &flat);
	scan(pass, &strict_ops, &strict);
	free_blocks();
	if (fuzz_verbose)
		fprintf(stderr, "acpi: %s: scan %d, %u tables, %u refused; FADT %d, MADT %d "
			"(%u CPUs, %u IOAPICs, %u bad), S5 %#x, power-off %d (%u writes), "
			"reset %d, %u NFITs, %u regions\n", pass, flat.ret, flat.count,
			flat.refused, flat.fadt - 1000, flat.madt - 1000, flat.ncpus,
			flat.nioapics, flat.bad_entries, flat.s5, flat.poweroff, flat.writes,
			flat.reset, flat.nfit_tables, flat.nfit_regions);
	FUZZ_CHECK(flat.ret == strict.ret && flat.count == strict.count &&
		   flat.refused == strict.refused,
		   "%s: flat map: %d, %u tables, %u refused; strict map: %d, %u tables, %u refused",
		   pass, flat.ret, flat.count, flat.refused, strict.ret, strict.count,
		   strict.refused);
	for (unsigned int i = 0; i < flat.count; i++)
		FUZZ_CHECK(!strcmp(flat.table[i].sig, strict.table[i].sig) &&
			   flat.table[i].phys == strict.table[i].phys &&
			   flat.table[i].length == strict.table[i].length,
			   "%s: table %u: flat map '%s' at 0x%llx, strict map '%s' at 0x%llx", pass,
			   i, flat.table[i].sig, (unsigned long long)flat.table[i].phys,
			   strict.table[i].sig, (unsigned long long)strict.table[i].phys);
	FUZZ_CHECK(!memcmp(&flat.fadt, &strict.fadt,
			   sizeof(flat) - offsetof(struct verdict, fadt)),
		   "%s: the maps disagree: FADT %d/%d, MADT %d/%d (%u/%u CPUs), S5 %d/%d, "
		   "power-off %d/%d, reset %d/%d, NFIT regions %u/%u", pass,
		   flat.fadt, strict.fadt, flat.madt, strict.madt, flat.ncpus, strict.ncpus,
		   flat.s5, strict.s5, flat.poweroff, strict.poweroff, flat.reset, strict.reset,
		   flat.nfit_regions, strict.nfit_regions);
}

/* --- checksums repaired ----------------------------------------------------------- */

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

/* Fix the checksum of the table at phys, if its header and length fit; returns it. */
static const struct acpi_table_header *fix_table(uint8_t *a, size_t n, uint64_t phys)
{
	uint64_t off = phys - FAKE_PHYS;
	uint32_t len;

	if (phys < FAKE_PHYS || off > n || n - off < sizeof(struct acpi_table_header))
		return NULL;
	len = get32(a + off + 4);
	if (len < sizeof(struct acpi_table_header) || len > n - off)
		return NULL;
	a[off + 9] = 0;
	a[off + 9] = -acpi_checksum(a + off, len);
	return (const void *)(a + off);
}

static void fix_root(uint8_t *a, size_t n, uint64_t phys, size_t esize)
{
	const struct acpi_table_header *root = fix_table(a, n, phys), *h;
	const uint8_t *e;
	unsigned int entries;

	if (!root)
		return;
	entries = (root->length - sizeof(*root)) / esize;
	e = (const uint8_t *)(root + 1);
	for (unsigned int i = 0; i < entries && i < ACPI_MAX_TABLES; i++, e += esize) {
		h = fix_table(a, n, esize == 8 ? get64(e) : get32(e));
		if (h && !memcmp(h->signature, "FACP", 4))
			fix_table(a, n, acpi_fadt_dsdt_phys(h));
	}
	fix_table(a, n, phys);		/* again: an entry may lie inside it */
}

static void repair(uint8_t *a, size_t n)
{
	uint32_t len;

	if (n < ACPI_RSDP_V1_LENGTH)
		return;
	if (a[15] >= 2 && n >= sizeof(struct acpi_rsdp))
		fix_root(a, n, get64(a + 24), ACPI_XSDT_ENTRY_SIZE);
	fix_root(a, n, get32(a + 16), ACPI_RSDT_ENTRY_SIZE);
	a[8] = 0;
	a[8] = -acpi_checksum(a, ACPI_RSDP_V1_LENGTH);
	len = n >= sizeof(struct acpi_rsdp) ? get32(a + 20) : 0;
	if (a[15] >= 2 && len >= sizeof(struct acpi_rsdp) && len <= n &&
	    len <= ACPI_RSDP_MAX_LENGTH) {
		a[32] = 0;
		a[32] = -acpi_checksum(a, len);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size ? size : 1);

	FUZZ_CHECK(copy, "out of memory for %zu bytes", size);
	memcpy(copy, data, size);
	arena = copy;
	arena_size = size;
	scan_both("as given");

	repair(copy, size);
	scan_both("checksums repaired");

	free(copy);
	return 0;
}
