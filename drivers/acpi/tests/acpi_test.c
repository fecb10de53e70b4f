/*
 * drivers.acpi: the table walk, the MADT, the FADT and S5 on fake tables.
 *
 * Each case lays out a small machine's tables in `arena`, whose bytes pose
 * as physical memory at FAKE_PHYS: the parsers reach them through
 * fake_ops.map (so the addresses are the same small numbers in the kernel
 * and on the host, and fit an ACPI 1.0 RSDT's 32-bit entries), and their
 * port I/O lands in a log instead of on the PM1 block: a power-off test
 * must not power anything off. The cases work on their own struct
 * acpi_tables, so the kernel's real tables are never touched.
 *
 * The refusals these cases provoke print their "acpi: ... BAD" lines into
 * the log; that is expected (valid tables are logged at debug level).
 */
#include <drivers/acpi/internal.h>
#include <lib/ktest.h>

/* --- a fake machine ---------------------------------------------------------- */

#define FAKE_PHYS	0x100000ULL		/* "physical" address of arena[0] */

enum {					/* where each table goes in the arena */
	OFF_RSDP = 0x000,
	OFF_XSDT = 0x040,
	OFF_RSDT = 0x0c0,
	OFF_FACP = 0x100,		/* 276 bytes */
	OFF_APIC = 0x240,
	OFF_DSDT = 0x340,
	OFF_SSDT = 0x380,
	OFF_SSDT2 = 0x3c0,
	OFF_SPARE = 0x400,
	ARENA_SIZE = 0x800,
};

static uint8_t arena[ARENA_SIZE] __aligned(16);
static struct acpi_tables tables;	/* static: too big for a test's stack */
static struct acpi_madt madt;

#define AT(off)		((void *)(arena + (off)))
#define PHYS(off)	(FAKE_PHYS + (off))

static const void *fake_map(uint64_t phys, uint64_t len)
{
	uint64_t off = phys - FAKE_PHYS;

	if (phys < FAKE_PHYS || off > sizeof(arena) || len > sizeof(arena) - off)
		return NULL;
	return arena + off;
}

/*
 * A stricter map: each call gets a buffer of its own holding only the
 * bytes asked for, the rest junk. A parser that reads past what it
 * mapped, through an older, shorter mapping, reads junk and fails.
 */
#define BOUNCES		32
static uint8_t bounce[BOUNCES][ARENA_SIZE];
static unsigned int nbounce;

static const void *bounce_map(uint64_t phys, uint64_t len)
{
	const uint8_t *src = fake_map(phys, len);
	uint8_t *b;

	if (!src || nbounce == BOUNCES)
		return NULL;
	b = bounce[nbounce++];
	memset(b, 0xa5, ARENA_SIZE);
	memcpy(b, src, len);
	return b;
}

static struct {
	uint16_t port;
	uint32_t value;
	unsigned int width;
} writes[8];
static unsigned int nwrites;
static uint32_t port_value;		/* what every port read returns */

static uint32_t fake_read_port(uint16_t port, unsigned int width_bits)
{
	return port_value;
}

static void fake_write_port(uint16_t port, uint32_t value, unsigned int width_bits)
{
	if (nwrites < ARRAY_SIZE(writes)) {
		writes[nwrites].port = port;
		writes[nwrites].value = value;
		writes[nwrites].width = width_bits;
	}
	nwrites++;
}

static const struct acpi_os_ops fake_ops = {
	.map = fake_map,
	.read_port = fake_read_port,
	.write_port = fake_write_port,
};

static const struct acpi_os_ops bounce_ops = {
	.map = bounce_map,
	.read_port = fake_read_port,
	.write_port = fake_write_port,
};

/* Make a table's bytes sum to 0 (over the length in its header). */
static void seal(void *table)
{
	struct acpi_table_header *h = table;

	h->checksum = 0;
	h->checksum = -acpi_checksum(h, h->length);
}

static struct acpi_table_header *put_table(size_t off, const char *sig,
					   uint32_t len, uint8_t rev)
{
	struct acpi_table_header *h = AT(off);

	memset(h, 0, len);
	memcpy(h->signature, sig, 4);
	h->length = len;
	h->revision = rev;
	memcpy(h->oem_id, "ZDKTST", 6);
	memcpy(h->oem_table_id, "FAKETABL", 8);
	return h;
}

static void put_rsdp(uint8_t rev, uint64_t xsdt, uint32_t rsdt)
{
	struct acpi_rsdp *r = AT(OFF_RSDP);

	memset(r, 0, sizeof(*r));
	memcpy(r->signature, ACPI_RSDP_SIGNATURE, 8);
	memcpy(r->oem_id, "ZDKTST", 6);
	r->revision = rev;
	r->rsdt_address = rsdt;
	if (rev >= 2) {
		r->length = sizeof(*r);
		r->xsdt_address = xsdt;
	}
	r->checksum = -acpi_checksum(r, ACPI_RSDP_V1_LENGTH);
	if (rev >= 2)
		r->extended_checksum = -acpi_checksum(r, sizeof(*r));
}

/* An XSDT listing n tables given by arena offset (0 stays a null entry). */
static void put_xsdt(const uint32_t *offs, unsigned int n)
{
	struct acpi_table_header *h = put_table(OFF_XSDT, "XSDT", 36 + 8 * n, 1);

	for (unsigned int i = 0; i < n; i++) {
		uint64_t a = offs[i] ? PHYS(offs[i]) : 0;

		memcpy((uint8_t *)(h + 1) + 8 * i, &a, 8);
	}
	seal(h);
}

static void put_rsdt(const uint32_t *offs, unsigned int n)
{
	struct acpi_table_header *h = put_table(OFF_RSDT, "RSDT", 36 + 4 * n, 1);

	for (unsigned int i = 0; i < n; i++) {
		uint32_t a = PHYS(offs[i]);

		memcpy((uint8_t *)(h + 1) + 4 * i, &a, 4);
	}
	seal(h);
}

/* An ACPI 6 FADT as QEMU fills it: PM1a_CNT at port 0x604 (both as X_ and
 * 32-bit fields), reset register port 0xcf9 value 6. */
static struct acpi_fadt *put_facp(void)
{
	struct acpi_fadt *f = (void *)put_table(OFF_FACP, "FACP",
						sizeof(struct acpi_fadt), 6);

	f->dsdt = PHYS(OFF_DSDT);
	f->x_dsdt = PHYS(OFF_DSDT);
	f->sci_int = 9;
	f->pm1a_cnt_blk = 0x604;
	f->pm1_cnt_len = 2;
	f->x_pm1a_cnt_blk = (struct acpi_generic_address){
		.space_id = ACPI_SPACE_SYSTEM_IO, .bit_width = 16,
		.access_size = 2, .address = 0x604,
	};
	f->flags = ACPI_FADT_RESET_REG_SUP;
	f->reset_reg = (struct acpi_generic_address){
		.space_id = ACPI_SPACE_SYSTEM_IO, .bit_width = 8,
		.access_size = 1, .address = 0xcf9,
	};
	f->reset_value = 6;
	seal(f);
	return f;
}

/* An AML-bearing table (DSDT or SSDT) holding `aml`. */
static void put_aml(size_t off, const char *sig, const uint8_t *aml, size_t n)
{
	struct acpi_table_header *h = put_table(off, sig, sizeof(*h) + n, 2);

	memcpy(h + 1, aml, n);
	seal(h);
}

/* Name (_S5, Package (4) { Zero, Zero, Zero, Zero }), as iasl and QEMU emit it. */
static const uint8_t s5_zeros[] = {
	0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0x00, 0x00, 0x00, 0x00,
};
/* Name (_S5, Package () { 5, 6 }): BytePrefix elements. */
static const uint8_t s5_bytes[] = {
	0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x02, 0x0a, 0x05, 0x0a, 0x06,
};
/* Some AML that is not \_S5_ (a Name (_S4, ...)). */
static const uint8_t s4_only[] = {
	0x08, '_', 'S', '4', '_', 0x12, 0x05, 0x02, 0x01, 0x0a, 0x05,
};

/* MADT: start it, then append entries. */
static struct acpi_table_header *madt_begin(void)
{
	struct acpi_madt_header *m = (void *)put_table(OFF_APIC, "APIC",
						       sizeof(*m), 5);

	m->lapic_address = 0xfee00000;
	m->flags = ACPI_MADT_PCAT_COMPAT;
	return &m->header;
}

static void madt_add(struct acpi_table_header *h, const void *entry, size_t n)
{
	memcpy((uint8_t *)h + h->length, entry, n);
	h->length += n;
}

static void madt_add_lapic(struct acpi_table_header *h, uint8_t uid,
			   uint8_t apic_id, uint32_t flags)
{
	struct acpi_madt_lapic l = {
		.e = { ACPI_MADT_TYPE_LAPIC, sizeof(l) },
		.processor_uid = uid, .apic_id = apic_id, .flags = flags,
	};

	madt_add(h, &l, sizeof(l));
}

/* QEMU's MADT for -smp 2: two CPUs, one IOAPIC, two of its overrides and
 * the LINT1 NMI for every CPU. */
static struct acpi_table_header *put_apic(void)
{
	struct acpi_table_header *h = madt_begin();
	struct acpi_madt_ioapic io = {
		.e = { ACPI_MADT_TYPE_IOAPIC, sizeof(io) },
		.id = 0, .address = 0xfec00000, .gsi_base = 0,
	};
	struct acpi_madt_override irq0 = {
		.e = { ACPI_MADT_TYPE_OVERRIDE, sizeof(irq0) },
		.bus = 0, .source_irq = 0, .gsi = 2, .flags = 0,
	};
	struct acpi_madt_override irq9 = {
		.e = { ACPI_MADT_TYPE_OVERRIDE, sizeof(irq9) },
		.bus = 0, .source_irq = 9, .gsi = 9, .flags = 0xd,
	};
	struct acpi_madt_lapic_nmi nmi = {
		.e = { ACPI_MADT_TYPE_LAPIC_NMI, sizeof(nmi) },
		.processor_uid = 0xff, .flags = 0, .lint = 1,
	};

	madt_add_lapic(h, 0, 0, ACPI_MADT_ENABLED);
	madt_add_lapic(h, 1, 1, ACPI_MADT_ENABLED);
	madt_add(h, &io, sizeof(io));
	madt_add(h, &irq0, sizeof(irq0));
	madt_add(h, &irq9, sizeof(irq9));
	madt_add(h, &nmi, sizeof(nmi));
	seal(h);
	return h;
}

/* RSDP (rev 2) -> XSDT [FACP, APIC] ; FACP -> DSDT with \_S5_ = zeros. */
static void build_machine(void)
{
	static const uint32_t list[] = { OFF_FACP, OFF_APIC };

	memset(arena, 0, sizeof(arena));
	put_rsdp(2, PHYS(OFF_XSDT), 0);
	put_xsdt(list, ARRAY_SIZE(list));
	put_facp();
	put_apic();
	put_aml(OFF_DSDT, "DSDT", s5_zeros, sizeof(s5_zeros));
	nwrites = 0;
	port_value = 0;
}

static int scan(void)
{
	acpi_tables_reset(&tables, &fake_ops);
	tables.quiet = true;
	return acpi_tables_scan(&tables, PHYS(OFF_RSDP));
}

static const void *found(const char *sig, unsigned int instance)
{
	return acpi_tables_find(&tables, sig, instance);
}

/* --- the table walk ---------------------------------------------------------- */

static void finds_valid_tables(struct ktest *t)
{
	const struct acpi_table_info *ti;

	build_machine();
	ASSERT_EQ(t, scan(), 0);
	EXPECT_EQ(t, tables.count, 4);		/* XSDT, FACP, APIC, DSDT */
	EXPECT_EQ(t, tables.refused, 0);
	EXPECT_TRUE(t, found("XSDT", 0) == AT(OFF_XSDT));
	EXPECT_TRUE(t, found("FACP", 0) == AT(OFF_FACP));
	EXPECT_TRUE(t, found("APIC", 0) == AT(OFF_APIC));
	EXPECT_TRUE(t, found("DSDT", 0) == AT(OFF_DSDT));
	EXPECT_NULL(t, found("FACP", 1));
	EXPECT_NULL(t, found("NFIT", 0));

	ti = &tables.table[1];
	EXPECT_STREQ(t, ti->signature, "FACP");
	EXPECT_STREQ(t, ti->oem_id, "ZDKTST");
	EXPECT_EQ(t, ti->phys, PHYS(OFF_FACP));
	EXPECT_EQ(t, ti->length, sizeof(struct acpi_fadt));
	EXPECT_EQ(t, ti->revision, 6);
}

static void reads_only_what_it_mapped(struct ktest *t)
{
	struct acpi_rsdp *r = AT(OFF_RSDP);
	uint8_t *tail = AT(OFF_RSDP + sizeof(*r));

	build_machine();
	/* an RSDP longer than the structure: its checksum covers 4 more bytes */
	r->length = sizeof(*r) + 4;
	memcpy(tail, "\x11\x22\x33\x44", 4);
	r->extended_checksum = 0;
	r->extended_checksum = -acpi_checksum(r, r->length);
	nbounce = 0;
	acpi_tables_reset(&tables, &bounce_ops);
	tables.quiet = true;
	EXPECT_EQ(t, acpi_tables_scan(&tables, PHYS(OFF_RSDP)), 0);
	EXPECT_EQ(t, tables.count, 4);		/* XSDT, FACP, APIC, DSDT */
	EXPECT_EQ(t, tables.refused, 0);
	EXPECT_TRUE(t, nbounce < BOUNCES);	/* the pool did not run out */
}

static void bad_rsdp_refused(struct ktest *t)
{
	struct acpi_rsdp *r = AT(OFF_RSDP);

	build_machine();
	r->oem_id[0] ^= 1;			/* breaks the 20-byte checksum */
	EXPECT_EQ(t, scan(), -EINVAL);
	EXPECT_EQ(t, tables.count, 0);

	build_machine();
	r->reserved[0] = 1;			/* breaks only the extended one */
	EXPECT_EQ(t, scan(), -EINVAL);
	EXPECT_EQ(t, tables.count, 0);

	build_machine();
	r->signature[0] = 'X';
	r->checksum -= 'X' - 'R';		/* valid checksums, wrong name */
	EXPECT_EQ(t, scan(), -EINVAL);

	acpi_tables_reset(&tables, &fake_ops);
	EXPECT_EQ(t, acpi_tables_scan(&tables, 0), -ENODEV);
	EXPECT_EQ(t, acpi_tables_scan(&tables, 0x1000), -EINVAL);	/* unmappable */
	EXPECT_EQ(t, tables.count, 0);
}

static void bad_table_checksum_ignored(struct ktest *t)
{
	struct acpi_table_header *apic;

	build_machine();
	apic = AT(OFF_APIC);
	apic->checksum++;
	ASSERT_EQ(t, scan(), 0);
	EXPECT_NULL(t, found("APIC", 0));
	EXPECT_NOT_NULL(t, found("FACP", 0));
	EXPECT_NOT_NULL(t, found("DSDT", 0));
	EXPECT_EQ(t, tables.count, 3);
	EXPECT_EQ(t, tables.refused, 1);
}

static void bad_lengths_refused(struct ktest *t)
{
	static const uint32_t list[] = {
		OFF_FACP, OFF_SSDT, OFF_SSDT2, OFF_SPARE, 0, OFF_APIC,
	};
	struct acpi_table_header *h;

	build_machine();
	put_xsdt(list, ARRAY_SIZE(list));
	h = put_table(OFF_SSDT, "TINY", 20, 1);		/* shorter than a header */
	seal(h);
	h = put_table(OFF_SSDT2, "HUGE", 36, 1);
	seal(h);
	h->length = 32u << 20;				/* over 16 MiB */
	h = put_table(OFF_SPARE, "LONG", 36, 1);
	h->length = ARENA_SIZE;				/* runs off the arena */

	ASSERT_EQ(t, scan(), 0);
	EXPECT_NULL(t, found("TINY", 0));
	EXPECT_NULL(t, found("HUGE", 0));
	EXPECT_NULL(t, found("LONG", 0));
	EXPECT_EQ(t, tables.refused, 4);		/* three lengths, one null */
	EXPECT_NOT_NULL(t, found("FACP", 0));
	EXPECT_NOT_NULL(t, found("APIC", 0));		/* after the bad ones */
	EXPECT_EQ(t, tables.count, 4);
}

static void refusals_remembered(struct ktest *t)
{
	static const uint32_t list[] = { OFF_FACP, 0, OFF_APIC };
	const struct acpi_table_refusal *r;

	build_machine();
	put_xsdt(list, ARRAY_SIZE(list));
	((struct acpi_table_header *)AT(OFF_APIC))->checksum++;
	ASSERT_EQ(t, scan(), 0);
	ASSERT_EQ(t, tables.refused, 2);
	r = &tables.refusal[0];			/* the null entry: no header read */
	EXPECT_STREQ(t, r->signature, "");
	EXPECT_STREQ(t, r->why, "null address");
	EXPECT_STREQ(t, r->from, "XSDT entry 1");
	r = &tables.refusal[1];
	EXPECT_STREQ(t, r->signature, "APIC");
	EXPECT_EQ(t, r->phys, PHYS(OFF_APIC));
	EXPECT_EQ(t, r->length, ((struct acpi_table_header *)AT(OFF_APIC))->length);
	EXPECT_TRUE(t, !strncmp(r->why, "checksum:", 9));
	EXPECT_STREQ(t, r->from, "XSDT entry 2");
	EXPECT_STREQ(t, tables.table[1].oem_table_id, "FAKETABL");
}

static void root_table_checked(struct ktest *t)
{
	struct acpi_table_header *xsdt;

	/* A ragged XSDT (3 stray bytes): the whole entries are still used. */
	build_machine();
	xsdt = AT(OFF_XSDT);
	xsdt->length += 3;
	seal(xsdt);
	ASSERT_EQ(t, scan(), 0);
	EXPECT_NOT_NULL(t, found("APIC", 0));

	/* A bad XSDT and no RSDT: no tables at all. */
	build_machine();
	xsdt->checksum++;
	EXPECT_EQ(t, scan(), -EINVAL);
	EXPECT_EQ(t, tables.count, 0);

	/* The RSDP names an XSDT that is something else. */
	build_machine();
	put_rsdp(2, PHYS(OFF_FACP), 0);
	EXPECT_EQ(t, scan(), -EINVAL);
}

static void same_signature_by_instance(struct ktest *t)
{
	static const uint32_t list[] = {
		OFF_FACP, OFF_SSDT, OFF_APIC, OFF_SSDT2, OFF_APIC,
	};

	build_machine();
	put_xsdt(list, ARRAY_SIZE(list));
	put_aml(OFF_SSDT, "SSDT", s4_only, sizeof(s4_only));
	put_aml(OFF_SSDT2, "SSDT", s5_bytes, sizeof(s5_bytes));

	ASSERT_EQ(t, scan(), 0);
	EXPECT_TRUE(t, found("SSDT", 0) == AT(OFF_SSDT));
	EXPECT_TRUE(t, found("SSDT", 1) == AT(OFF_SSDT2));
	EXPECT_NULL(t, found("SSDT", 2));
	/* The APIC listed twice is kept once. */
	EXPECT_TRUE(t, found("APIC", 0) == AT(OFF_APIC));
	EXPECT_NULL(t, found("APIC", 1));
	EXPECT_EQ(t, tables.refused, 1);
}

static void rsdt_for_acpi_1(struct ktest *t)
{
	static const uint32_t list[] = { OFF_FACP, OFF_APIC };

	/* Revision 0: only the RSDT, with 32-bit entries. */
	build_machine();
	put_rsdt(list, ARRAY_SIZE(list));
	put_rsdp(0, 0, PHYS(OFF_RSDT));
	ASSERT_EQ(t, scan(), 0);
	EXPECT_STREQ(t, tables.table[0].signature, "RSDT");
	EXPECT_TRUE(t, found("FACP", 0) == AT(OFF_FACP));
	EXPECT_TRUE(t, found("APIC", 0) == AT(OFF_APIC));
	EXPECT_NULL(t, found("XSDT", 0));

	/* Revision 2 with a broken XSDT falls back to the RSDT. */
	build_machine();
	put_rsdt(list, ARRAY_SIZE(list));
	put_rsdp(2, PHYS(OFF_XSDT), PHYS(OFF_RSDT));
	((struct acpi_table_header *)AT(OFF_XSDT))->checksum++;
	ASSERT_EQ(t, scan(), 0);
	EXPECT_NOT_NULL(t, found("RSDT", 0));
	EXPECT_NOT_NULL(t, found("APIC", 0));
}

/* --- the MADT ------------------------------------------------------------------ */

static void madt_entries_parsed(struct ktest *t)
{
	struct acpi_table_header *h;
	struct acpi_madt_x2apic x2 = {
		.e = { ACPI_MADT_TYPE_X2APIC, sizeof(x2) },
		.x2apic_id = 300, .flags = ACPI_MADT_ENABLED, .processor_uid = 7,
	};
	struct acpi_madt_x2apic_nmi x2nmi = {
		.e = { ACPI_MADT_TYPE_X2APIC_NMI, sizeof(x2nmi) },
		.flags = 5, .processor_uid = 7, .lint = 0,
	};
	struct acpi_madt_lapic_override lo = {
		.e = { ACPI_MADT_TYPE_LAPIC_OVERRIDE, sizeof(lo) },
		.address = 0x1fee00000ULL,
	};
	const uint8_t unknown[] = { 0x7f, 4, 0xaa, 0xbb };

	build_machine();
	h = AT(OFF_APIC);
	madt_add_lapic(h, 2, 2, ACPI_MADT_ONLINE_CAPABLE);
	madt_add(h, unknown, sizeof(unknown));
	madt_add(h, &x2, sizeof(x2));
	madt_add(h, &x2nmi, sizeof(x2nmi));
	madt_add(h, &lo, sizeof(lo));
	seal(h);

	ASSERT_EQ(t, acpi_madt_parse(&madt, h), 0);
	EXPECT_FALSE(t, madt.stopped);
	EXPECT_EQ(t, madt.lapic_phys, 0x1fee00000ULL);
	EXPECT_EQ(t, madt.flags, ACPI_MADT_PCAT_COMPAT);
	ASSERT_EQ(t, madt.ncpus, 4);
	EXPECT_EQ(t, madt.cpu[0].apic_id, 0);
	EXPECT_TRUE(t, madt.cpu[0].enabled);
	EXPECT_EQ(t, madt.cpu[1].apic_id, 1);
	EXPECT_EQ(t, madt.cpu[1].uid, 1);
	EXPECT_FALSE(t, madt.cpu[2].enabled);
	EXPECT_TRUE(t, madt.cpu[2].online_capable);
	EXPECT_EQ(t, madt.cpu[3].apic_id, 300);
	EXPECT_EQ(t, madt.cpu[3].uid, 7);
	EXPECT_TRUE(t, madt.cpu[3].x2apic);
	EXPECT_TRUE(t, madt.cpu[3].enabled);

	ASSERT_EQ(t, madt.nioapics, 1);
	EXPECT_EQ(t, madt.ioapic[0].address, 0xfec00000);
	EXPECT_EQ(t, madt.ioapic[0].gsi_base, 0);
	ASSERT_EQ(t, madt.noverrides, 2);
	EXPECT_EQ(t, madt.override[0].source_irq, 0);
	EXPECT_EQ(t, madt.override[0].gsi, 2);
	EXPECT_EQ(t, madt.override[1].source_irq, 9);
	EXPECT_EQ(t, madt.override[1].flags, 0xd);
	ASSERT_EQ(t, madt.nnmis, 2);
	EXPECT_EQ(t, madt.nmi[0].uid, ACPI_NMI_ALL_CPUS);
	EXPECT_EQ(t, madt.nmi[0].lint, 1);
	EXPECT_EQ(t, madt.nmi[1].uid, 7);
	EXPECT_EQ(t, madt.nmi[1].flags, 5);
}

static void madt_zero_length_stops(struct ktest *t)
{
	struct acpi_table_header *h = madt_begin();
	const uint8_t zero[] = { ACPI_MADT_TYPE_LAPIC, 0, 0, 0, 0, 0, 0, 0 };

	madt_add_lapic(h, 0, 0, ACPI_MADT_ENABLED);
	madt_add(h, zero, sizeof(zero));
	madt_add_lapic(h, 1, 1, ACPI_MADT_ENABLED);	/* never reached */
	seal(h);
	EXPECT_EQ(t, acpi_madt_parse(&madt, h), 1);
	EXPECT_TRUE(t, madt.stopped);
	EXPECT_EQ(t, madt.ncpus, 1);

	/* An entry whose length runs past the table's end stops it too. */
	h = madt_begin();
	madt_add_lapic(h, 0, 0, ACPI_MADT_ENABLED);
	madt_add_lapic(h, 1, 1, ACPI_MADT_ENABLED);
	h->length -= 2;					/* cut the last entry */
	seal(h);
	EXPECT_EQ(t, acpi_madt_parse(&madt, h), 1);
	EXPECT_TRUE(t, madt.stopped);
	EXPECT_EQ(t, madt.ncpus, 1);
}

static void madt_bad_entries_skipped(struct ktest *t)
{
	struct acpi_table_header *h = madt_begin();
	const uint8_t short_lapic[] = { ACPI_MADT_TYPE_LAPIC, 6, 5, 5, 1, 0 };

	madt_add(h, short_lapic, sizeof(short_lapic));	/* needs 8 bytes */
	madt_add_lapic(h, 0, 0, ACPI_MADT_ENABLED);
	madt_add_lapic(h, 9, 0, ACPI_MADT_ENABLED);	/* APIC id 0 again */
	madt_add_lapic(h, 1, 1, ACPI_MADT_ENABLED);
	seal(h);
	EXPECT_EQ(t, acpi_madt_parse(&madt, h), 2);
	EXPECT_FALSE(t, madt.stopped);
	ASSERT_EQ(t, madt.ncpus, 2);
	EXPECT_EQ(t, madt.cpu[0].uid, 0);
	EXPECT_EQ(t, madt.cpu[1].apic_id, 1);

	/* Too short for the MADT's own fields. */
	h = put_table(OFF_APIC, "APIC", 40, 5);
	seal(h);
	EXPECT_EQ(t, acpi_madt_parse(&madt, h), -EINVAL);
	EXPECT_FALSE(t, madt.valid);
}

/* --- \_S5_ --------------------------------------------------------------------- */

static int s5(const uint8_t *aml, size_t len, uint8_t *a, uint8_t *b)
{
	*a = *b = 0xee;
	return acpi_aml_find_s5(aml, len, a, b);
}

static void s5_constant_forms(struct ktest *t)
{
	static const uint8_t ones[] = {		/* Package () { One, Zero } */
		0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0x01, 0x00,
	};
	static const uint8_t rooted[] = {	/* Name (\_S5_, ...) after other AML */
		0x10, 0x05, 0x5c, 0x00, 0x00, 0x08, 0x5c, '_', 'S', '5', '_',
		0x12, 0x06, 0x02, 0x0a, 0x03, 0x0a, 0x04,
	};
	static const uint8_t one_word[] = {	/* ACPI 1.0: one integer, a | b << 8 */
		0x08, '_', 'S', '5', '_', 0x12, 0x05, 0x01, 0x0b, 0x05, 0x07,
	};
	static const uint8_t long_pkglen[] = {	/* a 2-byte PkgLength (7) */
		0x08, '_', 'S', '5', '_', 0x12, 0x47, 0x00, 0x02, 0x0a, 0x02,
		0x0a, 0x01,
	};
	uint8_t a, b;

	EXPECT_EQ(t, s5(s5_zeros, sizeof(s5_zeros), &a, &b), 0);
	EXPECT_EQ(t, a, 0);
	EXPECT_EQ(t, b, 0);
	EXPECT_EQ(t, s5(ones, sizeof(ones), &a, &b), 0);
	EXPECT_EQ(t, a, 1);
	EXPECT_EQ(t, b, 0);
	EXPECT_EQ(t, s5(s5_bytes, sizeof(s5_bytes), &a, &b), 0);
	EXPECT_EQ(t, a, 5);
	EXPECT_EQ(t, b, 6);
	EXPECT_EQ(t, s5(rooted, sizeof(rooted), &a, &b), 0);
	EXPECT_EQ(t, a, 3);
	EXPECT_EQ(t, b, 4);
	EXPECT_EQ(t, s5(one_word, sizeof(one_word), &a, &b), 0);
	EXPECT_EQ(t, a, 5);
	EXPECT_EQ(t, b, 7);
	EXPECT_EQ(t, s5(long_pkglen, sizeof(long_pkglen), &a, &b), 0);
	EXPECT_EQ(t, a, 2);
	EXPECT_EQ(t, b, 1);
}

static void s5_absent_or_malformed(struct ktest *t)
{
	static const uint8_t not_named[] = {	/* "_S5_" as a reference only */
		0xa4, '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0x00, 0x00,
	};
	static const uint8_t method_elem[] = {	/* element is a name, not a constant */
		0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x02, 'A', 'B', 'C', 'D',
	};
	static const uint8_t too_big[] = {	/* SLP_TYP 8 does not fit 3 bits */
		0x08, '_', 'S', '5', '_', 0x12, 0x05, 0x02, 0x0a, 0x08, 0x00,
	};
	static const uint8_t empty[] = {
		0x08, '_', 'S', '5', '_', 0x12, 0x02, 0x00,
	};
	uint8_t a, b;

	EXPECT_EQ(t, s5(s4_only, sizeof(s4_only), &a, &b), -ENOENT);
	EXPECT_EQ(t, s5(not_named, sizeof(not_named), &a, &b), -ENOENT);
	EXPECT_EQ(t, s5(s5_zeros, 5, &a, &b), -ENOENT);		/* no PackageOp */
	EXPECT_EQ(t, s5(s5_zeros, 0, &a, &b), -ENOENT);
	/* The package is cut by the end of the table at every length. */
	for (size_t n = 6; n < sizeof(s5_bytes); n++)
		EXPECT_EQ(t, s5(s5_bytes, n, &a, &b), -EINVAL);
	EXPECT_EQ(t, s5(method_elem, sizeof(method_elem), &a, &b), -EINVAL);
	EXPECT_EQ(t, s5(too_big, sizeof(too_big), &a, &b), -EINVAL);
	EXPECT_EQ(t, s5(empty, sizeof(empty), &a, &b), -EINVAL);
	EXPECT_EQ(t, a, 0xee);				/* nothing was stored */
}

/* --- power-off and reset ------------------------------------------------------ */

static void fadt_fields(struct ktest *t)
{
	struct acpi_fadt_info f;
	struct acpi_fadt *fadt;

	build_machine();
	fadt = AT(OFF_FACP);
	fadt->dsdt = PHYS(OFF_SSDT);			/* X_DSDT wins */
	fadt->pm1a_cnt_blk = 0xb004;			/* X_PM1a_CNT_BLK wins */
	seal(fadt);
	ASSERT_EQ(t, acpi_fadt_parse(&f, AT(OFF_FACP)), 0);
	EXPECT_TRUE(t, f.valid);
	EXPECT_EQ(t, f.sci_irq, 9);
	EXPECT_EQ(t, f.dsdt_phys, PHYS(OFF_DSDT));
	EXPECT_EQ(t, f.pm1a_cnt.space, ACPI_SPACE_SYSTEM_IO);
	EXPECT_EQ(t, f.pm1a_cnt.address, 0x604);
	EXPECT_EQ(t, f.pm1b_cnt.address, 0);
	EXPECT_TRUE(t, f.reset_supported);
	EXPECT_EQ(t, f.reset_reg.address, 0xcf9);
	EXPECT_EQ(t, f.reset_value, 6);

	/* An ACPI 1.0 FADT (116 bytes): 32-bit fields, no reset register. */
	fadt->header.length = 116;
	seal(fadt);
	ASSERT_EQ(t, acpi_fadt_parse(&f, AT(OFF_FACP)), 0);
	EXPECT_EQ(t, f.dsdt_phys, PHYS(OFF_SSDT));
	EXPECT_EQ(t, f.pm1a_cnt.address, 0xb004);
	EXPECT_EQ(t, f.pm1a_cnt.bit_width, 16);
	EXPECT_FALSE(t, f.reset_supported);

	fadt->header.length = 100;
	seal(fadt);
	EXPECT_EQ(t, acpi_fadt_parse(&f, AT(OFF_FACP)), -EINVAL);
	EXPECT_FALSE(t, f.valid);
}

/* Scan the fake machine and parse its FADT, as acpi_init() would. */
static void boot_fake(struct ktest *t, struct acpi_fadt_info *f)
{
	ASSERT_EQ(t, scan(), 0);
	ASSERT_NOT_NULL(t, found("FACP", 0));
	ASSERT_EQ(t, acpi_fadt_parse(f, found("FACP", 0)), 0);
	nwrites = 0;
}

static void poweroff_writes_pm1a(struct ktest *t)
{
	struct acpi_fadt_info f;

	build_machine();
	put_aml(OFF_DSDT, "DSDT", s5_bytes, sizeof(s5_bytes));	/* {5, 6} */
	boot_fake(t, &f);
	port_value = 0x0001 | ACPI_PM1_SLP_TYP_MASK;	/* SCI_EN, stale type */

	ASSERT_EQ(t, acpi_enter_s5(&tables, &f), 0);
	ASSERT_EQ(t, nwrites, 2);
	EXPECT_EQ(t, writes[0].port, 0x604);
	EXPECT_EQ(t, writes[0].value, 0x0001 | 5 << 10);
	EXPECT_EQ(t, writes[1].port, 0x604);
	EXPECT_EQ(t, writes[1].value, 0x0001 | 5 << 10 | 1 << 13);
	EXPECT_EQ(t, writes[1].width, 16);

	/* QEMU's { Zero, Zero, ... }: SLP_TYP 0, just SLP_EN. */
	build_machine();
	boot_fake(t, &f);
	ASSERT_EQ(t, acpi_enter_s5(&tables, &f), 0);
	ASSERT_EQ(t, nwrites, 2);
	EXPECT_EQ(t, writes[1].port, 0x604);
	EXPECT_EQ(t, writes[1].value, 1 << 13);
}

static void poweroff_writes_pm1b(struct ktest *t)
{
	static const uint32_t list[] = { OFF_FACP, OFF_APIC, OFF_SSDT };
	struct acpi_fadt_info f;
	struct acpi_fadt *fadt;

	/* 32-bit fields only (X_ zero), a PM1b block, \_S5_ in an SSDT. */
	build_machine();
	fadt = AT(OFF_FACP);
	memset(&fadt->x_pm1a_cnt_blk, 0, sizeof(fadt->x_pm1a_cnt_blk));
	fadt->pm1a_cnt_blk = 0x1004;
	fadt->pm1b_cnt_blk = 0x2004;
	seal(fadt);
	put_aml(OFF_DSDT, "DSDT", s4_only, sizeof(s4_only));
	put_aml(OFF_SSDT, "SSDT", s5_bytes, sizeof(s5_bytes));
	put_xsdt(list, ARRAY_SIZE(list));
	boot_fake(t, &f);

	ASSERT_EQ(t, acpi_enter_s5(&tables, &f), 0);
	ASSERT_EQ(t, nwrites, 4);
	EXPECT_EQ(t, writes[2].port, 0x1004);
	EXPECT_EQ(t, writes[2].value, 5 << 10 | 1 << 13);
	EXPECT_EQ(t, writes[3].port, 0x2004);
	EXPECT_EQ(t, writes[3].value, 6 << 10 | 1 << 13);
}

static void poweroff_reports_missing(struct ktest *t)
{
	struct acpi_fadt_info f;
	struct acpi_fadt *fadt;

	/* No \_S5_ anywhere. */
	build_machine();
	put_aml(OFF_DSDT, "DSDT", s4_only, sizeof(s4_only));
	boot_fake(t, &f);
	EXPECT_EQ(t, acpi_enter_s5(&tables, &f), -ENOENT);
	EXPECT_EQ(t, nwrites, 0);

	/* No DSDT (bad checksum): same. */
	build_machine();
	((struct acpi_table_header *)AT(OFF_DSDT))->checksum++;
	boot_fake(t, &f);
	EXPECT_EQ(t, acpi_enter_s5(&tables, &f), -ENOENT);

	/* No PM1a control block. */
	build_machine();
	fadt = AT(OFF_FACP);
	memset(&fadt->x_pm1a_cnt_blk, 0, sizeof(fadt->x_pm1a_cnt_blk));
	fadt->pm1a_cnt_blk = 0;
	seal(fadt);
	boot_fake(t, &f);
	EXPECT_EQ(t, acpi_enter_s5(&tables, &f), -ENODEV);

	/* PM1a in memory space. */
	build_machine();
	fadt->x_pm1a_cnt_blk.space_id = ACPI_SPACE_SYSTEM_MEMORY;
	seal(fadt);
	boot_fake(t, &f);
	EXPECT_EQ(t, acpi_enter_s5(&tables, &f), -EOPNOTSUPP);

	/* No FADT at all. */
	memset(&f, 0, sizeof(f));
	EXPECT_EQ(t, acpi_enter_s5(&tables, &f), -ENODEV);
	EXPECT_EQ(t, nwrites, 0);
}

static void reset_register(struct ktest *t)
{
	struct acpi_fadt_info f;
	struct acpi_fadt *fadt;

	build_machine();
	boot_fake(t, &f);
	ASSERT_EQ(t, acpi_write_reset(&tables, &f), 0);
	ASSERT_EQ(t, nwrites, 1);
	EXPECT_EQ(t, writes[0].port, 0xcf9);
	EXPECT_EQ(t, writes[0].value, 6);
	EXPECT_EQ(t, writes[0].width, 8);

	/* RESET_REG_SUP clear. */
	build_machine();
	fadt = AT(OFF_FACP);
	fadt->flags = 0;
	seal(fadt);
	boot_fake(t, &f);
	EXPECT_EQ(t, acpi_write_reset(&tables, &f), -EOPNOTSUPP);

	/* In memory space. */
	build_machine();
	fadt->reset_reg.space_id = ACPI_SPACE_SYSTEM_MEMORY;
	seal(fadt);
	boot_fake(t, &f);
	EXPECT_EQ(t, acpi_write_reset(&tables, &f), -EOPNOTSUPP);
	EXPECT_EQ(t, nwrites, 0);
}

static const struct ktest_case acpi_cases[] = {
	KTEST_CASE(finds_valid_tables, "a well-formed RSDP, XSDT, FACP, APIC and DSDT are all found where they are"),
	KTEST_CASE(bad_rsdp_refused, "an RSDP with a bad checksum, extended checksum or signature yields no tables"),
	KTEST_CASE(bad_table_checksum_ignored, "a table with a bad checksum is ignored and the others are kept"),
	KTEST_CASE(reads_only_what_it_mapped,
		   "with a map that gives only the bytes asked for, a 40-byte RSDP and its tables still check"),
	KTEST_CASE(bad_lengths_refused, "too-short, over-long, unmappable and null tables are refused, later ones still found"),
	KTEST_CASE(refusals_remembered, "each refused table is remembered with its reason and origin, for the acpi command"),
	KTEST_CASE(root_table_checked, "a ragged XSDT is used, a bad or misnamed XSDT refused"),
	KTEST_CASE(same_signature_by_instance, "two SSDTs are found by instance; a table listed twice is kept once"),
	KTEST_CASE(rsdt_for_acpi_1, "a revision-0 RSDP uses the RSDT; a broken XSDT falls back to it"),
	KTEST_CASE(madt_entries_parsed, "CPUs (xAPIC, x2APIC), IOAPIC, overrides, NMIs, LAPIC override decoded"),
	KTEST_CASE(madt_zero_length_stops, "a zero-length or overrunning MADT entry stops the walk, keeping what came before"),
	KTEST_CASE(madt_bad_entries_skipped, "a short entry and a duplicate APIC id are skipped; a short MADT refused"),
	KTEST_CASE(s5_constant_forms, "\\_S5_ decodes from ZeroOp, OneOp, BytePrefix, WordPrefix and long PkgLength"),
	KTEST_CASE(s5_absent_or_malformed, "a missing, truncated or non-constant \\_S5_ is reported, never overread"),
	KTEST_CASE(fadt_fields, "X_ fields win when present; a 116-byte FADT uses the 32-bit ones"),
	KTEST_CASE(poweroff_writes_pm1a, "S5 writes SLP_TYP, then SLP_TYP|SLP_EN, to port 0x604, keeping other bits"),
	KTEST_CASE(poweroff_writes_pm1b, "with a PM1b block both registers get their own SLP_TYP; SSDTs are searched"),
	KTEST_CASE(poweroff_reports_missing, "no \\_S5_, no PM1a or no FADT gives an error and writes nothing"),
	KTEST_CASE(reset_register, "the reset value goes to port 0xcf9; unsupported or non-I/O registers are refused"),
	{}
};
KTEST_SUITE(acpi_suite, "drivers.acpi", acpi_cases);
