/*
 * drivers.acpi.nfit.check: the NFIT's sub-tables judged against each other and
 * the (fake) platform: SPA ranges over RAM, the kernel or each other,
 * empty, unaligned or out of the address space, GUIDs in the wrong byte
 * order, reused indexes, maps naming what is missing or refused, and the
 * regions built from what remains (interleave, flush hints, capabilities).
 *
 * Same method as drivers.acpi.nfit: QEMU's one-DIMM table with one thing added
 * or broken (usually a sub-table appended at OFF_END), the refusal found
 * at its offset, QEMU's region still built. Refusal lines are expected in
 * the log.
 */
#include <drivers/acpi/tests/nfit_fake.h>
#include <lib/ktest.h>

/* --- SPA ranges ---------------------------------------------------------------------- */

static void guid_byte_order(struct ktest *t)
{
	static const uint8_t pm[16] = ACPI_NFIT_GUID_PM;
	/* The PM GUID with its text's byte order, not the table's. */
	static const uint8_t text_order[16] = {
		0x66, 0xf0, 0xd3, 0x79, 0xb4, 0xf3, 0x40, 0x74,
		0xac, 0x43, 0x0d, 0x33, 0x18, 0xb7, 0x8c, 0xdb,
	};
	struct acpi_table_header *h = nt_qemu_table();
	struct acpi_nfit_spa *spa = fake_at(h, OFF_SPA);
	char text[37];

	EXPECT_EQ(t, pm[0], 0x79);		/* 79 d3 f0 66 f3 b4 74 40 ... */
	EXPECT_EQ(t, pm[5], 0xb4);
	EXPECT_EQ(t, pm[7], 0x40);
	nfit_guid_text(pm, text);
	EXPECT_STREQ(t, text, "66f0d379-b4f3-4074-ac43-0d3318b78cdb");
	EXPECT_EQ(t, nfit_range_kind_of(pm), NFIT_RANGE_PM);
	EXPECT_EQ(t, nfit_range_kind_of(text_order), NFIT_RANGE_UNKNOWN);

	memcpy(spa->range_guid, text_order, 16);
	EXPECT_EQ(t, nt_parse(h), 1);
	EXPECT_TRUE(t, nt_warned_at(OFF_SPA, "79d3f066-f3b4-7440-ac43-0d3318b78cdb"));
	EXPECT_EQ(t, nt.refused, 0);		/* its map still names a range */
	EXPECT_EQ(t, nt.nregions, 0);		/* but it is not persistent memory */
}

static void other_range_types(struct ktest *t)
{
	static const uint8_t vol[16] = ACPI_NFIT_GUID_VOLATILE, dcr[16] = ACPI_NFIT_GUID_DCR,
			     bdw[16] = ACPI_NFIT_GUID_BDW;
	struct acpi_table_header *h = nt_qemu_table();
	struct acpi_nfit_spa spa = fake_spa(5, 0, 256 * MiB);
	char text[37];

	nfit_guid_text(vol, text);
	EXPECT_STREQ(t, text, "7305944f-fdda-44e3-b16c-3f22d252e5d0");
	nfit_guid_text(dcr, text);
	EXPECT_STREQ(t, text, "92f701f6-13b4-405d-910b-299367e8234c");
	nfit_guid_text(bdw, text);
	EXPECT_STREQ(t, text, "91af0530-5d86-470e-a6b0-0a2db9408249");

	memcpy(spa.range_guid, vol, 16);	/* volatile: RAM, rightly */
	fake_nfit_add(h, &spa, sizeof(spa));
	spa = fake_spa(6, PM_BASE + 1024 * MiB, 64 * MiB);
	memcpy(spa.range_guid, dcr, 16);
	fake_nfit_add(h, &spa, sizeof(spa));
	spa = fake_spa(7, PM_BASE + 2048 * MiB, 64 * MiB);
	memcpy(spa.range_guid, bdw, 16);
	fake_nfit_add(h, &spa, sizeof(spa));
	EXPECT_EQ(t, nt_parse(h), 0);
	EXPECT_EQ(t, nt.nranges, 4);
	ASSERT_EQ(t, nt.nregions, 1);		/* only persistent memory */
	nt_expect_qemu_region(t, 0);
}

/* Append a PM range `index` at base/len to the QEMU table and parse. */
static int parse_with_range(uint16_t index, uint64_t base, uint64_t len)
{
	struct acpi_table_header *h = nt_qemu_table();
	struct acpi_nfit_spa spa = fake_spa(index, base, len);

	fake_nfit_add(h, &spa, sizeof(spa));
	return nt_parse(h);
}

static void range_over_ram_refused(struct ktest *t)
{
	EXPECT_EQ(t, parse_with_range(9, 256 * MiB, 16 * MiB), 1);
	EXPECT_TRUE(t, nt_refused_at(OFF_END, "0x10000000-0x10ffffff overlaps RAM"));
	EXPECT_EQ(t, nt.nregions, 1);
	nt_expect_qemu_region(t, 0);

	/* One page at the very end of RAM is enough. */
	EXPECT_EQ(t, parse_with_range(9, FAKE_RAM_END - 4096, 64 * MiB), 1);
	EXPECT_TRUE(t, nt_refused_at(OFF_END, "overlaps RAM"));
}

static void range_over_kernel_refused(struct ktest *t)
{
	EXPECT_EQ(t, parse_with_range(9, FAKE_KERNEL_BASE + 4096, 4096), 1);
	EXPECT_TRUE(t, nt_refused_at(OFF_END, "overlaps the kernel image"));
	nt_expect_qemu_region(t, 0);
}

static void overlapping_ranges_refused(struct ktest *t)
{
	EXPECT_EQ(t, parse_with_range(9, PM_BASE + 128 * MiB, 256 * MiB), 1);
	EXPECT_TRUE(t, nt_refused_at(OFF_END, "overlaps SPA range 2 of table 0"));
	ASSERT_EQ(t, nt.nregions, 1);
	nt_expect_qemu_region(t, 0);

	/* Touching is not overlapping. */
	EXPECT_EQ(t, parse_with_range(9, PM_BASE + 256 * MiB, 256 * MiB), 1);	/* no DIMMs */
	EXPECT_EQ(t, nt.refused, 0);
	EXPECT_EQ(t, nt.nregions, 2);
}

static void empty_range_refused(struct ktest *t)
{
	EXPECT_EQ(t, parse_with_range(9, PM_BASE + 512 * MiB, 0), 1);
	EXPECT_TRUE(t, nt_refused_at(OFF_END, "length 0"));
	EXPECT_EQ(t, nt.nregions, 1);
}

static void unaligned_range_refused(struct ktest *t)
{
	EXPECT_EQ(t, parse_with_range(9, PM_BASE + 512 * MiB + 0x800, 64 * MiB), 1);
	EXPECT_TRUE(t, nt_refused_at(OFF_END, "not 4 KiB aligned"));
	EXPECT_EQ(t, parse_with_range(9, PM_BASE + 512 * MiB, 64 * MiB + 1), 1);
	EXPECT_TRUE(t, nt_refused_at(OFF_END, "not 4 KiB aligned"));
	EXPECT_EQ(t, nt.nregions, 1);

	/* 4 KiB aligned, not 2 MiB (a label area cut off the end): a note. */
	parse_with_range(9, PM_BASE + 512 * MiB, 64 * MiB - 128 * 1024);
	EXPECT_EQ(t, nt.refused, 0);
	EXPECT_EQ(t, nt.notes, 2);		/* not 2 MiB aligned, no DIMMs */
	EXPECT_EQ(t, nt.nregions, 2);
	EXPECT_EQ(t, nt.region[1].size, 64 * MiB - 128 * 1024);
}

static void range_past_address_space_refused(struct ktest *t)
{
	EXPECT_EQ(t, parse_with_range(9, 0xfffffffffffff000ULL, 0x2000), 1);	/* wraps */
	EXPECT_TRUE(t, nt_refused_at(OFF_END, "52-bit"));
	EXPECT_EQ(t, parse_with_range(9, (1ULL << 52) - 4096, 8192), 1);
	EXPECT_TRUE(t, nt_refused_at(OFF_END, "52-bit"));
	EXPECT_EQ(t, nt.nregions, 1);
}

static void duplicate_and_zero_indexes_refused(struct ktest *t)
{
	struct acpi_table_header *h = nt_qemu_table();
	struct acpi_nfit_spa spa = fake_spa(2, PM_BASE + 512 * MiB, 64 * MiB);
	struct acpi_nfit_dcr d = fake_dcr(3, 0x999);

	fake_nfit_add(h, &spa, sizeof(spa));		/* 0xe0: index 2 again */
	spa = fake_spa(0, PM_BASE + 1024 * MiB, 64 * MiB);
	fake_nfit_add(h, &spa, sizeof(spa));		/* 0x118: index 0 */
	fake_nfit_add(h, &d, sizeof(d));		/* 0x150: control region 3 again */
	EXPECT_EQ(t, nt_parse(h), 3);
	EXPECT_TRUE(t, nt_refused_at(0xe0, "range index 2 is already used by sub-table 0 at offset 0x28"));
	EXPECT_TRUE(t, nt_refused_at(0x118, "range index 0 is reserved"));
	EXPECT_TRUE(t, nt_refused_at(0x150, "control region index 3 is already used"));
	ASSERT_EQ(t, nt.nregions, 1);
	nt_expect_qemu_region(t, 0);
}

/* --- references ----------------------------------------------------------------------- */

static void map_to_missing_range_refused(struct ktest *t)
{
	struct acpi_table_header *h = nt_qemu_table();
	struct acpi_nfit_memdev m = fake_memdev(2, 9, 3, 64 * MiB);
	struct acpi_nfit_spa spa = fake_spa(4, 256 * MiB, 64 * MiB);	/* RAM */

	fake_nfit_add(h, &m, sizeof(m));		/* 0xe0: SPA 9 does not exist */
	fake_nfit_add(h, &spa, sizeof(spa));		/* 0x110: refused */
	m = fake_memdev(3, 4, 3, 64 * MiB);
	fake_nfit_add(h, &m, sizeof(m));		/* 0x148: names a refused range */
	m = fake_memdev(4, 0, 3, 64 * MiB);
	fake_nfit_add(h, &m, sizeof(m));		/* 0x178: SPA 0: not mapped, fine */
	EXPECT_EQ(t, nt_parse(h), 3);
	EXPECT_TRUE(t, nt_refused_at(0xe0, "SPA range index 9 does not exist"));
	EXPECT_TRUE(t, nt_refused_at(0x110, "overlaps RAM"));
	EXPECT_TRUE(t, nt_refused_at(0x148, "SPA range index 4 was refused"));
	EXPECT_NULL(t, nt_problem_at(0x178));
	ASSERT_EQ(t, nt.nregions, 1);
	nt_expect_qemu_region(t, 0);		/* and only its own DIMM */
}

static void map_to_missing_control_region_refused(struct ktest *t)
{
	struct acpi_table_header *h = nt_qemu_table();
	struct acpi_nfit_memdev *m = fake_at(h, OFF_MEMDEV);

	m->dcr_index = 7;
	EXPECT_EQ(t, nt_parse(h), 2);		/* the map, and "no DIMMs" */
	EXPECT_TRUE(t, nt_refused_at(OFF_MEMDEV, "control region index 7 does not exist"));
	ASSERT_EQ(t, nt.nregions, 1);
	EXPECT_EQ(t, nt.region[0].ndimms, 0);

	/* Mapping more than the range holds. */
	h = nt_qemu_table();
	((struct acpi_nfit_memdev *)fake_at(h, OFF_MEMDEV))->region_size = 512 * MiB;
	EXPECT_EQ(t, nt_parse(h), 2);
	EXPECT_TRUE(t, nt_refused_at(OFF_MEMDEV, "maps 0x20000000 bytes into SPA range 2"));
}

static void interleaved_region(struct ktest *t)
{
	struct acpi_table_header *h = fake_nfit_begin(nt_buf);
	struct acpi_nfit_spa spa = fake_spa(1, PM_BASE, 512 * MiB);
	struct acpi_nfit_memdev m0 = fake_memdev(0x10, 1, 2, 256 * MiB);
	struct acpi_nfit_memdev m1 = fake_memdev(0x11, 1, 3, 256 * MiB);
	struct acpi_nfit_dcr d0 = fake_dcr(2, 0xa0), d1 = fake_dcr(3, 0xa1);
	struct { struct acpi_nfit_interleave il; uint32_t lines[2]; } __packed il = {
		.il = { .h = { ACPI_NFIT_TYPE_INTERLEAVE, sizeof(il) }, .interleave_index = 1,
			.line_count = 2, .line_size = 4096 },
		.lines = { 0, 1 },
	};
	const struct nfit_region *r;

	m0.interleave_ways = m1.interleave_ways = 2;
	m0.interleave_index = m1.interleave_index = 1;
	m1.region_offset = 4096;
	fake_nfit_add(h, &spa, sizeof(spa));
	fake_nfit_add(h, &m0, sizeof(m0));
	fake_nfit_add(h, &m1, sizeof(m1));
	fake_nfit_add(h, &il, sizeof(il));
	fake_nfit_add(h, &d0, sizeof(d0));
	fake_nfit_add(h, &d1, sizeof(d1));
	EXPECT_EQ(t, nt_parse(h), 0);
	ASSERT_EQ(t, nt.nregions, 1);
	r = &nt.region[0];
	ASSERT_EQ(t, r->ndimms, 2);
	EXPECT_EQ(t, r->dimm[0].handle, 0x10);
	EXPECT_EQ(t, r->dimm[0].serial, 0xa0);
	EXPECT_EQ(t, r->dimm[1].serial, 0xa1);
	EXPECT_EQ(t, r->dimm[1].interleave_ways, 2);
	EXPECT_EQ(t, r->dimm[1].region_offset, 4096);

	/* Without its interleave structure: a warning, the region stays. */
	((struct acpi_nfit_interleave *)fake_at(h, 0xc0))->interleave_index = 5;
	EXPECT_EQ(t, nt_parse(h), 2);
	EXPECT_EQ(t, nt.warnings, 2);
	EXPECT_TRUE(t, nt_warned_at(0x28 + 56, "interleave index 1 does not exist"));
	EXPECT_EQ(t, nt.region[0].ndimms, 2);
}

static void flush_hints_attached(struct ktest *t)
{
	struct acpi_table_header *h = nt_qemu_table();
	struct { struct acpi_nfit_flush f; uint64_t hint[2]; } __packed fl = {
		.f = { .h = { ACPI_NFIT_TYPE_FLUSH, sizeof(fl) }, .device_handle = 1,
		       .hint_count = 2 },
		.hint = { 0xfee01000, 0xfee02000 },
	};
	char line[200];

	fake_nfit_add(h, &fl, sizeof(fl));		/* 0xe0 */
	fake_nfit_add(h, &fl, sizeof(fl));		/* 0x100: handle 1 again */
	fl.f.device_handle = 9;
	fake_nfit_add(h, &fl, sizeof(fl));		/* 0x120: nobody's */
	EXPECT_EQ(t, nt_parse(h), 2);
	EXPECT_TRUE(t, nt_refused_at(0x100, "device 0x1 already has flush hints"));
	EXPECT_TRUE(t, nt_warned_at(0x120, "no memory device map has handle 0x9"));
	nt_expect_qemu_region(t, 0);
	ASSERT_EQ(t, nt.region[0].dimm[0].nflush, 2);
	EXPECT_EQ(t, nt.region[0].dimm[0].flush_hint[1], 0xfee02000);
	nfit_region_summary(&nt.region[0], line, sizeof(line));
	EXPECT_TRUE(t, strstr(line, "), 2 flush hints"));
}

static void platform_capabilities(struct ktest *t)
{
	struct acpi_table_header *h = nt_qemu_table();
	struct acpi_nfit_caps caps = {
		.h = { ACPI_NFIT_TYPE_CAPS, sizeof(caps) },
		.highest_capability = 1, .capabilities = 0x7,	/* bit 2 not valid */
	};

	fake_nfit_add(h, &caps, sizeof(caps));		/* 0xe0 */
	fake_nfit_add(h, &caps, sizeof(caps));		/* 0xf0: a second one */
	EXPECT_EQ(t, nt_parse(h), 1);
	EXPECT_TRUE(t, nt_refused_at(0xf0, "a second platform capabilities"));
	nt_expect_qemu_region(t, 0);
	EXPECT_TRUE(t, nt.region[0].has_capabilities);
	EXPECT_EQ(t, nt.region[0].capabilities,
		  ACPI_NFIT_CAP_CACHE_FLUSH | ACPI_NFIT_CAP_MEM_FLUSH);
}

static const struct ktest_case nfit_check_cases[] = {
	KTEST_CASE(guid_byte_order, "GUIDs compare in on-table byte order; the PM GUID in text order is not persistent memory"),
	KTEST_CASE(other_range_types, "volatile, control-region and block-window ranges are known but make no region"),
	KTEST_CASE(range_over_ram_refused, "a persistent-memory range overlapping RAM is refused"),
	KTEST_CASE(range_over_kernel_refused, "a range overlapping the kernel image is refused as such"),
	KTEST_CASE(overlapping_ranges_refused, "a range overlapping an accepted one is refused; touching ones are fine"),
	KTEST_CASE(empty_range_refused, "a zero-length range is refused"),
	KTEST_CASE(unaligned_range_refused, "ranges not 4 KiB aligned are refused; 4 KiB but not 2 MiB is noted and accepted"),
	KTEST_CASE(range_past_address_space_refused, "a range that wraps or passes 2^52 is refused"),
	KTEST_CASE(duplicate_and_zero_indexes_refused, "index 0 and a reused range or control region index are refused"),
	KTEST_CASE(map_to_missing_range_refused, "a map naming a missing or refused SPA range is refused; SPA index 0 is fine"),
	KTEST_CASE(map_to_missing_control_region_refused, "a map naming a missing control region, or mapping too much, is refused"),
	KTEST_CASE(interleaved_region, "two interleaved DIMMs make one region; a missing interleave structure warns"),
	KTEST_CASE(flush_hints_attached, "flush hints go to their DIMM; a second set is refused, an orphan set warns"),
	KTEST_CASE(platform_capabilities, "capabilities are masked to the valid bits; a second structure is refused"),
	{}
};
KTEST_SUITE(nfit_check_suite, "drivers.acpi.nfit.check", nfit_check_cases);
