/*
 * Finding the ACPI tables: RSDP -> XSDT (or RSDT) -> every table.
 *
 * Firmware tables are input, not truth. Each one is checked before it is
 * kept, and the checks run in an order that never reads a byte that has
 * not been shown to belong to the table:
 *
 *   RSDP   signature "RSD PTR ", checksum of the first 20 bytes; from
 *          revision 2 on, a sane length and the extended checksum. A
 *          revision-0 RSDP (ACPI 1.0) has only the RSDT.
 *   root   the XSDT (64-bit entries), or the RSDT (32-bit entries) for
 *          ACPI 1.0 or when the XSDT is unusable.
 *   table  the header can be reached, the signature is printable (and the
 *          expected one where the pointer says what it points to),
 *          36 <= length <= 16 MiB, the whole length can be reached, the
 *          bytes sum to 0, and the address is not listed twice.
 *
 * A table that fails is reported on one "BAD" line (signature, address,
 * what was wrong, who pointed at it) and ignored; the others are kept.
 * The DSDT is not listed in the root table: the FADT points at it, and it
 * is checked the same way and listed as "DSDT".
 *
 * All state is in a struct acpi_tables; the kernel's instance is filled
 * once by acpi_init() and read-only afterwards.
 */
#include <drivers/acpi/internal.h>
#include <lib/printk.h>
#include <lib/string.h>
#include <lib/vsprintf.h>

static struct acpi_tables kernel_tables;

struct acpi_tables *acpi_kernel_tables(void)
{
	return &kernel_tables;
}

uint8_t acpi_checksum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	while (len--)
		sum += *b++;
	return sum;
}

void acpi_tables_reset(struct acpi_tables *t, const struct acpi_os_ops *os)
{
	memset(t, 0, sizeof(*t));
	t->os = os;
}

/* --- text for the log ----------------------------------------------------- */

static bool printable(char c)
{
	return c >= 0x20 && c < 0x7f;
}

static bool sig_printable(const char sig[4])
{
	for (int i = 0; i < 4; i++)
		if (!printable(sig[i]))
			return false;
	return true;
}

/* The signature as its 4 characters, or as hex if any is unprintable. */
static void sig_text(const char sig[4], char out[12])
{
	const uint8_t *b = (const uint8_t *)sig;

	if (sig_printable(sig)) {
		memcpy(out, sig, 4);
		out[4] = '\0';
	} else {
		snprintf(out, 12, "0x%02x%02x%02x%02x", b[0], b[1], b[2], b[3]);
	}
}

/* An OEM field of n characters, NULs as blanks, other unprintables as '?'. */
static void oem_chars(const char *oem, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		out[i] = oem[i] == '\0' ? ' ' : printable(oem[i]) ? oem[i] : '?';
	out[n] = '\0';
}

static void oem_text(const char oem[6], char out[7])
{
	oem_chars(oem, 6, out);
}

/* Keep the first refusals for the `acpi` command. */
static void remember(struct acpi_tables *t, const char *from, uint64_t phys,
		     const struct acpi_table_header *h, const char *why)
{
	struct acpi_table_refusal *r;

	if (t->refused >= ACPI_MAX_REFUSALS)
		return;
	r = &t->refusal[t->refused];
	memset(r, 0, sizeof(*r));
	if (h) {
		sig_text(h->signature, r->signature);
		r->length = h->length;
	}
	r->phys = phys;
	strlcpy(r->from, from, sizeof(r->from));
	strlcpy(r->why, why, sizeof(r->why));
}

/*
 * One BAD line: what was found at `phys` (header fields if it could be
 * read), what is wrong with it, and `from`, the pointer that led there.
 */
static __printf(5, 6) void refuse(struct acpi_tables *t, const char *from,
				  uint64_t phys,
				  const struct acpi_table_header *h,
				  const char *fmt, ...)
{
	char why[112], sig[12], oem[7];
	va_list ap;

	va_start(ap, fmt);
	vscnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	remember(t, from, phys, h, why);
	t->refused++;

	if (!h) {
		pr_err("acpi: table at 0x%016llx BAD: %s (from %s)\n",
		       (unsigned long long)phys, why, from);
		return;
	}
	sig_text(h->signature, sig);
	oem_text(h->oem_id, oem);
	pr_err("acpi: %s 0x%016llx len %u rev %u OEM %s BAD: %s (from %s)\n",
	       sig, (unsigned long long)phys, h->length, h->revision, oem,
	       why, from);
}

/* --- one table -------------------------------------------------------------- */

static bool already_kept(const struct acpi_tables *t, uint64_t phys)
{
	for (unsigned int i = 0; i < t->count; i++)
		if (t->table[i].phys == phys)
			return true;
	return false;
}

/*
 * Check the table at `phys`. `expect` is the signature it must carry, or
 * NULL if the pointer does not say. Returns the mapped table, or NULL
 * after one BAD line.
 */
static const struct acpi_table_header *check_table(struct acpi_tables *t,
						   uint64_t phys,
						   const char *expect,
						   const char *from)
{
	const struct acpi_table_header *h;
	uint32_t len;
	uint8_t sum;

	if (!phys) {
		refuse(t, from, phys, NULL, "null address");
		return NULL;
	}
	h = t->os->map(phys, sizeof(*h));
	if (!h) {
		refuse(t, from, phys, NULL, "the header cannot be mapped");
		return NULL;
	}
	if (!sig_printable(h->signature)) {
		refuse(t, from, phys, h, "signature is not printable");
		return NULL;
	}
	if (expect && memcmp(h->signature, expect, 4)) {
		refuse(t, from, phys, h, "expected signature %.4s", expect);
		return NULL;
	}

	len = h->length;
	if (len < sizeof(*h)) {
		refuse(t, from, phys, h, "length %u is shorter than the %zu-byte header",
		       len, sizeof(*h));
		return NULL;
	}
	if (len > ACPI_MAX_TABLE_LENGTH) {
		refuse(t, from, phys, h, "length %u is over the %u-byte limit",
		       len, ACPI_MAX_TABLE_LENGTH);
		return NULL;
	}
	h = t->os->map(phys, len);
	if (!h) {
		/* Print from the header, which could be mapped a moment ago. */
		refuse(t, from, phys, t->os->map(phys, sizeof(*h)),
		       "the %u bytes of the table cannot be mapped", len);
		return NULL;
	}
	sum = acpi_checksum(h, len);
	if (sum) {
		refuse(t, from, phys, h,
		       "checksum: the %u bytes sum to 0x%02x, not 0 (checksum byte 0x%02x)",
		       len, sum, h->checksum);
		return NULL;
	}
	if (already_kept(t, phys)) {
		refuse(t, from, phys, h, "this address is already listed");
		return NULL;
	}
	return h;
}

/* Valid tables are news at boot, noise in a self-test. */
static int ok_level(const struct acpi_tables *t)
{
	return t->quiet ? LOGLEVEL_DEBUG : LOGLEVEL_INFO;
}

/* Add a checked table to the list and print its line. */
static void keep_table(struct acpi_tables *t, uint64_t phys,
		       const struct acpi_table_header *h, const char *from)
{
	struct acpi_table_info *ti;

	if (t->count == ACPI_MAX_TABLES) {
		refuse(t, from, phys, h, "the list of %u tables is full",
		       ACPI_MAX_TABLES);
		return;
	}
	ti = &t->table[t->count++];
	memcpy(ti->signature, h->signature, 4);
	ti->signature[4] = '\0';
	oem_text(h->oem_id, ti->oem_id);
	oem_chars(h->oem_table_id, 8, ti->oem_table_id);
	ti->revision = h->revision;
	ti->length = h->length;
	ti->phys = phys;
	ti->header = h;

	printk_level(ok_level(t), "acpi: %s 0x%016llx len %u rev %u OEM %s checksum ok\n",
		ti->signature, (unsigned long long)phys, ti->length,
		ti->revision, ti->oem_id);
}

/* --- the RSDP and the root table ---------------------------------------------- */

/* Check the RSDP; returns it mapped (20 or `length` bytes), or NULL. */
static const struct acpi_rsdp *check_rsdp(struct acpi_tables *t, uint64_t phys)
{
	const struct acpi_rsdp *r;
	uint32_t length;
	uint8_t sum;

	r = t->os->map(phys, ACPI_RSDP_V1_LENGTH);
	if (!r) {
		pr_err("acpi: RSDP 0x%016llx BAD: cannot be mapped\n",
		       (unsigned long long)phys);
		return NULL;
	}
	if (memcmp(r->signature, ACPI_RSDP_SIGNATURE, 8)) {
		pr_err("acpi: RSDP 0x%016llx BAD: signature is not \"%s\"\n",
		       (unsigned long long)phys, ACPI_RSDP_SIGNATURE);
		return NULL;
	}
	sum = acpi_checksum(r, ACPI_RSDP_V1_LENGTH);
	if (sum) {
		pr_err("acpi: RSDP 0x%016llx rev %u BAD: checksum: the first %u bytes sum to 0x%02x, not 0\n",
		       (unsigned long long)phys, r->revision,
		       ACPI_RSDP_V1_LENGTH, sum);
		return NULL;
	}
	if (r->revision < 2)
		return r;	/* ACPI 1.0: no length, no XSDT */

	r = t->os->map(phys, sizeof(*r));
	if (!r) {
		pr_err("acpi: RSDP 0x%016llx BAD: its %zu bytes cannot be mapped\n",
		       (unsigned long long)phys, sizeof(*r));
		return NULL;
	}
	if (r->length < sizeof(*r) || r->length > ACPI_RSDP_MAX_LENGTH) {
		pr_err("acpi: RSDP 0x%016llx rev %u BAD: length %u is not in [%zu, %u]\n",
		       (unsigned long long)phys, r->revision, r->length,
		       sizeof(*r), ACPI_RSDP_MAX_LENGTH);
		return NULL;
	}
	length = r->length;
	/* the whole structure through the mapping that covers it: the
	 * os->map contract promises only the bytes asked for */
	r = t->os->map(phys, length);
	if (!r) {
		pr_err("acpi: RSDP 0x%016llx BAD: its %u bytes cannot be mapped\n",
		       (unsigned long long)phys, length);
		return NULL;
	}
	sum = acpi_checksum(r, length);
	if (sum) {
		pr_err("acpi: RSDP 0x%016llx rev %u BAD: extended checksum: the %u bytes sum to 0x%02x, not 0\n",
		       (unsigned long long)phys, r->revision, length, sum);
		return NULL;
	}
	return r;
}

/* Read entry i of a root table whose entries are `esize` bytes wide. */
static uint64_t root_entry(const struct acpi_table_header *root, size_t esize,
			   unsigned int i)
{
	const uint8_t *p = (const uint8_t *)(root + 1) + (size_t)i * esize;
	uint32_t a32;
	uint64_t a64;

	if (esize == ACPI_RSDT_ENTRY_SIZE) {
		memcpy(&a32, p, sizeof(a32));
		return a32;
	}
	memcpy(&a64, p, sizeof(a64));
	return a64;
}

/* Check the XSDT or RSDT at `phys` and every table it lists. */
static int scan_root(struct acpi_tables *t, uint64_t phys, bool xsdt)
{
	const char *sig = xsdt ? "XSDT" : "RSDT";
	size_t esize = xsdt ? ACPI_XSDT_ENTRY_SIZE : ACPI_RSDT_ENTRY_SIZE;
	const struct acpi_table_header *root;
	uint32_t body;
	unsigned int n;

	root = check_table(t, phys, sig, "RSDP");
	if (!root)
		return -EINVAL;
	keep_table(t, phys, root, "RSDP");

	body = root->length - sizeof(*root);
	n = body / esize;
	if (body % esize)
		pr_warn("acpi: %s length %u is not the header plus whole %zu-byte entries; the last %u bytes are ignored\n",
			sig, root->length, esize, (unsigned int)(body % esize));

	for (unsigned int i = 0; i < n; i++) {
		uint64_t addr = root_entry(root, esize, i);
		const struct acpi_table_header *h;
		char from[24];

		if (t->count == ACPI_MAX_TABLES) {
			pr_err("acpi: %s: the list of %u tables is full; its last %u entries are ignored\n",
			       sig, ACPI_MAX_TABLES, n - i);
			t->refused += n - i;
			break;
		}
		snprintf(from, sizeof(from), "%s entry %u", sig, i);
		h = check_table(t, addr, NULL, from);
		if (h)
			keep_table(t, addr, h, from);
	}
	return 0;
}

/* The DSDT, named by the FADT rather than by the root table. */
static void scan_dsdt(struct acpi_tables *t)
{
	const struct acpi_table_header *facp = acpi_tables_find(t, "FACP", 0);
	const struct acpi_table_header *dsdt;
	uint64_t phys;

	if (!facp)
		return;		/* reported by the FADT parser */
	phys = acpi_fadt_dsdt_phys(facp);
	dsdt = check_table(t, phys, "DSDT", "FACP");
	if (dsdt)
		keep_table(t, phys, dsdt, "FACP");
}

int acpi_tables_scan(struct acpi_tables *t, uint64_t rsdp_phys)
{
	const struct acpi_rsdp *r;
	char oem[7];
	int ret = -EINVAL;

	t->count = 0;
	t->refused = 0;
	t->rsdp_phys = rsdp_phys;
	if (!rsdp_phys) {
		pr_err("acpi: no RSDP: the firmware gave no ACPI tables\n");
		return -ENODEV;
	}
	r = check_rsdp(t, rsdp_phys);
	if (!r)
		return -EINVAL;
	t->rsdp_revision = r->revision;
	oem_text(r->oem_id, oem);

	if (r->revision >= 2) {
		printk_level(ok_level(t), "acpi: RSDP 0x%016llx rev %u OEM %s XSDT 0x%016llx\n",
			(unsigned long long)rsdp_phys, r->revision, oem,
			(unsigned long long)r->xsdt_address);
		if (r->xsdt_address)
			ret = scan_root(t, r->xsdt_address, true);
		if (ret && r->rsdt_address)
			pr_warn("acpi: no usable XSDT; trying the RSDT at 0x%08x\n",
				r->rsdt_address);
	} else {
		printk_level(ok_level(t), "acpi: RSDP 0x%016llx rev %u (ACPI 1.0) OEM %s RSDT 0x%08x\n",
			(unsigned long long)rsdp_phys, r->revision, oem,
			r->rsdt_address);
	}
	if (ret && r->rsdt_address)
		ret = scan_root(t, r->rsdt_address, false);
	if (ret) {
		pr_err("acpi: RSDP 0x%016llx: no valid root table; ACPI is not used\n",
		       (unsigned long long)rsdp_phys);
		return ret;
	}
	scan_dsdt(t);
	return 0;
}

const struct acpi_table_header *acpi_tables_find(const struct acpi_tables *t,
						 const char sig[4],
						 unsigned int instance)
{
	for (unsigned int i = 0; i < t->count; i++) {
		if (memcmp(t->table[i].signature, sig, 4))
			continue;
		if (instance-- == 0)
			return t->table[i].header;
	}
	return NULL;
}

/* --- the kernel's tables ------------------------------------------------------ */

const struct acpi_table_header *acpi_find_table(const char sig[4],
						unsigned int instance)
{
	return acpi_tables_find(&kernel_tables, sig, instance);
}

unsigned int acpi_table_count(void)
{
	return kernel_tables.count;
}

const struct acpi_table_info *acpi_table_at(unsigned int i)
{
	return i < kernel_tables.count ? &kernel_tables.table[i] : NULL;
}
