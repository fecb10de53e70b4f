/*
 * drivers.acpi.nfit: the NFIT walk and each sub-table on its own, QEMU's real
 * tables, several tables, and the decoder behind the `nfit` command.
 *
 * Each case builds an NFIT in nt_buf (nfit_fake.h), most of them starting
 * from QEMU's own one-DIMM table, breaks one thing, parses it into nt,
 * and checks both halves of every rule: the bad sub-table is refused (or
 * warned about) on a line naming its offset, and everything else still
 * makes its region. drivers.nfit_check does the same for the checks
 * between sub-tables; drivers.nfit_fuzz damages tables at random. The
 * refusal lines these cases provoke are expected in the log.
 */
#include <drivers/acpi/tests/nfit_fake.h>
#include <lib/ktest.h>
#include <lib/vsprintf.h>

/* --- QEMU's tables ---------------------------------------------------------------- */

static void layouts_match_qemu_bytes(struct ktest *t)
{
	struct acpi_table_header *h = nt_qemu_table();

	fake_nfit_seal(h);
	ASSERT_EQ(t, h->length, sizeof(qemu_nfit_one_dimm));
	EXPECT_EQ(t, memcmp(h, qemu_nfit_one_dimm, sizeof(qemu_nfit_one_dimm)), 0);
	EXPECT_EQ(t, acpi_checksum(qemu_nfit_one_dimm, sizeof(qemu_nfit_one_dimm)), 0);
}

static void qemu_one_dimm(struct ktest *t)
{
	const struct nfit_region *r;

	memcpy(nt_buf, qemu_nfit_one_dimm, sizeof(qemu_nfit_one_dimm));
	nfit_reset(&nt, &fake_platform);
	ASSERT_EQ(t, nfit_parse_table(&nt, (void *)nt_buf), 0);
	ASSERT_EQ(t, nt.nregions, 1);
	r = &nt.region[0];
	EXPECT_EQ(t, r->id, 0);
	EXPECT_EQ(t, r->table, 0);
	EXPECT_EQ(t, r->range_index, 2);
	EXPECT_EQ(t, r->base, 0x100000000ULL);
	EXPECT_EQ(t, r->size, 0x10000000ULL);
	EXPECT_EQ(t, r->attributes, EFI_MEMORY_WB | EFI_MEMORY_NV);
	EXPECT_FALSE(t, r->has_capabilities);
	ASSERT_EQ(t, r->ndimms, 1);
	EXPECT_EQ(t, r->dimm[0].handle, 1);
	EXPECT_EQ(t, r->dimm[0].serial, 0x123456);
	EXPECT_EQ(t, r->dimm[0].vendor_id, 0x8086);
	EXPECT_EQ(t, r->dimm[0].format_code, 0x301);
	EXPECT_EQ(t, r->dimm[0].interleave_ways, 1);
	EXPECT_EQ(t, r->dimm[0].region_size, 0x10000000ULL);
	EXPECT_EQ(t, nfit_region_flush_hints(r), 0);
}

static void qemu_two_dimms_second_first(struct ktest *t)
{
	struct acpi_table_header *h = fake_nfit_begin(nt_buf);

	fake_qemu_dimm(h, 1, PM_BASE + 256 * MiB, 256 * MiB);
	fake_qemu_dimm(h, 0, PM_BASE, 256 * MiB);
	ASSERT_EQ(t, h->length, 408);
	ASSERT_EQ(t, nt_parse(h), 0);
	ASSERT_EQ(t, nt.nregions, 2);
	nt_expect_qemu_region(t, 0);			/* address order */
	EXPECT_EQ(t, nt.region[0].range_index, 2);
	EXPECT_EQ(t, nt.region[1].id, 1);
	EXPECT_EQ(t, nt.region[1].base, 0x110000000ULL);
	EXPECT_EQ(t, nt.region[1].range_index, 4);
	ASSERT_EQ(t, nt.region[1].ndimms, 1);
	EXPECT_EQ(t, nt.region[1].dimm[0].handle, 2);
	EXPECT_EQ(t, nt.region[1].dimm[0].serial, 0x123457);
}

static void summary_line(struct ktest *t)
{
	char line[200];

	ASSERT_EQ(t, nt_parse(nt_qemu_table()), 0);
	nfit_region_summary(&nt.region[0], line, sizeof(line));
	EXPECT_STREQ(t, line, "pmem 0x100000000-0x10fffffff (256 MiB) WB NV, 1 DIMM "
		     "(handle 0x1 serial 0x123456), no flush hints");
}

/* --- one sub-table on its own ----------------------------------------------------------- */

static void bad_length_refused(struct ktest *t)
{
	struct acpi_table_header *h = fake_nfit_begin(nt_buf);
	struct acpi_nfit_spa spa = fake_spa(9, PM_BASE + 512 * MiB, 64 * MiB);
	struct acpi_nfit_memdev m = fake_memdev(7, 2, 3, 64 * MiB);

	spa.h.length = 48;			/* an SPA range is 56 */
	fake_nfit_add(h, &spa, 48);
	m.h.length = 40;			/* a memory device map is 48 */
	fake_nfit_add(h, &m, 40);
	fake_qemu_dimm(h, 0, PM_BASE, 256 * MiB);
	EXPECT_EQ(t, nt_parse(h), 2);
	EXPECT_EQ(t, nt.refused, 2);
	EXPECT_TRUE(t, nt_refused_at(0x28, "length 48, expected 56"));
	EXPECT_TRUE(t, nt_refused_at(0x58, "length 40, expected 48"));
	ASSERT_EQ(t, nt.nregions, 1);
	nt_expect_qemu_region(t, 0);
}

static void control_region_forms(struct ktest *t)
{
	struct acpi_table_header *h = nt_qemu_table();
	struct acpi_nfit_dcr *d = fake_at(h, OFF_DCR);
	struct acpi_nfit_dcr extra = fake_dcr(5, 0x999);

	/* The 32-byte form is fine without block control windows... */
	extra.h.length = ACPI_NFIT_DCR_SHORT_SIZE;
	fake_nfit_add(h, &extra, ACPI_NFIT_DCR_SHORT_SIZE);
	EXPECT_EQ(t, nt_parse(h), 0);
	nt_expect_qemu_region(t, 0);

	/* ... but not with them; and 40 bytes is no form at all. */
	((struct acpi_nfit_dcr *)fake_at(h, OFF_END))->windows = 2;
	EXPECT_EQ(t, nt_parse(h), 1);
	EXPECT_TRUE(t, nt_refused_at(OFF_END, "short form"));
	d->h.length = 40;
	EXPECT_GE(t, nt_parse(h), 1);
	EXPECT_TRUE(t, nt_refused_at(OFF_DCR, "length 40, expected 80"));
}

static void count_exceeds_length(struct ktest *t)
{
	struct acpi_table_header *h = nt_qemu_table();
	struct { struct acpi_nfit_interleave il; uint32_t lines[2]; } __packed il = {
		.il = { .h = { ACPI_NFIT_TYPE_INTERLEAVE, 24 }, .interleave_index = 1,
			.line_count = 1000, .line_size = 256 },
	};
	struct { struct acpi_nfit_flush f; uint64_t hint[1]; } __packed fl = {
		.f = { .h = { ACPI_NFIT_TYPE_FLUSH, 24 }, .device_handle = 1,
		       .hint_count = 5 },
	};

	fake_nfit_add(h, &il, sizeof(il));		/* at 0xe0 */
	fake_nfit_add(h, &fl, sizeof(fl));		/* at 0xf8 */
	il.il.line_count = 0xffffffff;			/* 16 + 4n would wrap 32 bits */
	fake_nfit_add(h, &il, sizeof(il));		/* at 0x110 */
	EXPECT_EQ(t, nt_parse(h), 3);
	EXPECT_TRUE(t, nt_refused_at(0xe0, "line count 1000 needs 4016 bytes"));
	EXPECT_TRUE(t, nt_refused_at(0xf8, "hint count 5 needs 56 bytes"));
	EXPECT_TRUE(t, nt_refused_at(0x110, "line count 4294967295"));
	nt_expect_qemu_region(t, 0);
	EXPECT_EQ(t, nfit_region_flush_hints(&nt.region[0]), 0);
}

static void subtable_crossing_end_refused(struct ktest *t)
{
	struct acpi_table_header *h = nt_qemu_table();
	struct acpi_nfit_spa spa = fake_spa(9, PM_BASE + 512 * MiB, 64 * MiB);

	spa.h.length = 200;			/* the table ends 56 bytes on */
	fake_nfit_add(h, &spa, sizeof(spa));
	EXPECT_EQ(t, nt_parse(h), 1);
	EXPECT_TRUE(t, nt_refused_at(OFF_END, "runs past the table's end"));
	nt_expect_qemu_region(t, 0);

	/* A truncated table: its control region now crosses the end, so the
	 * map that names it goes too, and the region has no DIMM. */
	h = nt_qemu_table();
	h->length = OFF_END - 8;
	EXPECT_EQ(t, nt_parse(h), 3);	/* the crossing, the map, "no DIMMs" */
	EXPECT_TRUE(t, nt_refused_at(OFF_DCR, "runs past"));
	EXPECT_TRUE(t, nt_refused_at(OFF_MEMDEV, "control region index 3 does not exist"));
	ASSERT_EQ(t, nt.nregions, 1);
	EXPECT_EQ(t, nt.region[0].ndimms, 0);
}

static void zero_length_stops(struct ktest *t)
{
	struct acpi_table_header *h = fake_nfit_begin(nt_buf);
	struct acpi_nfit_spa spa = fake_spa(2, PM_BASE, 256 * MiB);
	struct acpi_nfit_header zero = { ACPI_NFIT_TYPE_MEMDEV, 0 };
	struct acpi_nfit_memdev m = fake_memdev(1, 2, 3, 256 * MiB);
	struct acpi_nfit_dcr d = fake_dcr(3, 0x123456);

	fake_nfit_add(h, &spa, sizeof(spa));
	fake_nfit_add(h, &zero, sizeof(zero));		/* at 0x60 */
	fake_nfit_add(h, &m, sizeof(m));		/* never reached */
	fake_nfit_add(h, &d, sizeof(d));
	EXPECT_EQ(t, nt_parse(h), 2);			/* the stop, "no DIMMs" */
	EXPECT_EQ(t, nt.warnings, 1);
	EXPECT_TRUE(t, nt_warned_at(0x60, "parsing stops"));
	ASSERT_EQ(t, nt.nregions, 1);			/* what came before stays */
	EXPECT_EQ(t, nt.region[0].base, PM_BASE);
	EXPECT_EQ(t, nt.region[0].ndimms, 0);

	/* 1 to 3 bytes cannot move the walk on either; stray bytes are noted. */
	h = nt_qemu_table();
	zero.length = 3;
	fake_nfit_add(h, &zero, sizeof(zero));
	EXPECT_EQ(t, nt_parse(h), 1);
	EXPECT_TRUE(t, nt_warned_at(OFF_END, "length 3"));
	h->length -= 1;				/* now only 3 bytes: no header */
	EXPECT_EQ(t, nt_parse(h), 1);
	EXPECT_EQ(t, nt.warnings, 1);
	EXPECT_TRUE(t, strstr(nt.problem[0].text, "3 stray byte(s)"));
	nt_expect_qemu_region(t, 0);
}

static void unknown_type_skipped(struct ktest *t)
{
	struct acpi_table_header *h = fake_nfit_begin(nt_buf);
	const uint8_t unknown[12] = { 99, 0, 12, 0, 0xde, 0xad, 0xbe, 0xef };

	fake_nfit_add(h, unknown, sizeof(unknown));
	fake_qemu_dimm(h, 0, PM_BASE, 256 * MiB);
	EXPECT_EQ(t, nt_parse(h), 1);
	EXPECT_EQ(t, nt.warnings, 1);
	EXPECT_EQ(t, nt.refused, 0);
	EXPECT_TRUE(t, nt_warned_at(0x28, "unknown type, skipped (12 bytes)"));
	nt_expect_qemu_region(t, 0);
}

static void smbios_and_block_windows(struct ktest *t)
{
	struct acpi_table_header *h = nt_qemu_table();
	struct { struct acpi_nfit_smbios s; uint8_t data[8]; } __packed smb = {
		.s = { .h = { ACPI_NFIT_TYPE_SMBIOS, sizeof(smb) } },
	};
	struct acpi_nfit_bdw bdw = {
		.h = { ACPI_NFIT_TYPE_BDW, sizeof(bdw) }, .dcr_index = 3, .windows = 1,
	};

	fake_nfit_add(h, &smb, sizeof(smb));		/* 0xe0 */
	fake_nfit_add(h, &bdw, sizeof(bdw));		/* 0xf0 */
	bdw.dcr_index = 8;
	fake_nfit_add(h, &bdw, sizeof(bdw));		/* 0x118: no such region */
	smb.s.h.length = 6;
	fake_nfit_add(h, &smb, 6);			/* 0x140: too short */
	EXPECT_EQ(t, nt_parse(h), 2);
	EXPECT_TRUE(t, nt_refused_at(0x118, "control region index 8 does not exist"));
	EXPECT_TRUE(t, nt_refused_at(0x140, "expected at least 8"));
	EXPECT_NULL(t, nt_problem_at(0xe0));
	EXPECT_NULL(t, nt_problem_at(0xf0));
	nt_expect_qemu_region(t, 0);
}

/* --- tables --------------------------------------------------------------------------- */

static void not_an_nfit(struct ktest *t)
{
	struct acpi_table_header *h = nt_qemu_table();

	memcpy(h->signature, "NFIX", 4);
	nfit_reset(&nt, &fake_platform);
	EXPECT_EQ(t, nfit_parse_table(&nt, h), -EINVAL);
	h = nt_qemu_table();
	h->length = 39;
	EXPECT_EQ(t, nfit_parse_table(&nt, h), -EINVAL);
	EXPECT_EQ(t, nt.refused, 2);
	EXPECT_EQ(t, nt.ntables, 0);
	EXPECT_EQ(t, nt.nregions, 0);

	h->length = 40;				/* an NFIT of no sub-tables: fine */
	EXPECT_EQ(t, nfit_parse_table(&nt, h), 0);
	EXPECT_EQ(t, nt.ntables, 1);
}

static void second_table_checked_against_first(struct ktest *t)
{
	struct acpi_table_header *h = nt_qemu_table();

	nfit_reset(&nt, &fake_platform);
	fake_nfit_seal(h);
	ASSERT_EQ(t, nfit_parse_table(&nt, h), 0);
	/* The same table again, as a second NFIT: same range, same index. */
	EXPECT_EQ(t, nfit_parse_table(&nt, h), 2);	/* the overlap, the orphan map */
	EXPECT_EQ(t, nt.ntables, 2);
	EXPECT_EQ(t, nt.problem[0].table, 1);
	EXPECT_TRUE(t, strstr(nt.problem[0].text, "overlaps SPA range 2 of table 0"));
	ASSERT_EQ(t, nt.nregions, 1);
	EXPECT_EQ(t, nt.region[0].table, 0);

	/* A second table with its own range, reusing index 2: noted, accepted. */
	h = fake_nfit_begin(nt_buf);
	fake_qemu_dimm(h, 0, PM_BASE + 256 * MiB, 256 * MiB);
	fake_nfit_seal(h);
	EXPECT_EQ(t, nfit_parse_table(&nt, h), 1);
	EXPECT_EQ(t, nt.notes, 1);
	ASSERT_EQ(t, nt.nregions, 2);
	EXPECT_EQ(t, nt.region[1].table, 2);
	EXPECT_EQ(t, nt.region[1].base, PM_BASE + 256 * MiB);
}

static void too_many_regions_and_subtables(struct ktest *t)
{
	struct acpi_table_header *h = fake_nfit_begin(nt_buf);
	struct acpi_nfit_smbios smb = { .h = { ACPI_NFIT_TYPE_SMBIOS, sizeof(smb) } };
	unsigned int i;

	for (i = 0; i < NFIT_MAX_REGIONS + 2; i++) {
		struct acpi_nfit_spa spa = fake_spa(i + 1, PM_BASE + i * 64 * MiB, 64 * MiB);

		fake_nfit_add(h, &spa, sizeof(spa));
	}
	nt_parse(h);
	EXPECT_EQ(t, nt.nregions, NFIT_MAX_REGIONS);
	EXPECT_EQ(t, nt.refused, 0);
	EXPECT_EQ(t, nt.warnings, 2);			/* one per range left out */

	h = fake_nfit_begin(nt_buf);
	for (i = 0; i < NFIT_MAX_SUBTABLES + 3; i++)
		fake_nfit_add(h, &smb, sizeof(smb));
	nt_parse(h);
	EXPECT_EQ(t, nt.refused, 3);
	EXPECT_TRUE(t, strstr(nt.problem[0].text, "more than 128 sub-tables"));
}

static void nfits_found_through_the_tables(struct ktest *t)
{
	static struct acpi_tables tables;
	static uint8_t machine[3 * FAKE_NFIT_CAP] __aligned(16);
	uint64_t rsdp_phys = 0x1000;		/* any number: fake_map() owns the arena */
	struct acpi_rsdp *rsdp = (void *)machine;
	struct acpi_table_header *xsdt = (void *)(machine + 64);
	uint8_t *nfit0 = machine + FAKE_NFIT_CAP, *nfit1 = machine + 2 * FAKE_NFIT_CAP;
	uint64_t entries[2] = { rsdp_phys + FAKE_NFIT_CAP, rsdp_phys + 2 * FAKE_NFIT_CAP };

	/* The arena: RSDP, XSDT listing two NFITs, the NFITs. */
	memset(machine, 0, sizeof(machine));
	memcpy(rsdp->signature, ACPI_RSDP_SIGNATURE, 8);
	rsdp->revision = 2;
	rsdp->length = sizeof(*rsdp);
	rsdp->xsdt_address = rsdp_phys + 64;
	rsdp->checksum = -acpi_checksum(rsdp, ACPI_RSDP_V1_LENGTH);
	rsdp->extended_checksum = -acpi_checksum(rsdp, sizeof(*rsdp));
	memcpy(xsdt->signature, "XSDT", 4);
	xsdt->length = sizeof(*xsdt) + sizeof(entries);
	memcpy(xsdt + 1, entries, sizeof(entries));
	fake_nfit_seal(xsdt);
	memcpy(nfit0, qemu_nfit_one_dimm, sizeof(qemu_nfit_one_dimm));
	fake_qemu_dimm(fake_nfit_begin(nfit1), 1, PM_BASE + 256 * MiB, 64 * MiB);
	fake_nfit_seal((void *)nfit1);

	acpi_tables_reset(&tables, nfit_fake_os(machine, sizeof(machine), rsdp_phys));
	tables.quiet = true;
	ASSERT_EQ(t, acpi_tables_scan(&tables, rsdp_phys), 0);
	nfit_reset(&nt, &fake_platform);
	EXPECT_EQ(t, nfit_parse_tables(&nt, &tables), 2);
	ASSERT_EQ(t, nt.nregions, 2);
	EXPECT_EQ(t, nt.region[1].table, 1);
	EXPECT_EQ(t, nt.region[1].dimm[0].serial, 0x123457);

	/* A bad checksum: tables.c refuses the NFIT, the parser never sees it. */
	nfit1[40]++;
	ASSERT_EQ(t, acpi_tables_scan(&tables, rsdp_phys), 0);
	EXPECT_EQ(t, tables.refused, 1);
	nfit_reset(&nt, &fake_platform);
	EXPECT_EQ(t, nfit_parse_tables(&nt, &tables), 1);
	EXPECT_EQ(t, nt.nregions, 1);
}

/* --- the printer ------------------------------------------------------------------------ */

static struct {
	char text[4096];
	size_t len;
} sink;

static __printf(2, 3) void to_sink(void *arg, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sink.len += vscnprintf(sink.text + sink.len, sizeof(sink.text) - sink.len, fmt, ap);
	va_end(ap);
}

static void dump_decodes_every_field(struct ktest *t)
{
	struct acpi_table_header *h = nt_qemu_table();
	struct acpi_nfit_spa bad = fake_spa(9, 256 * MiB, 64 * MiB);

	fake_nfit_add(h, &bad, sizeof(bad));
	nt_parse(h);
	sink.len = 0;
	nfit_dump_table(&nt, 0, h, to_sink, NULL);
	nfit_dump_regions(&nt, to_sink, NULL);
	EXPECT_TRUE(t, strstr(sink.text, "+0x028 type 0 SPA range, 56 bytes: index 2"));
	EXPECT_TRUE(t, strstr(sink.text, "GUID 66f0d379-b4f3-4074-ac43-0d3318b78cdb (persistent memory)"));
	EXPECT_TRUE(t, strstr(sink.text, "base 0x100000000 length 0x10000000 attributes 0x8008 (WB NV)"));
	EXPECT_TRUE(t, strstr(sink.text, "SPA range 2, control region 3"));
	EXPECT_TRUE(t, strstr(sink.text, "serial 0x123456"));
	EXPECT_TRUE(t, strstr(sink.text, "-> REFUSED: 0x10000000-0x13ffffff overlaps RAM"));
	EXPECT_TRUE(t, strstr(sink.text, "region 0: pmem 0x100000000-0x10fffffff"));

	/* A malformed table prints its heads, never what lies beyond. */
	h->length = OFF_DCR + 20;
	sink.len = 0;
	nfit_dump_table(NULL, 0, h, to_sink, NULL);
	EXPECT_TRUE(t, strstr(sink.text, "+0x090 type 4 control region, 80 bytes: runs past"));
}

static const struct ktest_case nfit_cases[] = {
	KTEST_CASE(layouts_match_qemu_bytes, "the structs rebuild QEMU's 224-byte NFIT byte for byte"),
	KTEST_CASE(qemu_one_dimm, "QEMU's table gives one 256 MiB WB NV region with DIMM handle 1, serial 0x123456"),
	KTEST_CASE(qemu_two_dimms_second_first, "two DIMMs listed second first give two regions in address order, each with its own DIMM"),
	KTEST_CASE(summary_line, "the boot summary line reads as documented"),
	KTEST_CASE(bad_length_refused, "an SPA range of 48 bytes and a map of 40 are refused; the rest parses"),
	KTEST_CASE(control_region_forms, "a control region is 80 bytes, or 32 without block control windows"),
	KTEST_CASE(count_exceeds_length, "interleave line and flush hint counts beyond the length (or wrapping) are refused"),
	KTEST_CASE(subtable_crossing_end_refused, "a sub-table crossing the table's end is refused and the walk ends"),
	KTEST_CASE(zero_length_stops, "a sub-table of length 0 (or 1-3) stops parsing with a warning; stray bytes are noted"),
	KTEST_CASE(unknown_type_skipped, "an unknown type is skipped by its length with a warning"),
	KTEST_CASE(smbios_and_block_windows, "SMBIOS and block data windows are accepted; a window naming no control region is refused"),
	KTEST_CASE(not_an_nfit, "a table that is no NFIT or shorter than 40 bytes is refused whole"),
	KTEST_CASE(second_table_checked_against_first, "a second NFIT's ranges are checked against the first's; reused indexes are noted"),
	KTEST_CASE(too_many_regions_and_subtables, "regions and sub-tables beyond the limits are reported, not overrun"),
	KTEST_CASE(nfits_found_through_the_tables, "every NFIT the XSDT lists is parsed; one with a bad checksum never is"),
	KTEST_CASE(dump_decodes_every_field, "the nfit command's decoder shows the fields and refusals, and stops at the table's end"),
	{}
};
KTEST_SUITE(nfit_suite, "drivers.acpi.nfit", nfit_cases);
