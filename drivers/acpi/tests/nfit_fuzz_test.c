/*
 * drivers.acpi.nfit.fuzz: random damage to valid NFITs, parsed and printed
 * thousands of times.
 *
 * Three valid tables (QEMU's one-DIMM table, its two-DIMM table with the
 * second DIMM first, and a table using every sub-table type) are damaged
 * by a deterministic PRNG: random bytes, sub-table lengths, counts,
 * addresses, truncation, sub-tables copied over each other. Each damaged
 * table is placed at the very end of a static buffer, so that under the
 * host build's AddressSanitizer a read one byte past the table's length
 * is a reported overflow, then parsed (silently) and printed into a
 * scratch buffer. What must hold every time: no crash, no overread, and
 * every region is one of the table's own SPA ranges (found by an
 * independent walk), non-empty, 4 KiB aligned, clear of the fake RAM and
 * kernel and of every other region, within the limits.
 */
#include <drivers/acpi/tests/nfit_fake.h>
#include <lib/ktest.h>
#include <lib/vsprintf.h>

#define ITERATIONS	4000

static struct nfit nf;
static uint8_t base_table[FAKE_NFIT_CAP] __aligned(8);
static uint8_t work[FAKE_NFIT_CAP] __aligned(8);
static uint8_t area[FAKE_NFIT_CAP];		/* the table ends where this does */
static uint64_t rng_state;

static uint64_t rnd(void)			/* xorshift64 */
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static uint32_t below(uint32_t n)
{
	return n ? (uint32_t)(rnd() % n) : 0;
}

/* --- the valid tables ------------------------------------------------------------------ */

static uint32_t build_qemu(unsigned int dimms)
{
	struct acpi_table_header *h = fake_nfit_begin(base_table);

	for (unsigned int i = dimms; i-- > 0; )
		fake_qemu_dimm(h, i, PM_BASE + i * 256 * MiB, 256 * MiB);
	return h->length;
}

/* Every sub-table type once or more, all valid. */
static uint32_t build_rich(void)
{
	static const uint8_t vol[16] = ACPI_NFIT_GUID_VOLATILE;
	struct acpi_table_header *h = fake_nfit_begin(base_table);
	struct acpi_nfit_spa spa = fake_spa(1, PM_BASE, 512 * MiB);
	struct acpi_nfit_memdev m0 = fake_memdev(0x10, 1, 2, 256 * MiB);
	struct acpi_nfit_memdev m1 = fake_memdev(0x11, 1, 3, 256 * MiB);
	struct acpi_nfit_dcr d0 = fake_dcr(2, 0xa0), d1 = fake_dcr(3, 0xa1);
	struct { struct acpi_nfit_interleave il; uint32_t lines[2]; } __packed il = {
		.il = { .h = { ACPI_NFIT_TYPE_INTERLEAVE, sizeof(il) }, .interleave_index = 1,
			.line_count = 2, .line_size = 4096 },
		.lines = { 0, 1 },
	};
	struct { struct acpi_nfit_flush f; uint64_t hint[2]; } __packed fl = {
		.f = { .h = { ACPI_NFIT_TYPE_FLUSH, sizeof(fl) }, .device_handle = 0x10,
		       .hint_count = 2 },
		.hint = { 0xfee01000, 0xfee02000 },
	};
	struct acpi_nfit_bdw bdw = {
		.h = { ACPI_NFIT_TYPE_BDW, sizeof(bdw) }, .dcr_index = 2, .windows = 1,
	};
	struct acpi_nfit_caps caps = {
		.h = { ACPI_NFIT_TYPE_CAPS, sizeof(caps) }, .highest_capability = 1,
		.capabilities = 1,
	};
	struct { struct acpi_nfit_smbios s; uint8_t data[8]; } __packed smb = {
		.s = { .h = { ACPI_NFIT_TYPE_SMBIOS, sizeof(smb) } },
	};

	m0.interleave_ways = m1.interleave_ways = 2;
	m0.interleave_index = m1.interleave_index = 1;
	d0.h.length = ACPI_NFIT_DCR_SHORT_SIZE;		/* no block control windows */
	d1.windows = 1;
	fake_nfit_add(h, &spa, sizeof(spa));
	fake_nfit_add(h, &m0, sizeof(m0));
	fake_nfit_add(h, &m1, sizeof(m1));
	fake_nfit_add(h, &il, sizeof(il));
	fake_nfit_add(h, &d0, ACPI_NFIT_DCR_SHORT_SIZE);
	fake_nfit_add(h, &d1, sizeof(d1));
	fake_nfit_add(h, &bdw, sizeof(bdw));
	fake_nfit_add(h, &fl, sizeof(fl));
	fake_nfit_add(h, &caps, sizeof(caps));
	fake_nfit_add(h, &smb, sizeof(smb));
	spa = fake_spa(5, 0, 256 * MiB);
	memcpy(spa.range_guid, vol, 16);
	fake_nfit_add(h, &spa, sizeof(spa));
	return h->length;
}

/* --- damage ------------------------------------------------------------------------------ */

static const uint64_t interesting[] = {
	0, 1, 0xfff, 0x1000, 0x200000, PM_BASE, PM_BASE + 4096, FAKE_RAM_END - 4096,
	FAKE_KERNEL_BASE, 1ULL << 52, (1ULL << 52) - 4096, ~0ULL, 0x8000000000000000ULL,
};

/* The offsets of the sub-tables a plain walk finds (at most `max`). */
static unsigned int sub_offsets(const uint8_t *t, uint32_t len, uint32_t *off, unsigned int max)
{
	unsigned int n = 0;
	uint32_t at = sizeof(struct acpi_table_nfit);
	uint16_t sublen;

	while (n < max && len >= 4 && at <= len - 4) {
		memcpy(&sublen, t + at + 2, 2);
		off[n++] = at;
		if (sublen < 4 || sublen > len - at)
			break;
		at += sublen;
	}
	return n;
}

static void damage(uint32_t *len)
{
	struct acpi_table_header *h = (void *)work;
	uint32_t subs[64], at;
	unsigned int nsubs = sub_offsets(work, *len, subs, 64);
	uint64_t v;
	uint16_t v16;

	if (!nsubs || *len < 48)
		return;		/* nothing left to damage but the length */
	switch (below(7)) {
	case 0:					/* a random byte */
		work[sizeof(struct acpi_table_header) + below(*len - 36)] = (uint8_t)rnd();
		break;
	case 1:					/* a sub-table's length */
		at = subs[below(nsubs)];
		v16 = below(4) ? (uint16_t)below(96) : (uint16_t)rnd();
		memcpy(work + at + 2, &v16, 2);
		break;
	case 2:					/* an address-like field */
		at = 40 + below(*len - 48);
		v = below(3) ? interesting[below(ARRAY_SIZE(interesting))] : rnd();
		memcpy(work + at, &v, 8);
		break;
	case 3:					/* the table's length */
		*len = 36 + below(FAKE_NFIT_CAP - 36 + 1);
		break;
	case 4:					/* one sub-table over another */
		if (nsubs >= 2) {
			uint32_t from = subs[below(nsubs)], to = subs[below(nsubs)];
			uint32_t n = MIN(96u, *len - MAX(from, to));

			memmove(work + to, work + from, n);
		}
		break;
	case 5:					/* a count or index (16 bits at +4..+12) */
		at = subs[below(nsubs)] + 4 + 2 * below(4);
		v16 = below(2) ? (uint16_t)below(4) : (uint16_t)rnd();
		if (at + 2 <= *len)
			memcpy(work + at, &v16, 2);
		break;
	case 6:					/* a sub-table's type */
		at = subs[below(nsubs)];
		v16 = (uint16_t)below(10);
		memcpy(work + at, &v16, 2);
		break;
	}
	h->length = *len;
}

/* --- what must hold ------------------------------------------------------------------------ */

/* Is [base, base + size) one of the table's own SPA ranges? (a plain walk) */
static bool declared(const uint8_t *t, uint32_t len, uint64_t base, uint64_t size)
{
	uint32_t subs[NFIT_MAX_SUBTABLES + 8];
	unsigned int n = sub_offsets(t, len, subs, ARRAY_SIZE(subs));
	struct acpi_nfit_spa spa;

	for (unsigned int i = 0; i < n; i++) {
		if (len - subs[i] < sizeof(spa))
			continue;
		memcpy(&spa, t + subs[i], sizeof(spa));
		if (spa.h.type == ACPI_NFIT_TYPE_SPA && spa.h.length >= sizeof(spa) &&
		    spa.h.length <= len - subs[i] && spa.base == base && spa.length == size)
			return true;
	}
	return false;
}

static bool region_sane(const struct nfit_region *r, const uint8_t *t, uint32_t len)
{
	if (!r->size || !IS_ALIGNED(r->base | r->size, 4096) ||
	    r->base >= NFIT_PHYS_LIMIT || r->size > NFIT_PHYS_LIMIT - r->base)
		return false;
	if (fake_platform.overlaps_ram(r->base, r->size) ||
	    fake_platform.overlaps_kernel(r->base, r->size))
		return false;
	if (r->ndimms > NFIT_MAX_REGION_DIMMS)
		return false;
	for (unsigned int i = 0; i < r->ndimms; i++)
		if (r->dimm[i].nflush > NFIT_MAX_FLUSH_HINTS)
			return false;
	return declared(t, len, r->base, r->size);
}

static char scratch[256];

static __printf(2, 3) void discard(void *arg, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vscnprintf(scratch, sizeof(scratch), fmt, ap);
	va_end(ap);
}

static void fuzz_one_base(struct ktest *t, uint32_t base_len, uint64_t seed,
			  unsigned int iterations)
{
	unsigned long regions = 0, problems = 0;

	rng_state = seed;
	for (unsigned int i = 0; i < iterations; i++) {
		uint32_t len = base_len;
		uint8_t *table;

		memcpy(work, base_table, sizeof(work));
		for (unsigned int k = 1 + below(4); k > 0; k--)
			damage(&len);
		table = area + sizeof(area) - len;
		memcpy(table, work, len);

		nfit_reset(&nf, &fake_platform);
		nf.silent = true;
		nfit_parse_table(&nf, (const void *)table);
		if (!(i & 3))
			nfit_dump_table(&nf, 0, (const void *)table, discard, NULL);

		ASSERT_TRUE(t, nf.nregions <= NFIT_MAX_REGIONS);
		for (unsigned int r = 0; r < nf.nregions; r++) {
			const struct nfit_region *rg = &nf.region[r];

			if (!region_sane(rg, table, len)) {
				ktest_fail(t, "seed %#llx iteration %u: region %u 0x%llx+0x%llx is not a sane declared range",
					   (unsigned long long)seed, i, r,
					   (unsigned long long)rg->base, (unsigned long long)rg->size);
				return;
			}
			for (unsigned int q = 0; q < r; q++)
				ASSERT_TRUE(t, rg->base >= nf.region[q].base + nf.region[q].size);
		}
		regions += nf.nregions;
		problems += nf.refused + nf.warnings;
	}
	/* The damage must have been both survivable and noticed. */
	EXPECT_GT(t, regions, 0);
	EXPECT_GT(t, problems, 0);
	ktest_log(t, "%u tables: %lu regions, %lu refusals and warnings", iterations,
		  regions, problems);
}

static void damaged_qemu_one_dimm(struct ktest *t)
{
	fuzz_one_base(t, build_qemu(1), 0x9e3779b97f4a7c15ULL, ITERATIONS / 4);
}

static void damaged_qemu_two_dimms(struct ktest *t)
{
	fuzz_one_base(t, build_qemu(2), 0xd1b54a32d192ed03ULL, ITERATIONS / 4);
}

static void damaged_every_type(struct ktest *t)
{
	uint32_t len = build_rich();

	/* Undamaged, it is clean: every type valid, one interleaved region. */
	nfit_reset(&nf, &fake_platform);
	ASSERT_EQ(t, nfit_parse_table(&nf, (const void *)base_table), 0);
	ASSERT_EQ(t, nf.nregions, 1);
	EXPECT_EQ(t, nf.region[0].ndimms, 2);
	EXPECT_EQ(t, nf.region[0].dimm[0].nflush, 2);
	fuzz_one_base(t, len, 0x2545f4914f6cdd1dULL, ITERATIONS / 2);
}

static const struct ktest_case nfit_fuzz_cases[] = {
	KTEST_CASE(damaged_qemu_one_dimm, "1000 damaged copies of QEMU's table: no overread, every region a sane declared range"),
	KTEST_CASE(damaged_qemu_two_dimms, "1000 damaged copies of the two-DIMM table: same"),
	KTEST_CASE(damaged_every_type, "2000 damaged copies of a table of every sub-table type: same"),
	{}
};
KTEST_SUITE(nfit_fuzz_suite, "drivers.acpi.nfit.fuzz", nfit_fuzz_cases);
